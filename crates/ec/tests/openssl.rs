//! Interoperability with the `openssl` command-line tool, both ways: key
//! files OpenSSL writes are read (and ours are read by `openssl pkey`),
//! signatures verify in both directions (`openssl dgst -sign/-verify`), and
//! ECDH agrees with `openssl pkeyutl -derive`.

mod common;

use common::{Scratch, openssl, openssl_output};
use padlock_ec::{Curve, EcKey, EcPrivateKey, KeyEncoding, KeyFileError, KeyFormat, read_key};
use padlock_sha::{Sha256, Sha384};

/// OpenSSL's name for each curve.
fn openssl_name(curve: Curve) -> &'static str {
    match curve {
        Curve::P256 => "prime256v1",
        Curve::P384 => "secp384r1",
    }
}

/// The SubjectPublicKeyInfo DER of a key file, as OpenSSL computes it.
fn openssl_spki(path: &str) -> Vec<u8> {
    openssl(&["pkey", "-in", path, "-pubout", "-outform", "DER"])
}

#[test]
fn we_read_keys_openssl_writes() {
    let dir = Scratch::new("read");
    for curve in Curve::ALL {
        let name = openssl_name(curve);
        // `ecparam -genkey` writes an EC PARAMETERS block, then the SEC1 key.
        let sec1 = dir.file("sec1.pem");
        openssl(&["ecparam", "-name", name, "-genkey", "-out", &sec1]);
        let pkcs8 = dir.file("pkcs8.pem");
        openssl(&[
            "genpkey",
            "-algorithm",
            "EC",
            "-pkeyopt",
            &format!("ec_paramgen_curve:{name}"),
            "-out",
            &pkcs8,
        ]);
        for (path, format) in [(&sec1, KeyFormat::Sec1), (&pkcs8, KeyFormat::Pkcs8)] {
            let expected_spki = openssl_spki(path);
            let pem = std::fs::read(path).expect("written");
            let file = read_key(&pem).expect("reads OpenSSL's key");
            assert_eq!((file.format, file.encoding, file.key.curve()), (format, KeyEncoding::Pem, curve));
            assert_eq!(file.key.public_key().to_spki_der(), expected_spki, "{curve} {format:?}");
            // The DER forms too.
            let der = match format {
                KeyFormat::Sec1 => openssl(&["ec", "-in", path, "-outform", "DER"]),
                _ => openssl(&["pkey", "-in", path, "-outform", "DER"]),
            };
            assert_eq!(read_key(&der).expect("reads DER").key.public_key().to_spki_der(), expected_spki);
            // And the public key alone.
            let spki = read_key(&expected_spki).expect("reads SPKI");
            assert_eq!(spki.format, KeyFormat::Spki);
            let spki_pem = openssl(&["pkey", "-in", path, "-pubout"]);
            assert_eq!(read_key(&spki_pem).expect("reads SPKI PEM").key.public_key(), spki.key.public_key());
        }
    }
}

#[test]
fn openssl_reads_keys_we_write() {
    let dir = Scratch::new("write");
    for curve in Curve::ALL {
        let key = EcPrivateKey::generate(curve, &mut rand::rng());
        let our_spki = key.public_key().to_spki_der();
        let files = [
            ("sec1.pem", key.to_sec1_pem().as_bytes().to_vec()),
            ("pkcs8.pem", key.to_pkcs8_pem().as_bytes().to_vec()),
        ];
        for (name, contents) in files {
            let path = dir.write(name, &contents);
            assert_eq!(openssl_spki(&path), our_spki, "{curve} {name}");
        }
        // `openssl ec -check` validates the key (d in range, Q = d·G).
        let sec1 = dir.write("check.pem", key.to_sec1_pem().as_bytes());
        openssl(&["ec", "-in", &sec1, "-check", "-noout"]);
        // DER forms, read by format.
        let der = dir.write("sec1.der", &key.to_sec1_der());
        openssl(&["ec", "-inform", "DER", "-in", &der, "-check", "-noout"]);
        let pkcs8 = dir.write("pkcs8.der", &key.to_pkcs8_der());
        assert_eq!(
            openssl(&["pkey", "-inform", "DER", "-in", &pkcs8, "-pubout", "-outform", "DER"]),
            our_spki
        );
        let spki = dir.write("pub.pem", key.public_key().to_spki_pem().as_bytes());
        assert_eq!(openssl(&["pkey", "-pubin", "-in", &spki, "-outform", "DER"]), our_spki);
    }
}

