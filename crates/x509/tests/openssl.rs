//! Certificates made by the `openssl` command at test time, in a scratch
//! directory, read and verified by padlock-x509:
//!
//! - a root CA (`req -x509` with critical basicConstraints and keyUsage),
//!   an intermediate with `pathlen:0`, and leaves with DNS and IP SANs
//!   signed with PKCS#1 v1.5 (SHA-1/256/384/512) and RSASSA-PSS;
//! - accepted for the right host at a time inside the validity period,
//!   refused for the wrong host, after notAfter, before notBefore, with a
//!   signature byte changed, by an unknown issuer, by a non-CA issuer and
//!   with an unknown critical extension;
//! - a leaf for TLS clients only (extendedKeyUsage clientAuth) refused as a
//!   server's;
//! - every truncation and many single-byte changes of a real certificate
//!   give an error or a certificate, never a panic.
//!
//! OpenSSL is the reference, so a missing `openssl` fails the tests rather
//! than skipping them.

mod common;

use std::sync::OnceLock;

use padlock_der::Time;
use padlock_rsa::{PssHash, PssParams};
use padlock_x509::{
    Certificate, Error, GeneralName, HashAlgorithm, KeyUsage, ServerKeyUse, SignatureAlgorithm,
    check_server_usage, verify_chain,
};

use self::common::{Scratch, must, read};

/// The certificates OpenSSL made, parsed.
struct Fixtures {
    ca: Certificate,
    other_ca: Certificate,
    intermediate: Certificate,
    /// Leaf signed by `ca` with sha256WithRSAEncryption.
    leaf: Certificate,
    /// Leaves signed by `ca` with SHA-1, SHA-384 and SHA-512.
    leaves_by_digest: Vec<Certificate>,
    /// Leaf signed by `intermediate` with RSASSA-PSS (SHA-384, salt 32).
    pss_leaf: Certificate,
    /// Leaf signed by `other_ca`.
    other_leaf: Certificate,
    /// Leaf signed by `leaf`'s key, which is not a CA.
    leaf_of_leaf: Certificate,
    /// Leaf signed by `ca` with a critical extension 1.2.3.4.
    critical_leaf: Certificate,
    /// v1 leaf signed by `ca`, no extensions.
    v1_leaf: Certificate,
    /// A CA signed by `intermediate` (whose pathlen is 0), and a leaf of it.
    deep_intermediate: Certificate,
    /// Leaf signed by `deep_intermediate`.
    deep_leaf: Certificate,
    /// A CA signed by `ca` whose keyUsage lacks keyCertSign, and a leaf of it.
    no_cert_sign: Certificate,
    /// Leaf signed by `no_cert_sign`.
    no_cert_sign_leaf: Certificate,
    /// Leaf signed by `ca` for TLS clients only (extendedKeyUsage clientAuth).
    client_leaf: Certificate,
}

const LEAF_EXT: &str = "subjectAltName=DNS:example.org,DNS:www.example.org,IP:127.0.0.1,IP:::1\n\
     basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n\
     extendedKeyUsage=serverAuth\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n";

fn fixtures() -> &'static Fixtures {
    static FIXTURES: OnceLock<Fixtures> = OnceLock::new();
    FIXTURES.get_or_init(make_fixtures)
}

