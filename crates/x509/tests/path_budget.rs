//! Path building on hostile certificate sets stays within its budget
//! (issue 14, defect 2), and still finds the paths honest servers send.
//!
//! A server — or a man in the middle, before anything is authenticated —
//! can send many certificates that could all issue one another: the same
//! subject and issuer name, the same key, each self-signed. Before the
//! budget, the depth-first search tried every order of them up to eight
//! deep: nine such certificates took about 10 s, fifteen kept a client busy
//! for minutes. Now the search stops at `MAX_SIGNATURE_CHECKS` signature
//! checks and `MAX_CANDIDATES` candidates, with
//! `Error::PathBudgetExhausted`; [`verify_path_with_budget`] reports the
//! counts, which is what these tests assert (the time bound is a generous
//! second check), and takes a smaller budget to show where it stops.
//!
//! The honest cases: a cross-signed root reached through a dead end (the
//! self-signed root the server also sent), an expired intermediate beside
//! a valid one with the same name and key, and the real intermediate among
//! many decoys.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use padlock_der::{BitString, Time, Writer, oids};
use padlock_rsa::RsaPrivateKey;
use padlock_sha::Sha256;
use padlock_x509::{
    Certificate, CertificateBuilder, Error, MAX_CANDIDATES, MAX_SIGNATURE_CHECKS, PATH_BUDGET, PathWork,
    Profile, verify_path, verify_path_with_budget,
};
use rand::SeedableRng;
use rand::rngs::StdRng;

/// Far more than the budget needs (a few milliseconds), far less than the
/// seconds to minutes the unbounded search took.
const TIME_BOUND: Duration = Duration::from_millis(200);

/// notBefore of every certificate here.
fn start() -> Time {
    Time::new(2026, 1, 1, 0, 0, 0).expect("a valid time")
}

/// The time the chains are checked at.
fn now() -> Time {
    Time::new(2026, 2, 1, 0, 0, 0).expect("a valid time")
}

/// Twelve 1024-bit keys, made once (the profile does not depend on the size).
fn keys() -> &'static [RsaPrivateKey] {
    static KEYS: OnceLock<Vec<RsaPrivateKey>> = OnceLock::new();
    KEYS.get_or_init(|| {
        let mut rng = StdRng::seed_from_u64(14);
        (0..12).map(|_| RsaPrivateKey::generate(1024, &mut rng, &mut |_| {}).expect("keygen")).collect()
    })
}

/// A self-signed CA named `name` with `key`.
fn root(name: &str, key: &RsaPrivateKey, rng: &mut StdRng) -> Certificate {
    CertificateBuilder::ca(name, start()).self_signed(key, rng).expect("a root")
}

/// A CA named `name` for `key`, signed by `issuer` (whose key is `issuer_key`).
fn ca_signed_by(
    name: &str,
    key: &RsaPrivateKey,
    issuer: &Certificate,
    issuer_key: &RsaPrivateKey,
) -> Certificate {
    let mut rng = StdRng::seed_from_u64(name.len() as u64);
    let builder = CertificateBuilder::ca(name, start());
    builder.signed_by(key.public_key(), issuer, issuer_key, &mut rng).expect("a CA")
}

/// A leaf for `key`, signed by `issuer`.
fn leaf_signed_by(key: &RsaPrivateKey, issuer: &Certificate, issuer_key: &RsaPrivateKey) -> Certificate {
    let mut rng = StdRng::seed_from_u64(7);
    let builder = CertificateBuilder::leaf("example.org", start());
    builder.signed_by(key.public_key(), issuer, issuer_key, &mut rng).expect("a leaf")
}

/// The subjects and serial numbers of a path, for short messages.
fn names(path: &[&Certificate]) -> Vec<String> {
    path.iter().map(|c| format!("{} #{:02x?}", c.subject, &c.serial[..2])).collect()
}

/// Runs the search and checks it stayed within its budget and the time
/// bound; returns the result.
fn bounded(
    leaf: &Certificate,
    intermediates: &[Certificate],
    anchors: &[Certificate],
) -> Result<usize, Error> {
    let started = Instant::now();
    let (result, work) = verify_path_with_budget(leaf, intermediates, anchors, now(), PATH_BUDGET);
    let elapsed = started.elapsed();
    let n = intermediates.len();
    assert!(work.signature_checks <= MAX_SIGNATURE_CHECKS, "{n} certificates: {work:?}");
    assert!(work.candidates <= MAX_CANDIDATES, "{n} certificates: {work:?}");
    assert!(elapsed < TIME_BOUND, "{n} certificates: {elapsed:?} ({work:?})");
    result.map(|path| path.len())
}

