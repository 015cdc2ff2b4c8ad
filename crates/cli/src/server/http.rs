//! The HTTP/1.1 that `padlock server` speaks (RFC 9112): it reads one
//! request head, and answers a GET or HEAD with a page naming what the
//! handshake agreed, anything else with 405, a head that is too long with
//! 431 and one it cannot read with 400. The connection then closes.

use std::io::Read;

use padlock_tls::Negotiated;

/// The longest HTTP request head we read (request line and headers).
pub(super) const MAX_REQUEST_HEAD: usize = 16 * 1024;

/// What the client asked for: the request line's method and target.
pub(super) struct Request {
    pub(super) method: String,
    pub(super) target: String,
}

/// Why no request was read: the answer to send (if any), and what to log.
pub(super) struct Unread {
    pub(super) answer: Option<String>,
    pub(super) reason: String,
}

/// Reads up to the empty line that ends the request head (RFC 9112 §2.1)
/// and parses its request line (§3). Lines may end in CRLF or a bare LF
/// (§2.2: "a recipient MAY recognize a single LF as a line terminator");
/// empty lines before the request line are ignored (§2.2). While it waits,
/// the TLS stream goes on handling what else comes (a KeyUpdate, say).
pub(super) fn read_request(stream: &mut impl Read) -> Result<Request, Unread> {
    let mut head = Vec::new();
    let mut buffer = [0u8; 4096];
    // Where the search for the end of the head goes on from.
    let mut searched = 0;
    let end = loop {
        if let Some(end) = head_end(&head, searched) {
            break end;
        }
        if head.len() > MAX_REQUEST_HEAD {
            // RFC 6585 §5.
            let answer = plain(431, "Request Header Fields Too Large", "", "The request head is too long.\n");
            let reason = format!("a request head longer than {MAX_REQUEST_HEAD} bytes");
            return Err(Unread { answer: Some(answer), reason });
        }
        searched = head.len().saturating_sub(2);
        match stream.read(&mut buffer) {
            Ok(0) => return Err(Unread { answer: None, reason: "closed before a whole request".into() }),
            Ok(n) => head.extend_from_slice(&buffer[..n]),
            Err(error) => {
                return Err(Unread { answer: None, reason: format!("reading the request: {error}") });
            }
        }
        // §2.2: a server SHOULD ignore at least one empty line before the request line.
        let blank = head.iter().take_while(|&&b| b == b'\r' || b == b'\n').count();
        head.drain(..blank);
        searched = searched.saturating_sub(blank);
    };
    let head = String::from_utf8_lossy(&head[..end]);
    let request_line = head.lines().next().unwrap_or_default();
    // §3: method SP request-target SP HTTP-version.
    let words: Vec<&str> = request_line.split(' ').collect();
    match words[..] {
        [method, target, version]
            if !method.is_empty() && !target.is_empty() && version.starts_with("HTTP/") =>
        {
            Ok(Request { method: method.to_string(), target: target.to_string() })
        }
        _ => Err(Unread {
            answer: Some(plain(400, "Bad Request", "", "The request line is not METHOD TARGET HTTP/1.1.\n")),
            reason: format!("a malformed request line: {request_line}"),
        }),
    }
}

/// Where the head in `head` ends (just past its empty line), looking from
/// `from` on: an LF followed by an LF, or by CR LF.
fn head_end(head: &[u8], from: usize) -> Option<usize> {
    (from..head.len()).find_map(|i| match head[i..] {
        [b'\n', b'\n', ..] => Some(i + 2),
        [b'\n', b'\r', b'\n', ..] => Some(i + 3),
        _ => None,
    })
}

/// The whole response to `request`.
pub(super) fn respond(request: &Request, negotiated: &Negotiated) -> String {
    match request.method.as_str() {
        "GET" | "HEAD" => {
            let page = page(&request.target, negotiated);
            let body = if request.method == "GET" { page.as_str() } else { "" };
            format!(
                "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\
                 Connection: close\r\n\r\n{body}",
                page.len()
            )
        }
        // RFC 9110 §15.5.6: a 405 names the methods that are allowed.
        _ => plain(405, "Method Not Allowed", "Allow: GET, HEAD\r\n", "Only GET and HEAD are served here.\n"),
    }
}

