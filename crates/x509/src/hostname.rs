//! Matching the name a client asked for against a certificate
//! (RFC 6125 §6, as the CA/Browser Forum and RFC 9525 narrow it).
//!
//! - Only subjectAltName counts: the subject's common name is never used
//!   (RFC 9525 §6.3, RFC 6125 §6.4.4 allowed it only without DNS SANs).
//! - DNS names compare ASCII case-insensitively, ignoring one trailing dot.
//!   Internationalised names are compared in their A-label form
//!   (`xn--...`); a host name with non-ASCII characters must be converted
//!   first (RFC 6125 §6.4.2).
//! - A wildcard is only the whole leftmost label (`*.example.org`), matches
//!   exactly one non-empty label, and needs at least two labels after it
//!   (RFC 6125 §6.4.3; `*.org` and `f*.example.org` match nothing).
//! - An IP address matches only an iPAddress SAN, byte for byte
//!   (RFC 6125 §1.7.2; RFC 5280 §4.2.1.6), never a DNS SAN.

use std::net::IpAddr;

use crate::certificate::Certificate;
use crate::error::Error;
use crate::extensions::GeneralName;

/// Checks that `host` (a DNS name, or an IPv4/IPv6 address, IPv6 optionally
/// in brackets) is one of the certificate's subjectAltNames.
pub fn verify_hostname(cert: &Certificate, host: &str) -> Result<(), Error> {
    let matched = match parse_host(host)? {
        Host::Ip(ip) => cert.extensions.ip_addresses().any(|san| san == ip),
        Host::Dns(dns) => cert.extensions.dns_names().any(|san| dns_matches(san, &dns)),
    };
    if matched {
        return Ok(());
    }
    let sans: Vec<String> = cert
        .extensions
        .subject_alt_name
        .iter()
        .flatten()
        .filter_map(|name| match name {
            GeneralName::Dns(dns) => Some(dns.clone()),
            GeneralName::Ip(ip) => Some(ip.to_string()),
            _ => None,
        })
        .collect();
    let certificate = sans.first().cloned().unwrap_or_else(|| cert.subject.to_string());
    Err(Error::HostnameMismatch { certificate, host: host.to_string(), sans })
}

/// A reference identifier: what the client asked for.
#[derive(Debug, PartialEq, Eq)]
enum Host {
    /// An IP address.
    Ip(IpAddr),
    /// A DNS name, lowercased, without a trailing dot.
    Dns(String),
}

/// Tells an IP address from a DNS name and checks the DNS name's syntax:
/// labels of 1 to 63 letters, digits and hyphens, not starting or ending
/// with a hyphen (RFC 1123 §2.1), 253 characters at most.
fn parse_host(host: &str) -> Result<Host, Error> {
    let invalid = |why| Error::InvalidHostname { host: host.to_string(), why };
    let bare = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')).unwrap_or(host);
    if let Ok(ip) = bare.parse::<IpAddr>() {
        return Ok(Host::Ip(ip));
    }
    if !host.is_ascii() {
        return Err(invalid("non-ASCII; convert an internationalised name to its xn-- form first"));
    }
    let dns = host.strip_suffix('.').unwrap_or(host).to_ascii_lowercase();
    if dns.is_empty() || dns.len() > 253 {
        return Err(invalid("empty or longer than 253 characters"));
    }
    for label in dns.split('.') {
        let valid_chars = label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
        if label.is_empty() || label.len() > 63 || !valid_chars {
            return Err(invalid("a label is empty, too long, or has a character other than a-z 0-9 -"));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(invalid("a label starts or ends with a hyphen"));
        }
    }
    Ok(Host::Dns(dns))
}

/// Whether the DNS SAN `pattern` covers `host` (lowercase, no trailing dot).
fn dns_matches(pattern: &str, host: &str) -> bool {
    let pattern = pattern.strip_suffix('.').unwrap_or(pattern).to_ascii_lowercase();
    match pattern.strip_prefix("*.") {
        // RFC 6125 §6.4.3: the wildcard stands for the whole leftmost label,
        // and (CA/B Forum BR §3.2.2.6) not for a registrable domain: at
        // least two labels follow it.
        Some(base) => {
            let Some((first, rest)) = host.split_once('.') else { return false };
            base.contains('.') && !base.contains('*') && !first.is_empty() && rest == base
        }
        None => !pattern.contains('*') && pattern == host,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(pattern: &str, host: &str) -> bool {
        match parse_host(host) {
            Ok(Host::Dns(dns)) => dns_matches(pattern, &dns),
            _ => false,
        }
    }

    #[test]
    fn exact_names_ignore_case_and_one_trailing_dot() {
        assert!(matches("example.org", "example.org"));
        assert!(matches("Example.ORG", "eXample.org"));
        assert!(matches("example.org.", "example.org"));
        assert!(matches("example.org", "example.org."));
        assert!(!matches("example.org", "www.example.org"));
        assert!(!matches("www.example.org", "example.org"));
        assert!(!matches("example.org", "example.org.."));
    }

    #[test]
    fn wildcard_is_the_whole_leftmost_label_only() {
        assert!(matches("*.example.org", "www.example.org"));
        assert!(matches("*.EXAMPLE.org", "WWW.example.ORG"));
        assert!(!matches("*.example.org", "example.org"));
        assert!(!matches("*.example.org", "a.b.example.org"));
        assert!(!matches("f*.example.org", "foo.example.org"));
        assert!(!matches("*oo.example.org", "foo.example.org"));
        assert!(!matches("www.*.org", "www.example.org"));
        assert!(!matches("*.org", "example.org"));
        assert!(!matches("*", "localhost"));
        assert!(!matches("*.*.example.org", "a.b.example.org"));
    }

    #[test]
    fn internationalised_names_compare_as_a_labels() {
        assert!(matches("xn--bcher-kva.example", "xn--bcher-kva.example"));
        assert!(matches("XN--BCHER-KVA.example", "xn--bcher-kva.example"));
        assert!(matches("*.xn--bcher-kva.example", "www.xn--bcher-kva.example"));
        assert!(!matches("xn--bcher-kva.example", "bucher.example"));
        assert!(matches!(parse_host("bücher.example"), Err(Error::InvalidHostname { .. })));
    }

    #[test]
    fn host_syntax_is_checked() {
        for bad in ["", ".", "a..b", "-a.example", "a-.example", "a_b.example", "*.example.org", "a b"] {
            assert!(parse_host(bad).is_err(), "{bad:?} accepted");
        }
        assert!(parse_host(&format!("{}.example", "a".repeat(64))).is_err());
        assert_eq!(parse_host("LocalHost").ok(), Some(Host::Dns("localhost".into())));
    }

    #[test]
    fn ip_addresses_parse_v4_and_v6() {
        assert_eq!(parse_host("127.0.0.1").ok(), Some(Host::Ip("127.0.0.1".parse().unwrap())));
        assert_eq!(parse_host("::1").ok(), Some(Host::Ip("::1".parse().unwrap())));
        assert_eq!(parse_host("[::1]").ok(), Some(Host::Ip("::1".parse().unwrap())));
        assert_eq!(parse_host("2001:DB8::1").ok(), Some(Host::Ip("2001:db8:0:0:0:0:0:1".parse().unwrap())));
        // Not an IP address, and not a valid DNS name either.
        assert!(parse_host("[127.0.0.1").is_err());
    }
}
