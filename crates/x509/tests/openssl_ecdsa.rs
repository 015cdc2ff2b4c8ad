//! ECDSA certificates and OpenSSL, both ways:
//!
//! - `openssl verify` accepts chains padlock-x509 builds: a P-256 leaf under
//!   a P-384 intermediate under an RSA root, and an RSA leaf under a P-256
//!   root (`-x509_strict -purpose sslserver`);
//! - padlock-x509 verifies chains `openssl` makes: a P-384 root signing a
//!   P-256 leaf (ecdsa-with-SHA384), an RSA root signing a P-256
//!   intermediate signing a P-384 leaf (ecdsa-with-SHA256), and refuses the
//!   P-521 root it cannot check, saying why.
//!
//! OpenSSL is the reference, so a missing `openssl` fails the tests.

mod common;

use std::fs;

use padlock_der::Time;
use padlock_ec::{Curve, EcPrivateKey};
use padlock_rsa::RsaPrivateKey;
use padlock_x509::{
    Certificate, CertificateBuilder, Error, HashAlgorithm, Profile, SignatureAlgorithm, SigningScheme,
    verify_chain,
};

use self::common::{Scratch, must, openssl, pem, read};

fn start() -> Time {
    Time::new(2026, 1, 1, 0, 0, 0).expect("a valid time")
}

#[test]
fn openssl_verifies_our_mixed_chains() {
    let scratch = Scratch::new("ecdsa-ours");
    let dir = &scratch.path;
    let mut rng = rand::rng();
    let rsa = RsaPrivateKey::generate(2048, &mut rng, &mut |_| {}).expect("keygen");
    let p384 = EcPrivateKey::generate(Curve::P384, &mut rng);
    let p256 = EcPrivateKey::generate(Curve::P256, &mut rng);

    // RSA root → P-384 intermediate → P-256 leaf.
    let root = CertificateBuilder::ca("Padlock RSA Root", start()).self_signed(&rsa, &mut rng).expect("root");
    let mut builder = CertificateBuilder::ca("Padlock P-384 Intermediate", start());
    builder.profile = Profile::Ca { path_len: Some(0) };
    let intermediate = builder.signed_by(p384.public_key(), &root, &rsa, &mut rng).expect("intermediate");
    let mut builder = CertificateBuilder::leaf("localhost", start());
    builder.dns_names = vec!["localhost".into()];
    builder.scheme = SigningScheme::default_for((&p384).into());
    let leaf = builder.signed_by(p256.public_key(), &intermediate, &p384, &mut rng).expect("leaf");
    for (name, cert) in [("root", &root), ("int", &intermediate), ("leaf", &leaf)] {
        fs::write(dir.join(format!("{name}.pem")), pem(cert.der())).expect("writing");
    }
    // One day after notBefore, as seconds since 1970.
    let at = start().unix_seconds() + 86_400;
    let verify = format!("verify -x509_strict -purpose sslserver -attime {at} -CAfile root.pem");
    must(dir, &format!("{verify} -untrusted int.pem leaf.pem"));
    let (_, text) = openssl(dir, "x509 -in leaf.pem -noout -text");
    assert!(text.contains("ecdsa-with-SHA384") && text.contains("NIST CURVE: P-256"), "{text}");

    // P-256 root → RSA leaf.
    let mut builder = CertificateBuilder::ca("Padlock P-256 Root", start());
    builder.scheme = SigningScheme::EcdsaSha256;
    let ec_root = builder.self_signed(&p256, &mut rng).expect("root");
    let mut builder = CertificateBuilder::leaf("localhost", start());
    builder.dns_names = vec!["localhost".into()];
    builder.scheme = SigningScheme::EcdsaSha256;
    let rsa_leaf = builder.signed_by(rsa.public_key(), &ec_root, &p256, &mut rng).expect("leaf");
    fs::write(dir.join("ec-root.pem"), pem(ec_root.der())).expect("writing");
    fs::write(dir.join("rsa-leaf.pem"), pem(rsa_leaf.der())).expect("writing");
    must(
        dir,
        &format!("verify -x509_strict -purpose sslserver -attime {at} -CAfile ec-root.pem rsa-leaf.pem"),
    );

    // A changed signature is refused by OpenSSL too.
    let mut der = leaf.der().to_vec();
    let last = der.len() - 1;
    der[last] ^= 1;
    let tampered = Certificate::from_der(&der).expect("parses");
    fs::write(dir.join("tampered.pem"), pem(tampered.der())).expect("writing");
    let (ok, _) = openssl(dir, &format!("{verify} -untrusted int.pem tampered.pem"));
    assert!(!ok, "OpenSSL accepted a changed ECDSA signature");
}

