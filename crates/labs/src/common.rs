//! What several labs share: a throw-away PKI on a fixed clock, an honest
//! client that fetches a page with the real padlock-tls, and reading the
//! handshake out of a recorded connection.

use std::io::{Read as _, Write as _};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use padlock_der::Time;
use padlock_rsa::RsaPrivateKey;
use padlock_tls::messages::HandshakeType;
use padlock_tls::trace::{Event, Side, TraceSink};
use padlock_tls::{ClientConfig, Connection, Stream};
use padlock_x509::throwaway::Pki;
use padlock_x509::{Certificate, CertificateBuilder};

use crate::net::{self, Direction, HANDSHAKE, RawRecord};

/// The day the labs' certificates start, and the day the labs run: a fixed
/// clock keeps every run reproducible.
pub(crate) fn clock() -> (Time, Time) {
    let not_before = Time::new(2025, 1, 1, 0, 0, 0).expect("a valid date");
    let now = Time::new(2025, 1, 2, 12, 0, 0).expect("a valid date");
    (not_before, now)
}

/// A CA and a leaf for `names`, `bits`-bit RSA keys, from `seed`.
pub(crate) fn pki(bits: usize, names: &[&str], seed: u64) -> Result<Pki, String> {
    padlock_x509::throwaway::throwaway(bits, names, &[], clock().0, &mut net::rng(seed, 1000))
}

/// A leaf certificate and its key.
pub(crate) type Leaf = (Certificate, Arc<RsaPrivateKey>);

/// A CA and a leaf for each of `names` (each with its own key), `bits`-bit
/// RSA keys, from `seed`.
pub(crate) fn ca_and_leaves(
    bits: usize,
    names: &[&str],
    seed: u64,
) -> Result<(Certificate, Vec<Leaf>), String> {
    let mut rng = net::rng(seed, 1001);
    let not_before = clock().0;
    let ca_key = RsaPrivateKey::generate(bits, &mut rng, &mut |_| {}).map_err(|e| e.to_string())?;
    let ca = CertificateBuilder::ca("Padlock labs CA", not_before)
        .self_signed(&ca_key, &mut rng)
        .map_err(|e| e.to_string())?;
    let mut leaves = Vec::new();
    for name in names {
        let key = RsaPrivateKey::generate(bits, &mut rng, &mut |_| {}).map_err(|e| e.to_string())?;
        let mut builder = CertificateBuilder::leaf(name, not_before);
        builder.dns_names = vec![name.to_string()];
        let leaf = builder.signed_by(key.public_key(), &ca, &ca_key, &mut rng).map_err(|e| e.to_string())?;
        leaves.push((leaf, Arc::new(key)));
    }
    Ok((ca, leaves))
}

/// A client configuration for `host` trusting `ca`, on the labs' clock.
pub(crate) fn client_config(host: &str, ca: &Certificate) -> ClientConfig {
    let mut config = ClientConfig::new(host, vec![ca.clone()]);
    config.now = Some(clock().1);
    config
}

/// What an honest client saw.
pub(crate) struct Fetched {
    /// The response, or why there is none.
    pub(crate) response: Result<Vec<u8>, String>,
    /// Its trace events.
    pub(crate) events: Vec<(Side, Event)>,
}

/// The honest client: connects to `address`, sends `request`, reads the
/// response to the end — with the real padlock-tls and `config`.
pub(crate) fn fetch(address: SocketAddr, mut config: ClientConfig, seed: u64, request: &[u8]) -> Fetched {
    let events: Arc<Mutex<Vec<(Side, Event)>>> = Arc::default();
    let list = events.clone();
    let sink: TraceSink = Arc::new(move |side: Side, event: &Event| {
        if let Ok(mut list) = list.lock() {
            list.push((side, event.clone()));
        }
    });
    config.trace = Some(sink);
    let response = (|| {
        let tcp = net::connect(address)?;
        let conn = Connection::client(Arc::new(config), Box::new(net::rng(seed, 2000)))
            .map_err(|e| e.to_string())?;
        let mut stream = Stream::new(conn, tcp);
        stream.handshake().map_err(|e| e.to_string())?;
        stream.write_all(request).map_err(|e| e.to_string())?;
        let mut response = Vec::new();
        stream.read_to_end(&mut response).map_err(|e| e.to_string())?;
        Ok(response)
    })();
    let events = events.lock().map(|list| list.clone()).unwrap_or_default();
    Fetched { response, events }
}

/// The first secret of `kind` a side traced.
pub(crate) fn traced_secret(
    events: &[(Side, Event)],
    side: Side,
    kind: padlock_tls::key_schedule::SecretKind,
) -> Option<Vec<u8>> {
    events.iter().find_map(|(s, e)| match e {
        Event::Secret { kind: k, value } if *s == side && *k == kind => Some(value.clone()),
        _ => None,
    })
}

/// A handshake message read off the wire.
pub(crate) struct Message {
    /// Its type.
    pub(crate) typ: Option<HandshakeType>,
    /// Header and body.
    pub(crate) raw: Vec<u8>,
}

/// The unencrypted handshake messages of a recorded connection, in the
/// order they were sent: each direction's handshake records up to its
/// ChangeCipherSpec (after which TLS 1.2 encrypts), cut into messages.
pub(crate) fn plaintext_handshake(log: &[(Direction, RawRecord)]) -> Vec<Message> {
    let mut messages = Vec::new();
    let mut buffers = [Vec::new(), Vec::new()];
    let mut encrypted = [false, false];
    for (direction, record) in log {
        let side = usize::from(*direction == Direction::ToClient);
        if record.typ == net::CHANGE_CIPHER_SPEC {
            encrypted[side] = true;
        }
        if record.typ != HANDSHAKE || encrypted[side] {
            continue;
        }
        let buffer: &mut Vec<u8> = &mut buffers[side];
        buffer.extend_from_slice(&record.body);
        while let Some(&[typ, l0, l1, l2]) = buffer.first_chunk::<4>() {
            let len = 4 + (usize::from(l0) << 16 | usize::from(l1) << 8 | usize::from(l2));
            if buffer.len() < len {
                break;
            }
            let raw: Vec<u8> = buffer.drain(..len).collect();
            messages.push(Message { typ: HandshakeType::from_u8(typ), raw });
        }
    }
    messages
}

/// The body of the first message of type `typ`.
pub(crate) fn body_of(messages: &[Message], typ: HandshakeType) -> Option<&[u8]> {
    messages.iter().find(|m| m.typ == Some(typ)).map(|m| &m.raw[4..])
}

/// Every record of type `typ` that went in `direction`, in order.
pub(crate) fn records_of(log: &[(Direction, RawRecord)], direction: Direction, typ: u8) -> Vec<RawRecord> {
    log.iter().filter(|(d, r)| *d == direction && r.typ == typ).map(|(_, r)| r.clone()).collect()
}

/// `bytes` as text where printable, `\r\n` kept visible.
pub(crate) fn printable(bytes: &[u8]) -> String {
    let mut out = String::new();
    for &b in bytes {
        match b {
            b'\r' => out.push_str("\\r"),
            b'\n' => out.push_str("\\n"),
            0x20..=0x7e => out.push(char::from(b)),
            _ => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out
}
