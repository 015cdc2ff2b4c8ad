//! The wording of the explanations: each message's key facts, from typed
//! errors and recorded events (no sockets; `tests/explain.rs` runs the
//! real handshakes).

use std::sync::OnceLock;

use padlock_der::Time;
use padlock_tls::alert::AlertDescription;
use padlock_tls::messages::{CertificateMessage, Extensions, HandshakeType, frame};
use padlock_tls::suites::TLS13_AES_128_GCM_SHA256;
use padlock_tls::trace::{Event, Side};
use padlock_tls::{
    ClientConfig, Error, KeyExchange, NamedGroup, Negotiated, ProtocolVersion, SignatureScheme,
};
use padlock_x509::Error as X509;
use padlock_x509::throwaway::{Pki, throwaway};
use rand::SeedableRng;
use rand::rngs::StdRng;

use super::*;

/// A throw-away CA and a leaf for `localhost` it signed, valid from
/// 2025-01-01 (the leaf for 90 days), made once for all tests.
fn pki() -> &'static Pki {
    static PKI: OnceLock<Pki> = OnceLock::new();
    PKI.get_or_init(|| {
        let not_before = Time::new(2025, 1, 1, 0, 0, 0).expect("a date");
        throwaway(2048, &["localhost"], &[], not_before, &mut StdRng::seed_from_u64(18)).expect("a PKI")
    })
}

/// What the client saw when the server sent `chain` in a TLS 1.3 handshake.
fn seen_with(chain: &[&padlock_x509::Certificate]) -> Seen {
    let message = CertificateMessage {
        context: Some(Vec::new()),
        entries: chain.iter().map(|c| (c.der().to_vec(), Extensions::default())).collect(),
    };
    let bytes = frame(HandshakeType::Certificate, &message.encode().expect("encodes")).expect("frames");
    let recorder = Recorder::default();
    let sink = recorder.sink(None);
    let events = [
        Event::Handshake {
            sent: false,
            typ: HandshakeType::ServerHello,
            bytes: Vec::new(),
            version: None,
            kx: None,
        },
        Event::Handshake {
            sent: false,
            typ: HandshakeType::Certificate,
            bytes,
            version: Some(ProtocolVersion::Tls13),
            kx: None,
        },
    ];
    for event in &events {
        sink(Side::Client, event);
    }
    recorder.seen()
}

fn config() -> ClientConfig {
    ClientConfig::new("localhost", vec![pki().ca.clone()])
}

fn joined(lines: &[String]) -> String {
    lines.join("\n")
}

#[test]
fn summary_says_who_refused_what() {
    let alert = Error::AlertReceived(AlertDescription::HandshakeFailure);
    assert_eq!(
        summary(&alert, false, "x"),
        "handshake failed: the server refused our ClientHello with the alert handshake_failure"
    );
    assert_eq!(summary(&alert, true, "x"), "handshake failed: the peer sent the alert handshake_failure");
    let unknown = Error::Certificate(Box::new(X509::UnknownIssuer("CN=evil\x1b[2J".into())));
    let text = summary(&unknown, true, "only the CA in a.pem");
    assert!(text.contains("unknown CA") && text.contains("'CN=evil\\x1b[2J'"), "{text}");
    assert!(text.contains("(trusted: only the CA in a.pem; --ca FILE trusts the CA in FILE)"), "{text}");
}

#[test]
fn a_refused_hello_lists_what_we_offered_and_the_narrowed_piece() {
    let mut config = config();
    config.groups = vec![NamedGroup::X25519];
    config.key_share_groups = vec![NamedGroup::X25519];
    let error = Error::AlertReceived(AlertDescription::HandshakeFailure);
    let text = joined(&explain(&error, &Seen::default(), &config, "x", None));
    assert!(
        text.contains("The server refused our ClientHello: it sent the alert handshake_failure"),
        "{text}"
    );
    assert!(text.contains("versions:          TLS 1.3, TLS 1.2"), "{text}");
    assert!(text.contains("groups:            x25519\n"), "{text}");
    assert!(text.contains("signature schemes: ") && text.contains("rsa_pss_rsae_sha256,"), "{text}");
    assert!(text.contains("cipher suites:     TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384"), "{text}");
    assert!(text.contains("the group: we offered only x25519; Padlock also has "), "{text}");
    assert!(text.contains("ffdhe3072 (leave out --group, or choose one with it)"), "{text}");
    assert!(text.contains("a guess") && text.contains("--explain finds out"), "{text}");
}

