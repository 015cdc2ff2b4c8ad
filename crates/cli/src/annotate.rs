//! A dissector of handshake messages into annotated hex dumps, field by field,
//! in the manner of "The Illustrated TLS Connection":
//!
//! ```text
//! 0000  01                 handshake type: ClientHello (1)
//! 0001  00 00 f4           length of the body: 244 bytes
//! 0004  03 03              legacy_version: TLS 1.2 (0x0303) ...
//! ```
//!
//! It renders our own messages in `padlock demo` and whatever a peer sends
//! under `--trace` (OpenSSL, curl, a browser), so it never trusts a length:
//! a [`Walk`] cursor reads each field only after checking it fits, and a
//! length-prefixed vector is walked inside its own bounds. When something does
//! not parse, the rest of that vector (or of the message) is shown as plain
//! hex, and the walk goes on after it. No input makes it panic.
//!
//! Layouts: RFC 8446 §4 (TLS 1.3), RFC 5246 §7.4 (TLS 1.2), RFC 8422 §5
//! (ECDHE), RFC 7627 (EMS), RFC 5746 (renegotiation_info), RFC 5077 (tickets),
//! and the extensions browsers, curl and OpenSSL send that Padlock does not
//! implement: RFC 6066 §8 (status_request), RFC 7301 (ALPN), RFC 6962
//! (signed_certificate_timestamp), RFC 7685 (padding), RFC 8879
//! (compress_certificate), RFC 8449 (record_size_limit), RFC 9345
//! (delegated_credential), draft-vvv-tls-alps (application_settings) and
//! draft-ietf-tls-esni (encrypted_client_hello). Every code point is named
//! from [`padlock_tls::registry`] or beside its layout here; a value nobody
//! registered reads "unknown code point", a GREASE value (RFC 8701) "GREASE".

use padlock_tls::messages::{
    DOWNGRADE_TLS12, HELLO_RETRY_REQUEST_RANDOM, HandshakeType, KeyExchangeAlgorithm, ProtocolVersion, ext,
};
use padlock_tls::registry::{self, CodePoint};

use crate::narrate::{Tone, paint};

mod extension;
use extension::extensions;

/// One annotated field: `len` bytes at `offset` of the message (0 for a
/// note that continues the line before), indented `depth` levels.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Line {
    /// Where the field starts, counted from the message type byte.
    pub(crate) offset: usize,
    /// How many bytes it covers.
    pub(crate) len: usize,
    /// Nesting level (inside how many vectors).
    pub(crate) depth: usize,
    /// What the bytes mean.
    pub(crate) note: String,
}

/// Dissects one handshake message (`type || uint24 length || body`).
/// `version` is the protocol version in force (None before the hellos
/// decide it) and `kx` the TLS 1.2 key exchange; both decide how some
/// bodies read.
pub(crate) fn dissect(
    msg: &[u8],
    version: Option<ProtocolVersion>,
    kx: Option<KeyExchangeAlgorithm>,
) -> Vec<Line> {
    let mut w = Walk { msg, pos: 0, end: msg.len(), depth: 0, lines: Vec::new() };
    let parsed = message(&mut w, version, kx);
    w.depth = 0;
    if parsed.is_none() {
        w.end = msg.len();
        w.rest("not understood, shown raw");
    } else if w.pos < msg.len() {
        w.end = msg.len();
        w.rest("after the end the length announced");
    }
    w.lines
}

/// Renders dissected lines: offset, up to 16 bytes of hex, and the meaning.
/// A field longer than 32 bytes shows its first 16 then "... (N bytes)".
pub(crate) fn render(msg: &[u8], lines: &[Line], color: bool, indent: &str) -> Vec<String> {
    const HEX_WIDTH: usize = 16 * 3;
    let mut out = Vec::new();
    for line in lines {
        let bytes = msg.get(line.offset..line.offset.saturating_add(line.len)).unwrap_or(&[]);
        let shown = if bytes.len() > 32 { &bytes[..16] } else { bytes };
        let mut rows: Vec<String> = shown.chunks(16).map(hex_spaced).collect();
        if bytes.len() > 32 {
            rows.push(format!("... ({} bytes)", bytes.len()));
        }
        if rows.is_empty() {
            rows.push(String::new());
        }
        let note = format!("{}{}", "  ".repeat(line.depth), line.note);
        for (i, row) in rows.iter().enumerate() {
            let offset = if i == 0 && line.len > 0 { format!("{:04x}", line.offset) } else { "    ".into() };
            let text = if i == 0 { note.as_str() } else { "" };
            let row = format!("{row:<HEX_WIDTH$}");
            let lead =
                format!("{indent}{}  {}", paint(color, Tone::Dim, &offset), paint(color, Tone::Value, &row));
            out.push(format!("{lead} {text}").trim_end().to_string());
        }
    }
    out
}

