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

use padlock_tls::messages::version;
use padlock_tls::trace::{Event, Side, TraceSink, hex};

use crate::annotate;

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
    let value = |bytes: &[u8]| paint(color, Tone::Value, &short_hex(bytes));
    let mut out = String::new();
    match event {
        Event::Handshake { sent, typ, bytes, version, kx } => {
            let verb = if *sent { "sends" } else { "receives" };
            let _ = write!(out, "{who} {} {verb} {} ({} bytes)", arrow(*sent), typ.name(), bytes.len());
            if dump {
                let lines = annotate::dissect(bytes, *version, *kx);
                for line in annotate::render(bytes, &lines, color, "         ") {
                    let _ = write!(out, "\n{line}");
                }
            }
        }
        Event::ChangeCipherSpec { sent } => {
            let verb = if *sent { "sends" } else { "receives" };
            let _ = write!(out, "{who} {} {verb} ChangeCipherSpec (one byte, 01)", arrow(*sent));
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
        Event::ApplicationData { sent, plaintext, record } if dump => {
            out = application_data(&who, *sent, plaintext, record, color);
        }
        Event::ApplicationData { sent, plaintext, record } => {
            let (verb, checked) = if *sent { ("-> seals", "") } else { ("<- opens", ", tag checked") };
            let _ = write!(
                out,
                "{who} {verb} {} bytes of application data ({}-byte record{checked})",
                plaintext.len(),
                record.len()
            );
        }
        Event::Negotiated { version: v, suite, group, why } => {
            let group = group.as_deref().map(|g| format!(", group {g}")).unwrap_or_default();
            let _ =
                write!(out, "{who}    negotiated {}, {suite}{group}\n         why: {why}", version::name(*v));
        }
        Event::KeyExchange { name, value: v } => {
            let _ = write!(out, "{who}    {name} ({} bytes): {}", v.len(), value(v));
        }
        Event::Secret { name, value: v } => {
            let _ = write!(out, "{who}    secret {name:<16} {}", value(v));
        }
        Event::KeysInstalled { write, stage, key, iv } => {
            let direction = if *write { "sending" } else { "receiving" };
            let iv_name = if iv.len() == 4 { "salt" } else { "iv" };
            let _ = write!(
                out,
                "{who}    {stage} keys for {direction}: key {}, {iv_name} {}",
                value(key),
                value(iv)
            );
        }
        Event::Check { what, passed, detail } => {
            let verdict =
                if *passed { paint(color, Tone::Good, "ok    ") } else { paint(color, Tone::Bad, "FAILED") };
            let _ = write!(out, "{who}    check {verdict} {what}");
            if !detail.is_empty() {
                let _ = write!(out, "\n                        {detail}");
            }
        }
        Event::Alert { sent, level, description } => {
            let level = if *level == 1 { "warning" } else { "fatal" };
            let text = format!("alert ({level}): {}", description.name());
            let tone = if description.name() == "close_notify" { Tone::Value } else { Tone::Bad };
            let verb = if *sent { "sends" } else { "receives" };
            let _ = write!(out, "{who} {} {verb} {}", arrow(*sent), paint(color, tone, &text));
        }
        Event::Note(text) => {
            let _ = write!(out, "{who}    {}", paint(color, Tone::Explain, text));
        }
    }
    out
}