/// A plain-text response with status `code`, and `headers` (each line
/// ending in CRLF) besides those every response has.
fn plain(code: u16, reason: &str, headers: &str, body: &str) -> String {
    format!(
        "HTTP/1.1 {code} {reason}\r\n{headers}Content-Type: text/plain\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{body}",
        body.len()
    )
}

/// The HTML page naming the negotiated parameters.
fn page(target: &str, negotiated: &Negotiated) -> String {
    let group = crate::narrate::group_name(negotiated.key_exchange).unwrap_or("none (RSA key transport)");
    format!(
        "<!DOCTYPE html>\n<html>\n<head><title>padlock server</title></head>\n<body>\n\
         <h1>Hello from padlock</h1>\n<p>You asked for <code>{}</code> over:</p>\n<ul>\n\
         <li>Version: {}</li>\n<li>Cipher suite: {}</li>\n<li>Key exchange group: {}</li>\n\
         <li>Extended master secret: {}</li>\n</ul>\n</body>\n</html>\n",
        escape_html(target),
        negotiated.version_name(),
        negotiated.suite.name(),
        group,
        if negotiated.version == padlock_tls::ProtocolVersion::Tls13 {
            "n/a (TLS 1.3)"
        } else if negotiated.extended_master_secret {
            "yes"
        } else {
            "no"
        },
    )
}

/// `text` with the characters HTML gives a meaning to escaped: the request
/// target comes from the client, and must not write into our page.
fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads a request from `bytes`, delivered `chunk` bytes at a time.
    fn read(bytes: &[u8], chunk: usize) -> Result<Request, Unread> {
        struct Trickle<'a>(&'a [u8], usize);
        impl Read for Trickle<'_> {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                let n = self.0.len().min(self.1).min(buf.len());
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        read_request(&mut Trickle(bytes, chunk))
    }

    #[test]
    fn heads_end_in_crlf_or_bare_lf() {
        let heads: [&[u8]; 5] = [
            b"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
            b"GET / HTTP/1.0\n\n",
            b"GET / HTTP/1.0\nHost: x\n\n",
            b"GET / HTTP/1.0\r\nHost: x\n\r\n",
            b"\r\n\nGET / HTTP/1.0\n\n",
        ];
        for head in heads {
            for chunk in [1, 2, 3, 4096] {
                let request =
                    read(head, chunk).unwrap_or_else(|unread| panic!("{head:?}: {}", unread.reason));
                assert_eq!((request.method.as_str(), request.target.as_str()), ("GET", "/"), "{head:?}");
            }
        }
    }

    #[test]
    fn an_unfinished_head_is_not_a_request() {
        for head in [&b"GET / HTTP/1.1\r\nHost: x\r\n"[..], b"GET / HTTP/1.1\r\r", b"\r\n\r\n"] {
            let unread = read(head, 3).err().expect("no request");
            assert!(unread.answer.is_none() && unread.reason.contains("closed"), "{head:?}");
        }
    }

    #[test]
    fn long_and_malformed_heads_are_answered() {
        let long = format!("GET /{} HTTP/1.1\r\n", "a".repeat(MAX_REQUEST_HEAD));
        let unread = read(long.as_bytes(), 1000).err().expect("too long");
        assert!(unread.answer.is_some_and(|a| a.starts_with("HTTP/1.1 431 ")), "{}", unread.reason);
        for line in ["GET /", "GET  / HTTP/1.1", "GET / HTTP/1.1 extra", "GET / FTP"] {
            let unread = read(format!("{line}\r\n\r\n").as_bytes(), 7).err().expect("malformed");
            assert!(unread.answer.is_some_and(|a| a.starts_with("HTTP/1.1 400 ")), "{line}");
        }
    }
}
