//! The [`Reader`]: a cursor over DER bytes that takes one element at a time.
//!
//! Each read either returns the next element (checked) and moves past it, or
//! returns an error and leaves the reader where it was. A SEQUENCE becomes a
//! nested reader over its contents; [`Reader::finish`] refuses bytes that
//! nobody read. Nothing here counts offsets by hand, and nothing allocates: a
//! length is compared with the bytes that remain before anything else.
//!
//! The header of an element (X.690 §8.1.1):
//!
//! ```text
//!   identifier octets (tag, §8.1.2) | length octets (§8.1.3) | contents octets
//! ```
//!
//! DER (X.690 §10.1) allows only the definite length form, in the fewest
//! octets: below 128 one octet holds the length; otherwise 0x80 | n, then the
//! length in n big-endian octets with no leading zero.

use std::borrow::Cow;

use crate::{BitString, Element, Error, Oid, StringKind, Tag, Time};

/// A cursor over DER-encoded elements.
///
/// ```
/// use padlock_der::Reader;
///
/// // SEQUENCE { INTEGER 5, BOOLEAN TRUE }
/// let der = [0x30, 0x06, 0x02, 0x01, 0x05, 0x01, 0x01, 0xff];
/// let (n, flag) = Reader::new(&der).read_all(|r| {
///     r.read_sequence()?.read_all(|seq| Ok((seq.read_small_integer()?, seq.read_boolean()?)))
/// })?;
/// assert_eq!((n, flag), (5, true));
/// # Ok::<(), padlock_der::Error>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Reader<'a> {
    input: &'a [u8],
    /// How many constructed elements enclose this reader's input.
    depth: usize,
}

impl<'a> Reader<'a> {
    /// A reader over `input`, which holds one or more whole elements.
    pub fn new(input: &'a [u8]) -> Reader<'a> {
        Reader { input, depth: 0 }
    }

    pub(crate) fn nested(input: &'a [u8], depth: usize) -> Reader<'a> {
        Reader { input, depth }
    }

    /// Whether every byte has been read.
    pub fn is_empty(&self) -> bool {
        self.input.is_empty()
    }

    /// The bytes not read yet.
    pub fn remaining(&self) -> &'a [u8] {
        self.input
    }

    /// Succeeds only if every byte has been read: DER structures have no
    /// room for trailing bytes.
    pub fn finish(self) -> Result<(), Error> {
        match self.input.len() {
            0 => Ok(()),
            len => Err(Error::TrailingData { len }),
        }
    }

    /// Runs `read` on this reader, then [`finish`](Reader::finish)es it: the
    /// usual way to read a whole structure.
    pub fn read_all<T>(mut self, read: impl FnOnce(&mut Reader<'a>) -> Result<T, Error>) -> Result<T, Error> {
        let value = read(&mut self)?;
        self.finish()?;
        Ok(value)
    }

    /// The tag of the next element, without reading it. `None` at the end,
    /// or if the next identifier is malformed (reading it says why).
    pub fn peek_tag(&self) -> Option<Tag> {
        Tag::parse(self.input).ok().map(|(tag, _)| tag)
    }

    /// Reads the next element, whatever its tag.
    pub fn read_tlv(&mut self) -> Result<Element<'a>, Error> {
        let (tag, tag_len) = Tag::parse(self.input)?;
        let (len, len_len) = parse_length(&self.input[tag_len..])?;
        let header_len = tag_len + len_len;
        // The length is checked against what is there before it is used.
        if len > self.input.len() - header_len {
            return Err(Error::Truncated);
        }
        let (raw, rest) = self.input.split_at(header_len + len);
        self.input = rest;
        Ok(Element::new(tag, &raw[header_len..], raw, self.depth))
    }

    /// Reads the next element, which must have the tag `expected`.
    pub fn read_element(&mut self, expected: Tag) -> Result<Element<'a>, Error> {
        if self.is_empty() {
            return Err(Error::MissingElement { expected });
        }
        let mut ahead = *self;
        let element = ahead.read_tlv()?;
        if element.tag() != expected {
            return Err(Error::UnexpectedTag { expected, found: element.tag() });
        }
        *self = ahead;
        Ok(element)
    }

