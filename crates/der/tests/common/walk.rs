//! A walk over arbitrary bytes as DER that tries every reader on every
//! element and checks that each value read is written back, by the
//! [`Writer`], to exactly the bytes it was read from.
//!
//! The property tests and the `der_reader` fuzz target (which includes this
//! file by its path) share it, so it uses nothing but `padlock_der`. It
//! panics only when a check fails: any malformed input must come back as an
//! `Err` from the reader.

use padlock_der::{Class, Element, Error, Reader, StringKind, Tag, Writer};

/// Walks every element `reader` holds, recursively, checking each; returns
/// the first error the reader reports.
pub fn walk(mut reader: Reader<'_>) -> Result<(), Error> {
    while !reader.is_empty() {
        check_typed_readers(reader);
        let element = reader.read_tlv()?;
        if element.tag().is_constructed() {
            walk_constructed(&element)?;
        } else {
            check_primitive(&element);
        }
    }
    Ok(())
}

/// Walks the children, then checks that writing them back under the same tag
/// (as SEQUENCE, EXPLICIT, IMPLICIT or SET OF) gives the same bytes.
fn walk_constructed(element: &Element<'_>) -> Result<(), Error> {
    let inner = element.reader()?;
    walk(inner)?;
    let (tag, children) = (element.tag(), inner.remaining());
    let rewritten = |write: &dyn Fn(&mut Writer)| {
        let mut w = Writer::new();
        write(&mut w);
        w.finish()
    };
    let expected = Ok(element.raw().to_vec());
    assert_eq!(rewritten(&|w| w.constructed(tag, |w| w.raw(children))), expected, "{tag}");
    if tag == Tag::SEQUENCE {
        assert_eq!(rewritten(&|w| w.sequence(|w| w.raw(children))), expected);
    }
    if tag.class() == Class::ContextSpecific {
        assert_eq!(rewritten(&|w| w.explicit(tag.number(), |w| w.raw(children))), expected, "{tag}");
        let implicit = rewritten(&|w| w.implicit(tag.number(), |w| w.sequence(|w| w.raw(children))));
        assert_eq!(implicit, expected, "{tag} as IMPLICIT SEQUENCE");
    }
    if tag == Tag::SET {
        // `set_of` sorts, so it gives the same bytes exactly when they were
        // sorted, which is when `read_set_of` accepts them.
        let sorted = Reader::new(element.raw()).read_set_of().is_ok();
        assert_eq!(rewritten(&|w| w.set_of(|w| w.raw(children))) == expected, sorted, "SET OF order");
    }
    Ok(())
}

/// Reads the contents of a primitive element as every type, and writes back
/// each value that reads.
fn check_primitive(element: &Element<'_>) {
    let same = |what: &str, write: &dyn Fn(&mut Writer)| check_rewrite(element, what, write);
    if let Ok(bytes) = element.integer_bytes() {
        same("INTEGER", &|w| w.integer_bytes(bytes));
    }
    if let Ok(magnitude) = element.unsigned_integer_bytes() {
        assert!(magnitude.first() != Some(&0), "a magnitude with a leading zero");
        same("unsigned INTEGER", &|w| w.unsigned_integer(magnitude));
    }
    if let Ok(value) = element.small_integer() {
        same("small INTEGER", &|w| w.small_integer(value));
    }
    if let Ok(value) = element.small_unsigned() {
        same("small unsigned INTEGER", &|w| w.small_unsigned(value));
    }
    if let Ok(value) = element.boolean() {
        same("BOOLEAN", &|w| w.boolean(value));
    }
    if element.null().is_ok() {
        same("NULL", &|w| w.null());
    }
    if let Ok(oid) = element.oid() {
        assert_eq!(oid.to_string().parse(), Ok(oid), "dotted text of {oid}");
        assert_eq!(padlock_der::Oid::from_arcs(&oid.arcs().collect::<Vec<_>>()), Ok(oid));
        same("OBJECT IDENTIFIER", &|w| w.oid(&oid));
    }
    if let Ok(bits) = element.bit_string() {
        same("BIT STRING", &|w| w.bit_string(bits));
    }
    if let Ok(bytes) = element.octet_string() {
        same("OCTET STRING", &|w| w.octet_string(bytes));
    }
    for (time, what) in [(element.utc_time(), "UTCTime"), (element.generalized_time(), "GeneralizedTime")] {
        if let Ok(time) = time {
            assert_eq!(padlock_der::Time::from_unix_seconds(time.unix_seconds()), Ok(time));
            if what == "UTCTime" {
                same(what, &|w| w.utc_time(&time));
            } else {
                same(what, &|w| w.generalized_time(&time));
            }
        }
    }
    for kind in StringKind::ALL {
        if let Ok(text) = element.string(kind) {
            same(kind.name(), &|w| w.string(kind, &text));
        }
    }
}

