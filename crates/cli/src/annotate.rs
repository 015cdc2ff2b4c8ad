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

/// An extension list (RFC 8446 §4.2), each extension decoded by name.
fn extensions(w: &mut Walk<'_>, context: Context) -> Option<()> {
    w.vector(2, "extensions", |w| {
        while w.left() > 0 {
            let typ = w.code16("extension", extension_name)?;
            if let Some(meaning) = extension_meaning(typ, context) {
                w.depth += 1;
                w.note(meaning);
                w.depth -= 1;
            }
            w.vector(2, &ext::name(typ), |w| extension_body(w, typ, context))?;
        }
        Some(())
    })
}

/// One sentence on what an extension is for.
fn extension_meaning(typ: u16, context: Context) -> Option<&'static str> {
    let client = context == Context::ClientHello;
    Some(match typ {
        ext::SERVER_NAME if client => "SNI: which site the client wants (RFC 6066 §3)",
        ext::SERVER_NAME => "empty: the server used the name the client asked for",
        ext::SUPPORTED_GROUPS => "the key-exchange groups the client can use (RFC 8446 §4.2.7)",
        ext::SIGNATURE_ALGORITHMS => "the signatures the client can verify (RFC 8446 §4.2.3)",
        ext::SUPPORTED_VERSIONS if client => "the versions the client speaks, best first (RFC 8446 §4.2.1)",
        ext::SUPPORTED_VERSIONS => "the version the server chose (RFC 8446 §4.2.1)",
        ext::KEY_SHARE if client => {
            "the client's Diffie-Hellman public values, one per group (RFC 8446 §4.2.8)"
        }
        ext::KEY_SHARE if context == Context::RetryRequest => "the group the server wants a share for",
        ext::KEY_SHARE => "the server's Diffie-Hellman public value (RFC 8446 §4.2.8)",
        ext::PSK_KEY_EXCHANGE_MODES => "how a resumed session would key (RFC 8446 §4.2.9)",
        ext::EXTENDED_MASTER_SECRET => "the master secret will hash the whole handshake (RFC 7627)",
        ext::RENEGOTIATION_INFO => "secure renegotiation (RFC 5746)",
        ext::EC_POINT_FORMATS => "elliptic-curve point encodings (RFC 8422 §5.1.2)",
        ext::COOKIE => "a value the client must echo (RFC 8446 §4.2.2)",
        ext::SESSION_TICKET => "TLS 1.2 resumption with a ticket the server keeps nothing for (RFC 5077)",
        ext::PRE_SHARED_KEY if client => "keys from earlier sessions to resume with (RFC 8446 §4.2.11)",
        ext::PRE_SHARED_KEY => "which of the client's keys the server resumes with (RFC 8446 §4.2.11)",
        ext::EARLY_DATA => "0-RTT: application data before the handshake ends (RFC 8446 §4.2.10)",
        ext::PADDING => "zeros, so the hello avoids sizes that hang some old middleboxes (RFC 7685)",
        code::ALPN if client => "application protocols, such as h2 and http/1.1 (RFC 7301)",
        code::ALPN => "the application protocol the server chose (RFC 7301 §3.1)",
        code::STATUS_REQUEST if client => {
            "asks the server to staple a fresh OCSP response: the certificate is not revoked (RFC 6066 §8)"
        }
        code::STATUS_REQUEST => "a stapled OCSP response (RFC 6066 §8, RFC 8446 §4.4.2.1)",
        code::SIGNED_CERTIFICATE_TIMESTAMP if client => {
            "asks for Certificate Transparency timestamps: proof the certificate is logged (RFC 6962 §3.3.1)"
        }
        code::SIGNED_CERTIFICATE_TIMESTAMP => "Certificate Transparency timestamps (RFC 6962 §3.3)",
        code::ENCRYPT_THEN_MAC => "CBC suites would MAC the ciphertext, not the plaintext (RFC 7366)",
        code::COMPRESS_CERTIFICATE => "the server may compress its certificates with these (RFC 8879)",
        code::RECORD_SIZE_LIMIT => "the largest record the sender will accept (RFC 8449)",
        code::DELEGATED_CREDENTIAL => {
            "short-lived keys signed by the certificate's key, with these schemes (RFC 9345)"
        }
        code::POST_HANDSHAKE_AUTH => {
            "the client can show a certificate after the handshake (RFC 8446 §4.2.6)"
        }
        code::SIGNATURE_ALGORITHMS_CERT => {
            "the signatures the client can verify in certificates (RFC 8446 §4.2.3)"
        }
        code::APPLICATION_SETTINGS | code::APPLICATION_SETTINGS_OLD if client => {
            "ALPS: the protocols for which the client would swap settings in the handshake (draft-vvv-tls-alps)"
        }
        code::APPLICATION_SETTINGS | code::APPLICATION_SETTINGS_OLD => "ALPS: the server's settings",
        code::ENCRYPTED_CLIENT_HELLO if client => {
            "ECH: the real hello, sealed to the server's HPKE key (draft-ietf-tls-esni); without a key, a \
             browser sends random bytes of the same shape (GREASE ECH, §6.2), which this one may be"
        }
        code::ENCRYPTED_CLIENT_HELLO => "ECH: the server's answer (draft-ietf-tls-esni §7)",
        _ => return None,
    })
}

