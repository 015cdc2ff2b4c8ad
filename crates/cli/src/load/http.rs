//! The HTTP/1.1 of `padlock load` (RFC 9112): the GET it sends, and the
//! reading of the response just far enough to know where it ends and
//! whether the connection may carry another request. The body is counted
//! and dropped.
//!
//! Where a response ends (RFC 9112 §6.3): a 1xx, 204 or 304 response has no
//! body; a `Transfer-Encoding` ending in `chunked` runs to its last, empty
//! chunk (§7.1); else a `Content-Length` gives the length; else the body runs
//! to the end of the connection (as `openssl s_server -www` answers, in
//! HTTP/1.0).
//!
//! Whether the connection stays open (§9.3): in HTTP/1.1 unless the server
//! says `Connection: close`, in HTTP/1.0 only if it says `Connection:
//! keep-alive`; and never after a body that ran to the end of the connection.
//!
//! Everything is bounded: the head at [`MAX_HEAD`] bytes, a chunk-size line
//! at [`MAX_LINE`], the body at [`MAX_BODY`]. A server that sends more is
//! counted as an error, not read on.

use std::io::{self, Read};

/// The longest response head we read (status line and headers).
pub(super) const MAX_HEAD: usize = 64 * 1024;

/// The longest chunk-size or trailer line we read.
const MAX_LINE: usize = 4096;

/// The largest response body we read.
pub(super) const MAX_BODY: u64 = 16 * 1024 * 1024;

