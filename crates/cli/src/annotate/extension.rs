//! The extensions of the hellos (RFC 8446 §4.2 and the registries it
//! points to): each one's meaning in a line, and its body decoded field by
//! field where we know the layout, for [`super::dissect`].

use super::*;

/// An extension list (RFC 8446 §4.2), each extension decoded by name.
pub(super) fn extensions(w: &mut Walk<'_>, context: Context) -> Option<()> {
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
