//! Property tests of the builder: whatever a caller puts in a
//! `CertificateBuilder` — any common name and DNS names (characters IA5
//! cannot hold, empty, long), any addresses, any validity, any path length,
//! any notBefore from year 0 to 9999 — building returns a certificate or an
//! error, never panics; and a certificate it returns reads back, says what
//! was asked, and its signature verifies with the issuer's key.

use std::net::IpAddr;
use std::sync::OnceLock;

use padlock_der::Time;
use padlock_rsa::RsaPrivateKey;
use padlock_x509::{BuildError, CertificateBuilder, Profile, SigningScheme, escape_value, verify_signature};
use proptest::prelude::*;
use rand::SeedableRng;
use rand::rngs::StdRng;

/// One 1024-bit key, made once (the builder does not depend on the size).
fn key() -> &'static RsaPrivateKey {
    static KEY: OnceLock<RsaPrivateKey> = OnceLock::new();
    KEY.get_or_init(|| {
        RsaPrivateKey::generate(1024, &mut StdRng::seed_from_u64(1), &mut |_| {}).expect("keygen")
    })
}

fn builder() -> impl Strategy<Value = CertificateBuilder> {
    let text = || prop_oneof![".{0,20}", "[a-z0-9.*-]{0,20}", "[a-z]{60,300}"];
    let seconds = Time::new(0, 1, 1, 0, 0, 0).unwrap().unix_seconds()
        ..=Time::new(9999, 12, 31, 23, 59, 59).unwrap().unix_seconds();
    let profile = prop_oneof![
        proptest::option::of(any::<u64>()).prop_map(|path_len| Profile::Ca { path_len }),
        any::<bool>().prop_map(|client_auth| Profile::Leaf { client_auth }),
    ];
    let scheme = prop_oneof![Just(SigningScheme::RsaPkcs1Sha256), Just(SigningScheme::RsaPssSha256)];
    let days = prop_oneof![0u32..400, any::<u32>()];
    let ips = proptest::collection::vec(any::<[u8; 16]>().prop_map(IpAddr::from), 0..3);
    (text(), proptest::collection::vec(text(), 0..3), ips, seconds, days, profile, scheme).prop_map(
        |(common_name, dns_names, ip_addresses, seconds, days, profile, scheme)| CertificateBuilder {
            common_name,
            dns_names,
            ip_addresses,
            not_before: Time::from_unix_seconds(seconds).expect("in range"),
            days,
            profile,
            scheme,
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn building_never_panics(builder in builder(), seed in any::<u64>()) {
        let mut rng = StdRng::seed_from_u64(seed);
        let cert = match builder.self_signed(key(), &mut rng) {
            Ok(cert) => cert,
            // What cannot be written is refused before anything is signed;
            // `Unreadable` would mean the builder wrote what it cannot read.
            Err(error) => {
                prop_assert!(!matches!(error, BuildError::Unreadable(_)), "{}", error);
                return Ok(());
            }
        };
        prop_assert_eq!(cert.subject.to_string(), format!("CN={}", escape_value(&builder.common_name)));
        prop_assert_eq!(cert.not_before, builder.not_before);
        let dns: Vec<&str> = cert.extensions.dns_names().collect();
        prop_assert_eq!(dns, builder.dns_names.iter().map(String::as_str).collect::<Vec<_>>());
        prop_assert_eq!(cert.extensions.ip_addresses().collect::<Vec<_>>(), builder.ip_addresses.clone());
        prop_assert!(verify_signature(&cert, &cert).is_ok());
    }
}