#[test]
fn we_verify_chains_openssl_makes() {
    let scratch = Scratch::new("ecdsa-theirs");
    let dir = &scratch.path;
    let ca =
        "-days 3650 -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign";
    let leaf_ext = "subjectAltName=DNS:example.org\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n\
                    extendedKeyUsage=serverAuth\n";
    fs::write(dir.join("leaf.ext"), leaf_ext).expect("writing");
    fs::write(
        dir.join("int.ext"),
        "basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign\n",
    )
    .expect("writing");
    let ec = |curve: &str| format!("-newkey ec -pkeyopt ec_paramgen_curve:{curve}");

    // A P-384 root signs a P-256 leaf with SHA-384.
    must(
        dir,
        &format!(
            "req -x509 {} -nodes -keyout p384.key -out p384.pem -subj /CN=OpenSSL~P-384~Root -sha384 {ca}",
            ec("P-384")
        ),
    );
    must(
        dir,
        &format!("req -new {} -nodes -keyout leaf.key -out leaf.csr -subj /CN=example.org", ec("P-256")),
    );
    must(
        dir,
        "x509 -req -in leaf.csr -CA p384.pem -CAkey p384.key -days 30 -sha384 -extfile leaf.ext -out leaf.pem",
    );
    let (root, leaf) = (read(dir, "p384"), read(dir, "leaf"));
    assert_eq!(root.signature_algorithm, SignatureAlgorithm::Ecdsa(HashAlgorithm::Sha384));
    assert_eq!(leaf.signature_algorithm, SignatureAlgorithm::Ecdsa(HashAlgorithm::Sha384));
    let when = |cert: &Certificate| {
        Time::from_unix_seconds(cert.not_before.unix_seconds() + 3600).expect("a valid time")
    };
    verify_chain(&leaf, &[], std::slice::from_ref(&root), "example.org", when(&leaf)).expect("P-384 → P-256");

    // An RSA root signs a P-256 intermediate, which signs a P-384 leaf with SHA-256.
    must(
        dir,
        &format!(
            "req -x509 -newkey rsa:2048 -nodes -keyout rsa.key -out rsa.pem -subj /CN=OpenSSL~RSA~Root {ca}"
        ),
    );
    must(
        dir,
        &format!(
            "req -new {} -nodes -keyout int.key -out int.csr -subj /CN=OpenSSL~P-256~Intermediate",
            ec("P-256")
        ),
    );
    must(dir, "x509 -req -in int.csr -CA rsa.pem -CAkey rsa.key -days 30 -extfile int.ext -out int.pem");
    must(
        dir,
        &format!("req -new {} -nodes -keyout leaf2.key -out leaf2.csr -subj /CN=example.org", ec("P-384")),
    );
    must(
        dir,
        "x509 -req -in leaf2.csr -CA int.pem -CAkey int.key -days 30 -sha256 -extfile leaf.ext -out leaf2.pem",
    );
    let (rsa_root, intermediate, leaf2) = (read(dir, "rsa"), read(dir, "int"), read(dir, "leaf2"));
    assert_eq!(leaf2.signature_algorithm, SignatureAlgorithm::Ecdsa(HashAlgorithm::Sha256));
    let path = verify_chain(
        &leaf2,
        std::slice::from_ref(&intermediate),
        std::slice::from_ref(&rsa_root),
        "example.org",
        when(&leaf2),
    )
    .expect("RSA → P-256 → P-384");
    assert_eq!(path.len(), 3);
    // The leaf's ECDSA signature does not verify under the wrong CA.
    assert!(verify_chain(&leaf2, &[], std::slice::from_ref(&root), "example.org", when(&leaf2)).is_err());

    // P-521 is not implemented: the self-signature cannot be checked, and
    // the error says so.
    must(
        dir,
        &format!(
            "req -x509 {} -nodes -keyout p521.key -out p521.pem -subj /CN=P-521~Root -sha512 {ca}",
            ec("P-521")
        ),
    );
    let p521 = read(dir, "p521");
    match padlock_x509::verify_signature(&p521, &p521) {
        Err(Error::UnsupportedKey { why, .. }) => assert!(why.contains("secp521r1"), "{why}"),
        other => panic!("expected UnsupportedKey, got {other:?}"),
    }
}