#[test]
fn signatures_verify_both_ways() {
    let dir = Scratch::new("sign");
    let data = dir.write("data.txt", b"The padlock in the address bar.\n");
    for (curve, hash) in [(Curve::P256, "-sha256"), (Curve::P384, "-sha384")] {
        let key = EcPrivateKey::generate(curve, &mut rand::rng());
        let message = std::fs::read(&data).expect("written");
        let signature = match curve {
            Curve::P256 => key.sign::<Sha256>(&message),
            Curve::P384 => key.sign::<Sha384>(&message),
        };
        let sig = dir.write("ours.sig", &signature);
        let public = dir.write("pub.pem", key.public_key().to_spki_pem().as_bytes());
        let dgst_verify = |sig: &str| {
            let args = ["dgst", hash, "-verify", &public, "-signature", sig, &data];
            openssl_output(&args)
        };
        let verified = dgst_verify(&sig);
        assert!(verified.status.success(), "{}", String::from_utf8_lossy(&verified.stderr));
        let verified = verified.stdout;
        assert_eq!(String::from_utf8_lossy(&verified).trim(), "Verified OK", "{curve}");

        // OpenSSL signs with our key; we verify, and refuse it on other data.
        let private = dir.write("key.pem", key.to_pkcs8_pem().as_bytes());
        openssl(&["dgst", hash, "-sign", &private, "-out", &dir.file("theirs.sig"), &data]);
        let theirs = dir.read("theirs.sig");
        let public_key = key.public_key();
        let (good, bad) = match curve {
            Curve::P256 => (
                public_key.verify::<Sha256>(&message, &theirs),
                public_key.verify::<Sha256>(b"other", &theirs),
            ),
            Curve::P384 => (
                public_key.verify::<Sha384>(&message, &theirs),
                public_key.verify::<Sha384>(b"other", &theirs),
            ),
        };
        assert_eq!(good, Ok(()), "{curve}: OpenSSL's signature verifies");
        assert!(bad.is_err());
        // A tampered signature fails OpenSSL's check too.
        let mut tampered = signature.clone();
        let last = tampered.len() - 1;
        tampered[last] ^= 1;
        let sig = dir.write("tampered.sig", &tampered);
        let output = dgst_verify(&sig);
        assert!(!output.status.success(), "OpenSSL refuses a tampered signature");
    }
}

#[test]
fn ecdh_agrees_with_openssl() {
    let dir = Scratch::new("ecdh");
    for curve in Curve::ALL {
        let ours = EcPrivateKey::generate(curve, &mut rand::rng());
        let theirs_path = dir.file("theirs.pem");
        openssl(&[
            "genpkey",
            "-algorithm",
            "EC",
            "-pkeyopt",
            &format!("ec_paramgen_curve:{}", openssl_name(curve)),
            "-out",
            &theirs_path,
        ]);
        let theirs = match read_key(&dir.read("theirs.pem")).expect("reads").key {
            EcKey::Private(key) => key,
            EcKey::Public(_) => panic!("genpkey writes a private key"),
        };
        let our_path = dir.write("ours.pem", ours.to_pkcs8_pem().as_bytes());
        let their_public = dir.write("theirs.pub", theirs.public_key().to_spki_pem().as_bytes());
        let expected = openssl(&["pkeyutl", "-derive", "-inkey", &our_path, "-peerkey", &their_public]);
        let shared = match (&ours, theirs.public_key()) {
            (EcPrivateKey::P256(key), padlock_ec::EcPublicKey::P256(peer)) => key.diffie_hellman(&peer),
            (EcPrivateKey::P384(key), padlock_ec::EcPublicKey::P384(peer)) => key.diffie_hellman(&peer),
            _ => panic!("same curve"),
        }
        .expect("valid");
        assert_eq!(shared.as_bytes(), expected, "{curve}");
    }
}

#[test]
fn explicit_curve_parameters_are_refused() {
    let dir = Scratch::new("explicit");
    let path = dir.file("explicit.pem");
    openssl(&[
        "ecparam",
        "-name",
        "prime256v1",
        "-genkey",
        "-noout",
        "-param_enc",
        "explicit",
        "-out",
        &path,
    ]);
    let error = read_key(&dir.read("explicit.pem")).err().expect("refused");
    assert!(matches!(error, KeyFileError::Unsupported(_)), "{error}");
    assert!(error.to_string().contains("named curves"), "{error}");
}
