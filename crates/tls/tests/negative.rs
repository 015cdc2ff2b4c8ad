//! Everything a peer or an attacker can get wrong: each gives the right
//! error and alert, and never a panic.

mod common;

use std::sync::Arc;

use common::*;
use padlock_tls::ProtocolVersion::{Tls12, Tls13};
use padlock_tls::alert::AlertDescription;
use padlock_tls::alert::AlertLevel;
use padlock_tls::key_schedule::SecretKind;
use padlock_tls::suites;
use padlock_tls::trace::{Direction, KeyStage, Side};
use padlock_tls::{Connection, Error, NamedGroup};

#[test]
fn wrong_hostname_is_bad_certificate() {
    for version in [Tls12, Tls13] {
        let mut client = client_config();
        client.server_name = "example.com".into();
        client.versions = vec![version];
        let (side, error, alert) =
            expect_failure(run_with_mitm(client, server_config(), 10, &mut pass, &mut pass));
        assert_eq!(side, Side::Client);
        assert!(
            matches!(&error, Error::Certificate(e) if matches!(**e, padlock_x509::Error::HostnameMismatch { .. })),
            "{error:?}"
        );
        assert_eq!(error.alert(), Some(AlertDescription::BadCertificate));
        if version == Tls12 {
            // Still plaintext in TLS 1.2: the alert can be read off the wire.
            assert_eq!(plaintext_alert(&alert), Some(42));
        }
    }
}

#[test]
fn unknown_ca_is_unknown_ca() {
    let mut client = client_config();
    client.trust_anchors = vec![other_pki().ca.clone()];
    let (side, error, _) = expect_failure(run_with_mitm(client, server_config(), 11, &mut pass, &mut pass));
    assert_eq!(side, Side::Client);
    assert_eq!(error.alert(), Some(AlertDescription::UnknownCa), "{error:?}");
}

#[test]
fn tampered_server_key_exchange_signature() {
    for suite in [suites::ECDHE_RSA_AES_128_GCM_SHA256, suites::DHE_RSA_AES_256_GCM_SHA384] {
        let mut client = client_config();
        client.versions = vec![Tls12];
        client.cipher_suites = vec![suite];
        let mut flip = |_: usize, bytes: Vec<u8>| {
            edit_plaintext(&bytes, 12, &mut |body| {
                let last = body.len() - 1;
                body[last] ^= 1;
            })
        };
        let (side, error, alert) =
            expect_failure(run_with_mitm(client, server_config(), 12, &mut pass, &mut flip));
        assert_eq!(side, Side::Client);
        assert!(matches!(error, Error::DecryptError(_)), "{error:?}");
        assert_eq!(plaintext_alert(&alert), Some(51), "decrypt_error on the wire");
    }
}

#[test]
fn tampered_transcript_fails_the_tls12_finished() {
    // Rename the client's extended_master_secret extension (23) so the
    // master secret stays the same on both sides but the transcripts
    // differ: only the Finished check can catch it (RFC 5246 §7.4.9).
    let mut client = client_config();
    client.versions = vec![Tls12];
    let mut rename = |round: usize, bytes: Vec<u8>| {
        if round > 0 {
            return bytes;
        }
        edit_plaintext(&bytes, 1, &mut |body| {
            let at = body.windows(4).position(|w| w == [0, 23, 0, 0]).expect("EMS extension");
            body[at + 1] = 0x77;
        })
    };
    let (side, error, _) = expect_failure(run_with_mitm(client, server_config(), 13, &mut rename, &mut pass));
    assert_eq!(side, Side::Server);
    assert_eq!(error, Error::DecryptError("the client's Finished does not verify"));
}

/// Runs a TLS 1.3 handshake whose server flight (the encrypted record) is
/// edited with the server's own handshake keys, taken from its trace.
#[test]
fn wrong_certificate_verify() {
    let (side, error, _) = tls13_edit_server_flight(15, &mut |body| {
        let last = body.len() - 1;
        body[last] ^= 0x80;
    });
    assert_eq!(side, Side::Client);
    assert_eq!(error, Error::DecryptError("the CertificateVerify signature does not verify"));
    assert_eq!(error.alert(), Some(AlertDescription::DecryptError));
}

