//! Property tests: reading never panics, whatever the bytes; random values of
//! every type, nested in random structures, are written and read back
//! unchanged, and every cut-short encoding is refused; Base64 and PEM
//! round-trip, and accept only canonical text.

mod common;

use common::walk::walk;
use padlock_der::{BitString, Element, Error, Oid, Reader, StringKind, Tag, Time, Writer, base64, pem};
use proptest::prelude::*;

/// A value of one of the types the writer and reader know, or a structure of
/// them. It serves as its own schema when read back.
#[derive(Clone, Debug)]
enum Value {
    Integer(Vec<u8>),
    Unsigned(Vec<u8>),
    Small(i64),
    SmallUnsigned(u64),
    Enumerated(i64),
    Boolean(bool),
    Null,
    Oid(Oid),
    Bits(u8, Vec<u8>),
    Octets(Vec<u8>),
    Time(Time),
    Text(StringKind, String),
    Sequence(Vec<Value>),
    SetOf(Vec<Value>),
    Explicit(u32, Box<Value>),
    Implicit(u32, Box<Value>),
}

fn primitive() -> impl Strategy<Value = Value> {
    let bytes = || proptest::collection::vec(any::<u8>(), 0..40);
    let arc = prop_oneof![0u128..128, 0u128..1 << 40, any::<u128>()];
    let oid = (0u128..3, 0u128..40, proptest::collection::vec(arc, 0..6))
        .prop_filter_map("too long", |(a, b, rest)| Oid::from_arcs(&[&[a, b][..], &rest].concat()).ok());
    let seconds = Time::new(0, 1, 1, 0, 0, 0).unwrap().unix_seconds()
        ..=Time::new(9999, 12, 31, 23, 59, 59).unwrap().unix_seconds();
    let character = prop_oneof![any::<char>(), proptest::char::range('\0', '\x7f')];
    let text =
        (proptest::sample::select(StringKind::ALL.to_vec()), proptest::collection::vec(character, 0..20))
            .prop_map(|(kind, chars)| {
                Value::Text(kind, chars.into_iter().filter(|&c| kind.allows(c)).collect())
            });
    prop_oneof![
        bytes().prop_map(Value::Integer),
        bytes().prop_map(Value::Unsigned),
        any::<i64>().prop_map(Value::Small),
        any::<u64>().prop_map(Value::SmallUnsigned),
        any::<i64>().prop_map(Value::Enumerated),
        any::<bool>().prop_map(Value::Boolean),
        Just(Value::Null),
        oid.prop_map(Value::Oid),
        (0u8..8, bytes()).prop_map(|(unused, mut bytes)| {
            // DER: the unused bits are zero, and there are none without bytes.
            let unused = if bytes.is_empty() { 0 } else { unused };
            if let Some(last) = bytes.last_mut() {
                *last &= 0xff << unused;
            }
            Value::Bits(unused, bytes)
        }),
        proptest::collection::vec(any::<u8>(), 0..300).prop_map(Value::Octets),
        seconds.prop_map(|s| Value::Time(Time::from_unix_seconds(s).unwrap())),
        text,
    ]
}

fn value() -> impl Strategy<Value = Value> {
    primitive().prop_recursive(4, 48, 6, |inner| {
        let tag_number = prop_oneof![0u32..4, 0u32..300];
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Sequence),
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::SetOf),
            (tag_number.clone(), inner.clone()).prop_map(|(n, v)| Value::Explicit(n, Box::new(v))),
            (tag_number, inner).prop_map(|(n, v)| Value::Implicit(n, Box::new(v))),
        ]
    })
}

