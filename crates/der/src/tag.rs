//! Tags: the identifier octets that open every element (X.690 §8.1.2).
//!
//! ```text
//!   bit  8 7 | 6 | 5 4 3 2 1
//!       class| P/C| number 0..=30, or 11111 then the number in base 128
//! ```
//!
//! The class says who assigned the number: the ASN.1 standard itself
//! (universal: INTEGER is 2, SEQUENCE is 16), an application, a structure's
//! context (`[0]`, `[1]` ... in certificates) or a private party. The P/C bit
//! says whether the contents are bytes (primitive) or more elements
//! (constructed).

use core::fmt;

use crate::Error;

/// The class of a tag: bits 8 and 7 of the identifier octet (X.690 §8.1.2.2,
/// Table 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Class {
    /// Types of ASN.1 itself: INTEGER, SEQUENCE, UTCTime ...
    Universal,
    /// `[APPLICATION n]`.
    Application,
    /// `[n]`: the tags of a structure's fields, as in `version [0]`.
    ContextSpecific,
    /// `[PRIVATE n]`.
    Private,
}

impl Class {
    /// The two class bits, in place in the identifier octet.
    const fn bits(self) -> u8 {
        match self {
            Class::Universal => 0x00,
            Class::Application => 0x40,
            Class::ContextSpecific => 0x80,
            Class::Private => 0xc0,
        }
    }
}

/// A tag: class, form (primitive or constructed) and number.
///
/// The constants are the universal tags DER users meet; [`Tag::context`]
/// builds `[n]`.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Tag {
    class: Class,
    constructed: bool,
    number: u32,
}

impl Tag {
    /// BOOLEAN (universal 1).
    pub const BOOLEAN: Tag = Tag::universal(1, false);
    /// INTEGER (universal 2).
    pub const INTEGER: Tag = Tag::universal(2, false);
    /// BIT STRING (universal 3). DER always uses the primitive form (X.690 §10.2).
    pub const BIT_STRING: Tag = Tag::universal(3, false);
    /// OCTET STRING (universal 4). DER always uses the primitive form (X.690 §10.2).
    pub const OCTET_STRING: Tag = Tag::universal(4, false);
    /// NULL (universal 5).
    pub const NULL: Tag = Tag::universal(5, false);
    /// OBJECT IDENTIFIER (universal 6).
    pub const OID: Tag = Tag::universal(6, false);
    /// ENUMERATED (universal 10).
    pub const ENUMERATED: Tag = Tag::universal(10, false);
    /// UTF8String (universal 12).
    pub const UTF8_STRING: Tag = Tag::universal(12, false);
    /// SEQUENCE and SEQUENCE OF (universal 16, always constructed).
    pub const SEQUENCE: Tag = Tag::universal(16, true);
    /// SET and SET OF (universal 17, always constructed).
    pub const SET: Tag = Tag::universal(17, true);
    /// NumericString (universal 18).
    pub const NUMERIC_STRING: Tag = Tag::universal(18, false);
    /// PrintableString (universal 19).
    pub const PRINTABLE_STRING: Tag = Tag::universal(19, false);
    /// TeletexString, also called T61String (universal 20).
    pub const TELETEX_STRING: Tag = Tag::universal(20, false);
    /// IA5String: ASCII (universal 22).
    pub const IA5_STRING: Tag = Tag::universal(22, false);
    /// UTCTime (universal 23).
    pub const UTC_TIME: Tag = Tag::universal(23, false);
    /// GeneralizedTime (universal 24).
    pub const GENERALIZED_TIME: Tag = Tag::universal(24, false);
    /// VisibleString (universal 26).
    pub const VISIBLE_STRING: Tag = Tag::universal(26, false);
    /// UniversalString: UCS-4 (universal 28).
    pub const UNIVERSAL_STRING: Tag = Tag::universal(28, false);
    /// BMPString: UCS-2 (universal 30).
    pub const BMP_STRING: Tag = Tag::universal(30, false);

    /// A tag of any class, form and number.
    pub const fn new(class: Class, constructed: bool, number: u32) -> Tag {
        Tag { class, constructed, number }
    }

