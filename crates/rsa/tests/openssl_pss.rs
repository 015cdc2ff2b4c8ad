//! id-RSASSA-PSS keys (RFC 4055 §1.2) against the `openssl` command (OpenSSL
//! 3.0 or later): the keys `openssl genpkey -algorithm RSA-PSS` makes, with
//! and without parameter restrictions.
//!
//! - We read OpenSSL's PSS keys as PKCS #8 and SubjectPublicKeyInfo, PEM and
//!   DER, with the parameters `-pkeyopt rsa_pss_keygen_*` set, and write each
//!   back to exactly OpenSSL's bytes.
//! - OpenSSL reads and checks the PSS keys we write, sees the same
//!   restrictions (`pkey -text`), and writes them back to our bytes.
//! - Each side verifies the other's signatures made with such keys, within
//!   the keys' parameters — among them keys with one hash for the message
//!   and another for MGF1 (what `-pkeyopt rsa_pss_keygen_md:sha384` alone
//!   gives), whose signatures verify only with that MGF1 hash.
//! - Such a key refuses the single-hash parameters a TLS scheme asks for,
//!   with a message that says why.
//!
//! OpenSSL is the reference, so a missing `openssl` fails the tests rather
//! than skipping them.

mod common;

use std::process::Command;
use std::sync::OnceLock;

use padlock_der::{Writer, oids, pem};
use padlock_rsa::{
    KeyEncoding, KeyFormat, PssHash, PssParams, RsaKey, RsaPrivateKey, RsaPssPrivateKey, read_key, write_key,
};
use padlock_testkit::{describe, run};

use self::common::{Scratch, openssl};

/// A message with a few awkward bytes.
const MESSAGE: &[u8] = b"The padlock icon\x00\xff\n";

/// The keys OpenSSL is asked for: a name, the `-pkeyopt` options beside the
/// size, and the parameters the key file must then hold.
const VARIANTS: [(&str, &[&str], Option<PssParams>); 5] = [
    ("unrestricted", &[], None),
    (
        "sha256",
        &["rsa_pss_keygen_md:sha256", "rsa_pss_keygen_mgf1_md:sha256", "rsa_pss_keygen_saltlen:32"],
        Some(PssParams::for_hash(PssHash::Sha256)),
    ),
    // OpenSSL leaves the salt at its DEFAULT, 20: a minimum below the digest length.
    (
        "sha512",
        &["rsa_pss_keygen_md:sha512", "rsa_pss_keygen_mgf1_md:sha512"],
        Some(PssParams { hash: PssHash::Sha512, mgf1_hash: PssHash::Sha512, salt_len: 20 }),
    ),
    // MGF1 left at its DEFAULT, SHA-1, beside SHA-384 for the message.
    (
        "sha384-mgf1-sha1",
        &["rsa_pss_keygen_md:sha384"],
        Some(PssParams { hash: PssHash::Sha384, mgf1_hash: PssHash::Sha1, salt_len: 20 }),
    ),
    // The same asked for in full: SHA-256, MGF1 with SHA-1, at least 20 bytes of salt.
    (
        "sha256-mgf1-sha1",
        &["rsa_pss_keygen_md:sha256", "rsa_pss_keygen_mgf1_md:sha1", "rsa_pss_keygen_saltlen:20"],
        Some(PssParams { hash: PssHash::Sha256, mgf1_hash: PssHash::Sha1, salt_len: 20 }),
    ),
];

#[test]
fn we_read_openssl_pss_keys_and_write_them_back_byte_for_byte() {
    for (name, files) in openssl_keys() {
        let expected = params_of(name);
        let private = read_key(&files.pkcs8_pem).expect("PKCS#8 PEM");
        let RsaKey::PssPrivate(key) = private.key() else { panic!("{name}: not read as a PSS private key") };
        assert_eq!(key.params().copied(), expected, "{name}");
        for (label, bytes, format, encoding, is_private) in files.all() {
            let file = read_key(bytes).unwrap_or_else(|e| panic!("{name} {label}: {e}"));
            assert_eq!((file.format(), file.encoding()), (format, encoding), "{name} {label}");
            assert_eq!(file.key().is_private(), is_private, "{name} {label}");
            let public = file.key().pss_public_key().unwrap_or_else(|| panic!("{name} {label}: not PSS"));
            assert_eq!(public.params().copied(), expected, "{name} {label}");
            assert_eq!(public.numbers().n_bytes(), key.public_key().numbers().n_bytes(), "{name} {label}");
            // Never an rsaEncryption key: no private key for decryption or PKCS #1 v1.5.
            assert!(file.key().private_key().is_none(), "{name} {label}");
            let again = write_key(file.key(), format, encoding).expect("writes");
            assert!(again[..] == bytes[..], "{name} {label} differs from OpenSSL's");
        }
        // PKCS #1 has no room for "PSS only".
        let pkcs1 = write_key(private.key(), KeyFormat::Pkcs1, KeyEncoding::Pem).expect_err("refused");
        assert!(pkcs1.to_string().contains("PKCS#8 or SubjectPublicKeyInfo"), "{pkcs1}");
    }
}

