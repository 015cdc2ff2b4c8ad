//! One error type for the whole TLS stack, and the alert each error sends
//! (RFC 5246 §7.2, RFC 8446 §6).

use core::fmt;

use crate::alert::AlertDescription;

/// Everything that can end a TLS connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// A message or record that does not parse: lengths out of range,
    /// trailing bytes, a vector too short. Sends `decode_error`.
    Decode(&'static str),
    /// A syntactically valid message that breaks the protocol: a field
    /// value that is not allowed. Sends `illegal_parameter`.
    IllegalParameter(&'static str),
    /// A message that is not valid at this point of the handshake. Sends
    /// `unexpected_message`.
    UnexpectedMessage(String),
    /// A record that fails authentication. Sends `bad_record_mac`.
    BadRecordMac,
    /// A record longer than the limit. Sends `record_overflow`.
    RecordOverflow,
    /// No parameters in common (suite, group, version, signature scheme).
    /// Sends `handshake_failure`; the text says what each side had.
    NoCommonParameters(String),
    /// The peer's version is not one we speak. Sends `protocol_version`.
    ProtocolVersion(String),
    /// The certificate chain does not verify. Sends `bad_certificate`,
    /// or `unknown_ca` when no trust anchor issued it.
    BadCertificate(String),
    /// The chain leads to no trust anchor. Sends `unknown_ca`.
    UnknownCa(String),
    /// A signature, Finished or other check failed. Sends `decrypt_error`.
    DecryptError(&'static str),
    /// A required extension is missing. Sends `missing_extension`.
    MissingExtension(&'static str),
    /// An extension that is not allowed here. Sends `unsupported_extension`.
    UnsupportedExtension(String),
    /// The server refuses to renegotiate. Sends `no_renegotiation` (warning in TLS 1.2).
    NoRenegotiation,
    /// A downgrade was detected (RFC 8446 §4.1.3). Sends `illegal_parameter`.
    Downgrade,
    /// The peer sent us an alert.
    AlertReceived(AlertDescription),
    /// The peer closed the connection (close_notify); not a failure.
    Closed,
    /// The transport ended before close_notify or in the middle of a record.
    UnexpectedEof,
    /// A local failure (a key that cannot sign, a bad configuration).
    /// Sends `internal_error`.
    Internal(String),
    /// An I/O error from the socket (only from the stream adapter).
    Io(String),
}

impl Error {
    /// The alert this error sends to the peer, if any (RFC 8446 §6.2).
    pub fn alert(&self) -> Option<AlertDescription> {
        use AlertDescription as A;
        Some(match self {
            Error::Decode(_) => A::DecodeError,
            Error::IllegalParameter(_) | Error::Downgrade => A::IllegalParameter,
            Error::UnexpectedMessage(_) => A::UnexpectedMessage,
            Error::BadRecordMac => A::BadRecordMac,
            Error::RecordOverflow => A::RecordOverflow,
            Error::NoCommonParameters(_) => A::HandshakeFailure,
            Error::ProtocolVersion(_) => A::ProtocolVersion,
            Error::BadCertificate(_) => A::BadCertificate,
            Error::UnknownCa(_) => A::UnknownCa,
            Error::DecryptError(_) => A::DecryptError,
            Error::MissingExtension(_) => A::MissingExtension,
            Error::UnsupportedExtension(_) => A::UnsupportedExtension,
            Error::NoRenegotiation => A::NoRenegotiation,
            Error::Internal(_) => A::InternalError,
            Error::AlertReceived(_) | Error::Closed | Error::UnexpectedEof | Error::Io(_) => return None,
        })
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Decode(what) => write!(f, "malformed message: {what}"),
            Error::IllegalParameter(what) => write!(f, "illegal parameter: {what}"),
            Error::UnexpectedMessage(what) => write!(f, "unexpected message: {what}"),
            Error::BadRecordMac => write!(f, "a record failed authentication (bad_record_mac)"),
            Error::RecordOverflow => write!(f, "a record is longer than the protocol allows"),
            Error::NoCommonParameters(what) => write!(f, "{what}"),
            Error::ProtocolVersion(what) => write!(f, "protocol version: {what}"),
            Error::BadCertificate(what) => write!(f, "bad certificate: {what}"),
            Error::UnknownCa(what) => write!(f, "unknown CA: {what}"),
            Error::DecryptError(what) => write!(f, "check failed: {what}"),
            Error::MissingExtension(what) => write!(f, "missing extension: {what}"),
            Error::UnsupportedExtension(what) => write!(f, "extension not allowed: {what}"),
            Error::NoRenegotiation => write!(f, "renegotiation refused"),
            Error::Downgrade => {
                write!(f, "downgrade detected: the server speaks TLS 1.3 but chose an older version")
            }
            Error::AlertReceived(alert) => write!(f, "the peer sent the alert {}", alert.name()),
            Error::Closed => write!(f, "the peer closed the connection"),
            Error::UnexpectedEof => write!(f, "the connection ended without close_notify"),
            Error::Internal(what) => write!(f, "internal error: {what}"),
            Error::Io(what) => write!(f, "I/O error: {what}"),
        }
    }
}

impl std::error::Error for Error {}

impl From<std::io::Error> for Error {
    fn from(error: std::io::Error) -> Error {
        if error.kind() == std::io::ErrorKind::UnexpectedEof {
            Error::UnexpectedEof
        } else {
            Error::Io(error.to_string())
        }
    }
}
