//! The encodings RSA needs around the raw operation (RFC 8017 §7-9, B.2).
//!
//! RSA itself only raises numbers to powers; these functions turn messages
//! into the number-sized "encoded messages" (EM) that get raised, and back:
//!
//! - EME-PKCS1-v1_5 (§7.2) and EME-OAEP (§7.1): encryption paddings.
//! - EMSA-PKCS1-v1_5 (§9.2) and EMSA-PSS (§9.1): signature encodings.
//! - MGF1 (§B.2.1): the mask generation function OAEP and PSS use. OAEP
//!   here runs it with its own hash; EMSA-PSS takes it as an [`Mgf`], since
//!   an RSASSA-PSS key may name a hash for MGF1 other than the message's.
//!
//! Decoding an *encryption* padding handles a secret (the decrypted EM), so
//! it runs in constant time: it looks at every byte, never branches or
//! indexes memory on them, and reports failure only through a `Choice`. A
//! decrypter that answers "bad padding" faster, or differently, is
//! Bleichenbacher's oracle (1998): it lets an attacker decrypt ciphertexts
//! without the key. Signature encodings handle public data and need not be
//! constant time.

use padlock_sha::{Hash, Sha1, Sha224, Sha256, Sha384, Sha512};
use rand_core::CryptoRng;
use subtle::{Choice, ConditionallySelectable, ConstantTimeEq, ConstantTimeLess};

/// RFC 8017 §B.2.1 MGF1: XORs `out` with the mask
/// `Hash(seed ‖ 0) ‖ Hash(seed ‖ 1) ‖ ...` (the counter as 4 big-endian bytes),
/// truncated to `out.len()`.
pub(crate) fn mgf1_xor<H: Hash>(seed: &[u8], out: &mut [u8]) {
    for (counter, chunk) in out.chunks_mut(H::OUTPUT_LEN).enumerate() {
        let mut h = H::new();
        h.update(seed);
        h.update(&(counter as u32).to_be_bytes());
        let mask = h.finalize();
        for (b, m) in chunk.iter_mut().zip(mask.as_ref()) {
            *b ^= m;
        }
    }
}

/// A mask generation function (RFC 8017 §B.2): XORs `out` with
/// `MGF(seed, out.len())`. EMSA-PSS takes one as a value, `mgf1_xor::<G>`,
/// because RSASSA-PSS-params name MGF1's hash apart from the message's
/// (RFC 4055 §3.1): SHA-256 for the message beside MGF1 with SHA-1, say.
pub(crate) type Mgf = fn(seed: &[u8], out: &mut [u8]);

/// RFC 8017 §7.2.1 step 2: `EM = 0x00 ‖ 0x02 ‖ PS ‖ 0x00 ‖ M`, where PS is at
/// least eight random non-zero bytes filling EM to `k` bytes.
/// `None` if the message is longer than `k - 11`.
pub(crate) fn eme_pkcs1_v15_encode<R: CryptoRng + ?Sized>(
    message: &[u8],
    k: usize,
    rng: &mut R,
) -> Option<Vec<u8>> {
    if message.len() + 11 > k {
        return None;
    }
    let mut em = vec![0u8; k];
    em[1] = 0x02;
    let ps = &mut em[2..k - message.len() - 1];
    rng.fill_bytes(ps);
    for byte in ps.iter_mut() {
        // Replace zero bytes until none is left (PS must be non-zero).
        while *byte == 0 {
            let mut fresh = [0u8; 1];
            rng.fill_bytes(&mut fresh);
            *byte = fresh[0];
        }
    }
    em[k - message.len()..].copy_from_slice(message);
    Some(em)
}

