//! Known answers for RSA: the PKCS #1 v2.1 OAEP and PSS examples (RSA
//! Laboratories), NIST CAVP SigGen15 / SigGenPSS at 2048 bits, and
//! Wycheproof's PSS signatures with an MGF1 hash other than the message's.
//! Sources are in each vector file.

use num_bigint::BigUint;
use padlock_bigint::Uint;
use padlock_rsa::{RsaPrivateKey, RsaPublicKey};
use padlock_sha::{Hash, Sha1, Sha224, Sha256, Sha384, Sha512};
use padlock_testkit::{Block, hex};
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand_core::{TryCryptoRng, TryRng};

fn read_vectors(path: &str) -> Vec<Block> {
    padlock_testkit::read_vectors(env!("CARGO_MANIFEST_DIR"), path)
}

/// An RNG that first hands out the bytes a vector prescribes (OAEP's seed,
/// PSS's salt), then seeded random bytes (for blinding).
struct Prescribed {
    bytes: Vec<u8>,
    then: StdRng,
}

impl Prescribed {
    fn new(bytes: Vec<u8>) -> Prescribed {
        Prescribed { bytes, then: StdRng::seed_from_u64(7) }
    }
}

impl TryRng for Prescribed {
    type Error = core::convert::Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        self.then.try_next_u32()
    }
    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        self.then.try_next_u64()
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        if self.bytes.is_empty() {
            return self.then.try_fill_bytes(dst);
        }
        assert_eq!(dst.len(), self.bytes.len(), "the scheme asked for another amount of prescribed bytes");
        dst.copy_from_slice(&self.bytes);
        self.bytes.clear();
        Ok(())
    }
}

impl TryCryptoRng for Prescribed {}

fn e_of(v: &Block) -> u64 {
    v.hex("E").iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b))
}

/// The key of a PKCS #1 v2.1 example, with its CRT values checked.
fn key_with_crt(v: &Block) -> RsaPrivateKey {
    let key = key_from(v, &v.hex("P"), &v.hex("Q"));
    let [_, _, dp, dq, qinv] = key.crt_bytes();
    for (name, ours) in [("DP", dp), ("DQ", dq), ("QInv", qinv)] {
        assert_eq!(
            BigUint::from_bytes_be(&ours),
            BigUint::from_bytes_be(&v.hex(name)),
            "{}: {name}",
            v.source
        );
    }
    key
}

fn key_from(v: &Block, p: &[u8], q: &[u8]) -> RsaPrivateKey {
    let d = Uint::from_be_bytes(&v.hex("D"));
    RsaPrivateKey::from_components(&v.hex("N"), e_of(v), &d, &Uint::from_be_bytes(p), &Uint::from_be_bytes(q))
        .unwrap_or_else(|e| panic!("{}: {e}", v.source))
}

/// Recovers p and q from (n, e, d) (NIST SP 800-56B Rev. 2, Appendix C.2),
/// with num-bigint as the test oracle: the CAVP files give only n, e and d.
fn factor(v: &Block) -> (Vec<u8>, Vec<u8>) {
    let n = BigUint::from_bytes_be(&v.hex("N"));
    let k = BigUint::from_bytes_be(&v.hex("D")) * BigUint::from(e_of(v)) - 1u32;
    let t = k.trailing_zeros().expect("k is even");
    let r = &k >> t;
    for g in 2u32..100 {
        let mut y = BigUint::from(g).modpow(&r, &n);
        let one = BigUint::from(1u32);
        let minus_one = &n - 1u32;
        if y == one || y == minus_one {
            continue;
        }
        for _ in 0..t {
            let x = &y * &y % &n;
            if x == one {
                let p = num_integer_gcd(&(&y - 1u32), &n);
                let q = &n / &p;
                return (p.to_bytes_be(), q.to_bytes_be());
            }
            if x == minus_one {
                break;
            }
            y = x;
        }
    }
    panic!("{}: could not factor n", v.source)
}

fn num_integer_gcd(a: &BigUint, b: &BigUint) -> BigUint {
    let (mut a, mut b) = (a.clone(), b.clone());
    while b != BigUint::ZERO {
        let r = &a % &b;
        a = b;
        b = r;
    }
    a
}

