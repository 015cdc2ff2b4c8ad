//! Why a handshake failed, in plain words, on the side that saw it: what
//! the server refused against what we offered, or which certificate failed
//! which check and what to do about it.
//!
//! padlock-tls reports a failure as a typed [`Error`] and a stream of typed
//! trace events; the words are here, in the CLI. `padlock client` prints
//! the one-line [`summary`] and, under it, the lines of [`explain`]; `padlock
//! load` uses the summary alone for the first error of each kind.
//!
//! - The server refused our ClientHello (an alert before any ServerHello,
//!   or a silent close): we say what the alert means, list what we offered
//!   by name — versions, cipher suites, groups, signature schemes — and name
//!   the likely missing piece. Without `--explain` that is a guess from the
//!   alert and from what the command line left out, and says so; with it,
//!   a few follow-up handshakes find out what the server accepts
//!   (`explain/probe.rs`).
//! - The server's certificate was refused: which certificate (subject and
//!   issuer), which check (a path to a trust anchor, the validity dates
//!   beside the clock, the name we asked for beside the names it holds, key
//!   usage) and what to do (`--ca FILE`, the name to connect to, the clock)
//!   (`explain/certificate.rs`).
//! - Anything else after the ServerHello: what was agreed, and who gave up.
//!
//! [`Recorder`] gathers from the trace events what the explanation needs:
//! whether the server answered, its certificates, the scheme it signed
//! with. Whatever the server chose (a certificate's names) is escaped for
//! the terminal (`escape.rs`).
//!
//! - The server answered but the handshake failed before the parameters
//!   were settled (a ServerKeyExchange whose signature fails, a choice we
//!   did not offer): which of these it was, and what it suggests.
//!
//! The server's side needs less: padlock-tls's own errors say what the
//! client offered against what we accept ("no group in common: client
//! offered [x25519], server accepts [ffdhe3072]"), and `padlock server` logs
//! each as one escaped line; when the client refused us with an alert,
//! [`client_refusal`] adds what that alert most likely means (a client that
//! does not trust our CA sends unknown_ca).

mod certificate;
pub(crate) mod probe;

use std::sync::{Arc, Mutex};

use padlock_tls::alert::AlertDescription;
use padlock_tls::messages::{CertificateMessage, HandshakeType};
use padlock_tls::registry::{self, CodePoint};
use padlock_tls::trace::{Check, Event, TraceSink};
use padlock_tls::{ClientConfig, Error, Negotiated, ProtocolVersion, SignatureScheme};
use padlock_x509::Certificate;

use crate::escape;

/// A failed handshake in one line, naming the certificate and what we
/// trust when that is what failed. `answered`: whether a ServerHello came
/// before the failure. The error may quote the server's certificate (its
/// names are the server's to choose), so control characters are escaped.
pub(crate) fn summary(error: &Error, answered: bool, trusted: &str) -> String {
    let text = error.to_string();
    let text = escape::for_terminal(&text);
    match error {
        Error::Certificate(e) if matches!(**e, padlock_x509::Error::UnknownIssuer(_)) => format!(
            "the server's certificate was refused: {text} (trusted: {trusted}; --ca FILE trusts the CA in FILE)"
        ),
        Error::Certificate(_) | Error::UnsupportedCertificate(_) => {
            format!("the server's certificate was refused: {text}")
        }
        Error::AlertReceived(alert) if !answered => {
            format!("handshake failed: the server refused our ClientHello with the alert {}", alert.name())
        }
        _ => format!("handshake failed: {text}"),
    }
}