#[test]
fn wrong_tls13_finished() {
    let (side, error, _) = tls13_edit_server_flight(20, &mut |body| body[0] ^= 1);
    assert_eq!(side, Side::Client);
    assert_eq!(error, Error::DecryptError("the server's Finished does not verify"));
}

#[test]
fn unknown_extension_in_encrypted_extensions() {
    let (side, error, _) = tls13_edit_server_flight(8, &mut |body| {
        // Append extension 0x1234 with 2 bytes of data and fix the list length.
        body.extend_from_slice(&[0x12, 0x34, 0x00, 0x02, 0xab, 0xcd]);
        let len = (body.len() - 2) as u16;
        body[..2].copy_from_slice(&len.to_be_bytes());
    });
    assert_eq!(side, Side::Client);
    assert!(matches!(error, Error::UnsupportedExtension(_)), "{error:?}");
    assert_eq!(error.alert(), Some(AlertDescription::UnsupportedExtension));
}

#[test]
fn misplaced_extension_in_encrypted_extensions_is_illegal() {
    let (_, error, _) = tls13_edit_server_flight(8, &mut |body| {
        // supported_versions (43) belongs in ServerHello.
        body.extend_from_slice(&[0x00, 43, 0x00, 0x02, 0x03, 0x04]);
        let len = (body.len() - 2) as u16;
        body[..2].copy_from_slice(&len.to_be_bytes());
    });
    assert_eq!(error.alert(), Some(AlertDescription::IllegalParameter), "{error:?}");
}

fn hrr_setup() -> (padlock_tls::ClientConfig, padlock_tls::ServerConfig) {
    let mut client = client_config();
    client.groups = vec![NamedGroup::X25519, NamedGroup::Ffdhe2048];
    client.key_share_groups = vec![NamedGroup::X25519];
    let mut server = server_config();
    server.groups = vec![NamedGroup::Ffdhe2048];
    (client, server)
}

#[test]
fn second_hello_retry_request_is_refused() {
    let (client, server) = hrr_setup();
    let mut first = None;
    let mut replay = |round: usize, bytes: Vec<u8>| match round {
        0 => {
            first = Some(bytes.clone());
            bytes
        }
        // Instead of the real ServerHello, the first HelloRetryRequest again.
        _ => first.clone().expect("first flight"),
    };
    let (side, error, _) = expect_failure(run_with_mitm(client, server, 15, &mut pass, &mut replay));
    assert_eq!(side, Side::Client);
    assert_eq!(error.alert(), Some(AlertDescription::UnexpectedMessage), "{error:?}");
}

#[test]
fn hello_retry_request_that_changes_nothing() {
    let (client, server) = hrr_setup();
    // Rewrite the HRR's selected group (ffdhe2048, 0x0100) into x25519 (0x001d),
    // for which the client already sent a share.
    let mut rewrite = |round: usize, bytes: Vec<u8>| {
        if round != 0 {
            return bytes;
        }
        edit_plaintext(&bytes, 2, &mut |body| {
            let at = body.windows(6).position(|w| w == [0, 51, 0, 2, 1, 0]).expect("HRR key_share");
            body[at + 4..at + 6].copy_from_slice(&[0, 29]);
        })
    };
    let (side, error, _) = expect_failure(run_with_mitm(client, server, 16, &mut pass, &mut rewrite));
    assert_eq!(side, Side::Client);
    assert_eq!(error.alert(), Some(AlertDescription::IllegalParameter), "{error:?}");
}

