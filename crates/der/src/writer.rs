//! The [`Writer`]: builds DER, one element after another, nesting with
//! closures so that no length is ever counted by hand.
//!
//! ```
//! use padlock_der::{Writer, oids};
//!
//! // AlgorithmIdentifier ::= SEQUENCE { algorithm OID, parameters NULL }
//! let mut w = Writer::new();
//! w.sequence(|w| {
//!     w.oid(&oids::SHA256_WITH_RSA_ENCRYPTION);
//!     w.null();
//! });
//! let der = w.finish()?;
//! assert_eq!(der[..2], [0x30, 0x0d]);
//! # Ok::<(), padlock_der::Error>(())
//! ```
//!
//! Most values can always be written. The few that can fail (a character a
//! string type does not allow, a year a UTCTime cannot hold) record the
//! first error, like Go's `cryptobyte.Builder`, and [`Writer::finish`]
//! returns it: closures stay free of `?`, and no error is lost.

use crate::{BitString, Error, Oid, Reader, StringKind, Tag, Time};

/// A DER encoder writing into a `Vec<u8>`.
#[derive(Debug, Default)]
pub struct Writer {
    out: Vec<u8>,
    /// The first thing that could not be encoded.
    error: Option<Error>,
}

impl Writer {
    /// An empty writer.
    pub fn new() -> Writer {
        Writer::default()
    }

    /// The encoding, or the first error met while writing.
    pub fn finish(self) -> Result<Vec<u8>, Error> {
        match self.error {
            Some(error) => Err(error),
            None => Ok(self.out),
        }
    }

    /// Records an error; only the first one is kept.
    fn fail(&mut self, error: Error) {
        self.error.get_or_insert(error);
    }

    /// Writes one element: the tag, the length in the shortest form (X.690
    /// §10.1), then `contents` as they are.
    pub fn element(&mut self, tag: Tag, contents: &[u8]) {
        tag.encode(&mut self.out);
        let len = contents.len();
        if len < 0x80 {
            // X.690 §8.1.3.4: the short form.
            self.out.push(len as u8);
        } else {
            // X.690 §8.1.3.5: 0x80 | n, then n big-endian octets, no leading zero.
            let Ok(len) = u32::try_from(len) else { return self.fail(Error::LengthTooLarge) };
            let octets = len.to_be_bytes();
            let skip = len.leading_zeros() as usize / 8;
            self.out.push(0x80 | (4 - skip) as u8);
            self.out.extend_from_slice(&octets[skip..]);
        }
        self.out.extend_from_slice(contents);
    }

    /// Writes a constructed element whose contents `write` produces.
    pub fn constructed(&mut self, tag: Tag, write: impl FnOnce(&mut Writer)) {
        let inner = self.nested(write);
        self.element(tag.with_constructed(true), &inner);
    }

    /// Runs `write` on a fresh writer and returns what it wrote, keeping its
    /// error.
    fn nested(&mut self, write: impl FnOnce(&mut Writer)) -> Vec<u8> {
        let mut inner = Writer::new();
        write(&mut inner);
        if let Some(error) = inner.error {
            self.fail(error);
        }
        inner.out
    }

    /// Writes a SEQUENCE (or SEQUENCE OF) of what `write` writes.
    pub fn sequence(&mut self, write: impl FnOnce(&mut Writer)) {
        self.constructed(Tag::SEQUENCE, write);
    }

    /// Writes a SET OF what `write` writes, sorted into ascending order of
    /// their encodings as DER requires (X.690 §11.6).
    pub fn set_of(&mut self, write: impl FnOnce(&mut Writer)) {
        let inner = self.nested(write);
        let mut elements = Vec::new();
        let mut reader = Reader::new(&inner);
        while !reader.is_empty() {
            match reader.read_tlv() {
                Ok(element) => elements.push(element.raw()),
                // Only `raw` can put a malformed element here.
                Err(error) => return self.fail(error),
            }
        }
        elements.sort_unstable();
        self.element(Tag::SET, &elements.concat());
    }