/// The lines that follow the [`summary`] of a failed handshake, each
/// escaped: what the failure means in terms of what each side offered and
/// what to do. `config` is what we offered; `trusted` says in words what we
/// trust; `probe`, if given, lets a refused ClientHello be followed by the
/// handshakes of [`probe::run`].
pub(crate) fn explain(
    error: &Error,
    seen: &Seen,
    config: &ClientConfig,
    trusted: &str,
    probe: Option<probe::Connect<'_>>,
) -> Vec<String> {
    match error {
        Error::Certificate(x509) => certificate::explain(x509, seen, config, trusted),
        Error::UnsupportedCertificate(why) => certificate::unsupported(why, seen),
        Error::AlertReceived(alert) if !seen.answered => refused_hello(Some(*alert), config, probe),
        Error::UnexpectedEof if !seen.answered => refused_hello(None, config, probe),
        Error::Io(_) if !seen.answered => refused_hello(None, config, probe),
        _ => match &seen.negotiated {
            Some(negotiated) => after_hello(error, negotiated),
            None if seen.answered => before_agreement(error),
            None => Vec::new(),
        },
    }
}

/// The server, seen from its log: what the client's alert most likely says
/// about us, as the end of a sentence ("; ..."), if the alert says more
/// than its name (RFC 8446 §6.2, RFC 5246 §7.2.2).
pub(crate) fn client_refusal(error: &Error) -> &'static str {
    use AlertDescription as A;
    let Error::AlertReceived(alert) = error else { return "" };
    match alert {
        A::UnknownCa => {
            "; the client does not trust the CA that issued our certificate: give it that CA's \
             certificate (padlock client --ca FILE, curl --cacert FILE), or serve a certificate from \
             a CA it trusts"
        }
        A::BadCertificate | A::CertificateUnknown => {
            "; the client refused our certificate: it may not trust its issuer, or the certificate \
             may not hold the name the client asked for"
        }
        A::CertificateExpired => {
            "; the client finds our certificate outside its validity dates: renew it, or check the \
             clocks on both sides"
        }
        A::UnsupportedCertificate => "; the client cannot use our certificate's key type",
        A::DecryptError => {
            "; the client could not verify our signature or Finished: does our key match our \
             certificate?"
        }
        A::BadRecordMac => "; the client could not decrypt our records: the two sides derived different keys",
        A::HandshakeFailure | A::InsufficientSecurity => {
            "; the client accepts none of the parameters we chose from its offer"
        }
        A::ProtocolVersion => "; the client refuses the version we chose",
        A::IllegalParameter | A::DecodeError => {
            "; the client found a field of our messages malformed or not allowed, a bug on one side \
             or the other"
        }
        A::UserCanceled => "; the client gave up on the handshake",
        _ => "",
    }
}

/// The server answered our ClientHello, but the handshake failed before
/// version, suite and key exchange were all settled.
fn before_agreement(error: &Error) -> Vec<String> {
    let mut lines = vec![
        "The server answered our ClientHello, but the handshake failed before the parameters were \
         settled."
            .to_string(),
    ];
    let then = match error {
        Error::DecryptError(_) => {
            "Its signature over the key exchange (TLS 1.2's ServerKeyExchange) did not verify with \
             the key in its certificate: the server may hold a key that is not its certificate's, or \
             someone on the path changed the handshake."
        }
        Error::NoCommonParameters(_) => {
            "It chose something we refuse (above): a Diffie-Hellman group we do not accept, or a \
             signature scheme we did not offer."
        }
        Error::IllegalParameter(_) | Error::Downgrade | Error::UnsupportedExtension(_) => {
            "It sent something we did not offer or the protocol forbids (a suite, a group or a key \
             share we did not ask for, a point not on its curve): a bug in the server, or someone \
             on the path."
        }
        Error::AlertReceived(_) => "Then it gave up, with the alert above.",
        Error::UnexpectedEof | Error::Io(_) => {
            "Then it closed the connection in the middle of the handshake."
        }
        _ => return lines,
    };
    lines.push(then.to_string());
    lines
}

/// The client's message for a failed handshake: the summary, then the
/// explanation's lines indented under it.
pub(crate) fn message(summary: &str, lines: &[String]) -> String {
    let mut text = summary.to_string();
    for line in lines {
        text.push_str("\n  ");
        text.push_str(line);
    }
    text
}