/// Bytes as `01 02 0a`.
fn hex_spaced(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(" ")
}

/// A cursor over one message that records an annotated [`Line`] per field.
/// `end` bounds the vector being walked; every read checks it first.
struct Walk<'a> {
    msg: &'a [u8],
    pos: usize,
    end: usize,
    depth: usize,
    lines: Vec<Line>,
}

impl<'a> Walk<'a> {
    /// Bytes left in the current vector.
    fn left(&self) -> usize {
        self.end.saturating_sub(self.pos)
    }

    /// The next `len` bytes, without moving.
    fn peek(&self, len: usize) -> Option<&'a [u8]> {
        if len > self.left() {
            return None;
        }
        self.msg.get(self.pos..self.pos + len)
    }

    /// Consumes `len` bytes as one annotated field.
    fn field(&mut self, len: usize, note: impl Into<String>) -> Option<&'a [u8]> {
        let bytes = self.peek(len)?;
        self.lines.push(Line { offset: self.pos, len, depth: self.depth, note: note.into() });
        self.pos += len;
        Some(bytes)
    }

    /// A note with no bytes of its own (a second line of explanation).
    fn note(&mut self, note: impl Into<String>) {
        self.lines.push(Line { offset: self.pos, len: 0, depth: self.depth, note: note.into() });
    }

    /// A big-endian integer of `width` bytes, annotated by `note(value)`.
    fn uint(&mut self, width: usize, note: impl FnOnce(u64) -> String) -> Option<u64> {
        let value = self.peek(width)?.iter().fold(0u64, |acc, &b| acc << 8 | u64::from(b));
        self.field(width, note(value))?;
        Some(value)
    }

    /// A `uint16` code point with its name.
    fn code16(&mut self, what: &str, name: impl FnOnce(u16) -> String) -> Option<u16> {
        let value = self.uint(2, |v| format!("{what}: {} (0x{v:04x})", name(v as u16)))?;
        Some(value as u16)
    }

    /// Whatever is left of the current vector, as one raw field.
    fn rest(&mut self, why: &str) {
        let n = self.left();
        if n > 0 {
            let _ = self.field(n, format!("{n} bytes {why}"));
        }
    }

    /// A vector with a `width`-byte length, walked by `body` inside its
    /// bounds. What `body` leaves (or cannot parse) is shown raw.
    fn vector(
        &mut self,
        width: usize,
        what: &str,
        body: impl FnOnce(&mut Walk<'a>) -> Option<()>,
    ) -> Option<()> {
        let len = self
            .uint(width, |n| format!("length of {what}: {n} byte{}", if n == 1 { "" } else { "s" }))?
            as usize;
        if len > self.left() {
            self.note(format!("(the length runs past the end: {} bytes left)", self.left()));
            return None;
        }
        let (outer_end, end) = (self.end, self.pos + len);
        self.end = end;
        self.depth += 1;
        let parsed = body(self);
        if parsed.is_none() {
            self.rest("not understood, shown raw");
        } else {
            self.rest("left over");
        }
        self.depth -= 1;
        self.end = outer_end;
        self.pos = end;
        Some(())
    }

    /// A vector holding one opaque value, annotated `what`.
    fn opaque(&mut self, width: usize, what: &str) -> Option<()> {
        self.vector(width, what, |w| {
            let n = w.left();
            if n > 0 {
                w.field(n, what)?;
            }
            Some(())
        })
    }

    /// A vector of `uint16` code points, each named.
    fn list16(&mut self, width: usize, what: &str, item: &str, name: impl Fn(u16) -> String) -> Option<()> {
        self.vector(width, what, |w| {
            while w.left() > 0 {
                w.code16(item, &name)?;
            }
            Some(())
        })
    }
}

