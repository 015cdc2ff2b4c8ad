//! Renders the TLS trace events ([`padlock_tls::trace::Event`]) for people
//! and for tools.
//!
//! For people, each event becomes a few lines tagged with the side that
//! emitted it (`client` or `server`): handshake messages as annotated hex
//! dumps ([`crate::annotate`]), secrets and keys with their names, checks
//! with `ok` or `FAILED`, and application data with its plaintext, the
//! sealed record and the tag. The same renderer serves `--trace` on
//! `padlock server` and `padlock client` ([`sink`]) and `padlock demo`, which
//! adds the step headings and explanations around it.
//!
//! For tools, `--json` prints one JSON object per event and line ([`json`]),
//! written by hand: byte strings as lower-case hex, text escaped per RFC 8259 §7.

use std::fmt::Write as _;
use std::io::Write as _;
use std::sync::{Arc, Mutex};

use padlock_tls::alert::AlertDescription;
use padlock_tls::key_schedule::SecretKind;
use padlock_tls::messages::{HandshakeType, version};
use padlock_tls::record::AeadAlgorithm;
use padlock_tls::trace::{Check, Direction, Event, KeyExchangeValue, KeyStage, Side, TraceSink, hex};
use padlock_tls::{KeyExchange, NamedGroup, Negotiated, ProtocolVersion};

use crate::annotate;
use crate::escape::for_terminal;

/// How events are shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Style {
    /// Annotated text, with ANSI colour.
    Color,
    /// Annotated text, plain.
    Plain,
    /// One JSON object per line.
    Json,
}

/// A trace sink that prints every event to standard output in `style`.
/// Events from several connections (or both sides) never interleave
/// within one event: a lock is held while one is printed.
pub(crate) fn sink(style: Style) -> TraceSink {
    let lock = Arc::new(Mutex::new(()));
    Arc::new(move |side: Side, event: &Event| {
        let text = match style {
            Style::Json => json(side, event),
            Style::Color | Style::Plain => render(side, event, style == Style::Color, true),
        };
        let _guard = lock.lock();
        // A closed stdout must not take the connection down with it.
        let _ = writeln!(std::io::stdout().lock(), "{text}");
    })
}

/// The colours the text uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Tone {
    /// A step heading.
    Heading,
    /// Explanations.
    Explain,
    /// The client's tag.
    Client,
    /// The server's tag.
    Server,
    /// A check that passed.
    Good,
    /// A check that failed, an alert.
    Bad,
    /// Offsets and other scaffolding.
    Dim,
    /// Bytes and values.
    Value,
}

/// `text` in the ANSI colour of `tone` if `color`, else as it is.
pub(crate) fn paint(color: bool, tone: Tone, text: &str) -> String {
    if !color || text.is_empty() {
        return text.to_string();
    }
    let code = match tone {
        Tone::Heading => "1;4",
        Tone::Explain => "3",
        Tone::Client => "1;36",
        Tone::Server => "1;35",
        Tone::Good => "1;32",
        Tone::Bad => "1;31",
        Tone::Dim => "2",
        Tone::Value => "33",
    };
    format!("\x1b[{code}m{text}\x1b[0m")
}

/// The `client` / `server` tag, padded to one width.
pub(crate) fn tag(side: Side, color: bool) -> String {
    let tone = if side == Side::Client { Tone::Client } else { Tone::Server };
    paint(color, tone, &format!("{:<6}", side.name()))
}

/// Up to 48 bytes in full (a SHA-384 secret), else the first 32 as hex
/// then "... (N bytes)".
pub(crate) fn short_hex(bytes: &[u8]) -> String {
    if bytes.len() <= 48 { hex(bytes) } else { format!("{}... ({} bytes)", hex(&bytes[..32]), bytes.len()) }
}

