//! One element (a TLV: tag, length, value) and the DER rules for the contents
//! of each universal type.
//!
//! [`Reader`]'s typed helpers (`read_integer_bytes`, `read_oid` ...) check the
//! tag and then call the method of the same name here. The methods are also
//! what an IMPLICIT tag needs: `[2] IMPLICIT IA5String` arrives with tag `[2]`,
//! and `element.string(StringKind::Ia5)` reads its contents as an IA5String.
//! Each method checks the element's form too: DER encodes every type here
//! except SEQUENCE and SET in the primitive form (X.690 §10.2).

use std::borrow::Cow;

use crate::{Error, MAX_DEPTH, Oid, Reader, StringKind, Tag, Time};

/// One element: its tag, its contents, and its whole encoding.
///
/// `raw()` is the exact bytes the element was read from, header included: a
/// certificate's signature is checked over the raw bytes of its
/// `tbsCertificate`, not over a re-encoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Element<'a> {
    tag: Tag,
    contents: &'a [u8],
    raw: &'a [u8],
    /// How many readers deep the element sits (see [`MAX_DEPTH`]).
    depth: usize,
}

impl<'a> Element<'a> {
    pub(crate) fn new(tag: Tag, contents: &'a [u8], raw: &'a [u8], depth: usize) -> Element<'a> {
        Element { tag, contents, raw, depth }
    }

    /// The tag.
    pub fn tag(&self) -> Tag {
        self.tag
    }

    /// The contents octets (the V of TLV).
    pub fn contents(&self) -> &'a [u8] {
        self.contents
    }

    /// The whole encoding: identifier, length and contents octets.
    pub fn raw(&self) -> &'a [u8] {
        self.raw
    }

    /// A reader over the elements inside a constructed element.
    pub fn reader(&self) -> Result<Reader<'a>, Error> {
        if !self.tag.is_constructed() {
            return Err(Error::UnexpectedTag { expected: self.tag.with_constructed(true), found: self.tag });
        }
        if self.depth >= MAX_DEPTH {
            return Err(Error::TooDeep);
        }
        Ok(Reader::nested(self.contents, self.depth + 1))
    }

    /// The contents, if the element is primitive.
    pub(crate) fn primitive(&self) -> Result<&'a [u8], Error> {
        if self.tag.is_constructed() {
            return Err(Error::UnexpectedTag { expected: self.tag.with_constructed(false), found: self.tag });
        }
        Ok(self.contents)
    }

    /// The contents as an INTEGER: big-endian two's complement bytes, checked
    /// to be in the shortest form. Negative numbers start with a byte whose
    /// top bit is set.
    pub fn integer_bytes(&self) -> Result<&'a [u8], Error> {
        let bytes = self.primitive()?;
        match bytes {
            // X.690 §8.3.1: one or more contents octets.
            [] => Err(Error::EmptyInteger),
            // X.690 §8.3.2: the first nine bits are not all ones or all zeros.
            [0x00, next, ..] if next & 0x80 == 0 => Err(Error::NonMinimalInteger),
            [0xff, next, ..] if next & 0x80 != 0 => Err(Error::NonMinimalInteger),
            _ => Ok(bytes),
        }
    }

    /// The contents as a non-negative INTEGER: its magnitude, big-endian,
    /// without the 0x00 byte that DER puts before a top bit that is set.
    /// Zero gives an empty slice, so the result never starts with 0x00.
    pub fn unsigned_integer_bytes(&self) -> Result<&'a [u8], Error> {
        match self.integer_bytes()? {
            [first, ..] if first & 0x80 != 0 => Err(Error::NegativeInteger),
            [0x00, magnitude @ ..] => Ok(magnitude),
            magnitude => Ok(magnitude),
        }
    }

    /// The contents as an INTEGER that fits in an `i64`.
    pub fn small_integer(&self) -> Result<i64, Error> {
        let bytes = self.integer_bytes()?;
        if bytes.len() > 8 {
            return Err(Error::IntegerOverflow);
        }
        // Sign-extend: start from all ones for a negative number.
        let start: i64 = if bytes[0] & 0x80 != 0 { -1 } else { 0 };
        Ok(bytes.iter().fold(start, |acc, &b| (acc << 8) | i64::from(b)))
    }

    /// The contents as a non-negative INTEGER that fits in a `u64`.
    pub fn small_unsigned(&self) -> Result<u64, Error> {
        let bytes = self.unsigned_integer_bytes()?;
        if bytes.len() > 8 {
            return Err(Error::IntegerOverflow);
        }
        Ok(bytes.iter().fold(0, |acc, &b| (acc << 8) | u64::from(b)))
    }

    /// The contents as a BOOLEAN.
    pub fn boolean(&self) -> Result<bool, Error> {
        match self.primitive()? {
            // X.690 §11.1: DER encodes TRUE as 0xFF, never another non-zero byte.
            [0x00] => Ok(false),
            [0xff] => Ok(true),
            _ => Err(Error::InvalidBoolean),
        }
    }

    /// The contents as a NULL: there must be none (X.690 §8.8.2).
    pub fn null(&self) -> Result<(), Error> {
        if self.primitive()?.is_empty() { Ok(()) } else { Err(Error::InvalidNull) }
    }

    /// The contents as an OBJECT IDENTIFIER (X.690 §8.19).
    pub fn oid(&self) -> Result<Oid, Error> {
        Oid::from_contents(self.primitive()?)
    }

    /// The contents as a BIT STRING (X.690 §8.6, §11.2).
    pub fn bit_string(&self) -> Result<BitString<'a>, Error> {
        match self.primitive()? {
            [unused_bits, bytes @ ..] => BitString::new(*unused_bits, bytes),
            // X.690 §8.6.2: the initial octet is always there.
            [] => Err(Error::InvalidBitString),
        }
    }

    /// The contents as an OCTET STRING.
    pub fn octet_string(&self) -> Result<&'a [u8], Error> {
        self.primitive()
    }

    /// The contents as a UTCTime (`YYMMDDHHMMSSZ`).
    pub fn utc_time(&self) -> Result<Time, Error> {
        Time::from_utc_time(self.primitive()?)
    }

    /// The contents as a GeneralizedTime (`YYYYMMDDHHMMSSZ`).
    pub fn generalized_time(&self) -> Result<Time, Error> {
        Time::from_generalized_time(self.primitive()?)
    }

    /// The contents as a string of the given type, checked against the
    /// characters that type allows. Borrowed when the bytes are already UTF-8.
    pub fn string(&self, kind: StringKind) -> Result<Cow<'a, str>, Error> {
        kind.decode(self.primitive()?)
    }
}