/// RFC 8017 §7.2.2 step 3, in constant time: checks
/// `EM = 0x00 ‖ 0x02 ‖ PS ‖ 0x00 ‖ M` with PS at least eight non-zero bytes.
/// Returns where M starts and whether the padding is valid; the index means
/// nothing when it is not.
pub(crate) fn eme_pkcs1_v15_decode(em: &[u8]) -> (usize, Choice) {
    if em.len() < 11 {
        return (0, Choice::from(0)); // the length is public
    }
    let mut valid = em[0].ct_eq(&0x00) & em[1].ct_eq(&0x02);
    // Find the first zero byte after PS, looking at every byte.
    let mut looking = Choice::from(1);
    let mut separator = 0u64;
    for (i, byte) in em.iter().enumerate().skip(2) {
        let is_zero = byte.ct_eq(&0);
        separator.conditional_assign(&(i as u64), looking & is_zero);
        looking &= !is_zero;
    }
    valid &= !looking; // a separator exists
    valid &= !separator.ct_lt(&10); // PS = em[2..separator] has at least 8 bytes
    (separator as usize + 1, valid)
}

/// RFC 5246 §7.4.7.1, the countermeasure to Bleichenbacher's attack on TLS
/// RSA key transport: given the decrypted EM of the ClientKeyExchange and
/// `out` holding a random value, puts the premaster secret in `out` if EM is
/// valid PKCS#1 v1.5 padding around exactly 48 bytes that start with the
/// client's offered version, and otherwise leaves the random value — without
/// any branch or index on which case it was. The caller carries on with
/// whatever `out` holds; a wrong premaster secret surfaces only later, as a
/// Finished message that does not verify, exactly as if the client had made
/// a mistake.
pub(crate) fn tls_premaster_or_random(em: &[u8], client_version: [u8; 2], out: &mut [u8; 48]) {
    if em.len() < 11 + 48 {
        return; // the modulus length is public
    }
    let (start, mut valid) = eme_pkcs1_v15_decode(em);
    // A 48-byte message starts at a fixed place, so the candidate premaster
    // secret can be read there whatever the padding says.
    let at = em.len() - 48;
    valid &= (start as u64).ct_eq(&(at as u64));
    valid &= em[at..at + 2].ct_eq(&client_version);
    for (o, &m) in out.iter_mut().zip(&em[at..]) {
        o.conditional_assign(&m, valid);
    }
}

/// RFC 8017 §7.1.1 step 2: EME-OAEP encoding with hash `H` (also MGF1's)
/// and `label`. `None` if the message is longer than `k - 2 hLen - 2`.
pub(crate) fn eme_oaep_encode<H: Hash, R: CryptoRng + ?Sized>(
    message: &[u8],
    label: &[u8],
    k: usize,
    rng: &mut R,
) -> Option<Vec<u8>> {
    let h_len = H::OUTPUT_LEN;
    if k < 2 * h_len + 2 || message.len() > k - 2 * h_len - 2 {
        return None;
    }
    // EM = 0x00 ‖ maskedSeed ‖ maskedDB, DB = lHash ‖ PS ‖ 0x01 ‖ M.
    let mut em = vec![0u8; k];
    let (seed, db) = em[1..].split_at_mut(h_len);
    db[..h_len].copy_from_slice(H::digest(label).as_ref());
    let one_at = db.len() - message.len() - 1;
    db[one_at] = 0x01;
    db[one_at + 1..].copy_from_slice(message);
    rng.fill_bytes(seed);
    mgf1_xor::<H>(seed, db); // maskedDB = DB xor MGF(seed, k - hLen - 1)
    mgf1_xor::<H>(db, seed); // maskedSeed = seed xor MGF(maskedDB, hLen)
    Some(em)
}

