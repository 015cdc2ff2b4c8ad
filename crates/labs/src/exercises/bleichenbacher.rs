//! Exercise 1 (lab `bleichenbacher`): RSA key transport without an oracle.
//!
//! A TLS 1.2 server that receives a ClientKeyExchange must decrypt the
//! premaster secret without letting the client learn anything about the
//! padding — no distinct alert, no early exit, no difference in time.
//! [`exercise`] is the switched server's code: it ends the handshake with
//! `decrypt_error` as soon as the padding is wrong. Rewrite it so that it
//! always goes on with 48 bytes — the premaster secret if the padding, the
//! length and the version are right, and otherwise a random value drawn
//! beforehand — and never fails (RFC 5246 §7.4.7.1). [`reference()`] is the
//! answer, the real server's one line.
//!
//! `cargo test -p padlock-labs --test exercises -- --ignored bleichenbacher`
//! runs Bleichenbacher's attack (`crate::bleichenbacher::attack`) against
//! your function: an `Err` is the server's immediate alert, an `Ok` a
//! handshake that goes on to the Finished.

use padlock_rsa::RsaPrivateKey;
use padlock_tls::alert::AlertDescription;
use rand_core::CryptoRng;
use zeroize::Zeroizing;

use super::Verdict;
use crate::bleichenbacher::attack::{self, Oracle};
use crate::nat::{ModN, Nat};
use crate::net;

/// The server's side of RSA key transport: the premaster secret to go on
/// with, or the alert that ends the handshake. **The vulnerable version:
/// rewrite it.**
pub fn exercise(
    key: &RsaPrivateKey,
    ciphertext: &[u8],
    client_version: [u8; 2],
    rng: &mut dyn CryptoRng,
) -> Result<Zeroizing<Vec<u8>>, AlertDescription> {
    let decrypted = key.decrypt_pkcs1v15(ciphertext, rng).map_err(|_| AlertDescription::DecryptError)?;
    if decrypted.len() != 48 || decrypted[..2] != client_version {
        let mut random = Zeroizing::new(vec![0u8; 48]);
        rng.fill_bytes(&mut random);
        return Ok(random);
    }
    Ok(Zeroizing::new(decrypted.to_vec()))
}

/// The reference solution: what the real padlock-tls server does.
pub fn reference(
    key: &RsaPrivateKey,
    ciphertext: &[u8],
    client_version: [u8; 2],
    rng: &mut dyn CryptoRng,
) -> Result<Zeroizing<Vec<u8>>, AlertDescription> {
    Ok(Zeroizing::new(key.decrypt_tls_premaster(ciphertext, client_version, rng).to_vec()))
}

/// The signature of [`exercise`] and [`reference()`].
pub type KeyTransport =
    fn(&RsaPrivateKey, &[u8], [u8; 2], &mut dyn CryptoRng) -> Result<Zeroizing<Vec<u8>>, AlertDescription>;

/// The seed of the check's key and premaster secret: the attack on the
/// stub takes 8,680 queries (the median over seeds 1 to 30 is about 25,000).
const CHECK_SEED: u64 = 14;