/// One event as text, standalone: its first line carries the side's tag.
/// `dump` asks for the hex dump of a handshake message (the demo shows
/// each message once, when it is sent).
pub(crate) fn render(side: Side, event: &Event, color: bool, dump: bool) -> String {
    let who = tag(side, color);
    let arrow = |sent: bool| if sent { "->" } else { "<-" };
    let verb = |sent: bool| if sent { "sends" } else { "receives" };
    let value = |bytes: &[u8]| paint(color, Tone::Value, &short_hex(bytes));
    let mut out = String::new();
    match event {
        Event::Handshake { sent, typ, bytes, version, kx } => {
            let _ =
                write!(out, "{who} {} {} {} ({} bytes)", arrow(*sent), verb(*sent), typ.name(), bytes.len());
            if dump {
                let lines = annotate::dissect(bytes, *version, *kx);
                for line in annotate::render(bytes, &lines, color, "         ") {
                    let _ = write!(out, "\n{line}");
                }
            }
        }
        Event::ChangeCipherSpec { sent } => {
            let _ = write!(out, "{who} {} {} ChangeCipherSpec (one byte, 01)", arrow(*sent), verb(*sent));
        }
        Event::Record { sent, content_type, bytes } => {
            let header = bytes.get(..5).map(hex).unwrap_or_default();
            let _ = write!(
                out,
                "{who} {} record: {}, {} bytes (header {})",
                arrow(*sent),
                content_type.name(),
                bytes.len(),
                paint(color, Tone::Value, &header)
            );
        }
        Event::ApplicationData { sent, plaintext, record, version, aead } if dump => {
            let layout = Layout::of(*version, *aead);
            out = application_data(&who, *sent, plaintext, record, layout, color);
        }
        Event::ApplicationData { sent, plaintext, record, .. } => {
            let (verb, checked) = if *sent { ("-> seals", "") } else { ("<- opens", ", tag checked") };
            let _ = write!(
                out,
                "{who} {verb} {} bytes of application data ({}-byte record{checked})",
                plaintext.len(),
                record.len()
            );
        }
        Event::Negotiated(negotiated) => {
            let group =
                group_name(negotiated.key_exchange).map(|g| format!(", group {g}")).unwrap_or_default();
            let _ = write!(
                out,
                "{who}    negotiated {}, {}{group}\n         why: {}",
                negotiated.version.name(),
                negotiated.suite.name(),
                why(side, negotiated)
            );
        }
        Event::KeyExchange { value: what, group, bytes } => {
            let name = key_exchange_name(side, *what, *group);
            let _ = write!(out, "{who}    {name} ({} bytes): {}", bytes.len(), value(bytes));
        }
        Event::Secret { kind, value: v } => {
            let _ = write!(out, "{who}    secret {:<16} {}", secret_name(side, *kind), value(v));
        }
        Event::KeysInstalled { direction, stage, key, iv } => {
            let direction = if *direction == Direction::Write { "sending" } else { "receiving" };
            let stage = match stage {
                KeyStage::Handshake => "handshake",
                KeyStage::Application => "application",
                KeyStage::Updated => "application (updated)",
            };
            let iv_name = if iv.len() == 4 { "salt" } else { "iv" };
            let _ = write!(
                out,
                "{who}    {stage} keys for {direction}: key {}, {iv_name} {}",
                value(key),
                value(iv)
            );
        }
        Event::Check { check, passed } => {
            let verdict =
                if *passed { paint(color, Tone::Good, "ok    ") } else { paint(color, Tone::Bad, "FAILED") };
            let (what, detail) = check_words(check, *passed);
            let _ = write!(out, "{who}    check {verdict} {what}");
            if !detail.is_empty() {
                let _ = write!(out, "\n                        {detail}");
            }
        }
        Event::Alert { sent, level, description } => {
            let text = format!("alert ({}): {}", level.name(), description.name());
            let tone = if *description == AlertDescription::CloseNotify { Tone::Value } else { Tone::Bad };
            let _ = write!(out, "{who} {} {} {}", arrow(*sent), verb(*sent), paint(color, tone, &text));
        }
        other => {
            let _ = write!(out, "{who}    {}", paint(color, Tone::Explain, &note(side, other)));
        }
    }
    out
}

