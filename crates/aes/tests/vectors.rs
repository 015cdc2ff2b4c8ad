//! Known-answer tests from the standards, through every backend: FIPS 197
//! (the block cipher), SP 800-38A (CBC and CTR), the GCM specification's
//! test cases 1-18 and NIST CAVP GCM vectors, including tags that must fail.

use padlock_aes::{Aead, Aes, AesGcm, Backend, cbc, ctr};
use padlock_testkit::{Block, hex};

fn read_vectors(path: &str) -> Vec<Block> {
    padlock_testkit::read_vectors(env!("CARGO_MANIFEST_DIR"), path)
}

fn block16(v: &Block, name: &str) -> [u8; 16] {
    v.hex(name).try_into().unwrap_or_else(|_| panic!("{}: {name} is not 16 bytes", v.source))
}

/// Runs `check` for every vector of `path` on every backend this CPU has, and
/// returns how many (vector, backend) pairs ran.
fn on_every_backend(path: &str, check: impl Fn(&Block, Backend)) -> usize {
    let vectors = read_vectors(path);
    let mut runs = 0;
    for v in &vectors {
        for backend in Backend::available() {
            check(v, backend);
            runs += 1;
        }
    }
    runs
}

#[test]
fn fips_197_block_cipher() {
    let runs = on_every_backend("aes/fips197.txt", |v, backend| {
        let aes = Aes::with_backend(&v.hex("Key"), backend).expect("valid key");
        let (plaintext, ciphertext) = (block16(v, "Plaintext"), block16(v, "Ciphertext"));
        let mut block = plaintext;
        aes.encrypt_block(&mut block);
        assert_eq!(hex(&block), hex(&ciphertext), "{} encrypt on {}", v.source, backend.name());
        aes.decrypt_block(&mut block);
        assert_eq!(hex(&block), hex(&plaintext), "{} decrypt on {}", v.source, backend.name());
    });
    assert!(runs >= 4 * 2, "Appendix B and C.1-C.3 on at least two backends");
}

#[test]
fn sp_800_38a_cbc() {
    let runs = on_every_backend("cbc/sp800-38a.txt", |v, backend| {
        let aes = Aes::with_backend(&v.hex("Key"), backend).expect("valid key");
        let iv = block16(v, "IV");
        let (plaintext, ciphertext) = (v.hex("Plaintext"), v.hex("Ciphertext"));
        let mut data = plaintext.clone();
        cbc::encrypt_blocks(&aes, &iv, &mut data).expect("whole blocks");
        assert_eq!(hex(&data), hex(&ciphertext), "{} encrypt on {}", v.source, backend.name());
        cbc::decrypt_blocks(&aes, &iv, &mut data).expect("whole blocks");
        assert_eq!(hex(&data), hex(&plaintext), "{} decrypt on {}", v.source, backend.name());
    });
    assert!(runs >= 3 * 2);
}

#[test]
fn sp_800_38a_ctr() {
    let runs = on_every_backend("ctr/sp800-38a.txt", |v, backend| {
        let aes = Aes::with_backend(&v.hex("Key"), backend).expect("valid key");
        let counter = block16(v, "Counter");
        let (plaintext, ciphertext) = (v.hex("Plaintext"), v.hex("Ciphertext"));
        let mut data = plaintext.clone();
        ctr::apply_keystream(&aes, &counter, &mut data);
        assert_eq!(hex(&data), hex(&ciphertext), "{} on {}", v.source, backend.name());
        ctr::apply_keystream(&aes, &counter, &mut data);
        assert_eq!(hex(&data), hex(&plaintext), "{} twice on {}", v.source, backend.name());
    });
    assert!(runs >= 3 * 2);
}

/// One GCM vector: seal must give the ciphertext and tag; open must give the
/// plaintext back; and for `Result = fail` vectors open must refuse and wipe.
fn check_gcm(v: &Block, backend: Backend) {
    let gcm = AesGcm::with_backend(&v.hex("Key"), backend).expect("valid key");
    let (iv, aad, ciphertext, tag) = (v.hex("IV"), v.hex("AAD"), v.hex("Ciphertext"), v.hex("Tag"));
    let pass = v.opt("Result").is_none_or(|r| r == "pass");
    let on = backend.name();

    let mut buffer = ciphertext.clone();
    let opened = gcm.open_in_place(&iv, &aad, &mut buffer, &tag);
    if !pass {
        assert!(opened.is_err(), "{}: a FAIL vector opened on {on}", v.source);
        assert!(buffer.iter().all(|&b| b == 0), "{}: buffer not wiped on {on}", v.source);
        return;
    }
    let plaintext = v.hex("Plaintext");
    assert!(opened.is_ok(), "{}: open failed on {on}", v.source);
    assert_eq!(hex(&buffer), hex(&plaintext), "{}: open on {on}", v.source);

    let sealed_tag = gcm.seal_in_place(&iv, &aad, &mut buffer).expect("sealable");
    assert_eq!(hex(&buffer), hex(&ciphertext), "{}: seal on {on}", v.source);
    assert_eq!(hex(sealed_tag.as_ref()), hex(&tag), "{}: tag on {on}", v.source);
}

#[test]
fn gcm_spec_test_cases_1_to_18() {
    let runs = on_every_backend("gcm/mcgrew-viega.txt", check_gcm);
    assert!(runs >= 18 * 2);
}

#[test]
fn gcm_cavp_including_failures() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/gcm/cavp.txt"))
        .expect("vector file");
    assert!(text.matches("Result = fail").count() >= 4, "the selection has tags that must fail");
    let runs = on_every_backend("gcm/cavp.txt", check_gcm);
    assert!(runs >= 16 * 2);
}

#[test]
fn bad_key_lengths_are_errors() {
    for len in [0, 1, 15, 17, 20, 31, 33, 64] {
        assert_eq!(Aes::new(&vec![0; len]).err(), Some(padlock_aes::KeyError::InvalidLength(len)));
        assert!(AesGcm::new(&vec![0; len]).is_err());
    }
}
