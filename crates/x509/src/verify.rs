//! Certification path building and validation (RFC 5280 §6, simplified to
//! what a TLS client needs).
//!
//! From the leaf, look for an issuer — first among the trust anchors, then
//! among the intermediates the server sent — whose subject is the
//! certificate's issuer (and whose subjectKeyIdentifier, if both sides have
//! one, is the authorityKeyIdentifier); check it may issue, check the
//! signature, and go on from it until an anchor is reached. Dead ends are
//! backtracked, within a budget: the certificates come from a peer who is
//! not authenticated yet, and many that could issue one another would
//! otherwise make the search explore every order of them (see `Search`).
//! Every certificate in the path is checked at `now`:
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

use std::collections::HashMap;

use padlock_der::Time;
use padlock_sha::{Sha1, Sha256, Sha384, Sha512};

use crate::certificate::{Certificate, HashAlgorithm, SignatureAlgorithm};
use crate::error::Error;
use crate::extensions::KeyUsage;
use crate::hostname::verify_hostname;

/// The longest path tried: leaf, this many intermediates, anchor.
pub const MAX_INTERMEDIATES: usize = 8;

/// At most this many signatures are checked in one verification. Each is an
/// RSA public-key operation, and the certificates are chosen by the server
/// — or by anyone on the network, since the handshake is not authenticated
/// yet. An honest chain needs one check per certificate.
pub const MAX_SIGNATURE_CHECKS: usize = 100;

/// At most this many issuer candidates (anchors and intermediates whose
/// subject is the issuer a certificate names) are tried in one
/// verification, counting each time the search tries one.
pub const MAX_CANDIDATES: usize = 200;

/// At most this many intermediates are tried as the issuer of one
/// certificate at one place in the path, in the order the server sent them.
pub const MAX_CANDIDATES_PER_STEP: usize = 10;

/// How much work a path search did, or may do: signatures checked and
/// issuer candidates tried.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PathWork {
    /// Signatures checked (a certificate under one issuer key at most once).
    pub signature_checks: usize,
    /// Issuer candidates tried.
    pub candidates: usize,
}

/// The budget of every verification: [`MAX_SIGNATURE_CHECKS`] and
/// [`MAX_CANDIDATES`].
pub const PATH_BUDGET: PathWork =
    PathWork { signature_checks: MAX_SIGNATURE_CHECKS, candidates: MAX_CANDIDATES };

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
    verify_path_with_budget(leaf, intermediates, anchors, now, PATH_BUDGET).0
}

/// [`verify_path`] within `budget` (normally [`PATH_BUDGET`]), also
/// returning how much work the search did: tests and fuzzing check it stays
/// within the budget.
pub fn verify_path_with_budget<'a>(
    leaf: &'a Certificate,
    intermediates: &'a [Certificate],
    anchors: &'a [Certificate],
    now: Time,
    budget: PathWork,
) -> (Result<Vec<&'a Certificate>, Error>, PathWork) {
    let checked = check_validity(leaf, now).and_then(|()| check_critical_extensions(leaf));
    if let Err(error) = checked {
        return (Err(error), PathWork::default());
    }
    // A leaf that is itself a trust anchor (a pinned self-signed certificate).
    if let Some(anchor) = anchors.iter().find(|a| a.der() == leaf.der()) {
        return (Ok(vec![anchor]), PathWork::default());
    }
    let mut search = Search {
        intermediates,
        anchors,
        now,
        limits: budget,
        work: PathWork::default(),
        signatures: HashMap::new(),
        dead_ends: Vec::new(),
    };
    let mut path = vec![leaf];
    let result = search.extend(&mut path).map(|()| path).map_err(|failure| failure.error);
    (result, search.work)
}

