//! The key schedules: how TLS turns a shared secret into record keys.
//!
//! Both versions start from a secret the key exchange agreed on and derive,
//! stage by stage, the keys and IVs of the record layer and the `verify_data`
//! of the Finished messages. Each stage is a type, consumed by the next, so a
//! stage cannot be skipped or used twice by mistake.
//!
//! # TLS 1.2 ([`tls12`], RFC 5246 §5, §6.3, §8.1)
//!
//! One function, the PRF, does everything:
//!
//! ```text
//! PreMasterSecret (from the key exchange)
//!       |  PRF(premaster, "master secret", client_random + server_random)
//!       |  (or "extended master secret" over the session hash, RFC 7627 §4)
//!       v
//! MasterSecret (48 bytes)
//!       |  PRF(master, "key expansion", server_random + client_random)
//!       v
//! KeyBlock: client_write_key, server_write_key, client_write_IV, server_write_IV
//! ```
//!
//! # TLS 1.3 ([`tls13`], RFC 8446 §7.1)
//!
//! HKDF (RFC 5869) alternates extract (mix in new keying material) and
//! expand (derive named secrets, bound to the transcript hash). The figure of
//! RFC 8446 §7.1, without the PSK-only branches:
//!
//! ```text
//!              0
//!              |
//!              v
//!    PSK ->  HKDF-Extract = Early Secret
//!              |
//!              v
//!        Derive-Secret(., "derived", "")
//!              |
//!              v
//!    (EC)DHE -> HKDF-Extract = Handshake Secret
//!              |
//!              +-----> Derive-Secret(., "c hs traffic",
//!              |                     ClientHello...ServerHello)
//!              |                     = client_handshake_traffic_secret
//!              |
//!              +-----> Derive-Secret(., "s hs traffic",
//!              |                     ClientHello...ServerHello)
//!              |                     = server_handshake_traffic_secret
//!              v
//!        Derive-Secret(., "derived", "")
//!              |
//!              v
//!    0 -> HKDF-Extract = Master Secret
//!              |
//!              +-----> Derive-Secret(., "c ap traffic",
//!              |                     ClientHello...server Finished)
//!              |                     = client_application_traffic_secret_0
//!              |
//!              +-----> Derive-Secret(., "s ap traffic",
//!              |                     ClientHello...server Finished)
//!              |                     = server_application_traffic_secret_0
//!              |
//!              +-----> Derive-Secret(., "exp master",
//!              |                     ClientHello...server Finished)
//!              |                     = exporter_master_secret
//!              |
//!              +-----> Derive-Secret(., "res master",
//!                                    ClientHello...client Finished)
//!                                    = resumption_master_secret
//! ```
//!
//! Without a PSK, the early secret's "PSK" is a string of `HashLen` zeros.
//! Each traffic secret then gives a key and an IV (§7.3) and a Finished key
//! (§4.4.4).
//!
//! Constant time: yes, because everything here is HMAC over secrets of
//! public length (see `padlock_sha`).

pub mod tls12;
pub mod tls13;

use padlock_sha::hkdf::{Prk, extract};
use padlock_sha::hmac::hmac;
use padlock_sha::{Hash, Sha256, Sha384};
use zeroize::{Zeroize, Zeroizing};

use crate::side::Side;

/// The hash of a cipher suite: the PRF hash in TLS 1.2, the HKDF and
/// transcript hash in TLS 1.3.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HashAlgorithm {
    /// SHA-256 (FIPS 180-4): `TLS_AES_128_GCM_SHA256`, `..._AES_128_GCM_SHA256`.
    Sha256,
    /// SHA-384 (FIPS 180-4): `TLS_AES_256_GCM_SHA384`, `..._AES_256_GCM_SHA384`.
    Sha384,
}

impl HashAlgorithm {
    /// The digest length in bytes (`HashLen` in RFC 8446): 32 or 48.
    pub fn output_len(self) -> usize {
        match self {
            HashAlgorithm::Sha256 => Sha256::OUTPUT_LEN,
            HashAlgorithm::Sha384 => Sha384::OUTPUT_LEN,
        }
    }

    /// The name FIPS 180-4 gives the hash, such as `"SHA-256"`.
    pub fn name(self) -> &'static str {
        match self {
            HashAlgorithm::Sha256 => Sha256::NAME,
            HashAlgorithm::Sha384 => Sha384::NAME,
        }
    }

    /// The digest of `data`.
    pub fn hash(self, data: &[u8]) -> Vec<u8> {
        match self {
            HashAlgorithm::Sha256 => Sha256::digest(data).as_ref().to_vec(),
            HashAlgorithm::Sha384 => Sha384::digest(data).as_ref().to_vec(),
        }
    }

    /// HMAC (RFC 2104) of `data` under `key`.
    pub fn hmac(self, key: &[u8], data: &[u8]) -> Vec<u8> {
        match self {
            HashAlgorithm::Sha256 => copy_and_wipe(hmac::<Sha256>(key, data)),
            HashAlgorithm::Sha384 => copy_and_wipe(hmac::<Sha384>(key, data)),
        }
    }

    /// RFC 5869 §2.2: `HKDF-Extract(salt, IKM)`, a `HashLen`-byte secret.
    pub(crate) fn hkdf_extract(self, salt: &[u8], ikm: &[u8]) -> Zeroizing<Vec<u8>> {
        let prk = match self {
            HashAlgorithm::Sha256 => extract::<Sha256>(salt, ikm).as_bytes().to_vec(),
            HashAlgorithm::Sha384 => extract::<Sha384>(salt, ikm).as_bytes().to_vec(),
        };
        Zeroizing::new(prk)
    }

    /// RFC 5869 §2.3: `HKDF-Expand(PRK, info, len)`.
    ///
    /// # Panics
    /// If `prk` is not `HashLen` bytes or `len > 255 * HashLen`: callers pass
    /// secrets of this schedule and the lengths of a cipher suite.
    pub(crate) fn hkdf_expand(self, prk: &[u8], info: &[u8], len: usize) -> Vec<u8> {
        let mut okm = vec![0; len];
        let expanded = match self {
            HashAlgorithm::Sha256 => Prk::<Sha256>::from_bytes(prk).expand(info, &mut okm),
            HashAlgorithm::Sha384 => Prk::<Sha384>::from_bytes(prk).expand(info, &mut okm),
        };
        expanded.expect("the key schedule asks for at most a few hash lengths");
        okm
    }
}