fn make_fixtures() -> Fixtures {
    let scratch = Scratch::new("fixtures");
    let dir = &scratch.path;
    let ca_args =
        "-days 3650 -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign";
    for (name, subject) in [("ca", "/O=Padlock/CN=Padlock~Test~CA"), ("other", "/CN=Other~CA")] {
        must(
            dir,
            &format!(
                "req -x509 -newkey rsa:2048 -nodes -keyout {name}.key -out {name}.pem -subj {subject} {ca_args}"
            ),
        );
    }
    scratch.write("leaf.ext", LEAF_EXT.as_bytes());
    let int_ext = "basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign\n";
    scratch.write("int.ext", int_ext.as_bytes());
    scratch.write("crit.ext", b"subjectAltName=DNS:example.org\n1.2.3.4=critical,ASN1:NULL\n");
    let issue = |name: &str, subject: &str, issuer: &str, extra: &str| {
        must(
            dir,
            &format!("req -new -newkey rsa:2048 -nodes -keyout {name}.key -out {name}.csr -subj {subject}"),
        );
        must(
            dir,
            &format!(
                "x509 -req -in {name}.csr -CA {issuer}.pem -CAkey {issuer}.key -days 30 -out {name}.pem {extra}"
            ),
        );
        read(dir, name)
    };
    let intermediate = issue("int", "/CN=Padlock~Intermediate", "ca", "-extfile int.ext");
    let leaf = issue("leaf", "/CN=example.org", "ca", "-sha256 -extfile leaf.ext");
    let leaves_by_digest = ["sha1", "sha384", "sha512"]
        .iter()
        .map(|d| issue(&format!("leaf-{d}"), "/CN=example.org", "ca", &format!("-{d} -extfile leaf.ext")))
        .collect();
    let pss = "-sha384 -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:32 -extfile leaf.ext";
    let pss_leaf = issue("pss", "/CN=example.org", "int", pss);
    let other_leaf = issue("other-leaf", "/CN=example.org", "other", "-extfile leaf.ext");
    let leaf_of_leaf = issue("leaf-of-leaf", "/CN=example.org", "leaf", "-extfile leaf.ext");
    let critical_leaf = issue("crit", "/CN=example.org", "ca", "-extfile crit.ext");
    let v1_leaf = issue("v1", "/CN=v1.example", "ca", "");
    scratch.write("sign.ext", b"basicConstraints=critical,CA:TRUE\nkeyUsage=critical,digitalSignature\n");
    let deep_intermediate = issue("deep", "/CN=Deep~Intermediate", "int", "-extfile int.ext");
    let deep_leaf = issue("deep-leaf", "/CN=example.org", "deep", "-extfile leaf.ext");
    let no_cert_sign = issue("no-cert-sign", "/CN=No~Cert~Sign", "ca", "-extfile sign.ext");
    let no_cert_sign_leaf = issue("ncs-leaf", "/CN=example.org", "no-cert-sign", "-extfile leaf.ext");
    let client_ext = LEAF_EXT.replace("extendedKeyUsage=serverAuth", "extendedKeyUsage=clientAuth");
    scratch.write("client.ext", client_ext.as_bytes());
    let client_leaf = issue("client-leaf", "/CN=example.org", "ca", "-extfile client.ext");
    let (ca, other_ca) = (read(dir, "ca"), read(dir, "other"));
    Fixtures {
        ca,
        other_ca,
        intermediate,
        leaf,
        leaves_by_digest,
        pss_leaf,
        other_leaf,
        leaf_of_leaf,
        critical_leaf,
        v1_leaf,
        deep_intermediate,
        deep_leaf,
        no_cert_sign,
        no_cert_sign_leaf,
        client_leaf,
    }
}

/// A time inside `cert`'s validity: a day after notBefore.
fn during(cert: &Certificate) -> Time {
    Time::from_unix_seconds(cert.not_before.unix_seconds() + 86_400).expect("a time")
}

#[test]
fn reads_the_fields_openssl_wrote() {
    let f = fixtures();
    assert_eq!(f.ca.version, 3);
    assert_eq!(f.ca.subject.to_string(), "CN=Padlock Test CA,O=Padlock");
    assert!(f.ca.is_self_issued());
    let ca_constraints = f.ca.extensions.basic_constraints.expect("basicConstraints");
    assert!(ca_constraints.ca && ca_constraints.path_len.is_none());
    assert_eq!(f.intermediate.extensions.basic_constraints.and_then(|b| b.path_len), Some(0));
    let leaf = &f.leaf;
    assert_eq!(leaf.issuer.to_string(), "CN=Padlock Test CA,O=Padlock");
    assert_eq!(leaf.subject.to_string(), "CN=example.org");
    assert_eq!(leaf.signature_algorithm, SignatureAlgorithm::RsaPkcs1(HashAlgorithm::Sha256));
    assert_eq!(leaf.signature_algorithm.name(), "sha256WithRSAEncryption");
    assert_eq!(leaf.public_key.key_type(), "RSA");
    assert_eq!(leaf.public_key.rsa_key().expect("an RSA key").bits(), 2048);
    assert_eq!(leaf.not_after.unix_seconds() - leaf.not_before.unix_seconds(), 30 * 86_400);
    let sans = leaf.extensions.subject_alt_name.as_ref().expect("subjectAltName");
    assert_eq!(
        sans,
        &[
            GeneralName::Dns("example.org".into()),
            GeneralName::Dns("www.example.org".into()),
            GeneralName::Ip("127.0.0.1".parse().expect("ip")),
            GeneralName::Ip("::1".parse().expect("ip")),
        ]
    );
    let usage = leaf.extensions.key_usage.expect("keyUsage");
    assert!(usage.allows(KeyUsage::DIGITAL_SIGNATURE | KeyUsage::KEY_ENCIPHERMENT));
    assert!(!usage.allows(KeyUsage::KEY_CERT_SIGN));
    assert_eq!(leaf.extensions.ext_key_usage, Some(vec![padlock_der::oids::SERVER_AUTH]));
    assert!(leaf.extensions.subject_key_id.is_some());
    assert_eq!(leaf.extensions.authority_key_id, Some(f.ca.extensions.subject_key_id.clone()));
    assert!(leaf.extensions.other.is_empty());
}

