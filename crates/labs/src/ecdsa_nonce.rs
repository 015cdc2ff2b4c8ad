//! Lab 9: ECDSA nonce reuse. Two signatures made with one nonce k give
//! away the private key, with two subtractions and two divisions mod n —
//! how fail0verflow recovered Sony's PlayStation 3 signing key (27C3,
//! 2010: Sony used the same k for every signature), and how Bitcoin was
//! stolen from Android wallets whose random numbers repeated (2013,
//! CVE-2013-7372).
//!
//! A padlock-tls server signs each TLS 1.2 ServerKeyExchange with its
//! P-256 ECDSA key. padlock-ec derives k from the key and the message hash
//! (RFC 6979), so every message gets its own. With the key's switch
//! `RepeatNonce` (crates/ec/src/ecdsa.rs) the message is left out of the
//! derivation, and k is the same every time. The attacker connects twice,
//! keeps both ServerKeyExchange signatures, sees the same r in both, and
//! solves for d.

use std::sync::Arc;

use padlock_ec::lab::{Switch, Switches};
use padlock_ec::{Curve, p256};
use padlock_sha::{Hash as _, Sha256};
use padlock_tls::ProtocolVersion;
use padlock_tls::ServerConfig;
use padlock_tls::sign::SignatureScheme;
use padlock_tls::suites::ECDHE_ECDSA_AES_128_GCM_SHA256;

use crate::nat::{ModN, Nat};
use crate::net::Server;
use crate::report::{Report, Role};
use crate::{Outcome, Params, common, crt_fault, net};

/// The order n of P-256's base point (SP 800-186 §3.2.1.3; FIPS 186-4
/// D.1.2.3), big-endian.
pub const P256_N: [u8; 32] = [
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xbc,
    0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
];

/// One signature the attacker collected: the hash e of what was signed
/// (FIPS 186-5 §6.4.1 steps 4-5: for P-256 with SHA-256, the hash as an
/// integer mod n) and (r, s).
#[derive(Clone, Debug)]
pub struct Collected {
    /// e = SHA-256(message) mod n.
    pub e: Nat,
    /// r = x(k·G) mod n.
    pub r: Nat,
    /// s = k^-1 (e + r·d) mod n.
    pub s: Nat,
}

impl Collected {
    /// From the signed message and the DER signature.
    pub fn new(message: &[u8], der: &[u8]) -> Result<Collected, String> {
        let signature = p256::Signature::from_der(der).map_err(|e| format!("a signature: {e}"))?;
        let n = ModN::new(&Nat::from_be_bytes(&P256_N));
        Ok(Collected {
            e: n.reduce(&Nat::from_be_bytes(Sha256::digest(message).as_ref())),
            r: Nat::from_be_bytes(&signature.r_bytes()),
            s: Nat::from_be_bytes(&signature.s_bytes()),
        })
    }
}

/// The private key d from two signatures with the same r (so the same k):
///
/// ```text
///   s1 - s2 = k^-1 (e1 - e2)        so  k = (e1 - e2) / (s1 - s2)  mod n
///   s1 k = e1 + r d                 so  d = (s1 k - e1) / r        mod n
/// ```
///
/// `None` if the r differ (two different nonces: nothing to solve) or the
/// two signatures are of the same hash (s1 = s2).
pub fn recover_key(one: &Collected, two: &Collected) -> Option<Nat> {
    if one.r != two.r {
        return None;
    }
    let n_nat = Nat::from_be_bytes(&P256_N);
    let n = ModN::new(&n_nat);
    let sub = |a: &Nat, b: &Nat| n.reduce(&a.add(&n_nat).sub(&n.reduce(b)));
    let k = n.mul(&sub(&one.e, &two.e), &n.inv(&sub(&one.s, &two.s))?);
    let d = n.mul(&sub(&n.mul(&one.s, &k), &one.e), &n.inv(&one.r)?);
    (!d.is_zero()).then_some(d)
}

