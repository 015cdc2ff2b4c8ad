//! PEM, the textual encoding of RFC 7468: DER bytes in Base64 between two
//! boundary lines that name what they hold.
//!
//! ```text
//!   -----BEGIN PUBLIC KEY-----
//!   MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=
//!   -----END PUBLIC KEY-----
//! ```
//!
//! Decoding follows the "lax" grammar of RFC 7468 §3: text before, between
//! and after blocks is ignored (§2), and whitespace (space, tab, CR, LF,
//! vertical tab, form feed) may appear anywhere in the Base64 text. The Base64
//! itself is strict ([`crate::base64`]), and the END label must repeat the
//! BEGIN label. Encoding writes the strict form of §3: 64 characters a line,
//! LF line endings.
//!
//! Private keys travel in PEM, so decoded contents are wiped when dropped
//! ([`Zeroizing`]), and so is the copy of the Base64 text made on the way;
//! the Base64 decoder does no secret-dependent lookups.

use core::fmt;

use zeroize::Zeroizing;

use crate::{Error, base64};

/// One PEM block: its label and the bytes it holds.
pub struct Pem {
    /// The label of the boundary lines, such as `CERTIFICATE` or
    /// `PRIVATE KEY` (RFC 7468 §4 and following list them).
    pub label: String,
    /// The decoded bytes, usually DER. Wiped when dropped.
    pub contents: Zeroizing<Vec<u8>>,
}

/// Shows the label and the length, never the contents (they may be a key).
impl fmt::Debug for Pem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Pem {{ label: {:?}, contents: {} bytes }}", self.label, self.contents.len())
    }
}

/// The first PEM block in `input`.
pub fn decode(input: impl AsRef<[u8]>) -> Result<Pem, Error> {
    match next_block(input.as_ref())? {
        Some((block, _)) => block.decode(),
        None => Err(Error::PemNotFound),
    }
}

/// Every PEM block in `input`, in order (a certificate chain). At least one
/// is required.
pub fn decode_all(input: impl AsRef<[u8]>) -> Result<Vec<Pem>, Error> {
    let mut rest = input.as_ref();
    let mut blocks = Vec::new();
    while let Some((block, after)) = next_block(rest)? {
        blocks.push(block.decode()?);
        rest = after;
    }
    if blocks.is_empty() { Err(Error::PemNotFound) } else { Ok(blocks) }
}

/// The contents of the first PEM block labelled `label` in `input`, skipping
/// blocks with other labels (such as `EC PARAMETERS` before a key).
pub fn decode_labelled(input: impl AsRef<[u8]>, label: &str) -> Result<Zeroizing<Vec<u8>>, Error> {
    let mut rest = input.as_ref();
    while let Some((block, after)) = next_block(rest)? {
        if block.label == label {
            return block.decode().map(|pem| pem.contents);
        }
        rest = after;
    }
    Err(Error::PemLabelNotFound { label: label.to_string() })
}

/// The PEM block of `contents` under `label`, in the strict form of
/// RFC 7468 §3: Base64 lines of 64 characters, each ending in LF.
///
/// # Panics
///
/// If `label` is not a valid label (RFC 7468 §3: printable ASCII, single
/// spaces or hyphens between words). Labels are constants such as
/// `"CERTIFICATE"`, so that is a bug in the caller.
pub fn encode(label: &str, contents: &[u8]) -> String {
    assert!(is_valid_label(label.as_bytes()), "invalid PEM label {label:?}");
    let text = Zeroizing::new(base64::encode(contents));
    let mut out = String::with_capacity(text.len() + text.len() / 64 + 2 * label.len() + 32);
    out.push_str("-----BEGIN ");
    out.push_str(label);
    out.push_str("-----\n");
    for line in text.as_bytes().chunks(64) {
        // Base64 text is ASCII, so any split of it is UTF-8.
        out.push_str(core::str::from_utf8(line).unwrap_or_default());
        out.push('\n');
    }
    out.push_str("-----END ");
    out.push_str(label);
    out.push_str("-----\n");
    out
}

/// A block found but not yet decoded.
struct Block<'a> {
    label: &'a str,
    body: &'a [u8],
}