#[test]
fn many_self_signed_certificates_with_one_name_and_key_cost_bounded_work() {
    let mut rng = StdRng::seed_from_u64(1);
    let key = &keys()[0];
    let anchor = root("Padlock Test Root", &keys()[1], &mut rng);
    let decoys: Vec<Certificate> = (0..50).map(|_| root("Evil", key, &mut rng)).collect();
    let leaf = leaf_signed_by(&keys()[2], &decoys[0], key);
    for n in [9, 15, 50] {
        let result = bounded(&leaf, &decoys[..n], std::slice::from_ref(&anchor));
        assert!(
            matches!(result, Err(Error::PathBudgetExhausted { .. } | Error::UnknownIssuer(_))),
            "{n}: {result:?}"
        );
    }
    let error = verify_path(&leaf, &decoys, std::slice::from_ref(&anchor), now()).unwrap_err();
    assert!(matches!(error, Error::PathBudgetExhausted { .. }), "{error:?}");
    assert!(error.to_string().contains("gave up"), "{error}");
}

#[test]
fn certificates_without_key_identifiers_under_many_keys_cost_bounded_signature_checks() {
    // Twelve keys, one name, no key identifiers (nothing tells the search
    // which key signed what): certificate i holds key i mod 12 and is signed
    // by key i + 1 mod 12, so each step has one right issuer among ten
    // candidates with ten different keys, and each check is a new one.
    let k = keys();
    let mesh: Vec<Certificate> =
        (0..24).map(|i| bare_ca("Evil", &k[i % 12], &k[(i + 1) % 12], i as u8 + 1)).collect();
    let mut rng = StdRng::seed_from_u64(2);
    let evil = root("Evil", &k[0], &mut rng);
    let leaf = leaf_signed_by(&k[1], &evil, &k[0]);
    let anchor = root("Padlock Test Root", &k[1], &mut rng);
    let (result, work) =
        verify_path_with_budget(&leaf, &mesh, std::slice::from_ref(&anchor), now(), PATH_BUDGET);
    assert!(result.is_err(), "{result:?}");
    assert!(work.signature_checks > 50 && work.signature_checks <= MAX_SIGNATURE_CHECKS, "{work:?}");
    bounded(&leaf, &mesh, std::slice::from_ref(&anchor)).unwrap_err();
}

/// A v3 CA certificate named `name` (as subject and issuer) for `key`,
/// signed by `issuer_key`, with basicConstraints only: no key identifiers,
/// as old roots have none. Written by hand, as the builder always adds them.
fn bare_ca(name: &str, key: &RsaPrivateKey, issuer_key: &RsaPrivateKey, serial: u8) -> Certificate {
    let algorithm = |w: &mut Writer| {
        w.sequence(|w| {
            w.oid(&oids::SHA256_WITH_RSA_ENCRYPTION);
            w.null();
        })
    };
    let name = |w: &mut Writer| {
        w.sequence(|w| {
            w.set_of(|w| {
                w.sequence(|w| {
                    w.oid(&oids::COMMON_NAME);
                    w.utf8_string(name);
                })
            })
        })
    };
    let mut w = Writer::new();
    w.sequence(|w| {
        w.explicit(0, |w| w.small_integer(2));
        w.small_integer(i64::from(serial));
        algorithm(w);
        name(w);
        w.sequence(|w| {
            w.time(&start());
            w.time(&Time::new(2036, 1, 1, 0, 0, 0).expect("a valid time"));
        });
        name(w);
        w.raw(&key.public_key().to_spki_der());
        w.explicit(3, |w| {
            w.sequence(|w| {
                w.sequence(|w| {
                    w.oid(&oids::BASIC_CONSTRAINTS);
                    w.boolean(true);
                    w.octet_string(&[0x30, 0x03, 0x01, 0x01, 0xff]); // SEQUENCE { cA TRUE }
                })
            })
        });
    });
    let tbs = w.finish().expect("DER");
    let signature =
        issuer_key.sign_pkcs1v15::<Sha256, _>(&tbs, &mut StdRng::seed_from_u64(0)).expect("signs");
    let mut w = Writer::new();
    w.sequence(|w| {
        w.raw(&tbs);
        algorithm(w);
        w.bit_string(BitString::from_octets(&signature));
    });
    Certificate::from_der(&w.finish().expect("DER")).expect("reads back")
}

