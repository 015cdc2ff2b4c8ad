//! Arbitrary bytes through every TLS handshake-message decoder (RFC 5246
//! §7.4, RFC 8446 §4), chosen by the first byte: each returns a value or
//! an error, never a panic; ClientHello, ServerHello, Certificate and
//! ServerKeyExchange that decode are encoded back to exactly their bytes.

#![no_main]

use libfuzzer_sys::fuzz_target;
use padlock_tls::codec::Reader;
use padlock_tls::messages::{
    self, CertificateMessage, ClientHello, Extensions, KeyExchangeAlgorithm, KeyShare, ProtocolVersion,
    ServerHello, ServerKeyExchange,
};

fuzz_target!(|data: &[u8]| {
    let Some((&selector, body)) = data.split_first() else { return };
    match selector % 12 {
        0 => {
            if let Ok(hello) = ClientHello::decode(body) {
                // Extensions present: the encoding is exact.
                if !hello.extensions.0.is_empty() {
                    assert_eq!(hello.encode().expect("what decoded encodes"), body);
                }
                for e in &hello.extensions.0 {
                    extension(e.typ, &e.data);
                }
            }
        }
        1 => {
            if let Ok(hello) = ServerHello::decode(body) {
                if !hello.extensions.0.is_empty() {
                    assert_eq!(hello.encode().expect("what decoded encodes"), body);
                }
                for e in &hello.extensions.0 {
                    extension(e.typ, &e.data);
                }
            }
        }
        2 | 3 => {
            let version = if selector % 12 == 3 { ProtocolVersion::Tls13 } else { ProtocolVersion::Tls12 };
            if let Ok(certificate) = CertificateMessage::decode(body, version) {
                assert_eq!(certificate.encode().expect("what decoded encodes"), body);
            }
        }
        4 | 5 => {
            let kx = if selector % 12 == 5 { KeyExchangeAlgorithm::Ecdhe } else { KeyExchangeAlgorithm::Dhe };
            if let Ok(ske) = ServerKeyExchange::decode(body, kx) {
                assert_eq!(ske.encode().expect("what decoded encodes"), body);
                assert_eq!(ske.params.encode().expect("what decoded encodes"), ske.params_bytes);
            }
        }
        6 => {
            for kx in [KeyExchangeAlgorithm::Rsa, KeyExchangeAlgorithm::Dhe, KeyExchangeAlgorithm::Ecdhe] {
                if let Ok(value) = messages::decode_client_key_exchange(body, kx) {
                    assert_eq!(messages::encode_client_key_exchange(&value, kx).expect("what decoded encodes"), body);
                }
            }
        }
        7 => {
            if let Ok(extensions) = messages::decode_encrypted_extensions(body) {
                for e in &extensions.0 {
                    extension(e.typ, &e.data);
                }
            }
        }
        8 => {
            let _ = messages::decode_certificate_verify(body);
        }
        9 => {
            let _ = messages::check_new_session_ticket(body);
            let _ = messages::decode_certificate_request(body);
            let _ = messages::check_tls12_certificate_request(body);
        }
        10 => {
            let _ = messages::decode_key_update(body);
        }
        _ => {
            let mut reader = Reader::new(body);
            let _ = Extensions::decode(&mut reader);
        }
    }
});

/// Every typed extension reader on an extension body.
fn extension(typ: u16, data: &[u8]) {
    let _ = messages::read_server_name(&mut Reader::new(data));
    let _ = messages::read_u16_list(&mut Reader::new(data));
    let _ = KeyShare::decode(&mut Reader::new(data));
    let mut reader = Reader::new(data);
    if let Ok(mut list) = reader.vec16() {
        while !list.is_empty() {
            if KeyShare::decode(&mut list).is_err() {
                break;
            }
        }
    }
    let _ = messages::ext::name(typ);
}