/// The 4-byte header, then the body by type.
fn message(
    w: &mut Walk<'_>,
    version: Option<ProtocolVersion>,
    kx: Option<KeyExchangeAlgorithm>,
) -> Option<()> {
    let code = w.peek(1)?[0];
    let typ = HandshakeType::from_u8(code);
    let type_name = typ.map_or("unknown", HandshakeType::name);
    w.field(1, format!("handshake type: {type_name} ({code})"))?;
    let len = w.uint(3, |n| format!("length of the body: {n} bytes"))? as usize;
    if len < w.left() {
        w.end = w.pos + len;
    } else if len > w.left() {
        w.note(format!("(only {} bytes follow)", w.left()));
    }
    w.depth = 1;
    let tls13 = version == Some(ProtocolVersion::Tls13);
    match typ? {
        HandshakeType::ClientHello => client_hello(w),
        HandshakeType::ServerHello => server_hello(w),
        HandshakeType::EncryptedExtensions => extensions(w, Context::EncryptedExtensions),
        HandshakeType::Certificate => certificate(w, tls13),
        HandshakeType::CertificateRequest => certificate_request(w, tls13),
        HandshakeType::ServerKeyExchange => server_key_exchange(w, kx?),
        HandshakeType::ClientKeyExchange => client_key_exchange(w, kx?),
        HandshakeType::CertificateVerify => {
            signed(w, "signature over 64 spaces, a context string and the transcript hash (RFC 8446 §4.4.3)")
        }
        HandshakeType::Finished => finished(w, tls13),
        HandshakeType::NewSessionTicket => new_session_ticket(w, tls13),
        HandshakeType::KeyUpdate => {
            w.uint(1, |v| match v {
                0 => "request_update: update_not_requested (0) (RFC 8446 §4.6.3)".into(),
                1 => "request_update: update_requested (1): the peer must update its keys too".into(),
                _ => format!("request_update: {v} (illegal)"),
            })?;
            Some(())
        }
        HandshakeType::ServerHelloDone
        | HandshakeType::HelloRequest
        | HandshakeType::EndOfEarlyData
        | HandshakeType::MessageHash => {
            if w.left() == 0 {
                w.note("(empty body)");
            }
            Some(())
        }
    }?;
    w.depth = 1;
    w.rest("trailing, after the last field");
    Some(())
}

/// Extension code points padlock-tls has no constant for, because it does
/// not implement them (their names are in [`registry::EXTENSIONS`]).
mod code {
    pub(super) const STATUS_REQUEST: u16 = 5;
    pub(super) const ALPN: u16 = 16;
    pub(super) const SIGNED_CERTIFICATE_TIMESTAMP: u16 = 18;
    pub(super) const ENCRYPT_THEN_MAC: u16 = 22;
    pub(super) const COMPRESS_CERTIFICATE: u16 = 27;
    pub(super) const RECORD_SIZE_LIMIT: u16 = 28;
    pub(super) const DELEGATED_CREDENTIAL: u16 = 34;
    pub(super) const POST_HANDSHAKE_AUTH: u16 = 49;
    pub(super) const SIGNATURE_ALGORITHMS_CERT: u16 = 50;
    pub(super) const APPLICATION_SETTINGS_OLD: u16 = 0x4469;
    pub(super) const APPLICATION_SETTINGS: u16 = 0x44cd;
    pub(super) const ENCRYPTED_CLIENT_HELLO: u16 = 0xfe0d;
}

/// Where an extension list sits: the same code point reads differently.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Context {
    ClientHello,
    ServerHello,
    RetryRequest,
    EncryptedExtensions,
    Other,
}

/// ClientHello (RFC 8446 §4.1.2, RFC 5246 §7.4.1.2).
fn client_hello(w: &mut Walk<'_>) -> Option<()> {
    w.uint(2, |v| {
        format!(
            "legacy_version: {} (0x{v:04x}); TLS 1.3 is offered in supported_versions",
            version_name(v as u16)
        )
    })?;
    w.field(32, "client random: 32 fresh random bytes, mixed into every key")?;
    w.vector(1, "legacy_session_id", |w| {
        let n = w.left();
        if n > 0 {
            w.field(n, "session id (in TLS 1.3, random: middlebox compatibility, RFC 8446 §D.4)")?;
        }
        Some(())
    })?;
    w.list16(2, "cipher_suites", "cipher suite", suite_name)?;
    w.vector(1, "compression_methods", |w| {
        while w.left() > 0 {
            w.uint(1, |v| {
                if v == 0 {
                    "compression: null (0), the only one allowed".into()
                } else {
                    format!("compression: {v}")
                }
            })?;
        }
        Some(())
    })?;
    if w.left() > 0 {
        extensions(w, Context::ClientHello)?;
    }
    Some(())
}