    /// Reads the next element if it has the tag `tag` (an OPTIONAL or DEFAULT
    /// field), else reads nothing.
    pub fn read_optional(&mut self, tag: Tag) -> Result<Option<Element<'a>>, Error> {
        if self.peek_tag() == Some(tag) { self.read_element(tag).map(Some) } else { Ok(None) }
    }

    /// Reads a SEQUENCE (or SEQUENCE OF): a reader over its elements. Read
    /// them, then call [`finish`](Reader::finish) (or use
    /// [`read_all`](Reader::read_all)).
    pub fn read_sequence(&mut self) -> Result<Reader<'a>, Error> {
        self.read_element(Tag::SEQUENCE)?.reader()
    }

    /// Reads a SET OF: a reader over its elements, which DER requires to be
    /// in ascending order of their encodings (X.690 §11.6); this checks it.
    pub fn read_set_of(&mut self) -> Result<Reader<'a>, Error> {
        let set = self.read_element(Tag::SET)?.reader()?;
        let mut check = set;
        let mut previous: Option<&[u8]> = None;
        while !check.is_empty() {
            let raw = check.read_tlv()?.raw();
            if previous.is_some_and(|p| p > raw) {
                return Err(Error::UnsortedSet);
            }
            previous = Some(raw);
        }
        Ok(set)
    }

    /// Reads `[n] EXPLICIT`: a constructed `[n]` around one element. The
    /// reader returned holds that element; finish it after reading it.
    pub fn read_explicit(&mut self, n: u32) -> Result<Reader<'a>, Error> {
        self.read_element(Tag::context(n).with_constructed(true))?.reader()
    }

    /// Reads `[n] EXPLICIT ... OPTIONAL`: `None` if the next element is not
    /// `[n]`.
    pub fn read_optional_explicit(&mut self, n: u32) -> Result<Option<Reader<'a>>, Error> {
        match self.read_optional(Tag::context(n).with_constructed(true))? {
            Some(element) => element.reader().map(Some),
            None => Ok(None),
        }
    }

    /// Reads `[n] IMPLICIT`: the element tagged `[n]` in either form, whose
    /// contents are read as the type the tag replaced, with the methods of
    /// [`Element`] (`element.octet_string()`, `element.reader()` ...).
    pub fn read_implicit(&mut self, n: u32) -> Result<Element<'a>, Error> {
        match self.peek_tag() {
            Some(tag) if tag.is_context(n) => self.read_element(tag),
            _ => self.read_element(Tag::context(n)),
        }
    }

    /// Reads the next element if it is `[n]`, in either form: an OPTIONAL
    /// context-tagged field, EXPLICIT (call `reader()` on it) or IMPLICIT.
    pub fn read_optional_context(&mut self, n: u32) -> Result<Option<Element<'a>>, Error> {
        match self.peek_tag() {
            Some(tag) if tag.is_context(n) => self.read_element(tag).map(Some),
            _ => Ok(None),
        }
    }

    /// Reads an INTEGER as big-endian two's complement bytes in the shortest
    /// form (X.690 §8.3.2). See [`Element::integer_bytes`].
    pub fn read_integer_bytes(&mut self) -> Result<&'a [u8], Error> {
        self.read_element(Tag::INTEGER)?.integer_bytes()
    }

    /// Reads a non-negative INTEGER as its big-endian magnitude, without a
    /// leading zero byte (an RSA modulus, a serial number). See
    /// [`Element::unsigned_integer_bytes`].
    pub fn read_unsigned_integer_bytes(&mut self) -> Result<&'a [u8], Error> {
        self.read_element(Tag::INTEGER)?.unsigned_integer_bytes()
    }

    /// Reads an INTEGER that fits in an `i64` (a version number).
    pub fn read_small_integer(&mut self) -> Result<i64, Error> {
        self.read_element(Tag::INTEGER)?.small_integer()
    }

    /// Reads a non-negative INTEGER that fits in a `u64`.
    pub fn read_small_unsigned(&mut self) -> Result<u64, Error> {
        self.read_element(Tag::INTEGER)?.small_unsigned()
    }

    /// Reads an ENUMERATED that fits in an `i64` (encoded as an INTEGER is,
    /// X.690 §8.4).
    pub fn read_enumerated(&mut self) -> Result<i64, Error> {
        self.read_element(Tag::ENUMERATED)?.small_integer()
    }

    /// Reads a BOOLEAN (0x00 or 0xFF in DER).
    pub fn read_boolean(&mut self) -> Result<bool, Error> {
        self.read_element(Tag::BOOLEAN)?.boolean()
    }

    /// Reads a NULL.
    pub fn read_null(&mut self) -> Result<(), Error> {
        self.read_element(Tag::NULL)?.null()
    }

    /// Reads an OBJECT IDENTIFIER.
    pub fn read_oid(&mut self) -> Result<Oid, Error> {
        self.read_element(Tag::OID)?.oid()
    }

    /// Reads a BIT STRING.
    pub fn read_bit_string(&mut self) -> Result<BitString<'a>, Error> {
        self.read_element(Tag::BIT_STRING)?.bit_string()
    }

    /// Reads an OCTET STRING.
    pub fn read_octet_string(&mut self) -> Result<&'a [u8], Error> {
        self.read_element(Tag::OCTET_STRING)?.octet_string()
    }

    /// Reads a UTCTime or a GeneralizedTime, whichever comes: the X.509
    /// `Time` CHOICE (RFC 5280 §4.1.2.5).
    pub fn read_time(&mut self) -> Result<Time, Error> {
        match self.peek_tag() {
            Some(Tag::GENERALIZED_TIME) => self.read_element(Tag::GENERALIZED_TIME)?.generalized_time(),
            _ => self.read_element(Tag::UTC_TIME)?.utc_time(),
        }
    }

    /// Reads a string of the given type.
    pub fn read_string(&mut self, kind: StringKind) -> Result<Cow<'a, str>, Error> {
        self.read_element(kind.tag())?.string(kind)
    }

    /// Reads a string of any of the [`StringKind`]s, such as an X.509
    /// `DirectoryString` CHOICE (RFC 5280 §4.1.2.4).
    pub fn read_any_string(&mut self) -> Result<(StringKind, Cow<'a, str>), Error> {
        let kind = self.peek_tag().and_then(StringKind::from_tag).unwrap_or(StringKind::Utf8);
        Ok((kind, self.read_string(kind)?))
    }

    /// Reads a UTF8String.
    pub fn read_utf8_string(&mut self) -> Result<&'a str, Error> {
        StringKind::Utf8.decode_str(self.read_element(Tag::UTF8_STRING)?.primitive()?)
    }

    /// Reads a PrintableString.
    pub fn read_printable_string(&mut self) -> Result<&'a str, Error> {
        StringKind::Printable.decode_str(self.read_element(Tag::PRINTABLE_STRING)?.primitive()?)
    }

    /// Reads an IA5String (ASCII; e-mail addresses and DNS names in X.509).
    pub fn read_ia5_string(&mut self) -> Result<&'a str, Error> {
        StringKind::Ia5.decode_str(self.read_element(Tag::IA5_STRING)?.primitive()?)
    }
}