/// The server refused our ClientHello: with `alert`, or (None) by closing
/// the connection without a word.
fn refused_hello(
    alert: Option<AlertDescription>,
    config: &ClientConfig,
    probe: Option<probe::Connect<'_>>,
) -> Vec<String> {
    let mut lines = vec![match alert {
        Some(alert) => format!(
            "The server refused our ClientHello: it sent the alert {} before any ServerHello{}.",
            alert.name(),
            refusal_meaning(alert)
        ),
        None => "The server closed the connection without answering our ClientHello: it may not \
                 speak TLS on this port, or it refused what we offered without saying why."
            .to_string(),
    }];
    lines.push("We offered:".to_string());
    for piece in Piece::ALL {
        let label = format!("{}:", piece.plural());
        lines.extend(wrapped(&format!("  {label:<18} "), &piece.offered(config)));
    }
    lines.extend(self_defeating(config));
    match probe {
        Some(connect) => lines.extend(probe::run(config, alert, connect)),
        None => {
            lines.extend(likely_missing(alert, config));
            lines.push(
                "--explain finds out: it tries a few more handshakes, each offering a little more."
                    .to_string(),
            );
        }
    }
    lines
}

/// How wide a list of names may run before it wraps, in characters.
const WIDTH: usize = 100;

/// `prefix` and `names`, comma-separated, wrapped at [`WIDTH`] with the
/// continuation lines aligned under the first name.
fn wrapped(prefix: &str, names: &[&str]) -> Vec<String> {
    let indent = " ".repeat(prefix.chars().count());
    let mut lines = Vec::new();
    let mut line = prefix.to_string();
    for (i, name) in names.iter().enumerate() {
        let comma = if i + 1 < names.len() { "," } else { "" };
        if i > 0 && line.len() + 1 + name.len() + comma.len() > WIDTH {
            lines.push(line);
            line = indent.clone();
        } else if i > 0 {
            line.push(' ');
        }
        line.push_str(name);
        line.push_str(comma);
    }
    lines.push(line);
    lines
}

/// What an alert sent in answer to a ClientHello says (RFC 8446 §6.2),
/// as the end of a sentence.
fn refusal_meaning(alert: AlertDescription) -> &'static str {
    use AlertDescription as A;
    match alert {
        A::HandshakeFailure => {
            ": it found no acceptable set of parameters, so one of the lists below has nothing it \
             accepts"
        }
        A::ProtocolVersion => ": it speaks none of the versions we offered",
        A::InsufficientSecurity => {
            ": it wants something stronger than we offered (a larger group, a stronger suite)"
        }
        A::IllegalParameter | A::DecodeError => {
            ": it found a field of our ClientHello malformed or not allowed, a bug on one side or \
             the other (--trace shows our ClientHello byte by byte)"
        }
        A::UnrecognizedName => ": it does not serve the name we asked for in server_name",
        A::MissingExtension | A::UnsupportedExtension => {
            ": it wants an extension we did not send, or refuses one we did"
        }
        A::InternalError => ": something failed on its side, not in what we sent",
        A::AccessDenied => ": it refuses us, whatever we offer",
        _ => "",
    }
}

/// Offers that cannot work whatever the server accepts: a version without
/// a suite of its own, or TLS 1.3 with only PKCS#1 v1.5 signatures.
fn self_defeating(config: &ClientConfig) -> Vec<String> {
    let mut lines = Vec::new();
    let has_suite = |v: &ProtocolVersion| {
        config.cipher_suites.iter().any(|s| s.is_tls13() == (*v == ProtocolVersion::Tls13))
    };
    if !config.versions.iter().any(has_suite) {
        let versions: Vec<&str> = config.versions.iter().map(|v| v.name()).collect();
        lines.push(format!(
            "Our offer cannot work: none of the suites we offered is for {}.",
            versions.join(" or ")
        ));
    }
    // RFC 8446 §4.4.3: RSASSA-PKCS1-v1_5 never signs a TLS 1.3 handshake.
    if config.versions == [ProtocolVersion::Tls13]
        && !config.signature_schemes.iter().any(|s| s.allowed_in(ProtocolVersion::Tls13))
    {
        lines.push(
            "Our offer cannot work: TLS 1.3 handshakes are never signed with rsa_pkcs1_* schemes \
             (RFC 8446 §4.4.3), and we offered no other."
                .to_string(),
        );
    }
    lines
}

