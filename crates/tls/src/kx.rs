//! The key exchange both versions share, for every group: an ephemeral key
//! in a group, its public value for the peer, and the shared secret.
//!
//! Two shapes. Diffie-Hellman groups (X25519, P-256, P-384, FFDHE) are
//! symmetric: each side makes a key pair and combines its private key with
//! the peer's public value. The hybrid groups of draft-ietf-tls-ecdhe-mlkem
//! add a KEM (ML-KEM-768, FIPS 203), which is not: the client sends an
//! encapsulation key, and the server *answers* it with a ciphertext
//! ([`respond`]), so the server never makes a key pair of its own for it.
//!
//! In TLS 1.3 the values travel in key_share (RFC 8446 §4.2.8); in TLS 1.2
//! in ServerKeyExchange and ClientKeyExchange (RFC 5246 §7.4.3, RFC 8422
//! §5.4). Every peer value is checked as its group's standard asks; one that
//! fails is illegal_parameter.

use padlock_dh::groups::Group;
use padlock_dh::{ffdh, x25519};
use padlock_ec::{Curve, EcEphemeralSecret};
use padlock_mlkem::ml_kem_768 as mlkem;
use rand_core::CryptoRng;
use zeroize::Zeroizing;

use crate::Error;
use crate::messages::ProtocolVersion;
use crate::suites::{GroupKind, NamedGroup};

/// An ephemeral private key for one key exchange, used once (consumed by
/// [`agree`](Self::agree)), with its public value computed once.
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
    /// ECDH on P-256 or P-384 (SEC 1 §3.3.1).
    Ec(EcEphemeralSecret),
    /// Finite-field DH over a safe-prime group.
    Ffdhe(ffdh::PrivateKey),
    /// X25519MLKEM768: the client's ML-KEM decapsulation key and X25519 key.
    X25519MlKem768(Box<mlkem::DecapsulationKey>, x25519::PrivateKey),
    /// SecP256r1MLKEM768: the client's P-256 key and ML-KEM decapsulation key.
    SecP256r1MlKem768(EcEphemeralSecret, Box<mlkem::DecapsulationKey>),
}