fn write(value: &Value, w: &mut Writer) {
    match value {
        Value::Integer(bytes) => w.integer_bytes(bytes),
        Value::Unsigned(bytes) => w.unsigned_integer(bytes),
        Value::Small(v) => w.small_integer(*v),
        Value::SmallUnsigned(v) => w.small_unsigned(*v),
        Value::Enumerated(v) => w.enumerated(*v),
        Value::Boolean(v) => w.boolean(*v),
        Value::Null => w.null(),
        Value::Oid(oid) => w.oid(oid),
        Value::Bits(unused, bytes) => w.bit_string(BitString::new(*unused, bytes).unwrap()),
        Value::Octets(bytes) => w.octet_string(bytes),
        Value::Time(time) => w.time(time),
        Value::Text(kind, text) => w.string(*kind, text),
        Value::Sequence(items) => w.sequence(|w| items.iter().for_each(|v| write(v, w))),
        Value::SetOf(items) => w.set_of(|w| items.iter().for_each(|v| write(v, w))),
        Value::Explicit(n, v) => w.explicit(*n, |w| write(v, w)),
        Value::Implicit(n, v) => w.implicit(*n, |w| write(v, w)),
    }
}

fn encode(value: &Value) -> Vec<u8> {
    let mut w = Writer::new();
    write(value, &mut w);
    w.finish().expect("every generated value is writable")
}

/// Two's complement bytes of the same number, widened to `len` bytes.
fn sign_extend(bytes: &[u8], len: usize) -> Vec<u8> {
    let fill = if bytes.first().is_some_and(|b| b & 0x80 != 0) { 0xff } else { 0x00 };
    let mut out = vec![fill; len.saturating_sub(bytes.len())];
    out.extend_from_slice(bytes);
    out
}

/// Reads the next element as `value` says it should be, and checks it holds
/// `value`. With `implicit`, the tag was replaced, so only the contents count.
fn check(value: &Value, r: &mut Reader<'_>, implicit: bool) -> Result<(), Error> {
    let element = r.read_tlv()?;
    if !implicit {
        assert_eq!(element.tag(), expected_tag(value), "{value:?}");
    }
    check_contents(value, &element)
}

fn expected_tag(value: &Value) -> Tag {
    match value {
        Value::Integer(_) | Value::Unsigned(_) | Value::Small(_) | Value::SmallUnsigned(_) => Tag::INTEGER,
        Value::Enumerated(_) => Tag::ENUMERATED,
        Value::Boolean(_) => Tag::BOOLEAN,
        Value::Null => Tag::NULL,
        Value::Oid(_) => Tag::OID,
        Value::Bits(..) => Tag::BIT_STRING,
        Value::Octets(_) => Tag::OCTET_STRING,
        Value::Time(t) if t.fits_utc_time() => Tag::UTC_TIME,
        Value::Time(_) => Tag::GENERALIZED_TIME,
        Value::Text(kind, _) => kind.tag(),
        Value::Sequence(_) => Tag::SEQUENCE,
        Value::SetOf(_) => Tag::SET,
        Value::Explicit(n, _) => Tag::context(*n).with_constructed(true),
        Value::Implicit(n, v) => Tag::context(*n).with_constructed(expected_tag(v).is_constructed()),
    }
}

