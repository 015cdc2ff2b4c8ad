//! Certification path building and validation (RFC 5280 §6, simplified to
//! what a TLS client needs).
//!
//! From the leaf, look for an issuer — first among the trust anchors, then
//! among the intermediates the server sent — whose subject is the
//! certificate's issuer (and whose subjectKeyIdentifier, if both sides have
//! one, is the authorityKeyIdentifier); check it may issue, check the
//! signature, and go on from it until an anchor is reached. Dead ends are
//! backtracked. Every certificate in the path is checked at `now`:
//!
//! - validity: notBefore ≤ now ≤ notAfter (§6.1.3 (a)(2));
//! - no critical extension Padlock does not process (§4.2);
//! - an issuer is a CA by basicConstraints (§6.1.4 (k)), has keyCertSign
//!   if it has a keyUsage (§6.1.4 (n)), and its pathLenConstraint counts
//!   the non-self-issued intermediates below it (§6.1.4 (l), (m));
//! - the leaf's subjectAltName covers the host name (RFC 6125).
//!
//! Trust anchors are certificates; their validity, keyUsage and
//! pathLenConstraint are enforced like an intermediate's.

use padlock_der::Time;
use padlock_sha::{Sha1, Sha256, Sha384, Sha512};

use crate::certificate::{Certificate, HashAlgorithm, SignatureAlgorithm};
use crate::error::Error;
use crate::extensions::KeyUsage;
use crate::hostname::verify_hostname;

/// The longest path tried: leaf, this many intermediates, anchor.
pub const MAX_INTERMEDIATES: usize = 8;

/// Verifies that `leaf`, with the `intermediates` the server sent (in any
/// order), chains to one of `anchors` at time `now` and is valid for
/// `host`. Returns the path, leaf first and anchor last.
pub fn verify_chain<'a>(
    leaf: &'a Certificate,
    intermediates: &'a [Certificate],
    anchors: &'a [Certificate],
    host: &str,
    now: Time,
) -> Result<Vec<&'a Certificate>, Error> {
    check_validity(leaf, now)?;
    check_critical_extensions(leaf)?;
    verify_hostname(leaf, host)?;
    verify_path(leaf, intermediates, anchors, now)
}

/// [`verify_chain`] without the host name: that `leaf` chains to one of
/// `anchors` at time `now`. For tools that check a certificate on its own
/// (`padlock cert verify` without `--host`); a TLS client always has a host.
pub fn verify_path<'a>(
    leaf: &'a Certificate,
    intermediates: &'a [Certificate],
    anchors: &'a [Certificate],
    now: Time,
) -> Result<Vec<&'a Certificate>, Error> {
    check_validity(leaf, now)?;
    check_critical_extensions(leaf)?;
    // A leaf that is itself a trust anchor (a pinned self-signed certificate).
    if let Some(anchor) = anchors.iter().find(|a| a.der() == leaf.der()) {
        return Ok(vec![anchor]);
    }
    let mut path = vec![leaf];
    extend_path(&mut path, intermediates, anchors, now)?;
    Ok(path)
}

/// Extends `path` (whose last certificate still needs an issuer) to a
/// trust anchor, depth first. On failure, the first error met along the
/// most promising branch.
fn extend_path<'a>(
    path: &mut Vec<&'a Certificate>,
    intermediates: &'a [Certificate],
    anchors: &'a [Certificate],
    now: Time,
) -> Result<(), Error> {
    let Some(&child) = path.last() else { return Err(Error::Invalid("empty path")) };
    let mut first_error = None;
    for anchor in anchors.iter().filter(|a| could_issue(a, child)) {
        match check_issuer(anchor, path, now) {
            Ok(()) => {
                path.push(anchor);
                return Ok(());
            }
            Err(error) => first_error = first_error.or(Some(error)),
        }
    }
    if path.len() <= MAX_INTERMEDIATES {
        for candidate in intermediates.iter().filter(|c| could_issue(c, child)) {
            // A certificate appears once in a path (§6.1: no loops).
            if path.iter().any(|p| p.der() == candidate.der()) {
                continue;
            }
            let attempt = check_issuer(candidate, path, now).and_then(|()| {
                path.push(candidate);
                extend_path(path, intermediates, anchors, now).inspect_err(|_| {
                    path.pop();
                })
            });
            match attempt {
                Ok(()) => return Ok(()),
                Err(error) => first_error = first_error.or(Some(error)),
            }
        }
    }
    Err(first_error.unwrap_or_else(|| Error::UnknownIssuer(child.issuer.to_string())))
}

/// Whether `issuer` names itself as `child`'s issuer: subject equals issuer
/// (RFC 5280 §6.1.3 (a)(4)), and the key identifiers agree where both exist.
fn could_issue(issuer: &Certificate, child: &Certificate) -> bool {
    let names = issuer.subject.der() == child.issuer.der();
    let key_ids = match (&issuer.extensions.subject_key_id, &child.extensions.authority_key_id) {
        (Some(ski), Some(Some(aki))) => ski == aki,
        _ => true,
    };
    names && key_ids
}

