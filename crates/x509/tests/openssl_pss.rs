//! Certificates with RSA-PSS keys (id-RSASSA-PSS, RFC 4055 §1.2) and
//! OpenSSL, both ways:
//!
//! - `openssl verify -x509_strict -purpose sslserver` accepts chains
//!   padlock-x509 builds: an RSA-PSS root restricted to SHA-256 over an
//!   RSA-PSS leaf and over an rsaEncryption leaf, and an rsaEncryption root
//!   over an RSA-PSS leaf; `openssl x509 -text` reads the key and its
//!   restrictions;
//! - padlock-x509 verifies the same kinds of chain made by `openssl
//!   genpkey -algorithm RSA-PSS`, `openssl req -x509` and `openssl x509
//!   -req`, and reads the keys' parameters.
//!
//! OpenSSL is the reference, so a missing `openssl` fails the tests.

mod common;

use std::fs;

use padlock_der::Time;
use padlock_rsa::{PssHash, PssParams, RsaPrivateKey, RsaPssPrivateKey};
use padlock_x509::{Certificate, CertificateBuilder, SignatureAlgorithm, SigningScheme, verify_chain};

use self::common::{Scratch, must, openssl, pem, read};

fn start() -> Time {
    Time::new(2026, 1, 1, 0, 0, 0).expect("a valid time")
}

/// A day after `cert`'s notBefore.
fn during(cert: &Certificate) -> Time {
    Time::from_unix_seconds(cert.not_before.unix_seconds() + 86_400).expect("a time")
}

#[test]
fn openssl_verifies_our_chains_with_rsa_pss_keys() {
    let scratch = Scratch::new("pss-ours");
    let dir = &scratch.path;
    let mut rng = rand::rng();
    let mut keygen = || RsaPrivateKey::generate(2048, &mut rng, &mut |_| {}).expect("keygen");
    let root_key = RsaPssPrivateKey::new(keygen(), Some(PssParams::for_hash(PssHash::Sha256)));
    let leaf_key = RsaPssPrivateKey::new(keygen(), None);
    let rsa_key = keygen();

    let mut builder = CertificateBuilder::ca("Padlock PSS Root", start());
    builder.scheme = SigningScheme::default_for((&root_key).into());
    let root = builder.self_signed(&root_key, &mut rng).expect("root");
    let mut leaf = CertificateBuilder::leaf("localhost", start());
    leaf.dns_names = vec!["localhost".into()];
    leaf.scheme = SigningScheme::RsaPssSha256;
    let pss_leaf = leaf.signed_by(leaf_key.public_key(), &root, &root_key, &mut rng).expect("PSS leaf");
    let rsa_leaf = leaf.signed_by(rsa_key.public_key(), &root, &root_key, &mut rng).expect("RSA leaf");
    let rsa_root =
        CertificateBuilder::ca("Padlock RSA Root", start()).self_signed(&rsa_key, &mut rng).unwrap();
    leaf.scheme = SigningScheme::RsaPkcs1Sha256;
    let under_rsa = leaf.signed_by(leaf_key.public_key(), &rsa_root, &rsa_key, &mut rng).expect("leaf");
    for (name, cert) in [
        ("root", &root),
        ("pss-leaf", &pss_leaf),
        ("rsa-leaf", &rsa_leaf),
        ("rsa-root", &rsa_root),
        ("under-rsa", &under_rsa),
    ] {
        fs::write(dir.join(format!("{name}.pem")), pem(cert.der())).expect("writing");
    }

    let at = during(&root).unix_seconds();
    for (leaf, root) in [("pss-leaf", "root"), ("rsa-leaf", "root"), ("under-rsa", "rsa-root")] {
        let text = must(
            dir,
            &format!("verify -x509_strict -purpose sslserver -attime {at} -CAfile {root}.pem {leaf}.pem"),
        );
        assert!(text.contains(": OK"), "{leaf} under {root}: {text}");
    }
    let text = must(dir, "x509 -in root.pem -noout -text");
    assert!(text.contains("Public Key Algorithm: rsassaPss"), "{text}");
    assert!(text.contains("Hash Algorithm: SHA2-256") && text.contains("Minimum Salt Length: 32"), "{text}");
    let text = must(dir, "x509 -in pss-leaf.pem -noout -text");
    assert!(text.contains("No PSS parameter restrictions"), "{text}");

    // A changed signature byte: OpenSSL refuses it too.
    let mut der = pss_leaf.der().to_vec();
    let last = der.len() - 1;
    der[last] ^= 1;
    fs::write(dir.join("tampered.pem"), pem(&der)).expect("writing");
    let (ok, _) = openssl(dir, &format!("verify -x509_strict -attime {at} -CAfile root.pem tampered.pem"));
    assert!(!ok, "OpenSSL accepted a changed RSASSA-PSS signature");
}

#[test]
fn we_verify_chains_openssl_makes_with_rsa_pss_keys() {
    let scratch = Scratch::new("pss-theirs");
    let dir = &scratch.path;
    let ca =
        "-days 30 -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign";
    let leaf_ext = "subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n\
                    extendedKeyUsage=serverAuth\n";
    fs::write(dir.join("leaf.ext"), leaf_ext).expect("writing");
    let pss = "genpkey -algorithm RSA-PSS -pkeyopt rsa_keygen_bits:2048";
    let sha256 = "-pkeyopt rsa_pss_keygen_md:sha256 -pkeyopt rsa_pss_keygen_mgf1_md:sha256 \
                  -pkeyopt rsa_pss_keygen_saltlen:32";
    must(dir, &format!("{pss} {sha256} -out root.key"));
    must(dir, &format!("req -x509 -new -key root.key -subj /CN=OpenSSL~PSS~Root {ca} -out root.pem"));
    must(dir, &format!("{pss} -out leaf.key"));
    must(dir, "genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rsa.key");
    for name in ["leaf", "rsa"] {
        must(dir, &format!("req -new -key {name}.key -subj /CN=localhost -out {name}.csr"));
        must(
            dir,
            &format!(
                "x509 -req -in {name}.csr -CA root.pem -CAkey root.key -days 30 -extfile leaf.ext -out {name}.pem"
            ),
        );
    }
    let root = read(dir, "root");
    let restricted = PssParams::for_hash(PssHash::Sha256);
    assert_eq!(root.public_key.rsa_pss_key().expect("PSS").params(), Some(&restricted));
    for name in ["leaf", "rsa"] {
        let leaf = read(dir, name);
        assert_eq!(leaf.signature_algorithm, SignatureAlgorithm::RsaPss(restricted), "{name}");
        let path = verify_chain(&leaf, &[], std::slice::from_ref(&root), "localhost", during(&root))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(path.len(), 2, "{name}");
    }
    assert_eq!(read(dir, "leaf").public_key.rsa_pss_key().expect("PSS").params(), None);
    assert!(read(dir, "rsa").public_key.rsa_key().is_ok());
}