/// The body of extension `typ`.
fn extension_body(w: &mut Walk<'_>, typ: u16, context: Context) -> Option<()> {
    let client = context == Context::ClientHello;
    match typ {
        ext::SERVER_NAME if client => w.vector(2, "server_name_list", |w| {
            while w.left() > 0 {
                w.uint(1, |v| match v {
                    0 => "name type: host_name (0)".into(),
                    _ => format!("name type: unknown code point 0x{v:02x}"),
                })?;
                w.vector(2, "host name", |w| {
                    let name = w.peek(w.left())?;
                    w.field(name.len(), format!("\"{}\"", String::from_utf8_lossy(name).escape_debug()))?;
                    Some(())
                })?;
            }
            Some(())
        }),
        ext::SUPPORTED_GROUPS => w.list16(2, "named group list", "group", group_name),
        ext::SIGNATURE_ALGORITHMS | code::SIGNATURE_ALGORITHMS_CERT => {
            w.list16(2, "signature scheme list", "scheme", scheme_name)
        }
        code::DELEGATED_CREDENTIAL if client => w.list16(2, "signature scheme list", "scheme", scheme_name),
        ext::SUPPORTED_VERSIONS if client => w.vector(1, "versions", |w| {
            while w.left() > 0 {
                w.code16("version", version_name)?;
            }
            Some(())
        }),
        ext::SUPPORTED_VERSIONS => w.code16("selected version", version_name).map(drop),
        ext::KEY_SHARE if client => w.vector(2, "client_shares", |w| {
            while w.left() > 0 {
                key_share_entry(w)?;
            }
            Some(())
        }),
        ext::KEY_SHARE if context == Context::RetryRequest => {
            w.code16("selected group", group_name).map(drop)
        }
        ext::KEY_SHARE => key_share_entry(w),
        ext::PSK_KEY_EXCHANGE_MODES => w.vector(1, "ke_modes", |w| {
            while w.left() > 0 {
                w.uint(1, |v| psk_mode_name(v as u8))?;
            }
            Some(())
        }),
        ext::PRE_SHARED_KEY if client => offered_psks(w),
        ext::PRE_SHARED_KEY => {
            w.uint(2, |v| format!("selected_identity: the client's key number {v}")).map(drop)
        }
        ext::EARLY_DATA if context == Context::Other => {
            w.uint(4, |v| format!("max_early_data_size: {v} bytes (RFC 8446 §4.2.10)")).map(drop)
        }
        ext::EC_POINT_FORMATS => w.vector(1, "ec_point_format_list", |w| {
            while w.left() > 0 {
                w.uint(1, |v| match v {
                    0 => "format: uncompressed (0)".into(),
                    1 => "format: ansiX962_compressed_prime (1), deprecated (RFC 8422 §5.1.2)".into(),
                    2 => "format: ansiX962_compressed_char2 (2), deprecated (RFC 8422 §5.1.2)".into(),
                    _ => format!("format: unknown code point 0x{v:02x}"),
                })?;
            }
            Some(())
        }),
        ext::RENEGOTIATION_INFO => w.opaque(1, "renegotiated_connection (empty in a first handshake)"),
        ext::COOKIE => w.opaque(2, "cookie"),
        ext::SESSION_TICKET => {
            match (w.left(), client) {
                (0, true) => w.note("(empty: no ticket yet; the client would take one)"),
                (0, false) => w.note("(empty: a NewSessionTicket will follow)"),
                (n, _) => drop(w.field(n, "a ticket from an earlier connection")),
            }
            Some(())
        }
        ext::PADDING => {
            let zeros = w.peek(w.left())?.iter().all(|&b| b == 0);
            w.rest(if zeros { "of zeros" } else { "of padding, not all zero as RFC 7685 §3 requires" });
            Some(())
        }
        code::ALPN => protocol_names(w),
        code::APPLICATION_SETTINGS | code::APPLICATION_SETTINGS_OLD if client => protocol_names(w),
        code::APPLICATION_SETTINGS | code::APPLICATION_SETTINGS_OLD => {
            w.rest("of settings for the chosen protocol, opaque to TLS");
            Some(())
        }
        code::STATUS_REQUEST => status_request(w, client),
        code::SIGNED_CERTIFICATE_TIMESTAMP if !client => {
            w.vector(2, "signed_certificate_timestamp_list", |w| {
                while w.left() > 0 {
                    w.opaque(2, "SerializedSCT: a log's signed promise to publish the certificate")?;
                }
                Some(())
            })
        }
        code::COMPRESS_CERTIFICATE => w.vector(1, "algorithms", |w| {
            while w.left() > 0 {
                w.code16("algorithm", |v| named(registry::certificate_compression(v), v))?;
            }
            Some(())
        }),
        code::RECORD_SIZE_LIMIT => {
            w.uint(2, |v| format!("record_size_limit: {v} bytes of plaintext (RFC 8449 §4)")).map(drop)
        }
        code::ENCRYPTED_CLIENT_HELLO if client => encrypted_client_hello(w),
        code::ENCRYPTED_CLIENT_HELLO if context == Context::RetryRequest => {
            w.field(8, "accept_confirmation: the server took the inner hello (§7.2.1)").map(drop)
        }
        code::ENCRYPTED_CLIENT_HELLO => {
            w.rest("of retry_configs: an ECHConfigList, keys to try ECH again with (§7.1)");
            Some(())
        }
        _ => {
            let n = w.left();
            if n > 0 && registry::is_grease(typ) {
                w.field(n, "GREASE extension data, meaningless: peers ignore it (RFC 8701 §3)")?;
            } else if n > 0 {
                w.field(n, "extension data (not decoded here)")?;
            }
            Some(())
        }
    }
}

