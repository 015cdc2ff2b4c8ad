//! The crate's one error type: why a DER, PEM or Base64 input was refused, or
//! why a [`Writer`](crate::Writer) could not encode a value.
//!
//! Each variant names one rule of the standard that the input broke, so the
//! message can say what was wrong in plain words and tests can check that the
//! right rule fired.

use core::fmt;

use crate::{StringKind, Tag};

/// Why an input was refused or a value could not be encoded.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    // --- The element structure: identifier, length, contents (X.690 §8.1) ---
    /// The input ends in the middle of an element: its tag, its length, or
    /// fewer contents bytes than its length says.
    Truncated,
    /// A required element is missing: the input (or the enclosing SEQUENCE)
    /// ended where this element should be.
    MissingElement {
        /// The tag that was expected.
        expected: Tag,
    },
    /// Bytes remain after the element(s) the structure allows.
    TrailingData {
        /// How many bytes were left over.
        len: usize,
    },
    /// An element has a different tag from the one the structure requires.
    UnexpectedTag {
        /// The tag that was expected.
        expected: Tag,
        /// The tag that was found.
        found: Tag,
    },
    /// A tag number in the long form although it fits in one octet, or with
    /// a leading 0x80 octet (X.690 §8.1.2.2, §8.1.2.4.2 c).
    NonMinimalTag,
    /// A tag number larger than 2^32 - 1, which Padlock does not support.
    TagTooLarge,
    /// The indefinite length form (0x80), which DER forbids (X.690 §10.1).
    IndefiniteLength,
    /// A length not in its shortest form, which DER requires (X.690 §10.1).
    NonMinimalLength,
    /// A length field of more than four octets (elements of 4 GiB or more),
    /// including the reserved value 0xFF (X.690 §8.1.3.5 c).
    LengthTooLarge,
    /// Elements nested deeper than [`MAX_DEPTH`](crate::MAX_DEPTH).
    TooDeep,

    // --- Values of the universal types ---
    /// An INTEGER with no contents octets (X.690 §8.3.1).
    EmptyInteger,
    /// An INTEGER whose first nine bits are all zeros or all ones: a
    /// redundant leading octet (X.690 §8.3.2).
    NonMinimalInteger,
    /// A negative INTEGER where only non-negative values are allowed.
    NegativeInteger,
    /// An INTEGER too large for the Rust integer type asked for.
    IntegerOverflow,
    /// A BOOLEAN that is not one octet 0x00 or 0xFF (X.690 §8.2, §11.1).
    InvalidBoolean,
    /// A NULL with contents octets (X.690 §8.8.2).
    InvalidNull,
    /// A BIT STRING whose unused-bits octet is missing or above 7, non-zero
    /// with no bits, or whose unused bits are not zero (X.690 §8.6.2, §11.2.1).
    InvalidBitString,
    /// A BIT STRING used as whole octets whose length is not a multiple of 8.
    UnalignedBitString,
    /// An OBJECT IDENTIFIER that is empty, has a non-minimal or unfinished
    /// subidentifier (X.690 §8.19.2), an arc above 2^128 - 1, or (from text or
    /// arcs) fewer than two arcs or a first arc other than 0, 1, 2.
    InvalidOid,
    /// An OBJECT IDENTIFIER longer than [`Oid::MAX_LEN`](crate::Oid::MAX_LEN)
    /// bytes, which Padlock does not support.
    OidTooLong,
    /// A UTCTime or GeneralizedTime not in the strict `YYMMDDHHMMSSZ` or
    /// `YYYYMMDDHHMMSSZ` form (X.690 §11.7, §11.8; RFC 5280 §4.1.2.5), or not
    /// a real date and time, or a time outside what the type can hold.
    InvalidTime,
    /// A string with a character its type does not allow.
    InvalidString {
        /// The string type.
        kind: StringKind,
    },
    /// A SET OF whose elements are not in ascending order (X.690 §11.6).
    UnsortedSet,
    /// [`Writer::implicit`](crate::Writer::implicit) was given a closure that
    /// wrote no element or more than one.
    ImplicitNotOneElement,

    // --- Base64 (RFC 4648 §4) and PEM (RFC 7468) ---
    /// A character outside the Base64 alphabet (RFC 4648 §4, Table 1).
    InvalidBase64Character,
    /// Base64 text whose length is not a multiple of four, or with `=`
    /// anywhere but the last one or two places (RFC 4648 §3.2, §4).
    InvalidBase64Padding,
    /// Base64 whose last character carries bits that are not zero: a
    /// non-canonical encoding (RFC 4648 §3.5).
    NonZeroBase64Bits,
    /// No `-----BEGIN ...-----` line at all.
    PemNotFound,
    /// A PEM label with characters or hyphens RFC 7468 §3 does not allow, or
    /// a boundary line without its closing `-----`.
    PemInvalidLabel,
    /// A `-----BEGIN label-----` line with no `-----END` line after it.
    PemMissingEnd {
        /// The label of the block that was not closed.
        label: String,
    },
    /// The END line's label differs from the BEGIN line's (RFC 7468 §2).
    PemLabelMismatch {
        /// The label on the BEGIN line.
        begin: String,
        /// The label on the END line.
        end: String,
    },
    /// No PEM block has the label that was asked for.
    PemLabelNotFound {
        /// The label asked for.
        label: String,
    },
    /// RFC 1421 headers (such as `Proc-Type:` in old encrypted keys), which
    /// RFC 7468 does not have and Padlock does not read.
    PemHeaders,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Truncated => f.write_str("the input ends in the middle of an element"),
            Error::MissingElement { expected } => {
                write!(f, "expected {expected}, but there are no more elements")
            }
            Error::TrailingData { len } => write!(f, "{len} unexpected byte(s) after the last element"),
            Error::UnexpectedTag { expected, found } => write!(f, "expected {expected}, found {found}"),
            Error::NonMinimalTag => f.write_str("a tag number is not in its shortest form, as DER requires"),
            Error::TagTooLarge => f.write_str("a tag number is larger than 2^32 - 1"),
            Error::IndefiniteLength => f.write_str("an indefinite length, which DER forbids"),
            Error::NonMinimalLength => f.write_str("a length is not in its shortest form, as DER requires"),
            Error::LengthTooLarge => f.write_str("a length field is longer than four bytes"),
            Error::TooDeep => write!(f, "elements are nested more than {} deep", crate::MAX_DEPTH),
            Error::EmptyInteger => f.write_str("an INTEGER has no contents"),
            Error::NonMinimalInteger => {
                f.write_str("an INTEGER has a redundant leading byte, which DER forbids")
            }
            Error::NegativeInteger => {
                f.write_str("an INTEGER is negative where only non-negative values are allowed")
            }
            Error::IntegerOverflow => f.write_str("an INTEGER is too large"),
            Error::InvalidBoolean => f.write_str("a BOOLEAN is not a single byte 0x00 or 0xFF"),
            Error::InvalidNull => f.write_str("a NULL has contents"),
            Error::InvalidBitString => {
                f.write_str("a BIT STRING has an invalid unused-bits count or non-zero padding")
            }
            Error::UnalignedBitString => f.write_str("a BIT STRING is not a whole number of bytes"),
            Error::InvalidOid => f.write_str("an OBJECT IDENTIFIER is malformed"),
            Error::OidTooLong => {
                write!(f, "an OBJECT IDENTIFIER is longer than {} bytes", crate::Oid::MAX_LEN)
            }
            Error::InvalidTime => f.write_str("a time is not a valid YYMMDDHHMMSSZ or YYYYMMDDHHMMSSZ date"),
            Error::InvalidString { kind } => {
                write!(f, "a {} has a character that type does not allow", kind.name())
            }
            Error::UnsortedSet => f.write_str("the elements of a SET OF are not in ascending order"),
            Error::ImplicitNotOneElement => {
                f.write_str("an implicit tag must replace the tag of exactly one element")
            }
            Error::InvalidBase64Character => f.write_str("a character is not in the Base64 alphabet"),
            Error::InvalidBase64Padding => f.write_str("Base64 text is not padded correctly with '='"),
            Error::NonZeroBase64Bits => f.write_str("the last Base64 character has non-zero unused bits"),
            Error::PemNotFound => f.write_str("no -----BEGIN ...----- line found"),
            Error::PemInvalidLabel => f.write_str("a PEM boundary line has an invalid label"),
            Error::PemMissingEnd { label } => write!(f, "-----BEGIN {label}----- has no -----END line"),
            Error::PemLabelMismatch { begin, end } => {
                write!(f, "-----BEGIN {begin}----- is closed by -----END {end}-----")
            }
            Error::PemLabelNotFound { label } => write!(f, "no PEM block labelled {label:?}"),
            Error::PemHeaders => f.write_str("PEM headers (as in old encrypted keys) are not supported"),
        }
    }
}

impl std::error::Error for Error {}