/// Checks that `issuer` may issue the last certificate of `path`, and that
/// its signature on it verifies.
fn check_issuer(issuer: &Certificate, path: &[&Certificate], now: Time) -> Result<(), Error> {
    let name = || issuer.subject.to_string();
    check_validity(issuer, now)?;
    check_critical_extensions(issuer)?;
    // RFC 5280 §6.1.4 (k): a v3 issuer must assert cA. A v1 certificate
    // can only be a trust anchor, which the caller chose to trust.
    let constraints = issuer.extensions.basic_constraints.unwrap_or_default();
    if !constraints.ca && issuer.version == 3 {
        return Err(Error::NotACa(name()));
    }
    // §6.1.4 (n): if keyUsage is present, keyCertSign must be set.
    if issuer.extensions.key_usage.is_some_and(|ku| !ku.allows(KeyUsage::KEY_CERT_SIGN)) {
        return Err(Error::NoKeyCertSign(name()));
    }
    // §6.1.4 (l), (m): intermediates below this issuer that are not
    // self-issued (the leaf, path[0], is not counted).
    let below = path.iter().skip(1).filter(|c| !c.is_self_issued()).count() as u64;
    if let Some(max) = constraints.path_len
        && below > max
    {
        return Err(Error::PathTooLong { issuer: name(), max });
    }
    let Some(child) = path.last() else { return Err(Error::Invalid("empty path")) };
    verify_signature(child, issuer)
}

/// RFC 5280 §6.1.3 (a)(2): notBefore ≤ now ≤ notAfter.
fn check_validity(cert: &Certificate, now: Time) -> Result<(), Error> {
    if now > cert.not_after {
        return Err(Error::Expired { subject: cert.subject.to_string(), not_after: cert.not_after });
    }
    if now < cert.not_before {
        return Err(Error::NotYetValid { subject: cert.subject.to_string(), not_before: cert.not_before });
    }
    Ok(())
}

/// RFC 5280 §4.2: a certificate with a critical extension the verifier
/// does not recognise MUST be rejected.
fn check_critical_extensions(cert: &Certificate) -> Result<(), Error> {
    match cert.extensions.other.iter().find(|e| e.critical) {
        Some(ext) => Err(Error::UnknownCriticalExtension { subject: cert.subject.to_string(), oid: ext.oid }),
        None => Ok(()),
    }
}

/// Checks `cert`'s signature with `issuer`'s public key, over the exact
/// bytes of its tbsCertificate: RSA (PKCS#1 v1.5 or PSS) or ECDSA, whatever
/// the issuer's key is (an ECDSA leaf under an RSA root is checked with RSA).
pub fn verify_signature(cert: &Certificate, issuer: &Certificate) -> Result<(), Error> {
    let unsupported = |why| Error::UnsupportedKey { issuer: issuer.subject.to_string(), why };
    let rsa_key = || issuer.public_key.rsa_key().map_err(unsupported);
    let (tbs, signature) = (cert.tbs_der(), &cert.signature[..]);
    let verified = match &cert.signature_algorithm {
        SignatureAlgorithm::RsaPkcs1(hash) => {
            let key = rsa_key()?;
            match hash {
                HashAlgorithm::Sha1 => key.verify_pkcs1v15::<Sha1>(tbs, signature),
                HashAlgorithm::Sha256 => key.verify_pkcs1v15::<Sha256>(tbs, signature),
                HashAlgorithm::Sha384 => key.verify_pkcs1v15::<Sha384>(tbs, signature),
                HashAlgorithm::Sha512 => key.verify_pkcs1v15::<Sha512>(tbs, signature),
            }
            .is_ok()
        }
        SignatureAlgorithm::RsaPss { hash, mgf1_hash, .. } => {
            // padlock-rsa uses one hash for the message and MGF1, and
            // accepts any salt length.
            if hash != mgf1_hash {
                return Err(Error::UnsupportedSignature(format!(
                    "RSASSA-PSS with {} and MGF1 with {}",
                    hash.name(),
                    mgf1_hash.name()
                )));
            }
            verify_pss(&rsa_key()?, *hash, tbs, signature).is_ok()
        }
        SignatureAlgorithm::Ecdsa(hash) => {
            // RFC 5758 §3.2 / RFC 5480: the signature value is the DER
            // Ecdsa-Sig-Value, verified with the issuer's curve.
            let key = issuer.public_key.ec_key().map_err(unsupported)?;
            verify_ecdsa(&key, *hash, tbs, signature).is_ok()
        }
        other => return Err(Error::UnsupportedSignature(other.name())),
    };
    if verified {
        Ok(())
    } else {
        Err(Error::BadSignature { subject: cert.subject.to_string(), issuer: issuer.subject.to_string() })
    }
}

/// RSASSA-PSS-VERIFY (RFC 8017 §8.1.2) with `hash` for the message and MGF1.
fn verify_pss(
    key: &padlock_rsa::RsaPublicKey,
    hash: HashAlgorithm,
    tbs: &[u8],
    signature: &[u8],
) -> Result<(), padlock_rsa::Error> {
    match hash {
        HashAlgorithm::Sha1 => key.verify_pss::<Sha1>(tbs, signature),
        HashAlgorithm::Sha256 => key.verify_pss::<Sha256>(tbs, signature),
        HashAlgorithm::Sha384 => key.verify_pss::<Sha384>(tbs, signature),
        HashAlgorithm::Sha512 => key.verify_pss::<Sha512>(tbs, signature),
    }
}

/// ECDSA verification (FIPS 186-5 §6.4.2) of a DER signature with `hash`.
fn verify_ecdsa(
    key: &padlock_ec::EcPublicKey,
    hash: HashAlgorithm,
    tbs: &[u8],
    signature: &[u8],
) -> Result<(), padlock_ec::Error> {
    match hash {
        HashAlgorithm::Sha1 => key.verify::<Sha1>(tbs, signature),
        HashAlgorithm::Sha256 => key.verify::<Sha256>(tbs, signature),
        HashAlgorithm::Sha384 => key.verify::<Sha384>(tbs, signature),
        HashAlgorithm::Sha512 => key.verify::<Sha512>(tbs, signature),
    }
}