/// psk_key_exchange_modes (RFC 8446 §4.2.9); RFC 8701 §2 reserves 0x0B,
/// 0x2A, ... 0xE4 (every 0x1F) as GREASE modes.
fn psk_mode_name(mode: u8) -> String {
    match mode {
        0 => "mode: psk_ke (0)".into(),
        1 => "mode: psk_dhe_ke (1): resumption with a fresh Diffie-Hellman".into(),
        _ if mode % 0x1f == 0x0b => {
            format!("mode: GREASE, a reserved value peers must ignore (0x{mode:02x})")
        }
        _ => format!("mode: unknown code point 0x{mode:02x}"),
    }
}

/// A ProtocolNameList (RFC 7301 §3.1), as ALPN and ALPS carry it.
fn protocol_names(w: &mut Walk<'_>) -> Option<()> {
    w.vector(2, "protocol_name_list", |w| {
        while w.left() > 0 {
            w.vector(1, "protocol name", |w| {
                let name = w.peek(w.left())?;
                let shown = format!("\"{}\"", String::from_utf8_lossy(name).escape_debug());
                let note = match name {
                    b"h2" => format!("{shown}: HTTP/2 over TLS (RFC 9113 §3.2)"),
                    b"http/1.1" => format!("{shown}: HTTP/1.1"),
                    // RFC 8701 §3.1: two-byte names 0x0A0A ... 0xFAFA.
                    &[a, b] if registry::is_grease(u16::from_be_bytes([a, b])) => {
                        "GREASE, a reserved protocol name peers must ignore (RFC 8701 §3.1)".into()
                    }
                    _ => shown,
                };
                w.field(name.len(), note)?;
                Some(())
            })?;
        }
        Some(())
    })
}