#[test]
fn a_cross_signed_root_is_found_past_a_dead_end() {
    let mut rng = StdRng::seed_from_u64(3);
    let k = keys();
    let old_root = root("Old Root", &k[0], &mut rng);
    let new_root = root("New Root", &k[1], &mut rng);
    let other_root = root("Other Root", &k[4], &mut rng);
    // The new root's key, certified by the old root (what "cross-signed"
    // means), and by a root the client does not know: a dead end.
    let cross = ca_signed_by("New Root", &k[1], &old_root, &k[0]);
    let stray = ca_signed_by("New Root", &k[1], &other_root, &k[4]);
    let intermediate = ca_signed_by("Issuing CA", &k[2], &new_root, &k[1]);
    let leaf = leaf_signed_by(&k[3], &intermediate, &k[2]);
    let anchors = [old_root.clone()];
    // The client trusts only the old root; the server sends the dead end
    // first, which the search must back out of.
    let sent = [stray.clone(), intermediate.clone(), cross.clone()];
    let path = verify_path(&leaf, &sent, &anchors, now()).expect("verifies through the cross-signature");
    assert_eq!(names(&path), names(&[&leaf, &intermediate, &cross, &old_root]));
    assert_eq!(bounded(&leaf, &sent, &anchors), Ok(4));
    // The self-signed new root sent too: a self-issued certificate may sit
    // in the path (RFC 5280 §6.1.4 (l) does not count it), so the search
    // goes through it to the cross-signature.
    let sent = [new_root.clone(), stray.clone(), intermediate.clone(), cross.clone()];
    let path = verify_path(&leaf, &sent, &anchors, now()).expect("verifies through the cross-signature");
    assert_eq!(names(&path[path.len() - 2..]), names(&[&cross, &old_root]));
    // A client that trusts the new root stops there.
    let anchors = [new_root.clone()];
    let path = verify_path(&leaf, &sent, &anchors, now()).expect("verifies");
    assert_eq!(names(&path), names(&[&leaf, &intermediate, &new_root]));
    // Without the cross-signature, the old root is out of reach.
    let error = verify_path(&leaf, &sent[..3], std::slice::from_ref(&old_root), now()).unwrap_err();
    assert!(matches!(error, Error::UnknownIssuer(_)), "{error:?}");
}

#[test]
fn an_expired_intermediate_is_passed_over_for_a_valid_one() {
    let mut rng = StdRng::seed_from_u64(4);
    let k = keys();
    let anchor = root("Padlock Test Root", &k[0], &mut rng);
    let mut builder = CertificateBuilder::ca("Padlock Intermediate", Time::new(2020, 1, 1, 0, 0, 0).unwrap());
    builder.days = 365;
    builder.profile = Profile::Ca { path_len: Some(0) };
    let expired = builder.signed_by(k[1].public_key(), &anchor, &k[0], &mut rng).expect("a CA");
    let valid = ca_signed_by("Padlock Intermediate", &k[1], &anchor, &k[0]);
    let leaf = leaf_signed_by(&k[2], &valid, &k[1]);
    let sent = [expired.clone(), valid.clone()];
    let path = verify_path(&leaf, &sent, std::slice::from_ref(&anchor), now()).expect("verifies");
    assert_eq!(names(&path), names(&[&leaf, &valid, &anchor]));
    let error = verify_path(&leaf, &sent[..1], std::slice::from_ref(&anchor), now()).unwrap_err();
    assert!(matches!(error, Error::Expired { .. }), "{error:?}");
}