/// A depth-first search for a path, with its budget and what it remembers.
///
/// Certificates sent to us can be made so that many of them could issue
/// one another (the same name and key, each self-signed): a search that
/// tries every order explores about n^8 paths. So the search counts its
/// work and stops at its budget ([`PATH_BUDGET`]), tries
/// at most [`MAX_CANDIDATES_PER_STEP`] intermediates at each step, checks
/// a signature under a given key once, and does not search again from a
/// certificate that already led nowhere.
struct Search<'a> {
    intermediates: &'a [Certificate],
    anchors: &'a [Certificate],
    now: Time,
    /// The budget.
    limits: PathWork,
    work: PathWork,
    /// Signature checks done, by (certificate, issuer's public key), both
    /// as their DER.
    signatures: HashMap<SignedBy<'a>, Result<(), Error>>,
    /// Certificates from which no path was found.
    dead_ends: Vec<DeadEnd<'a>>,
}

/// A certificate and the key that may have signed it, as their DER: the
/// signature check depends on nothing else.
type SignedBy<'a> = (&'a [u8], &'a [u8]);

/// A certificate from which no path to an anchor was found, with how far
/// down the path it was and how many intermediates below it counted
/// against pathLenConstraint. Reached again at least as far down, with at
/// least as many counted, the search can only fail again: it has less room
/// and stricter constraints.
struct DeadEnd<'a> {
    cert: &'a [u8],
    path_len: usize,
    counted: usize,
    error: Error,
}

/// A branch of the search that found no anchor.
struct Failure {
    /// The first error met along it.
    error: Error,
    /// The lowest place in the path of a certificate the branch skipped
    /// because it was already on the path (`usize::MAX`: none). A branch
    /// that skipped one above its own start may have failed only because
    /// of how it was reached, so it is not remembered as a dead end.
    loop_at: usize,
}

impl<'a> Search<'a> {
    /// Extends `path` (whose last certificate still needs an issuer) to a
    /// trust anchor, depth first: the anchors first, then the
    /// intermediates. On failure, the first error met.
    fn extend(&mut self, path: &mut Vec<&'a Certificate>) -> Result<(), Failure> {
        let (anchors, intermediates) = (self.anchors, self.intermediates);
        let Some(&child) = path.last() else { return Err(Failure::new(Error::Invalid("empty path"))) };
        let (here, counted) = (path.len() - 1, counted_intermediates(path));
        if let Some(dead) = self
            .dead_ends
            .iter()
            .find(|d| d.cert == child.der() && path.len() >= d.path_len && counted >= d.counted)
        {
            return Err(Failure::new(dead.error.clone()));
        }
        let (mut first_error, mut loop_at) = (None, usize::MAX);
        for anchor in anchors.iter().filter(|a| could_issue(a, child)) {
            match self.consider().and_then(|()| self.check_issuer(anchor, path)) {
                Ok(()) => {
                    path.push(anchor);
                    return Ok(());
                }
                Err(error @ Error::PathBudgetExhausted { .. }) => return Err(Failure::new(error)),
                Err(error) => first_error = first_error.or(Some(error)),
            }
        }
        let room = if path.len() <= MAX_INTERMEDIATES { intermediates } else { &[] };
        let mut tried = 0;
        for candidate in room.iter().filter(|c| could_issue(c, child)) {
            // A certificate appears once in a path (§6.1: no loops).
            if let Some(at) = path.iter().position(|p| p.der() == candidate.der()) {
                loop_at = loop_at.min(at);
                continue;
            }
            if tried == MAX_CANDIDATES_PER_STEP {
                break;
            }
            tried += 1;
            let branch = self
                .consider()
                .and_then(|()| self.check_issuer(candidate, path))
                .map_err(Failure::new)
                .and_then(|()| {
                    path.push(candidate);
                    self.extend(path).inspect_err(|_| {
                        path.pop();
                    })
                });
            match branch {
                Ok(()) => return Ok(()),
                Err(failure @ Failure { error: Error::PathBudgetExhausted { .. }, .. }) => {
                    return Err(failure);
                }
                Err(failure) => {
                    loop_at = loop_at.min(failure.loop_at);
                    first_error = first_error.or(Some(failure.error));
                }
            }
        }
        let error = first_error.unwrap_or_else(|| Error::UnknownIssuer(child.issuer.to_string()));
        if loop_at >= here {
            let path_len = path.len();
            self.dead_ends.push(DeadEnd { cert: child.der(), path_len, counted, error: error.clone() });
        }
        Err(Failure { error, loop_at })
    }