/// Reads the length octets at the start of `input`: the length and how many
/// octets it took. X.690 §8.1.3 with the DER restrictions of §10.1.
fn parse_length(input: &[u8]) -> Result<(usize, usize), Error> {
    let &first = input.first().ok_or(Error::Truncated)?;
    // §8.1.3.4: the short form, 0 to 127.
    if first < 0x80 {
        return Ok((usize::from(first), 1));
    }
    // §8.1.3.6: 0x80 opens an indefinite length; §10.1: DER forbids it.
    if first == 0x80 {
        return Err(Error::IndefiniteLength);
    }
    // §8.1.3.5: the long form, 0x80 | n then n octets. We take at most four
    // (and so refuse the reserved 0xFF of §8.1.3.5 c).
    let count = usize::from(first & 0x7f);
    if count > 4 {
        return Err(Error::LengthTooLarge);
    }
    let octets = input.get(1..1 + count).ok_or(Error::Truncated)?;
    // §10.1: the fewest octets, so no leading zero ...
    if octets[0] == 0 {
        return Err(Error::NonMinimalLength);
    }
    let len = octets.iter().fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
    // ... and the short form whenever it fits.
    if len < 0x80 {
        return Err(Error::NonMinimalLength);
    }
    Ok((len, 1 + count))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_and_long_lengths() {
        assert_eq!(parse_length(&[0x00]), Ok((0, 1)));
        assert_eq!(parse_length(&[0x7f]), Ok((127, 1)));
        // X.690 §8.1.3.5, NOTE 2: L = 201 can be encoded as 81 C9.
        assert_eq!(parse_length(&[0x81, 0xc9]), Ok((201, 2)));
        assert_eq!(parse_length(&[0x82, 0x01, 0x00]), Ok((256, 3)));
        assert_eq!(parse_length(&[0x84, 0xff, 0xff, 0xff, 0xff]), Ok((0xffff_ffff, 5)));
    }

    #[test]
    fn lengths_der_forbids() {
        assert_eq!(parse_length(&[]), Err(Error::Truncated));
        assert_eq!(parse_length(&[0x80]), Err(Error::IndefiniteLength));
        assert_eq!(parse_length(&[0x81, 0x7f]), Err(Error::NonMinimalLength));
        assert_eq!(parse_length(&[0x82, 0x00, 0xc9]), Err(Error::NonMinimalLength));
        assert_eq!(parse_length(&[0x85, 0x01, 0, 0, 0, 0]), Err(Error::LengthTooLarge));
        assert_eq!(parse_length(&[0xff]), Err(Error::LengthTooLarge));
        assert_eq!(parse_length(&[0x82, 0x01]), Err(Error::Truncated));
    }

    #[test]
    fn a_failed_read_leaves_the_reader_in_place() {
        let der = [0x02, 0x01, 0x05];
        let mut r = Reader::new(&der);
        assert_eq!(
            r.read_boolean(),
            Err(Error::UnexpectedTag { expected: Tag::BOOLEAN, found: Tag::INTEGER })
        );
        assert_eq!(r.read_small_integer(), Ok(5));
        assert_eq!(r.read_null(), Err(Error::MissingElement { expected: Tag::NULL }));
        assert!(r.finish().is_ok());
    }
}