#[test]
fn a_full_offer_refused_names_what_padlock_lacks() {
    let error = Error::AlertReceived(AlertDescription::HandshakeFailure);
    let text = joined(&explain(&error, &Seen::default(), &config(), "x", None));
    assert!(text.contains("We offered everything Padlock implements"), "{text}");
    assert!(text.contains("a group such as secp521r1"), "{text}");
    // A server that speaks none of our versions.
    let mut config = config();
    config.versions = vec![ProtocolVersion::Tls13];
    let error = Error::AlertReceived(AlertDescription::ProtocolVersion);
    let text = joined(&explain(&error, &Seen::default(), &config, "x", None));
    assert!(text.contains("it speaks none of the versions we offered"), "{text}");
    assert!(text.contains("the version: we offered only TLS 1.3; Padlock also has TLS 1.2"), "{text}");
}

#[test]
fn an_offer_that_cannot_work_is_named() {
    let mut config = config();
    config.versions = vec![ProtocolVersion::Tls13];
    config.signature_schemes = vec![SignatureScheme::RsaPkcs1Sha256];
    let error = Error::AlertReceived(AlertDescription::HandshakeFailure);
    let text = joined(&explain(&error, &Seen::default(), &config, "x", None));
    assert!(text.contains("never signed with rsa_pkcs1_* schemes (RFC 8446 §4.4.3)"), "{text}");
    assert!(text.contains("the signature scheme: we offered only rsa_pkcs1_sha256"), "{text}");
}

#[test]
fn a_silent_close_is_a_refusal_too() {
    let text = joined(&explain(&Error::UnexpectedEof, &Seen::default(), &config(), "x", None));
    assert!(text.contains("closed the connection without answering our ClientHello"), "{text}");
}

#[test]
fn a_reset_before_any_answer_is_a_refusal_too() {
    let reset = Error::Io("connection reset by peer".to_string());
    let text = joined(&explain(&reset, &Seen::default(), &config(), "x", None));
    assert!(text.contains("closed the connection without answering our ClientHello"), "{text}");
    assert!(text.contains("We offered:"), "{text}");
}

/// The server answered, but the handshake failed before anything was
/// agreed: each kind of failure gets its own explanation.
#[test]
fn a_failure_before_agreement_is_explained() {
    let answered = Seen { answered: true, ..Seen::default() };
    let cases = [
        (
            Error::DecryptError("the ServerKeyExchange signature"),
            "did not verify with the key in its certificate",
        ),
        (Error::NoCommonParameters("group".to_string()), "a Diffie-Hellman group we do not accept"),
        (Error::IllegalParameter("a key share"), "something we did not offer or the protocol forbids"),
        (Error::UnexpectedEof, "closed the connection in the middle of the handshake"),
    ];
    for (error, needle) in cases {
        let text = joined(&explain(&error, &answered, &config(), "x", None));
        assert!(text.contains("failed before the parameters were settled"), "{error}: {text}");
        assert!(text.contains(needle), "{error}: {text}");
        assert!(!text.contains("We offered:"), "{error}: {text}");
    }
}

/// The server's log line: what the client's alert says about us.
#[test]
fn the_server_hears_what_a_client_alert_means() {
    let meaning = |alert| client_refusal(&Error::AlertReceived(alert));
    assert!(
        meaning(AlertDescription::UnknownCa).contains("does not trust the CA that issued our certificate")
    );
    assert!(meaning(AlertDescription::CertificateExpired).contains("validity dates"));
    assert!(meaning(AlertDescription::DecryptError).contains("does our key match our certificate"));
    assert_eq!(meaning(AlertDescription::CloseNotify), "");
    assert_eq!(client_refusal(&Error::UnexpectedEof), "");
}

#[test]
fn an_unknown_issuer_names_the_certificate_and_says_use_ca() {
    let pki = pki();
    let seen = seen_with(&[&pki.leaf]);
    let error = Error::Certificate(Box::new(X509::UnknownIssuer("CN=Padlock throw-away CA".into())));
    let text = joined(&explain(&error, &seen, &config(), "only the CA in other.pem", None));
    assert!(
        text.contains("certificate: CN=localhost, issued by CN=Padlock throw-away CA (the server's own)"),
        "{text}"
    );
    assert!(text.contains("check:       a path to a CA we trust (RFC 5280 §6)"), "{text}");
    assert!(text.contains("we trust only the CA in other.pem, and none of it is 'CN=Padlock throw-away CA'"));
    assert!(text.contains(
        "to do:       if you trust 'CN=Padlock throw-away CA', give its certificate with --ca FILE"
    ));
    // A self-signed certificate: trust it by itself.
    let seen = seen_with(&[&pki.ca]);
    let text = joined(&explain(&error, &seen, &config(), "x", None));
    assert!(text.contains("CN=Padlock throw-away CA, self-signed"), "{text}");
    assert!(text.contains("give the certificate itself with --ca FILE"), "{text}");
}