#[test]
fn downgrade_sentinel_is_caught() {
    // An attacker hides supported_versions (43) from the server, which
    // then answers TLS 1.2 and, speaking 1.3 itself, marks its random.
    let mut hide = |round: usize, bytes: Vec<u8>| {
        if round > 0 {
            return bytes;
        }
        edit_plaintext(&bytes, 1, &mut |body| {
            let at = body.windows(3).position(|w| w == [0, 43, 0]).expect("supported_versions");
            body[at + 1] = 0x77;
        })
    };
    let (side, error, alert) =
        expect_failure(run_with_mitm(client_config(), server_config(), 17, &mut hide, &mut pass));
    assert_eq!(side, Side::Client);
    assert_eq!(error, Error::Downgrade);
    assert_eq!(plaintext_alert(&alert), Some(47), "illegal_parameter");
}

#[test]
fn oversized_and_truncated_records() {
    // A plaintext record header announcing 2^14 + 2049 bytes: refused from the header.
    let mut s = Connection::server(Arc::new(server_config()), rng(18));
    let header = [22, 3, 3, 0x48, 0x01];
    assert_eq!(s.read_tls(&header), Err(Error::RecordOverflow));
    assert_eq!(plaintext_alert(&s.take_outgoing()), Some(22), "record_overflow");

    // A plaintext handshake record of 2^14 + 1 bytes (within the ciphertext limit).
    let mut s = Connection::server(Arc::new(server_config()), rng(19));
    let mut record = vec![22, 3, 3, 0x40, 0x01];
    record.extend(std::iter::repeat_n(0, (1 << 14) + 1));
    assert_eq!(s.read_tls(&record), Err(Error::RecordOverflow));

    // Half a ClientHello, then the connection ends.
    let mut c = Connection::client(Arc::new(client_config()), rng(20)).expect("client");
    let hello = c.take_outgoing();
    let mut s = Connection::server(Arc::new(server_config()), rng(21));
    s.read_tls(&hello[..hello.len() / 2]).expect("a partial record is not an error yet");
    assert_eq!(s.read_eof(), Err(Error::UnexpectedEof));
}

#[test]
fn oversized_encrypted_record_after_the_handshake() {
    let (mut c, _s, _) = connect(client_config(), server_config(), 22);
    // 2^14 + 257 bytes of "ciphertext": over the TLS 1.3 limit (RFC 8446 §5.2).
    let mut record = vec![23, 3, 3, 0x41, 0x01];
    record.extend(std::iter::repeat_n(0, (1 << 14) + 257));
    assert_eq!(c.read_tls(&record), Err(Error::RecordOverflow));
}

#[test]
fn garbage_instead_of_client_hello_then_a_good_handshake() {
    let config = Arc::new(server_config());
    let garbage: [&[u8]; 6] = [
        b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n",
        // RFC 8446 §5: a ChangeCipherSpec is dropped only after the first ClientHello.
        &[20, 3, 3, 0, 1, 1],
        &[22, 3, 3, 0, 4, 1, 0, 0, 0],
        &[22, 3, 3, 0, 6, 1, 0, 0, 2, 3, 3],
        &[21, 3, 3, 0, 2, 2, 40],
        &[0xff; 64],
    ];
    for i in 0..100 {
        let mut s = Connection::server(config.clone(), rng(100 + i));
        let bytes = garbage[i as usize % garbage.len()];
        assert!(s.read_tls(bytes).is_err(), "garbage {i} accepted");
        // Each failure queues at most an alert record; never a panic.
        let reply = s.take_outgoing();
        assert!(reply.is_empty() || reply[0] == 21, "garbage {i}: not an alert: {reply:?}");
    }
    let (mut c, mut s, _) = connect(client_config(), (*config).clone(), 23);
    c.write_app_data(b"still serving?").expect("write");
    s.read_tls(&c.take_outgoing()).expect("read");
    assert_eq!(s.take_app_data(), b"still serving?");
}

#[test]
fn no_cipher_suite_in_common_says_what_each_side_has() {
    let mut client = client_config();
    client.versions = vec![Tls12];
    client.cipher_suites = vec![suites::RSA_AES_128_GCM_SHA256];
    let mut server = server_config();
    server.cipher_suites = vec![suites::ECDHE_RSA_AES_128_GCM_SHA256];
    let (side, error, _) = expect_failure(run_with_mitm(client, server, 24, &mut pass, &mut pass));
    assert_eq!(side, Side::Server);
    let text = error.to_string();
    assert!(text.contains("no cipher suite in common"), "{text}");
    assert!(text.contains("client offered [TLS_RSA_WITH_AES_128_GCM_SHA256"), "{text}");
    assert!(text.contains("server accepts [TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256]"), "{text}");
}

