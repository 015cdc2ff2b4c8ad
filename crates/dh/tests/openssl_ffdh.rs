//! Interoperability with OpenSSL for finite-field DH over ffdhe2048
//! (RFC 7919): keys OpenSSL generates give the public value OpenSSL writes,
//! OpenSSL reads our keys and derives our public value, and
//! `openssl pkeyutl -derive` computes the same shared secret as we do, in
//! both TLS encodings.
//!
//! These tests run the `openssl` command-line tool (OpenSSL 3) and fail,
//! saying so, if it is not installed.
//!
//! DH keys in files, as OpenSSL 3 writes them for `-pkeyopt group:ffdhe2048`:
//!
//! ```text
//! AlgorithmIdentifier ::= SEQUENCE {
//!     algorithm  OBJECT IDENTIFIER dhKeyAgreement (1.2.840.113549.1.3.1),
//!     parameters SEQUENCE { p INTEGER, g INTEGER } }       -- PKCS #3 §9
//! SubjectPublicKeyInfo ::= SEQUENCE { AlgorithmIdentifier, BIT STRING { INTEGER y } }
//! PrivateKeyInfo ::= SEQUENCE { INTEGER 0, AlgorithmIdentifier, OCTET STRING { INTEGER x } }
//! ```
//!
//! The group is written out as p and g, not named; we check that OpenSSL's
//! AlgorithmIdentifier is exactly the one we build from [`FFDHE2048`], then
//! write our keys with it.

use padlock_der::{BitString, Reader, Writer, oids, pem};
use padlock_dh::ffdh::{PrivateKey, PublicKey, exponent_bits};
use padlock_dh::groups::{FFDHE2048, Group};
use padlock_testkit::hex;
use rand::{RngExt, SeedableRng, rngs::StdRng};
mod common;

use common::{Scratch, openssl};

const GROUP: Group = FFDHE2048;

#[test]
fn public_values_of_openssl_generated_keys_match() {
    let dir = Scratch::new("ffdh-genpkey");
    for i in 0..4 {
        let key_pem = dir.file(&format!("key{i}.pem"));
        genpkey(&key_pem);
        let x = read_private_key(&openssl(&["pkey", "-in", &key_pem, "-outform", "DER"]));
        let y = read_public_key(&openssl(&["pkey", "-in", &key_pem, "-pubout", "-outform", "DER"]));
        // OpenSSL 3 draws x of RFC 7919 §5.2's size too (225 bits for ffdhe2048).
        assert!(bit_length(&x) <= exponent_bits(&GROUP), "OpenSSL key {i}: x has {} bits", bit_length(&x));
        let ours = PrivateKey::from_bytes(&GROUP, &x).expect("x < p").public_key();
        assert_eq!(hex(ours.as_bytes()), hex(&y), "public value of OpenSSL key {i}");
        ours.check_subgroup().unwrap_or_else(|e| panic!("OpenSSL key {i}: {e}"));
    }
}

#[test]
fn openssl_reads_our_key_files_and_derives_our_public_value() {
    let dir = Scratch::new("ffdh-keyfiles");
    let mut rng = StdRng::seed_from_u64(7919);
    for i in 0..4 {
        let x = random_exponent(&mut rng);
        let public = PrivateKey::from_bytes(&GROUP, &x).expect("x < p").public_key();
        let private_pem =
            dir.write(&format!("ours{i}.pem"), pem::encode("PRIVATE KEY", &private_key_info(&x)).as_bytes());
        let public_pem =
            dir.write(&format!("ours{i}.pub.pem"), pem::encode("PUBLIC KEY", &spki(&public)).as_bytes());
        let from_private = openssl(&["pkey", "-in", &private_pem, "-pubout", "-outform", "DER"]);
        let from_public = openssl(&["pkey", "-pubin", "-in", &public_pem, "-outform", "DER"]);
        assert_eq!(hex(&read_public_key(&from_private)), hex(public.as_bytes()), "key {i}");
        assert_eq!(hex(&read_public_key(&from_public)), hex(public.as_bytes()), "key {i}");
    }
}

#[test]
fn shared_secrets_match_openssl_pkeyutl_derive() {
    let dir = Scratch::new("ffdh-derive");
    let mut rng = StdRng::seed_from_u64(3526);
    for i in 0..4 {
        // Ours: a private key we write as PKCS#8 and a public key as SPKI.
        let ours = random_exponent(&mut rng);
        let our_public = PrivateKey::from_bytes(&GROUP, &ours).expect("x < p").public_key();
        let our_pem = dir
            .write(&format!("ours{i}.pem"), pem::encode("PRIVATE KEY", &private_key_info(&ours)).as_bytes());
        let our_public_pem =
            dir.write(&format!("ours{i}.pub.pem"), pem::encode("PUBLIC KEY", &spki(&our_public)).as_bytes());

        // Theirs: generated and written by OpenSSL.
        let their_pem = dir.file(&format!("theirs{i}.pem"));
        let their_public_pem = dir.file(&format!("theirs{i}.pub.pem"));
        genpkey(&their_pem);
        openssl(&["pkey", "-in", &their_pem, "-pubout", "-out", &their_public_pem]);
        let theirs = read_private_key(&openssl(&["pkey", "-in", &their_pem, "-outform", "DER"]));
        let their_public = PublicKey::from_bytes(
            &GROUP,
            &read_public_key(&openssl(&["pkey", "-pubin", "-in", &their_public_pem, "-outform", "DER"])),
        )
        .expect("no longer than p");

        // `dh_pad:1` asks for Z left-padded to the length of p (TLS 1.3);
        // without it OpenSSL strips the leading zeros (TLS 1.2).
        let derive = |key: &str, peer: &str, pad: bool| {
            let mut args = vec!["pkeyutl", "-derive", "-inkey", key, "-peerkey", peer];
            if pad {
                args.extend(["-pkeyopt", "dh_pad:1"]);
            }
            openssl(&args)
        };
        let shared =
            PrivateKey::from_bytes(&GROUP, &ours).expect("x < p").agree(&their_public).expect("valid");
        let shared_theirs =
            PrivateKey::from_bytes(&GROUP, &theirs).expect("x < p").agree(&our_public).expect("valid");
        let z = hex(shared.tls13_bytes());
        assert_eq!(hex(&derive(&their_pem, &our_public_pem, true)), z, "round {i}: OpenSSL's key and ours");
        assert_eq!(hex(&derive(&our_pem, &their_public_pem, true)), z, "round {i}: our key in OpenSSL");
        assert_eq!(hex(shared_theirs.tls13_bytes()), z, "round {i}: their key in Padlock");
        assert_eq!(
            hex(&derive(&their_pem, &our_public_pem, false)),
            hex(shared.tls12_bytes()),
            "round {i}: unpadded (TLS 1.2) form"
        );
    }
}

