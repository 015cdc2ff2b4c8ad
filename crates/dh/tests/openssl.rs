//! Interoperability with OpenSSL: keys OpenSSL generates give the public key
//! OpenSSL derives, and `openssl pkeyutl -derive` computes the same shared
//! secret as we do, with our keys written as PEM files OpenSSL reads.
//!
//! These tests run the `openssl` command-line tool and fail, saying so, if it
//! is not installed.
//!
//! X25519 keys in files (RFC 8410): the SubjectPublicKeyInfo (§4) and the
//! PKCS#8 OneAsymmetricKey (§7) of an X25519 key are fixed DER prefixes
//! followed by the 32 raw bytes, so no DER parser is needed here.

use padlock_dh::x25519::{PrivateKey, PublicKey};
use padlock_testkit::{decode_hex, hex};
use rand::{RngExt, SeedableRng, rngs::StdRng};
mod common;

use common::{Scratch, openssl};

/// RFC 8410 §4: SEQUENCE { SEQUENCE { OID 1.3.101.110 }, BIT STRING (0 unused bits) }.
const SPKI_PREFIX: &str = "302a300506032b656e032100";
/// RFC 8410 §7: SEQUENCE { INTEGER 0, SEQUENCE { OID 1.3.101.110 }, OCTET STRING { OCTET STRING } }.
const PKCS8_PREFIX: &str = "302e020100300506032b656e04220420";

#[test]
fn public_keys_of_openssl_generated_keys_match() {
    let dir = Scratch::new("genpkey");
    for i in 0..4 {
        let key_pem = dir.file(&format!("key{i}.pem"));
        openssl(&["genpkey", "-algorithm", "X25519", "-out", &key_pem]);
        let private = strip_prefix(&openssl(&["pkey", "-in", &key_pem, "-outform", "DER"]), PKCS8_PREFIX);
        let public =
            strip_prefix(&openssl(&["pkey", "-in", &key_pem, "-pubout", "-outform", "DER"]), SPKI_PREFIX);
        let ours = PrivateKey::from_bytes(private).public_key();
        assert_eq!(hex(ours.as_bytes()), hex(&public), "public key of OpenSSL key {i}");
    }
}

#[test]
fn openssl_reads_our_key_files_and_derives_our_public_key() {
    let dir = Scratch::new("keyfiles");
    let mut rng = StdRng::seed_from_u64(8410);
    for i in 0..4 {
        let private: [u8; 32] = rng.random();
        let public = PrivateKey::from_bytes(private).public_key();
        let private_pem = write_pem(&dir, &format!("ours{i}.pem"), "PRIVATE KEY", PKCS8_PREFIX, &private);
        let public_pem =
            write_pem(&dir, &format!("ours{i}.pub.pem"), "PUBLIC KEY", SPKI_PREFIX, public.as_bytes());
        let from_private = openssl(&["pkey", "-in", &private_pem, "-pubout", "-outform", "DER"]);
        let from_public = openssl(&["pkey", "-pubin", "-in", &public_pem, "-outform", "DER"]);
        assert_eq!(hex(&strip_prefix(&from_private, SPKI_PREFIX)), hex(public.as_bytes()), "key {i}");
        assert_eq!(hex(&strip_prefix(&from_public, SPKI_PREFIX)), hex(public.as_bytes()), "key {i}");
    }
}

#[test]
fn shared_secrets_match_openssl_pkeyutl_derive() {
    let dir = Scratch::new("derive");
    let mut rng = StdRng::seed_from_u64(7748);
    for i in 0..4 {
        // Ours: a private key we write as PKCS#8 and a public key as SPKI.
        let ours: [u8; 32] = rng.random();
        let our_public = PrivateKey::from_bytes(ours).public_key();
        let our_private_pem = write_pem(&dir, &format!("ours{i}.pem"), "PRIVATE KEY", PKCS8_PREFIX, &ours);
        let our_public_pem =
            write_pem(&dir, &format!("ours{i}.pub.pem"), "PUBLIC KEY", SPKI_PREFIX, our_public.as_bytes());

        // Theirs: generated and written by OpenSSL.
        let their_pem = dir.file(&format!("theirs{i}.pem"));
        let their_public_pem = dir.file(&format!("theirs{i}.pub.pem"));
        openssl(&["genpkey", "-algorithm", "X25519", "-out", &their_pem]);
        openssl(&["pkey", "-in", &their_pem, "-pubout", "-out", &their_public_pem]);
        let theirs = strip_prefix(&openssl(&["pkey", "-in", &their_pem, "-outform", "DER"]), PKCS8_PREFIX);
        let their_public = PublicKey::from_bytes(strip_prefix(
            &openssl(&["pkey", "-pubin", "-in", &their_public_pem, "-outform", "DER"]),
            SPKI_PREFIX,
        ));

        // OpenSSL with our private key, and with their private key and our public key.
        let derive =
            |key: &str, peer: &str| openssl(&["pkeyutl", "-derive", "-inkey", key, "-peerkey", peer]);
        let openssl_ours = derive(&our_private_pem, &their_public_pem);
        let openssl_theirs = derive(&their_pem, &our_public_pem);

        let shared = PrivateKey::from_bytes(ours).diffie_hellman(&their_public).expect("not low order");
        let shared_theirs =
            PrivateKey::from_bytes(theirs).diffie_hellman(&our_public).expect("not low order");
        assert_eq!(hex(&openssl_ours), hex(shared.as_bytes()), "round {i}: our private key in OpenSSL");
        assert_eq!(hex(&openssl_theirs), hex(shared.as_bytes()), "round {i}: OpenSSL's key and ours");
        assert_eq!(hex(shared_theirs.as_bytes()), hex(shared.as_bytes()), "round {i}: their key in Padlock");
    }
}

/// The 32 raw key bytes after the RFC 8410 `prefix` of a DER key.
fn strip_prefix(der: &[u8], prefix: &str) -> [u8; 32] {
    let prefix = decode_hex(prefix).expect("hex constant");
    let raw = der.strip_prefix(prefix.as_slice()).unwrap_or_else(|| {
        panic!("not an RFC 8410 X25519 key: {} does not start with {}", hex(der), hex(&prefix))
    });
    raw.try_into().unwrap_or_else(|_| panic!("{} raw key bytes, not 32: {}", raw.len(), hex(der)))
}

/// Writes `prefix ‖ raw` as a PEM file with the given label (RFC 7468).
fn write_pem(dir: &Scratch, name: &str, label: &str, prefix: &str, raw: &[u8; 32]) -> String {
    let mut der = decode_hex(prefix).expect("hex constant");
    der.extend_from_slice(raw);
    dir.write(name, padlock_der::pem::encode(label, &der).as_bytes())
}
