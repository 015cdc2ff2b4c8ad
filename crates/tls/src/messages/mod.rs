//! Handshake messages (RFC 5246 §7.4, RFC 8446 §4) and their extensions,
//! each with `encode` and `decode` over the [`codec`](crate::codec).
//!
//! A handshake message on the wire is `type(1) || length(3) || body`
//! ([`frame`]); the body decoders here read exactly one body and reject
//! trailing bytes. Unknown extensions are kept as raw bytes and skipped
//! (RFC 8446 §4.2); a repeated extension is an error.
//!
//! The hellos are in `hello`, the TLS 1.2 key-exchange messages in
//! `key_exchange`; the framing, versions, extensions and the other
//! messages here.

mod hello;
mod key_exchange;

pub use hello::{ClientHello, KeyShare, ServerHello, read_server_name};
pub use key_exchange::{
    KeyExchangeAlgorithm, ServerKeyExchange, ServerKeyExchangeParams, decode_client_key_exchange,
    encode_client_key_exchange,
};

use crate::Error;
use crate::codec::{Reader, Writer};

/// Handshake message types (RFC 8446 §4, RFC 5246 §7.4).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(missing_docs)] // The RFC's names.
pub enum HandshakeType {
    HelloRequest,
    ClientHello,
    ServerHello,
    NewSessionTicket,
    EndOfEarlyData,
    EncryptedExtensions,
    Certificate,
    ServerKeyExchange,
    CertificateRequest,
    ServerHelloDone,
    CertificateVerify,
    ClientKeyExchange,
    Finished,
    KeyUpdate,
    MessageHash,
}

const HANDSHAKE_TYPES: [(u8, HandshakeType, &str); 15] = {
    use HandshakeType as H;
    [
        (0, H::HelloRequest, "HelloRequest"),
        (1, H::ClientHello, "ClientHello"),
        (2, H::ServerHello, "ServerHello"),
        (4, H::NewSessionTicket, "NewSessionTicket"),
        (5, H::EndOfEarlyData, "EndOfEarlyData"),
        (8, H::EncryptedExtensions, "EncryptedExtensions"),
        (11, H::Certificate, "Certificate"),
        (12, H::ServerKeyExchange, "ServerKeyExchange"),
        (13, H::CertificateRequest, "CertificateRequest"),
        (14, H::ServerHelloDone, "ServerHelloDone"),
        (15, H::CertificateVerify, "CertificateVerify"),
        (16, H::ClientKeyExchange, "ClientKeyExchange"),
        (20, H::Finished, "Finished"),
        (24, H::KeyUpdate, "KeyUpdate"),
        (254, H::MessageHash, "message_hash"),
    ]
};

impl HandshakeType {
    /// The type for a wire code, if we know it.
    pub fn from_u8(code: u8) -> Option<HandshakeType> {
        HANDSHAKE_TYPES.iter().find(|entry| entry.0 == code).map(|entry| entry.1)
    }

    /// The wire code.
    pub fn to_u8(self) -> u8 {
        HANDSHAKE_TYPES.iter().find(|entry| entry.1 == self).map_or(0, |entry| entry.0)
    }

    /// The RFC's name, such as `"ClientHello"`.
    pub fn name(self) -> &'static str {
        HANDSHAKE_TYPES.iter().find(|entry| entry.1 == self).map_or("?", |entry| entry.2)
    }
}

/// The largest handshake message we accept (a certificate chain of a few
/// 4096-bit certificates fits many times over). Checked before buffering.
pub const MAX_HANDSHAKE_LEN: usize = 1 << 16;

/// `type || uint24 length || body`: one handshake message on the wire.
pub fn frame(typ: HandshakeType, body: &[u8]) -> Result<Vec<u8>, Error> {
    let mut w = Writer::new();
    w.u8(typ.to_u8()).vec24(|w| {
        w.bytes(body);
    });
    w.into_bytes()
}

/// RFC 8446 §4.1.3: the ServerHello.random that marks a HelloRetryRequest,
/// SHA-256 of "HelloRetryRequest".
pub const HELLO_RETRY_REQUEST_RANDOM: [u8; 32] = [
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91, 0xc2,
    0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
];