/// ServerHello and HelloRetryRequest (RFC 8446 §4.1.3, RFC 5246 §7.4.1.3).
fn server_hello(w: &mut Walk<'_>) -> Option<()> {
    w.uint(2, |v| format!("legacy_version: {} (0x{v:04x})", version_name(v as u16)))?;
    let random = w.peek(32)?;
    let retry = random == HELLO_RETRY_REQUEST_RANDOM;
    let note = if retry {
        "SHA-256(\"HelloRetryRequest\"): this is a HelloRetryRequest (RFC 8446 §4.1.3)"
    } else if random.ends_with(&DOWNGRADE_TLS12) {
        "server random, ending in DOWNGRD 01: a TLS 1.3 server chose TLS 1.2 (RFC 8446 §4.1.3)"
    } else {
        "server random: 32 fresh random bytes"
    };
    w.field(32, note)?;
    w.opaque(1, "legacy_session_id_echo (the client's session id, echoed)")?;
    w.code16("cipher suite chosen", suite_name)?;
    w.uint(1, |v| format!("compression method: {}", if v == 0 { "null (0)".into() } else { v.to_string() }))?;
    if w.left() > 0 {
        extensions(w, if retry { Context::RetryRequest } else { Context::ServerHello })?;
    }
    Some(())
}

/// A code point's registry name ([`padlock_tls::registry`]), marked when
/// Padlock does not implement it, so a browser's ClientHello reads as what
/// it offers and what of it we could use.
fn named(point: CodePoint, code: u16) -> String {
    match point {
        CodePoint::Known(entry) if entry.implemented => entry.name.to_string(),
        CodePoint::Known(entry) => format!("{}, not implemented by Padlock", entry.name),
        CodePoint::Grease => "GREASE, a reserved value peers must ignore (RFC 8701)".into(),
        CodePoint::Unknown => format!("unknown code point 0x{code:04x}"),
    }
}

fn suite_name(id: u16) -> String {
    named(registry::cipher_suite(id), id)
}

fn group_name(id: u16) -> String {
    named(registry::group(id), id)
}

fn scheme_name(id: u16) -> String {
    named(registry::signature_scheme(id), id)
}

fn extension_name(id: u16) -> String {
    named(registry::extension(id), id)
}

fn version_name(id: u16) -> String {
    named(registry::version(id), id)
}

/// Certificate (RFC 5246 §7.4.2; RFC 8446 §4.4.2 adds a context and
/// per-certificate extensions).
fn certificate(w: &mut Walk<'_>, tls13: bool) -> Option<()> {
    if tls13 {
        w.opaque(1, "certificate_request_context (empty from a server)")?;
    }
    w.vector(3, "certificate_list", |w| {
        let mut index = 0;
        while w.left() > 0 {
            let what = if index == 0 {
                "certificate 0 (the server's own)".to_string()
            } else {
                format!("certificate {index}")
            };
            w.vector(3, &what, |w| {
                let der = w.peek(w.left())?;
                let summary = match padlock_x509::Certificate::from_der(der) {
                    Ok(cert) => format!("X.509 (DER): subject {}, issuer {}", cert.subject, cert.issuer),
                    Err(error) => format!("X.509 (DER) that does not parse: {error}"),
                };
                w.field(der.len(), summary)?;
                Some(())
            })?;
            if tls13 {
                extensions(w, Context::Other)?;
            }
            index += 1;
        }
        Some(())
    })
}

/// CertificateRequest (RFC 8446 §4.3.2; RFC 5246 §7.4.4).
fn certificate_request(w: &mut Walk<'_>, tls13: bool) -> Option<()> {
    if tls13 {
        w.opaque(1, "certificate_request_context")?;
        return extensions(w, Context::Other);
    }
    w.vector(1, "certificate_types", |w| {
        while w.left() > 0 {
            w.uint(1, |v| format!("certificate type {v}"))?;
        }
        Some(())
    })?;
    w.list16(2, "supported_signature_algorithms", "scheme", scheme_name)?;
    w.opaque(2, "certificate_authorities (DER names)")
}

