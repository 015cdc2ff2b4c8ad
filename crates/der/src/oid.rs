//! Object identifiers (X.690 §8.19): the dotted numbers such as
//! `1.2.840.113549.1.1.1` that name algorithms, curves, attributes and
//! extensions.
//!
//! An [`Oid`] keeps its DER contents octets, so comparing two of them is
//! comparing bytes, reading one allocates nothing, and known ones are
//! constants built at compile time from their arcs: see [`crate::oids`].
//!
//! The encoding (X.690 §8.19.2–§8.19.4): the first two arcs X.Y become one
//! subidentifier 40·X + Y; then each subidentifier is written in base 128,
//! most significant group first, with bit 8 set on every octet but its last,
//! in the fewest octets (never a leading 0x80).
//!
//! ```text
//!   1.2.840.113549  ->  2a (1·40 + 2)  86 48 (840)  86 f7 0d (113549)
//! ```

use core::fmt;
use core::str::FromStr;

use crate::Error;

/// An object identifier, held as its DER contents octets.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Oid {
    len: u8,
    bytes: [u8; Oid::MAX_LEN],
}

/// Why arcs do not make an OID (a `Copy` type, so `Oid::new` can run at
/// compile time).
#[derive(Clone, Copy)]
enum ArcsError {
    Invalid,
    TooLong,
}

impl Oid {
    /// The longest encoding Padlock keeps, in bytes. Real OIDs are far
    /// shorter: a UUID arc (`2.25.x`, 128 bits) takes 19 bytes.
    pub const MAX_LEN: usize = 64;

    /// The OID with these arcs, for constants: `Oid::new(&[2, 5, 4, 3])`.
    ///
    /// # Panics
    ///
    /// If the arcs are not an OID (fewer than two, a first arc above 2, a
    /// second above 39 under 0 or 1) or do not fit in [`Oid::MAX_LEN`]
    /// bytes. In a `const` that is a compile error; for arcs from input, use
    /// [`Oid::from_arcs`].
    pub const fn new(arcs: &[u128]) -> Oid {
        match encode_arcs(arcs) {
            Ok(oid) => oid,
            Err(_) => panic!("not a valid object identifier"),
        }
    }

    /// The OID with these arcs.
    pub fn from_arcs(arcs: &[u128]) -> Result<Oid, Error> {
        encode_arcs(arcs).map_err(|e| match e {
            ArcsError::Invalid => Error::InvalidOid,
            ArcsError::TooLong => Error::OidTooLong,
        })
    }

    /// The OID whose DER contents octets are `contents`, checked: not empty,
    /// each subidentifier minimal and finished (X.690 §8.19.2), each arc
    /// below 2^128.
    pub fn from_contents(contents: &[u8]) -> Result<Oid, Error> {
        if contents.is_empty() {
            return Err(Error::InvalidOid);
        }
        if contents.len() > Oid::MAX_LEN {
            return Err(Error::OidTooLong);
        }
        let mut value: u128 = 0;
        let mut at_start = true;
        for &octet in contents {
            // §8.19.2: "the leading octet of the subidentifier shall not have
            // the value 0x80" (that would be a redundant zero group).
            if at_start && octet == 0x80 {
                return Err(Error::InvalidOid);
            }
            if value >> 121 != 0 {
                return Err(Error::InvalidOid);
            }
            value = (value << 7) | u128::from(octet & 0x7f);
            at_start = octet & 0x80 == 0;
            if at_start {
                value = 0;
            }
        }
        // The last octet must end its subidentifier (bit 8 clear).
        if !at_start {
            return Err(Error::InvalidOid);
        }
        let mut bytes = [0; Oid::MAX_LEN];
        bytes[..contents.len()].copy_from_slice(contents);
        Ok(Oid { len: contents.len() as u8, bytes })
    }

