//! The character string types of ASN.1 (X.680 §41) that X.509 names and
//! extensions use, decoded to and encoded from Rust strings.
//!
//! Five of them are bytes that are already UTF-8 (UTF8String) or ASCII with a
//! smaller alphabet (NumericString, PrintableString, IA5String,
//! VisibleString): those are checked and borrowed. Three need converting:
//! BMPString (UCS-2, two bytes per character), UniversalString (UCS-4, four)
//! and TeletexString, which is read as Latin-1 as most software does (real
//! T.61 is a different character set that nobody implements; RFC 5280
//! §4.1.2.4 keeps it only for old certificates).

use std::borrow::Cow;

use crate::{Error, Tag};

/// A character string type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StringKind {
    /// UTF8String: any Unicode text, UTF-8 encoded.
    Utf8,
    /// NumericString: digits and space.
    Numeric,
    /// PrintableString: `A-Z a-z 0-9`, space and `' ( ) + , - . / : = ?`.
    Printable,
    /// TeletexString (T61String), read as Latin-1.
    Teletex,
    /// IA5String: ASCII.
    Ia5,
    /// VisibleString: printing ASCII, 0x20 to 0x7E.
    Visible,
    /// UniversalString: UCS-4, big-endian.
    Universal,
    /// BMPString: UCS-2 (the Basic Multilingual Plane), big-endian.
    Bmp,
}

impl StringKind {
    /// Every string type.
    pub const ALL: [StringKind; 8] = [
        StringKind::Utf8,
        StringKind::Numeric,
        StringKind::Printable,
        StringKind::Teletex,
        StringKind::Ia5,
        StringKind::Visible,
        StringKind::Universal,
        StringKind::Bmp,
    ];

    /// The universal tag of the type.
    pub const fn tag(self) -> Tag {
        match self {
            StringKind::Utf8 => Tag::UTF8_STRING,
            StringKind::Numeric => Tag::NUMERIC_STRING,
            StringKind::Printable => Tag::PRINTABLE_STRING,
            StringKind::Teletex => Tag::TELETEX_STRING,
            StringKind::Ia5 => Tag::IA5_STRING,
            StringKind::Visible => Tag::VISIBLE_STRING,
            StringKind::Universal => Tag::UNIVERSAL_STRING,
            StringKind::Bmp => Tag::BMP_STRING,
        }
    }

    /// The string type with this tag, if it is one.
    pub fn from_tag(tag: Tag) -> Option<StringKind> {
        StringKind::ALL.into_iter().find(|kind| kind.tag() == tag)
    }

    /// The ASN.1 name of the type, such as `"PrintableString"`.
    pub fn name(self) -> &'static str {
        match self {
            StringKind::Utf8 => "UTF8String",
            StringKind::Numeric => "NumericString",
            StringKind::Printable => "PrintableString",
            StringKind::Teletex => "TeletexString",
            StringKind::Ia5 => "IA5String",
            StringKind::Visible => "VisibleString",
            StringKind::Universal => "UniversalString",
            StringKind::Bmp => "BMPString",
        }
    }

    /// Whether a character belongs to the type's alphabet.
    pub fn allows(self, c: char) -> bool {
        match self {
            StringKind::Utf8 | StringKind::Universal => true,
            // X.680 §41.2, Table 9.
            StringKind::Numeric => c.is_ascii_digit() || c == ' ',
            // X.680 §41.4, Table 10. Not `*`, `&` or `@`.
            StringKind::Printable => c.is_ascii_alphanumeric() || " '()+,-./:=?".contains(c),
            StringKind::Teletex => u32::from(c) <= 0xff,
            StringKind::Ia5 => c.is_ascii(),
            StringKind::Visible => (' '..='~').contains(&c),
            StringKind::Bmp => u32::from(c) <= 0xffff,
        }
    }

    /// The text of a string of this type, from its contents octets.
    pub fn decode(self, bytes: &[u8]) -> Result<Cow<'_, str>, Error> {
        let invalid = Error::InvalidString { kind: self };
        match self {
            StringKind::Teletex => match std::str::from_utf8(bytes) {
                Ok(ascii) if ascii.is_ascii() => Ok(Cow::Borrowed(ascii)),
                // Latin-1: each byte is the code point of the same number.
                _ => Ok(Cow::Owned(bytes.iter().map(|&b| char::from(b)).collect())),
            },
            StringKind::Universal => decode_units(bytes, 4, invalid),
            StringKind::Bmp => decode_units(bytes, 2, invalid),
            _ => self.decode_str(bytes).map(Cow::Borrowed),
        }
    }

    /// The contents octets of `text` as a string of this type, or
    /// [`Error::InvalidString`] if a character is not in its alphabet.
    pub fn encode(self, text: &str) -> Result<Cow<'_, [u8]>, Error> {
        if !text.chars().all(|c| self.allows(c)) {
            return Err(Error::InvalidString { kind: self });
        }
        Ok(match self {
            StringKind::Teletex if !text.is_ascii() => Cow::Owned(text.chars().map(|c| c as u8).collect()),
            StringKind::Universal => {
                Cow::Owned(text.chars().flat_map(|c| u32::from(c).to_be_bytes()).collect())
            }
            StringKind::Bmp => Cow::Owned(text.chars().flat_map(|c| (c as u16).to_be_bytes()).collect()),
            _ => Cow::Borrowed(text.as_bytes()),
        })
    }

    /// The text of a string whose bytes are its UTF-8 (all types but
    /// Teletex, Universal and BMP), checked against the alphabet.
    pub(crate) fn decode_str(self, bytes: &[u8]) -> Result<&str, Error> {
        let invalid = Error::InvalidString { kind: self };
        let text = std::str::from_utf8(bytes).map_err(|_| invalid.clone())?;
        let native = !matches!(self, StringKind::Teletex | StringKind::Universal | StringKind::Bmp);
        if native && text.chars().all(|c| self.allows(c)) { Ok(text) } else { Err(invalid) }
    }
}