/// ServerKeyExchange (RFC 5246 §7.4.3, RFC 8422 §5.4): the server's
/// Diffie-Hellman parameters, signed with its certificate's key.
fn server_key_exchange(w: &mut Walk<'_>, kx: KeyExchangeAlgorithm) -> Option<()> {
    match kx {
        KeyExchangeAlgorithm::Ecdhe => {
            w.uint(1, |v| {
                if v == 3 { "curve_type: named_curve (3)".into() } else { format!("curve_type: {v}") }
            })?;
            let group = w.code16("named curve", group_name)?;
            w.opaque(1, &format!("server {} public key", registry::group(group).name(group)))?;
        }
        KeyExchangeAlgorithm::Dhe => {
            w.opaque(2, "dh_p: the prime modulus p")?;
            w.opaque(2, "dh_g: the generator g")?;
            w.opaque(2, "dh_Ys: the server's public value g^y mod p")?;
        }
        KeyExchangeAlgorithm::Rsa => return None,
    }
    signed(w, "signature over client_random + server_random + the parameters above")
}

/// `SignatureScheme || opaque signature<0..2^16-1>`.
fn signed(w: &mut Walk<'_>, what: &str) -> Option<()> {
    w.code16("signature scheme", scheme_name)?;
    w.opaque(2, what)
}

/// ClientKeyExchange (RFC 5246 §7.4.7, RFC 8422 §5.7), laid out by the suite.
fn client_key_exchange(w: &mut Walk<'_>, kx: KeyExchangeAlgorithm) -> Option<()> {
    match kx {
        KeyExchangeAlgorithm::Rsa => {
            w.opaque(2, "premaster secret, encrypted with the server's RSA key (PKCS#1 v1.5)")
        }
        KeyExchangeAlgorithm::Dhe => w.opaque(2, "dh_Yc: the client's public value g^x mod p"),
        KeyExchangeAlgorithm::Ecdhe => w.opaque(1, "the client's public key (ECDHE)"),
    }
}

/// Finished (RFC 8446 §4.4.4, RFC 5246 §7.4.9).
fn finished(w: &mut Walk<'_>, tls13: bool) -> Option<()> {
    let n = w.left();
    let what = if tls13 {
        "verify_data: HMAC(finished_key, transcript hash) (RFC 8446 §4.4.4)"
    } else {
        "verify_data: PRF(master_secret, label, transcript hash), 12 bytes (RFC 5246 §7.4.9)"
    };
    w.field(n, what).map(drop)
}

/// NewSessionTicket (RFC 8446 §4.6.1; RFC 5077 §3.3 for TLS 1.2).
fn new_session_ticket(w: &mut Walk<'_>, tls13: bool) -> Option<()> {
    w.uint(4, |v| format!("ticket lifetime: {v} seconds"))?;
    if tls13 {
        w.uint(4, |_| "ticket_age_add: hides the ticket's age on the wire".into())?;
        w.opaque(1, "ticket_nonce")?;
    }
    w.opaque(2, "ticket (opaque to the client)")?;
    if tls13 {
        extensions(w, Context::Other)?;
    }
    Some(())
}

/// Lines describing a certificate for people: subject, names, issuer,
/// validity and key (RFC 5280 §4.1). An error if the DER does not parse.
pub(crate) fn describe_certificate(der: &[u8]) -> Result<Vec<String>, String> {
    let cert = padlock_x509::Certificate::from_der(der).map_err(|e| e.to_string())?;
    let mut out = vec![format!("subject:  {}", cert.subject)];
    let mut names: Vec<String> = cert.extensions.dns_names().map(|n| format!("DNS:{n}")).collect();
    names.extend(cert.extensions.ip_addresses().map(|ip| format!("IP:{ip}")));
    if !names.is_empty() {
        out.push(format!("names:    {} (subjectAltName)", names.join(", ")));
    }
    out.push(format!("issuer:   {}", cert.issuer));
    out.push(format!("valid:    {} to {}", cert.not_before, cert.not_after));
    let key = match cert.public_key.rsa_key() {
        Ok(key) => format!("RSA {} bits, e = {}", key.bits(), key.e()),
        Err(_) => cert.public_key.key_type(),
    };
    out.push(format!("key:      {key}"));
    out.push(format!("signed:   {} by the issuer", cert.signature_algorithm));
    Ok(out)
}

#[cfg(test)]
mod tests;