pub(crate) fn run(params: &Params, report: &mut Report<'_>) -> Result<Outcome, String> {
    let seed = params.seed;
    report.heading("The setting");
    report.explain(format!(
        "A TLS 1.2 server with an ECDSA P-256 certificate signs every ServerKeyExchange (its ECDHE share and \
         both randoms): r = x(k·G) mod n, s = k^-1 (e + r·d) mod n, where d is its private key, e the hash \
         of what it signs and k a nonce that must be secret and never repeat. {}",
        if params.fixed {
            "This is the real signer (--fixed): padlock-ec derives k from d and e (RFC 6979 §3.2), a \
             different k for every message."
        } else {
            "Its key's switch RepeatNonce is on (crates/ec/src/ecdsa.rs): k is derived from d alone, the \
             message left out — the same k for every signature, as Sony's was."
        }
    ));
    let pki = padlock_x509::throwaway::throwaway_ecdsa(
        Curve::P256,
        &["localhost"],
        &[],
        common::clock().0,
        &mut net::rng(seed, 1000),
    )?;
    let mut key = Arc::try_unwrap(pki.key).map_err(|_| "the key is shared")?;
    let truth = key.to_bytes().to_vec();
    let public = key.public_key();
    if !params.fixed {
        key.set_lab_switches(Switches::NONE.turn_on(Switch::RepeatNonce));
    }
    let mut config = ServerConfig::new(vec![pki.leaf.clone()], Arc::new(key));
    config.versions = vec![ProtocolVersion::Tls12];
    config.cipher_suites = vec![ECDHE_ECDSA_AES_128_GCM_SHA256];
    let server = Server::start(config, seed, 1, |stream| net::answer_request(stream, "hello\n").map(|_| ()))?;

    report.heading("Two handshakes");
    report.explain(
        "The attacker connects twice like any client, offering ECDHE_ECDSA with ecdsa_secp256r1_sha256, and \
         keeps each ServerKeyExchange: the signed bytes (client random, server random, params) are on the \
         wire, so it can hash them itself.",
    );
    let mut collected = Vec::new();
    for i in 0..2u64 {
        let mut client = common::client_config("localhost", &pki.ca);
        client.versions = vec![ProtocolVersion::Tls12];
        client.cipher_suites = vec![ECDHE_ECDSA_AES_128_GCM_SHA256];
        client.signature_schemes = vec![SignatureScheme::EcdsaSecp256r1Sha256];
        let fetched = common::fetch(server.address(), client, seed + 100 * i, b"GET / HTTP/1.1\r\n\r\n");
        let (signed, der) = crt_fault::signed_key_exchange(&fetched.events)
            .ok_or_else(|| format!("no ServerKeyExchange: {}", fetched.response.err().unwrap_or_default()))?;
        let c = Collected::new(&signed, &der)?;
        report.wire(
            Role::Server,
            Role::Attacker,
            format!("ServerKeyExchange {}: its signature (DER)", i + 1),
            &der,
        );
        report
            .value(format!("r{}", i + 1), padlock_tls::trace::hex(&c.r.to_be_bytes(32).unwrap_or_default()));
        report
            .value(format!("s{}", i + 1), padlock_tls::trace::hex(&c.s.to_be_bytes(32).unwrap_or_default()));
        collected.push(c);
    }
    let same_r = collected[0].r == collected[1].r;
    if !same_r {
        report.explain(
            "r1 and r2 differ: the two signatures used different nonces, so there are two unknown k beside d \
             in two equations — nothing to solve.",
        );
        report.figure("handshakes", "2");
        report.figure("signatures with one k", "0");
        report.verdict(false, "every signature had its own nonce: the key stays secret");
        return Ok(Outcome { attack_succeeded: false, queries: 2, seconds: 0.0 });
    }
    report.leak("r1 = r2: both signatures were made with the same k (r = x(k·G) depends on k alone)");
    report.heading("Solving for k, then d");
    report.explain(
        "Subtract the two signing equations: s1 - s2 = k^-1 (e1 - e2), so k = (e1 - e2) / (s1 - s2) mod n. \
         Then s1·k = e1 + r·d gives d = (s1·k - e1) / r mod n. Two subtractions, two inversions mod n: no \
         search at all.",
    );
    let d = recover_key(&collected[0], &collected[1]).ok_or("the equations have no solution")?;
    let d_bytes = d.to_be_bytes(32).ok_or("d is too long")?;
    report.recovered("the server's private key d", &d_bytes, &truth);
    let rebuilt = p256::PrivateKey::from_bytes(&d_bytes).map_err(|e| e.to_string())?;
    let forged = rebuilt.sign::<Sha256>(b"I am localhost.").to_der();
    let verifies = public.verify::<Sha256>(b"I am localhost.", &forged).is_ok();
    report.value(
        "a message signed with the recovered key verifies under the server's certificate",
        if verifies { "yes" } else { "no" },
    );
    report.figure("handshakes", "2");
    report.figure("signatures with one k", "2");
    report.verdict(
        verifies,
        "the server's private key, from two signatures: the attacker can now impersonate it",
    );
    Ok(Outcome { attack_succeeded: verifies, queries: 2, seconds: 0.0 })
}
