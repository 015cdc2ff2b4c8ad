//! Exercise 8 (lab `invalid-share`): check the peer's key share.
//!
//! [`exercise`] is the switched server's key agreement: it raises whatever
//! the peer sent to its private exponent (FFDHE) or multiplies whatever
//! point came (X25519) and uses the result. Rewrite it to refuse, with
//! [`InvalidShare`], what leaves the result known in advance: for ffdhe2048
//! a share outside `2 <= Y <= p - 2` or a result of 1 (RFC 7919 §5.1), for
//! X25519 an all-zero result (RFC 7748 §6.1, RFC 8446 §7.4.2). The checks
//! look only at public values or at whether the result is one fixed value,
//! so plain comparisons on the share are fine; compare the result in
//! constant time. [`reference()`] calls padlock-dh, whose `agree` and
//! `diffie_hellman` make these checks.
//!
//! `cargo test -p padlock-labs --test exercises -- --ignored invalid_share`
//! offers your function 0, 1, p - 1 and p, and three points of small order.

use padlock_bigint::{Modulus, Uint};
use padlock_dh::groups::FFDHE2048;
use padlock_dh::{ffdh, x25519};

use super::Verdict;
use crate::invalid_share::{ORDER_8_POINT, ffdhe_p_minus_1};
use crate::net;

/// The server's ephemeral private value.
pub enum Private {
    /// An X25519 scalar (clamped when used).
    X25519([u8; 32]),
    /// An ffdhe2048 exponent, big-endian.
    Ffdhe2048(Vec<u8>),
}

/// The peer's share was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InvalidShare;

/// The shared secret with the peer's share `peer` (TLS 1.3 encoding: 32
/// bytes, or as long as p). **The vulnerable version: rewrite it.**
pub fn exercise(private: &Private, peer: &[u8]) -> Result<Vec<u8>, InvalidShare> {
    match private {
        Private::X25519(scalar) => {
            let u: [u8; 32] = peer.try_into().map_err(|_| InvalidShare)?;
            Ok(x25519::x25519(scalar, &u).to_vec())
        }
        Private::Ffdhe2048(x) => {
            let p = Modulus::new(&Uint::from_be_bytes(FFDHE2048.p)).map_err(|_| InvalidShare)?;
            let y = p.reduce(&Uint::from_be_bytes(peer));
            let x = Uint::from_be_bytes(x);
            p.pow(&y, &x).to_be_bytes(FFDHE2048.p.len()).map_err(|_| InvalidShare)
        }
    }
}

/// The reference solution: padlock-dh's checked agreement.
pub fn reference(private: &Private, peer: &[u8]) -> Result<Vec<u8>, InvalidShare> {
    match private {
        Private::X25519(scalar) => {
            let u: [u8; 32] = peer.try_into().map_err(|_| InvalidShare)?;
            let key = x25519::PrivateKey::from_bytes(*scalar);
            let shared = key.diffie_hellman(&x25519::PublicKey::from_bytes(u)).map_err(|_| InvalidShare)?;
            Ok(shared.as_bytes().to_vec())
        }
        Private::Ffdhe2048(x) => {
            let key = ffdh::PrivateKey::from_bytes(&FFDHE2048, x).map_err(|_| InvalidShare)?;
            let public = ffdh::PublicKey::from_bytes(&FFDHE2048, peer).map_err(|_| InvalidShare)?;
            Ok(key.agree(&public).map_err(|_| InvalidShare)?.tls13_bytes().to_vec())
        }
    }
}

/// The signature of [`exercise`] and [`reference()`].
pub type Agree = fn(&Private, &[u8]) -> Result<Vec<u8>, InvalidShare>;

/// Checks `agree`: honest shares give the right secret; invalid ones are refused.
pub fn check(agree: Agree) -> Verdict {
    let scalar: [u8; 32] = net::random_bytes(8, 1, 32).try_into().unwrap_or([9; 32]);
    let exponent = net::random_bytes(8, 2, 32);
    let honest_x = x25519::PrivateKey::from_bytes(net::random_bytes(8, 3, 32).try_into().unwrap_or([7; 32]));
    let Ok(honest_f) = ffdh::PrivateKey::from_bytes(&FFDHE2048, &net::random_bytes(8, 4, 32)) else {
        return Verdict::Broken("no FFDHE key".into());
    };
    let x_pub = *honest_x.public_key().as_bytes();
    let f_pub = honest_f.public_key().as_bytes().to_vec();
    let privates = [Private::X25519(scalar), Private::Ffdhe2048(exponent)];
    for (private, public) in privates.iter().zip([x_pub.to_vec(), f_pub]) {
        if agree(private, &public).ok() != reference(private, &public).ok() {
            return Verdict::Broken("an honest share does not give the right secret".into());
        }
    }
    let one = |n: u8| {
        let mut v = vec![0u8; 256];
        v[255] = n;
        v
    };
    let p = FFDHE2048.p.to_vec();
    let p_minus_1 = ffdhe_p_minus_1();
    let mut x25519_one = [0u8; 32];
    x25519_one[0] = 1;
    let invalid: [(&str, &Private, Vec<u8>); 7] = [
        ("the FFDHE share 0", &privates[1], one(0)),
        ("the FFDHE share 1", &privates[1], one(1)),
        ("the FFDHE share p - 1", &privates[1], p_minus_1),
        ("the FFDHE share p", &privates[1], p),
        ("the X25519 point u = 0", &privates[0], vec![0; 32]),
        ("the X25519 point u = 1", &privates[0], x25519_one.to_vec()),
        ("the X25519 point of order 8", &privates[0], ORDER_8_POINT.to_vec()),
    ];
    for (what, private, share) in invalid {
        if let Ok(secret) = agree(private, &share) {
            return Verdict::Vulnerable(format!(
                "{what} is taken, and gives the secret {}",
                padlock_tls::trace::hex(&secret[secret.len() - 4..])
            ));
        }
    }
    Verdict::Resists("every share that fixes the result is refused".into())
}
