//! What a TLS server's certificate allows its key to be used for: the
//! extendedKeyUsage and keyUsage checks a TLS client makes on the leaf
//! (RFC 5280 §4.2.1.12 and §4.2.1.3), on top of the path checks.
//!
//! - extendedKeyUsage, if present, lists the purposes the certificate may
//!   serve, and "the certificate MUST only be used for one of the purposes
//!   indicated" (§4.2.1.12): a TLS server certificate needs
//!   `id-kp-serverAuth`, or `anyExtendedKeyUsage`, which Padlock accepts
//!   as OpenSSL and browsers do. A certificate made for TLS clients only
//!   (`id-kp-clientAuth`) is refused, as curl refuses it ("unsuitable
//!   certificate purpose").
//! - keyUsage, if present, must allow what the key exchange does with the
//!   key: `digitalSignature` when the server signs (TLS 1.3 CertificateVerify,
//!   RFC 8446 §4.4.2.2; the TLS 1.2 (EC)DHE ServerKeyExchange, RFC 5246
//!   §7.4.2 and RFC 8422 §5.3), `keyEncipherment` when the client encrypts
//!   the premaster secret to it (TLS 1.2 RSA key transport, RFC 5246 §7.4.2).
//!
//! Both extensions are processed independently, and the key may only be
//! used in a way consistent with both (§4.2.1.12). A certificate with
//! neither may be used for anything.

use padlock_der::oids;

use crate::certificate::Certificate;
use crate::error::Error;
use crate::extensions::KeyUsage;

/// What a TLS server does with the key of its certificate, which decides
/// the keyUsage bit the certificate must allow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ServerKeyUse {
    /// The server signs with it: TLS 1.3, and TLS 1.2 with ECDHE or DHE.
    /// Needs `digitalSignature`.
    Sign,
    /// The client encrypts the premaster secret to it: TLS 1.2 RSA key
    /// transport. Needs `keyEncipherment`.
    Encrypt,
}

impl ServerKeyUse {
    /// The keyUsage bit this use needs, and its RFC 5280 name.
    fn needs(self) -> (u16, &'static str) {
        match self {
            ServerKeyUse::Sign => (KeyUsage::DIGITAL_SIGNATURE, "digitalSignature"),
            ServerKeyUse::Encrypt => (KeyUsage::KEY_ENCIPHERMENT, "keyEncipherment"),
        }
    }

    /// What the key is used for, in words.
    fn purpose(self) -> &'static str {
        match self {
            ServerKeyUse::Sign => "the server's handshake signature",
            ServerKeyUse::Encrypt => "RSA key transport",
        }
    }
}

/// Checks that `leaf` may serve as a TLS server's certificate whose key is
/// used as `key_use` says: extendedKeyUsage, if present, includes
/// serverAuth or anyExtendedKeyUsage (RFC 5280 §4.2.1.12), and keyUsage,
/// if present, has the bit `key_use` needs (§4.2.1.3). Call it after
/// [`crate::verify_chain`], once the key exchange is known.
pub fn check_server_usage(leaf: &Certificate, key_use: ServerKeyUse) -> Result<(), Error> {
    if let Some(purposes) = &leaf.extensions.ext_key_usage
        && !purposes.iter().any(|p| *p == oids::SERVER_AUTH || *p == oids::ANY_EXTENDED_KEY_USAGE)
    {
        let names = purposes.iter().map(|p| p.name().map_or_else(|| p.to_string(), str::to_string));
        return Err(Error::NotForTlsServers { subject: leaf.subject.to_string(), purposes: names.collect() });
    }
    let (bit, needed) = key_use.needs();
    if let Some(usage) = leaf.extensions.key_usage
        && !usage.allows(bit)
    {
        return Err(Error::KeyUsageForbids {
            subject: leaf.subject.to_string(),
            needed,
            purpose: key_use.purpose(),
            allowed: key_usage_names(usage),
        });
    }
    Ok(())
}

/// The names of the bits set in `usage` (RFC 5280 §4.2.1.3).
fn key_usage_names(usage: KeyUsage) -> Vec<&'static str> {
    const NAMES: [&str; 9] = [
        "digitalSignature",
        "nonRepudiation",
        "keyEncipherment",
        "dataEncipherment",
        "keyAgreement",
        "keyCertSign",
        "cRLSign",
        "encipherOnly",
        "decipherOnly",
    ];
    NAMES.iter().enumerate().filter(|&(i, _)| usage.allows(1 << i)).map(|(_, name)| *name).collect()
}

#[cfg(test)]
mod tests {
    use std::sync::OnceLock;

    use padlock_der::{Oid, Time};
    use padlock_rsa::RsaPrivateKey;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    use super::*;
    use crate::builder::CertificateBuilder;

