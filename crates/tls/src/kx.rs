//! The key exchange both versions share: an ephemeral key pair in a group,
//! its public value for the peer, and the shared secret with the peer's.
//!
//! In TLS 1.3 the public values travel in the key_share extensions of the
//! hellos (RFC 8446 §4.2.8); in TLS 1.2 in ServerKeyExchange and
//! ClientKeyExchange (RFC 5246 §7.4.3, RFC 8422 §5.4). The checks on the
//! peer's value are the ones each group's RFC asks for; a value that fails
//! them is illegal_parameter.

use padlock_dh::groups::Group;
use padlock_dh::{ffdh, x25519};
use rand_core::CryptoRng;
use zeroize::Zeroizing;

use crate::Error;
use crate::messages::ProtocolVersion;
use crate::suites::NamedGroup;

/// An ephemeral private key for one key exchange, used once (consumed by
/// [`agree`](Self::agree)), with its public value computed once (for FFDHE
/// it is a modular exponentiation).
pub(crate) struct EphemeralKey {
    private: Private,
    public: Vec<u8>,
    /// The named group, if it is one (a TLS 1.2 server may send any
    /// safe-prime group).
    group: Option<NamedGroup>,
}

/// The private half, by kind of group.
enum Private {
    /// X25519 (RFC 7748).
    X25519(x25519::PrivateKey),
    /// Finite-field DH over a safe-prime group.
    Ffdhe(ffdh::PrivateKey),
}

impl EphemeralKey {
    /// A fresh key in a named group.
    pub(crate) fn generate(group: NamedGroup, rng: &mut dyn CryptoRng) -> Result<EphemeralKey, Error> {
        match group.ffdhe() {
            None => {
                let private = x25519::PrivateKey::generate(rng);
                let public = private.public_key().as_bytes().to_vec();
                Ok(EphemeralKey { private: Private::X25519(private), public, group: Some(group) })
            }
            Some(params) => EphemeralKey::generate_ffdhe(&params, rng),
        }
    }

    /// A fresh key in the finite-field group `params` (TLS 1.2 DHE, where
    /// the server may name any safe-prime group).
    pub(crate) fn generate_ffdhe(params: &Group, rng: &mut dyn CryptoRng) -> Result<EphemeralKey, Error> {
        let private = ffdh::PrivateKey::generate(params, rng)
            .map_err(|e| Error::Internal(format!("DH key generation: {e:?}")))?;
        let public = private.public_key().as_bytes().to_vec();
        let group = params.tls_id.and_then(NamedGroup::by_id);
        Ok(EphemeralKey { private: Private::Ffdhe(private), public, group })
    }

    /// The named group of this key, if it is one.
    pub(crate) fn group(&self) -> Option<NamedGroup> {
        self.group
    }

    /// The public value: 32 bytes for X25519; for FFDHE left-padded to the
    /// length of p (RFC 8446 §4.2.8.1, and accepted by TLS 1.2 peers).
    pub(crate) fn public(&self) -> &[u8] {
        &self.public
    }

    /// The shared secret with the peer's public value, after validating it:
    /// X25519 refuses the all-zero result (RFC 8446 §7.4.2); FFDHE checks
    /// `1 < Y < p - 1` (RFC 8446 §4.2.8.1, RFC 7919 §5.1), and in TLS 1.3
    /// that Y is exactly as long as p. The TLS 1.2 form strips leading
    /// zeros (RFC 5246 §8.1.2); TLS 1.3 keeps them (RFC 8446 §7.4.1).
    pub(crate) fn agree(self, peer: &[u8], version: ProtocolVersion) -> Result<Zeroizing<Vec<u8>>, Error> {
        let tls13 = version == ProtocolVersion::Tls13;
        match self.private {
            Private::X25519(key) => {
                let bytes: [u8; 32] = peer
                    .try_into()
                    .map_err(|_| Error::IllegalParameter("an X25519 share that is not 32 bytes"))?;
                let shared = key
                    .diffie_hellman(&x25519::PublicKey::from_bytes(bytes))
                    .map_err(|_| Error::IllegalParameter("an X25519 share of low order (all-zero secret)"))?;
                Ok(Zeroizing::new(shared.as_bytes().to_vec()))
            }
            Private::Ffdhe(key) => {
                let group = *key.group();
                if tls13 && peer.len() != group.p.len() {
                    return Err(Error::IllegalParameter("an FFDHE share not as long as p"));
                }
                let public = ffdh::PublicKey::from_bytes(&group, peer)
                    .map_err(|_| Error::IllegalParameter("an FFDHE share longer than p"))?;
                let shared =
                    key.agree(&public).map_err(|_| Error::IllegalParameter("an FFDHE share out of range"))?;
                let bytes = if tls13 { shared.tls13_bytes() } else { shared.tls12_bytes() };
                Ok(Zeroizing::new(bytes.to_vec()))
            }
        }
    }
}