fn check_contents(value: &Value, e: &Element<'_>) -> Result<(), Error> {
    match value {
        Value::Integer(bytes) => {
            let read = e.integer_bytes()?;
            let len = read.len().max(bytes.len()).max(1);
            assert_eq!(sign_extend(read, len), sign_extend(if bytes.is_empty() { &[0] } else { bytes }, len));
        }
        Value::Unsigned(bytes) => {
            let start = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
            assert_eq!(e.unsigned_integer_bytes()?, &bytes[start..]);
        }
        Value::Small(v) | Value::Enumerated(v) => assert_eq!(e.small_integer()?, *v),
        Value::SmallUnsigned(v) => assert_eq!(e.small_unsigned()?, *v),
        Value::Boolean(v) => assert_eq!(e.boolean()?, *v),
        Value::Null => e.null()?,
        Value::Oid(oid) => assert_eq!(e.oid()?, *oid),
        Value::Bits(unused, bytes) => assert_eq!(e.bit_string()?, BitString::new(*unused, bytes).unwrap()),
        Value::Octets(bytes) => assert_eq!(e.octet_string()?, bytes.as_slice()),
        Value::Time(time) if time.fits_utc_time() => assert_eq!(e.utc_time()?, *time),
        Value::Time(time) => assert_eq!(e.generalized_time()?, *time),
        Value::Text(kind, text) => assert_eq!(e.string(*kind)?, text.as_str()),
        Value::Sequence(items) => {
            e.reader()?.read_all(|r| items.iter().try_for_each(|v| check(v, r, false)))?
        }
        Value::SetOf(items) => {
            let mut sorted: Vec<Vec<u8>> = items.iter().map(encode).collect();
            sorted.sort();
            let mut set = e.reader()?;
            let read: Vec<Vec<u8>> =
                std::iter::from_fn(|| (!set.is_empty()).then(|| set.read_tlv().map(|x| x.raw().to_vec())))
                    .collect::<Result<_, _>>()?;
            assert_eq!(read, sorted);
        }
        Value::Explicit(_, v) => e.reader()?.read_all(|r| check(v, r, false))?,
        Value::Implicit(_, v) => {
            // Put the universal tag back, then read as usual.
            let mut w = Writer::new();
            w.element(expected_tag(v), e.contents());
            let der = w.finish()?;
            Reader::new(&der).read_all(|r| check(v, r, false))?;
        }
    }
    Ok(())
}

/// One call on a [`Writer`], with any input a caller could give it,
/// including what cannot be encoded.
#[derive(Clone, Debug)]
enum Op {
    /// Bytes that may not be DER at all.
    Raw(Vec<u8>),
    /// Any characters, allowed by the string type or not.
    Text(StringKind, String),
    /// Any time, as a UTCTime (which holds only 1950 to 2049).
    UtcTime(Time),
    NamedBits(Vec<bool>),
    /// A context-specific element with any tag number.
    Element(u32, Vec<u8>),
    Sequence(Vec<Op>),
    SetOf(Vec<Op>),
    Explicit(u32, Vec<Op>),
    Implicit(u32, Vec<Op>),
}

fn op() -> impl Strategy<Value = Op> {
    let bytes = || proptest::collection::vec(any::<u8>(), 0..40);
    let seconds = Time::new(0, 1, 1, 0, 0, 0).unwrap().unix_seconds()
        ..=Time::new(9999, 12, 31, 23, 59, 59).unwrap().unix_seconds();
    let tag_number = prop_oneof![0u32..40, any::<u32>()];
    let leaf = prop_oneof![
        bytes().prop_map(Op::Raw),
        (proptest::sample::select(StringKind::ALL.to_vec()), ".{0,12}").prop_map(|(k, t)| Op::Text(k, t)),
        seconds.prop_map(|s| Op::UtcTime(Time::from_unix_seconds(s).unwrap())),
        proptest::collection::vec(any::<bool>(), 0..40).prop_map(Op::NamedBits),
        (tag_number.clone(), bytes()).prop_map(|(n, b)| Op::Element(n, b)),
    ];
    leaf.prop_recursive(3, 24, 4, move |inner| {
        let list = proptest::collection::vec(inner, 0..4);
        prop_oneof![
            list.clone().prop_map(Op::Sequence),
            list.clone().prop_map(Op::SetOf),
            (tag_number.clone(), list.clone()).prop_map(|(n, l)| Op::Explicit(n, l)),
            (tag_number.clone(), list).prop_map(|(n, l)| Op::Implicit(n, l)),
        ]
    })
}

fn apply(ops: &[Op], w: &mut Writer) {
    for op in ops {
        match op {
            Op::Raw(bytes) => w.raw(bytes),
            Op::Text(kind, text) => w.string(*kind, text),
            Op::UtcTime(time) => w.utc_time(time),
            Op::NamedBits(bits) => w.named_bits(bits),
            Op::Element(n, bytes) => w.element(Tag::context(*n), bytes),
            Op::Sequence(list) => w.sequence(|w| apply(list, w)),
            Op::SetOf(list) => w.set_of(|w| apply(list, w)),
            Op::Explicit(n, list) => w.explicit(*n, |w| apply(list, w)),
            Op::Implicit(n, list) => w.implicit(*n, |w| apply(list, w)),
        }
    }
}