/// Checks `server`: it must give the premaster secret of a correct
/// ClientKeyExchange; every other one must get the same answer as a
/// correct one, with a substitute nobody can predict; and Bleichenbacher's
/// attack (2048-bit key, at most `budget` queries) must fail.
pub fn check(server: KeyTransport, budget: u64) -> Verdict {
    let key = match RsaPrivateKey::generate(2048, &mut net::rng(CHECK_SEED, 0), &mut |_| {}) {
        Ok(key) => key,
        Err(e) => return Verdict::Broken(format!("cannot make a key: {e}")),
    };
    let public = key.public_key();
    let version = [3, 3];
    let encrypt =
        |message: &[u8], index: u64| public.encrypt_pkcs1v15(message, &mut net::rng(CHECK_SEED, index));
    let mut premaster = net::random_bytes(CHECK_SEED, 1, 48);
    premaster[..2].copy_from_slice(&version);
    let mut wrong_version = premaster.clone();
    wrong_version[0] = 2;
    let (Ok(c0), Ok(short), Ok(old)) =
        (encrypt(&premaster, 2), encrypt(&premaster[..47], 3), encrypt(&wrong_version, 4))
    else {
        return Verdict::Broken("cannot encrypt a premaster secret".into());
    };
    let mut random = net::random_bytes(CHECK_SEED, 5, public.size());
    random[0] = 0; // below n
    let call = |c: &[u8], index: u64| server(&key, c, version, &mut net::rng(CHECK_SEED, index));
    match call(&c0, 6) {
        Ok(got) if got[..] == premaster[..] => {}
        Ok(_) => {
            return Verdict::Broken(
                "a correct ClientKeyExchange no longer gives its premaster secret".into(),
            );
        }
        Err(alert) => return Verdict::Broken(format!("a correct ClientKeyExchange gets {}", alert.name())),
    }
    let probes =
        [("a correct one", &c0), ("47 bytes", &short), ("a wrong version", &old), ("random bytes", &random)];
    let answers: Vec<(&str, bool)> = probes.iter().map(|(what, c)| (*what, call(c, 7).is_err())).collect();
    if let Some((what, _)) = answers.iter().find(|(_, err)| *err != answers[0].1) {
        if answers[3].1 == answers[0].1 {
            return Verdict::Vulnerable(format!(
                "{what} gets a different answer from a correct ClientKeyExchange: an oracle on the length \
                 or version (Bardou et al.'s strictest kind; millions of queries, not run here)"
            ));
        }
    } else if let (Ok(first), Ok(second)) = (call(&random, 8), call(&random, 9)) {
        if first == second {
            return Verdict::Vulnerable(
                "the substitute for a bad premaster secret is predictable: an attacker who finishes the \
                 handshake with it learns the padding was bad"
                    .into(),
            );
        }
        return Verdict::Resists("every ClientKeyExchange gets the same answer: no oracle".into());
    }
    let mut oracle = FunctionOracle {
        key: &key,
        server,
        n: ModN::new(&Nat::from_be_bytes(&public.n_bytes())),
        e: public.e(),
        k: public.size(),
        c0: Nat::from_be_bytes(&c0),
    };
    let n = Nat::from_be_bytes(&public.n_bytes());
    match attack::recover(&n, &mut oracle, budget, u64::MAX, &mut |_| {}) {
        Ok(found) if found.plaintext.ends_with(&premaster) => Verdict::Vulnerable(format!(
            "Bleichenbacher's attack found the premaster secret in {} queries",
            found.queries
        )),
        Ok(_) => Verdict::Resists("the attack ended on a wrong premaster secret".into()),
        Err(why) => Verdict::Resists(format!("the attack failed: {why}")),
    }
}

/// A key-transport function as Bleichenbacher's oracle: does `c0 s^e` get
/// an alert?
struct FunctionOracle<'a> {
    key: &'a RsaPrivateKey,
    server: KeyTransport,
    n: ModN,
    e: u64,
    k: usize,
    c0: Nat,
}

impl Oracle for FunctionOracle<'_> {
    fn conforming(&mut self, s: &Nat) -> Result<bool, String> {
        let c = self.n.mul(&self.c0, &self.n.pow(s, self.e));
        let bytes = c.to_be_bytes(self.k).ok_or("a ciphertext longer than n")?;
        let mut rng = net::rng(CHECK_SEED, 6);
        Ok((self.server)(self.key, &bytes, [3, 3], &mut rng).is_ok())
    }

    fn conforming_batch(&mut self, batch: &[Nat]) -> Result<Vec<bool>, String> {
        let (key, server, e, k) = (self.key, self.server, self.e, self.k);
        let ciphertexts: Vec<Vec<u8>> = batch
            .iter()
            .map(|s| {
                self.n.mul(&self.c0, &self.n.pow(s, e)).to_be_bytes(k).ok_or("a ciphertext longer than n")
            })
            .collect::<Result<_, _>>()?;
        std::thread::scope(|scope| {
            let handles: Vec<_> = ciphertexts
                .iter()
                .map(|c| scope.spawn(move || server(key, c, [3, 3], &mut net::rng(CHECK_SEED, 6)).is_ok()))
                .collect();
            handles.into_iter().map(|h| h.join().map_err(|_| "the function panicked".to_string())).collect()
        })
    }

    fn width(&self) -> usize {
        2
    }
}