    /// Writes `[n] EXPLICIT`: a constructed `[n]` around what `write` writes.
    pub fn explicit(&mut self, n: u32, write: impl FnOnce(&mut Writer)) {
        self.constructed(Tag::context(n), write);
    }

    /// Writes `[n] IMPLICIT`: the one element `write` writes, with its tag
    /// replaced by `[n]` and its form kept. For `[2] IMPLICIT IA5String`:
    /// `w.implicit(2, |w| w.ia5_string("example.com"))`.
    pub fn implicit(&mut self, n: u32, write: impl FnOnce(&mut Writer)) {
        let inner = self.nested(write);
        let mut reader = Reader::new(&inner);
        match reader.read_tlv() {
            Ok(element) if reader.is_empty() => {
                let tag = Tag::context(n).with_constructed(element.tag().is_constructed());
                self.element(tag, element.contents());
            }
            Ok(_) => self.fail(Error::ImplicitNotOneElement),
            Err(Error::Truncated) if inner.is_empty() => self.fail(Error::ImplicitNotOneElement),
            Err(error) => self.fail(error),
        }
    }

    /// Writes bytes that are already DER (a `tbsCertificate` being signed, a
    /// key from a file). They are not checked.
    pub fn raw(&mut self, der: &[u8]) {
        self.out.extend_from_slice(der);
    }

    /// Writes an INTEGER from big-endian two's complement bytes (as
    /// [`Reader::read_integer_bytes`] returns), dropping redundant leading
    /// 0x00 and 0xFF bytes (X.690 §8.3.2). No bytes is zero.
    pub fn integer_bytes(&mut self, bytes: &[u8]) {
        self.element(Tag::INTEGER, minimal_integer(bytes));
    }

    /// Writes a non-negative INTEGER from its big-endian magnitude (an RSA
    /// modulus): leading zeros are dropped, and a 0x00 is put in front when
    /// the top bit is set, so that it does not read as negative.
    pub fn unsigned_integer(&mut self, magnitude: &[u8]) {
        let start = magnitude.iter().position(|&b| b != 0).unwrap_or(magnitude.len());
        let magnitude = &magnitude[start..];
        match magnitude.first() {
            Some(first) if first & 0x80 == 0 => self.element(Tag::INTEGER, magnitude),
            // Zero, or a top bit to protect: one 0x00 in front.
            _ => self.element(Tag::INTEGER, &[&[0], magnitude].concat()),
        }
    }

    /// Writes an INTEGER.
    pub fn small_integer(&mut self, value: i64) {
        self.integer_bytes(&value.to_be_bytes());
    }

    /// Writes a non-negative INTEGER.
    pub fn small_unsigned(&mut self, value: u64) {
        self.unsigned_integer(&value.to_be_bytes());
    }

    /// Writes an ENUMERATED (encoded as an INTEGER is, X.690 §8.4).
    pub fn enumerated(&mut self, value: i64) {
        self.element(Tag::ENUMERATED, minimal_integer(&value.to_be_bytes()));
    }

    /// Writes a BOOLEAN: 0xFF for true, as DER requires (X.690 §11.1).
    pub fn boolean(&mut self, value: bool) {
        self.element(Tag::BOOLEAN, &[if value { 0xff } else { 0x00 }]);
    }

    /// Writes a NULL.
    pub fn null(&mut self) {
        self.element(Tag::NULL, &[]);
    }

    /// Writes an OBJECT IDENTIFIER.
    pub fn oid(&mut self, oid: &Oid) {
        self.element(Tag::OID, oid.as_bytes());
    }

    /// Writes a BIT STRING: the unused-bits count, then the bytes (X.690 §8.6.2).
    pub fn bit_string(&mut self, bits: BitString<'_>) {
        self.element(Tag::BIT_STRING, &[&[bits.unused_bits()], bits.bytes()].concat());
    }