/// Whether `ops` write only through the writer's own encoders (no `raw`).
fn checked(ops: &[Op]) -> bool {
    ops.iter().all(|op| match op {
        Op::Raw(_) => false,
        Op::Sequence(l) | Op::SetOf(l) | Op::Explicit(_, l) | Op::Implicit(_, l) => checked(l),
        _ => true,
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Writing never panics, whatever a caller passes: characters a string
    /// type does not allow, times a UTCTime cannot hold, any tag number,
    /// bytes that are not DER inside SET OF and IMPLICIT. What cannot be
    /// encoded is an error from `finish`; and what the writer encodes by
    /// itself (no `raw`) reads back as DER.
    #[test]
    fn writing_anything_never_panics(ops in proptest::collection::vec(op(), 0..4)) {
        let mut w = Writer::new();
        apply(&ops, &mut w);
        if let (Ok(der), true) = (w.finish(), checked(&ops)) {
            prop_assert_eq!(walk(Reader::new(&der)), Ok(()), "{:02x?}", der);
        }
    }

    /// Reading arbitrary bytes never panics, and whatever reads re-encodes
    /// to the same bytes (the walk checks that).
    #[test]
    fn reading_arbitrary_bytes_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let _ = walk(Reader::new(&bytes));
    }

    /// The same for DER that is nearly right: a real structure with a few
    /// bytes changed, inserted or removed.
    #[test]
    fn reading_altered_der_never_panics(
        value in value(),
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..3), 1..4),
    ) {
        let mut der = encode(&value);
        for (at, byte, kind) in edits {
            let i = at.index(der.len() + 1);
            match kind {
                0 if i < der.len() => der[i] = byte,
                1 => der.insert(i, byte),
                _ if i < der.len() => { der.remove(i); }
                _ => {}
            }
        }
        let _ = walk(Reader::new(&der));
    }

    /// Writing then reading gives the value back; the walk agrees; and every
    /// strict prefix of the encoding is refused.
    #[test]
    fn write_then_read_round_trips(value in value()) {
        let der = encode(&value);
        prop_assert_eq!(Reader::new(&der).read_all(|r| check(&value, r, false)), Ok(()));
        prop_assert_eq!(walk(Reader::new(&der)), Ok(()));
        for len in 0..der.len() {
            prop_assert!(Reader::new(&der[..len]).read_all(|r| r.read_tlv().map(drop)).is_err());
        }
    }

    /// Base64: decoding inverts encoding; and any text that decodes is the
    /// canonical encoding of what it decodes to.
    #[test]
    fn base64_round_trips(bytes in proptest::collection::vec(any::<u8>(), 0..200), text in "[A-Za-z0-9+/=]{0,16}") {
        prop_assert_eq!(base64::decode(base64::encode(&bytes)), Ok(bytes));
        if let Ok(decoded) = base64::decode(&text) {
            prop_assert_eq!(base64::encode(&decoded), text);
        }
    }

    /// PEM: decoding inverts encoding, for any label RFC 7468 allows; and
    /// decoding arbitrary text never panics.
    #[test]
    fn pem_round_trips(
        label in "([!-,.-~]+([ -][!-,.-~]+)*)?",
        bytes in proptest::collection::vec(any::<u8>(), 0..200),
        junk in ".{0,200}",
    ) {
        let pem = pem::decode(pem::encode(&label, &bytes)).unwrap();
        prop_assert_eq!(pem.label, label);
        prop_assert_eq!(&pem.contents[..], &bytes[..]);
        let _ = pem::decode_all(&junk);
        let _ = pem::decode_all(format!("-----BEGIN A-----\n{junk}\n-----END A-----\n"));
    }
}