/// Copies a hash output out, then wipes the original (it may be a secret).
fn copy_and_wipe<O: AsRef<[u8]> + AsMut<[u8]>>(mut output: O) -> Vec<u8> {
    let copy = output.as_ref().to_vec();
    output.as_mut().zeroize();
    copy
}

/// Names of secrets, with their RFC 8446 labels and NSS key-log names (one table).
///
/// The NSS key-log format (`SSLKEYLOGFILE`) is what Wireshark reads to
/// decrypt a capture: one line `<nss_label> <client_random> <secret>` each.
/// Trace events name secrets by kind; the CLI words them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SecretKind {
    /// The TLS 1.2 premaster secret (RFC 5246 §8.1): the (EC)DHE result or
    /// the 48 bytes RSA key transport carried.
    Tls12Premaster,
    /// The TLS 1.2 master secret (RFC 5246 §8.1).
    Tls12MasterSecret,
    /// The TLS 1.3 early secret (RFC 8446 §7.1).
    EarlySecret,
    /// The TLS 1.3 handshake secret (RFC 8446 §7.1).
    HandshakeSecret,
    /// The TLS 1.3 master secret (RFC 8446 §7.1).
    MasterSecret,
    /// `client_handshake_traffic_secret` (RFC 8446 §7.1).
    ClientHandshakeTraffic,
    /// `server_handshake_traffic_secret` (RFC 8446 §7.1).
    ServerHandshakeTraffic,
    /// `client_application_traffic_secret_0` (RFC 8446 §7.1).
    ClientApplicationTraffic,
    /// `server_application_traffic_secret_0` (RFC 8446 §7.1).
    ServerApplicationTraffic,
    /// `client_application_traffic_secret_N+1`, after a KeyUpdate (RFC 8446 §7.2).
    ClientApplicationTrafficNext,
    /// `server_application_traffic_secret_N+1`, after a KeyUpdate (RFC 8446 §7.2).
    ServerApplicationTrafficNext,
    /// `exporter_master_secret` (RFC 8446 §7.1, §7.5).
    ExporterMaster,
    /// `resumption_master_secret` (RFC 8446 §7.1, §4.6.1).
    ResumptionMaster,
}

impl SecretKind {
    /// The label the RFC derives this secret with, without the `"tls13 "`
    /// prefix: `"c hs traffic"`; for the secrets HKDF-Extract makes, and
    /// TLS 1.2's, the RFC's name (`"master secret"`).
    pub fn label(self) -> &'static str {
        self.names().0
    }

    /// The name of this secret in the NSS key-log format; `""` for the
    /// secrets the format does not log.
    pub fn nss_label(self) -> &'static str {
        self.names().1
    }

    /// The one table: (RFC label, NSS key-log name).
    fn names(self) -> (&'static str, &'static str) {
        match self {
            // RFC 5246 §8.1
            SecretKind::Tls12Premaster => ("premaster secret", ""),
            SecretKind::Tls12MasterSecret => ("master secret", "CLIENT_RANDOM"),
            // RFC 8446 §7.1
            SecretKind::EarlySecret => ("early secret", ""),
            SecretKind::HandshakeSecret => ("handshake secret", ""),
            SecretKind::MasterSecret => ("master secret", ""),
            SecretKind::ClientHandshakeTraffic => ("c hs traffic", "CLIENT_HANDSHAKE_TRAFFIC_SECRET"),
            SecretKind::ServerHandshakeTraffic => ("s hs traffic", "SERVER_HANDSHAKE_TRAFFIC_SECRET"),
            SecretKind::ClientApplicationTraffic => ("c ap traffic", "CLIENT_TRAFFIC_SECRET_0"),
            SecretKind::ServerApplicationTraffic => ("s ap traffic", "SERVER_TRAFFIC_SECRET_0"),
            // RFC 8446 §7.2: Wireshark follows KeyUpdates itself from secret 0.
            SecretKind::ClientApplicationTrafficNext | SecretKind::ServerApplicationTrafficNext => {
                ("traffic upd", "")
            }
            SecretKind::ExporterMaster => ("exp master", "EXPORTER_SECRET"),
            SecretKind::ResumptionMaster => ("res master", ""),
        }
    }

    /// The side whose traffic this secret protects, for traffic secrets.
    pub fn sender(self) -> Option<Side> {
        match self {
            SecretKind::ClientHandshakeTraffic
            | SecretKind::ClientApplicationTraffic
            | SecretKind::ClientApplicationTrafficNext => Some(Side::Client),
            SecretKind::ServerHandshakeTraffic
            | SecretKind::ServerApplicationTraffic
            | SecretKind::ServerApplicationTrafficNext => Some(Side::Server),
            _ => None,
        }
    }
}