/// RFC 8446 §4.1.3: the last 8 bytes of ServerHello.random when a TLS 1.3
/// server negotiates TLS 1.2 ("DOWNGRD" then 01).
pub const DOWNGRADE_TLS12: [u8; 8] = *b"DOWNGRD\x01";

/// Protocol versions on the wire.
pub mod version {
    /// TLS 1.0, the legacy record version of a first ClientHello.
    pub const TLS10: u16 = 0x0301;
    /// TLS 1.2.
    pub const TLS12: u16 = 0x0303;
    /// TLS 1.3.
    pub const TLS13: u16 = 0x0304;

    /// "TLS 1.2" and the like, for any code (from the registry).
    pub fn name(version: u16) -> String {
        crate::registry::version(version).name(version)
    }
}

/// A protocol version Padlock speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ProtocolVersion {
    /// TLS 1.2 (RFC 5246), 0x0303.
    Tls12,
    /// TLS 1.3 (RFC 8446), 0x0304.
    Tls13,
}

impl ProtocolVersion {
    /// The wire code.
    pub fn code(self) -> u16 {
        match self {
            ProtocolVersion::Tls12 => version::TLS12,
            ProtocolVersion::Tls13 => version::TLS13,
        }
    }

    /// The version with wire code `code`, if we speak it.
    pub fn from_code(code: u16) -> Option<ProtocolVersion> {
        match code {
            version::TLS12 => Some(ProtocolVersion::Tls12),
            version::TLS13 => Some(ProtocolVersion::Tls13),
            _ => None,
        }
    }

    /// "TLS 1.2" or "TLS 1.3".
    pub fn name(self) -> &'static str {
        match self {
            ProtocolVersion::Tls12 => "TLS 1.2",
            ProtocolVersion::Tls13 => "TLS 1.3",
        }
    }
}

/// Extension type code points (IANA TLS ExtensionType registry); their
/// names are in [`crate::registry`].
pub mod ext {
    #![allow(missing_docs)] // The RFC names.
    pub const SERVER_NAME: u16 = 0;
    pub const SUPPORTED_GROUPS: u16 = 10;
    pub const EC_POINT_FORMATS: u16 = 11;
    pub const SIGNATURE_ALGORITHMS: u16 = 13;
    pub const PADDING: u16 = 21;
    pub const EXTENDED_MASTER_SECRET: u16 = 23;
    pub const SESSION_TICKET: u16 = 35;
    pub const PRE_SHARED_KEY: u16 = 41;
    pub const EARLY_DATA: u16 = 42;
    pub const SUPPORTED_VERSIONS: u16 = 43;
    pub const COOKIE: u16 = 44;
    pub const PSK_KEY_EXCHANGE_MODES: u16 = 45;
    pub const KEY_SHARE: u16 = 51;
    pub const RENEGOTIATION_INFO: u16 = 0xff01;

    /// The registry name of an extension, for messages and traces.
    pub fn name(code: u16) -> String {
        crate::registry::extension(code).name(code)
    }
}

/// One extension: its type and body. Typed views are the `Extensions`
/// accessors; the body stays raw so unknown ones are skipped for free.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Extension {
    /// The ExtensionType code point.
    pub typ: u16,
    /// The `extension_data` bytes.
    pub data: Vec<u8>,
}

/// An extension list, `Extension extensions<0..2^16-1>`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Extensions(pub Vec<Extension>);

impl Extensions {
    /// Reads an extension list; RFC 8446 §4.2: no type may appear twice.
    pub fn decode(r: &mut Reader<'_>) -> Result<Extensions, Error> {
        let mut list = r.vec16()?;
        let mut out: Vec<Extension> = Vec::new();
        // One bit per extension type seen: the check stays linear however
        // many extensions a hostile hello packs into its 64 KiB.
        let mut seen = vec![0u64; (1 << 16) / 64];
        while !list.is_empty() {
            let typ = list.u16()?;
            let data = list.vec16()?.rest().to_vec();
            let (word, bit) = (usize::from(typ / 64), 1u64 << (typ % 64));
            if seen[word] & bit != 0 {
                return Err(Error::IllegalParameter("the same extension appears twice"));
            }
            seen[word] |= bit;
            out.push(Extension { typ, data });
        }
        Ok(Extensions(out))
    }

