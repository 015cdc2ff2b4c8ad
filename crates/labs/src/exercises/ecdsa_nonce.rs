//! Exercise 9 (lab `ecdsa-nonce`): choose ECDSA's nonce.
//!
//! [`exercise`] signs a message hash with P-256 the way the switched key
//! does: its nonce k = SHA-256(d) is secret and looks random — and is the
//! same for every message, so two signatures give d away. Rewrite it so
//! that every message gets its own k, secret and never repeated: derive k
//! from the key and the message hash as RFC 6979 §3.2 does (padlock-ec's
//! `sign_prehashed` is an implementation; `src/rfc6979.rs` in padlock-ec
//! reads like the RFC), or draw it from a good random source with
//! `padlock_ec::hazmat::sign_prehashed_with_nonce` (and think about what
//! happens if that source fails: RFC 6979 §3.6's hedged variant).
//! [`reference()`] is the real signer.
//!
//! `cargo test -p padlock-labs --test exercises -- --ignored ecdsa_nonce`
//! signs two different hashes with your function and tries to recover
//! the key from them.

use padlock_ec::{hazmat, p256};
use padlock_sha::{Hash as _, Sha256};

use super::Verdict;
use crate::ecdsa_nonce::{Collected, recover_key};
use crate::net;

/// A DER ECDSA signature of the SHA-256 hash `digest` with `key`, or why
/// there is none. **The vulnerable version: rewrite it.**
pub fn exercise(key: &p256::PrivateKey, digest: &[u8; 32]) -> Result<Vec<u8>, String> {
    let k = Sha256::digest(&key.to_bytes());
    let signature = hazmat::sign_prehashed_with_nonce(key, digest, k.as_ref()).map_err(|e| e.to_string())?;
    Ok(signature.to_der())
}

/// The reference solution: padlock-ec's signer (RFC 6979 nonces).
pub fn reference(key: &p256::PrivateKey, digest: &[u8; 32]) -> Result<Vec<u8>, String> {
    Ok(key.sign_prehashed::<Sha256>(digest).to_der())
}

/// The signature of [`exercise`] and [`reference()`].
pub type SignDigest = fn(&p256::PrivateKey, &[u8; 32]) -> Result<Vec<u8>, String>;

/// Checks `sign`: its signatures verify, and two of them on different
/// messages do not give the key away.
pub fn check(sign: SignDigest) -> Verdict {
    let Ok(key) = p256::PrivateKey::from_bytes(&Sha256::digest(&net::random_bytes(9, 1, 32)).as_ref()[..32])
    else {
        return Verdict::Broken("no key".into());
    };
    let messages: [&[u8]; 3] = [b"pay alice 10", b"pay mallory 10000", b"pay bob 3"];
    let mut collected = Vec::new();
    for message in messages {
        let digest: [u8; 32] = Sha256::digest(message).as_ref().try_into().unwrap_or([0; 32]);
        let der = match sign(&key, &digest) {
            Ok(der) => der,
            Err(e) => return Verdict::Broken(format!("signing failed: {e}")),
        };
        if key
            .public_key()
            .verify_prehashed(
                &digest,
                &match p256::Signature::from_der(&der) {
                    Ok(s) => s,
                    Err(e) => return Verdict::Broken(format!("not a DER signature: {e}")),
                },
            )
            .is_err()
        {
            return Verdict::Broken("a signature does not verify".into());
        }
        match Collected::new(message, &der) {
            Ok(c) => collected.push(c),
            Err(e) => return Verdict::Broken(e),
        }
    }
    for i in 0..collected.len() {
        for j in i + 1..collected.len() {
            let d = recover_key(&collected[i], &collected[j]).and_then(|d| d.to_be_bytes(32));
            if d.as_deref() == Some(key.to_bytes().as_slice()) {
                return Verdict::Vulnerable(format!(
                    "signatures {} and {} share r, and give the private key",
                    i + 1,
                    j + 1
                ));
            }
        }
    }
    Verdict::Resists("no two signatures share a nonce".into())
}