    /// Counts one more issuer candidate, or stops the search.
    fn consider(&mut self) -> Result<(), Error> {
        if self.work.candidates >= self.limits.candidates {
            return Err(self.exhausted());
        }
        self.work.candidates += 1;
        Ok(())
    }

    /// Checks that `issuer` may issue the last certificate of `path`, and
    /// that its signature on it verifies.
    fn check_issuer(&mut self, issuer: &'a Certificate, path: &[&'a Certificate]) -> Result<(), Error> {
        check_issuer_may_sign(issuer, path, self.now)?;
        let Some(&child) = path.last() else { return Err(Error::Invalid("empty path")) };
        let key = (child.der(), issuer.public_key.der());
        if let Some(result) = self.signatures.get(&key) {
            return result.clone();
        }
        if self.work.signature_checks >= self.limits.signature_checks {
            return Err(self.exhausted());
        }
        self.work.signature_checks += 1;
        let result = verify_signature(child, issuer);
        self.signatures.insert(key, result.clone());
        result
    }

    /// The error that ends a search that used up its budget.
    fn exhausted(&self) -> Error {
        Error::PathBudgetExhausted {
            signature_checks: self.work.signature_checks,
            candidates: self.work.candidates,
        }
    }
}

impl Failure {
    /// A failure that skipped no certificate already on the path.
    fn new(error: Error) -> Failure {
        Failure { error, loop_at: usize::MAX }
    }
}

/// The intermediates of `path` that count against a pathLenConstraint
/// above them: all but the leaf (`path[0]`) and the self-issued ones
/// (RFC 5280 §6.1.4 (l)).
fn counted_intermediates(path: &[&Certificate]) -> usize {
    path.iter().skip(1).filter(|c| !c.is_self_issued()).count()
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

/// Checks that `issuer` may issue the last certificate of `path` (all but
/// the signature, which the caller checks).
fn check_issuer_may_sign(issuer: &Certificate, path: &[&Certificate], now: Time) -> Result<(), Error> {
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
    let below = counted_intermediates(path) as u64;
    if let Some(max) = constraints.path_len
        && below > max
    {
        return Err(Error::PathTooLong { issuer: name(), max });
    }
    Ok(())
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
/// An id-RSASSA-PSS issuer key checks PSS signatures only, within its
/// parameters (RFC 4055 §1.2, §3.3).
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
        SignatureAlgorithm::RsaPss(params) => {
            // RFC 4055 §3.3: an rsaEncryption key checks no parameters (scenario 1);
            // an id-RSASSA-PSS key checks them against its own, if it has any
            // (scenarios 2 and 3). The salt is exactly saltLength (§3.1).
            let verified = match issuer.public_key.algorithm {
                padlock_der::oids::RSASSA_PSS => {
                    issuer.public_key.rsa_pss_key().map_err(unsupported)?.verify(tbs, signature, params)
                }
                _ => rsa_key()?.verify_pss_with_params(tbs, signature, params),
            };
            match verified {
                Ok(()) => true,
                Err(padlock_rsa::Error::Verification) => false,
                Err(error @ padlock_rsa::Error::PssRestricted { .. }) => {
                    return Err(Error::PssParametersRefused {
                        subject: cert.subject.to_string(),
                        issuer: issuer.subject.to_string(),
                        why: error.to_string(),
                    });
                }
                // Parameters padlock-rsa does not implement (SHA-1 as the
                // message hash).
                Err(_) => {
                    return Err(Error::UnsupportedSignature(format!(
                        "RSASSA-PSS with {} for the message and {} for MGF1",
                        params.hash, params.mgf1_hash
                    )));
                }
            }
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