    /// The DER contents octets.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len)]
    }

    /// The arcs, first to last.
    pub fn arcs(&self) -> impl Iterator<Item = u128> + '_ {
        let mut subidentifiers = Subidentifiers(self.as_bytes());
        let first = subidentifiers.next().unwrap_or(0);
        // §8.19.4: the first subidentifier is 40·X + Y, with Y < 40 unless X = 2.
        let (x, y) = match first {
            0..40 => (0, first),
            40..80 => (1, first - 40),
            _ => (2, first - 80),
        };
        [x, y].into_iter().chain(subidentifiers)
    }

    /// The name Padlock knows this OID by, such as `"rsaEncryption"`.
    pub fn name(&self) -> Option<&'static str> {
        crate::oids::by_oid(self).map(|entry| entry.name)
    }

    /// The OID Padlock knows by this name (or one of its aliases, ignoring
    /// ASCII case), such as `"sha256WithRSAEncryption"` or `"CN"`.
    pub fn from_name(name: &str) -> Option<Oid> {
        crate::oids::by_name(name).map(|entry| entry.oid)
    }
}

/// The subidentifiers of well-formed contents octets.
struct Subidentifiers<'a>(&'a [u8]);

impl Iterator for Subidentifiers<'_> {
    type Item = u128;

    fn next(&mut self) -> Option<u128> {
        let end = self.0.iter().position(|&octet| octet & 0x80 == 0)?;
        let (group, rest) = self.0.split_at(end + 1);
        self.0 = rest;
        Some(group.iter().fold(0, |acc, &octet| (acc << 7) | u128::from(octet & 0x7f)))
    }
}

/// Encodes arcs as DER contents octets (X.690 §8.19). A `const fn`, so it
/// loops with `while` and returns errors without `?`.
const fn encode_arcs(arcs: &[u128]) -> Result<Oid, ArcsError> {
    if arcs.len() < 2 || arcs[0] > 2 || (arcs[0] < 2 && arcs[1] >= 40) {
        return Err(ArcsError::Invalid);
    }
    // §8.19.4: the first two arcs make one subidentifier.
    let Some(first) = (arcs[0] * 40).checked_add(arcs[1]) else {
        return Err(ArcsError::Invalid);
    };
    let mut oid = Oid { len: 0, bytes: [0; Oid::MAX_LEN] };
    let mut i = 1;
    while i < arcs.len() {
        let value = if i == 1 { first } else { arcs[i] };
        // §8.19.2: base 128 in the fewest groups, bit 8 set on all but the last.
        let mut groups = 1;
        while groups < 19 && value >> (7 * groups) != 0 {
            groups += 1;
        }
        if oid.len as usize + groups > Oid::MAX_LEN {
            return Err(ArcsError::TooLong);
        }
        while groups > 0 {
            groups -= 1;
            let more = if groups > 0 { 0x80 } else { 0 };
            oid.bytes[oid.len as usize] = ((value >> (7 * groups)) & 0x7f) as u8 | more;
            oid.len += 1;
        }
        i += 1;
    }
    Ok(oid)
}

/// Dotted decimal: `1.2.840.113549.1.1.1`.
impl fmt::Display for Oid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, arc) in self.arcs().enumerate() {
            if i > 0 {
                f.write_str(".")?;
            }
            write!(f, "{arc}")?;
        }
        Ok(())
    }
}

/// Dotted decimal, then the name if Padlock knows one:
/// `Oid(2.5.4.3 id-at-commonName)`.
impl fmt::Debug for Oid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => write!(f, "Oid({self} {name})"),
            None => write!(f, "Oid({self})"),
        }
    }
}

/// Parses dotted decimal (`"2.5.29.19"`): decimal digits without leading
/// zeros, separated by single dots.
impl FromStr for Oid {
    type Err = Error;