/// UCS-2 or UCS-4: big-endian code points of `width` bytes each. Surrogates
/// are refused (they are not characters, and UCS-2 has no pairs).
fn decode_units(bytes: &[u8], width: usize, invalid: Error) -> Result<Cow<'_, str>, Error> {
    if !bytes.len().is_multiple_of(width) {
        return Err(invalid);
    }
    let code_point = |unit: &[u8]| unit.iter().fold(0u32, |acc, &b| (acc << 8) | u32::from(b));
    bytes.chunks_exact(width).map(|unit| char::from_u32(code_point(unit)).ok_or(invalid.clone())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alphabets() {
        assert!(StringKind::Printable.encode("Test User 1").is_ok());
        for c in ['*', '&', '@', '_', '"', 'é'] {
            assert!(!StringKind::Printable.allows(c), "{c:?}");
        }
        assert!(StringKind::Numeric.encode("0123 456").is_ok());
        assert!(StringKind::Numeric.encode("12a").is_err());
        assert!(StringKind::Ia5.decode(b"test1@rsa.com").is_ok());
        assert!(StringKind::Ia5.decode(&[0x80]).is_err());
        assert!(StringKind::Visible.decode(b"tab\there").is_err());
        assert!(StringKind::Utf8.decode(&[0xc3, 0x28]).is_err());
    }

    #[test]
    fn converted_types_round_trip() {
        let text = "Zürich Ωmega";
        let bmp = StringKind::Bmp.encode(text).unwrap();
        assert_eq!(&bmp[..4], [0x00, 0x5a, 0x00, 0xfc]);
        assert_eq!(StringKind::Bmp.decode(&bmp).unwrap(), text);
        let ucs4 = StringKind::Universal.encode("a😀").unwrap();
        assert_eq!(&ucs4[..], [0, 0, 0, 0x61, 0x00, 0x01, 0xf6, 0x00]);
        assert_eq!(StringKind::Universal.decode(&ucs4).unwrap(), "a😀");
        assert_eq!(StringKind::Teletex.decode(&[0x5a, 0xfc]).unwrap(), "Zü");
        assert_eq!(StringKind::Teletex.encode("Zü").unwrap()[..], [0x5a, 0xfc]);
    }

    #[test]
    fn malformed_wide_strings() {
        assert!(StringKind::Bmp.encode("😀").is_err());
        assert!(StringKind::Bmp.decode(&[0x00]).is_err());
        assert!(StringKind::Bmp.decode(&[0xd8, 0x3d, 0xde, 0x00]).is_err());
        assert!(StringKind::Universal.decode(&[0, 0x11, 0, 0]).is_err());
        assert!(StringKind::Universal.decode(&[0, 0, 0x61]).is_err());
    }
}
