//! Base64 (RFC 4648 §4): three bytes become four characters of the alphabet
//! `A-Z a-z 0-9 + /`, with `=` padding the last group to four.
//!
//! Strict, as PEM's body must be once whitespace is removed: only alphabet
//! characters, padding required and only at the end, and the unused bits of
//! the last character zero (RFC 4648 §3.5), so that each byte string has
//! exactly one encoding.
//!
//! Constant time: yes, in the source, because private keys travel in PEM.
//! There is no lookup table: a character's value is computed from its code
//! with masks made by arithmetic shifts (the technique of Sc00bz's
//! "constant-time Base64", used by BoringSSL and libsodium), and invalid
//! characters are OR-ed into one flag checked after the loop. What is not
//! hidden: the length, the padding and whether decoding failed. We have not
//! checked the compiled code; a compiler may still turn a mask into a branch.

use crate::Error;

/// The Base64 text of `data`, padded, without line breaks.
pub fn encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for group in data.chunks(3) {
        let b = [group[0], group.get(1).copied().unwrap_or(0), group.get(2).copied().unwrap_or(0)];
        let sextets =
            [b[0] >> 2, (b[0] << 4 | b[1] >> 4) & 0x3f, (b[1] << 2 | b[2] >> 6) & 0x3f, b[2] & 0x3f];
        // A group of n bytes gives n + 1 characters, then padding to four.
        for (i, &sextet) in sextets.iter().enumerate() {
            out.push(if i <= group.len() { char::from(encode_sextet(sextet)) } else { '=' });
        }
    }
    out
}

/// The bytes whose Base64 encoding is `text` exactly: no whitespace, padded.
pub fn decode(text: impl AsRef<[u8]>) -> Result<Vec<u8>, Error> {
    let text = text.as_ref();
    // RFC 4648 §3.2, §4: padded groups of four characters.
    if !text.len().is_multiple_of(4) {
        return Err(Error::InvalidBase64Padding);
    }
    let padding = match text {
        [.., b'=', b'='] => 2,
        [.., b'='] => 1,
        _ => 0,
    };
    // The output is sized exactly up front: no reallocation leaves a copy of
    // a private key behind.
    let groups = text.len() / 4;
    let mut out = Vec::with_capacity(groups * 3 - padding);
    // Negative once any character was not in the alphabet.
    let mut invalid: i32 = 0;
    let mut last = 0;
    for (g, group) in text.chunks_exact(4).enumerate() {
        // Only the last group may end in padding, which stands for zero bits.
        let data_chars = if g + 1 == groups { 4 - padding } else { 4 };
        let mut value: u32 = 0;
        for &c in &group[..data_chars] {
            last = decode_char(c);
            invalid |= last;
            value = value << 6 | (last & 0x3f) as u32;
        }
        value <<= 6 * (4 - data_chars);
        // Four characters carry three bytes; each padding character one fewer.
        out.extend_from_slice(&value.to_be_bytes()[1..data_chars]);
    }
    if invalid < 0 {
        return Err(Error::InvalidBase64Character);
    }
    // RFC 4648 §3.5: the bits of the last character beyond the data are zero
    // (four bits with "==", two with "=").
    let unused_mask = [0, 0b11, 0b1111][padding];
    if last & unused_mask != 0 {
        return Err(Error::NonZeroBase64Bits);
    }
    Ok(out)
}

/// The character for a value 0 to 63, without a table: start from 'A' and add
/// the gap to the next range for each range boundary the value is past.
fn encode_sextet(sextet: u8) -> u8 {
    let v = i32::from(sextet);
    // `(k - v) >> 8` is all ones when v > k (the difference is negative and
    // the shift is arithmetic), else zero.
    let mut offset = i32::from(b'A');
    offset += ((25 - v) >> 8) & (i32::from(b'a') - i32::from(b'A') - 26); // 26..=51: 'a'..
    offset += ((51 - v) >> 8) & (i32::from(b'0') - i32::from(b'a') - 26); // 52..=61: '0'..
    offset += ((61 - v) >> 8) & (i32::from(b'+') - i32::from(b'0') - 10); // 62: '+'
    offset += ((62 - v) >> 8) & (i32::from(b'/') - i32::from(b'+') - 1); // 63: '/'
    (v + offset) as u8
}

/// The value 0 to 63 of a Base64 character, or -1 if it is not one, without a
/// table or a branch: each range adds its value (plus one) under a mask that
/// is all ones only inside it.
fn decode_char(c: u8) -> i32 {
    let c = i32::from(c);
    // `((lo - c) & (c - hi)) >> 8` is all ones exactly when lo < c < hi.
    let inside = |lo: i32, hi: i32| ((lo - c) & (c - hi)) >> 8;
    let mut value = -1;
    value += inside(0x40, 0x5b) & (c - 0x41 + 1); // 'A'..='Z' -> 0..=25
    value += inside(0x60, 0x7b) & (c - 0x61 + 26 + 1); // 'a'..='z' -> 26..=51
    value += inside(0x2f, 0x3a) & (c - 0x30 + 52 + 1); // '0'..='9' -> 52..=61
    value += inside(0x2a, 0x2c) & (62 + 1); // '+' -> 62
    value += inside(0x2e, 0x30) & (63 + 1); // '/' -> 63
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    /// The arithmetic agrees with RFC 4648 Table 1 for every byte.
    #[test]
    fn alphabet_without_tables() {
        for (value, &c) in ALPHABET.iter().enumerate() {
            assert_eq!(encode_sextet(value as u8), c);
        }
        for c in 0..=255u8 {
            let expected = ALPHABET.iter().position(|&a| a == c).map_or(-1, |v| v as i32);
            assert_eq!(decode_char(c), expected, "{c:#04x}");
        }
    }

    /// RFC 4648 §10.
    #[test]
    fn rfc4648_test_vectors() {
        let cases = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (data, text) in cases {
            assert_eq!(encode(data.as_bytes()), text);
            assert_eq!(decode(text).unwrap(), data.as_bytes());
        }
    }

    #[test]
    fn malformed() {
        assert_eq!(decode("Zg="), Err(Error::InvalidBase64Padding));
        assert_eq!(decode("Zg"), Err(Error::InvalidBase64Padding));
        assert_eq!(decode("Z==="), Err(Error::InvalidBase64Character));
        assert_eq!(decode("Zg==Zg=="), Err(Error::InvalidBase64Character));
        assert_eq!(decode("Z=g="), Err(Error::InvalidBase64Character));
        assert_eq!(decode("Zm9v\nYmFy"), Err(Error::InvalidBase64Padding));
        assert_eq!(decode("Zm9 "), Err(Error::InvalidBase64Character));
        assert_eq!(decode("Zm9-"), Err(Error::InvalidBase64Character));
        assert_eq!(decode("Zm9_"), Err(Error::InvalidBase64Character));
        // RFC 4648 §3.5: "Zh==" and "Zm9=" have non-zero unused bits.
        assert_eq!(decode("Zh=="), Err(Error::NonZeroBase64Bits));
        assert_eq!(decode("Zm9="), Err(Error::NonZeroBase64Bits));
        assert_eq!(decode("===="), Err(Error::InvalidBase64Character));
    }
}