    /// A leaf as the builder makes it: serverAuth; digitalSignature and
    /// keyEncipherment. Made once.
    fn builders_leaf() -> &'static Certificate {
        static LEAF: OnceLock<Certificate> = OnceLock::new();
        LEAF.get_or_init(|| {
            let mut rng = StdRng::seed_from_u64(1);
            let key = RsaPrivateKey::generate(1024, &mut rng, &mut |_| {}).expect("keygen");
            let start = Time::new(2026, 1, 1, 0, 0, 0).expect("a time");
            CertificateBuilder::leaf("example.org", start).self_signed(&key, &mut rng).expect("a leaf")
        })
    }

    /// The builder's leaf with its extendedKeyUsage and keyUsage replaced.
    fn leaf(purposes: Option<Vec<Oid>>, usage: Option<u16>) -> Certificate {
        let mut leaf = builders_leaf().clone();
        leaf.extensions.ext_key_usage = purposes;
        leaf.extensions.key_usage = usage.map(KeyUsage);
        leaf
    }

    #[test]
    fn the_builders_leaf_serves_every_key_exchange() {
        assert_eq!(check_server_usage(builders_leaf(), ServerKeyUse::Sign), Ok(()));
        assert_eq!(check_server_usage(builders_leaf(), ServerKeyUse::Encrypt), Ok(()));
    }

    #[test]
    fn extended_key_usage_must_allow_tls_servers() {
        let client_only = leaf(Some(vec![oids::CLIENT_AUTH]), None);
        for key_use in [ServerKeyUse::Sign, ServerKeyUse::Encrypt] {
            let error = check_server_usage(&client_only, key_use).unwrap_err();
            assert!(matches!(error, Error::NotForTlsServers { .. }), "{error:?}");
            let text = error.to_string();
            assert!(text.contains("id-kp-clientAuth") && text.contains("serverAuth"), "{text}");
        }
        let unknown = leaf(Some(vec![Oid::new(&[1, 2, 3, 4])]), None);
        assert!(
            check_server_usage(&unknown, ServerKeyUse::Sign).unwrap_err().to_string().contains("1.2.3.4")
        );
        for purposes in [
            vec![oids::SERVER_AUTH],
            vec![oids::CLIENT_AUTH, oids::SERVER_AUTH],
            vec![oids::ANY_EXTENDED_KEY_USAGE],
            vec![oids::CLIENT_AUTH, oids::ANY_EXTENDED_KEY_USAGE],
        ] {
            let cert = leaf(Some(purposes.clone()), None);
            assert_eq!(check_server_usage(&cert, ServerKeyUse::Sign), Ok(()), "{purposes:?}");
        }
        // Without the extension, any purpose.
        assert_eq!(check_server_usage(&leaf(None, None), ServerKeyUse::Encrypt), Ok(()));
    }

    #[test]
    fn key_usage_must_allow_what_the_key_exchange_does() {
        let sign_only = leaf(None, Some(KeyUsage::DIGITAL_SIGNATURE));
        assert_eq!(check_server_usage(&sign_only, ServerKeyUse::Sign), Ok(()));
        let error = check_server_usage(&sign_only, ServerKeyUse::Encrypt).unwrap_err();
        let text = error.to_string();
        assert!(text.contains("keyEncipherment") && text.contains("RSA key transport"), "{text}");
        assert!(text.contains("digitalSignature"), "says what it has: {text}");

        let encrypt_only = leaf(Some(vec![oids::SERVER_AUTH]), Some(KeyUsage::KEY_ENCIPHERMENT));
        assert_eq!(check_server_usage(&encrypt_only, ServerKeyUse::Encrypt), Ok(()));
        let error = check_server_usage(&encrypt_only, ServerKeyUse::Sign).unwrap_err();
        assert!(matches!(error, Error::KeyUsageForbids { needed: "digitalSignature", .. }), "{error:?}");

        // A CA's usage on a leaf serves neither.
        let ca_usage = leaf(None, Some(KeyUsage::KEY_CERT_SIGN | KeyUsage::CRL_SIGN));
        assert!(check_server_usage(&ca_usage, ServerKeyUse::Sign).is_err());
        assert!(check_server_usage(&ca_usage, ServerKeyUse::Encrypt).is_err());
        // Both extensions count: a right keyUsage does not excuse a wrong purpose.
        let both = leaf(Some(vec![oids::CLIENT_AUTH]), Some(KeyUsage::DIGITAL_SIGNATURE));
        assert!(matches!(check_server_usage(&both, ServerKeyUse::Sign), Err(Error::NotForTlsServers { .. })));
    }
}
