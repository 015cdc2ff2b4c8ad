//! Malformed DER, and the error each kind gets: wrong and non-minimal
//! lengths, the indefinite length, trailing bytes, non-minimal integers,
//! BER-only forms, bad values of every type, too much nesting. Each case is
//! one rule of X.690 broken once.

mod common;

use common::{unhex, walk::walk};
use padlock_der::{Error, MAX_DEPTH, Reader, StringKind, Tag, Writer};

/// How a case is read.
type Read = fn(&mut Reader<'_>) -> Result<(), Error>;

/// Reads `der` with `read` and then requires the end.
fn refused(der: &str, read: Read) -> Error {
    let der = unhex(der);
    let error = Reader::new(&der).read_all(read).expect_err("malformed input was accepted");
    // Whatever the error, the walk over the same bytes does not panic.
    let _ = walk(Reader::new(&der));
    error
}

fn integer(r: &mut Reader<'_>) -> Result<(), Error> {
    r.read_integer_bytes().map(drop)
}

fn sequence_of_integer(r: &mut Reader<'_>) -> Result<(), Error> {
    r.read_sequence()?.read_all(integer)
}

#[test]
fn lengths() {
    // X.690 §10.1: the shortest form.
    assert_eq!(refused("30 81 03 02 01 05", sequence_of_integer), Error::NonMinimalLength);
    assert_eq!(refused("04 82 00 81", |r| r.read_octet_string().map(drop)), Error::NonMinimalLength);
    // X.690 §8.1.3.6: the indefinite form, which DER forbids.
    assert_eq!(refused("30 80 02 01 05 00 00", sequence_of_integer), Error::IndefiniteLength);
    // Longer than what is there, at the outer and the inner level.
    assert_eq!(refused("30 04 02 01 05", sequence_of_integer), Error::Truncated);
    assert_eq!(refused("30 03 02 02 05", sequence_of_integer), Error::Truncated);
    assert_eq!(refused("04 84 ff ff ff ff 00", |r| r.read_octet_string().map(drop)), Error::Truncated);
    assert_eq!(refused("30 02 02 01 05", sequence_of_integer), Error::Truncated);
    // Shorter than the contents: the rest is trailing data.
    assert_eq!(refused("30 04 02 01 05 00", sequence_of_integer), Error::TrailingData { len: 1 });
    assert_eq!(refused("02 01 05 00", integer), Error::TrailingData { len: 1 });
    assert_eq!(refused("04 85 01 00 00 00 00", |r| r.read_octet_string().map(drop)), Error::LengthTooLarge);
}

#[test]
fn integers() {
    // X.690 §8.3.2: no redundant leading 0x00 or 0xFF; §8.3.1: not empty.
    assert_eq!(refused("02 02 00 7f", integer), Error::NonMinimalInteger);
    assert_eq!(refused("02 02 ff 80", integer), Error::NonMinimalInteger);
    assert_eq!(refused("02 03 00 00 80", integer), Error::NonMinimalInteger);
    assert_eq!(refused("02 00", integer), Error::EmptyInteger);
    assert_eq!(refused("02 01 80", |r| r.read_unsigned_integer_bytes().map(drop)), Error::NegativeInteger);
    assert_eq!(refused("02 01 ff", |r| r.read_small_unsigned().map(drop)), Error::NegativeInteger);
    let nine = "02 09 01 00 00 00 00 00 00 00 00";
    assert_eq!(refused(nine, |r| r.read_small_integer().map(drop)), Error::IntegerOverflow);
    assert_eq!(refused(nine, |r| r.read_small_unsigned().map(drop)), Error::IntegerOverflow);
    let max = unhex("02 09 00 ff ff ff ff ff ff ff ff");
    assert_eq!(Reader::new(&max).read_all(|r| r.read_small_unsigned()), Ok(u64::MAX));
    assert_eq!(Reader::new(&max).read_all(|r| r.read_small_integer()), Err(Error::IntegerOverflow));
    // An INTEGER in the constructed form does not exist.
    let found = Tag::INTEGER.with_constructed(true);
    assert_eq!(refused("22 03 02 01 05", integer), Error::UnexpectedTag { expected: Tag::INTEGER, found });
}

#[test]
fn other_primitive_values() {
    let boolean: Read = |r| r.read_boolean().map(drop);
    // X.690 §11.1: TRUE is 0xFF in DER.
    assert_eq!(refused("01 01 01", boolean), Error::InvalidBoolean);
    assert_eq!(refused("01 00", boolean), Error::InvalidBoolean);
    assert_eq!(refused("01 02 00 00", boolean), Error::InvalidBoolean);
    assert_eq!(refused("05 01 00", |r| r.read_null()), Error::InvalidNull);

    let bits: Read = |r| r.read_bit_string().map(drop);
    assert_eq!(refused("03 00", bits), Error::InvalidBitString);
    assert_eq!(refused("03 01 01", bits), Error::InvalidBitString); // unused bits but no bits
    assert_eq!(refused("03 02 08 00", bits), Error::InvalidBitString); // more than 7 unused
    assert_eq!(refused("03 02 01 01", bits), Error::InvalidBitString); // padding bit set
    assert_eq!(
        Reader::new(&[0x03, 0x01, 0x00]).read_all(|r| r.read_bit_string()).map(|b| b.len_bits()),
        Ok(0)
    );
    // X.690 §10.2: DER strings are primitive; the BER constructed forms are refused.
    let found = Tag::OCTET_STRING.with_constructed(true);
    let octets: Read = |r| r.read_octet_string().map(drop);
    assert_eq!(
        refused("24 03 04 01 00", octets),
        Error::UnexpectedTag { expected: Tag::OCTET_STRING, found }
    );
    let found = Tag::SEQUENCE.with_constructed(false);
    assert_eq!(
        refused("10 00", |r| r.read_sequence().map(drop)),
        Error::UnexpectedTag { expected: Tag::SEQUENCE, found }
    );

    let oid: Read = |r| r.read_oid().map(drop);
    assert_eq!(refused("06 00", oid), Error::InvalidOid);
    assert_eq!(refused("06 02 2a 86", oid), Error::InvalidOid);
    assert_eq!(refused("06 03 2a 80 01", oid), Error::InvalidOid);

    let time: Read = |r| r.read_time().map(drop);
    assert_eq!(refused("17 0b 39 31 30 35 30 36 32 33 34 35 5a", time), Error::InvalidTime);
    assert_eq!(refused("17 0d 39 31 31 33 30 36 32 33 34 35 34 30 5a", time), Error::InvalidTime);
    assert_eq!(refused("18 11 3230353030313031303030303030 2e 30 5a", time), Error::InvalidTime);
    assert_eq!(
        refused("02 01 00", time),
        Error::UnexpectedTag { expected: Tag::UTC_TIME, found: Tag::INTEGER }
    );

    let printable = Error::InvalidString { kind: StringKind::Printable };
    assert_eq!(refused("13 03 61 40 62", |r| r.read_printable_string().map(drop)), printable);
    let utf8 = Error::InvalidString { kind: StringKind::Utf8 };
    assert_eq!(refused("0c 02 c3 28", |r| r.read_utf8_string().map(drop)), utf8);
}

#[test]
fn tags() {
    // X.690 §8.1.2.4.2 c and §8.1.2.2: the long form only when needed, minimal.
    assert_eq!(refused("1f 05 00", |r| r.read_tlv().map(drop)), Error::NonMinimalTag);
    assert_eq!(refused("bf 80 1f 00", |r| r.read_tlv().map(drop)), Error::NonMinimalTag);
    assert_eq!(refused("1f 81", |r| r.read_tlv().map(drop)), Error::Truncated);
    // A required element that is not there, or is something else.
    assert_eq!(refused("30 00", sequence_of_integer), Error::MissingElement { expected: Tag::INTEGER });
    let explicit_one = Tag::context(1).with_constructed(true);
    let found = Tag::context(0).with_constructed(true);
    assert_eq!(
        refused("a0 03 02 01 02", |r| r.read_explicit(1).map(drop)),
        Error::UnexpectedTag { expected: explicit_one, found }
    );
    assert_eq!(
        refused("a0 03 02 01 02", |r| r.read_implicit(1).map(drop)),
        Error::UnexpectedTag { expected: Tag::context(1), found }
    );
}

/// X.690 §11.6: a SET OF in DER is sorted; duplicates are allowed.
#[test]
fn set_of_order() {
    let set_of: Read = |r| {
        r.read_set_of()?.read_all(|s| {
            while !s.is_empty() {
                s.read_small_integer()?;
            }
            Ok(())
        })
    };
    assert_eq!(refused("31 06 02 01 02 02 01 01", set_of), Error::UnsortedSet);
    for sorted in
        ["31 00", "31 06 02 01 01 02 01 02", "31 06 02 01 01 02 01 01", "31 07 02 01 01 02 02 00 80"]
    {
        let der = unhex(sorted);
        assert_eq!(Reader::new(&der).read_all(set_of), Ok(()), "{sorted}");
    }
}

/// [`MAX_DEPTH`] readers deep is allowed; one more is refused.
#[test]
fn nesting_depth() {
    let nested = |levels: usize| {
        let mut der = Vec::new();
        for _ in 0..levels {
            let mut w = Writer::new();
            w.sequence(|w| w.raw(&der));
            der = w.finish().unwrap();
        }
        der
    };
    fn open_all(mut r: Reader<'_>) -> Result<usize, Error> {
        let mut opened = 0;
        while !r.is_empty() {
            r = r.read_sequence()?;
            opened += 1;
        }
        Ok(opened)
    }
    assert_eq!(open_all(Reader::new(&nested(MAX_DEPTH))), Ok(MAX_DEPTH));
    assert_eq!(walk(Reader::new(&nested(MAX_DEPTH))), Ok(()));
    assert_eq!(open_all(Reader::new(&nested(MAX_DEPTH + 1))), Err(Error::TooDeep));
    assert_eq!(walk(Reader::new(&nested(MAX_DEPTH + 1))), Err(Error::TooDeep));
    // Deeper still, refused the same way.
    assert_eq!(walk(Reader::new(&nested(1000))), Err(Error::TooDeep));
}

/// Every error says what happened in words, without Debug syntax.
#[test]
fn messages_are_plain_words() {
    let errors = [
        Error::Truncated,
        Error::TrailingData { len: 3 },
        Error::UnexpectedTag { expected: Tag::SEQUENCE, found: Tag::context(0).with_constructed(true) },
        Error::MissingElement { expected: Tag::INTEGER },
        Error::NonMinimalLength,
        Error::IndefiniteLength,
        Error::InvalidString { kind: StringKind::Printable },
        Error::PemLabelMismatch { begin: "CERTIFICATE".into(), end: "PRIVATE KEY".into() },
        Error::TooDeep,
    ];
    let messages: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
    assert_eq!(messages[1], "3 unexpected byte(s) after the last element");
    assert_eq!(messages[2], "expected SEQUENCE, found [0] (constructed)");
    assert_eq!(messages[3], "expected INTEGER, but there are no more elements");
    assert_eq!(messages[6], "a PrintableString has a character that type does not allow");
    assert_eq!(messages[7], "-----BEGIN CERTIFICATE----- is closed by -----END PRIVATE KEY-----");
    assert_eq!(messages[8], format!("elements are nested more than {MAX_DEPTH} deep"));
    for message in messages {
        assert!(!message.contains('{') && !message.contains("Tag("), "{message}");
    }
}