#[test]
fn renegotiation_is_refused_with_a_warning() {
    use padlock_tls::record::{ContentType, HalfConn};
    use padlock_tls::trace::Event;
    let (client_trace, client_events) = recorder();
    let (server_trace, server_events) = recorder();
    let mut client = client_config();
    client.versions = vec![Tls12];
    client.trace = Some(client_trace);
    let mut server = server_config();
    server.trace = Some(server_trace);
    let (mut c, mut s, _) = connect(client, server, 25);
    // Seal a new ClientHello with the client's write key, at sequence
    // number 1 (its Finished was 0), as a renegotiating client would.
    let (key, salt) = client_events
        .lock()
        .expect("lock")
        .iter()
        .find_map(|(_, e)| match e {
            Event::KeysInstalled { direction: Direction::Write, key, iv, .. } => {
                Some((key.clone(), iv.clone()))
            }
            _ => None,
        })
        .expect("client keys");
    let mut half = HalfConn::tls12_gcm(&key, salt.try_into().expect("4-byte salt")).expect("key");
    half.seal(ContentType::Handshake, b"skip sequence number 0").expect("seal");
    let mut again = Connection::client(Arc::new(client_config()), rng(26)).expect("client");
    let hello = split_records(&again.take_outgoing()).remove(0).payload;
    let record = half.seal(ContentType::Handshake, &hello).expect("seal");
    s.read_tls(&record).expect("a renegotiation attempt is not fatal");
    let refused = server_events.lock().expect("lock").iter().any(|(_, e)| {
        matches!(
            e,
            Event::Alert {
                sent: true,
                level: AlertLevel::Warning,
                description: AlertDescription::NoRenegotiation
            }
        )
    });
    assert!(refused, "the server sent a no_renegotiation warning");
    // The client takes the warning in its stride and data still flows
    // (server to client: the client's own sequence number was used above).
    s.write_app_data(b"x").expect("write");
    c.read_tls(&s.take_outgoing()).expect("warning alert and data");
    assert_eq!(c.take_app_data(), b"x");
}

#[test]
fn pkcs1_certificate_verify_is_refused_in_tls13() {
    // RFC 8446 §4.4.3: RSASSA-PKCS1-v1_5 may not sign a CertificateVerify.
    let (side, error, _) = tls13_edit_server_flight(15, &mut |body| body[..2].copy_from_slice(&[0x04, 0x01]));
    assert_eq!(side, Side::Client);
    assert_eq!(error, Error::IllegalParameter("RSASSA-PKCS1-v1_5 in a TLS 1.3 CertificateVerify"));
}

#[test]
fn required_extended_master_secret() {
    // The client offers EMS, but an attacker renames the extension: a
    // server that requires it refuses with handshake_failure (RFC 7627 §5.2).
    let mut client = client_config();
    client.versions = vec![Tls12];
    let mut server = server_config();
    server.require_extended_master_secret = true;
    let mut rename = |flight: usize, bytes: Vec<u8>| {
        if flight > 0 {
            return bytes;
        }
        edit_plaintext(&bytes, 1, &mut |body| {
            let at = body.windows(4).position(|w| w == [0, 23, 0, 0]).expect("EMS extension");
            body[at + 1] = 0x77;
        })
    };
    let (side, error, alert) = expect_failure(run_with_mitm(client, server, 30, &mut rename, &mut pass));
    assert_eq!(side, Side::Server);
    assert!(error.to_string().contains("extended master secret"), "{error}");
    assert_eq!(plaintext_alert(&alert), Some(40), "handshake_failure");
}