/// A private exponent of [`exponent_bits`] bits (as `PrivateKey::generate`
/// draws), big-endian, so that it can also be written to a file.
fn random_exponent(rng: &mut StdRng) -> Vec<u8> {
    let bits = exponent_bits(&GROUP);
    let mut x = vec![0u8; bits.div_ceil(8)];
    rng.fill(&mut x[..]);
    x[0] &= 0xff >> (8 * x.len() - bits);
    x
}

fn bit_length(bytes: &[u8]) -> usize {
    match bytes.iter().position(|&b| b != 0) {
        Some(i) => (bytes.len() - i) * 8 - bytes[i].leading_zeros() as usize,
        None => 0,
    }
}

/// PKCS #3 §9: `dhKeyAgreement` with the parameters `{ p, g }` of the group.
fn algorithm_identifier() -> Vec<u8> {
    let mut w = Writer::new();
    w.sequence(|w| {
        w.oid(&oids::DH_KEY_AGREEMENT);
        w.sequence(|w| {
            w.unsigned_integer(GROUP.p);
            w.small_unsigned(GROUP.g);
        });
    });
    w.finish().expect("a valid AlgorithmIdentifier")
}

/// RFC 5280 §4.1.2.7 SubjectPublicKeyInfo, the key being the INTEGER y.
fn spki(public: &PublicKey) -> Vec<u8> {
    let mut y = Writer::new();
    y.unsigned_integer(public.as_bytes());
    let y = y.finish().expect("an INTEGER");
    let mut w = Writer::new();
    w.sequence(|w| {
        w.raw(&algorithm_identifier());
        w.bit_string(BitString::from_octets(&y));
    });
    w.finish().expect("a valid SubjectPublicKeyInfo")
}

/// RFC 5208 §5 PrivateKeyInfo (version 0), the key being the INTEGER x.
fn private_key_info(x: &[u8]) -> Vec<u8> {
    let mut key = Writer::new();
    key.unsigned_integer(x);
    let key = key.finish().expect("an INTEGER");
    let mut w = Writer::new();
    w.sequence(|w| {
        w.small_integer(0);
        w.raw(&algorithm_identifier());
        w.octet_string(&key);
    });
    w.finish().expect("a valid PrivateKeyInfo")
}

/// y from OpenSSL's DER SubjectPublicKeyInfo on 256 bytes, after checking that its
/// AlgorithmIdentifier is ours.
fn read_public_key(der: &[u8]) -> Vec<u8> {
    let read = Reader::new(der).read_all(|r| {
        r.read_sequence()?.read_all(|spki| {
            let algorithm = spki.read_tlv()?.raw();
            let key = spki.read_bit_string()?.octets()?;
            Ok((algorithm, Reader::new(key).read_all(|r| r.read_unsigned_integer_bytes())?))
        })
    });
    let (algorithm, y) = read.unwrap_or_else(|e| panic!("not a DH SubjectPublicKeyInfo ({e}): {}", hex(der)));
    assert_eq!(
        hex(algorithm),
        hex(&algorithm_identifier()),
        "OpenSSL's AlgorithmIdentifier is not ffdhe2048's"
    );
    // The INTEGER has no leading zero bytes (one value in 256 is a byte
    // shorter than p); Padlock's public value has p's length.
    assert!(y.len() <= 256, "y longer than ffdhe2048's p");
    let mut padded = vec![0; 256 - y.len()];
    padded.extend_from_slice(y);
    padded
}

/// x from OpenSSL's DER PrivateKeyInfo, after checking that its
/// AlgorithmIdentifier is ours.
fn read_private_key(der: &[u8]) -> Vec<u8> {
    let read = Reader::new(der).read_all(|r| {
        r.read_sequence()?.read_all(|info| {
            let version = info.read_small_integer()?;
            let algorithm = info.read_tlv()?.raw();
            let key = info.read_octet_string()?;
            Ok((version, algorithm, Reader::new(key).read_all(|r| r.read_unsigned_integer_bytes())?))
        })
    });
    let (version, algorithm, x) =
        read.unwrap_or_else(|e| panic!("not a DH PrivateKeyInfo ({e}) ({} bytes)", der.len()));
    assert_eq!(version, 0, "PrivateKeyInfo version");
    assert_eq!(
        hex(algorithm),
        hex(&algorithm_identifier()),
        "OpenSSL's AlgorithmIdentifier is not ffdhe2048's"
    );
    x.to_vec()
}

/// `openssl genpkey` of an ffdhe2048 key into `out`.
fn genpkey(out: &str) {
    openssl(&["genpkey", "-algorithm", "DH", "-pkeyopt", "group:ffdhe2048", "-out", out]);
}