/// Application data: the plaintext, then the record that carried it cut
/// into header, [explicit nonce,] ciphertext and tag. The layout tells the
/// version: RFC 5288 §3 (TLS 1.2) adds an 8-byte explicit nonce; RFC 8446
/// §5.2 (TLS 1.3) encrypts the content type (and padding) with the data.
fn application_data(who: &str, sent: bool, plaintext: &[u8], record: &[u8], color: bool) -> String {
    const TAG_LEN: usize = 16;
    let verb = if sent { "-> seals" } else { "<- opens" };
    let mut out = format!("{who} {verb} {} bytes of application data", plaintext.len());
    let _ = write!(out, "\n         plaintext:  {}", paint(color, Tone::Value, &quote(plaintext)));
    let explicit_nonce = record.len() == 5 + 8 + plaintext.len() + TAG_LEN;
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
    let (nonce, sealed) = if explicit_nonce { body.split_at(8) } else { (&[][..], body) };
    if !nonce.is_empty() {
        let _ = write!(
            out,
            "\n         nonce       {}  explicit nonce, 8 bytes (RFC 5288 §3: salt || this = the GCM nonce)",
            paint(color, Tone::Value, &spaced(nonce))
        );
    }
    let split = sealed.len().saturating_sub(TAG_LEN);
    let (ciphertext, tag) = sealed.split_at(split);
    let inner = if explicit_nonce { "" } else { ", the last byte the hidden content type (RFC 8446 §5.2)" };
    let _ = write!(
        out,
        "\n         ciphertext  {}  {} bytes: AES-GCM keystream XOR plaintext{inner}",
        paint(color, Tone::Value, &spaced(ciphertext)),
        ciphertext.len()
    );
    let _ = write!(
        out,
        "\n         tag         {}  16 bytes: GHASH authenticates header and ciphertext",
        paint(color, Tone::Value, &hex(tag))
    );
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
/// event's fields; bytes as hex strings.
pub(crate) fn json(side: Side, event: &Event) -> String {
    let mut fields: Vec<(&str, Json)> = vec![("side", Json::Str(side.name().into()))];
    let mut put = |name: &'static str, value: Json| fields.push((name, value));
    match event {
        Event::Handshake { sent, typ, bytes, version, kx } => {
            put("event", Json::Str("handshake".into()));
            put("sent", Json::Bool(*sent));
            put("type", Json::Str(typ.name().into()));
            put("version", Json::Str(version::name(*version)));
            put("kx", kx.map_or(Json::Null, |k| Json::Str(format!("{k:?}"))));
            put("bytes", Json::Str(hex(bytes)));
        }
        Event::ChangeCipherSpec { sent } => {
            put("event", Json::Str("change_cipher_spec".into()));
            put("sent", Json::Bool(*sent));
        }
        Event::Record { sent, content_type, bytes } => {
            put("event", Json::Str("record".into()));
            put("sent", Json::Bool(*sent));
            put("content_type", Json::Str(content_type.name().into()));
            put("bytes", Json::Str(hex(bytes)));
        }
        Event::ApplicationData { sent, plaintext, record } => {
            put("event", Json::Str("application_data".into()));
            put("sent", Json::Bool(*sent));
            put("plaintext", Json::Str(hex(plaintext)));
            put("record", Json::Str(hex(record)));
        }
        Event::Negotiated { version: v, suite, group, why } => {
            put("event", Json::Str("negotiated".into()));
            put("version", Json::Str(version::name(*v)));
            put("suite", Json::Str((*suite).into()));
            put("group", group.clone().map_or(Json::Null, Json::Str));
            put("why", Json::Str(why.clone()));
        }
        Event::KeyExchange { name, value } => {
            put("event", Json::Str("key_exchange".into()));
            put("name", Json::Str(name.clone()));
            put("value", Json::Str(hex(value)));
        }
        Event::Secret { name, value } => {
            put("event", Json::Str("secret".into()));
            put("name", Json::Str(name.clone()));
            put("value", Json::Str(hex(value)));
        }
        Event::KeysInstalled { write, stage, key, iv } => {
            put("event", Json::Str("keys_installed".into()));
            put("write", Json::Bool(*write));
            put("stage", Json::Str(stage.clone()));
            put("key", Json::Str(hex(key)));
            put("iv", Json::Str(hex(iv)));
        }
        Event::Check { what, passed, detail } => {
            put("event", Json::Str("check".into()));
            put("what", Json::Str(what.clone()));
            put("passed", Json::Bool(*passed));
            put("detail", Json::Str(detail.clone()));
        }
        Event::Alert { sent, level, description } => {
            put("event", Json::Str("alert".into()));
            put("sent", Json::Bool(*sent));
            put("level", Json::Num(u64::from(*level)));
            put("description", Json::Str(description.name().into()));
        }
        Event::Note(text) => {
            put("event", Json::Str("note".into()));
            put("text", Json::Str(text.clone()));
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
        let line = json(Side::Client, &Event::Note("say \"hi\"".into()));
        assert_eq!(line, r#"{"side":"client","event":"note","text":"say \"hi\""}"#);
    }
}