/// The likely missing piece, reasoned from the alert and from what the
/// command line left out of our offer, without asking the server again.
fn likely_missing(alert: Option<AlertDescription>, config: &ClientConfig) -> Vec<String> {
    let narrowed: Vec<Piece> = Piece::ALL.into_iter().filter(|p| !p.is_full(config)).collect();
    if alert == Some(AlertDescription::ProtocolVersion) {
        return vec![if narrowed.contains(&Piece::Version) {
            Piece::Version.narrowed(config)
        } else {
            "Likely missing (a guess): a version Padlock speaks; the server may speak only TLS 1.1 \
             or older, which Padlock does not implement."
                .to_string()
        }];
    }
    if narrowed.is_empty() {
        return vec![format!(
            "We offered everything Padlock implements, so the server most likely wants something \
             Padlock lacks (a guess): {}.",
            lacking(&[Piece::Group, Piece::Scheme, Piece::Suite])
        )];
    }
    let mut lines =
        vec!["Likely missing (a guess from the alert and what the command line left out):".into()];
    lines.extend(narrowed.iter().map(|piece| format!("  {}", piece.narrowed(config))));
    lines
}

/// Common choices Padlock does not implement, as registry names: what a
/// server that refuses all we offer most likely wants. `pieces` says of
/// which kinds: "a group such as secp256r1, ...; or a signature scheme
/// such as ...".
pub(crate) fn lacking(pieces: &[Piece]) -> String {
    let parts: Vec<String> = pieces
        .iter()
        .filter_map(|&piece| {
            let (codes, lookup): (&[u16], fn(u16) -> CodePoint) = match piece {
                Piece::Group => (LACKING_GROUPS, registry::group),
                Piece::Scheme => (LACKING_SCHEMES, registry::signature_scheme),
                Piece::Suite => (LACKING_SUITES, registry::cipher_suite),
                Piece::Version => return None,
            };
            let names: Vec<String> = codes
                .iter()
                .map(|&code| (code, lookup(code)))
                .filter(|(_, point)| !point.implemented())
                .map(|(code, point)| point.name(code))
                .collect();
            (!names.is_empty()).then(|| format!("a {} such as {}", piece.name(), names.join(", ")))
        })
        .collect();
    if parts.is_empty() { "something Padlock does not implement".to_string() } else { parts.join("; or ") }
}

/// Groups servers use that Padlock may lack: NIST curves, x448, the hybrids.
const LACKING_GROUPS: &[u16] = &[23, 24, 25, 0x11ec, 0x11eb, 0x11ed, 30];
/// ECDSA (an ECDSA certificate), EdDSA.
const LACKING_SCHEMES: &[u16] = &[0x0403, 0x0503, 0x0603, 0x0807, 0x0808];
/// ECDSA certificates' suites, CCM, and the CBC suites of older servers.
const LACKING_SUITES: &[u16] = &[0xc02b, 0xc02c, 0x1304, 0xc013, 0xc014, 0x002f, 0x0035];