    /// Writes a named-bit-list BIT STRING such as X.509 `KeyUsage`, with
    /// `bits[i]` as bit `i`. DER drops trailing zero bits (X.690 §11.2.2).
    pub fn named_bits(&mut self, bits: &[bool]) {
        let len = bits.iter().rposition(|&set| set).map_or(0, |last| last + 1);
        let mut bytes = vec![0u8; len.div_ceil(8)];
        for (i, &set) in bits[..len].iter().enumerate() {
            if set {
                bytes[i / 8] |= 0x80 >> (i % 8);
            }
        }
        let unused_bits = (bytes.len() * 8 - len) as u8;
        self.element(Tag::BIT_STRING, &[&[unused_bits], &bytes[..]].concat());
    }

    /// Writes an OCTET STRING.
    pub fn octet_string(&mut self, bytes: &[u8]) {
        self.element(Tag::OCTET_STRING, bytes);
    }

    /// Writes a UTCTime; records [`Error::InvalidTime`] for years outside
    /// 1950 to 2049.
    pub fn utc_time(&mut self, time: &Time) {
        match time.to_utc_time() {
            Some(contents) => self.element(Tag::UTC_TIME, &contents),
            None => self.fail(Error::InvalidTime),
        }
    }

    /// Writes a GeneralizedTime.
    pub fn generalized_time(&mut self, time: &Time) {
        self.element(Tag::GENERALIZED_TIME, &time.to_generalized_time());
    }

    /// Writes a time as RFC 5280 §4.1.2.5 says certificates must: UTCTime
    /// for 1950 to 2049, GeneralizedTime otherwise.
    pub fn time(&mut self, time: &Time) {
        if time.fits_utc_time() { self.utc_time(time) } else { self.generalized_time(time) }
    }

    /// Writes a string of the given type; records [`Error::InvalidString`] if
    /// a character is not in its alphabet.
    pub fn string(&mut self, kind: StringKind, text: &str) {
        match kind.encode(text) {
            Ok(contents) => self.element(kind.tag(), &contents),
            Err(error) => self.fail(error),
        }
    }

    /// Writes a UTF8String.
    pub fn utf8_string(&mut self, text: &str) {
        self.string(StringKind::Utf8, text);
    }

    /// Writes a PrintableString.
    pub fn printable_string(&mut self, text: &str) {
        self.string(StringKind::Printable, text);
    }

    /// Writes an IA5String.
    pub fn ia5_string(&mut self, text: &str) {
        self.string(StringKind::Ia5, text);
    }
}