#[test]
fn openssl_reads_and_checks_our_pss_keys() {
    let dir = Scratch::new("pss-reads-ours");
    for (name, _, params) in VARIANTS {
        let key = RsaPssPrivateKey::new(our_key_copy(), params);
        let private = dir.write(&format!("{name}.pem"), key.to_pkcs8_pem().as_bytes());
        let public = dir.write(&format!("{name}-pub.pem"), key.public_key().to_spki_pem().as_bytes());
        let checked = openssl(&dir, &["pkey", "-check", "-noout", "-in", &private]);
        assert!(String::from_utf8_lossy(&checked.stdout).contains("Key is valid"), "{}", describe(&checked));
        let text =
            String::from_utf8_lossy(&openssl(&dir, &["pkey", "-in", &private, "-text", "-noout"]).stdout)
                .into_owned();
        match params {
            None => assert!(text.contains("No PSS parameter restrictions"), "{name}: {text}"),
            Some(params) => {
                let hash = openssl_name(params.hash);
                assert!(text.contains(&format!("Hash Algorithm: {hash}")), "{name}: {text}");
                let mgf1 = openssl_name(params.mgf1_hash);
                assert!(text.contains(&format!("Mask Algorithm: MGF1 with {mgf1}")), "{name}: {text}");
                assert!(
                    text.contains(&format!("Minimum Salt Length: {}", params.salt_len)),
                    "{name}: {text}"
                );
            }
        }
        // OpenSSL writing our keys back gives our bytes: the same DER.
        assert_eq!(openssl(&dir, &["pkey", "-in", &private]).stdout, key.to_pkcs8_pem().as_bytes(), "{name}");
        let again = openssl(&dir, &["pkey", "-pubin", "-in", &public]).stdout;
        assert_eq!(again, key.public_key().to_spki_pem().as_bytes(), "{name}");
    }
}

#[test]
fn openssl_verifies_signatures_of_our_pss_keys() {
    let dir = Scratch::new("pss-verifies-ours");
    let message = dir.write("message", MESSAGE);
    for (name, _, params) in VARIANTS {
        let key = RsaPssPrivateKey::new(our_key_copy(), params);
        let public = dir.write("pub.pem", key.public_key().to_spki_pem().as_bytes());
        let mut used = vec![key.public_key().preferred_params()];
        if params.is_none() {
            let sha256 = PssParams::for_hash(PssHash::Sha256);
            used.extend([
                PssParams::for_hash(PssHash::Sha384),
                PssParams { salt_len: 0, ..sha256 },
                PssParams { mgf1_hash: PssHash::Sha1, ..sha256 },
            ]);
        }
        for used in used {
            let signature = key.sign(MESSAGE, &used, &mut rand::rng()).expect("signs");
            let signature = dir.write("sig", &signature);
            // MGF1's hash said outright, so that OpenSSL checks the mask with it.
            let verify = |mgf1_hash: PssHash| {
                let digest = format!("-{}", dgst_name(used.hash));
                let salt = format!("rsa_pss_saltlen:{}", used.salt_len);
                let mgf1 = format!("rsa_mgf1_md:{}", dgst_name(mgf1_hash));
                let mut args = vec!["dgst", &digest, "-verify", &public, "-signature", &signature];
                args.extend(["-sigopt", &salt, "-sigopt", &mgf1, &message]);
                run(Command::new("openssl").args(args).current_dir(&dir.path))
            };
            let verified = verify(used.mgf1_hash);
            assert!(
                String::from_utf8_lossy(&verified.stdout).contains("Verified OK"),
                "{name} {used}: {}",
                describe(&verified)
            );
            // With the message's hash for MGF1 instead, OpenSSL does not verify
            // it: the mask is wrong (or, for a restricted key, not allowed).
            if used.mgf1_hash != used.hash {
                let refused = verify(used.hash);
                assert!(!refused.status.success(), "{name} {used}: {}", describe(&refused));
                if params.is_none() {
                    let failed = String::from_utf8_lossy(&refused.stdout).contains("Verification failure");
                    assert!(failed, "{name} {used}: {}", describe(&refused));
                }
            }
        }
    }
}

