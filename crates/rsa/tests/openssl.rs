//! Key files and the four schemes against the `openssl` command (OpenSSL
//! 3.0 or later), run as a subprocess in a scratch directory.
//!
//! - We read OpenSSL's keys in every format (`genpkey`, `pkcs8 -topk8`,
//!   `rsa -traditional`, `pkey -pubout`, `rsa -RSAPublicKey_out`; PEM and
//!   DER) and write each
//!   back to exactly OpenSSL's bytes.
//! - OpenSSL reads and checks the keys we generate and write
//!   (`pkey -check`, `rsa -check`, `pkey -pubin`).
//! - Each side verifies the other's PKCS #1 v1.5 and PSS signatures and
//!   decrypts the other's OAEP and PKCS #1 v1.5 ciphertexts.
//! - Malformed and foreign key files (an EC key among them) are refused with
//!   the right error, and no corruption of a key file makes us panic.
//!
//! id-RSASSA-PSS keys (`genpkey -algorithm RSA-PSS`) are in `openssl_pss.rs`.
//!
//! OpenSSL is the reference, so a missing `openssl` fails the tests rather
//! than skipping them.

mod common;

use std::sync::OnceLock;

use padlock_der::{Reader, Tag, Writer, oids, pem};
use padlock_rsa::{KeyEncoding, KeyFormat, RsaKey, RsaPrivateKey, read_key, write_key};
use padlock_sha::{Sha1, Sha256, Sha384, Sha512};
use padlock_testkit::describe;

use self::common::{Scratch, openssl};

/// A message with a few awkward bytes.
const MESSAGE: &[u8] = b"The padlock icon\x00\xff\n";