/// status_request (RFC 6066 §8): a client's CertificateStatusRequest, or
/// in a TLS 1.3 certificate entry the stapled response (RFC 8446 §4.4.2.1).
/// Empty in a TLS 1.2 ServerHello: the response follows in CertificateStatus.
fn status_request(w: &mut Walk<'_>, client: bool) -> Option<()> {
    if w.left() == 0 {
        return Some(());
    }
    let typ = w.uint(1, |v| match v {
        1 => "status_type: ocsp (1)".into(),
        _ => format!("status_type: unknown code point 0x{v:02x}"),
    })?;
    if typ != 1 {
        return None;
    }
    if client {
        w.opaque(2, "responder_id_list (empty: the responder the server knows)")?;
        w.opaque(2, "request_extensions (DER OCSP extensions)")
    } else {
        w.opaque(3, "OCSPResponse (DER), signed for the CA: not revoked as of its date")
    }
}

/// encrypted_client_hello in a ClientHello (draft-ietf-tls-esni §5): an
/// outer hello carries the real one, sealed with HPKE (RFC 9180) to the key
/// of the server's ECHConfig `config_id`; the inner one only says it is.
fn encrypted_client_hello(w: &mut Walk<'_>) -> Option<()> {
    let typ = w.uint(1, |v| match v {
        0 => "type: outer (0): the real hello is sealed inside".into(),
        1 => "type: inner (1): this is the real hello".into(),
        _ => format!("type: unknown code point 0x{v:02x}"),
    })?;
    match typ {
        0 => {
            w.code16("HPKE KDF", |v| named(registry::hpke_kdf(v), v))?;
            w.code16("HPKE AEAD", |v| named(registry::hpke_aead(v), v))?;
            w.uint(1, |v| format!("config_id: {v}, which of the server's ECH keys"))?;
            w.opaque(2, "enc: the HPKE encapsulated key")?;
            w.opaque(2, "payload: the inner ClientHello, sealed")
        }
        1 => Some(()),
        _ => None,
    }
}

/// pre_shared_key in a ClientHello (RFC 8446 §4.2.11): tickets offered for
/// resumption, then one binder per ticket. Always the last extension.
fn offered_psks(w: &mut Walk<'_>) -> Option<()> {
    w.vector(2, "identities", |w| {
        while w.left() > 0 {
            w.opaque(2, "identity: a ticket from an earlier session")?;
            w.uint(4, |_| "obfuscated_ticket_age: the ticket's age plus ticket_age_add".into())?;
        }
        Some(())
    })?;
    w.vector(2, "binders", |w| {
        while w.left() > 0 {
            w.opaque(1, "binder: an HMAC over the hello so far, keyed by the PSK (§4.2.11.2)")?;
        }
        Some(())
    })
}