#[test]
fn we_verify_signatures_openssl_makes_with_pss_keys() {
    let dir = Scratch::new("pss-verifies-theirs");
    let message = dir.write("message", MESSAGE);
    for (name, files) in openssl_keys() {
        let key = dir.write("key.pem", &files.pkcs8_pem);
        let public = read_key(&files.spki_der).expect("SPKI").into_key();
        let public = public.pss_public_key().expect("a PSS key");
        let preferred = public.preferred_params();
        // The key's minimum salt (20 without restrictions), and the digest length.
        let min_salt = public.params().map_or(20, |params| params.salt_len);
        // OpenSSL signs with the key's own MGF1 hash; an unrestricted key is
        // also asked for MGF1 with SHA-1 beside SHA-256.
        let mut mgf1_hashes = vec![None];
        if public.params().is_none() {
            mgf1_hashes.push(Some(PssHash::Sha1));
        }
        for mgf1_hash in mgf1_hashes {
            for salt_len in [min_salt, preferred.hash.output_len() as u64] {
                let digest = format!("-{}", dgst_name(preferred.hash));
                let salt = format!("rsa_pss_saltlen:{salt_len}");
                let mut args = vec!["dgst", &digest, "-sign", &key, "-sigopt", &salt];
                let mgf1 = mgf1_hash.map(|hash| format!("rsa_mgf1_md:{}", dgst_name(hash)));
                if let Some(mgf1) = &mgf1 {
                    args.extend(["-sigopt", mgf1]);
                }
                args.extend(["-out", "sig", &message]);
                openssl(&dir, &args);
                let signature = dir.read("sig");
                let used =
                    PssParams { salt_len, mgf1_hash: mgf1_hash.unwrap_or(preferred.mgf1_hash), ..preferred };
                public.verify(MESSAGE, &signature, &used).unwrap_or_else(|e| panic!("{name} {used}: {e}"));
                // The salt length is exact: one more or one less does not verify.
                for other in [salt_len - 1, salt_len + 1] {
                    let wrong = PssParams { salt_len: other, ..used };
                    assert!(public.verify(MESSAGE, &signature, &wrong).is_err(), "{name} {wrong}");
                }
                // Nor does another MGF1 hash, even on the numbers alone.
                let other_mgf1 = if used.mgf1_hash == PssHash::Sha1 { used.hash } else { PssHash::Sha1 };
                let wrong = PssParams { mgf1_hash: other_mgf1, ..used };
                let verified = public.numbers().verify_pss_with_params(MESSAGE, &signature, &wrong);
                assert_eq!(verified, Err(padlock_rsa::Error::Verification), "{name} {wrong}");
            }
        }
    }
}

#[test]
fn a_key_with_two_different_hashes_refuses_the_single_hash_parameters_of_tls() {
    for (name, expected, single_hash) in [
        ("sha384-mgf1-sha1", "SHA-384, MGF1 with SHA-1, 20-byte salt", PssHash::Sha384),
        ("sha256-mgf1-sha1", "SHA-256, MGF1 with SHA-1, 20-byte salt", PssHash::Sha256),
    ] {
        let (_, files) = openssl_keys().iter().find(|(n, _)| *n == name).expect("the variant");
        let file = read_key(&files.pkcs8_pem).expect("reads");
        let key = file.key().pss_private_key().expect("a PSS private key");
        let params = *key.params().expect("restricted");
        assert_eq!(params.to_string(), expected);
        // Its own parameters sign and verify...
        let signature = key.sign(MESSAGE, &params, &mut rand::rng()).expect("signs");
        key.public_key().verify(MESSAGE, &signature, &params).expect("verifies");
        // ...what rsa_pss_pss_sha256/384 ask for (one hash for both, RFC 8446 §4.2.3) is refused.
        let tls = PssParams::for_hash(single_hash);
        let error = key.sign(MESSAGE, &tls, &mut rand::rng()).expect_err("refused");
        let allows = format!("allows only {} with MGF1 SHA-1", single_hash.name());
        assert!(error.to_string().contains(&allows), "{name}: {error}");
        assert!(key.public_key().permits(&tls).is_err(), "{name}");
    }
}

