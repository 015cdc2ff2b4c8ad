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
    /// The peer's certificate chain or name check failed in padlock-x509.
    /// Sends the alert [`certificate_alert`] picks: `unknown_ca`,
    /// `certificate_expired`, `unsupported_certificate` or `bad_certificate`.
    Certificate(Box<padlock_x509::Error>),
    /// A certificate we cannot use, for a reason outside padlock-x509 (a
    /// key of a kind we cannot verify with). Sends `unsupported_certificate`.
    UnsupportedCertificate(String),
    /// A signature, Finished or other check failed. Sends `decrypt_error`.
    DecryptError(&'static str),
    /// A required extension is missing. Sends `missing_extension`.
    MissingExtension(&'static str),
    /// An extension that is not allowed here. Sends `unsupported_extension`.
    UnsupportedExtension(String),
    /// RFC 7507 §3: a fallback connection (TLS_FALLBACK_SCSV) to a server
    /// that speaks a higher version. Sends `inappropriate_fallback`.
    InappropriateFallback,
    /// A downgrade was detected (RFC 8446 §4.1.3). Sends `illegal_parameter`.
    Downgrade,
    /// The peer sent us an alert.
    AlertReceived(AlertDescription),
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
            Error::Certificate(error) => certificate_alert(error),
            Error::UnsupportedCertificate(_) => A::UnsupportedCertificate,
            Error::DecryptError(_) => A::DecryptError,
            Error::MissingExtension(_) => A::MissingExtension,
            Error::UnsupportedExtension(_) => A::UnsupportedExtension,
            Error::InappropriateFallback => A::InappropriateFallback,
            Error::Internal(_) => A::InternalError,
            Error::AlertReceived(_) | Error::UnexpectedEof | Error::Io(_) => return None,
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
            Error::Certificate(error) => {
                let what = match certificate_alert(error) {
                    AlertDescription::UnknownCa => "unknown CA",
                    AlertDescription::CertificateExpired => "certificate not valid at this time",
                    AlertDescription::UnsupportedCertificate => "certificate not supported",
                    _ => "bad certificate",
                };
                write!(f, "{what}: {error}")
            }
            Error::UnsupportedCertificate(what) => write!(f, "certificate not supported: {what}"),
            Error::DecryptError(what) => write!(f, "check failed: {what}"),
            Error::MissingExtension(what) => write!(f, "missing extension: {what}"),
            Error::UnsupportedExtension(what) => write!(f, "extension not allowed: {what}"),
            Error::InappropriateFallback => {
                write!(f, "the client fell back to an older version than both sides speak (RFC 7507)")
            }
            Error::Downgrade => {
                write!(f, "downgrade detected: the server speaks TLS 1.3 but chose an older version")
            }
            Error::AlertReceived(alert) => write!(f, "the peer sent the alert {}", alert.name()),
            Error::UnexpectedEof => write!(f, "the connection ended without close_notify"),
            Error::Internal(what) => write!(f, "internal error: {what}"),
            Error::Io(what) => write!(f, "I/O error: {what}"),
        }
    }
}

impl std::error::Error for Error {}

/// The alert for a certificate padlock-x509 refused (RFC 8446 §6.2):
/// `unknown_ca` when the chain leads to no trust anchor, `certificate_expired`
/// for a date outside the validity period, `unsupported_certificate` for an
/// algorithm we cannot check, `bad_certificate` for the rest.
pub fn certificate_alert(error: &padlock_x509::Error) -> AlertDescription {
    use padlock_x509::Error as X;
    match error {
        X::UnknownIssuer(_) => AlertDescription::UnknownCa,
        X::Expired { .. } | X::NotYetValid { .. } => AlertDescription::CertificateExpired,
        X::UnsupportedSignature(_) | X::UnsupportedKey { .. } => AlertDescription::UnsupportedCertificate,
        // Not meant for a TLS server, or not for this key exchange (as OpenSSL answers).
        X::NotForTlsServers { .. } | X::KeyUsageForbids { .. } => AlertDescription::UnsupportedCertificate,
        _ => AlertDescription::BadCertificate,
    }
}

impl From<std::io::Error> for Error {
    fn from(error: std::io::Error) -> Error {
        if error.kind() == std::io::ErrorKind::UnexpectedEof {
            Error::UnexpectedEof
        } else {
            Error::Io(error.to_string())
        }
    }
}
