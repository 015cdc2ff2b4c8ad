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
//!   the keys' parameters.
//! - A key asking for one hash for the message and another for MGF1 (what
//!   `-pkeyopt rsa_pss_keygen_md:sha384` alone gives) is read, and refused
//!   when it would sign or verify, with a message that says why.
//!
//! OpenSSL is the reference, so a missing `openssl` fails the tests rather
//! than skipping them.

mod common;

use std::sync::OnceLock;

use padlock_der::{Writer, oids, pem};
use padlock_rsa::{
    KeyEncoding, KeyFormat, PssHash, PssParams, RsaKey, RsaPrivateKey, RsaPssPrivateKey, read_key, write_key,
};
use padlock_testkit::describe;

use self::common::{Scratch, openssl};

/// A message with a few awkward bytes.
const MESSAGE: &[u8] = b"The padlock icon\x00\xff\n";

/// The keys OpenSSL is asked for: a name, the `-pkeyopt` options beside the
/// size, and the parameters the key file must then hold.
const VARIANTS: [(&str, &[&str], Option<PssParams>); 4] = [
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
                let hash = params.hash.name().replace("SHA-", "SHA2-").replace("SHA2-1", "SHA1");
                assert!(text.contains(&format!("Hash Algorithm: {hash}")), "{name}: {text}");
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
    for (name, _, params) in VARIANTS.into_iter().filter(|(name, ..)| *name != "sha384-mgf1-sha1") {
        let key = RsaPssPrivateKey::new(our_key_copy(), params);
        let public = dir.write("pub.pem", key.public_key().to_spki_pem().as_bytes());
        let mut used = vec![key.public_key().preferred_params()];
        if params.is_none() {
            used.extend([PssParams::for_hash(PssHash::Sha384), PssParams { salt_len: 0, ..used[0] }]);
        }
        for used in used {
            let signature = key.sign(MESSAGE, &used, &mut rand::rng()).expect("signs");
            let signature = dir.write("sig", &signature);
            let digest = format!("-{}", used.hash.name().replace('-', "").to_lowercase());
            let salt = format!("rsa_pss_saltlen:{}", used.salt_len);
            let args =
                ["dgst", &digest, "-verify", &public, "-signature", &signature, "-sigopt", &salt, &message];
            let verified = openssl(&dir, &args);
            assert!(
                String::from_utf8_lossy(&verified.stdout).contains("Verified OK"),
                "{name} {used}: {}",
                describe(&verified)
            );
        }
    }
}

#[test]
fn we_verify_signatures_openssl_makes_with_pss_keys() {
    let dir = Scratch::new("pss-verifies-theirs");
    let message = dir.write("message", MESSAGE);
    for (name, files) in openssl_keys().iter().filter(|(name, _)| *name != "sha384-mgf1-sha1") {
        let key = dir.write("key.pem", &files.pkcs8_pem);
        let public = read_key(&files.spki_der).expect("SPKI").into_key();
        let public = public.pss_public_key().expect("a PSS key");
        let hash = public.preferred_params().hash;
        // The key's minimum salt (20 without restrictions), and the digest length.
        let min_salt = public.params().map_or(20, |params| params.salt_len);
        for salt_len in [min_salt, hash.output_len() as u64] {
            let digest = format!("-{}", hash.name().replace('-', "").to_lowercase());
            let salt = format!("rsa_pss_saltlen:{salt_len}");
            openssl(&dir, &["dgst", &digest, "-sign", &key, "-sigopt", &salt, "-out", "sig", &message]);
            let signature = dir.read("sig");
            let used = PssParams { salt_len, ..PssParams::for_hash(hash) };
            public.verify(MESSAGE, &signature, &used).unwrap_or_else(|e| panic!("{name} {used}: {e}"));
            // The salt length is exact: one more or one less does not verify.
            for other in [salt_len - 1, salt_len + 1] {
                let wrong = PssParams { salt_len: other, ..used };
                assert!(public.verify(MESSAGE, &signature, &wrong).is_err(), "{name} {wrong}");
            }
        }
    }
}

#[test]
fn a_key_with_two_different_hashes_is_read_but_refused_for_use() {
    let (_, files) =
        openssl_keys().iter().find(|(name, _)| *name == "sha384-mgf1-sha1").expect("the variant");
    let file = read_key(&files.pkcs8_pem).expect("reads");
    let key = file.key().pss_private_key().expect("a PSS private key");
    let params = *key.params().expect("restricted");
    assert_eq!(params.to_string(), "SHA-384, MGF1 with SHA-1, 20-byte salt");
    let error = key.sign(MESSAGE, &params, &mut rand::rng()).expect_err("refused");
    assert!(error.to_string().contains("padlock-rsa's PSS uses one hash for both"), "{error}");
    // Asked for one hash, the key's restrictions refuse it instead.
    let error =
        key.sign(MESSAGE, &PssParams::for_hash(PssHash::Sha384), &mut rand::rng()).expect_err("refused");
    assert!(error.to_string().contains("allows only SHA-384 with MGF1 SHA-1"), "{error}");
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
