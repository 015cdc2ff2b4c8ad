//! Known-answer tests from the standards, through every backend.
//!
//! Sources are named in each vector file's comments: FIPS 180-4's examples and
//! NIST CAVP SHAVS for the hashes, RFC 4231 for HMAC, RFC 5869 for HKDF.

mod common;

use common::{ALGORITHMS, Block, digest_parts, hex, read_vectors};
use padlock_sha::hkdf::{self, OutputTooLong};
use padlock_sha::hmac::{Hmac, hmac};
use padlock_sha::{Backend, Hash, Sha1, Sha224, Sha256, Sha384, Sha512};

/// Runs every vector of a hash file through every backend of its function,
/// both in one `update` and (for short messages) one byte at a time. Returns
/// how many (vector, backend) pairs ran.
fn check_hash_file(path: &str) -> usize {
    let mut runs = 0;
    for v in read_vectors(path) {
        let algorithm = v.get("Algorithm");
        let msg = v.hex("Msg");
        let repeat = v.opt("Repeat").map_or(1, |r| r.parse().expect("Repeat is a number"));
        let expected = v.hex("Digest");
        let mut backends_run = 0;
        for backend in Backend::available() {
            let parts = std::iter::repeat_n(msg.as_slice(), repeat);
            let Some(got) = digest_parts(algorithm, backend, parts) else { continue };
            assert_eq!(hex(&got), hex(&expected), "{} on {}", v.source, backend.name());
            if msg.len() * repeat <= 4096 {
                let bytes: Vec<u8> = msg.repeat(repeat);
                let one_by_one = digest_parts(algorithm, backend, bytes.chunks(1)).expect("same backend");
                assert_eq!(
                    hex(&one_by_one),
                    hex(&expected),
                    "{} byte by byte on {}",
                    v.source,
                    backend.name()
                );
            }
            backends_run += 1;
            runs += 1;
        }
        assert!(backends_run >= 1, "{}: no backend ran", v.source);
    }
    runs
}

#[test]
fn fips_180_4_examples() {
    // 6 functions x 5 messages, at least once each.
    assert!(check_hash_file("sha/fips180-4-examples.txt") >= 30);
}

#[test]
fn cavp_shavs_selection() {
    assert!(check_hash_file("sha/cavp-shavs.txt") >= 50);
}

/// Every algorithm appears in both hash files, so none goes untested.
#[test]
fn every_algorithm_has_vectors() {
    for path in ["sha/fips180-4-examples.txt", "sha/cavp-shavs.txt"] {
        let blocks = read_vectors(path);
        let names: Vec<&str> = blocks.iter().map(|b| b.get("Algorithm")).collect();
        for algorithm in ALGORITHMS {
            assert!(names.contains(&algorithm), "{path} has no {algorithm} vector");
        }
        // The other attributes are checked by the tests above.
        for b in &blocks {
            b.opt("Msg");
            b.opt("Repeat");
            b.opt("Digest");
        }
    }
}

#[test]
fn hmac_rfc4231() {
    fn check<H: Hash>(v: &Block) {
        let (key, data, expected) = (v.hex("Key"), v.hex("Data"), v.hex("Mac"));
        let full = hmac::<H>(&key, &data);
        // Test case 5 gives only the leftmost 128 bits.
        assert_eq!(hex(&full.as_ref()[..expected.len()]), hex(&expected), "{}", v.source);

        let mut streaming = Hmac::<H>::new(&key);
        for chunk in data.chunks(7) {
            streaming.update(chunk);
        }
        let mut check = Hmac::<H>::new(&key);
        check.update(&data);
        if expected.len() == H::OUTPUT_LEN {
            assert_eq!(streaming.finalize(), full, "{} streaming", v.source);
            assert!(check.verify(&expected).is_ok(), "{} verify", v.source);
        } else {
            assert!(check.clone().verify(&expected).is_err(), "{}: a short tag is not a full tag", v.source);
            assert!(check.verify_truncated(&expected).is_ok(), "{} verify_truncated", v.source);
        }
    }
    let vectors = read_vectors("hmac/rfc4231.txt");
    assert_eq!(vectors.len(), 28, "RFC 4231: 7 test cases x 4 hashes");
    for v in &vectors {
        match v.get("Hash") {
            "SHA-224" => check::<Sha224>(v),
            "SHA-256" => check::<Sha256>(v),
            "SHA-384" => check::<Sha384>(v),
            "SHA-512" => check::<Sha512>(v),
            other => panic!("{}: unexpected hash {other}", v.source),
        }
    }
}

#[test]
fn hkdf_rfc5869() {
    fn check<H: Hash>(v: &Block) {
        let prk = hkdf::extract::<H>(&v.hex("Salt"), &v.hex("IKM"));
        assert_eq!(hex(prk.as_bytes()), hex(&v.hex("PRK")), "{} PRK", v.source);
        let mut okm = vec![0; v.number("L")];
        prk.expand(&v.hex("Info"), &mut okm).expect("L is within 255 blocks");
        assert_eq!(hex(&okm), hex(&v.hex("OKM")), "{} OKM", v.source);
    }
    let vectors = read_vectors("hkdf/rfc5869.txt");
    assert_eq!(vectors.len(), 7, "RFC 5869 Appendix A: 7 test cases");
    for v in &vectors {
        match v.get("Hash") {
            "SHA-1" => check::<Sha1>(v),
            "SHA-256" => check::<Sha256>(v),
            other => panic!("{}: unexpected hash {other}", v.source),
        }
    }
}

#[test]
fn hkdf_refuses_more_than_255_blocks() {
    let prk = hkdf::extract::<Sha256>(b"salt", b"input keying material");
    let mut most = vec![0; 255 * 32];
    assert_eq!(prk.expand(b"info", &mut most), Ok(()));
    let mut too_long = vec![0; 255 * 32 + 1];
    assert_eq!(
        prk.expand(b"info", &mut too_long),
        Err(OutputTooLong { requested: 255 * 32 + 1, max: 255 * 32 })
    );
    assert!(too_long.iter().all(|&b| b == 0), "nothing is written on error");
}

/// The keyed vectors above run on the preferred backend (HMAC and HKDF call
/// `H::new()`). Run them again in a child process with the portable backend
/// forced, so that they too pass through every backend.
#[test]
fn keyed_vectors_on_forced_portable_backend() {
    padlock_testkit::rerun_on_portable_backend(&[
        "hmac_rfc4231",
        "hkdf_rfc5869",
        "preferred_backend_honours_env",
    ]);
}

#[test]
fn preferred_backend_honours_env() {
    if padlock_cpu::portable_forced() {
        assert_eq!(Backend::preferred(), [Backend::Portable]);
        assert_eq!(Sha256::new().backend(), Backend::Portable);
        assert_eq!(Sha512::new().backend(), Backend::Portable);
    } else {
        let fastest = |candidates: &[Backend]| {
            candidates.iter().copied().find(|b| b.is_available()).unwrap_or(Backend::Portable)
        };
        assert_eq!(Sha256::new().backend(), fastest(&[Backend::ShaNi]));
        assert_eq!(Sha224::new().backend(), fastest(&[Backend::ShaNi]));
        assert_eq!(Sha512::new().backend(), fastest(&[Backend::Avx2]));
        assert_eq!(Sha1::new().backend(), Backend::Portable);
    }
}