/// A BIT STRING as DER encodes it: whole bytes, of which the last
/// `unused_bits` bits (low-order bits of the last byte) are not part of the
/// value and are zero.
///
/// Keys and signatures are whole bytes ([`octets`](BitString::octets));
/// named-bit lists such as X.509 `KeyUsage` use [`is_set`](BitString::is_set).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BitString<'a> {
    unused_bits: u8,
    bytes: &'a [u8],
}

impl<'a> BitString<'a> {
    /// A bit string of `bytes` with the last `unused_bits` bits not used,
    /// checked against X.690 §8.6.2.2, §8.6.2.3 and §11.2.1.
    pub fn new(unused_bits: u8, bytes: &'a [u8]) -> Result<BitString<'a>, Error> {
        let valid = match bytes.last() {
            // §8.6.2.3: no bits at all means no unused bits.
            None => unused_bits == 0,
            // §8.6.2.2: 0 to 7 unused bits; §11.2.1: DER sets them to zero.
            Some(&last) => unused_bits <= 7 && last & ((1u8 << unused_bits) - 1) == 0,
        };
        if valid { Ok(BitString { unused_bits, bytes }) } else { Err(Error::InvalidBitString) }
    }

    /// A bit string of whole bytes, such as a public key or a signature.
    pub const fn from_octets(bytes: &'a [u8]) -> BitString<'a> {
        BitString { unused_bits: 0, bytes }
    }

    /// How many low-order bits of the last byte are not part of the value.
    pub fn unused_bits(&self) -> u8 {
        self.unused_bits
    }

    /// The bytes, including the unused (zero) bits of the last one.
    pub fn bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// The number of bits in the value.
    pub fn len_bits(&self) -> usize {
        self.bytes.len() * 8 - usize::from(self.unused_bits)
    }

    /// The bytes, if the value is a whole number of them (as keys and
    /// signatures in X.509 are).
    pub fn octets(&self) -> Result<&'a [u8], Error> {
        if self.unused_bits == 0 { Ok(self.bytes) } else { Err(Error::UnalignedBitString) }
    }

    /// Whether bit `index` is set, counting as ASN.1 named bits do: bit 0 is
    /// the most significant bit of the first byte. Bits past the end are not
    /// set (X.680 §22.7: trailing zero bits may be left out).
    pub fn is_set(&self, index: usize) -> bool {
        index < self.len_bits() && self.bytes[index / 8] & (0x80 >> (index % 8)) != 0
    }
}