/// The GET for `path` on `host` (the `Host` header's value), asking to keep
/// the connection open or to close it.
pub(super) fn get(path: &str, host: &str, keep_alive: bool) -> Vec<u8> {
    let connection = if keep_alive { "keep-alive" } else { "close" };
    format!(
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: padlock-load\r\nAccept: */*\r\n\
         Connection: {connection}\r\n\r\n"
    )
    .into_bytes()
}

/// A response read to its end.
#[derive(Debug, PartialEq)]
pub(super) struct Response {
    /// The status code.
    pub(super) status: u16,
    /// The status line, for a message when the status is an error.
    pub(super) status_line: String,
    /// Bytes received: head and body.
    pub(super) received: u64,
    /// Whether the connection may carry another request.
    pub(super) keep_alive: bool,
}

/// Why a response was not read to its end.
#[derive(Debug)]
pub(super) struct Unread {
    /// What went wrong.
    pub(super) kind: UnreadKind,
    /// In words.
    pub(super) reason: String,
    /// How many bytes of the response had arrived: none means the server
    /// closed (or reset) the connection without answering.
    pub(super) received: u64,
}

/// The kinds of [`Unread`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum UnreadKind {
    /// The connection ended (close_notify) before the response did.
    Closed,
    /// Reading failed: a reset, a timeout, a TLS error, an end without
    /// close_notify.
    Io(io::ErrorKind),
    /// Not an HTTP response, or one that breaks RFC 9112.
    Malformed,
    /// Longer than we read.
    TooLarge,
}

/// Reads one response to its end.
pub(super) fn read_response(stream: &mut impl Read) -> Result<Response, Unread> {
    let mut incoming = Incoming { stream, buffer: Vec::new(), received: 0 };
    let head = incoming.head()?;
    let fail = |kind, reason: String, received| Unread { kind, reason, received };
    let malformed = |reason: String| fail(UnreadKind::Malformed, reason, incoming.received);
    let head = parse_head(&head).map_err(malformed)?;
    let framing = if matches!(head.status, 100..=199 | 204 | 304) {
        // A 1xx other than 101 is an interim answer we do not expect (we send
        // no Expect); 101 would switch protocols. Either way we stop here.
        if head.status < 200 {
            return Err(malformed(format!("an interim response: {}", head.status_line)));
        }
        Framing::Length(0)
    } else if head.chunked {
        Framing::Chunked
    } else if let Some(length) = head.content_length {
        Framing::Length(length)
    } else {
        Framing::ToClose
    };
    match framing {
        Framing::Length(length) => incoming.skip(length)?,
        Framing::Chunked => incoming.chunks()?,
        Framing::ToClose => incoming.until_close()?,
    }
    if !incoming.buffer.is_empty() {
        let reason = format!("{} bytes after the end of the response", incoming.buffer.len());
        return Err(fail(UnreadKind::Malformed, reason, incoming.received));
    }
    let keep_alive = head.keep_alive && framing != Framing::ToClose;
    Ok(Response {
        status: head.status,
        status_line: head.status_line,
        received: incoming.received,
        keep_alive,
    })
}

/// How the body's end is found.
#[derive(Clone, Copy, PartialEq)]
enum Framing {
    /// After this many bytes.
    Length(u64),
    /// After the last chunk.
    Chunked,
    /// At the end of the connection.
    ToClose,
}

/// What the head says.
struct Head {
    status: u16,
    status_line: String,
    chunked: bool,
    content_length: Option<u64>,
    keep_alive: bool,
}

/// Parses a response head (without its empty line): status line (§4),
/// then the headers that frame the body and govern the connection.
fn parse_head(head: &str) -> Result<Head, String> {
    let mut lines = head.split('\n').map(|line| line.strip_suffix('\r').unwrap_or(line));
    let status_line = lines.next().unwrap_or_default().to_string();
    // §4: HTTP-version SP status-code SP [reason-phrase].
    let mut words = status_line.splitn(3, ' ');
    let (version, code) = (words.next().unwrap_or_default(), words.next().unwrap_or_default());
    let http11 = match version {
        "HTTP/1.1" => true,
        "HTTP/1.0" => false,
        _ => return Err(format!("not an HTTP/1.x response: {status_line}")),
    };
    let status = match code.parse::<u16>() {
        Ok(status) if code.len() == 3 && (100..=599).contains(&status) => status,
        _ => return Err(format!("a bad status code: {status_line}")),
    };
    let (mut chunked, mut content_length, mut close, mut keep_alive) = (false, None, false, false);
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            return Err(format!("a header line without a colon: {line}"));
        };
        let value = value.trim();
        let tokens = || value.split(',').map(str::trim);
        if name.eq_ignore_ascii_case("transfer-encoding") {
            // §6.1: chunked, if used, is the last coding.
            chunked = tokens().next_back().is_some_and(|t| t.eq_ignore_ascii_case("chunked"));
        } else if name.eq_ignore_ascii_case("content-length") {
            // §6.3 item 5: several different lengths, or a bad one, are an error.
            let length = value.parse::<u64>().map_err(|_| format!("a bad Content-Length: {value}"))?;
            if content_length.is_some_and(|seen| seen != length) {
                return Err("two different Content-Length headers".to_string());
            }
            content_length = Some(length);
        } else if name.eq_ignore_ascii_case("connection") {
            close |= tokens().any(|t| t.eq_ignore_ascii_case("close"));
            keep_alive |= tokens().any(|t| t.eq_ignore_ascii_case("keep-alive"));
        }
    }
    // §9.3: HTTP/1.1 is persistent unless closed; HTTP/1.0 only if asked.
    let keep_alive = !close && (http11 || keep_alive);
    Ok(Head { status, status_line, chunked, content_length, keep_alive })
}

/// The bytes of a response as they arrive: what has come and not been
/// consumed yet, and how much came in all.
struct Incoming<'a, R: Read> {
    stream: &'a mut R,
    buffer: Vec<u8>,
    received: u64,
}

impl<R: Read> Incoming<'_, R> {
    /// Reads once more; `false` at the end of the stream (close_notify).
    fn fill(&mut self) -> Result<bool, Unread> {
        let mut chunk = [0u8; 16 * 1024];
        loop {
            match self.stream.read(&mut chunk) {
                Ok(0) => return Ok(false),
                Ok(n) => {
                    self.buffer.extend_from_slice(&chunk[..n]);
                    self.received += n as u64;
                    return Ok(true);
                }
                Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                Err(error) => {
                    let kind = UnreadKind::Io(error.kind());
                    return Err(Unread { kind, reason: error.to_string(), received: self.received });
                }
            }
        }
    }

    /// [`fill`](Self::fill), with the end of the stream an error: `what`
    /// was cut short.
    fn fill_or_closed(&mut self, what: &str) -> Result<(), Unread> {
        if self.fill()? {
            return Ok(());
        }
        let reason = format!("the server closed the connection in the middle of {what}");
        Err(Unread { kind: UnreadKind::Closed, reason, received: self.received })
    }

    /// The head, up to its empty line (CRLF CRLF, or LF LF), as text.
    fn head(&mut self) -> Result<String, Unread> {
        loop {
            // The empty line: an LF followed by an LF, or by CR LF (§2.2).
            let end = (0..self.buffer.len()).find_map(|i| match self.buffer[i..] {
                [b'\n', b'\n', ..] => Some((i, i + 2)),
                [b'\n', b'\r', b'\n', ..] => Some((i, i + 3)),
                _ => None,
            });
            if let Some((at, past)) = end.filter(|&(at, _)| at <= MAX_HEAD) {
                let head = String::from_utf8_lossy(&self.buffer[..at]).into_owned();
                self.buffer.drain(..past);
                return Ok(head);
            }
            if self.buffer.len() > MAX_HEAD {
                let reason = format!("a response head longer than {MAX_HEAD} bytes");
                return Err(Unread { kind: UnreadKind::TooLarge, reason, received: self.received });
            }
            if !self.fill()? {
                let reason = if self.received == 0 {
                    "the server closed the connection without answering".to_string()
                } else {
                    "the server closed the connection in the middle of the response head".to_string()
                };
                return Err(Unread { kind: UnreadKind::Closed, reason, received: self.received });
            }
        }
    }

    /// Reads and drops `length` bytes of body.
    fn skip(&mut self, length: u64) -> Result<(), Unread> {
        if length > MAX_BODY {
            let reason = format!("a body of {length} bytes, more than the {MAX_BODY} we read");
            return Err(Unread { kind: UnreadKind::TooLarge, reason, received: self.received });
        }
        let mut left = length;
        loop {
            let here = (self.buffer.len() as u64).min(left);
            self.buffer.drain(..here as usize);
            left -= here;
            if left == 0 {
                return Ok(());
            }
            self.fill_or_closed("the body")?;
        }
    }

    /// Reads a chunked body (§7.1): size line, data, CRLF, ..., a zero size,
    /// trailer lines, an empty line.
    fn chunks(&mut self) -> Result<(), Unread> {
        let mut total: u64 = 0;
        loop {
            let line = self.line()?;
            let size = line.split(';').next().unwrap_or_default().trim();
            let Ok(size) = u64::from_str_radix(size, 16) else {
                let reason = format!("a bad chunk size: {line}");
                return Err(Unread { kind: UnreadKind::Malformed, reason, received: self.received });
            };
            if size == 0 {
                // The trailer section ends with an empty line.
                while !self.line()?.is_empty() {}
                return Ok(());
            }
            total = total.saturating_add(size);
            if total > MAX_BODY {
                let reason = format!("a chunked body of more than the {MAX_BODY} bytes we read");
                return Err(Unread { kind: UnreadKind::TooLarge, reason, received: self.received });
            }
            self.skip(size)?;
            if !self.line()?.is_empty() {
                let reason = "a chunk longer than its size".to_string();
                return Err(Unread { kind: UnreadKind::Malformed, reason, received: self.received });
            }
        }
    }

    /// One line of a chunked body, without its CRLF (or LF).
    fn line(&mut self) -> Result<String, Unread> {
        loop {
            if let Some(end) = self.buffer.iter().position(|&b| b == b'\n') {
                let line: Vec<u8> = self.buffer.drain(..=end).collect();
                let line = line.strip_suffix(b"\n").unwrap_or(&line);
                let line = line.strip_suffix(b"\r").unwrap_or(line);
                return Ok(String::from_utf8_lossy(line).into_owned());
            }
            if self.buffer.len() > MAX_LINE {
                let reason = format!("a chunk line longer than {MAX_LINE} bytes");
                return Err(Unread { kind: UnreadKind::Malformed, reason, received: self.received });
            }
            self.fill_or_closed("a chunked body")?;
        }
    }

    /// Reads and drops the body up to the end of the connection.
    fn until_close(&mut self) -> Result<(), Unread> {
        let mut body = 0;
        loop {
            body += self.buffer.len() as u64;
            self.buffer.clear();
            if body > MAX_BODY {
                let reason = format!("a response longer than the {MAX_BODY} bytes of body we read");
                return Err(Unread { kind: UnreadKind::TooLarge, reason, received: self.received });
            }
            if !self.fill()? {
                return Ok(());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads a response from `bytes`, `chunk` bytes per read; at the end of
    /// `bytes` comes a close_notify, or with `reset` a connection reset.
    fn read(bytes: &[u8], chunk: usize, reset: bool) -> Result<Response, Unread> {
        struct Trickle<'a>(&'a [u8], usize, bool);
        impl Read for Trickle<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                if self.0.is_empty() && self.2 {
                    return Err(io::Error::new(io::ErrorKind::ConnectionReset, "reset"));
                }
                let n = self.0.len().min(self.1).min(buf.len());
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        read_response(&mut Trickle(bytes, chunk, reset))
    }

    /// Reads `bytes` at several chunk sizes; all must agree.
    fn read_all_ways(bytes: &[u8]) -> Result<Response, UnreadKind> {
        let first = read(bytes, 1, false).map_err(|unread| unread.kind);
        for chunk in [2, 3, 7, 100, 1 << 20] {
            let again = read(bytes, chunk, false).map_err(|unread| unread.kind);
            assert_eq!(format!("{again:?}"), format!("{first:?}"), "chunk {chunk}: {bytes:?}");
        }
        first
    }

    #[test]
    fn bodies_end_where_the_headers_say() {
        let cases: [(&[u8], u16, bool); 7] = [
            (b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", 200, true),
            (b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", 200, false),
            (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n3;x=y\r\nabc\r\n0\r\n\r\n", 200, true),
            (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\nTrailer: x\r\n\r\n", 200, true),
            (b"HTTP/1.1 304 Not Modified\r\nContent-Length: 99\r\n\r\n", 304, true),
            (b"HTTP/1.0 200 ok\r\nContent-type: text/html\r\n\r\n<pre>\nto the end\n", 200, false),
            (b"HTTP/1.0 200 OK\nConnection: Keep-Alive\nContent-Length: 2\n\nok", 200, true),
        ];
        for (bytes, status, keep_alive) in cases {
            let response = read_all_ways(bytes).unwrap_or_else(|kind| panic!("{kind:?}: {bytes:?}"));
            assert_eq!((response.status, response.keep_alive), (status, keep_alive), "{bytes:?}");
            assert_eq!(response.received, bytes.len() as u64);
        }
    }

    #[test]
    fn responses_cut_short_or_malformed_are_errors() {
        let cases: [(&[u8], UnreadKind); 9] = [
            (b"", UnreadKind::Closed),
            (b"HTTP/1.1 200 OK\r\nContent-Le", UnreadKind::Closed),
            (b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhel", UnreadKind::Closed),
            (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel", UnreadKind::Closed),
            (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", UnreadKind::Malformed),
            (
                b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhello\r\n0\r\n\r\n",
                UnreadKind::Malformed,
            ),
            (b"SSH-2.0-OpenSSH\r\n\r\n", UnreadKind::Malformed),
            (b"HTTP/1.1 2000 OK\r\n\r\n", UnreadKind::Malformed),
            (b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nxx", UnreadKind::Malformed),
        ];
        for (bytes, kind) in cases {
            assert_eq!(read_all_ways(bytes).err(), Some(kind), "{bytes:?}");
        }
        // The server resetting the connection before answering: nothing received.
        let unread = read(b"", 10, true).expect_err("an error");
        assert_eq!((unread.kind, unread.received), (UnreadKind::Io(io::ErrorKind::ConnectionReset), 0));
        let unread = read(b"HTTP/1.1 100 Continue\r\n\r\n", 10, false).expect_err("an error");
        assert_eq!(unread.kind, UnreadKind::Malformed);
        // More than the response announced, arriving with it.
        let unread = read(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA", 100, false);
        assert_eq!(unread.err().map(|u| u.kind), Some(UnreadKind::Malformed));
    }

    #[test]
    fn what_is_read_is_bounded() {
        let long_head = format!("HTTP/1.1 200 OK\r\nX: {}\r\n\r\n", "a".repeat(MAX_HEAD));
        assert_eq!(read(long_head.as_bytes(), 4096, false).err().map(|u| u.kind), Some(UnreadKind::TooLarge));
        let huge = format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n", MAX_BODY + 1);
        assert_eq!(read(huge.as_bytes(), 4096, false).err().map(|u| u.kind), Some(UnreadKind::TooLarge));
        let chunks = format!("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n{:x}\r\n", MAX_BODY + 1);
        assert_eq!(read(chunks.as_bytes(), 4096, false).err().map(|u| u.kind), Some(UnreadKind::TooLarge));
        let line =
            format!("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n{}", "0".repeat(MAX_LINE + 2));
        assert_eq!(read(line.as_bytes(), 4096, false).err().map(|u| u.kind), Some(UnreadKind::Malformed));
        // A body to the end of the connection, past the cap.
        let mut endless = b"HTTP/1.0 200 OK\r\n\r\n".to_vec();
        endless.resize(endless.len() + MAX_BODY as usize + 20_000, b'x');
        assert_eq!(read(&endless, 1 << 16, false).err().map(|u| u.kind), Some(UnreadKind::TooLarge));
    }

    #[test]
    fn the_request_asks_for_what_the_mode_needs() {
        let request = String::from_utf8(get("/a?b", "localhost:8443", true)).expect("text");
        assert!(request.starts_with("GET /a?b HTTP/1.1\r\nHost: localhost:8443\r\n"), "{request}");
        assert!(request.ends_with("Connection: keep-alive\r\n\r\n"), "{request}");
        let request = String::from_utf8(get("/", "[::1]:4433", false)).expect("text");
        assert!(request.contains("Host: [::1]:4433\r\n") && request.contains("Connection: close\r\n"));
    }
}