/// The name of the group a key exchange used: a named group's ("x25519"),
/// or padlock-dh's for a group a TLS 1.2 server sent as p and g
/// ("modp_2048", "safe-prime-3072"); `None` for RSA key transport.
pub(crate) fn group_name(key_exchange: KeyExchange) -> Option<&'static str> {
    match key_exchange {
        KeyExchange::Named(group) => Some(group.name()),
        KeyExchange::ExplicitFfdhe(group) => Some(group.name),
        KeyExchange::RsaKeyTransport => None,
    }
}

/// Why the side chose, or was given, what was negotiated.
fn why(side: Side, n: &Negotiated) -> String {
    let group = group_name(n.key_exchange);
    match (side, n.version) {
        (Side::Client, ProtocolVersion::Tls13) => {
            format!("the server chose {} and {} from our offer", n.suite.name(), group.unwrap_or("no group"))
        }
        (Side::Client, ProtocolVersion::Tls12) => format!(
            "the server chose TLS 1.2 and {}{}{}",
            n.suite.name(),
            group.map(|g| format!(" with group {g}")).unwrap_or_default(),
            if n.extended_master_secret { ", with the extended master secret" } else { "" }
        ),
        (Side::Server, ProtocolVersion::Tls13) => format!(
            "TLS 1.3 is the best version both speak; {} is our first choice among the client's suites; {} is our first choice among its groups",
            n.suite.name(),
            group.unwrap_or("no group")
        ),
        (Side::Server, ProtocolVersion::Tls12) => format!(
            "the client offers no TLS 1.3 we accept (or we prefer 1.2); {} is our first choice among its suites{}",
            n.suite.name(),
            if n.extended_master_secret { "; extended master secret (RFC 7627) on" } else { "" }
        ),
    }
}

/// A value of the key exchange, named from the emitting side's view.
pub(crate) fn key_exchange_name(side: Side, value: KeyExchangeValue, group: Option<NamedGroup>) -> String {
    match (value, group) {
        (KeyExchangeValue::Public(from), Some(group)) if group.is_ffdhe() => {
            let y = if from == Side::Server { "Ys" } else { "Yc" };
            format!("{} DH public value {y} ({})", from.name(), group.name())
        }
        (KeyExchangeValue::Public(from), Some(group)) => {
            format!("{} {} public key", from.name(), group.name())
        }
        (KeyExchangeValue::Public(from), None) => format!("{} public value", from.name()),
        (KeyExchangeValue::SharedSecret, Some(group)) => {
            format!("{} shared secret ({})", group.name(), side.name())
        }
        (KeyExchangeValue::SharedSecret, None) => format!("shared secret ({})", side.name()),
        (KeyExchangeValue::EncryptedPremaster, _) => "encrypted premaster secret".into(),
    }
}

/// A secret's name: the RFC's label, and for a KeyUpdate's next secret
/// which direction it now protects for this side.
fn secret_name(side: Side, kind: SecretKind) -> String {
    match kind {
        SecretKind::ClientApplicationTrafficNext | SecretKind::ServerApplicationTrafficNext => {
            let direction = if kind.sender() == Some(side) { "write" } else { "read" };
            format!("{} ({direction})", kind.label())
        }
        _ => kind.label().to_string(),
    }
}

