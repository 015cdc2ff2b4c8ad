//! Alerts (RFC 5246 §7.2, RFC 8446 §6): a level and a description.

/// An alert description (RFC 8446 §6, with the TLS 1.2 ones we send).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(missing_docs)] // Each variant is the RFC's name in CamelCase.
pub enum AlertDescription {
    CloseNotify,
    UnexpectedMessage,
    BadRecordMac,
    RecordOverflow,
    HandshakeFailure,
    BadCertificate,
    UnsupportedCertificate,
    CertificateRevoked,
    CertificateExpired,
    CertificateUnknown,
    IllegalParameter,
    UnknownCa,
    AccessDenied,
    DecodeError,
    DecryptError,
    ProtocolVersion,
    InsufficientSecurity,
    InternalError,
    InappropriateFallback,
    UserCanceled,
    NoRenegotiation,
    MissingExtension,
    UnsupportedExtension,
    UnrecognizedName,
    BadCertificateStatusResponse,
    UnknownPskIdentity,
    CertificateRequired,
    NoApplicationProtocol,
    /// A code this table does not name.
    Other(u8),
}

/// `(code, description, RFC name)`: one table for both directions.
const TABLE: [(u8, AlertDescription, &str); 28] = {
    use AlertDescription as A;
    [
        (0, A::CloseNotify, "close_notify"),
        (10, A::UnexpectedMessage, "unexpected_message"),
        (20, A::BadRecordMac, "bad_record_mac"),
        (22, A::RecordOverflow, "record_overflow"),
        (40, A::HandshakeFailure, "handshake_failure"),
        (42, A::BadCertificate, "bad_certificate"),
        (43, A::UnsupportedCertificate, "unsupported_certificate"),
        (44, A::CertificateRevoked, "certificate_revoked"),
        (45, A::CertificateExpired, "certificate_expired"),
        (46, A::CertificateUnknown, "certificate_unknown"),
        (47, A::IllegalParameter, "illegal_parameter"),
        (48, A::UnknownCa, "unknown_ca"),
        (49, A::AccessDenied, "access_denied"),
        (50, A::DecodeError, "decode_error"),
        (51, A::DecryptError, "decrypt_error"),
        (70, A::ProtocolVersion, "protocol_version"),
        (71, A::InsufficientSecurity, "insufficient_security"),
        (80, A::InternalError, "internal_error"),
        (86, A::InappropriateFallback, "inappropriate_fallback"),
        (90, A::UserCanceled, "user_canceled"),
        (100, A::NoRenegotiation, "no_renegotiation"),
        (109, A::MissingExtension, "missing_extension"),
        (110, A::UnsupportedExtension, "unsupported_extension"),
        (112, A::UnrecognizedName, "unrecognized_name"),
        (113, A::BadCertificateStatusResponse, "bad_certificate_status_response"),
        (115, A::UnknownPskIdentity, "unknown_psk_identity"),
        (116, A::CertificateRequired, "certificate_required"),
        (120, A::NoApplicationProtocol, "no_application_protocol"),
    ]
};

impl AlertDescription {
    /// The description for a wire code.
    pub fn from_u8(code: u8) -> AlertDescription {
        TABLE.iter().find(|entry| entry.0 == code).map_or(AlertDescription::Other(code), |entry| entry.1)
    }

    /// The wire code.
    pub fn to_u8(self) -> u8 {
        match self {
            AlertDescription::Other(code) => code,
            known => TABLE.iter().find(|entry| entry.1 == known).map_or(80, |entry| entry.0),
        }
    }

    /// The RFC's name, such as `"bad_record_mac"`.
    pub fn name(self) -> &'static str {
        TABLE.iter().find(|entry| entry.1 == self).map_or("unknown_alert", |entry| entry.2)
    }
}

/// Alert level (RFC 5246 §7.2): TLS 1.3 treats every alert but
/// close_notify and user_canceled as fatal whatever the level says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AlertLevel {
    /// 1
    Warning,
    /// 2
    Fatal,
}

impl AlertLevel {
    /// The level of a wire code, if it is one (1 or 2).
    pub fn from_u8(code: u8) -> Option<AlertLevel> {
        match code {
            1 => Some(AlertLevel::Warning),
            2 => Some(AlertLevel::Fatal),
            _ => None,
        }
    }

    /// "warning" or "fatal".
    pub fn name(self) -> &'static str {
        match self {
            AlertLevel::Warning => "warning",
            AlertLevel::Fatal => "fatal",
        }
    }

    /// The wire code.
    pub fn to_u8(self) -> u8 {
        match self {
            AlertLevel::Warning => 1,
            AlertLevel::Fatal => 2,
        }
    }
}