#[test]
fn reads_pss_parameters_and_v1() {
    let f = fixtures();
    let expected =
        SignatureAlgorithm::RsaPss(PssParams { salt_len: 32, ..PssParams::for_hash(PssHash::Sha384) });
    assert_eq!(f.pss_leaf.signature_algorithm, expected);
    assert_eq!(f.v1_leaf.version, 1);
    assert_eq!(f.v1_leaf.extensions, Default::default());
    let critical = &f.critical_leaf.extensions.other;
    assert_eq!(critical.len(), 1);
    assert!(critical[0].critical);
    assert_eq!(critical[0].oid.to_string(), "1.2.3.4");
}

#[test]
fn accepts_the_right_host_at_the_right_time() {
    let f = fixtures();
    let anchors = [f.other_ca.clone(), f.ca.clone()];
    for host in ["example.org", "WWW.Example.Org", "127.0.0.1", "::1", "[::1]"] {
        let path = verify_chain(&f.leaf, &[], &anchors, host, during(&f.leaf))
            .unwrap_or_else(|e| panic!("{host}: {e}"));
        assert_eq!(path.len(), 2);
        assert_eq!(path[1].subject.to_string(), "CN=Padlock Test CA,O=Padlock");
    }
    for leaf in &f.leaves_by_digest {
        verify_chain(leaf, &[], &anchors, "example.org", during(leaf))
            .unwrap_or_else(|e| panic!("{}: {e}", leaf.signature_algorithm));
    }
}

#[test]
fn builds_a_path_through_an_intermediate_with_pss() {
    let f = fixtures();
    let anchors = [f.ca.clone()];
    // Intermediates in any order, with an unrelated certificate among them.
    let sent = [f.other_ca.clone(), f.intermediate.clone()];
    let path =
        verify_chain(&f.pss_leaf, &sent, &anchors, "example.org", during(&f.pss_leaf)).expect("verifies");
    let subjects: Vec<String> = path.iter().map(|c| c.subject.to_string()).collect();
    assert_eq!(subjects, ["CN=example.org", "CN=Padlock Intermediate", "CN=Padlock Test CA,O=Padlock"]);
    let error = verify_chain(&f.pss_leaf, &[], &anchors, "example.org", during(&f.pss_leaf)).unwrap_err();
    assert_eq!(error.to_string(), "signed by an unknown issuer 'CN=Padlock Intermediate'");
}

#[test]
fn refuses_the_wrong_host() {
    let f = fixtures();
    let anchors = [f.ca.clone()];
    for host in ["localhost", "example.com", "a.www.example.org", "127.0.0.2", "::2", "org"] {
        let error = verify_chain(&f.leaf, &[], &anchors, host, during(&f.leaf)).unwrap_err();
        assert_eq!(
            error.to_string(),
            format!(
                "certificate for 'example.org' does not match '{host}' \
                 (SAN: example.org, www.example.org, 127.0.0.1, ::1)"
            )
        );
    }
    // No CN fallback: the v1 leaf's CN is v1.example, and it has no SANs.
    let error = verify_chain(&f.v1_leaf, &[], &anchors, "v1.example", during(&f.v1_leaf)).unwrap_err();
    assert_eq!(error.to_string(), "certificate for 'CN=v1.example' does not match 'v1.example' (SAN: none)");
}

#[test]
fn refuses_outside_the_validity_period() {
    let f = fixtures();
    let anchors = [f.ca.clone()];
    let after = Time::from_unix_seconds(f.leaf.not_after.unix_seconds() + 1).expect("a time");
    let error = verify_chain(&f.leaf, &[], &anchors, "example.org", after).unwrap_err();
    assert!(matches!(error, Error::Expired { .. }));
    assert_eq!(error.to_string(), format!("certificate expired on {} ('CN=example.org')", f.leaf.not_after));
    // At notAfter exactly it is still valid (RFC 5280 §4.1.2.5: inclusive).
    verify_chain(&f.leaf, &[], &anchors, "example.org", f.leaf.not_after).expect("valid at notAfter");
    let before = Time::from_unix_seconds(f.leaf.not_before.unix_seconds() - 1).expect("a time");
    let error = verify_chain(&f.leaf, &[], &anchors, "example.org", before).unwrap_err();
    assert!(matches!(error, Error::NotYetValid { .. }), "{error}");
}

