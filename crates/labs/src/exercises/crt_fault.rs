//! Exercise 4 (lab `crt-fault`): never let a faulty RSA-CRT result leave.
//!
//! [`CrtKey::crt`] computes `m^d mod n` with the CRT (RFC 8017 §5.2.1 step
//! 2b) — and, while [`CrtKey::glitch`] is set, gets the half modulo p wrong,
//! as a glitching chip would. [`exercise`] is the switched signer: it hands
//! out whatever the CRT gave. Rewrite it to check the result against the
//! public key before it leaves, and to return [`Fault`] instead of a wrong
//! signature. [`reference()`] is what padlock-rsa's `raw_private` does (its
//! fault check, crates/rsa/src/key.rs).
//!
//! `cargo test -p padlock-labs --test exercises -- --ignored crt_fault`
//! glitches the key, asks your function for a signature, and runs
//! Lenstra's gcd on it.

use padlock_bigint::{Modulus, Uint};
use padlock_rsa::RsaPrivateKey;

use super::Verdict;
use crate::crt_fault;
use crate::nat::{ModN, Nat};
use crate::net;

/// An RSA private key in CRT form, whose arithmetic can be made to glitch.
pub struct CrtKey {
    n: ModN,
    e: u64,
    p: Modulus,
    q: Modulus,
    dp: Uint,
    dq: Uint,
    qinv: Uint,
    /// While set, the half modulo p comes out wrong (plus one).
    pub glitch: bool,
}

/// The signer noticed a fault and released nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fault;

impl CrtKey {
    /// The CRT values of `key`.
    pub fn from_key(key: &RsaPrivateKey) -> Result<CrtKey, String> {
        let [p, q, dp, dq, qinv] = key.crt_bytes();
        let modulus = |bytes: &[u8]| Modulus::new(&Uint::from_be_bytes(bytes)).map_err(|e| e.to_string());
        let (p, q) = (modulus(&p)?, modulus(&q)?);
        let on = |bytes: &[u8], m: &Modulus| {
            Uint::from_be_bytes(bytes).resize(m.limbs()).map_err(|e| e.to_string())
        };
        Ok(CrtKey {
            n: ModN::new(&Nat::from_be_bytes(&key.public_key().n_bytes())),
            e: key.public_key().e(),
            dp: on(&dp, &p)?,
            dq: on(&dq, &q)?,
            qinv: on(&qinv, &p)?,
            p,
            q,
            glitch: false,
        })
    }

    /// `m^d mod n` by the CRT: `m1 = m^dP mod p`, `m2 = m^dQ mod q`,
    /// `h = qInv (m1 - m2) mod p`, `s = m2 + q h`.
    pub fn crt(&self, m: &Nat) -> Nat {
        let (p, q) = (&self.p, &self.q);
        let m_uint = Uint::from_be_bytes(&m.to_be_bytes(m.bits().div_ceil(8).max(1)).unwrap_or_default());
        let mut m1 = p.pow(&p.reduce(&m_uint), &self.dp);
        if self.glitch {
            m1 = p.add(&m1, &Uint::from_u64(1).resize(p.limbs()).expect("1 fits"));
        }
        let m2 = q.pow(&q.reduce(&m_uint), &self.dq);
        let h = p.mul(&self.qinv, &p.sub(&m1, &p.reduce(&m2)));
        let (s, _) = q.as_uint().mul(&h).carrying_add(&m2);
        Nat::from_be_bytes(&s.to_be_bytes(8 * s.limb_len()).unwrap_or_default())
    }

    /// `s^e mod n`: what a verifier computes.
    pub fn public(&self, s: &Nat) -> Nat {
        self.n.pow(s, self.e)
    }

    /// `x mod n`.
    pub fn reduce(&self, x: &Nat) -> Nat {
        self.n.reduce(x)
    }
}

/// RSASP1 on the encoded message `m`: the signature. **The vulnerable
/// version: rewrite it.**
pub fn exercise(key: &CrtKey, m: &Nat) -> Result<Nat, Fault> {
    Ok(key.crt(m))
}

/// The reference solution: padlock-rsa's check, `s^e = m` before `s` leaves.
pub fn reference(key: &CrtKey, m: &Nat) -> Result<Nat, Fault> {
    let s = key.crt(m);
    if key.public(&s) != key.reduce(m) {
        return Err(Fault);
    }
    Ok(s)
}