/// RFC 8017 §7.1.2 step 3, in constant time: undoes EME-OAEP. Returns where
/// M starts in `em` (which is unmasked in place) and whether the encoding is
/// valid. All checks — Y = 0, lHash, PS all zeros, the 0x01 — are combined
/// into one `Choice`, so no failure is distinguishable from another (Manger's
/// attack, 2001, needs exactly that).
pub(crate) fn eme_oaep_decode<H: Hash>(em: &mut [u8], label: &[u8]) -> (usize, Choice) {
    let h_len = H::OUTPUT_LEN;
    if em.len() < 2 * h_len + 2 {
        return (0, Choice::from(0)); // the length is public
    }
    let mut valid = em[0].ct_eq(&0);
    let (seed, db) = em[1..].split_at_mut(h_len);
    mgf1_xor::<H>(db, seed); // seed = maskedSeed xor MGF(maskedDB, hLen)
    mgf1_xor::<H>(seed, db); // DB = maskedDB xor MGF(seed, k - hLen - 1)
    valid &= db[..h_len].ct_eq(H::digest(label).as_ref());
    // After lHash: zeros, then 0x01, then M. Look at every byte.
    let mut looking = Choice::from(1);
    let mut one_at = 0u64;
    for (i, byte) in db.iter().enumerate().skip(h_len) {
        let is_one = byte.ct_eq(&0x01);
        let is_zero = byte.ct_eq(&0x00);
        one_at.conditional_assign(&(i as u64), looking & is_one);
        valid &= !looking | is_zero | is_one; // before the 0x01, only zeros
        looking &= !is_one;
    }
    valid &= !looking;
    (1 + h_len + one_at as usize + 1, valid)
}

/// The DER encoding of `DigestInfo` up to the digest, for each hash
/// (RFC 8017 §9.2, Note 1).
fn digest_info_prefix<H: Hash>() -> Option<&'static [u8]> {
    Some(match H::NAME {
        n if n == Sha1::NAME => {
            &[0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a, 0x05, 0x00, 0x04, 0x14]
        }
        n if n == Sha224::NAME => &[
            0x30, 0x2d, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x04, 0x05,
            0x00, 0x04, 0x1c,
        ],
        n if n == Sha256::NAME => &[
            0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05,
            0x00, 0x04, 0x20,
        ],
        n if n == Sha384::NAME => &[
            0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02, 0x05,
            0x00, 0x04, 0x30,
        ],
        n if n == Sha512::NAME => &[
            0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03, 0x05,
            0x00, 0x04, 0x40,
        ],
        _ => return None,
    })
}

/// RFC 8017 §9.2 EMSA-PKCS1-v1_5: `EM = 0x00 ‖ 0x01 ‖ PS (0xff...) ‖ 0x00 ‖ T`
/// where `T` is the DigestInfo of `H(message)`. `None` if `em_len` is too
/// short (§9.2 step 4: at least `tLen + 11`) or `H` has no DigestInfo here.
pub(crate) fn emsa_pkcs1_v15_encode<H: Hash>(message: &[u8], em_len: usize) -> Option<Vec<u8>> {
    let prefix = digest_info_prefix::<H>()?;
    let t_len = prefix.len() + H::OUTPUT_LEN;
    if em_len < t_len + 11 {
        return None;
    }
    let mut em = vec![0xff; em_len];
    em[0] = 0x00;
    em[1] = 0x01;
    em[em_len - t_len - 1] = 0x00;
    em[em_len - t_len..em_len - H::OUTPUT_LEN].copy_from_slice(prefix);
    em[em_len - H::OUTPUT_LEN..].copy_from_slice(H::digest(message).as_ref());
    Some(em)
}

/// RFC 8017 §9.1.1 EMSA-PSS-ENCODE with hash `H` for the message, `mgf`
/// for the mask and a random salt of `salt_len` bytes; `em_bits` is the
/// modulus length in bits minus 1. `None` if the encoding does not fit
/// (step 3).
pub(crate) fn emsa_pss_encode<H: Hash, R: CryptoRng + ?Sized>(
    message: &[u8],
    em_bits: usize,
    salt_len: usize,
    mgf: Mgf,
    rng: &mut R,
) -> Option<Vec<u8>> {
    let mut salt = vec![0u8; salt_len];
    rng.fill_bytes(&mut salt);
    emsa_pss_encode_with_salt::<H>(message, em_bits, &salt, mgf)
}