/// Something failed after the server answered our ClientHello, other than
/// its certificate: what was agreed, and what went wrong then.
fn after_hello(error: &Error, negotiated: &Negotiated) -> Vec<String> {
    let mut lines = vec![format!("The server answered our ClientHello: {}.", agreed(negotiated))];
    let then = match error {
        Error::AlertReceived(AlertDescription::CertificateRequired)
        | Error::AlertReceived(AlertDescription::BadCertificate) => {
            "Then it refused us: it wants a client certificate, which padlock client does not send."
        }
        Error::AlertReceived(AlertDescription::DecryptError | AlertDescription::BadRecordMac) => {
            "Then it could not check our Finished or our records: the two sides derived different \
             keys, a bug on one side (--trace and --keylog show every secret)."
        }
        Error::AlertReceived(_) => "Then it gave up, with the alert above.",
        Error::DecryptError(_) => {
            "Then its signature or Finished did not check out: the server may hold a key that is not \
             the one in its certificate, or someone on the path changed the handshake."
        }
        Error::NoCommonParameters(_) => "Then it chose something we refuse (above).",
        Error::IllegalParameter(_) | Error::Downgrade | Error::UnsupportedExtension(_) => {
            "Then it sent something we did not offer or the protocol forbids: a bug in the server, or \
             someone on the path."
        }
        Error::UnexpectedEof => "Then it closed the connection in the middle of the handshake.",
        _ => return lines,
    };
    lines.push(then.to_string());
    lines
}

/// "TLS 1.3, TLS_AES_128_GCM_SHA256, group x25519".
pub(crate) fn agreed(negotiated: &Negotiated) -> String {
    format!(
        "{}, {}, {}",
        negotiated.version_name(),
        negotiated.suite.name(),
        match crate::narrate::group_name(negotiated.key_exchange) {
            Some(group) => format!("group {group}"),
            None => "RSA key transport".to_string(),
        }
    )
}

/// One list of a ClientHello that must meet one of the server's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Piece {
    /// supported_versions.
    Version,
    /// cipher_suites.
    Suite,
    /// supported_groups (and the key share).
    Group,
    /// signature_algorithms.
    Scheme,
}

impl Piece {
    /// Every piece, in the order the lists are shown.
    pub(crate) const ALL: [Piece; 4] = [Piece::Version, Piece::Suite, Piece::Group, Piece::Scheme];

    /// "group".
    pub(crate) fn name(self) -> &'static str {
        match self {
            Piece::Version => "version",
            Piece::Suite => "cipher suite",
            Piece::Group => "group",
            Piece::Scheme => "signature scheme",
        }
    }

    /// "groups".
    pub(crate) fn plural(self) -> &'static str {
        match self {
            Piece::Version => "versions",
            Piece::Suite => "cipher suites",
            Piece::Group => "groups",
            Piece::Scheme => "signature schemes",
        }
    }

    /// The flag of `padlock client` that narrows it.
    pub(crate) fn flag(self) -> &'static str {
        match self {
            Piece::Version => "--tls",
            Piece::Suite => "--suite",
            Piece::Group => "--group",
            Piece::Scheme => "--sigalgs",
        }
    }

    /// What `config` offers of this piece, by name, in its order.
    pub(crate) fn offered(self, config: &ClientConfig) -> Vec<&'static str> {
        match self {
            Piece::Version => config.versions.iter().map(|v| v.name()).collect(),
            Piece::Suite => config.cipher_suites.iter().map(|s| s.name()).collect(),
            Piece::Group => config.groups.iter().map(|g| g.name()).collect(),
            Piece::Scheme => config.signature_schemes.iter().map(|s| s.name()).collect(),
        }
    }

    /// What Padlock has of this piece that `config` leaves out.
    pub(crate) fn left_out(self, config: &ClientConfig) -> Vec<&'static str> {
        let offered = self.offered(config);
        self.offered(&everything()).into_iter().filter(|name| !offered.contains(name)).collect()
    }

    /// Whether `config` offers all Padlock has of this piece.
    pub(crate) fn is_full(self, config: &ClientConfig) -> bool {
        self.left_out(config).is_empty()
    }

    /// Makes `config` offer all Padlock has of this piece.
    pub(crate) fn widen(self, config: &mut ClientConfig) {
        let everything = everything();
        match self {
            Piece::Version => config.versions = everything.versions,
            Piece::Suite => config.cipher_suites = everything.cipher_suites,
            Piece::Group => {
                config.groups = everything.groups;
                config.key_share_groups = everything.key_share_groups;
            }
            Piece::Scheme => config.signature_schemes = everything.signature_schemes,
        }
    }

    /// "the group: we offered only x25519; Padlock also has ffdhe2048,
    /// ffdhe3072 (leave out --group, or choose one with it)".
    fn narrowed(self, config: &ClientConfig) -> String {
        format!(
            "the {}: we offered only {}; Padlock also has {} (leave out {}, or choose one with it)",
            self.name(),
            self.offered(config).join(", "),
            self.left_out(config).join(", "),
            self.flag()
        )
    }
}