/// The signature of [`exercise`] and [`reference()`].
pub type Sign = fn(&CrtKey, &Nat) -> Result<Nat, Fault>;

/// Checks `sign`: it must sign correctly, and a glitched signature must
/// not let Lenstra's gcd factor n.
pub fn check(sign: Sign) -> Verdict {
    let key = match RsaPrivateKey::generate(1024, &mut net::rng(4, 0), &mut |_| {}) {
        Ok(key) => key,
        Err(e) => return Verdict::Broken(format!("no key: {e}")),
    };
    let mut crt = match CrtKey::from_key(&key) {
        Ok(crt) => crt,
        Err(e) => return Verdict::Broken(e),
    };
    let public = key.public_key();
    let m = Nat::from_be_bytes(&crt_fault::emsa_pkcs1_v15_sha256(b"a ServerKeyExchange", public.size()));
    match sign(&crt, &m) {
        Ok(s) if crt.public(&s) == m => {}
        other => return Verdict::Broken(format!("a correct signature does not come out: {other:?}")),
    }
    crt.glitch = true;
    let n = Nat::from_be_bytes(&public.n_bytes());
    match sign(&crt, &m) {
        Err(Fault) => Verdict::Resists("the fault was caught; nothing left the signer".into()),
        Ok(s) => match crt_fault::lenstra(&n, public.e(), &m, &s) {
            Some(p) => Verdict::Vulnerable(format!("Lenstra's gcd factored n: a {}-bit prime", p.bits())),
            None => Verdict::Resists("the signature gives no factor".into()),
        },
    }
}

#[cfg(test)]
mod tests {
    use padlock_rsa::Error;
    use padlock_rsa::lab::{Switch, Switches};
    use padlock_sha::Sha256;

    use super::*;

    /// The reference is padlock-rsa's signing, through its public API: the
    /// same signature when nothing glitches; with a fault in the half mod p
    /// (the exercise's `glitch`, padlock-rsa's `CorruptCrtHalf`), the
    /// reference refuses where padlock-rsa returns `Error::Fault`; and with
    /// the check off (the stub, `SkipFaultCheck`) both release a signature
    /// from which Lenstra's gcd gets the same prime, q.
    #[test]
    fn the_reference_refuses_the_fault_padlock_rsa_refuses() {
        let mut key = RsaPrivateKey::generate(1024, &mut net::rng(4, 1), &mut |_| {}).expect("a key");
        let mut crt = CrtKey::from_key(&key).expect("CRT values");
        let (n, e, k) =
            (Nat::from_be_bytes(&key.public_key().n_bytes()), key.public_key().e(), key.public_key().size());
        let q = Nat::from_be_bytes(&key.crt_bytes()[1]);
        let message = b"a ServerKeyExchange";
        let m = Nat::from_be_bytes(&crt_fault::emsa_pkcs1_v15_sha256(message, k));
        let mut rng = net::rng(4, 2);
        let mut sign_real = |key: &RsaPrivateKey| key.sign_pkcs1v15::<Sha256, _>(message, &mut rng);

        let real = sign_real(&key).expect("a signature");
        let bytes = |s: Result<Nat, Fault>| s.map(|s| s.to_be_bytes(k).expect("below n"));
        assert_eq!(bytes(reference(&crt, &m)), Ok(real.clone()));
        assert_eq!(bytes(exercise(&crt, &m)), Ok(real));

        crt.glitch = true;
        key.set_lab_switches(Switches::NONE.turn_on(Switch::CorruptCrtHalf));
        assert_eq!(sign_real(&key), Err(Error::Fault));
        assert_eq!(reference(&crt, &m), Err(Fault));

        key.set_lab_switches(key.lab_switches().turn_on(Switch::SkipFaultCheck));
        let leaked = Nat::from_be_bytes(&sign_real(&key).expect("a faulty signature"));
        assert_eq!(crt_fault::lenstra(&n, e, &m, &leaked), Some(q.clone()));
        let stub = exercise(&crt, &m).expect("a faulty signature");
        assert_eq!(crt_fault::lenstra(&n, e, &m, &stub), Some(q));
    }
}