impl Block<'_> {
    /// Decodes the body: whitespace removed (lax, RFC 7468 §3), then strict
    /// Base64.
    fn decode(&self) -> Result<Pem, Error> {
        // RFC 1421 headers ("Proc-Type: 4,ENCRYPTED") are the one thing with
        // a colon that turns up here; say so rather than "bad Base64".
        if self.body.contains(&b':') {
            return Err(Error::PemHeaders);
        }
        let mut text = Zeroizing::new(Vec::with_capacity(self.body.len()));
        text.extend(self.body.iter().copied().filter(|&c| !is_whitespace(c)));
        let contents = Zeroizing::new(base64::decode(&*text)?);
        Ok(Pem { label: self.label.to_string(), contents })
    }
}

const BEGIN: &[u8] = b"-----BEGIN ";
const END: &[u8] = b"-----END ";
const DASHES: &[u8] = b"-----";

/// The first block in `input`, and the input after it; `None` if there is no
/// BEGIN line.
fn next_block(input: &[u8]) -> Result<Option<(Block<'_>, &[u8])>, Error> {
    let Some(start) = find_begin(input) else { return Ok(None) };
    let (label, after_begin) = boundary_label(&input[start + BEGIN.len()..])?;
    let Some(end) = find(after_begin, END) else {
        return Err(Error::PemMissingEnd { label: label.to_string() });
    };
    let (end_label, rest) = boundary_label(&after_begin[end + END.len()..])?;
    // RFC 7468 §2: the label of the END line matches the BEGIN line's.
    if end_label != label {
        return Err(Error::PemLabelMismatch { begin: label.to_string(), end: end_label.to_string() });
    }
    Ok(Some((Block { label, body: &after_begin[..end] }, rest)))
}

/// Where the first `-----BEGIN ` at the start of a line is.
fn find_begin(input: &[u8]) -> Option<usize> {
    let mut from = 0;
    while let Some(at) = find(&input[from..], BEGIN) {
        let at = from + at;
        if at == 0 || matches!(input[at - 1], b'\n' | b'\r') {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// Reads `label-----` at the start of `input`, after `-----BEGIN ` or
/// `-----END `: the label and what follows the dashes.
fn boundary_label(input: &[u8]) -> Result<(&str, &[u8]), Error> {
    let end = find(input, DASHES).ok_or(Error::PemInvalidLabel)?;
    let label = &input[..end];
    if !is_valid_label(label) {
        return Err(Error::PemInvalidLabel);
    }
    let label = core::str::from_utf8(label).map_err(|_| Error::PemInvalidLabel)?;
    Ok((label, &input[end + DASHES.len()..]))
}

/// RFC 7468 §3: `label = [ labelchar *( ["-" / SP] labelchar ) ]`, where a
/// labelchar is printable ASCII other than `-`.
fn is_valid_label(label: &[u8]) -> bool {
    let is_labelchar = |c: u8| (0x21..=0x7e).contains(&c) && c != b'-';
    let mut previous_was_labelchar = false;
    for &c in label {
        if is_labelchar(c) {
            previous_was_labelchar = true;
        } else if (c == b'-' || c == b' ') && previous_was_labelchar {
            previous_was_labelchar = false;
        } else {
            return false;
        }
    }
    // Empty, or ending in a labelchar.
    label.is_empty() || previous_was_labelchar
}

/// RFC 7468 §3: `W = WSP / CR / LF / HTAB / VT / FF`.
fn is_whitespace(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n' | 0x0b | 0x0c)
}

/// Where `needle` first occurs in `haystack`.
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|window| window == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels() {
        for good in ["", "CERTIFICATE", "PRIVATE KEY", "X509 CRL", "A-B", "a.b!"] {
            assert!(is_valid_label(good.as_bytes()), "{good:?}");
        }
        for bad in [" A", "A ", "-A", "A-", "A--B", "A  B", "A -B", "A\tB", "Ä"] {
            assert!(!is_valid_label(bad.as_bytes()), "{bad:?}");
        }
    }

    #[test]
    fn begin_must_start_a_line() {
        assert_eq!(find_begin(b"x -----BEGIN A-----"), None);
        assert_eq!(find_begin(b"x -----BEGIN A-----\n-----BEGIN B-----"), Some(20));
        assert_eq!(find_begin(b"-----BEGIN A-----"), Some(0));
    }

    #[test]
    #[should_panic(expected = "invalid PEM label")]
    fn encode_refuses_a_bad_label() {
        encode("BAD-----LABEL", b"");
    }
}