#[test]
fn an_expired_certificate_shows_its_dates_beside_our_clock() {
    let pki = pki();
    let mut config = config();
    config.now = Some(Time::new(2025, 4, 11, 0, 0, 0).expect("a date"));
    let error = Error::Certificate(Box::new(X509::Expired {
        subject: "CN=localhost".into(),
        not_after: pki.leaf.not_after,
    }));
    let text = joined(&explain(&error, &seen_with(&[&pki.leaf]), &config, "x", None));
    assert!(text.contains("certificate: CN=localhost, issued by CN=Padlock throw-away CA"), "{text}");
    let dates = format!("valid from {} to {}", pki.leaf.not_before, pki.leaf.not_after);
    assert!(text.contains(&format!("check:       validity dates (RFC 5280 §4.1.2.5): {dates}")), "{text}");
    assert!(text.contains("our clock says 2025-04-11T00:00:00Z, 10 days after it ended"), "{text}");
    assert!(text.contains("to do:       the server needs a renewed certificate; if our clock is wrong"));

    config.now = Some(Time::new(2024, 12, 31, 23, 0, 0).expect("a date"));
    let error = Error::Certificate(Box::new(X509::NotYetValid {
        subject: "CN=localhost".into(),
        not_before: pki.leaf.not_before,
    }));
    let text = joined(&explain(&error, &seen_with(&[&pki.leaf]), &config, "x", None));
    assert!(text.contains("our clock says 2024-12-31T23:00:00Z, 1 hour before it starts"), "{text}");
    assert!(text.contains("if our clock is behind, set it right"), "{text}");
}

#[test]
fn a_wrong_name_shows_the_names_the_certificate_holds() {
    let error = Error::Certificate(Box::new(X509::HostnameMismatch {
        certificate: "www.example.test".into(),
        host: "localhost".into(),
        sans: vec!["www.example.test".into(), "192.0.2.1".into()],
    }));
    let text = joined(&explain(&error, &seen_with(&[&pki().leaf]), &config(), "x", None));
    assert!(
        text.contains("the name we connected to, 'localhost', must be one the certificate holds (RFC 6125): it holds www.example.test, 192.0.2.1"),
        "{text}"
    );
    assert!(text.contains("connect with a name it holds, such as www.example.test"), "{text}");
}

#[test]
fn key_usage_and_unsupported_keys_say_what_to_do() {
    let error = Error::Certificate(Box::new(X509::NotForTlsServers {
        subject: "CN=localhost".into(),
        purposes: vec!["clientAuth".into()],
    }));
    let text = joined(&explain(&error, &seen_with(&[&pki().leaf]), &config(), "x", None));
    assert!(text.contains("check:       key usage (RFC 5280 §4.2.1.3, §4.2.1.12)"), "{text}");
    assert!(text.contains("extendedKeyUsage serverAuth"), "{text}");
    let error = Error::UnsupportedCertificate("an Ed25519 key".into());
    let text = joined(&explain(&error, &seen_with(&[&pki().leaf]), &config(), "x", None));
    assert!(text.contains("a key Padlock can check the server's signature with: an Ed25519 key"), "{text}");
}

#[test]
fn after_the_server_hello_the_agreement_is_named() {
    let mut seen = Seen::default();
    seen.record(&Event::Negotiated(Negotiated {
        version: ProtocolVersion::Tls13,
        suite: TLS13_AES_128_GCM_SHA256,
        key_exchange: KeyExchange::Named(NamedGroup::X25519),
        extended_master_secret: false,
    }));
    assert!(seen.answered);
    let error = Error::AlertReceived(AlertDescription::CertificateRequired);
    let text = joined(&explain(&error, &seen, &config(), "x", None));
    assert!(
        text.contains("answered our ClientHello: TLS 1.3, TLS_AES_128_GCM_SHA256, group x25519"),
        "{text}"
    );
    assert!(text.contains("it wants a client certificate"), "{text}");
}

#[test]
fn spans_are_in_their_largest_unit() {
    assert_eq!(certificate::span(0), "0 seconds");
    assert_eq!(certificate::span(59), "59 seconds");
    assert_eq!(certificate::span(3_600), "1 hour");
    assert_eq!(certificate::span(3 * 86_400 + 5), "3 days");
    assert_eq!(certificate::span(-5), "0 seconds");
}

#[test]
fn long_lists_wrap_under_their_first_name() {
    let names = ["TLS_AES_128_GCM_SHA256"; 9];
    let lines = wrapped("  cipher suites:     ", &names);
    assert!(lines.len() > 1 && lines.iter().all(|l| l.len() <= WIDTH), "{lines:#?}");
    assert!(lines[1].starts_with(&format!("{}TLS_", " ".repeat(21))), "{lines:#?}");
    let words: Vec<&str> = lines.iter().flat_map(|l| l.split_whitespace()).collect();
    assert_eq!(words.join(" "), format!("cipher suites: {}", names.join(", ")));
    assert_eq!(wrapped("  groups: ", &["x25519"]), ["  groups: x25519"]);
}

#[test]
fn the_message_indents_the_explanation_under_the_summary() {
    let text = message("summary", &["one".into(), "two".into()]);
    assert_eq!(text, "summary\n  one\n  two");
}