impl EphemeralKey {
    /// A fresh key in a named group (for a hybrid group, the client's half).
    pub(crate) fn generate(group: NamedGroup, rng: &mut dyn CryptoRng) -> Result<EphemeralKey, Error> {
        let (private, public) = match group {
            NamedGroup::X25519MlKem768 => {
                let (dk, ek) = mlkem::DecapsulationKey::generate(rng);
                let x = x25519::PrivateKey::generate(rng);
                // draft-ietf-tls-ecdhe-mlkem: the ML-KEM key first, then X25519's.
                let public = [ek.as_bytes(), x.public_key().as_bytes()].concat();
                (Private::X25519MlKem768(Box::new(dk), x), public)
            }
            NamedGroup::SecP256r1MlKem768 => {
                let (dk, ek) = mlkem::DecapsulationKey::generate(rng);
                let ec = EcEphemeralSecret::generate(Curve::P256, rng);
                // Here the ECDH point comes first, then the ML-KEM key.
                let public = [ec.public_key_sec1().as_slice(), ek.as_bytes()].concat();
                (Private::SecP256r1MlKem768(ec, Box::new(dk)), public)
            }
            _ => match group.kind() {
                GroupKind::X25519 => {
                    let private = x25519::PrivateKey::generate(rng);
                    let public = private.public_key().as_bytes().to_vec();
                    (Private::X25519(private), public)
                }
                GroupKind::Ec(curve) => {
                    let private = EcEphemeralSecret::generate(curve, rng);
                    let public = private.public_key_sec1();
                    (Private::Ec(private), public)
                }
                GroupKind::Ffdhe(params) => return EphemeralKey::generate_ffdhe(&params, rng),
                GroupKind::Hybrid => {
                    return Err(Error::Internal(format!("{} has no key pair", group.name())));
                }
            },
        };
        Ok(EphemeralKey { private, public, group: Some(group) })
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

    /// The public value: 32 bytes for X25519; an uncompressed SEC1 point
    /// for P-256 and P-384 (RFC 8446 §4.2.8.2); for FFDHE left-padded to
    /// the length of p (§4.2.8.1); for a hybrid, both halves.
    pub(crate) fn public(&self) -> &[u8] {
        &self.public
    }

    /// The named group of this key, if it is one.
    pub(crate) fn group(&self) -> Option<NamedGroup> {
        self.group
    }

    /// The shared secret with the peer's public value (for a hybrid group,
    /// the server's answer), after validating it. The TLS 1.2 FFDHE form
    /// strips leading zeros (RFC 5246 §8.1.2); TLS 1.3 keeps them (RFC 8446
    /// §7.4.1).
    pub(crate) fn agree(self, peer: &[u8], version: ProtocolVersion) -> Result<Zeroizing<Vec<u8>>, Error> {
        match self.private {
            Private::X25519(key) => x25519_agree(key, peer),
            Private::Ec(key) => ec_agree(key, peer),
            Private::Ffdhe(key) => ffdhe_agree(key, peer, version),
            Private::X25519MlKem768(dk, x) => {
                let (ct, x_public) = split(peer, mlkem::CIPHERTEXT_LEN, 32)?;
                let kem = decapsulate(&dk, ct)?;
                let ecdh = x25519_agree(x, x_public)?;
                Ok(Zeroizing::new([kem.as_slice(), ecdh.as_slice()].concat()))
            }
            Private::SecP256r1MlKem768(ec, dk) => {
                let (point, ct) = split(peer, 65, mlkem::CIPHERTEXT_LEN)?;
                let ecdh = ec_agree(ec, point)?;
                let kem = decapsulate(&dk, ct)?;
                Ok(Zeroizing::new([ecdh.as_slice(), kem.as_slice()].concat()))
            }
        }
    }
}

/// The server's side of a TLS 1.3 key exchange in `group`: its key share
/// for the client's `client_share`, and the shared secret. For a
/// Diffie-Hellman group, a fresh key pair; for a hybrid group, the ML-KEM
/// ciphertext that encapsulates to the client's key, beside a fresh ECDH key.
pub(crate) fn respond(
    group: NamedGroup,
    client_share: &[u8],
    rng: &mut dyn CryptoRng,
) -> Result<(Vec<u8>, Zeroizing<Vec<u8>>), Error> {
    match group {
        NamedGroup::X25519MlKem768 => {
            let (ek, x_public) = split(client_share, mlkem::ENCAPSULATION_KEY_LEN, 32)?;
            let (ct, kem) = encapsulate(ek, rng)?;
            let ours = EphemeralKey::generate(NamedGroup::X25519, rng)?;
            let share = [ct.as_slice(), ours.public()].concat();
            let ecdh = ours.agree(x_public, ProtocolVersion::Tls13)?;
            Ok((share, Zeroizing::new([kem.as_slice(), ecdh.as_slice()].concat())))
        }
        NamedGroup::SecP256r1MlKem768 => {
            let (point, ek) = split(client_share, 65, mlkem::ENCAPSULATION_KEY_LEN)?;
            let (ct, kem) = encapsulate(ek, rng)?;
            let ours = EphemeralKey::generate(NamedGroup::Secp256r1, rng)?;
            let share = [ours.public(), ct.as_slice()].concat();
            let ecdh = ours.agree(point, ProtocolVersion::Tls13)?;
            Ok((share, Zeroizing::new([ecdh.as_slice(), kem.as_slice()].concat())))
        }
        _ => {
            let ours = EphemeralKey::generate(group, rng)?;
            let share = ours.public().to_vec();
            Ok((share, ours.agree(client_share, ProtocolVersion::Tls13)?))
        }
    }
}

/// A hybrid share cut into its two halves, which must have exactly these lengths.
fn split(share: &[u8], first: usize, second: usize) -> Result<(&[u8], &[u8]), Error> {
    if share.len() != first + second {
        return Err(Error::IllegalParameter("a hybrid key share of the wrong length"));
    }
    Ok(share.split_at(first))
}

/// RFC 7748 §6.1, refusing the all-zero result of a low-order point (RFC 8446 §7.4.2).
fn x25519_agree(key: x25519::PrivateKey, peer: &[u8]) -> Result<Zeroizing<Vec<u8>>, Error> {
    let bytes: [u8; 32] =
        peer.try_into().map_err(|_| Error::IllegalParameter("an X25519 share that is not 32 bytes"))?;
    let shared = key
        .diffie_hellman(&x25519::PublicKey::from_bytes(bytes))
        .map_err(|_| Error::IllegalParameter("an X25519 share of low order (all-zero secret)"))?;
    Ok(Zeroizing::new(shared.as_bytes().to_vec()))
}

/// SEC 1 §3.3.1 after the point checks of §3.2.2.1 (RFC 8446 §4.2.8.2):
/// an uncompressed point on the curve, not the identity.
fn ec_agree(key: EcEphemeralSecret, peer: &[u8]) -> Result<Zeroizing<Vec<u8>>, Error> {
    // RFC 8422 §5.1.2, RFC 8446 §4.2.8.2: TLS uses uncompressed points only.
    if peer.first() != Some(&4) {
        return Err(Error::IllegalParameter("an EC share that is not an uncompressed point"));
    }
    let shared = key
        .diffie_hellman(peer)
        .map_err(|_| Error::IllegalParameter("an EC share that is not a valid point on the curve"))?;
    Ok(Zeroizing::new(shared.as_bytes().to_vec()))
}

/// FFDHE: `1 < Y < p - 1` (RFC 8446 §4.2.8.1, RFC 7919 §5.1), and in TLS
/// 1.3 a Y exactly as long as p.
fn ffdhe_agree(
    key: ffdh::PrivateKey,
    peer: &[u8],
    version: ProtocolVersion,
) -> Result<Zeroizing<Vec<u8>>, Error> {
    let tls13 = version == ProtocolVersion::Tls13;
    let group = *key.group();
    if tls13 && peer.len() != group.p.len() {
        return Err(Error::IllegalParameter("an FFDHE share not as long as p"));
    }
    let public = ffdh::PublicKey::from_bytes(&group, peer)
        .map_err(|_| Error::IllegalParameter("an FFDHE share longer than p"))?;
    let shared = key.agree(&public).map_err(|_| Error::IllegalParameter("an FFDHE share out of range"))?;
    let bytes = if tls13 { shared.tls13_bytes() } else { shared.tls12_bytes() };
    Ok(Zeroizing::new(bytes.to_vec()))
}

/// FIPS 203 §7.3: decapsulation of a ciphertext of the right length (it
/// cannot fail otherwise: a wrong ciphertext gives the implicit-rejection key).
fn decapsulate(dk: &mlkem::DecapsulationKey, ct: &[u8]) -> Result<Zeroizing<Vec<u8>>, Error> {
    let ct = mlkem::Ciphertext::from_bytes(ct)
        .map_err(|_| Error::IllegalParameter("an ML-KEM ciphertext of the wrong length"))?;
    Ok(Zeroizing::new(dk.decapsulate(&ct).as_bytes().to_vec()))
}

/// FIPS 203 §7.2: the encapsulation key's checks (its length and that every
/// coefficient is below q), then encapsulation.
fn encapsulate(ek: &[u8], rng: &mut dyn CryptoRng) -> Result<(Vec<u8>, Zeroizing<Vec<u8>>), Error> {
    let ek = mlkem::EncapsulationKey::from_bytes(ek)
        .map_err(|_| Error::IllegalParameter("an ML-KEM encapsulation key that fails the FIPS 203 checks"))?;
    let (ct, shared) = ek.encapsulate(rng);
    Ok((ct.as_bytes().to_vec(), Zeroizing::new(shared.as_bytes().to_vec())))
}