#[test]
fn oaep_pkcs1_v21_examples() {
    let vectors = read_vectors("oaep/pkcs1v21-vectors.txt");
    assert!(vectors.len() >= 12);
    for v in &vectors {
        assert_eq!(v.get("Hash"), "SHA-1");
        let key = key_with_crt(v);
        let (message, label, ciphertext) = (v.hex("Msg"), v.hex("Label"), v.hex("Ciphertext"));
        let mut rng = Prescribed::new(vec![]);
        let decrypted = key.decrypt_oaep::<Sha1, _>(&ciphertext, &label, &mut rng).expect("decrypts");
        assert_eq!(hex(&decrypted), hex(&message), "{}", v.source);
        let mut rng = Prescribed::new(v.hex("Seed"));
        let encrypted = key.public_key().encrypt_oaep::<Sha1, _>(&message, &label, &mut rng).expect("fits");
        assert_eq!(hex(&encrypted), hex(&ciphertext), "{}", v.source);
    }
}

#[test]
fn pss_pkcs1_v21_examples() {
    let vectors = read_vectors("pss/pkcs1v21-vectors.txt");
    assert!(vectors.len() >= 12);
    for v in &vectors {
        assert_eq!(v.get("Hash"), "SHA-1");
        let key = key_with_crt(v);
        let (message, signature, salt) = (v.hex("Msg"), v.hex("Signature"), v.hex("Salt"));
        check_pss_salt_len::<Sha1>(key.public_key(), &message, &signature, salt.len(), &v.source);
        let mut rng = Prescribed::new(salt.clone());
        let ours = key.sign_pss_with_salt_len::<Sha1, _>(&message, salt.len(), &mut rng).expect("signs");
        assert_eq!(hex(&ours), hex(&signature), "{}", v.source);
    }
}

/// A PSS signature with a `salt_len`-byte salt verifies when that length is
/// asked for or any is accepted, and not with a length one off; with the
/// hash length (`verify_pss`) exactly when the salt is that long.
fn check_pss_salt_len<H: Hash>(
    key: &RsaPublicKey,
    message: &[u8],
    signature: &[u8],
    salt_len: usize,
    source: &str,
) {
    key.verify_pss_with_salt_len::<H>(message, signature, salt_len)
        .unwrap_or_else(|e| panic!("{source}: {e}"));
    key.verify_pss_any_salt_len::<H>(message, signature).unwrap_or_else(|e| panic!("{source}: {e}"));
    assert!(key.verify_pss_with_salt_len::<H>(message, signature, salt_len + 1).is_err(), "{source}");
    if salt_len > 0 {
        assert!(key.verify_pss_with_salt_len::<H>(message, signature, salt_len - 1).is_err(), "{source}");
    }
    assert_eq!(key.verify_pss::<H>(message, signature).is_ok(), salt_len == H::OUTPUT_LEN, "{source}");
}

fn check_cavp<H: Hash>(v: &Block, pss: bool) {
    let (p, q) = factor(v);
    let key = key_from(v, &p, &q);
    let (message, signature) = (v.hex("Msg"), v.hex("Signature"));
    if pss {
        let salt = v.hex("Salt");
        check_pss_salt_len::<H>(key.public_key(), &message, &signature, salt.len(), &v.source);
        let mut rng = Prescribed::new(salt.clone());
        let ours = key.sign_pss_with_salt_len::<H, _>(&message, salt.len(), &mut rng).expect("signs");
        assert_eq!(hex(&ours), hex(&signature), "{}", v.source);
    } else {
        key.public_key()
            .verify_pkcs1v15::<H>(&message, &signature)
            .unwrap_or_else(|e| panic!("{}: {e}", v.source));
        let ours = key.sign_pkcs1v15::<H, _>(&message, &mut StdRng::seed_from_u64(1)).expect("signs");
        assert_eq!(hex(&ours), hex(&signature), "{}", v.source);
        let mut tampered = signature.clone();
        tampered[100] ^= 1;
        assert!(key.public_key().verify_pkcs1v15::<H>(&message, &tampered).is_err());
    }
}

fn dispatch(v: &Block, pss: bool) {
    match v.get("Hash") {
        "SHA-1" => check_cavp::<Sha1>(v, pss),
        "SHA-224" => check_cavp::<Sha224>(v, pss),
        "SHA-256" => check_cavp::<Sha256>(v, pss),
        "SHA-384" => check_cavp::<Sha384>(v, pss),
        "SHA-512" => check_cavp::<Sha512>(v, pss),
        other => panic!("{}: unknown hash {other}", v.source),
    }
}