/// Two's complement bytes without redundant leading bytes: while the first
/// nine bits are all zeros or all ones, the first byte says nothing (X.690
/// §8.3.2). No bytes at all is zero.
fn minimal_integer(mut bytes: &[u8]) -> &[u8] {
    while let [first, next, ..] = bytes
        && ((*first == 0x00 && next & 0x80 == 0) || (*first == 0xff && next & 0x80 != 0))
    {
        bytes = &bytes[1..];
    }
    if bytes.is_empty() { &[0] } else { bytes }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(write: impl FnOnce(&mut Writer)) -> Result<Vec<u8>, Error> {
        let mut w = Writer::new();
        write(&mut w);
        w.finish()
    }

    #[test]
    fn lengths_in_the_shortest_form() {
        for (len, header) in [
            (0, &[0x04, 0x00][..]),
            (127, &[0x04, 0x7f]),
            (128, &[0x04, 0x81, 0x80]),
            (201, &[0x04, 0x81, 0xc9]),
            (256, &[0x04, 0x82, 0x01, 0x00]),
            (65_536, &[0x04, 0x83, 0x01, 0x00, 0x00]),
        ] {
            let der = written(|w| w.octet_string(&vec![0; len])).unwrap();
            assert_eq!(&der[..header.len()], header, "length {len}");
            assert_eq!(der.len(), header.len() + len);
        }
    }

    #[test]
    fn integers_are_normalised() {
        assert_eq!(written(|w| w.integer_bytes(&[])).unwrap(), [0x02, 0x01, 0x00]);
        assert_eq!(written(|w| w.integer_bytes(&[0, 0, 0x7f])).unwrap(), [0x02, 0x01, 0x7f]);
        assert_eq!(written(|w| w.integer_bytes(&[0xff, 0xff, 0x80])).unwrap(), [0x02, 0x01, 0x80]);
        assert_eq!(written(|w| w.integer_bytes(&[0xff, 0x7f])).unwrap(), [0x02, 0x02, 0xff, 0x7f]);
        assert_eq!(written(|w| w.unsigned_integer(&[])).unwrap(), [0x02, 0x01, 0x00]);
        assert_eq!(written(|w| w.unsigned_integer(&[0, 0, 0])).unwrap(), [0x02, 0x01, 0x00]);
        assert_eq!(written(|w| w.unsigned_integer(&[0, 0x80])).unwrap(), [0x02, 0x02, 0x00, 0x80]);
        assert_eq!(written(|w| w.small_unsigned(u64::MAX)).unwrap()[..4], [0x02, 0x09, 0x00, 0xff]);
        assert_eq!(written(|w| w.small_integer(i64::MIN)).unwrap()[..4], [0x02, 0x08, 0x80, 0x00]);
        assert_eq!(written(|w| w.enumerated(-1)).unwrap(), [0x0a, 0x01, 0xff]);
    }

    /// RFC 5280 §4.2.1.3 KeyUsage with digitalSignature (bit 0) and
    /// keyCertSign (bit 5): six bits 100001, so two unused: 03 02 02 84.
    #[test]
    fn named_bits_drop_trailing_zeros() {
        let mut bits = [false; 9];
        bits[0] = true;
        bits[5] = true;
        assert_eq!(written(|w| w.named_bits(&bits)).unwrap(), [0x03, 0x02, 0x02, 0x84]);
        assert_eq!(written(|w| w.named_bits(&[false; 3])).unwrap(), [0x03, 0x01, 0x00]);
        bits[8] = true;
        assert_eq!(written(|w| w.named_bits(&bits)).unwrap(), [0x03, 0x03, 0x07, 0x84, 0x80]);
    }

    #[test]
    fn implicit_needs_exactly_one_element() {
        assert_eq!(written(|w| w.implicit(0, |_| {})), Err(Error::ImplicitNotOneElement));
        let two = |w: &mut Writer| {
            w.null();
            w.null();
        };
        assert_eq!(written(|w| w.implicit(0, two)), Err(Error::ImplicitNotOneElement));
        assert_eq!(written(|w| w.implicit(1, |w| w.raw(&[0x04, 0x05]))), Err(Error::Truncated));
        assert_eq!(
            written(|w| w.implicit(2, |w| w.ia5_string("a.b"))).unwrap(),
            [0x82, 0x03, b'a', b'.', b'b']
        );
        assert_eq!(written(|w| w.implicit(3, |w| w.sequence(|_| {}))).unwrap(), [0xa3, 0x00]);
    }

    #[test]
    fn the_first_error_is_kept() {
        let mut w = Writer::new();
        w.sequence(|w| {
            w.printable_string("a@b");
            w.utc_time(&Time::new(2050, 1, 1, 0, 0, 0).unwrap());
        });
        assert_eq!(w.finish(), Err(Error::InvalidString { kind: StringKind::Printable }));
    }

    #[test]
    fn set_of_is_sorted() {
        let der = written(|w| {
            w.set_of(|w| {
                w.small_integer(3);
                w.small_integer(1);
                w.small_integer(256);
            })
        })
        .unwrap();
        assert_eq!(der, [0x31, 0x0a, 0x02, 0x01, 0x01, 0x02, 0x01, 0x03, 0x02, 0x02, 0x01, 0x00]);
    }
}