/// Everything Padlock's client can offer: the defaults of
/// [`ClientConfig::new`].
pub(crate) fn everything() -> ClientConfig {
    ClientConfig::new("localhost", Vec::new())
}

/// What the client saw of one handshake, gathered from its trace events.
#[derive(Clone, Default)]
pub(crate) struct Seen {
    /// A ServerHello (or HelloRetryRequest) arrived: the server answered
    /// our ClientHello.
    pub(crate) answered: bool,
    /// What the handshake settled (TLS 1.2 with (EC)DHE: once the
    /// ServerKeyExchange named the group).
    pub(crate) negotiated: Option<Negotiated>,
    /// The scheme of the server's handshake signature, once it checked out.
    pub(crate) scheme: Option<SignatureScheme>,
    /// The server's Certificate message as it came: body, and the version
    /// that decides how it reads. Decoded only when needed.
    certificates: Option<(Vec<u8>, ProtocolVersion)>,
}

impl Seen {
    /// Takes what matters from one event.
    fn record(&mut self, event: &Event) {
        match event {
            Event::Handshake { sent: false, typ: HandshakeType::ServerHello, .. }
            | Event::HelloRetryRequest { .. } => self.answered = true,
            Event::Handshake {
                sent: false,
                typ: HandshakeType::Certificate,
                bytes,
                version: Some(v),
                ..
            } => {
                self.certificates = Some((bytes.get(4..).unwrap_or_default().to_vec(), *v));
            }
            Event::Negotiated(negotiated) => {
                self.answered = true;
                self.negotiated = Some(negotiated.clone());
            }
            Event::Check { check: Check::Signature { scheme, .. }, passed: true } => {
                self.scheme = Some(*scheme)
            }
            _ => {}
        }
    }

    /// The server's certificates that parse, leaf first.
    pub(crate) fn chain(&self) -> Vec<Certificate> {
        let Some((body, version)) = &self.certificates else {
            return Vec::new();
        };
        let Ok(message) = CertificateMessage::decode(body, *version) else {
            return Vec::new();
        };
        message.entries.iter().filter_map(|(der, _)| Certificate::from_der(der).ok()).collect()
    }
}

/// Collects a [`Seen`] from a connection's trace events, passing every
/// event on to the sink it wraps (the `--trace` narration, if any).
#[derive(Clone, Default)]
pub(crate) struct Recorder(Arc<Mutex<Seen>>);

impl Recorder {
    /// A trace sink that records into this recorder, then calls `next`.
    pub(crate) fn sink(&self, next: Option<TraceSink>) -> TraceSink {
        let seen = Arc::clone(&self.0);
        Arc::new(move |side, event| {
            if let Ok(mut seen) = seen.lock() {
                seen.record(event);
            }
            if let Some(next) = &next {
                next(side, event);
            }
        })
    }

    /// What was recorded so far.
    pub(crate) fn seen(&self) -> Seen {
        match self.0.lock() {
            Ok(seen) => seen.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }
}

#[cfg(test)]
mod tests;