/// Writes a value read from `element`, and checks the contents come out the
/// same; with the same tag, or as `[n] IMPLICIT`, the whole element does.
fn check_rewrite(element: &Element<'_>, what: &str, write: &dyn Fn(&mut Writer)) {
    let tag = element.tag();
    let mut w = Writer::new();
    write(&mut w);
    let der = w.finish().unwrap_or_else(|e| panic!("{what} read from {tag} does not write back: {e}"));
    let written = Reader::new(&der).read_tlv().expect("the writer writes DER");
    assert_eq!(written.contents(), element.contents(), "{what} read from {tag} is written differently");
    if written.tag() == tag {
        assert_eq!(der, element.raw(), "{what}");
    }
    if tag.class() == Class::ContextSpecific {
        let mut w = Writer::new();
        w.implicit(tag.number(), write);
        assert_eq!(w.finish().as_deref(), Ok(element.raw()), "{what} as {tag} IMPLICIT");
    }
}

/// A typed reader, the tag it requires, and the element decoder it must
/// agree with.
type Typed = (&'static str, fn(&mut Reader<'_>) -> bool, Tag, fn(&Element<'_>) -> bool);

const TYPED_READERS: [Typed; 13] = [
    ("read_integer_bytes", |r| r.read_integer_bytes().is_ok(), Tag::INTEGER, |e| e.integer_bytes().is_ok()),
    (
        "read_unsigned_integer_bytes",
        |r| r.read_unsigned_integer_bytes().is_ok(),
        Tag::INTEGER,
        |e| e.unsigned_integer_bytes().is_ok(),
    ),
    ("read_small_integer", |r| r.read_small_integer().is_ok(), Tag::INTEGER, |e| e.small_integer().is_ok()),
    (
        "read_small_unsigned",
        |r| r.read_small_unsigned().is_ok(),
        Tag::INTEGER,
        |e| e.small_unsigned().is_ok(),
    ),
    ("read_enumerated", |r| r.read_enumerated().is_ok(), Tag::ENUMERATED, |e| e.small_integer().is_ok()),
    ("read_boolean", |r| r.read_boolean().is_ok(), Tag::BOOLEAN, |e| e.boolean().is_ok()),
    ("read_null", |r| r.read_null().is_ok(), Tag::NULL, |e| e.null().is_ok()),
    ("read_oid", |r| r.read_oid().is_ok(), Tag::OID, |e| e.oid().is_ok()),
    ("read_bit_string", |r| r.read_bit_string().is_ok(), Tag::BIT_STRING, |e| e.bit_string().is_ok()),
    ("read_octet_string", |r| r.read_octet_string().is_ok(), Tag::OCTET_STRING, |e| e.octet_string().is_ok()),
    ("read_sequence", |r| r.read_sequence().is_ok(), Tag::SEQUENCE, |e| e.reader().is_ok()),
    (
        "read_utf8_string",
        |r| r.read_utf8_string().is_ok(),
        Tag::UTF8_STRING,
        |e| e.string(StringKind::Utf8).is_ok(),
    ),
    (
        "read_ia5_string",
        |r| r.read_ia5_string().is_ok(),
        Tag::IA5_STRING,
        |e| e.string(StringKind::Ia5).is_ok(),
    ),
];

/// Every typed reader on a copy of `reader`: none panics, and each succeeds
/// exactly when the next element has its tag and decodes as its type.
fn check_typed_readers(reader: Reader<'_>) {
    let next = { reader }.read_tlv().ok();
    for (name, read, tag, decode) in TYPED_READERS {
        let decodes = next.is_some_and(|e| e.tag() == tag && decode(&e));
        assert_eq!(read(&mut { reader }), decodes, "{name} disagrees with the element's decoder");
    }
    // Two readers take one of several tags.
    let time = next.is_some_and(|e| match e.tag() {
        Tag::UTC_TIME => e.utc_time().is_ok(),
        Tag::GENERALIZED_TIME => e.generalized_time().is_ok(),
        _ => false,
    });
    assert_eq!({ reader }.read_time().is_ok(), time, "read_time");
    let string =
        next.is_some_and(|e| StringKind::from_tag(e.tag()).is_some_and(|kind| e.string(kind).is_ok()));
    assert_eq!({ reader }.read_any_string().is_ok(), string, "read_any_string");
    // The rest: no panic, whatever they return.
    for n in 0..4 {
        let _ = { reader }.read_explicit(n);
        let _ = { reader }.read_optional_explicit(n);
        let _ = { reader }.read_implicit(n);
        let _ = { reader }.read_optional_context(n);
    }
    let _ = { reader }.read_set_of();
    let _ = { reader }.read_printable_string();
}
