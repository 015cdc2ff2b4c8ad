//! Arbitrary bytes through padlock-x509's certificate reader, as DER and as
//! PEM (RFC 5280 §4.1): it never panics, and every certificate that reads
//!
//! - is exactly `SEQUENCE { tbsCertificate, signatureAlgorithm, signature }`
//!   of its own parts: the tbs bytes it kept, re-wrapped with the same
//!   algorithm and signature, give back its DER byte for byte, and read
//!   again to the same certificate;
//! - survives everything a verifier does to it: printing its names, host
//!   name matching, and checking its signature against itself.

#![no_main]

use libfuzzer_sys::fuzz_target;
use padlock_der::{BitString, Reader, Tag, Writer};
use padlock_x509::{Certificate, verify_hostname, verify_signature};

fuzz_target!(|data: &[u8]| {
    if let Ok(cert) = Certificate::from_der(data) {
        assert_eq!(cert.der(), data);
        check(&cert);
    }
    if let Ok(certs) = Certificate::all_from_pem(data) {
        certs.iter().for_each(check);
    }
});

/// The checks on one certificate that read.
fn check(cert: &Certificate) {
    // The signatureAlgorithm element as it is in the DER (already read once).
    let algorithm = Reader::new(cert.der())
        .read_sequence()
        .and_then(|mut outer| {
            outer.read_element(Tag::SEQUENCE)?;
            outer.read_element(Tag::SEQUENCE)
        })
        .expect("a certificate that read has a signatureAlgorithm");
    let mut w = Writer::new();
    w.sequence(|w| {
        w.raw(cert.tbs_der());
        w.raw(algorithm.raw());
        w.bit_string(BitString::from_octets(&cert.signature));
    });
    let rebuilt = w.finish().expect("re-wrapping a certificate");
    assert_eq!(rebuilt, cert.der(), "the tbs and signature do not make up the certificate");
    let again = Certificate::from_der(&rebuilt).expect("the tbs re-parses");
    assert_eq!(&again, cert);

    let _ = (cert.subject.to_string(), cert.issuer.to_string(), cert.signature_algorithm.name());
    let _ = cert.public_key.key_type();
    for host in ["example.org", "www.example.org", "127.0.0.1", "::1"] {
        let _ = verify_hostname(cert, host);
    }
    let _ = verify_signature(cert, cert);
}