/// EMSA-PSS-ENCODE with a given salt (known-answer tests supply the standard's).
pub(crate) fn emsa_pss_encode_with_salt<H: Hash>(
    message: &[u8],
    em_bits: usize,
    salt: &[u8],
    mgf: Mgf,
) -> Option<Vec<u8>> {
    let (h_len, em_len) = (H::OUTPUT_LEN, em_bits.div_ceil(8));
    if em_len < h_len + salt.len() + 2 {
        return None;
    }
    let h = pss_hash::<H>(H::digest(message).as_ref(), salt); // steps 2-6
    // Steps 7-11: DB = PS ‖ 0x01 ‖ salt, masked with MGF(H, emLen - hLen - 1);
    // hLen is the message hash's length, whichever hash MGF runs.
    let db_len = em_len - h_len - 1;
    let mut em = vec![0u8; em_len];
    em[db_len - salt.len() - 1] = 0x01;
    em[db_len - salt.len()..db_len].copy_from_slice(salt);
    mgf(h.as_ref(), &mut em[..db_len]);
    em[0] &= 0xff >> (8 * em_len - em_bits); // step 11: clear the bits above em_bits
    em[db_len..em_len - 1].copy_from_slice(h.as_ref()); // step 12: EM = maskedDB ‖ H ‖ 0xbc
    em[em_len - 1] = 0xbc;
    Some(em)
}

/// RFC 8017 §9.1.2 EMSA-PSS-VERIFY with hash `H` for the message and `mgf`
/// for the mask. With `salt_len` `Some(sLen)`, the salt must be exactly
/// sLen bytes, as the standard's sLen option says; with `None`, any salt
/// length is accepted (it is read from the position of the 0x01 in DB, as
/// OpenSSL's "auto" does). Public data: not constant time.
pub(crate) fn emsa_pss_verify<H: Hash>(
    message: &[u8],
    em: &[u8],
    em_bits: usize,
    salt_len: Option<usize>,
    mgf: Mgf,
) -> bool {
    let (h_len, em_len) = (H::OUTPUT_LEN, em_bits.div_ceil(8));
    // Steps 3-4: long enough (for the salt too), and ending in 0xbc.
    let min_len = h_len.saturating_add(salt_len.unwrap_or(0)).saturating_add(2);
    if em.len() != em_len || em_len < min_len || em[em_len - 1] != 0xbc {
        return false;
    }
    let db_len = em_len - h_len - 1;
    let (masked_db, h) = (&em[..db_len], &em[db_len..em_len - 1]);
    // Step 6: the bits above em_bits must be zero.
    let top_mask = !(0xffu8 >> (8 * em_len - em_bits));
    if masked_db[0] & top_mask != 0 {
        return false;
    }
    // Steps 7-9: unmask DB.
    let mut db = masked_db.to_vec();
    mgf(h, &mut db);
    db[0] &= !top_mask;
    // Step 10: zeros, then 0x01, then the salt — at emLen - hLen - sLen - 1
    // when sLen is given.
    let Some(one_at) = db.iter().position(|&b| b != 0) else { return false };
    if db[one_at] != 0x01 || salt_len.is_some_and(|s_len| db_len - one_at - 1 != s_len) {
        return false;
    }
    let salt = &db[one_at + 1..];
    // Steps 12-14: recompute H' and compare.
    pss_hash::<H>(H::digest(message).as_ref(), salt).as_ref() == h
}

