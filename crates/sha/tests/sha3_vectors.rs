//! Known answers for SHA-3 and SHAKE (FIPS 202): NIST's example values and a
//! selection of the CAVP byte-oriented response files (sources in each file).
//!
//! Each vector runs in one `update`, and byte by byte; SHAKE outputs are also
//! squeezed in uneven pieces.

use padlock_sha::{Hash, Sha3_224, Sha3_256, Sha3_384, Sha3_512, Shake128, Shake256};
use padlock_testkit::{Block, hex};

fn read_vectors(path: &str) -> Vec<Block> {
    padlock_testkit::read_vectors(env!("CARGO_MANIFEST_DIR"), path)
}

/// The message of a block: `Msg`, repeated `Repeat` times (default once).
fn message(v: &Block) -> Vec<u8> {
    let repeat = v.opt("Repeat").map_or(1, |r| r.parse().expect("Repeat is a number"));
    v.hex("Msg").repeat(repeat)
}

fn sha3_parts<'a, H: Hash>(parts: impl Iterator<Item = &'a [u8]>) -> Vec<u8> {
    let mut hasher = H::new();
    for part in parts {
        hasher.update(part);
    }
    hasher.finalize().as_ref().to_vec()
}

/// The SHAKE output of `msg`, `len` bytes, read in pieces of 1, 2, 3, ... bytes.
fn shake_in_pieces<const RATE: usize>(msg: &[u8], len: usize) -> Vec<u8> {
    let mut shake = padlock_sha::Shake::<RATE>::new();
    for byte in msg.chunks(1) {
        shake.update(byte);
    }
    let mut reader = shake.finalize_xof();
    let mut out = vec![0; len];
    let (mut start, mut piece) = (0, 1);
    while start < len {
        let end = (start + piece).min(len);
        reader.read(&mut out[start..end]);
        start = end;
        piece += 1;
    }
    out
}

/// Runs every block of a file; returns how many ran.
fn check_file(path: &str) -> usize {
    let vectors = read_vectors(path);
    for v in &vectors {
        let msg = message(v);
        let algorithm = v.get("Algorithm");
        if let Some(expected) = v.opt("Digest").map(|_| v.hex("Digest")) {
            let run = |parts: &mut dyn Iterator<Item = &[u8]>| match algorithm {
                "SHA3-224" => sha3_parts::<Sha3_224>(parts),
                "SHA3-256" => sha3_parts::<Sha3_256>(parts),
                "SHA3-384" => sha3_parts::<Sha3_384>(parts),
                "SHA3-512" => sha3_parts::<Sha3_512>(parts),
                other => panic!("{}: unknown algorithm {other}", v.source),
            };
            assert_eq!(hex(&run(&mut [msg.as_slice()].into_iter())), hex(&expected), "{}", v.source);
            assert_eq!(hex(&run(&mut msg.chunks(1))), hex(&expected), "{} byte by byte", v.source);
        } else {
            let expected = v.hex("Output");
            let (one_shot, pieces) = match algorithm {
                "SHAKE128" => {
                    let mut out = vec![0; expected.len()];
                    Shake128::digest_xof(&msg, &mut out);
                    (out, shake_in_pieces::<168>(&msg, expected.len()))
                }
                "SHAKE256" => {
                    let mut out = vec![0; expected.len()];
                    Shake256::digest_xof(&msg, &mut out);
                    (out, shake_in_pieces::<136>(&msg, expected.len()))
                }
                other => panic!("{}: unknown algorithm {other}", v.source),
            };
            assert_eq!(hex(&one_shot), hex(&expected), "{}", v.source);
            assert_eq!(hex(&pieces), hex(&expected), "{} in pieces", v.source);
        }
    }
    vectors.len()
}

#[test]
fn nist_fips_202_examples() {
    // SHA3-224/256/384/512 and SHAKE128/256, each on Msg0 and Msg1600.
    assert_eq!(check_file("sha3/nist-examples.txt"), 12);
}

#[test]
fn cavp_sha3_selection() {
    assert_eq!(check_file("sha3/cavp-sha3.txt"), 11);
}

#[test]
fn cavp_shake_selection() {
    assert_eq!(check_file("sha3/cavp-shake.txt"), 7);
}

#[test]
fn names_and_lengths() {
    assert_eq!((Sha3_224::NAME, Sha3_224::BLOCK_LEN, Sha3_224::OUTPUT_LEN), ("SHA3-224", 144, 28));
    assert_eq!((Sha3_256::NAME, Sha3_256::BLOCK_LEN, Sha3_256::OUTPUT_LEN), ("SHA3-256", 136, 32));
    assert_eq!((Sha3_384::NAME, Sha3_384::BLOCK_LEN, Sha3_384::OUTPUT_LEN), ("SHA3-384", 104, 48));
    assert_eq!((Sha3_512::NAME, Sha3_512::BLOCK_LEN, Sha3_512::OUTPUT_LEN), ("SHA3-512", 72, 64));
    assert_eq!(Shake128::NAME, "SHAKE128");
    assert_eq!(Shake256::NAME, "SHAKE256");
    assert_eq!(Shake128::new().finalize_xof().block_len(), 168);
    assert_eq!(Shake256::new().finalize_xof().block_len(), 136);
}