    /// Writes the list with its 2-byte length.
    pub fn encode(&self, w: &mut Writer) {
        w.vec16(|w| {
            for e in &self.0 {
                w.u16(e.typ).vec16(|w| {
                    w.bytes(&e.data);
                });
            }
        });
    }

    /// Adds an extension whose body `body` writes (an error if a field of
    /// it overflows its length prefix).
    pub fn push(&mut self, typ: u16, body: impl FnOnce(&mut Writer)) -> Result<(), Error> {
        let mut w = Writer::new();
        body(&mut w);
        self.0.push(Extension { typ, data: w.into_bytes()? });
        Ok(())
    }

    /// The body of extension `typ`, if present.
    pub fn get(&self, typ: u16) -> Option<&[u8]> {
        self.0.iter().find(|e| e.typ == typ).map(|e| e.data.as_slice())
    }

    /// Whether extension `typ` is present.
    pub fn has(&self, typ: u16) -> bool {
        self.get(typ).is_some()
    }

    /// Parses the body of extension `typ` with `parse`, which must read all of it.
    pub fn parse<T>(
        &self,
        typ: u16,
        parse: impl FnOnce(&mut Reader<'_>) -> Result<T, Error>,
    ) -> Result<Option<T>, Error> {
        let Some(data) = self.get(typ) else { return Ok(None) };
        let mut r = Reader::new(data);
        let value = parse(&mut r)?;
        r.finish()?;
        Ok(Some(value))
    }

    /// The ec_point_formats list (RFC 8422 §5.1.2,
    /// `ec_point_format_list<1..2^8-1>`), if present: an empty or
    /// mismeasured one is decode_error.
    pub fn ec_point_formats(&self) -> Result<Option<Vec<u8>>, Error> {
        self.parse(ext::EC_POINT_FORMATS, |r| {
            Ok(r.vec8()?.non_empty("an empty ec_point_formats list")?.rest().to_vec())
        })
    }
}

/// Reads `uint16 list<2..2^16-2>` (supported_groups, signature_algorithms, cipher suites).
pub fn read_u16_list(r: &mut Reader<'_>) -> Result<Vec<u16>, Error> {
    let mut list = r.vec16()?.non_empty("an empty list")?;
    let mut out = Vec::new();
    while !list.is_empty() {
        out.push(list.u16()?);
    }
    Ok(out)
}

/// Writes `uint16 list<..>` with a 2-byte length.
pub fn write_u16_list(w: &mut Writer, list: &[u16]) {
    w.vec16(|w| {
        for &v in list {
            w.u16(v);
        }
    });
}

/// Certificate (RFC 5246 §7.4.2; RFC 8446 §4.4.2, whose entries carry
/// extensions and which starts with a request context).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertificateMessage {
    /// TLS 1.3 certificate_request_context (empty for a server); `None` in TLS 1.2.
    pub context: Option<Vec<u8>>,
    /// DER certificates, leaf first, each with its TLS 1.3 extensions.
    pub entries: Vec<(Vec<u8>, Extensions)>,
}

impl CertificateMessage {
    /// Reads a Certificate body in the layout of `version`.
    pub fn decode(body: &[u8], version: ProtocolVersion) -> Result<CertificateMessage, Error> {
        let tls13 = version == ProtocolVersion::Tls13;
        let mut r = Reader::new(body);
        let context = if tls13 { Some(r.vec8()?.rest().to_vec()) } else { None };
        let mut list = r.vec24()?;
        let mut entries = Vec::new();
        while !list.is_empty() {
            let der = list.vec24()?.non_empty("an empty certificate")?.rest().to_vec();
            let extensions = if tls13 { Extensions::decode(&mut list)? } else { Extensions::default() };
            entries.push((der, extensions));
        }
        r.finish()?;
        Ok(CertificateMessage { context, entries })
    }

