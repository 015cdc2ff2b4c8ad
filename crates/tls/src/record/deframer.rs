//! Cutting the incoming byte stream into records (RFC 5246 §6.2.1, RFC 8446
//! §5.1), checking each header as soon as it arrives.

use core::ops::Range;
use std::collections::VecDeque;

use super::copy;
use super::{ContentType, HEADER_LEN, MAX_TLS12_CIPHERTEXT_LEN, Record, RecordMut};
use crate::Error;

/// Splits an incoming byte stream into records.
///
/// The deframer keeps the bytes received in one buffer and hands out each
/// whole record as a [`RecordMut`], a view into that buffer, so a record
/// can be decrypted where it lies without being copied first.
#[derive(Default)]
pub struct Deframer {
    /// Bytes received: `buffer[start..]` do not yet make a whole record.
    buffer: Vec<u8>,
    /// Where the unread bytes begin. Records are cut off the front by moving
    /// this offset, not by shifting the buffer (which made a megabyte of tiny
    /// records quadratic work); the buffer is compacted when at least half
    /// of it has been read.
    start: usize,
    /// Application data opened in place and not yet read by the
    /// application: ranges of `buffer`, oldest first. The plaintext stays
    /// where it was decrypted (the one copy is into the reader's buffer);
    /// compaction keeps everything from the first range on.
    held: VecDeque<Range<usize>>,
    /// The total length of `held`.
    held_len: usize,
}

impl Deframer {
    /// A deframer holding no bytes.
    pub fn new() -> Deframer {
        Deframer::default()
    }

    /// Appends bytes received from the peer.
    pub fn push(&mut self, bytes: &[u8]) {
        // Everything before `keep` is read: records consumed, plaintext handed out.
        let keep = self.held.front().map_or(self.start, |range| range.start);
        if keep > 0 && keep >= self.buffer.len() / 2 {
            self.buffer.drain(..keep);
            self.start -= keep;
            for range in &mut self.held {
                *range = range.start - keep..range.end - keep;
            }
        }
        copy::extend(&mut self.buffer, bytes);
    }

    /// Keeps `range` of the buffer (application data a record was opened
    /// into, see [`RecordMut::offset`]) for [`Deframer::read_held`].
    pub fn hold(&mut self, range: Range<usize>) {
        if !range.is_empty() {
            self.held_len += range.len();
            self.held.push_back(range);
        }
    }

    /// The bytes at `range` of the buffer (a record opened in place).
    pub fn bytes(&self, range: Range<usize>) -> &[u8] {
        &self.buffer[range]
    }

    /// How many held bytes of application data wait to be read.
    pub fn held(&self) -> usize {
        self.held_len
    }

    /// Copies held application data into `out`, oldest first; returns how
    /// many bytes, which are then no longer held.
    pub fn read_held(&mut self, out: &mut [u8]) -> usize {
        let mut written = 0;
        while let Some(range) = self.held.front_mut() {
            let n = range.len().min(out.len() - written);
            copy::copy(&mut out[written..written + n], &self.buffer[range.start..range.start + n]);
            written += n;
            range.start += n;
            if range.start < range.end {
                break;
            }
            self.held.pop_front();
        }
        self.held_len -= written;
        written
    }

    /// The next whole record, in a vector of its own; None if more bytes are
    /// needed. The same checks as [`Deframer::next_record_mut`].
    pub fn next_record(&mut self) -> Result<Option<Record>, Error> {
        Ok(self.next_record_mut()?.map(|record| record.to_record()))
    }

    /// The next whole record, where it lies in the deframer's buffer (valid
    /// until the next call); None if more bytes are needed. The record is
    /// consumed: the next call returns the one after it. Errors: unknown
    /// content type -> `Error::UnexpectedMessage`; version major byte != 3 ->
    /// `Error::Decode`; length field > `MAX_TLS12_CIPHERTEXT_LEN` ->
    /// `Error::RecordOverflow`, checked from the header, before waiting for
    /// (or buffering) the body.
    ///
    /// The TLS 1.3 limit, tighter, is [`HalfConn::open`](super::HalfConn::open)'s
    /// to check: only the protection state knows which version is spoken.
    pub fn next_record_mut(&mut self) -> Result<Option<RecordMut<'_>>, Error> {
        let unread = &self.buffer[self.start..];
        let Some(&[type_code, major, minor, len_high, len_low]) = unread.first_chunk::<HEADER_LEN>() else {
            return Ok(None);
        };
        // RFC 8446 §5: a record of a type we do not know is unexpected_message
        // (RFC 5246 §6: "MUST send an unexpected_message alert").
        let content_type = ContentType::from_u8(type_code).ok_or_else(|| {
            Error::UnexpectedMessage(format!("a record of unknown content type {type_code}"))
        })?;
        // RFC 5246 Appendix E.1, RFC 8446 §5.1: every SSL 3 and TLS record
        // version is 3.x; anything else is not TLS at all (an SSL 2 hello, HTTP).
        if major != 3 {
            return Err(Error::Decode("a record whose version is not 3.x: the peer does not speak TLS"));
        }
        let fragment_len = usize::from(u16::from_be_bytes([len_high, len_low]));
        // RFC 5246 §6.2.3: "The length MUST NOT exceed 2^14 + 2048." Checked
        // now, so that a lying header cannot make us wait for (or buffer) more.
        if fragment_len > MAX_TLS12_CIPHERTEXT_LEN {
            return Err(Error::RecordOverflow);
        }
        if unread.len() < HEADER_LEN + fragment_len {
            return Ok(None);
        }
        let fragment_start = self.start + HEADER_LEN;
        self.start = fragment_start + fragment_len;
        let fragment = &mut self.buffer[fragment_start..self.start];
        Ok(Some(RecordMut { content_type, version: [major, minor], offset: fragment_start, fragment }))
    }

    /// Bytes held that do not yet make a record. Non-zero when the peer
    /// closes the stream means it cut a record short (a truncation attack,
    /// or a broken peer).
    pub fn buffered(&self) -> usize {
        self.buffer.len() - self.start
    }
}