/// What a check is, and its details, in words.
fn check_words(check: &Check, passed: bool) -> (String, String) {
    match check {
        Check::CertificatesParse { subject, issuer, count } => (
            "certificate parses (RFC 5280)".into(),
            format!(
                "subject {}, issuer {}, {count} in the chain",
                for_terminal(subject),
                for_terminal(issuer)
            ),
        ),
        Check::CertificatesNotVerified => {
            ("certificate chain and name".into(), "NOT checked (--insecure)".into())
        }
        Check::CertificatePath(path) => {
            let names: Vec<String> = path.iter().map(|n| for_terminal(n).into_owned()).collect();
            ("chain to a trust anchor, validity dates".into(), names.join(" <- "))
        }
        Check::CertificateName(host) => {
            (format!("certificate is valid for the name '{}' (RFC 6125)", for_terminal(host)), String::new())
        }
        Check::CertificateRejected(error) => {
            ("certificate chain and name".into(), for_terminal(&error.to_string()).into_owned())
        }
        Check::Signature { message, scheme } => {
            let detail = if *message == HandshakeType::CertificateVerify {
                "the server holds the certificate's private key and signed this transcript"
            } else {
                "the server signed client_random + server_random + its DH parameters"
            };
            (format!("{} signature ({})", message.name(), scheme.name()), detail.into())
        }
        Check::Finished { sender, version } => {
            let detail = match version {
                ProtocolVersion::Tls13 => {
                    format!("HMAC over the whole transcript with the {}'s finished_key", sender.name())
                }
                ProtocolVersion::Tls12 => {
                    format!("PRF(master_secret, \"{} finished\", transcript hash)", sender.name())
                }
            };
            (format!("{} Finished", sender.name()), detail)
        }
        Check::DowngradeSentinel => {
            let detail = if passed {
                "the server random does not end in DOWNGRD"
            } else {
                "the server random ends in DOWNGRD 01"
            };
            ("downgrade sentinel (RFC 8446 §4.1.3)".into(), detail.into())
        }
    }
}

/// The events that are narration only, in words.
fn note(side: Side, event: &Event) -> String {
    match event {
        Event::ServerName(name) => {
            format!("the client asks for the server name '{}' (SNI)", for_terminal(name))
        }
        Event::HelloRetryRequest { group } if side == Side::Client => format!(
            "HelloRetryRequest: the server wants a key share for {}",
            group.map_or("(the same groups)", |g| g.name())
        ),
        Event::HelloRetryRequest { group } => format!(
            "no key share for a group we accept: HelloRetryRequest asking for {}",
            group.map_or("(no group)", |g| g.name())
        ),
        Event::TicketIgnored => "NewSessionTicket received and ignored (no resumption)".into(),
        Event::RenegotiationRefused(typ) => format!("{} received: renegotiation refused", typ.name()),
        Event::Failed(error) => format!("connection failed: {}", for_terminal(&error.to_string())),
        other => format!("{other:?}"),
    }
}

/// How a protected record is laid out: RFC 5288 §3 (TLS 1.2 AES-GCM) adds
/// an 8-byte explicit nonce; RFC 7905 (TLS 1.2 ChaCha20-Poly1305) does not;
/// RFC 8446 §5.2 (TLS 1.3) encrypts the content type with the data.
#[derive(Clone, Copy)]
struct Layout {
    explicit_nonce: usize,
    hidden_type: bool,
    chacha: bool,
}

impl Layout {
    fn of(version: Option<ProtocolVersion>, aead: Option<AeadAlgorithm>) -> Layout {
        let tls13 = version == Some(ProtocolVersion::Tls13);
        let aead = aead.unwrap_or(AeadAlgorithm::Aes128Gcm);
        Layout {
            explicit_nonce: if tls13 { 0 } else { aead.tls12_explicit_nonce_len() },
            hidden_type: tls13,
            chacha: aead == AeadAlgorithm::ChaCha20Poly1305,
        }
    }
}