#[test]
fn cavp_siggen15_2048() {
    let vectors = read_vectors("pkcs1v15/cavp-siggen15-2048.txt");
    assert!(vectors.len() >= 12);
    vectors.iter().for_each(|v| dispatch(v, false));
}

#[test]
fn cavp_siggenpss_2048() {
    let vectors = read_vectors("pss/cavp-siggenpss-2048.txt");
    assert!(vectors.len() >= 9);
    vectors.iter().for_each(|v| dispatch(v, true));
}

#[test]
fn pss_wycheproof_distinct_hashes() {
    use padlock_rsa::{Error, PssParams, RsaPssPublicKey};
    let vectors = read_vectors("pss/wycheproof-distinct-hashes.txt");
    for v in &vectors {
        let key = RsaPublicKey::new(&v.hex("N"), e_of(v)).unwrap_or_else(|e| panic!("{}: {e}", v.source));
        let (message, signature) = (v.hex("Msg"), v.hex("Signature"));
        let used = PssParams {
            hash: pss_hash(v, "Hash"),
            mgf1_hash: pss_hash(v, "Mgf1Hash"),
            salt_len: v.number("SaltLength") as u64,
        };
        assert_ne!(used.hash, used.mgf1_hash, "{}", v.source);
        key.verify_pss_with_params(&message, &signature, &used)
            .unwrap_or_else(|e| panic!("{}: {e}", v.source));
        // The same through an id-RSASSA-PSS key restricted to these parameters.
        let restricted = RsaPssPublicKey::new(key.clone(), Some(used));
        restricted.verify(&message, &signature, &used).unwrap_or_else(|e| panic!("{}: {e}", v.source));
        // Invalid, derived from each valid vector: MGF1 with the message's
        // hash (or the message's hash being MGF1's), a salt one byte longer
        // or shorter, another message.
        let mut invalid = vec![
            PssParams { mgf1_hash: used.hash, ..used },
            PssParams { hash: used.mgf1_hash, ..used },
            PssParams { salt_len: used.salt_len + 1, ..used },
        ];
        if used.salt_len > 0 {
            invalid.push(PssParams { salt_len: used.salt_len - 1, ..used });
        }
        for wrong in invalid {
            let verified = key.verify_pss_with_params(&message, &signature, &wrong);
            assert_eq!(verified, Err(Error::Verification), "{}: {wrong}", v.source);
        }
        let verified = key.verify_pss_with_params(b"123401", &signature, &used);
        assert_eq!(verified, Err(Error::Verification), "{}: another message", v.source);
        // A key restricted to these parameters refuses the single-hash ones a
        // protocol such as TLS asks for, before looking at the signature.
        let single = PssParams { mgf1_hash: used.hash, ..used };
        let refused = restricted.verify(&message, &signature, &single);
        assert!(matches!(refused, Err(Error::PssRestricted { .. })), "{}: {refused:?}", v.source);
    }
    assert_eq!(vectors.len(), 7);
}

/// The hash an attribute names ("SHA-256").
fn pss_hash(v: &Block, name: &str) -> padlock_rsa::PssHash {
    let text = v.get(name);
    padlock_rsa::PssHash::ALL
        .into_iter()
        .find(|h| h.name() == text)
        .unwrap_or_else(|| panic!("{}: {text}", v.source))
}

#[test]
fn pss_params_rfc4055_encodings() {
    use padlock_rsa::PssParams;
    let vectors = read_vectors("pss_params/rfc4055.txt");
    for v in &vectors {
        let der = v.hex("Params");
        let expected = PssParams {
            hash: pss_hash(v, "Hash"),
            mgf1_hash: pss_hash(v, "Mgf1Hash"),
            salt_len: v.number("SaltLength") as u64,
        };
        assert_eq!(PssParams::from_der(&der), Ok(expected), "{}", v.source);
        let written = v.opt("Written").map_or(der, |_| v.hex("Written"));
        assert_eq!(hex(&expected.to_der()), hex(&written), "{}", v.source);
    }
    assert_eq!(vectors.len(), 7);
}
