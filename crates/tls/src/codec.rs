//! The byte codec every handshake message uses (RFC 8446 §3, the
//! presentation language): big-endian integers and vectors with a 1-, 2- or
//! 3-byte length prefix.
//!
//! One [`Reader`] cursor reads a message; a length prefix gives a
//! sub-reader over exactly that many bytes, and [`Reader::finish`] turns
//! trailing bytes into an error, so there is no hand-counted offset
//! anywhere. [`Writer`] mirrors it: `w.vec16(|w| ...)` writes the body and
//! then fills in its length.

use crate::Error;

/// A cursor over received bytes. Every read checks the length first.
#[derive(Clone, Debug)]
pub struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    /// A reader over `bytes`.
    pub fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader { bytes }
    }

    /// The next `len` bytes.
    pub fn take(&mut self, len: usize) -> Result<&'a [u8], Error> {
        if len > self.bytes.len() {
            return Err(Error::Decode("a field runs past the end of its message"));
        }
        let (head, tail) = self.bytes.split_at(len);
        self.bytes = tail;
        Ok(head)
    }

    /// The next `N` bytes as an array.
    pub fn array<const N: usize>(&mut self) -> Result<[u8; N], Error> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    /// A `uint8`.
    pub fn u8(&mut self) -> Result<u8, Error> {
        Ok(self.array::<1>()?[0])
    }

    /// A `uint16`.
    pub fn u16(&mut self) -> Result<u16, Error> {
        Ok(u16::from_be_bytes(self.array()?))
    }

    /// A `uint24`.
    pub fn u24(&mut self) -> Result<usize, Error> {
        let [a, b, c] = self.array()?;
        Ok(usize::from(a) << 16 | usize::from(b) << 8 | usize::from(c))
    }

    /// A `uint32`.
    pub fn u32(&mut self) -> Result<u32, Error> {
        Ok(u32::from_be_bytes(self.array()?))
    }

    /// A vector with a 1-byte length: `opaque x<0..2^8-1>`.
    pub fn vec8(&mut self) -> Result<Reader<'a>, Error> {
        let len = usize::from(self.u8()?);
        Ok(Reader::new(self.take(len)?))
    }

    /// A vector with a 2-byte length: `opaque x<0..2^16-1>`.
    pub fn vec16(&mut self) -> Result<Reader<'a>, Error> {
        let len = usize::from(self.u16()?);
        Ok(Reader::new(self.take(len)?))
    }

    /// A vector with a 3-byte length: `opaque x<0..2^24-1>`.
    pub fn vec24(&mut self) -> Result<Reader<'a>, Error> {
        let len = self.u24()?;
        Ok(Reader::new(self.take(len)?))
    }

    /// Everything left.
    pub fn rest(&mut self) -> &'a [u8] {
        core::mem::take(&mut self.bytes)
    }

    /// How many bytes are left.
    pub fn remaining(&self) -> usize {
        self.bytes.len()
    }

    /// Whether every byte has been read.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// Succeeds only if every byte has been read: trailing bytes are a
    /// decode error (RFC 8446 §4: a message whose lengths do not add up).
    pub fn finish(self) -> Result<(), Error> {
        if self.bytes.is_empty() {
            Ok(())
        } else {
            Err(Error::Decode("trailing bytes after a message field"))
        }
    }

    /// A vector that must not be empty (`<1..2^16-1>` and the like).
    pub fn non_empty(self, what: &'static str) -> Result<Reader<'a>, Error> {
        if self.bytes.is_empty() { Err(Error::Decode(what)) } else { Ok(self) }
    }
}

/// Builds a message: integers, bytes and length-prefixed vectors.
///
/// A vector whose body outgrows its length prefix (a 300-byte `vec8`, say)
/// cannot be written: the writer remembers it, and
/// [`into_bytes`](Writer::into_bytes) returns an error instead of bytes that lie. Our own
/// messages always fit; the check is for values a peer influences (a
/// HelloRetryRequest's cookie, echoed in the next ClientHello), so that no
/// peer input can reach a panic.
#[derive(Default, Debug)]
pub struct Writer {
    bytes: Vec<u8>,
    /// Set when a value did not fit its field.
    overflow: bool,
}

impl Writer {
    /// An empty writer.
    pub fn new() -> Writer {
        Writer::default()
    }

    /// The bytes written, or an error if a value did not fit its field.
    pub fn into_bytes(self) -> Result<Vec<u8>, Error> {
        if self.overflow {
            return Err(Error::Internal("a message field is longer than its length prefix allows".into()));
        }
        Ok(self.bytes)
    }

    /// Appends raw bytes.
    pub fn bytes(&mut self, bytes: &[u8]) -> &mut Writer {
        self.bytes.extend_from_slice(bytes);
        self
    }

    /// A `uint8`.
    pub fn u8(&mut self, value: u8) -> &mut Writer {
        self.bytes.push(value);
        self
    }

    /// A `uint16`.
    pub fn u16(&mut self, value: u16) -> &mut Writer {
        self.bytes(&value.to_be_bytes())
    }

    /// A `uint24`; a larger value makes [`into_bytes`](Self::into_bytes) fail.
    pub fn u24(&mut self, value: usize) -> &mut Writer {
        self.overflow |= value >= 1 << 24;
        self.bytes(&(value as u32).to_be_bytes()[1..])
    }

    /// A `uint32`.
    pub fn u32(&mut self, value: u32) -> &mut Writer {
        self.bytes(&value.to_be_bytes())
    }

    /// A vector with a 1-byte length, its body written by `body`.
    pub fn vec8(&mut self, body: impl FnOnce(&mut Writer)) -> &mut Writer {
        self.prefixed(1, body)
    }

    /// A vector with a 2-byte length.
    pub fn vec16(&mut self, body: impl FnOnce(&mut Writer)) -> &mut Writer {
        self.prefixed(2, body)
    }

    /// A vector with a 3-byte length.
    pub fn vec24(&mut self, body: impl FnOnce(&mut Writer)) -> &mut Writer {
        self.prefixed(3, body)
    }

    /// Writes a zero length of `width` bytes, the body, then the real length.
    fn prefixed(&mut self, width: usize, body: impl FnOnce(&mut Writer)) -> &mut Writer {
        let start = self.bytes.len();
        self.bytes.extend(core::iter::repeat_n(0, width));
        body(self);
        let len = self.bytes.len() - start - width;
        // A body that outgrows its prefix poisons the writer (see `into_bytes`).
        self.overflow |= len >= 1 << (8 * width);
        let be = (len as u32).to_be_bytes();
        self.bytes[start..start + width].copy_from_slice(&be[4 - width..]);
        self
    }
}