/// One KeyShareEntry: group and public value.
fn key_share_entry(w: &mut Walk<'_>) -> Option<()> {
    let group = w.code16("group", group_name)?;
    w.opaque(2, &format!("{} public key", registry::group(group).name(group)))
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
mod tests {
    use super::*;

    /// Every prefix and every single-byte corruption of a real ClientHello
    /// dissects without a panic, and the lines stay inside the message.
    #[test]
    fn never_panics_on_damaged_input() {
        let hello: Vec<u8> = vec![
            1, 0, 0, 0x2d, 3, 3, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
            21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 0, 0, 2, 0x13, 1, 1, 0, 0, 6, 0, 43, 0, 2, 1, 4,
        ];
        let lines = dissect(&hello, None, None);
        assert!(lines.iter().any(|l| l.note.contains("TLS_AES_128_GCM_SHA256")));
        assert!(lines.iter().any(|l| l.note.contains("supported_versions")));
        for cut in 0..hello.len() {
            check(&hello[..cut]);
        }
        for i in 0..hello.len() {
            for value in [0u8, 1, 0x7f, 0xff] {
                let mut bad = hello.clone();
                bad[i] = value;
                for typ in [0u8, 1, 2, 4, 8, 11, 12, 13, 14, 15, 16, 20, 24, 99] {
                    bad[0] = typ;
                    check(&bad);
                }
            }
        }
    }

    /// Every prefix of Chromium's hello, and the hello with any one byte
    /// set to 0xff, dissects without a panic, each byte shown once.
    #[test]
    fn a_damaged_browser_hello_never_panics() {
        let record = from_fixture(include_str!("../tests/fixtures/chromium-client-hello.hex"));
        let hello = &record[5..];
        for cut in 0..hello.len() {
            notes_of(&hello[..cut]);
        }
        for i in 0..hello.len() {
            let mut bad = hello.to_vec();
            bad[i] = 0xff;
            notes_of(&bad);
        }
    }

    /// A browser's offer reads as what it is: GREASE, the hybrid group and
    /// the suites we lack are named and marked.
    #[test]
    fn browser_code_points_are_named() {
        assert!(group_name(0x11ec).starts_with("X25519MLKEM768"));
        assert_eq!(group_name(30), "x448, not implemented by Padlock");
        assert!(suite_name(0x3a3a).starts_with("GREASE"));
        assert_eq!(suite_name(0x1301), "TLS_AES_128_GCM_SHA256");
        assert_eq!(extension_name(0xfe0d), "encrypted_client_hello, not implemented by Padlock");
        assert_eq!(scheme_name(0x0808), "ed448, not implemented by Padlock");
        assert_eq!(extension_name(0x7777), "unknown code point 0x7777");
    }

    /// ClientHellos recorded once from real clients (how and when: each
    /// fixture's header): every code point in them is named, GREASE values
    /// as GREASE, and every extension body is decoded, as `--trace` shows it.
    #[test]
    fn real_client_hellos_have_nothing_unnamed() {
        let fixtures = [
            ("chromium", include_str!("../tests/fixtures/chromium-client-hello.hex")),
            ("openssl", include_str!("../tests/fixtures/openssl-client-hello.hex")),
            ("curl", include_str!("../tests/fixtures/curl-client-hello.hex")),
        ];
        for (client, text) in fixtures {
            let record = from_fixture(text);
            // One TLS record: type, version, uint16 length, then the hello.
            let (header, hello) = record.split_at(5);
            assert_eq!(usize::from(u16::from_be_bytes([header[3], header[4]])), hello.len(), "{client}");
            assert_everything_named(&notes_of(hello), client);
        }
        let chromium = from_fixture(fixtures[0].1);
        let notes = notes_of(&chromium[5..]);
        for expected in [
            "group: X25519MLKEM768 (0x11ec)",
            "extension: GREASE",
            "cipher suite: GREASE",
            "group: GREASE",
            "version: GREASE",
            "algorithm: brotli, not implemented by Padlock (0x0002)",
            "status_type: ocsp (1)",
            "HPKE KDF: HKDF-SHA256, not implemented by Padlock (0x0001)",
            "\"h2\": HTTP/2 over TLS",
            "extension: application_settings, not implemented by Padlock (0x44cd)",
            "\"localhost\"",
        ] {
            assert!(notes.contains(expected), "{expected:?} missing from Chromium's hello:\n{notes}");
        }
    }

    /// Each decoder names its code points, and says "unknown" for values
    /// nobody registered.
    #[test]
    fn extension_bodies_are_decoded_field_by_field() {
        let notes = notes_of(&client_hello_with(&[
            (27, &[6, 0, 1, 0, 3, 0x0a, 0x0a]),
            (28, &[0x40, 0x01]),
            (5, &[1, 0, 0, 0, 0]),
            (45, &[3, 1, 0x2a, 7]),
            (0x4469, &[0, 3, 2, b'h', b'2']),
            (16, &[0, 6, 2, 0x3a, 0x3a, 2, b'h', b'3']),
            (0xfe0d, &[0, 0, 1, 0, 3, 0x42, 0, 2, 9, 9, 0, 3, 1, 2, 3]),
            (21, &[0, 0, 0]),
            (35, &[]),
            (34, &[0, 4, 4, 3, 8, 7]),
            (11, &[4, 0, 1, 2, 9]),
            (0x1a1a, &[0]),
        ]));
        for expected in [
            "algorithm: zlib, not implemented by Padlock (0x0001)",
            "algorithm: zstd, not implemented by Padlock (0x0003)",
            "algorithm: unknown code point 0x0a0a (0x0a0a)",
            "record_size_limit: 16385 bytes of plaintext",
            "status_type: ocsp (1)",
            "length of responder_id_list",
            "mode: psk_dhe_ke (1)",
            "mode: GREASE",
            "mode: unknown code point 0x07",
            "application_settings (old code point)",
            "\"h2\": HTTP/2 over TLS",
            "GREASE, a reserved protocol name",
            "\"h3\"",
            "type: outer (0)",
            "HPKE AEAD: ChaCha20Poly1305, not implemented by Padlock (0x0003)",
            "config_id: 66",
            "enc: the HPKE encapsulated key",
            "payload: the inner ClientHello, sealed",
            "3 bytes of zeros",
            "(empty: no ticket yet",
            "scheme: ed25519, not implemented by Padlock (0x0807)",
            "format: ansiX962_compressed_prime (1)",
            "format: unknown code point 0x09",
            "GREASE extension data",
        ] {
            assert!(notes.contains(expected), "{expected:?} missing:\n{notes}");
        }
        assert_eq!(notes.matches("unknown code point").count(), 3, "{notes}");
        assert!(!notes.contains("not decoded here") && !notes.contains("not understood"), "{notes}");

        // An inner ECH hello, and a status type nobody registered (the rest raw).
        let notes = notes_of(&client_hello_with(&[(0xfe0d, &[1]), (5, &[7, 0, 0])]));
        assert!(notes.contains("type: inner (1)"), "{notes}");
        assert!(notes.contains("status_type: unknown code point 0x07"), "{notes}");
        assert!(notes.contains("2 bytes not understood, shown raw"), "{notes}");
    }

    /// The server's side of the same extensions: its ALPN choice, ALPS
    /// settings and ECH retry keys in EncryptedExtensions, a stapled OCSP
    /// response and SCTs in a TLS 1.3 certificate entry.
    #[test]
    fn server_extension_bodies_read_as_the_servers() {
        let list = extension_list(&[(16, &[0, 3, 2, b'h', b'2']), (0x44cd, &[1, 2, 3]), (0xfe0d, &[0; 4])]);
        let notes = notes_of(&message(8, &vector(2, &list)));
        assert!(notes.contains("the application protocol the server chose"), "{notes}");
        assert!(notes.contains("3 bytes of settings for the chosen protocol"), "{notes}");
        assert!(notes.contains("4 bytes of retry_configs"), "{notes}");

        let status = [&[1u8][..], &vector(3, b"OCSP")].concat();
        let sct = vector(2, &vector(2, b"SCT"));
        let entry = [vector(3, b"not DER"), vector(2, &extension_list(&[(5, &status), (18, &sct)]))].concat();
        let certificate = message(11, &[&[0u8][..], &vector(3, &entry)].concat());
        let lines = dissect(&certificate, Some(ProtocolVersion::Tls13), None);
        let notes: Vec<&str> = lines.iter().map(|l| l.note.as_str()).collect();
        let notes = notes.join("\n");
        assert!(notes.contains("OCSPResponse (DER)"), "{notes}");
        assert!(notes.contains("SerializedSCT"), "{notes}");
        assert!(!notes.contains("not decoded here"), "{notes}");
    }

    /// The notes of a dissected message, one per line, after checking that
    /// every byte is covered once.
    fn notes_of(msg: &[u8]) -> String {
        let lines = dissect(msg, None, None);
        assert_eq!(lines.iter().map(|l| l.len).sum::<usize>(), msg.len(), "every byte is shown once");
        lines.iter().map(|l| l.note.as_str()).collect::<Vec<_>>().join("\n")
    }

    /// No unknown code point, no undecoded or unparsed bytes; a line that
    /// shows a GREASE value (RFC 8701) says GREASE.
    fn assert_everything_named(notes: &str, client: &str) {
        for bad in ["unknown code point", "not decoded here", "not understood", "left over", "trailing"] {
            assert!(!notes.contains(bad), "{client}: {bad:?} in\n{notes}");
        }
        for line in notes.lines() {
            let grease =
                (0..16u16).map(|i| 0x0a0a + i * 0x1010).find(|g| line.contains(&format!("(0x{g:04x})")));
            assert!(grease.is_none() || line.contains("GREASE"), "{client}: GREASE unnamed: {line}");
        }
    }

    /// The bytes of a `.hex` fixture: `#` lines are comments, the rest hex.
    fn from_fixture(text: &str) -> Vec<u8> {
        let hex: String =
            text.lines().filter(|l| !l.starts_with('#')).flat_map(str::split_whitespace).collect();
        (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("hex")).collect()
    }

    /// A ClientHello offering TLS_AES_128_GCM_SHA256 with `extensions`.
    fn client_hello_with(extensions: &[(u16, &[u8])]) -> Vec<u8> {
        let list = extension_list(extensions);
        message(1, &[&[3, 3][..], &[7; 32], &[0, 0, 2, 0x13, 1, 1, 0], &vector(2, &list)].concat())
    }

    /// Extensions, each `type || uint16 length || data`, without the
    /// list's own length.
    fn extension_list(extensions: &[(u16, &[u8])]) -> Vec<u8> {
        let mut list = Vec::new();
        for (typ, data) in extensions {
            list.extend(typ.to_be_bytes());
            list.extend(vector(2, data));
        }
        list
    }

    /// `bytes` behind a big-endian length of `width` bytes.
    fn vector(width: usize, bytes: &[u8]) -> Vec<u8> {
        let len = (bytes.len() as u32).to_be_bytes();
        [&len[4 - width..], bytes].concat()
    }

    /// A handshake message: type, uint24 length, body.
    fn message(typ: u8, body: &[u8]) -> Vec<u8> {
        [&[typ][..], &vector(3, body)].concat()
    }

    /// Dissects `msg` in every context; every byte is covered exactly once.
    fn check(msg: &[u8]) {
        for kx in [
            None,
            Some(KeyExchangeAlgorithm::Rsa),
            Some(KeyExchangeAlgorithm::Dhe),
            Some(KeyExchangeAlgorithm::Ecdhe),
        ] {
            for version in [None, Some(ProtocolVersion::Tls12), Some(ProtocolVersion::Tls13)] {
                let lines = dissect(msg, version, kx);
                let covered: usize = lines.iter().map(|l| l.len).sum();
                assert_eq!(covered, msg.len(), "every byte is shown once");
                let _ = render(msg, &lines, true, "");
            }
        }
    }
}