#[test]
fn we_read_openssl_keys_in_every_format() {
    let files = openssl_key();
    let pkcs8 = read_key(&files.pkcs8_pem).expect("PKCS#8 PEM");
    let private = pkcs8.key().private_key().expect("a private key");
    for (name, bytes, format, encoding, is_private) in files.all() {
        let file = read_key(bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!((file.format(), file.encoding()), (format, encoding), "{name}");
        assert_eq!(file.key().private_key().is_some(), is_private, "{name}");
        assert_eq!(file.key().public_key().n_bytes(), private.public_key().n_bytes(), "{name}");
        assert_eq!(file.key().public_key().e(), 65537, "{name}");
        if let Some(key) = file.key().private_key() {
            assert_eq!(key.d_bytes(), private.d_bytes(), "{name}");
            assert_eq!(key.crt_bytes(), private.crt_bytes(), "{name}");
        }
    }
}

#[test]
fn we_write_openssl_keys_back_byte_for_byte() {
    let files = openssl_key();
    let key = read_key(&files.pkcs8_der).expect("PKCS#8 DER").into_key();
    let public = RsaKey::Public(key.public_key().clone());
    for (name, bytes, format, encoding, is_private) in files.all() {
        let ours = write_key(if is_private { &key } else { &public }, format, encoding).expect("writes");
        assert!(ours[..] == bytes[..], "{name} differs from OpenSSL's");
    }
    let private = key.private_key().expect("private");
    assert_eq!(*private.to_pkcs8_pem(), String::from_utf8_lossy(&files.pkcs8_pem));
    assert_eq!(*private.to_pkcs1_pem(), String::from_utf8_lossy(&files.pkcs1_pem));
    assert_eq!(private.public_key().to_spki_pem(), String::from_utf8_lossy(&files.spki_pem));
    assert_eq!(private.public_key().to_pkcs1_pem(), String::from_utf8_lossy(&files.rsa_public_pem));
    // A private key asked for as SubjectPublicKeyInfo gives its public half.
    assert_eq!(write_key(&key, KeyFormat::Spki, KeyEncoding::Der).expect("writes")[..], files.spki_der[..]);
    assert!(write_key(&public, KeyFormat::Pkcs8, KeyEncoding::Pem).is_err());
}

#[test]
fn openssl_reads_and_checks_our_keys() {
    let dir = Scratch::new("reads-ours");
    let key = our_key();
    let pkcs8 = dir.write("ours-pkcs8.pem", key.to_pkcs8_pem().as_bytes());
    let pkcs1 = dir.write("ours-pkcs1.pem", key.to_pkcs1_pem().as_bytes());
    let pkcs8_der = dir.write("ours-pkcs8.der", &key.to_pkcs8_der());
    let spki = dir.write("ours-spki.pem", key.public_key().to_spki_pem().as_bytes());
    let rsa_public = dir.write("ours-rsapub.pem", key.public_key().to_pkcs1_pem().as_bytes());

    let checked = openssl(&dir, &["pkey", "-check", "-noout", "-in", &pkcs8]);
    assert!(String::from_utf8_lossy(&checked.stdout).contains("Key is valid"), "{}", describe(&checked));
    let checked = openssl(&dir, &["rsa", "-check", "-noout", "-in", &pkcs1]);
    assert!(String::from_utf8_lossy(&checked.stdout).contains("RSA key ok"), "{}", describe(&checked));
    openssl(&dir, &["pkey", "-check", "-noout", "-inform", "DER", "-in", &pkcs8_der]);
    // OpenSSL writing our keys back gives our bytes: the same DER.
    let again = openssl(&dir, &["pkey", "-in", &pkcs1]);
    assert_eq!(again.stdout, key.to_pkcs8_pem().as_bytes());
    let again = openssl(&dir, &["pkey", "-pubin", "-in", &spki]);
    assert_eq!(again.stdout, key.public_key().to_spki_pem().as_bytes());
    let again = openssl(&dir, &["rsa", "-RSAPublicKey_in", "-in", &rsa_public, "-pubout"]);
    assert_eq!(again.stdout, key.public_key().to_spki_pem().as_bytes());
}

#[test]
fn openssl_verifies_our_signatures() {
    let dir = Scratch::new("verifies-ours");
    let key = our_key();
    let mut rng = rand::rng();
    let public = dir.write("pub.pem", key.public_key().to_spki_pem().as_bytes());
    let message = dir.write("message", MESSAGE);
    let signatures = [
        ("sha256", "pkcs1", key.sign_pkcs1v15::<Sha256, _>(MESSAGE, &mut rng)),
        ("sha384", "pkcs1", key.sign_pkcs1v15::<Sha384, _>(MESSAGE, &mut rng)),
        ("sha512", "pkcs1", key.sign_pkcs1v15::<Sha512, _>(MESSAGE, &mut rng)),
        ("sha256", "pss", key.sign_pss::<Sha256, _>(MESSAGE, &mut rng)),
        ("sha384", "pss", key.sign_pss::<Sha384, _>(MESSAGE, &mut rng)),
        ("sha512", "pss", key.sign_pss::<Sha512, _>(MESSAGE, &mut rng)),
    ];
    for (hash, scheme, signature) in signatures {
        let signature = dir.write("sig", &signature.expect("signs"));
        let digest = format!("-{hash}");
        let mut args = vec!["dgst", &digest, "-verify", &public, "-signature", &signature];
        if scheme == "pss" {
            // Salt length -1: as long as the hash, which is what we use.
            args.extend(["-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:-1"]);
        }
        args.push(&message);
        let verified = openssl(&dir, &args);
        assert_eq!(String::from_utf8_lossy(&verified.stdout), "Verified OK\n", "{scheme} {hash}");
    }
}

#[test]
fn we_verify_openssl_signatures() {
    let dir = Scratch::new("verify-theirs");
    let key_pem = dir.write("key.pem", &openssl_key().pkcs1_pem);
    let message = dir.write("message", MESSAGE);
    let public = read_key(&openssl_key().spki_der).expect("SPKI").into_key();
    let public = public.public_key();
    let sign = |options: &[&str]| {
        let mut args = vec!["dgst", "-sha256", "-sign", &key_pem, "-out", "sig"];
        args.extend(options);
        args.push(&message);
        openssl(&dir, &args);
        dir.read("sig")
    };
    let pkcs1 = sign(&[]);
    public.verify_pkcs1v15::<Sha256>(MESSAGE, &pkcs1).expect("PKCS#1 v1.5 signature verifies");
    // "max" is the longest salt that fits (k - hLen - 2 = 222 bytes for this
    // 2048-bit key); "digest" is the hash length, all TLS accepts.
    let pss_max = sign(&["-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:max"]);
    let pss_digest = sign(&["-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:digest"]);
    public.verify_pss::<Sha256>(MESSAGE, &pss_digest).expect("PSS signature, 32-byte salt, verifies");
    public
        .verify_pss_any_salt_len::<Sha256>(MESSAGE, &pss_max)
        .expect("PSS signature, longest salt, verifies");
    let max = public.size() - 32 - 2;
    public.verify_pss_with_salt_len::<Sha256>(MESSAGE, &pss_max, max).expect("PSS, longest salt, said so");
    // RFC 8446 §4.2.3: a salt other than the hash length is refused where
    // the hash length is required, and accepted where its length is given.
    assert!(public.verify_pss::<Sha256>(MESSAGE, &pss_max).is_err());
    for salt_len in [0, 20] {
        let salt_option = format!("rsa_pss_saltlen:{salt_len}");
        let signature = sign(&["-sigopt", "rsa_padding_mode:pss", "-sigopt", &salt_option]);
        assert!(
            public.verify_pss::<Sha256>(MESSAGE, &signature).is_err(),
            "salt {salt_len} as the hash length"
        );
        public
            .verify_pss_with_salt_len::<Sha256>(MESSAGE, &signature, salt_len)
            .expect("the salt length given");
        public.verify_pss_any_salt_len::<Sha256>(MESSAGE, &signature).expect("any salt length");
        assert!(public.verify_pss_with_salt_len::<Sha256>(MESSAGE, &signature, 32).is_err());
    }

    // Tampering: every signature refused with a flipped bit, another message,
    // another hash or the other scheme.
    for signature in [&pkcs1, &pss_max, &pss_digest] {
        for at in [0, 100, signature.len() - 1] {
            let mut bad = signature.clone();
            bad[at] ^= 0x10;
            assert!(public.verify_pkcs1v15::<Sha256>(MESSAGE, &bad).is_err());
            assert!(public.verify_pss::<Sha256>(MESSAGE, &bad).is_err());
            assert!(public.verify_pss_any_salt_len::<Sha256>(MESSAGE, &bad).is_err());
        }
        assert!(public.verify_pss_any_salt_len::<Sha256>(b"another message", signature).is_err());
        assert!(public.verify_pkcs1v15::<Sha384>(MESSAGE, signature).is_err());
    }
    assert!(public.verify_pss::<Sha256>(MESSAGE, &pkcs1).is_err());
    assert!(public.verify_pkcs1v15::<Sha256>(MESSAGE, &pss_digest).is_err());
}

#[test]
fn openssl_decrypts_our_ciphertexts() {
    let dir = Scratch::new("decrypts-ours");
    let key = our_key();
    let mut rng = rand::rng();
    let key_pem = dir.write("key.pem", key.to_pkcs8_pem().as_bytes());
    let cases = [
        (key.public_key().encrypt_oaep::<Sha256, _>(MESSAGE, b"", &mut rng), "sha256"),
        (key.public_key().encrypt_oaep::<Sha1, _>(MESSAGE, b"", &mut rng), "sha1"),
        (key.public_key().encrypt_pkcs1v15(MESSAGE, &mut rng), "pkcs1"),
    ];
    for (ciphertext, how) in cases {
        let ciphertext = dir.write("ciphertext", &ciphertext.expect("encrypts"));
        let mut args = vec!["pkeyutl", "-decrypt", "-inkey", &key_pem, "-in", &ciphertext, "-out", "plain"];
        let (md, mgf1) = (format!("rsa_oaep_md:{how}"), format!("rsa_mgf1_md:{how}"));
        if how != "pkcs1" {
            args.extend(["-pkeyopt", "rsa_padding_mode:oaep", "-pkeyopt", &md, "-pkeyopt", &mgf1]);
        }
        openssl(&dir, &args);
        assert_eq!(dir.read("plain"), MESSAGE, "{how}");
    }
}

#[test]
fn we_decrypt_openssl_ciphertexts() {
    let dir = Scratch::new("decrypt-theirs");
    let public = dir.write("pub.pem", &openssl_key().spki_pem);
    let message = dir.write("message", MESSAGE);
    let key = read_key(&openssl_key().pkcs8_pem).expect("PKCS#8").into_key();
    let key = key.private_key().expect("private");
    let mut rng = rand::rng();
    let encrypt = |options: &[&str]| {
        let mut args = vec!["pkeyutl", "-encrypt", "-pubin", "-inkey", &public, "-in", &message, "-out", "c"];
        args.extend(options);
        openssl(&dir, &args);
        dir.read("c")
    };
    let oaep = |md: &str| {
        let (md, mgf1) = (format!("rsa_oaep_md:{md}"), format!("rsa_mgf1_md:{md}"));
        encrypt(&["-pkeyopt", "rsa_padding_mode:oaep", "-pkeyopt", &md, "-pkeyopt", &mgf1])
    };
    let (oaep_sha256, oaep_sha1, pkcs1) = (oaep("sha256"), oaep("sha1"), encrypt(&[]));
    assert_eq!(
        key.decrypt_oaep::<Sha256, _>(&oaep_sha256, b"", &mut rng).expect("OAEP-SHA-256")[..],
        MESSAGE[..]
    );
    assert_eq!(key.decrypt_oaep::<Sha1, _>(&oaep_sha1, b"", &mut rng).expect("OAEP-SHA-1")[..], MESSAGE[..]);
    assert_eq!(key.decrypt_pkcs1v15(&pkcs1, &mut rng).expect("PKCS#1 v1.5")[..], MESSAGE[..]);

    // Tampered ciphertexts, a wrong hash, a wrong label, the wrong scheme.
    for at in [0, 128, 255] {
        for ciphertext in [&oaep_sha256, &pkcs1] {
            let mut bad = ciphertext.clone();
            bad[at] ^= 0x01;
            assert!(key.decrypt_oaep::<Sha256, _>(&bad, b"", &mut rng).is_err());
            assert!(key.decrypt_pkcs1v15(&bad, &mut rng).is_err());
        }
    }
    assert!(key.decrypt_oaep::<Sha1, _>(&oaep_sha256, b"", &mut rng).is_err());
    assert!(key.decrypt_oaep::<Sha256, _>(&oaep_sha256, b"label", &mut rng).is_err());
    assert!(key.decrypt_pkcs1v15(&oaep_sha256, &mut rng).is_err());
    assert!(key.decrypt_oaep::<Sha256, _>(&pkcs1, b"", &mut rng).is_err());
}

#[test]
fn foreign_keys_are_refused_by_name() {
    let dir = Scratch::new("foreign");
    openssl(&dir, &["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "ec.pem"]);
    openssl(&dir, &["pkey", "-in", "ec.pem", "-pubout", "-out", "ec-pub.pem"]);
    openssl(&dir, &["pkcs8", "-topk8", "-nocrypt", "-in", "ec.pem", "-outform", "DER", "-out", "ec.der"]);
    openssl(&dir, &["ec", "-in", "ec.pem", "-out", "ec-sec1.pem"]);
    openssl(&dir, &["ec", "-in", "ec.pem", "-outform", "DER", "-out", "ec-sec1.der"]);
    let ec = "not an RSA key: the algorithm is id-ecPublicKey";
    for (file, message) in [
        ("ec.pem", ec),
        ("ec-pub.pem", ec),
        ("ec.der", ec),
        ("ec-sec1.der", "not an RSA key: the DER is not PKCS#1, PKCS#8 or SubjectPublicKeyInfo"),
    ] {
        assert_eq!(refusal(&dir.read(file)), message, "{file}");
    }
    assert!(
        refusal(&dir.read("ec-sec1.pem")).starts_with("not an RSA key: the PEM label is \"EC PRIVATE KEY\"")
    );
    let encrypt =
        ["pkey", "-in", "ec.pem", "-aes-128-cbc", "-passout", "pass:secret", "-out", "encrypted.pem"];
    openssl(&dir, &encrypt);
    assert!(refusal(&dir.read("encrypted.pem")).starts_with("encrypted private keys are not supported"));
    assert_eq!(refusal(b"hello"), "not an RSA key: neither PEM nor DER");
    assert_eq!(refusal(b""), "not an RSA key: neither PEM nor DER");
}

#[test]
fn malformed_key_files_are_refused() {
    let files = openssl_key();
    let der = &files.pkcs8_der;
    for len in 0..der.len() {
        assert!(read_key(&der[..len]).is_err(), "cut to {len} bytes");
    }
    assert_eq!(
        refusal(&[der.as_slice(), &[0]].concat()),
        "malformed DER key: 1 unexpected byte(s) after the last element"
    );
    let mut long = der.clone();
    long[3] += 1; // 30 82 LL LL: the outer length, one more than there is
    assert_eq!(refusal(&long), "malformed DER key: the input ends in the middle of an element");
    // Every byte of the PKCS#1 key, flipped in turn: refused, never a panic.
    let pkcs1 = &files.pkcs1_der;
    for at in 0..pkcs1.len() {
        let mut bad = pkcs1.clone();
        bad[at] ^= 0x01;
        assert!(read_key(&bad).is_err(), "byte {at} flipped");
    }
    // The right DER under the wrong label, and a label that is no key's.
    let wrong_label = pem::encode("RSA PRIVATE KEY", &files.spki_der);
    assert!(refusal(wrong_label.as_bytes()).starts_with("malformed PKCS#1 RSAPrivateKey: expected INTEGER"));
    let certificate = pem::encode("CERTIFICATE", &files.pkcs8_der);
    assert!(refusal(certificate.as_bytes()).starts_with("not an RSA key: the PEM label is \"CERTIFICATE\""));
    let mut broken_pem = String::from_utf8_lossy(&files.pkcs8_pem).into_owned();
    broken_pem.insert(40, '!');
    assert!(refusal(broken_pem.as_bytes()).starts_with("malformed PEM"));
}

#[test]
fn key_numbers_are_checked() {
    let fields = pkcs1_fields(&openssl_key().pkcs1_der);
    let [n, e, d, p, q, dp, dq, qinv] = fields.each_ref().map(|f| f.as_slice());
    let cases: [(i64, [&[u8]; 8], &str); 8] = [
        (0, [n, e, d, p, q, dp, dq, qinv], ""),
        (2, [n, e, d, p, q, dp, dq, qinv], "PKCS#1 version must be 0"),
        (1, [n, e, d, p, q, dp, dq, qinv], "multi-prime RSA keys (PKCS#1 version 1) are not supported"),
        (0, [n, e, d, dp, q, dp, dq, qinv], "invalid RSA key: n is not p times q"),
        (
            0,
            [n, &[1, 0, 0, 0, 0, 0, 0, 0, 1], d, p, q, dp, dq, qinv],
            "the public exponent does not fit in 64 bits, which Padlock requires",
        ),
        (0, [n, &[3], d, p, q, dp, dq, qinv], "invalid RSA key: d does not match e"),
        (
            0,
            [n, e, d, q, p, dq, dp, qinv],
            "invalid RSA key: the file's qInv (coefficient) is not q^-1 mod p",
        ),
        (0, [n, e, d, p, q, dq, dp, qinv], "invalid RSA key: the file's dP (exponent1) is not d mod (p - 1)"),
    ];
    for (version, numbers, message) in cases {
        let der = encode(|w| {
            w.sequence(|w| {
                w.small_integer(version);
                numbers.iter().for_each(|number| w.unsigned_integer(number));
            })
        });
        match read_key(&der) {
            Ok(_) => assert_eq!(message, "", "accepted"),
            Err(error) => assert_eq!(error.to_string(), message),
        }
    }
    // A redundant leading zero on n: DER allows one encoding of each number.
    let non_minimal = encode(|w| {
        w.sequence(|w| {
            w.element(Tag::INTEGER, &[&[0, 0], n].concat());
            w.unsigned_integer(e);
        })
    });
    assert_eq!(
        refusal(&non_minimal),
        "malformed PKCS#1 RSAPublicKey: an INTEGER has a redundant leading byte, which DER forbids"
    );
    let even_e = encode(|w| w.sequence(|w| [n, &[1, 0, 0]].iter().for_each(|x| w.unsigned_integer(x))));
    assert_eq!(refusal(&even_e), "invalid RSA key: the public exponent must be odd and at least 3");
}

/// Odd exponents other than 65537 are read and used; the algorithm must be
/// rsaEncryption with NULL parameters.
#[test]
fn exponents_and_algorithm_identifiers() {
    let dir = Scratch::new("exponents");
    let e3 = [
        "genpkey",
        "-algorithm",
        "RSA",
        "-pkeyopt",
        "rsa_keygen_bits:2048",
        "-pkeyopt",
        "rsa_keygen_pubexp:3",
    ];
    openssl(&dir, &[&e3[..], &["-out", "e3.pem"]].concat());
    let key = read_key(&dir.read("e3.pem")).expect("e = 3").into_key();
    assert_eq!(key.public_key().e(), 3);
    let signature = key.private_key().expect("private").sign_pss::<Sha256, _>(MESSAGE, &mut rand::rng());
    key.public_key().verify_pss::<Sha256>(MESSAGE, &signature.expect("signs")).expect("verifies");

    let rsa_public = &openssl_key().rsa_public_der;
    let spki = |write_algorithm: &dyn Fn(&mut Writer)| {
        encode(|w| {
            w.sequence(|w| {
                w.sequence(write_algorithm);
                w.bit_string(padlock_der::BitString::from_octets(rsa_public));
            })
        })
    };
    assert!(
        read_key(&spki(&|w| {
            w.oid(&oids::RSA_ENCRYPTION);
            w.null();
        }))
        .is_ok()
    );
    assert_eq!(
        refusal(&spki(&|w| w.oid(&oids::RSA_ENCRYPTION))),
        "the parameters of rsaEncryption must be NULL (RFC 3279 §2.3.1)"
    );
    let ed25519 = spki(&|w| w.oid(&oids::ED25519));
    assert_eq!(refusal(&ed25519), "not an RSA key: the algorithm is id-Ed25519");
    let unknown = spki(&|w| w.oid(&padlock_der::Oid::new(&[1, 2, 3, 4])));
    assert_eq!(refusal(&unknown), "not an RSA key: the algorithm is 1.2.3.4");
}

/// The text of the error `read_key` gives for `input`, which must be refused.
fn refusal(input: &[u8]) -> String {
    match read_key(input) {
        Ok(file) => panic!("accepted as {:?}", file.format()),
        Err(error) => error.to_string(),
    }
}

/// The eight numbers of an `RSAPrivateKey` (RFC 8017 Appendix A.1.2).
fn pkcs1_fields(der: &[u8]) -> [Vec<u8>; 8] {
    let fields = Reader::new(der).read_all(|r| {
        r.read_sequence()?.read_all(|key| {
            assert_eq!(key.read_small_integer()?, 0);
            (0..8)
                .map(|_| key.read_unsigned_integer_bytes().map(<[u8]>::to_vec))
                .collect::<Result<Vec<_>, _>>()
        })
    });
    fields.expect("OpenSSL's key").try_into().expect("eight numbers")
}

/// What `write` writes, as DER.
fn encode(write: impl FnOnce(&mut Writer)) -> Vec<u8> {
    let mut w = Writer::new();
    write(&mut w);
    w.finish().expect("encodes")
}

/// One 2048-bit key from OpenSSL, in the eight forms we read.
struct OpenSslKey {
    pkcs8_pem: Vec<u8>,
    pkcs8_der: Vec<u8>,
    pkcs1_pem: Vec<u8>,
    pkcs1_der: Vec<u8>,
    spki_pem: Vec<u8>,
    spki_der: Vec<u8>,
    rsa_public_pem: Vec<u8>,
    rsa_public_der: Vec<u8>,
}

impl OpenSslKey {
    /// Each form: a name, its bytes, the format and encoding it is in, and
    /// whether it is private.
    fn all(&self) -> [(&str, &[u8], KeyFormat, KeyEncoding, bool); 8] {
        use {KeyEncoding::*, KeyFormat::*};
        [
            ("PKCS#8 PEM", &self.pkcs8_pem, Pkcs8, Pem, true),
            ("PKCS#8 DER", &self.pkcs8_der, Pkcs8, Der, true),
            ("PKCS#1 PEM", &self.pkcs1_pem, Pkcs1, Pem, true),
            ("PKCS#1 DER", &self.pkcs1_der, Pkcs1, Der, true),
            ("SPKI PEM", &self.spki_pem, Spki, Pem, false),
            ("SPKI DER", &self.spki_der, Spki, Der, false),
            ("RSAPublicKey PEM", &self.rsa_public_pem, Pkcs1, Pem, false),
            ("RSAPublicKey DER", &self.rsa_public_der, Pkcs1, Der, false),
        ]
    }
}

/// The key `openssl genpkey` makes, converted by `openssl pkey` and
/// `openssl rsa`; made once for all the tests.
fn openssl_key() -> &'static OpenSslKey {
    static KEY: OnceLock<OpenSslKey> = OnceLock::new();
    KEY.get_or_init(|| {
        let dir = Scratch::new("openssl-key");
        let run = |args: &[&str]| openssl(&dir, args).stdout;
        run(&["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "key.pem"]);
        OpenSslKey {
            pkcs8_pem: dir.read("key.pem"),
            // `pkey -outform DER` would write PKCS #1: OpenSSL 3.0's DER default.
            pkcs8_der: run(&["pkcs8", "-topk8", "-nocrypt", "-in", "key.pem", "-outform", "DER"]),
            pkcs1_pem: run(&["rsa", "-in", "key.pem", "-traditional"]),
            pkcs1_der: run(&["rsa", "-in", "key.pem", "-traditional", "-outform", "DER"]),
            spki_pem: run(&["pkey", "-in", "key.pem", "-pubout"]),
            spki_der: run(&["pkey", "-in", "key.pem", "-pubout", "-outform", "DER"]),
            rsa_public_pem: run(&["rsa", "-in", "key.pem", "-RSAPublicKey_out"]),
            rsa_public_der: run(&["rsa", "-in", "key.pem", "-RSAPublicKey_out", "-outform", "DER"]),
        }
    })
}

/// A 2048-bit key from our own key generation, made once for all the tests.
fn our_key() -> &'static RsaPrivateKey {
    static KEY: OnceLock<RsaPrivateKey> = OnceLock::new();
    KEY.get_or_init(|| RsaPrivateKey::generate(2048, &mut rand::rng(), &mut |_| {}).expect("keygen"))
}
