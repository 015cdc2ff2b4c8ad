//! A throw-away certificate authority and server certificate, made on the
//! spot: what `padlock demo` and `padlock server` use when given no
//! certificate, and what the tests use.

use std::net::IpAddr;
use std::sync::Arc;

use padlock_der::Time;
use padlock_ec::{Curve, EcPrivateKey};
use padlock_rsa::{RsaPrivateKey, RsaPublicKey};
use rand_core::CryptoRng;

use crate::{Certificate, CertificateBuilder, SigningScheme};

/// A CA, and a leaf it signed with the leaf's private key.
pub struct Pki {
    /// The CA certificate (the client's trust anchor).
    pub ca: Certificate,
    /// The server certificate.
    pub leaf: Certificate,
    /// The server's private key.
    pub key: Arc<RsaPrivateKey>,
}

/// Makes an RSA CA ("Padlock throw-away CA") and a leaf for `dns_names` and
/// `ips`, valid from `not_before`, with `bits`-bit RSA keys.
pub fn throwaway(
    bits: usize,
    dns_names: &[&str],
    ips: &[IpAddr],
    not_before: Time,
    rng: &mut dyn CryptoRng,
) -> Result<Pki, String> {
    let ca_key = RsaPrivateKey::generate(bits, rng, &mut |_| {}).map_err(|e| e.to_string())?;
    let ca = CertificateBuilder::ca("Padlock throw-away CA", not_before)
        .self_signed(&ca_key, rng)
        .map_err(|e| e.to_string())?;
    let key = RsaPrivateKey::generate(bits, rng, &mut |_| {}).map_err(|e| e.to_string())?;
    let common_name = dns_names.first().map_or_else(|| "localhost".to_string(), |n| n.to_string());
    let mut builder = CertificateBuilder::leaf(&common_name, not_before);
    builder.dns_names = dns_names.iter().map(|n| n.to_string()).collect();
    builder.ip_addresses = ips.to_vec();
    let public: &RsaPublicKey = key.public_key();
    let leaf = builder.signed_by(public, &ca, &ca_key, rng).map_err(|e| e.to_string())?;
    Ok(Pki { ca, leaf, key: Arc::new(key) })
}

/// An ECDSA leaf made under the same kind of throw-away CA: the key and
/// certificate of [`throwaway_ecdsa`].
pub struct EcPki {
    /// The CA certificate (the client's trust anchor).
    pub ca: Certificate,
    /// The server certificate, with an ECDSA key on the curve asked for.
    pub leaf: Certificate,
    /// The server's private key.
    pub key: Arc<EcPrivateKey>,
}

/// Makes an ECDSA CA on P-384 and, signed by it, a leaf for `dns_names` and
/// `ips` whose key is on `curve`: the shape of many web servers' chains (a
/// P-256 leaf under a P-384 issuer).
pub fn throwaway_ecdsa(
    curve: Curve,
    dns_names: &[&str],
    ips: &[IpAddr],
    not_before: Time,
    rng: &mut dyn CryptoRng,
) -> Result<EcPki, String> {
    let ca_key = EcPrivateKey::generate(Curve::P384, rng);
    let mut ca = CertificateBuilder::ca("Padlock throw-away ECDSA CA", not_before);
    ca.scheme = SigningScheme::default_for((&ca_key).into());
    let ca = ca.self_signed(&ca_key, rng).map_err(|e| e.to_string())?;
    let key = EcPrivateKey::generate(curve, rng);
    let common_name = dns_names.first().map_or_else(|| "localhost".to_string(), |n| n.to_string());
    let mut builder = CertificateBuilder::leaf(&common_name, not_before);
    builder.dns_names = dns_names.iter().map(|n| n.to_string()).collect();
    builder.ip_addresses = ips.to_vec();
    builder.scheme = SigningScheme::default_for((&ca_key).into());
    let leaf = builder.signed_by(key.public_key(), &ca, &ca_key, rng).map_err(|e| e.to_string())?;
    Ok(EcPki { ca, leaf, key: Arc::new(key) })
}
