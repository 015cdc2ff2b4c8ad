//! A refused certificate, explained: which certificate (its subject and
//! issuer, and whether the server sent it or we trust it), which check
//! failed (RFC 5280 §6 path building, the validity dates beside our clock,
//! RFC 6125 names, key usage), and what to do about it.
//!
//! Three lines, each labelled:
//!
//! ```text
//!   certificate: CN=localhost, issued by CN=Padlock throw-away CA (the server's own)
//!   check:       a path to a CA we trust (RFC 5280 §6): we trust only the CA in other.pem, and none of it is 'CN=Padlock throw-away CA'
//!   to do:       if you trust 'CN=Padlock throw-away CA', give its certificate with --ca FILE (padlock server writes its CA to padlock-ca.pem)
//! ```
//!
//! Names and dates come from the certificates themselves, as the server
//! sent them ([`Seen::chain`]), or from our trust anchors; the error from
//! padlock-x509 says which one failed and how.

use padlock_der::Time;
use padlock_tls::ClientConfig;
use padlock_x509::{Certificate, Error as X509};

use super::Seen;
use crate::escape;

/// The lines for a certificate padlock-x509 refused.
pub(super) fn explain(error: &X509, seen: &Seen, config: &ClientConfig, trusted: &str) -> Vec<String> {
    let chain = seen.chain();
    let found = which(error, &chain, &config.trust_anchors);
    let (check, to_do) = check_and_remedy(error, found.as_ref().map(|(c, _)| *c), config, trusted);
    let mut lines = Vec::new();
    if let Some((certificate, role)) = found {
        lines.push(format!("certificate: {} ({role})", describe(certificate)));
    }
    lines.push(format!("check:       {check}"));
    lines.push(format!("to do:       {to_do}"));
    lines.into_iter().map(|line| escape::for_terminal(&line).into_owned()).collect()
}

/// A certificate whose key Padlock cannot use (padlock-tls's
/// `UnsupportedCertificate`): the leaf, and why.
pub(super) fn unsupported(why: &str, seen: &Seen) -> Vec<String> {
    let chain = seen.chain();
    let mut lines = Vec::new();
    if let Some(leaf) = chain.first() {
        lines.push(format!("certificate: {} (the server's own)", describe(leaf)));
    }
    lines.push(format!("check:       a key Padlock can check the server's signature with: {why}"));
    lines.push(
        "to do:       nothing on this side: Padlock's TLS cannot use this kind of key yet; the server \
         may have a certificate of another kind (RSA) to offer"
            .to_string(),
    );
    lines.into_iter().map(|line| escape::for_terminal(&line).into_owned()).collect()
}

/// "CN=localhost, issued by CN=Padlock throw-away CA".
fn describe(certificate: &Certificate) -> String {
    if certificate.is_self_issued() {
        format!("{}, self-signed", certificate.subject)
    } else {
        format!("{}, issued by {}", certificate.subject, certificate.issuer)
    }
}

/// The certificate the error is about, and what it is to us: found in the
/// chain the server sent, else among our trust anchors.
fn which<'a>(
    error: &X509,
    chain: &'a [Certificate],
    anchors: &'a [Certificate],
) -> Option<(&'a Certificate, String)> {
    let by_subject = |name: &str| -> Option<(&'a Certificate, String)> {
        let in_chain = chain.iter().position(|c| c.subject.to_string() == name);
        match in_chain {
            Some(index) => Some((&chain[index], role(index, chain.len()))),
            None => anchors
                .iter()
                .find(|c| c.subject.to_string() == name)
                .map(|c| (c, "a CA we trust".to_string())),
        }
    };
    let found = match error {
        // The highest certificate the server sent that names this issuer.
        X509::UnknownIssuer(issuer) => chain
            .iter()
            .rposition(|c| c.issuer.to_string() == *issuer)
            .map(|index| (&chain[index], role(index, chain.len()))),
        X509::Expired { subject, .. }
        | X509::NotYetValid { subject, .. }
        | X509::BadSignature { subject, .. }
        | X509::NotForTlsServers { subject, .. }
        | X509::KeyUsageForbids { subject, .. }
        | X509::UnknownCriticalExtension { subject, .. }
        | X509::NotACa(subject)
        | X509::NoKeyCertSign(subject) => by_subject(subject),
        X509::PathTooLong { issuer, .. } => by_subject(issuer),
        _ => None,
    };
    found.or_else(|| chain.first().map(|leaf| (leaf, role(0, chain.len()))))
}

/// "the server's own", "intermediate 1 of 2 the server sent".
fn role(index: usize, count: usize) -> String {
    match index {
        0 => "the server's own".to_string(),
        _ => format!("intermediate {index} of {} the server sent", count.saturating_sub(1)),
    }
}

