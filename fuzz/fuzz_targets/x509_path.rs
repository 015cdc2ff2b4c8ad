//! Path building (RFC 5280 §6) over chains made of many similar
//! certificates, as a hostile server would send them: the fuzzer picks,
//! orders and repeats certificates from a fixed pool — the real
//! intermediate, a second one cross-signed by the same root, decoys with
//! the intermediate's name and key (self-signed), decoys with its name and
//! another key, one with a broken signature, an expired one, a copy of the
//! root — and which anchors the client trusts, and when it checks.
//!
//! Whatever the choice, the search stays within its budget
//! (`MAX_SIGNATURE_CHECKS`, `MAX_CANDIDATES`: issue 14, defect 2); a path
//! it returns starts at the leaf, ends at an anchor, and each signature
//! along it verifies; and when the first certificate sent that could
//! issue the leaf is a good intermediate and the root is trusted, at a time
//! when everything is valid, the path is found.

#![no_main]

use std::sync::OnceLock;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use padlock_der::Time;
use padlock_rsa::RsaPrivateKey;
use padlock_x509::{
    Certificate, CertificateBuilder, MAX_CANDIDATES, MAX_SIGNATURE_CHECKS, PATH_BUDGET,
    verify_path_with_budget, verify_signature,
};
use rand::SeedableRng;
use rand::rngs::StdRng;

/// The certificates a run picks from.
struct Pool {
    root: Certificate,
    leaf: Certificate,
    /// What the server may send; the first two are the good intermediates.
    sent: Vec<Certificate>,
}

/// At most this many certificates sent in one run.
const MAX_SENT: usize = 96;

#[derive(Arbitrary, Debug)]
struct Input {
    /// The certificates sent, as indices into the pool (modulo its size).
    sent: Vec<u8>,
    /// Bit 0: the client trusts the root; bit 1: it also trusts a decoy.
    anchors: u8,
    /// Days after the pool's notBefore (its certificates are valid for 90
    /// to 3650 days from it; the expired decoy for 10).
    days: u16,
}

fn start() -> Time {
    Time::new(2026, 1, 1, 0, 0, 0).expect("a valid time")
}

fn pool() -> &'static Pool {
    static POOL: OnceLock<Pool> = OnceLock::new();
    POOL.get_or_init(|| {
        let mut rng = StdRng::seed_from_u64(14);
        let keys: Vec<RsaPrivateKey> =
            (0..4).map(|_| RsaPrivateKey::generate(1024, &mut rng, &mut |_| {}).expect("keygen")).collect();
        let (root_key, int_key, leaf_key, other_key) = (&keys[0], &keys[1], &keys[2], &keys[3]);
        let name = "Padlock Fuzz Intermediate";
        let root =
            CertificateBuilder::ca("Padlock Fuzz Root", start()).self_signed(root_key, &mut rng).unwrap();
        let intermediate = || CertificateBuilder::ca(name, start());
        let mut sent = Vec::new();
        for _ in 0..2 {
            sent.push(intermediate().signed_by(int_key.public_key(), &root, root_key, &mut rng).unwrap());
        }
        let leaf = CertificateBuilder::leaf("example.org", start())
            .signed_by(leaf_key.public_key(), &sent[0], int_key, &mut rng)
            .unwrap();
        for _ in 0..8 {
            sent.push(intermediate().self_signed(int_key, &mut rng).unwrap());
        }
        for _ in 0..4 {
            sent.push(intermediate().self_signed(other_key, &mut rng).unwrap());
        }
        let mut expired = intermediate();
        expired.days = 10;
        sent.push(expired.signed_by(int_key.public_key(), &root, root_key, &mut rng).unwrap());
        let mut broken = sent[0].der().to_vec();
        *broken.last_mut().unwrap() ^= 1;
        sent.push(Certificate::from_der(&broken).unwrap());
        sent.push(
            CertificateBuilder::ca("Padlock Fuzz Root", start()).self_signed(root_key, &mut rng).unwrap(),
        );
        Pool { root, leaf, sent }
    })
}

fuzz_target!(|input: Input| {
    let pool = pool();
    let sent: Vec<Certificate> = input
        .sent
        .iter()
        .take(MAX_SENT)
        .map(|&i| pool.sent[usize::from(i) % pool.sent.len()].clone())
        .collect();
    let mut anchors = Vec::new();
    if input.anchors & 1 != 0 {
        anchors.push(pool.root.clone());
    }
    if input.anchors & 2 != 0 {
        anchors.push(pool.sent[2].clone());
    }
    let days = i64::from(input.days % 4000);
    let Ok(now) = Time::from_unix_seconds(start().unix_seconds() + days * 86_400 + 60) else { return };
    let (result, work) = verify_path_with_budget(&pool.leaf, &sent, &anchors, now, PATH_BUDGET);
    assert!(work.signature_checks <= MAX_SIGNATURE_CHECKS, "{work:?}");
    assert!(work.candidates <= MAX_CANDIDATES, "{work:?}");
    match result {
        Ok(path) => {
            assert_eq!(path[0].der(), pool.leaf.der(), "the path starts at the leaf");
            let last = path[path.len() - 1];
            assert!(anchors.iter().any(|a| a.der() == last.der()), "the path ends at an anchor");
            for pair in path.windows(2) {
                verify_signature(pair[0], pair[1]).expect("each link of a returned path verifies");
            }
        }
        Err(error) => {
            // The first certificate that names itself the leaf's issuer
            // with the leaf's issuer key: one of the two good ones?
            let first = sent.iter().find(|c| {
                c.subject == pool.leaf.issuer
                    && c.extensions.subject_key_id == pool.leaf.extensions.authority_key_id.clone().flatten()
            });
            let good = first.is_some_and(|c| c.der() == pool.sent[0].der() || c.der() == pool.sent[1].der());
            let all_valid = days < 90;
            assert!(!(good && input.anchors & 1 != 0 && all_valid), "a good path was missed: {error}");
        }
    }
});