/// Application data: the plaintext, then the record that carried it cut
/// into header, [explicit nonce,] ciphertext and tag.
fn application_data(
    who: &str,
    sent: bool,
    plaintext: &[u8],
    record: &[u8],
    layout: Layout,
    color: bool,
) -> String {
    const TAG_LEN: usize = 16;
    let verb = if sent { "-> seals" } else { "<- opens" };
    let mut out = format!("{who} {verb} {} bytes of application data", plaintext.len());
    let _ = write!(out, "\n         plaintext:  {}", paint(color, Tone::Value, &quote(plaintext)));
    let (Some(header), Some(body)) = (record.get(..5), record.get(5..)) else {
        let _ = write!(out, "\n         record:     {}", short_hex(record));
        return out;
    };
    let length = u16::from_be_bytes([header[3], header[4]]);
    let _ = write!(
        out,
        "\n         header      {}  type 23 (application_data), version {}, {length} bytes follow",
        paint(color, Tone::Value, &spaced(header)),
        version::name(u16::from_be_bytes([header[1], header[2]]))
    );
    let (nonce, sealed) = body.split_at(layout.explicit_nonce.min(body.len()));
    if !nonce.is_empty() {
        let _ = write!(
            out,
            "\n         nonce       {}  explicit nonce, 8 bytes (RFC 5288 §3: salt || this = the GCM nonce)",
            paint(color, Tone::Value, &spaced(nonce))
        );
    }
    let split = sealed.len().saturating_sub(TAG_LEN);
    let (ciphertext, tag) = sealed.split_at(split);
    let inner =
        if layout.hidden_type { ", the last byte the hidden content type (RFC 8446 §5.2)" } else { "" };
    let (cipher, mac) = if layout.chacha {
        (
            "ChaCha20",
            "Poly1305, keyed with the first 32 bytes of ChaCha20 block 0 (RFC 8439 §2.6), authenticates header and ciphertext",
        )
    } else {
        ("AES-GCM", "GHASH authenticates header and ciphertext")
    };
    let _ = write!(
        out,
        "\n         ciphertext  {}  {} bytes: {cipher} keystream XOR plaintext{inner}",
        paint(color, Tone::Value, &spaced(ciphertext)),
        ciphertext.len()
    );
    let _ = write!(out, "\n         tag         {}  16 bytes: {mac}", paint(color, Tone::Value, &hex(tag)));
    out
}

/// Bytes as `17 03 03`, with "..." after 16 of them.
fn spaced(bytes: &[u8]) -> String {
    let text: Vec<String> = bytes.iter().take(16).map(|b| format!("{b:02x}")).collect();
    if bytes.len() > 16 { format!("{} ...", text.join(" ")) } else { text.join(" ") }
}

/// Bytes as a quoted string with escapes (`"GET / HTTP/1.1\r\n..."`),
/// cut after 160 characters.
pub(crate) fn quote(bytes: &[u8]) -> String {
    let text: String = String::from_utf8_lossy(bytes).escape_debug().collect();
    if text.chars().count() > 160 {
        let cut: String = text.chars().take(160).collect();
        format!("\"{cut}\"... ({} bytes)", bytes.len())
    } else {
        format!("\"{text}\"")
    }
}