    /// The primitive context-specific tag `[number]`. Use
    /// [`with_constructed`](Tag::with_constructed) for the constructed form
    /// (as every EXPLICIT tag is).
    pub const fn context(number: u32) -> Tag {
        Tag::new(Class::ContextSpecific, false, number)
    }

    const fn universal(number: u32, constructed: bool) -> Tag {
        Tag::new(Class::Universal, constructed, number)
    }

    /// The same class and number in the given form.
    pub const fn with_constructed(self, constructed: bool) -> Tag {
        Tag { constructed, ..self }
    }

    /// The class.
    pub const fn class(self) -> Class {
        self.class
    }

    /// Whether the contents are elements (constructed) rather than bytes.
    pub const fn is_constructed(self) -> bool {
        self.constructed
    }

    /// The tag number within its class.
    pub const fn number(self) -> u32 {
        self.number
    }

    /// Whether this is `[number]`, in either form.
    pub fn is_context(self, number: u32) -> bool {
        self.class == Class::ContextSpecific && self.number == number
    }

    /// Reads the identifier octets at the start of `input`: the tag and how
    /// many octets it took. X.690 §8.1.2.
    pub(crate) fn parse(input: &[u8]) -> Result<(Tag, usize), Error> {
        let &first = input.first().ok_or(Error::Truncated)?;
        let class = match first >> 6 {
            0 => Class::Universal,
            1 => Class::Application,
            2 => Class::ContextSpecific,
            _ => Class::Private,
        };
        let constructed = first & 0x20 != 0;
        // X.690 §8.1.2.3: numbers 0 to 30 sit in bits 5 to 1.
        if first & 0x1f != 0x1f {
            return Ok((Tag::new(class, constructed, u32::from(first & 0x1f)), 1));
        }
        // X.690 §8.1.2.4: 0x1f, then the number in base 128, bit 8 set on
        // every octet but the last.
        let mut number: u32 = 0;
        for (i, &octet) in input[1..].iter().enumerate() {
            // X.690 §8.1.2.4.2 c: the first subsequent octet is not 0x80.
            if i == 0 && octet == 0x80 {
                return Err(Error::NonMinimalTag);
            }
            if number > u32::MAX >> 7 {
                return Err(Error::TagTooLarge);
            }
            number = (number << 7) | u32::from(octet & 0x7f);
            if octet & 0x80 == 0 {
                // X.690 §8.1.2.2: numbers up to 30 must use the one-octet form.
                if number <= 30 {
                    return Err(Error::NonMinimalTag);
                }
                return Ok((Tag::new(class, constructed, number), i + 2));
            }
        }
        Err(Error::Truncated)
    }

    /// Appends the identifier octets, in the shortest form (X.690 §8.1.2).
    pub(crate) fn encode(self, out: &mut Vec<u8>) {
        let first = self.class.bits() | if self.constructed { 0x20 } else { 0 };
        if self.number <= 30 {
            out.push(first | self.number as u8);
            return;
        }
        out.push(first | 0x1f);
        let groups = (32 - self.number.leading_zeros()).div_ceil(7);
        for g in (0..groups).rev() {
            let more = if g > 0 { 0x80 } else { 0 };
            out.push(((self.number >> (7 * g)) & 0x7f) as u8 | more);
        }
    }

    /// The ASN.1 name of a universal tag.
    fn universal_name(self) -> Option<&'static str> {
        Some(match self.number {
            1 => "BOOLEAN",
            2 => "INTEGER",
            3 => "BIT STRING",
            4 => "OCTET STRING",
            5 => "NULL",
            6 => "OBJECT IDENTIFIER",
            10 => "ENUMERATED",
            12 => "UTF8String",
            16 => "SEQUENCE",
            17 => "SET",
            18 => "NumericString",
            19 => "PrintableString",
            20 => "TeletexString",
            22 => "IA5String",
            23 => "UTCTime",
            24 => "GeneralizedTime",
            26 => "VisibleString",
            28 => "UniversalString",
            30 => "BMPString",
            _ => return None,
        })
    }
}