/// §9.1.1 steps 5-6: `H = Hash(0x00 x 8 ‖ mHash ‖ salt)`.
fn pss_hash<H: Hash>(m_hash: &[u8], salt: &[u8]) -> H::Output {
    let mut hasher = H::new();
    hasher.update(&[0u8; 8]);
    hasher.update(m_hash);
    hasher.update(salt);
    hasher.finalize()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    #[test]
    fn pkcs1_v15_encryption_padding_round_trips() {
        let mut rng = StdRng::seed_from_u64(1);
        for len in [0, 1, 50, 117] {
            let message = vec![0xa5u8; len];
            let em = eme_pkcs1_v15_encode(&message, 128, &mut rng).expect("fits");
            assert_eq!((em[0], em[1]), (0, 2));
            assert!(em[2..10].iter().all(|&b| b != 0));
            let (start, valid) = eme_pkcs1_v15_decode(&em);
            assert!(bool::from(valid));
            assert_eq!(&em[start..], &message[..]);
        }
        assert!(eme_pkcs1_v15_encode(&[0; 118], 128, &mut rng).is_none());
    }

    #[test]
    fn pkcs1_v15_encryption_padding_rejects_malformed() {
        let mut good = vec![0x11u8; 64];
        good[0] = 0;
        good[1] = 2;
        good[20] = 0;
        assert!(bool::from(eme_pkcs1_v15_decode(&good).1));
        let mut cases = Vec::new();
        let mut bad = good.clone();
        bad[0] = 1;
        cases.push(bad);
        let mut bad = good.clone();
        bad[1] = 1;
        cases.push(bad);
        let mut bad = good.clone();
        bad[9] = 0; // PS of 7 bytes
        cases.push(bad);
        let mut bad = good.clone();
        bad[20] = 0x11; // no separator at all
        cases.push(bad);
        for bad in cases {
            assert!(!bool::from(eme_pkcs1_v15_decode(&bad).1));
        }
        assert!(!bool::from(eme_pkcs1_v15_decode(&[0, 2, 1]).1));
    }

    #[test]
    fn tls_premaster_countermeasure() {
        let mut rng = StdRng::seed_from_u64(4);
        let random = [0x77u8; 48];
        let premaster_or_random = |em: &[u8], version: [u8; 2]| {
            let mut out = random;
            tls_premaster_or_random(em, version, &mut out);
            out
        };
        let mut premaster = [0x42u8; 48];
        premaster[..2].copy_from_slice(&[3, 3]);
        let em = eme_pkcs1_v15_encode(&premaster, 256, &mut rng).expect("fits");
        assert_eq!(premaster_or_random(&em, [3, 3]), premaster);
        // Wrong version, wrong length, bad padding: the random value, every time.
        assert_eq!(premaster_or_random(&em, [3, 1]), random);
        let short = eme_pkcs1_v15_encode(&premaster[..47], 256, &mut rng).expect("fits");
        assert_eq!(premaster_or_random(&short, [3, 3]), random);
        let long = eme_pkcs1_v15_encode(&[3u8; 49], 256, &mut rng).expect("fits");
        assert_eq!(premaster_or_random(&long, [3, 3]), random);
        let mut bad = em.clone();
        bad[1] = 1;
        assert_eq!(premaster_or_random(&bad, [3, 3]), random);
        assert_eq!(premaster_or_random(&em[..40], [3, 3]), random);
    }

    #[test]
    fn oaep_round_trips_and_rejects_tampering() {
        let mut rng = StdRng::seed_from_u64(2);
        for len in [0, 1, 30, 62] {
            let message = vec![0x3cu8; len];
            let em = eme_oaep_encode::<Sha256, _>(&message, b"label", 128, &mut rng).expect("fits");
            let mut copy = em.clone();
            let (start, valid) = eme_oaep_decode::<Sha256>(&mut copy, b"label");
            assert!(bool::from(valid));
            assert_eq!(&copy[start..], &message[..]);
            let mut wrong_label = em.clone();
            assert!(!bool::from(eme_oaep_decode::<Sha256>(&mut wrong_label, b"other").1));
            for i in 0..em.len() {
                let mut flipped = em.clone();
                flipped[i] ^= 0x40;
                assert!(!bool::from(eme_oaep_decode::<Sha256>(&mut flipped, b"label").1), "byte {i}");
            }
        }
        assert!(eme_oaep_encode::<Sha256, _>(&[0; 63], b"", 128, &mut rng).is_none());
    }

    #[test]
    fn pss_round_trips_any_salt_length() {
        let mut rng = StdRng::seed_from_u64(3);
        let mgf: Mgf = mgf1_xor::<Sha256>;
        for (em_bits, salt_len) in [(1023, 32), (1023, 0), (2047, 64), (1024 + 6, 20), (1023, 128 - 32 - 2)] {
            let em =
                emsa_pss_encode::<Sha256, _>(b"message", em_bits, salt_len, mgf, &mut rng).expect("fits");
            for expected in [None, Some(salt_len)] {
                assert!(emsa_pss_verify::<Sha256>(b"message", &em, em_bits, expected, mgf));
                assert!(!emsa_pss_verify::<Sha256>(b"massage", &em, em_bits, expected, mgf));
                let mut bad = em.clone();
                bad[5] ^= 1;
                assert!(!emsa_pss_verify::<Sha256>(b"message", &bad, em_bits, expected, mgf));
            }
        }
    }

    /// RFC 8017 §9.1.2 step 10 with sLen given: a salt one byte shorter or
    /// longer than asked for is "inconsistent", whatever else is right.
    #[test]
    fn pss_with_a_given_salt_length_refuses_any_other() {
        let mut rng = StdRng::seed_from_u64(4);
        let mgf: Mgf = mgf1_xor::<Sha256>;
        for salt_len in [0, 1, 20, 32, 64, 94] {
            let em = emsa_pss_encode::<Sha256, _>(b"message", 1023, salt_len, mgf, &mut rng).expect("fits");
            assert!(emsa_pss_verify::<Sha256>(b"message", &em, 1023, Some(salt_len), mgf));
            for other in [salt_len + 1, salt_len.wrapping_sub(1), 32, 0, usize::MAX] {
                if other != salt_len {
                    assert!(
                        !emsa_pss_verify::<Sha256>(b"message", &em, 1023, Some(other), mgf),
                        "{salt_len} as {other}"
                    );
                }
            }
        }
    }

    /// The message hash and MGF1's hash are independent (RFC 8017 §9.1:
    /// "Hash" and "MGF" are separate options): an encoding made with one
    /// MGF1 hash verifies with that one only, and a shorter or a longer MGF1
    /// hash than the message's fills DB all the same.
    #[test]
    fn pss_with_another_hash_for_mgf1() {
        let mut rng = StdRng::seed_from_u64(5);
        let (sha1, sha256, sha512): (Mgf, Mgf, Mgf) =
            (mgf1_xor::<Sha1>, mgf1_xor::<Sha256>, mgf1_xor::<Sha512>);
        for (mgf, others) in [(sha1, [sha256, sha512]), (sha512, [sha1, sha256])] {
            for (em_bits, salt_len) in [(2047, 32), (1023, 0), (1024 + 6, 20)] {
                let em =
                    emsa_pss_encode::<Sha256, _>(b"message", em_bits, salt_len, mgf, &mut rng).expect("fits");
                assert!(emsa_pss_verify::<Sha256>(b"message", &em, em_bits, Some(salt_len), mgf));
                assert!(emsa_pss_verify::<Sha256>(b"message", &em, em_bits, None, mgf));
                assert!(!emsa_pss_verify::<Sha256>(b"massage", &em, em_bits, Some(salt_len), mgf));
                for other in others {
                    assert!(!emsa_pss_verify::<Sha256>(b"message", &em, em_bits, Some(salt_len), other));
                    assert!(!emsa_pss_verify::<Sha256>(b"message", &em, em_bits, None, other));
                }
            }
        }
        // Only H and the mask differ: the same salt under two MGF1 hashes
        // gives the same H (the last hLen + 1 bytes) and a different maskedDB.
        let salt = [0x5a; 20];
        let with_sha1 = emsa_pss_encode_with_salt::<Sha256>(b"message", 1023, &salt, sha1).expect("fits");
        let with_sha256 = emsa_pss_encode_with_salt::<Sha256>(b"message", 1023, &salt, sha256).expect("fits");
        assert_eq!(with_sha1[128 - 33..], with_sha256[128 - 33..]);
        assert_ne!(with_sha1[..128 - 33], with_sha256[..128 - 33]);
    }

    #[test]
    fn pkcs1_v15_signature_encoding_layout() {
        let em = emsa_pkcs1_v15_encode::<Sha256>(b"abc", 128).expect("fits");
        assert_eq!(&em[..3], &[0x00, 0x01, 0xff]);
        assert_eq!(&em[128 - 32..], &Sha256::digest(b"abc")[..]);
        assert_eq!(em[128 - 32 - 19 - 1], 0x00);
        assert!(emsa_pkcs1_v15_encode::<Sha512>(b"abc", 64 + 19 + 10).is_none());
    }
}
