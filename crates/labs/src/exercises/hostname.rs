//! Exercise 5 (lab `hostname`): check that the certificate names the host.
//!
//! [`exercise`] is the switched client's certificate check: the chain must
//! lead to a trust anchor and be within its dates, and that is all. Rewrite
//! it so that the leaf must also be valid for `host` (RFC 6125: its
//! subjectAltName dNSName entries; padlock-x509 has `verify_hostname`).
//! [`reference()`] is what padlock-tls's client does (crates/tls/src/certs.rs).
//!
//! `cargo test -p padlock-labs --test exercises -- --ignored hostname`
//! offers your function the attacker's certificate for another name.

use padlock_der::Time;
use padlock_x509::{Certificate, Error};

use super::Verdict;
use crate::common;

/// Whether `leaf` (with `intermediates`) is a certificate the client may
/// accept for `host` at `now`. **The vulnerable version: rewrite it.**
pub fn exercise(
    leaf: &Certificate,
    intermediates: &[Certificate],
    anchors: &[Certificate],
    host: &str,
    now: Time,
) -> Result<(), Error> {
    let _ = host;
    padlock_x509::verify_path(leaf, intermediates, anchors, now).map(|_| ())
}

/// The reference solution: the chain, the dates and the name.
pub fn reference(
    leaf: &Certificate,
    intermediates: &[Certificate],
    anchors: &[Certificate],
    host: &str,
    now: Time,
) -> Result<(), Error> {
    padlock_x509::verify_chain(leaf, intermediates, anchors, host, now).map(|_| ())
}

/// The signature of [`exercise`] and [`reference()`].
pub type CheckCertificate = fn(&Certificate, &[Certificate], &[Certificate], &str, Time) -> Result<(), Error>;

/// Checks `verify`: the bank's certificate passes for the bank; the
/// attacker's (same CA, its own name) and a stranger's (unknown CA) do not.
pub fn check(verify: CheckCertificate) -> Verdict {
    let Ok((ca, leaves)) = common::ca_and_leaves(1024, &["bank.localhost", "attacker.localhost"], 5) else {
        return Verdict::Broken("no certificates".into());
    };
    let Ok((_, strangers)) = common::ca_and_leaves(1024, &["bank.localhost"], 6) else {
        return Verdict::Broken("no certificates".into());
    };
    let now = common::clock().1;
    let anchors = [ca];
    if let Err(e) = verify(&leaves[0].0, &[], &anchors, "bank.localhost", now) {
        return Verdict::Broken(format!("the bank's own certificate is refused: {e}"));
    }
    if verify(&strangers[0].0, &[], &anchors, "bank.localhost", now).is_ok() {
        return Verdict::Vulnerable("a certificate from a CA nobody trusts is accepted".into());
    }
    match verify(&leaves[1].0, &[], &anchors, "bank.localhost", now) {
        Ok(()) => Verdict::Vulnerable(
            "the attacker's certificate for attacker.localhost passes for bank.localhost".into(),
        ),
        Err(e) => Verdict::Resists(format!("the attacker's certificate is refused: {e}")),
    }
}