    fn from_str(text: &str) -> Result<Oid, Error> {
        let arc = |digits: &str| {
            let canonical = !digits.is_empty()
                && digits.bytes().all(|b| b.is_ascii_digit())
                && (digits == "0" || !digits.starts_with('0'));
            if !canonical {
                return Err(Error::InvalidOid);
            }
            digits.parse::<u128>().map_err(|_| Error::InvalidOid)
        };
        let arcs = text.split('.').map(arc).collect::<Result<Vec<u128>, Error>>()?;
        Oid::from_arcs(&arcs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// X.690 §8.19.5: the OID { 2 999 3 } is 06 03 88 37 03.
    #[test]
    fn x690_example() {
        let oid = Oid::new(&[2, 999, 3]);
        assert_eq!(oid.as_bytes(), [0x88, 0x37, 0x03]);
        assert_eq!(oid.to_string(), "2.999.3");
        assert_eq!(Oid::from_contents(&[0x88, 0x37, 0x03]), Ok(oid));
    }

    #[test]
    fn rsadsi_prefix() {
        let oid: Oid = "1.2.840.113549".parse().unwrap();
        assert_eq!(oid.as_bytes(), [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d]);
        assert_eq!(oid.arcs().collect::<Vec<_>>(), [1, 2, 840, 113549]);
    }

    #[test]
    fn arcs_up_to_128_bits() {
        let uuid = u128::MAX;
        let oid = Oid::from_arcs(&[2, 25, uuid]).unwrap();
        assert_eq!(oid.as_bytes().len(), 1 + 19);
        assert_eq!(oid.arcs().collect::<Vec<_>>(), [2, 25, uuid]);
        assert_eq!(Oid::from_contents(oid.as_bytes()), Ok(oid));
        assert_eq!(oid.to_string().parse::<Oid>(), Ok(oid));
        // One more bit does not fit.
        let mut too_big = vec![0x69, 0x87];
        too_big.extend([0xff; 18]);
        too_big.push(0x7f);
        assert_eq!(Oid::from_contents(&too_big), Err(Error::InvalidOid));
    }

    #[test]
    fn first_arcs() {
        assert_eq!(Oid::new(&[0, 39]).as_bytes(), [39]);
        assert_eq!(Oid::new(&[1, 0]).as_bytes(), [40]);
        assert_eq!(Oid::new(&[2, 0]).as_bytes(), [80]);
        assert_eq!(Oid::from_contents(&[79]).unwrap().to_string(), "1.39");
        assert_eq!(Oid::from_arcs(&[0, 40]), Err(Error::InvalidOid));
        assert_eq!(Oid::from_arcs(&[3, 0]), Err(Error::InvalidOid));
        assert_eq!(Oid::from_arcs(&[1]), Err(Error::InvalidOid));
        assert_eq!(Oid::from_arcs(&[2, u128::MAX]), Err(Error::InvalidOid));
    }

    #[test]
    fn malformed_contents() {
        assert_eq!(Oid::from_contents(&[]), Err(Error::InvalidOid));
        assert_eq!(Oid::from_contents(&[0x2a, 0x80, 0x01]), Err(Error::InvalidOid));
        assert_eq!(Oid::from_contents(&[0x80, 0x01]), Err(Error::InvalidOid));
        assert_eq!(Oid::from_contents(&[0x2a, 0x86]), Err(Error::InvalidOid));
        assert_eq!(Oid::from_contents(&[0x01; 65]), Err(Error::OidTooLong));
        let mut arcs = vec![1, 2];
        arcs.extend([1; 64]);
        assert_eq!(Oid::from_arcs(&arcs), Err(Error::OidTooLong));
    }

    #[test]
    fn dotted_text() {
        for bad in ["", "1", "1.", ".1", "1..2", "1.02", "1.+2", "1.2a", "3.1", "1.40", "1. 2"] {
            assert_eq!(bad.parse::<Oid>(), Err(Error::InvalidOid), "{bad:?}");
        }
        assert_eq!("0.0".parse::<Oid>().unwrap().as_bytes(), [0]);
    }
}