#[test]
fn post_handshake_message_split_across_records() {
    use padlock_tls::record::{ContentType, HalfConn};
    use padlock_tls::trace::Event;
    let (server_trace, server_events) = recorder();
    let (client_trace, client_events) = recorder();
    let mut client = client_config();
    client.trace = Some(client_trace);
    let mut server = server_config();
    server.trace = Some(server_trace);
    let (mut c, _s, _) = connect(client, server, 31);
    let (key, iv) = installed_keys(&server_events, Side::Server, KeyStage::Application);
    // A KeyUpdate (type 24, length 1, update_not_requested) cut after 3 bytes.
    let mut half = HalfConn::tls13_gcm(&key, iv).expect("key");
    let mut bytes = half.seal(ContentType::Handshake, &[24, 0, 0]).expect("seal");
    bytes.extend(half.seal(ContentType::Handshake, &[1, 0]).expect("seal"));
    c.read_tls(&bytes).expect("the reassembled KeyUpdate is accepted");
    let updated = client_events
        .lock()
        .expect("lock")
        .iter()
        .any(|(_, e)| matches!(e, Event::Secret { kind: SecretKind::ServerApplicationTrafficNext, .. }));
    assert!(updated, "the client moved to the next read secret");
    // Application data between the two halves of a handshake message is
    // refused. The same seed gives the same keys, so a fresh connection
    // can be fed records sealed with the key taken above.
    let (mut c, _s, _) = connect(client_config(), server_config(), 31);
    let mut half = HalfConn::tls13_gcm(&key, iv).expect("key");
    let mut bytes = half.seal(ContentType::Handshake, &[24, 0, 0]).expect("seal");
    bytes.extend(half.seal(ContentType::ApplicationData, b"in between").expect("seal"));
    assert!(matches!(c.read_tls(&bytes), Err(Error::UnexpectedMessage(_))));
}

/// Rewrites the key share of the ClientHello in flight 0 with `change`.
fn edit_client_share(change: impl Fn(&mut Vec<u8>) + Copy) -> impl FnMut(usize, Vec<u8>) -> Vec<u8> {
    use padlock_tls::codec::{Reader, Writer};
    use padlock_tls::messages::{ClientHello, KeyShare, ext};
    move |flight: usize, bytes: Vec<u8>| {
        if flight > 0 {
            return bytes;
        }
        edit_plaintext(&bytes, 1, &mut |body| {
            let mut hello = ClientHello::decode(body).expect("hello");
            for e in &mut hello.extensions.0 {
                if e.typ == ext::KEY_SHARE {
                    let mut list = Reader::new(&e.data).vec16().expect("shares");
                    let mut share = KeyShare::decode(&mut list).expect("one share");
                    change(&mut share.key_exchange);
                    let mut w = Writer::new();
                    w.vec16(|w| share.encode(w));
                    e.data = w.into_bytes().expect("fits");
                }
            }
            *body = hello.encode().expect("encodes");
        })
    }
}

/// Invalid key shares, for every kind of group: each is illegal_parameter
/// from the server, before any key is derived (RFC 8446 §4.2.8, SEC 1
/// §3.2.2.1, FIPS 203 §7.2, draft-ietf-tls-ecdhe-mlkem).
#[test]
fn invalid_key_shares_are_illegal_parameter() {
    type Change = fn(&mut Vec<u8>);
    let cases: [(NamedGroup, &str, Change); 7] = [
        (NamedGroup::Secp256r1, "a point off the curve", |s| s[64] ^= 1),
        (NamedGroup::Secp256r1, "the identity (one zero byte)", |s| *s = vec![0]),
        (NamedGroup::Secp384r1, "a compressed point", |s| {
            s.truncate(49);
            s[0] = 2;
        }),
        (NamedGroup::Secp256r1, "a point too short", |s| s.truncate(64)),
        (NamedGroup::X25519MlKem768, "a hybrid share cut short", |s| s.truncate(1200)),
        (NamedGroup::X25519MlKem768, "an ML-KEM key failing the modulus check", |s| {
            s[0] = 0xff;
            s[1] = 0xff;
        }),
        (NamedGroup::SecP256r1MlKem768, "a hybrid share one byte long", |s| s.truncate(1)),
    ];
    for (group, what, change) in cases {
        let mut client = client_config();
        client.groups = vec![group];
        client.key_share_groups = vec![group];
        let mut edit = edit_client_share(change);
        let (side, error, alert) =
            expect_failure(run_with_mitm(client, server_config(), 60, &mut edit, &mut pass));
        assert_eq!(side, Side::Server, "{what}");
        assert!(matches!(error, Error::IllegalParameter(_)), "{what}: {error:?}");
        // The server's ServerHello was not sent: the alert is in the clear.
        assert_eq!(plaintext_alert(&alert), Some(47), "{what}");
    }
}