#[test]
fn malformed_pss_parameters_in_a_key_are_refused() {
    let numbers = our_key().public_key().to_pkcs1_der();
    let spki = |params: &dyn Fn(&mut Writer)| {
        let mut w = Writer::new();
        w.sequence(|w| {
            w.sequence(|w| {
                w.oid(&oids::RSASSA_PSS);
                params(w);
            });
            w.bit_string(padlock_der::BitString::from_octets(&numbers));
        });
        w.finish().expect("DER")
    };
    let refusal = |der: &[u8]| read_key(der).expect_err("refused").to_string();
    let trailer = spki(&|w| w.sequence(|w| w.explicit(3, |w| w.small_integer(2))));
    assert_eq!(refusal(&trailer), "RSASSA-PSS trailerField is 2, and RFC 4055 §3.1 allows only 1");
    let shake = spki(&|w| w.sequence(|w| w.explicit(0, |w| w.sequence(|w| w.oid(&oids::SHA512_256)))));
    assert!(refusal(&shake).starts_with("RSASSA-PSS with the hash "), "{}", refusal(&shake));
    // NULL is what rsaEncryption has; id-RSASSA-PSS has RSASSA-PSS-params or nothing.
    assert!(refusal(&spki(&|w| w.null())).starts_with("malformed RSASSA-PSS parameters"));
    let extra = spki(&|w| {
        w.sequence(|_| {});
        w.null();
    });
    assert!(refusal(&extra).starts_with("malformed SubjectPublicKeyInfo"), "{}", refusal(&extra));
    // Well-formed: the empty SEQUENCE is rSASSA-PSS-Default-Params, restricting to SHA-1.
    let default = read_key(&spki(&|w| w.sequence(|_| {}))).expect("reads").into_key();
    assert_eq!(default.pss_public_key().and_then(|k| k.params().copied()), Some(PssParams::DEFAULT));
    let pem = pem::encode("PUBLIC KEY", &spki(&|w| w.sequence(|_| {})));
    assert!(read_key(pem.as_bytes()).expect("PEM").key().pss_public_key().is_some());
}

/// One OpenSSL PSS key in the four forms we read.
struct OpenSslPssKey {
    pkcs8_pem: Vec<u8>,
    pkcs8_der: Vec<u8>,
    spki_pem: Vec<u8>,
    spki_der: Vec<u8>,
}

impl OpenSslPssKey {
    /// Each form: a name, its bytes, the format and encoding it is in, and
    /// whether it is private.
    fn all(&self) -> [(&str, &[u8], KeyFormat, KeyEncoding, bool); 4] {
        use {KeyEncoding::*, KeyFormat::*};
        [
            ("PKCS#8 PEM", &self.pkcs8_pem, Pkcs8, Pem, true),
            ("PKCS#8 DER", &self.pkcs8_der, Pkcs8, Der, true),
            ("SPKI PEM", &self.spki_pem, Spki, Pem, false),
            ("SPKI DER", &self.spki_der, Spki, Der, false),
        ]
    }
}

/// How OpenSSL names `hash` in `pkey -text`: `SHA1`, `SHA2-256`.
fn openssl_name(hash: PssHash) -> String {
    hash.name().replace("SHA-", "SHA2-").replace("SHA2-1", "SHA1")
}

/// How `openssl dgst` and `-sigopt rsa_mgf1_md:` name `hash`: `sha1`, `sha256`.
fn dgst_name(hash: PssHash) -> String {
    hash.name().replace('-', "").to_lowercase()
}

/// The parameters [`VARIANTS`] expects for `name`.
fn params_of(name: &str) -> Option<PssParams> {
    VARIANTS.iter().find(|(n, ..)| *n == name).expect("a variant").2
}

/// A 2048-bit PSS key from `openssl genpkey -algorithm RSA-PSS` for each of
/// [`VARIANTS`], made once for all the tests.
fn openssl_keys() -> &'static [(&'static str, OpenSslPssKey)] {
    static KEYS: OnceLock<Vec<(&'static str, OpenSslPssKey)>> = OnceLock::new();
    KEYS.get_or_init(|| {
        let dir = Scratch::new("pss-openssl-keys");
        let run = |args: &[&str]| openssl(&dir, args).stdout;
        VARIANTS
            .iter()
            .map(|(name, options, _)| {
                let mut args = vec!["genpkey", "-algorithm", "RSA-PSS", "-pkeyopt", "rsa_keygen_bits:2048"];
                for option in *options {
                    args.extend(["-pkeyopt", option]);
                }
                args.extend(["-out", "key.pem"]);
                run(&args);
                let key = OpenSslPssKey {
                    pkcs8_pem: dir.read("key.pem"),
                    pkcs8_der: run(&["pkcs8", "-topk8", "-nocrypt", "-in", "key.pem", "-outform", "DER"]),
                    spki_pem: run(&["pkey", "-in", "key.pem", "-pubout"]),
                    spki_der: run(&["pkey", "-in", "key.pem", "-pubout", "-outform", "DER"]),
                };
                (*name, key)
            })
            .collect()
    })
}

/// A 2048-bit key from our own key generation, made once for all the tests.
fn our_key() -> &'static RsaPrivateKey {
    static KEY: OnceLock<RsaPrivateKey> = OnceLock::new();
    KEY.get_or_init(|| RsaPrivateKey::generate(2048, &mut rand::rng(), &mut |_| {}).expect("keygen"))
}

/// A copy of [`our_key`] (private keys are not `Clone`: here, through its
/// PKCS #1 DER).
fn our_key_copy() -> RsaPrivateKey {
    match read_key(&our_key().to_pkcs1_der()).expect("our PKCS#1").into_key() {
        RsaKey::Private(key) => *key,
        _ => panic!("PKCS#1 gives an rsaEncryption private key"),
    }
}