#[test]
fn the_real_intermediate_is_found_among_decoys() {
    let mut rng = StdRng::seed_from_u64(5);
    let k = keys();
    let anchor = root("Padlock Test Root", &k[0], &mut rng);
    let intermediate = ca_signed_by("Padlock Intermediate", &k[1], &anchor, &k[0]);
    let leaf = leaf_signed_by(&k[2], &intermediate, &k[1]);
    // Decoys with the intermediate's name and key, self-signed.
    let decoys: Vec<Certificate> = (0..50).map(|_| root("Padlock Intermediate", &k[1], &mut rng)).collect();
    let anchors = std::slice::from_ref(&anchor);
    // Sent first, it is found at once, whatever follows.
    let sent: Vec<Certificate> = [&[intermediate.clone()][..], &decoys].concat();
    assert_eq!(bounded(&leaf, &sent, anchors), Ok(3));
    // After a few decoys it is still found: a self-issued certificate may
    // sit in a path (RFC 5280 §6.1.4 (l) does not count it).
    let sent: Vec<Certificate> = [&decoys[..4], &[intermediate.clone()][..]].concat();
    let path = verify_path(&leaf, &sent, anchors, now()).expect("verifies");
    assert_eq!(names(&[path[0], path[path.len() - 1]]), names(&[&leaf, &anchor]));
    assert!(bounded(&leaf, &sent, anchors).is_ok());
}

/// A leaf signed by key 0, and `n` self-signed CAs named "Evil" holding key
/// 0: each could issue the leaf and every other one.
fn decoys(n: usize) -> (Certificate, Vec<Certificate>) {
    let mut rng = StdRng::seed_from_u64(1);
    let evil: Vec<Certificate> = (0..n).map(|_| root("Evil", &keys()[0], &mut rng)).collect();
    (leaf_signed_by(&keys()[1], &evil[0], &keys()[0]), evil)
}

#[test]
fn the_search_stops_at_its_signature_budget() {
    let (leaf, evil) = decoys(6);
    let budget = PathWork { signature_checks: 3, candidates: MAX_CANDIDATES };
    let (result, work) = verify_path_with_budget(&leaf, &evil, &[], now(), budget);
    assert_eq!(result, Err(Error::PathBudgetExhausted { signature_checks: 3, candidates: 4 }));
    assert_eq!(work, PathWork { signature_checks: 3, candidates: 4 });
}

#[test]
fn the_search_stops_at_its_candidate_budget() {
    let (leaf, evil) = decoys(6);
    let budget = PathWork { signature_checks: MAX_SIGNATURE_CHECKS, candidates: 7 };
    let (result, work) = verify_path_with_budget(&leaf, &evil, &[], now(), budget);
    assert_eq!(result, Err(Error::PathBudgetExhausted { signature_checks: 6, candidates: 7 }));
    assert_eq!(work.candidates, 7);
}

#[test]
fn a_certificate_is_checked_once_under_one_key() {
    // Six certificates with one key: at most one check for each of them and
    // the leaf, however often the search meets them.
    let (leaf, evil) = decoys(6);
    let (result, work) = verify_path_with_budget(&leaf, &evil, &[], now(), PATH_BUDGET);
    assert!(matches!(result, Err(Error::UnknownIssuer(_) | Error::PathBudgetExhausted { .. })), "{result:?}");
    assert!(work.signature_checks <= 7, "{work:?}");
    assert!(work.candidates > 7, "{work:?}");
}

#[test]
fn a_dead_end_is_not_searched_twice() {
    // leaf <- X1 or X2 <- Y, and Y's issuer "Z" is sent only as three non-CA
    // certificates: Y is a dead end, reached twice.
    let mut rng = StdRng::seed_from_u64(2);
    let [kx, ky, kz, kl] = [0, 1, 2, 3].map(|i| &keys()[i]);
    let z = root("Z", kz, &mut rng);
    let y = ca_signed_by("Y", ky, &z, kz);
    let x = |rng: &mut StdRng| CertificateBuilder::ca("X", start()).signed_by(kx.public_key(), &y, ky, rng);
    let (x1, x2) = (x(&mut rng).expect("X1"), x(&mut rng).expect("X2"));
    let leaf = leaf_signed_by(kl, &x1, kx);
    let not_ca = |rng: &mut StdRng| {
        CertificateBuilder::leaf("Z", start()).signed_by(kz.public_key(), &z, kz, rng).expect("Z")
    };
    let sent = vec![x1, x2, y, not_ca(&mut rng), not_ca(&mut rng), not_ca(&mut rng)];
    let (result, work) = verify_path_with_budget(&leaf, &sent, &[], now(), PATH_BUDGET);
    assert!(matches!(result, Err(Error::NotACa(_))), "{result:?}");
    // X1, Y, the three Zs; then X2 and Y again, but not the Zs.
    assert_eq!(work.candidates, 7, "{work:?}");
}