/// Which check failed, in words, and what to do about it.
fn check_and_remedy(
    error: &X509,
    certificate: Option<&Certificate>,
    config: &ClientConfig,
    trusted: &str,
) -> (String, String) {
    match error {
        X509::UnknownIssuer(issuer) => unknown_issuer(issuer, certificate, trusted),
        X509::Expired { .. } | X509::NotYetValid { .. } => dates(error, certificate, config),
        X509::HostnameMismatch { host, sans, .. } => names(host, sans),
        X509::InvalidHostname { host, why } => (
            format!("the name we connect to must be a DNS name or an IP address: '{host}' is not ({why})"),
            "connect with the server's DNS name or IP address".to_string(),
        ),
        X509::NotForTlsServers { .. } | X509::KeyUsageForbids { .. } => (
            format!("key usage (RFC 5280 §4.2.1.3, §4.2.1.12): {error}"),
            "the server needs a certificate issued for TLS servers (extendedKeyUsage serverAuth, \
             keyUsage digitalSignature); whoever runs it must get one"
                .to_string(),
        ),
        X509::BadSignature { .. } => (
            format!("the issuer's signature (RFC 5280 §6.1.3): {error}"),
            "the chain is broken or forged: the server may send the wrong intermediate, or someone \
             on the path replaced the certificate"
                .to_string(),
        ),
        X509::NotACa(_) | X509::NoKeyCertSign(_) | X509::PathTooLong { .. } => (
            format!("may the issuer issue? (RFC 5280 §6.1.4): {error}"),
            "the server's chain is built wrong; whoever runs it must send the right intermediates"
                .to_string(),
        ),
        X509::PathBudgetExhausted { .. } => (
            format!("a path to a CA we trust, within a budget of work: {error}"),
            "the server sends too many certificates that could issue one another; whoever runs it \
             should send only its chain"
                .to_string(),
        ),
        X509::UnsupportedSignature(_) | X509::UnsupportedKey { .. } => (
            format!("an algorithm Padlock can check: {error}"),
            "nothing on this side: Padlock cannot check this algorithm yet".to_string(),
        ),
        _ => (
            format!("the certificate as RFC 5280 describes it: {error}"),
            "the server sent a certificate that does not parse or breaks the rules; whoever runs it \
             must replace it"
                .to_string(),
        ),
    }
}

/// No CA we trust issued the certificate.
fn unknown_issuer(issuer: &str, certificate: Option<&Certificate>, trusted: &str) -> (String, String) {
    let check =
        format!("a path to a CA we trust (RFC 5280 §6): we trust {trusted}, and none of it is '{issuer}'");
    let to_do = if certificate.is_some_and(Certificate::is_self_issued) {
        "it is self-signed: to trust it, give the certificate itself with --ca FILE".to_string()
    } else {
        format!(
            "if you trust '{issuer}', give its certificate with --ca FILE (padlock server writes its \
             CA to padlock-ca.pem)"
        )
    };
    (check, to_do)
}

/// The certificate is outside its validity period at our clock.
fn dates(error: &X509, certificate: Option<&Certificate>, config: &ClientConfig) -> (String, String) {
    let now = now(config);
    let clock = match now {
        Some(now) => format!("our clock says {now}"),
        None => "our clock cannot be read".to_string(),
    };
    let period = match (certificate, error) {
        (Some(c), _) => format!("valid from {} to {}", c.not_before, c.not_after),
        (None, X509::Expired { not_after, .. }) => format!("valid until {not_after}"),
        (None, X509::NotYetValid { not_before, .. }) => format!("valid from {not_before}"),
        _ => String::new(),
    };
    let (past, to_do) = match error {
        X509::Expired { not_after, .. } => (
            now.map(|now| {
                format!(", {} after it ended", span(now.unix_seconds() - not_after.unix_seconds()))
            }),
            "the server needs a renewed certificate; if our clock is wrong, set it right",
        ),
        _ => (
            now.and_then(|now| match error {
                X509::NotYetValid { not_before, .. } => Some(format!(
                    ", {} before it starts",
                    span(not_before.unix_seconds() - now.unix_seconds())
                )),
                _ => None,
            }),
            "if our clock is behind, set it right; otherwise the certificate was issued for a later date",
        ),
    };
    (
        format!("validity dates (RFC 5280 §4.1.2.5): {period}; {clock}{}", past.unwrap_or_default()),
        to_do.to_string(),
    )
}

/// The name we asked for is not among the certificate's.
fn names(host: &str, sans: &[String]) -> (String, String) {
    let held = if sans.is_empty() { "no DNS name or IP address at all".to_string() } else { sans.join(", ") };
    let check = format!(
        "the name we connected to, '{host}', must be one the certificate holds (RFC 6125): it holds {held}"
    );
    let to_do = match sans.first() {
        Some(name) => format!(
            "connect with a name it holds, such as {name} (that name must lead to this server), \
             or give the server a certificate for '{host}'"
        ),
        None => format!("give the server a certificate whose subjectAltName holds '{host}'"),
    };
    (check, to_do)
}

/// The time the certificate was checked at: the configured clock, else
/// the system's.
fn now(config: &ClientConfig) -> Option<Time> {
    if let Some(now) = config.now {
        return Some(now);
    }
    let seconds = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).ok()?.as_secs();
    Time::from_unix_seconds(i64::try_from(seconds).ok()?).ok()
}

/// A length of time in its largest whole unit: "3 days", "1 hour".
pub(super) fn span(seconds: i64) -> String {
    let seconds = seconds.max(0);
    let (count, unit) = match seconds {
        s if s >= 86_400 => (s / 86_400, "day"),
        s if s >= 3_600 => (s / 3_600, "hour"),
        s if s >= 60 => (s / 60, "minute"),
        s => (s, "second"),
    };
    format!("{count} {unit}{}", if count == 1 { "" } else { "s" })
}