    /// Writes the body.
    pub fn encode(&self) -> Result<Vec<u8>, Error> {
        let mut w = Writer::new();
        if let Some(context) = &self.context {
            w.vec8(|w| {
                w.bytes(context);
            });
        }
        w.vec24(|w| {
            for (der, extensions) in &self.entries {
                w.vec24(|w| {
                    w.bytes(der);
                });
                if self.context.is_some() {
                    extensions.encode(w);
                }
            }
        });
        w.into_bytes()
    }
}

/// A signature with its scheme: TLS 1.2 `digitally-signed` (RFC 5246
/// §4.7) and the TLS 1.3 CertificateVerify body (RFC 8446 §4.4.3).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DigitallySigned {
    /// The SignatureScheme.
    pub scheme: u16,
    /// The signature bytes.
    pub signature: Vec<u8>,
}

impl DigitallySigned {
    /// Reads `scheme || opaque signature<0..2^16-1>` from `r`.
    pub fn decode(r: &mut Reader<'_>) -> Result<DigitallySigned, Error> {
        let scheme = r.u16()?;
        let signature = r.vec16()?.rest().to_vec();
        Ok(DigitallySigned { scheme, signature })
    }

    /// Writes it.
    pub fn encode(&self, w: &mut Writer) {
        w.u16(self.scheme).vec16(|w| {
            w.bytes(&self.signature);
        });
    }
}

/// EncryptedExtensions (RFC 8446 §4.3.1): just an extension list.
pub fn decode_encrypted_extensions(body: &[u8]) -> Result<Extensions, Error> {
    let mut r = Reader::new(body);
    let extensions = Extensions::decode(&mut r)?;
    r.finish()?;
    Ok(extensions)
}

/// CertificateRequest (RFC 8446 §4.3.2): returns the
/// certificate_request_context, which the client's Certificate echoes.
/// signature_algorithms must be among the extensions.
pub fn decode_certificate_request(body: &[u8]) -> Result<Vec<u8>, Error> {
    let mut r = Reader::new(body);
    let context = r.vec8()?.rest().to_vec();
    let extensions = Extensions::decode(&mut r)?;
    r.finish()?;
    if !extensions.has(ext::SIGNATURE_ALGORITHMS) {
        return Err(Error::MissingExtension("signature_algorithms in a CertificateRequest"));
    }
    Ok(context)
}

/// A TLS 1.2 CertificateRequest (RFC 5246 §7.4.4), checked for syntax:
/// we have no client certificate, so its contents do not matter.
pub fn check_tls12_certificate_request(body: &[u8]) -> Result<(), Error> {
    let mut r = Reader::new(body);
    let _types = r.vec8()?.non_empty("a CertificateRequest without certificate types")?;
    let _schemes = read_u16_list(&mut r)?;
    let _authorities = r.vec16()?;
    r.finish()
}

/// CertificateVerify (RFC 8446 §4.4.3).
pub fn decode_certificate_verify(body: &[u8]) -> Result<DigitallySigned, Error> {
    let mut r = Reader::new(body);
    let signed = DigitallySigned::decode(&mut r)?;
    r.finish()?;
    Ok(signed)
}

/// NewSessionTicket (RFC 8446 §4.6.1): checked for syntax, then ignored
/// (we do not resume sessions).
pub fn check_new_session_ticket(body: &[u8]) -> Result<(), Error> {
    let mut r = Reader::new(body);
    let _lifetime = r.u32()?;
    let _age_add = r.u32()?;
    let _nonce = r.vec8()?;
    let _ticket = r.vec16()?.non_empty("an empty ticket")?;
    let _extensions = Extensions::decode(&mut r)?;
    r.finish()
}

/// KeyUpdate (RFC 8446 §4.6.3): whether the peer asks us to update too.
pub fn decode_key_update(body: &[u8]) -> Result<bool, Error> {
    let mut r = Reader::new(body);
    let request = r.u8()?;
    r.finish()?;
    match request {
        0 => Ok(false),
        1 => Ok(true),
        _ => Err(Error::IllegalParameter("a KeyUpdate request that is neither 0 nor 1")),
    }
}