/// Hybrid client shares longer than draft-ietf-tls-ecdhe-mlkem allows
/// (1184 + 32 = 1216 bytes for X25519MLKEM768): the server refuses them by
/// length, before encapsulating, with illegal_parameter (kx.rs `split`).
#[test]
fn oversized_hybrid_client_shares_are_illegal_parameter() {
    type Change = fn(&mut Vec<u8>);
    let cases: [(&str, Change); 2] = [
        ("one byte too long (1217)", |s| s.push(0)),
        ("1000 bytes too long (2216)", |s| s.extend(std::iter::repeat_n(0x42, 1000))),
    ];
    for (what, change) in cases {
        let mut client = client_config();
        client.groups = vec![NamedGroup::X25519MlKem768];
        client.key_share_groups = vec![NamedGroup::X25519MlKem768];
        let mut edit = edit_client_share(change);
        let (side, error, alert) =
            expect_failure(run_with_mitm(client, server_config(), 62, &mut edit, &mut pass));
        assert_eq!(side, Side::Server, "{what}");
        assert_eq!(error, Error::IllegalParameter("a hybrid key share of the wrong length"), "{what}");
        assert_eq!(error.alert(), Some(AlertDescription::IllegalParameter), "{what}");
        // The server's ServerHello was not sent: the alert is in the clear.
        assert_eq!(plaintext_alert(&alert), Some(47), "{what}: illegal_parameter");
    }
}

/// The server's half of a hybrid, cut short, is illegal_parameter at the client.
#[test]
fn a_short_hybrid_server_share_is_illegal_parameter() {
    let (side, error, _) = hybrid_server_share_edited(61, |share| {
        share.pop();
    });
    assert_eq!(side, Side::Client);
    assert!(matches!(error, Error::IllegalParameter(_)), "{error:?}");
}

/// The server's half of a hybrid, one byte too long (1088 + 32 + 1), is
/// illegal_parameter at the client, refused by length before decapsulating.
#[test]
fn a_long_hybrid_server_share_is_illegal_parameter() {
    let (side, error, alert) = hybrid_server_share_edited(63, |share| share.push(0));
    assert_eq!(side, Side::Client);
    assert_eq!(error, Error::IllegalParameter("a hybrid key share of the wrong length"));
    assert_eq!(error.alert(), Some(AlertDescription::IllegalParameter));
    // The client has no handshake keys yet: its alert is in the clear.
    assert_eq!(plaintext_alert(&alert), Some(47), "illegal_parameter");
}

/// A TLS 1.3 handshake in X25519MLKEM768 only, whose ServerHello key share
/// (ciphertext(1088) || x25519(32)) `change` edits, fixing its length.
fn hybrid_server_share_edited(seed: u64, change: impl Fn(&mut Vec<u8>)) -> (Side, Error, Vec<u8>) {
    let mut client = client_config();
    client.groups = vec![NamedGroup::X25519MlKem768];
    client.key_share_groups = vec![NamedGroup::X25519MlKem768];
    let mut edit = |flight: usize, bytes: Vec<u8>| {
        if flight > 0 {
            return bytes;
        }
        server_hello_share_edited(&bytes, &change)
    };
    expect_failure(run_with_mitm(client, server_config(), seed, &mut pass, &mut edit))
}