/// As ASN.1 writes tags: `SEQUENCE`, `[0]`, `[APPLICATION 3]`, with the form
/// added where it is not the usual one (`[0] (constructed)`,
/// `INTEGER (constructed)`).
impl fmt::Display for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let usually_constructed = match self.class {
            Class::Universal => {
                match self.universal_name() {
                    Some(name) => f.write_str(name)?,
                    None => write!(f, "[UNIVERSAL {}]", self.number)?,
                }
                self.number == 16 || self.number == 17
            }
            Class::Application => {
                write!(f, "[APPLICATION {}]", self.number)?;
                false
            }
            Class::ContextSpecific => {
                write!(f, "[{}]", self.number)?;
                false
            }
            Class::Private => {
                write!(f, "[PRIVATE {}]", self.number)?;
                false
            }
        };
        match (self.constructed, usually_constructed) {
            (true, false) => f.write_str(" (constructed)"),
            (false, true) => f.write_str(" (primitive)"),
            _ => Ok(()),
        }
    }
}

impl fmt::Debug for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Tag({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encoded(tag: Tag) -> Vec<u8> {
        let mut out = Vec::new();
        tag.encode(&mut out);
        out
    }

    #[test]
    fn universal_tags_are_one_octet() {
        assert_eq!(encoded(Tag::SEQUENCE), [0x30]);
        assert_eq!(encoded(Tag::SET), [0x31]);
        assert_eq!(encoded(Tag::INTEGER), [0x02]);
        assert_eq!(encoded(Tag::BMP_STRING), [0x1e]);
        assert_eq!(Tag::parse(&[0x30]), Ok((Tag::SEQUENCE, 1)));
    }

    #[test]
    fn context_tags() {
        assert_eq!(encoded(Tag::context(0)), [0x80]);
        assert_eq!(encoded(Tag::context(3).with_constructed(true)), [0xa3]);
        assert_eq!(Tag::parse(&[0xa0, 0x03]), Ok((Tag::context(0).with_constructed(true), 1)));
    }

    /// X.690 §8.1.2.4: 31 and above take the long form, in base 128.
    #[test]
    fn high_tag_numbers() {
        let cases: [(Tag, &[u8]); 4] = [
            (Tag::context(31), &[0x9f, 0x1f]),
            (Tag::context(201), &[0x9f, 0x81, 0x49]),
            (Tag::new(Class::Application, true, 0x4000), &[0x7f, 0x81, 0x80, 0x00]),
            (Tag::new(Class::Private, false, u32::MAX), &[0xdf, 0x8f, 0xff, 0xff, 0xff, 0x7f]),
        ];
        for (tag, bytes) in cases {
            assert_eq!(encoded(tag), bytes, "{tag}");
            assert_eq!(Tag::parse(bytes), Ok((tag, bytes.len())), "{tag}");
        }
    }

    #[test]
    fn malformed_tags() {
        assert_eq!(Tag::parse(&[]), Err(Error::Truncated));
        assert_eq!(Tag::parse(&[0x1f]), Err(Error::Truncated));
        assert_eq!(Tag::parse(&[0x1f, 0x81]), Err(Error::Truncated));
        // A number that fits in the short form, written long.
        assert_eq!(Tag::parse(&[0x1f, 0x1e]), Err(Error::NonMinimalTag));
        // A leading 0x80 octet.
        assert_eq!(Tag::parse(&[0x1f, 0x80, 0x40]), Err(Error::NonMinimalTag));
        // 2^32 needs 33 bits.
        assert_eq!(Tag::parse(&[0x1f, 0x90, 0x80, 0x80, 0x80, 0x00]), Err(Error::TagTooLarge));
    }

    #[test]
    fn display_names_the_tag_and_unusual_forms() {
        assert_eq!(Tag::SEQUENCE.to_string(), "SEQUENCE");
        assert_eq!(Tag::SEQUENCE.with_constructed(false).to_string(), "SEQUENCE (primitive)");
        assert_eq!(Tag::INTEGER.with_constructed(true).to_string(), "INTEGER (constructed)");
        assert_eq!(Tag::context(0).with_constructed(true).to_string(), "[0] (constructed)");
        assert_eq!(Tag::new(Class::Application, false, 2).to_string(), "[APPLICATION 2]");
        assert_eq!(Tag::new(Class::Universal, false, 9).to_string(), "[UNIVERSAL 9]");
    }
}
