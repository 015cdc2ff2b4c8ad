//! RFC 8448 §3, the Simple 1-RTT Handshake, replayed through our server.
//!
//! The key schedule (every secret, key, IV and both Finished values) is
//! checked against the trace in tests/key_schedule.rs, and every record
//! byte in tests/record.rs. Here the *state machine* meets the trace: the
//! RFC's ClientHello goes into our server, with the RFC's server random and
//! x25519 private key injected through the RNG, and the ServerHello that
//! comes out, the handshake traffic secrets, keys and IVs must be the
//! RFC's byte for byte. (Our EncryptedExtensions carries fewer extensions
//! than the trace's server did, so the transcripts part after that.) The
//! RFC's CertificateVerify is then checked with the RFC's certificate.

mod common;

use std::convert::Infallible;
use std::sync::Arc;

use padlock_testkit::{Block, read_vectors};
use padlock_tls::key_schedule::SecretKind;
use padlock_tls::messages::{CertificateMessage, DigitallySigned, frame};
use padlock_tls::trace::{Direction, Event, KeyStage, Side};
use padlock_tls::{Connection, KeyExchange, NamedGroup, SignatureScheme};
use padlock_tls::{ProtocolVersion, VerifyingKey};
use rand::SeedableRng;
use rand::rngs::StdRng;

/// An RNG that hands out a script first, then a seeded stream.
struct ScriptedRng {
    script: Vec<u8>,
    rest: StdRng,
}

impl rand_core::TryRng for ScriptedRng {
    type Error = Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        let mut bytes = [0u8; 4];
        self.try_fill_bytes(&mut bytes)?;
        Ok(u32::from_le_bytes(bytes))
    }

    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        let mut bytes = [0u8; 8];
        self.try_fill_bytes(&mut bytes)?;
        Ok(u64::from_le_bytes(bytes))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        let from_script = dst.len().min(self.script.len());
        dst[..from_script].copy_from_slice(&self.script[..from_script]);
        self.script.drain(..from_script);
        rand_core::Rng::fill_bytes(&mut self.rest, &mut dst[from_script..]);
        Ok(())
    }
}

impl rand_core::TryCryptoRng for ScriptedRng {}

fn vectors(name: &str) -> Vec<Block> {
    read_vectors(env!("CARGO_MANIFEST_DIR"), &format!("rfc8448/{name}.txt"))
}

#[test]
fn our_server_answers_the_rfc_client_hello_as_the_rfc_server_did() {
    let blocks = vectors("server_replay");
    let (inputs, outputs) = (&blocks[0], &blocks[1]);
    // Our server draws its x25519 key first, then its random.
    let mut script = inputs.hex("ServerPrivateKey");
    script.extend(inputs.hex("ServerRandom"));
    let rng = ScriptedRng { script, rest: StdRng::seed_from_u64(8448) };
    let (trace, events) = common::recorder();
    let mut config = common::server_config();
    config.trace = Some(trace);
    let mut server = Connection::server(Arc::new(config), Box::new(rng));

    // RFC 8448 §3: the ClientHello goes out in a record with legacy version 0x0301.
    let client_hello = inputs.hex("ClientHello");
    let mut record = vec![22, 3, 1];
    record.extend((client_hello.len() as u16).to_be_bytes());
    record.extend(&client_hello);
    server.read_tls(&record).expect("the RFC's ClientHello is accepted");

    let flight = common::split_records(&server.take_outgoing());
    assert_eq!(flight[0].content_type, 22);
    assert_eq!(flight[0].payload, outputs.hex("ServerHello"), "ServerHello differs from RFC 8448");

    let events = events.lock().expect("lock");
    let secret = |kind: SecretKind| {
        events.iter().find_map(|(_, e)| match e {
            Event::Secret { kind: k, value } if *k == kind => Some(value.clone()),
            _ => None,
        })
    };
    assert_eq!(secret(SecretKind::ClientHandshakeTraffic), Some(outputs.hex("ClientHandshakeTraffic")));
    assert_eq!(secret(SecretKind::ServerHandshakeTraffic), Some(outputs.hex("ServerHandshakeTraffic")));
    let keys = |direction: Direction| {
        events.iter().find_map(|(side, e)| match e {
            Event::KeysInstalled { direction: d, stage: KeyStage::Handshake, key, iv } if *d == direction => {
                assert_eq!(*side, Side::Server);
                Some((key.clone(), iv.clone()))
            }
            _ => None,
        })
    };
    let server_keys = (outputs.hex("ServerHandshakeKey"), outputs.hex("ServerHandshakeIv"));
    assert_eq!(keys(Direction::Write), Some(server_keys));
    let client_keys = (outputs.hex("ClientHandshakeKey"), outputs.hex("ClientHandshakeIv"));
    assert_eq!(keys(Direction::Read), Some(client_keys));
    let negotiated = server.negotiated().expect("negotiated");
    assert_eq!(negotiated.suite.name(), "TLS_AES_128_GCM_SHA256");
    assert_eq!(negotiated.key_exchange, KeyExchange::Named(NamedGroup::X25519));
}

#[test]
fn the_rfc_certificate_verify_verifies_with_the_rfc_certificate() {
    let blocks = vectors("certificate_verify");
    let server = &blocks[0];
    let certificate_message = server.hex("Certificate");
    let certificate =
        CertificateMessage::decode(&certificate_message[4..], ProtocolVersion::Tls13).expect("Certificate");
    let leaf = padlock_x509::Certificate::from_der(&certificate.entries[0].0).expect("the RFC's certificate");
    let key = VerifyingKey::from_certificate(&leaf).expect("an RSA key");

    let verify_message = server.hex("CertificateVerify");
    let mut reader = padlock_tls::codec::Reader::new(&verify_message[4..]);
    let signed = DigitallySigned::decode(&mut reader).expect("CertificateVerify");
    reader.finish().expect("no trailing bytes");
    let scheme = SignatureScheme::by_id(signed.scheme).expect("a scheme we know");
    assert_eq!(scheme, SignatureScheme::RsaPssRsaeSha256);

    // RFC 8446 §4.4.3: 64 spaces, the context string, 0, Transcript-Hash(CH..Certificate).
    let mut transcript = server.hex("ClientHello");
    transcript.extend(server.hex("ServerHello"));
    transcript.extend(server.hex("EncryptedExtensions"));
    transcript.extend(&certificate_message);
    let mut content = vec![0x20; 64];
    content.extend_from_slice(b"TLS 1.3, server CertificateVerify\0");
    content.extend(padlock_tls::key_schedule::HashAlgorithm::Sha256.hash(&transcript));
    assert!(scheme.verify(&key, &content, &signed.signature), "the RFC's CertificateVerify");
    // And a one-bit change in the transcript breaks it.
    let last = content.len() - 1;
    content[last] ^= 1;
    assert!(!scheme.verify(&key, &content, &signed.signature));
    // The handshake-message framing we use is the one the RFC prints.
    assert_eq!(
        frame(padlock_tls::messages::HandshakeType::Certificate, &certificate_message[4..]).expect("frame"),
        certificate_message
    );
}