/// One event as one JSON object (no newline): `side`, `event` and the
/// event's fields; bytes as hex strings, kinds as their names.
pub(crate) fn json(side: Side, event: &Event) -> String {
    let mut fields: Vec<(&str, Json)> = vec![("side", Json::Str(side.name().into()))];
    let mut put = |name: &'static str, value: Json| fields.push((name, value));
    let text = |s: &str| Json::Str(s.to_string());
    match event {
        Event::Handshake { sent, typ, bytes, version, kx } => {
            put("event", text("handshake"));
            put("sent", Json::Bool(*sent));
            put("type", text(typ.name()));
            put("version", version.map_or(Json::Null, |v| text(v.name())));
            put("kx", kx.map_or(Json::Null, |k| Json::Str(format!("{k:?}"))));
            put("bytes", Json::Str(hex(bytes)));
        }
        Event::ChangeCipherSpec { sent } => {
            put("event", text("change_cipher_spec"));
            put("sent", Json::Bool(*sent));
        }
        Event::Record { sent, content_type, bytes } => {
            put("event", text("record"));
            put("sent", Json::Bool(*sent));
            put("content_type", text(content_type.name()));
            put("bytes", Json::Str(hex(bytes)));
        }
        Event::ApplicationData { sent, plaintext, record, version, aead } => {
            put("event", text("application_data"));
            put("sent", Json::Bool(*sent));
            put("version", version.map_or(Json::Null, |v| text(v.name())));
            put("aead", aead.map_or(Json::Null, |a| text(a.name())));
            put("plaintext", Json::Str(hex(plaintext)));
            put("record", Json::Str(hex(record)));
        }
        Event::Negotiated(n) => {
            put("event", text("negotiated"));
            put("version", text(n.version.name()));
            put("suite", text(n.suite.name()));
            put("group", group_name(n.key_exchange).map_or(Json::Null, text));
            put("extended_master_secret", Json::Bool(n.extended_master_secret));
            put("why", Json::Str(why(side, n)));
        }
        Event::KeyExchange { value, group, bytes } => {
            put("event", text("key_exchange"));
            put("name", Json::Str(key_exchange_name(side, *value, *group)));
            put("group", group.map_or(Json::Null, |g| text(g.name())));
            put("value", Json::Str(hex(bytes)));
        }
        Event::Secret { kind, value } => {
            put("event", text("secret"));
            put("kind", Json::Str(format!("{kind:?}")));
            put("name", Json::Str(secret_name(side, *kind)));
            put("value", Json::Str(hex(value)));
        }
        Event::KeysInstalled { direction, stage, key, iv } => {
            put("event", text("keys_installed"));
            put("write", Json::Bool(*direction == Direction::Write));
            put("stage", Json::Str(format!("{stage:?}").to_lowercase()));
            put("key", Json::Str(hex(key)));
            put("iv", Json::Str(hex(iv)));
        }
        Event::Check { check, passed } => {
            let (what, detail) = check_words(check, *passed);
            put("event", text("check"));
            put("what", Json::Str(what));
            put("passed", Json::Bool(*passed));
            put("detail", Json::Str(detail));
        }
        Event::Alert { sent, level, description } => {
            put("event", text("alert"));
            put("sent", Json::Bool(*sent));
            put("level", Json::Num(u64::from(level.to_u8())));
            put("description", text(description.name()));
        }
        Event::Failed(error) => {
            put("event", text("failed"));
            put("error", Json::Str(error.to_string()));
            put("alert", error.alert().map_or(Json::Null, |a| text(a.name())));
        }
        other => {
            put("event", text("note"));
            put("text", Json::Str(note(side, other)));
        }
    }
    object(&fields)
}

/// A JSON value, as much of JSON as the events need.
pub(crate) enum Json {
    /// A string (escaped on output).
    Str(String),
    /// A non-negative integer.
    Num(u64),
    /// true or false.
    Bool(bool),
    /// null.
    Null,
}

/// `{"name":value,...}` on one line.
pub(crate) fn object(fields: &[(&str, Json)]) -> String {
    let mut out = String::from("{");
    for (i, (name, value)) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&string(name));
        out.push(':');
        match value {
            Json::Str(text) => out.push_str(&string(text)),
            Json::Num(n) => out.push_str(&n.to_string()),
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::Null => out.push_str("null"),
        }
    }
    out.push('}');
    out
}

/// A JSON string literal (RFC 8259 §7): quote, backslash and control
/// characters escaped; everything else as UTF-8.
pub(crate) fn string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 || c == '\u{7f}' => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_strings_are_escaped() {
        assert_eq!(string("a\"b\\c\n\u{1}é"), "\"a\\\"b\\\\c\\n\\u0001é\"");
        let line = json(Side::Server, &Event::ServerName("say \"hi\"".into()));
        assert_eq!(
            line,
            r#"{"side":"server","event":"note","text":"the client asks for the server name 'say \"hi\"' (SNI)"}"#
        );
    }
}