#[test]
fn refuses_a_changed_signature_byte() {
    let f = fixtures();
    let anchors = [f.ca.clone()];
    let mut der = f.leaf.der().to_vec();
    let last = der.len() - 1;
    der[last] ^= 0x01; // the signature is the last field
    let tampered = Certificate::from_der(&der).expect("still parses");
    let error = verify_chain(&tampered, &[], &anchors, "example.org", during(&f.leaf)).unwrap_err();
    assert_eq!(
        error.to_string(),
        "the signature on 'CN=example.org' does not verify with the key of 'CN=Padlock Test CA,O=Padlock'"
    );
}

#[test]
fn refuses_an_unknown_issuer() {
    let f = fixtures();
    let anchors = [f.ca.clone()];
    let error = verify_chain(&f.other_leaf, &[], &anchors, "example.org", during(&f.other_leaf)).unwrap_err();
    assert_eq!(error.to_string(), "signed by an unknown issuer 'CN=Other CA'");
    // Sending the other root as an intermediate does not make it trusted.
    let sent = [f.other_ca.clone()];
    let error =
        verify_chain(&f.other_leaf, &sent, &anchors, "example.org", during(&f.other_leaf)).unwrap_err();
    assert_eq!(error.to_string(), "signed by an unknown issuer 'CN=Other CA'");
}

#[test]
fn refuses_a_non_ca_issuer_and_unknown_critical_extensions() {
    let f = fixtures();
    let anchors = [f.ca.clone()];
    let sent = [f.leaf.clone()];
    let now = during(&f.leaf_of_leaf);
    let error = verify_chain(&f.leaf_of_leaf, &sent, &anchors, "example.org", now).unwrap_err();
    assert_eq!(error.to_string(), "'CN=example.org' issued a certificate but is not a CA");
    let error =
        verify_chain(&f.critical_leaf, &[], &anchors, "example.org", during(&f.critical_leaf)).unwrap_err();
    assert_eq!(error.to_string(), "'CN=example.org' has a critical extension Padlock does not know: 1.2.3.4");
}

#[test]
fn enforces_path_length_and_key_cert_sign() {
    let f = fixtures();
    let anchors = [f.ca.clone()];
    let sent = [f.deep_intermediate.clone(), f.intermediate.clone()];
    let error = verify_chain(&f.deep_leaf, &sent, &anchors, "example.org", during(&f.deep_leaf)).unwrap_err();
    assert_eq!(
        error.to_string(),
        "'CN=Padlock Intermediate' allows 0 intermediate(s) below it, and the chain has more"
    );
    let sent = [f.no_cert_sign.clone()];
    let now = during(&f.no_cert_sign_leaf);
    let error = verify_chain(&f.no_cert_sign_leaf, &sent, &anchors, "example.org", now).unwrap_err();
    assert_eq!(
        error.to_string(),
        "'CN=No Cert Sign' issued a certificate but its key usage lacks keyCertSign"
    );
}

#[test]
fn a_certificate_for_tls_clients_only_is_no_server_certificate() {
    // What curl refuses with "unsuitable certificate purpose" (RFC 5280
    // §4.2.1.12): the chain is fine, the purpose is not.
    let f = fixtures();
    let anchors = [f.ca.clone()];
    verify_chain(&f.client_leaf, &[], &anchors, "example.org", during(&f.client_leaf))
        .expect("the chain verifies");
    for key_use in [ServerKeyUse::Sign, ServerKeyUse::Encrypt] {
        let error = check_server_usage(&f.client_leaf, key_use).unwrap_err();
        assert!(matches!(error, Error::NotForTlsServers { .. }), "{error:?}");
        assert!(error.to_string().contains("id-kp-clientAuth"), "{error}");
        // OpenSSL's server leaf (serverAuth; digitalSignature, keyEncipherment) serves both.
        check_server_usage(&f.leaf, key_use).expect("a server certificate");
    }
}

#[test]
fn mutated_certificates_give_errors_not_panics() {
    let f = fixtures();
    let anchors = [f.ca.clone()];
    let der = f.leaf.der();
    for len in 0..der.len() {
        assert!(Certificate::from_der(&der[..len]).is_err(), "truncation to {len} bytes accepted");
    }
    let now = during(&f.leaf);
    let mut accepted = 0;
    for i in 0..der.len() {
        for flip in [0x01, 0x80, 0xff] {
            let mut mutated = der.to_vec();
            mutated[i] ^= flip;
            if let Ok(cert) = Certificate::from_der(&mutated)
                && verify_chain(&cert, &[], &anchors, "example.org", now).is_ok()
            {
                accepted += 1;
            }
        }
    }
    // Every byte is either covered by the signature or is the signature
    // itself (or its framing), so no change verifies.
    assert_eq!(accepted, 0);
}
