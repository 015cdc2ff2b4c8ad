//! Exercise 2 (lab `padding-oracle`): open an encrypted cookie without a
//! padding oracle.
//!
//! [`exercise`] is the switched service's code: it decrypts the cookie
//! before it checks the HMAC, so a bad padding comes out as its own error
//! (a 500 where the real service says 403). Rewrite it in the
//! encrypt-then-MAC order — check the tag over `IV || ciphertext` first (in
//! constant time: `Hmac::verify`), and decrypt only a cookie whose tag is
//! right — and give every bad cookie the same error. [`reference()`] is the
//! real service's code.
//!
//! `cargo test -p padlock-labs --test exercises -- --ignored padding_oracle`
//! runs Vaudenay's attack against your function.

use padlock_aes::cbc;
use padlock_sha::Sha256;
use padlock_sha::hmac::Hmac;

use super::Verdict;
use crate::net;
use crate::padding_oracle::{self, CookieError, CookieKeys};

/// Opens a cookie `IV || C || HMAC(IV || C)`. **The vulnerable version:
/// rewrite it.**
pub fn exercise(keys: &CookieKeys, cookie: &[u8]) -> Result<Vec<u8>, CookieError> {
    if cookie.len() < 16 + 16 + 32 {
        return Err(CookieError::Forbidden);
    }
    let (body, tag) = cookie.split_at(cookie.len() - 32);
    let (iv, ciphertext) = body.split_at(16);
    let iv: [u8; 16] = iv.try_into().map_err(|_| CookieError::Forbidden)?;
    let data = cbc::decrypt_padded(&keys.aes, &iv, ciphertext).map_err(|_| CookieError::BadPadding)?;
    let mut mac = Hmac::<Sha256>::new(&keys.mac);
    mac.update(body);
    mac.verify(tag).map_err(|_| CookieError::Forbidden)?;
    Ok(data)
}

/// The reference solution: the real service's check.
pub fn reference(keys: &CookieKeys, cookie: &[u8]) -> Result<Vec<u8>, CookieError> {
    padding_oracle::open_cookie(keys, cookie, false)
}

/// The signature of [`exercise`] and [`reference()`].
pub type OpenCookie = fn(&CookieKeys, &[u8]) -> Result<Vec<u8>, CookieError>;

/// Checks `open`: a genuine cookie opens, a tampered one does not, and
/// Vaudenay's attack cannot tell a bad padding from any other bad cookie.
pub fn check(open: OpenCookie) -> Verdict {
    let aes = match padlock_aes::Aes::new(&net::random_bytes(9, 1, 16)) {
        Ok(aes) => aes,
        Err(e) => return Verdict::Broken(format!("no key: {e}")),
    };
    let mac: [u8; 32] = net::random_bytes(9, 2, 32).try_into().unwrap_or([1; 32]);
    let keys = CookieKeys { aes, mac };
    let secret = b"user=bob;role=customer;balance=17.50";
    let cookie = padding_oracle::seal_cookie(&keys, [7; 16], secret);
    if open(&keys, &cookie).as_deref() != Ok(secret.as_slice()) {
        return Verdict::Broken("a genuine cookie no longer opens".into());
    }
    let mut tampered = cookie.clone();
    tampered[20] ^= 1;
    if open(&keys, &tampered).is_ok() {
        return Verdict::Broken("a tampered cookie opens".into());
    }
    let body = &cookie[..cookie.len() - 32];
    let (last_two, mut flipped) = (body[body.len() - 32..].to_vec(), body[body.len() - 32..].to_vec());
    flipped[15] ^= 1;
    let with_tag = |b: &[u8]| [b, &[0u8; 32]].concat();
    let bad = open(&keys, &with_tag(&flipped));
    if open(&keys, &with_tag(&last_two)) == bad {
        return Verdict::Resists("a good and a bad padding get the same answer: no oracle".into());
    }
    let mut queries = 0u64;
    let mut bad_padding = |c: &[u8]| {
        queries += 1;
        Ok(open(&keys, c) == bad)
    };
    match padding_oracle::vaudenay(body, &mut bad_padding, &mut |_, _, _| {}) {
        Ok(found) if found == secret => {
            Verdict::Vulnerable(format!("Vaudenay's attack read the cookie in {queries} queries"))
        }
        Ok(_) => Verdict::Resists("the attack read garbage".into()),
        Err(why) => Verdict::Resists(format!("the attack failed: {why}")),
    }
}
