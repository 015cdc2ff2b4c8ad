//! `padlock client`: fetches an `https://` URL over padlock-tls, as a tiny
//! `curl`.
//!
//! ```text
//!   padlock client --ca padlock-ca.pem https://localhost:8443/
//!   padlock client --insecure --tls 1.2 --suite TLS_RSA_WITH_AES_128_GCM_SHA256 https://127.0.0.1:4433/
//! ```
//!
//! The server's certificate must chain to a CA in `--ca FILE`, or else to
//! one the system trusts, found as curl and OpenSSL find them (`trust.rs`:
//! `SSL_CERT_FILE`, `SSL_CERT_DIR`, then the bundle the system ships);
//! `--trace` says which. `--insecure` checks nothing, and says so.
//!
//! It sends one HTTP/1.1 GET (`Host`, `Connection: close`), writes the
//! response body to standard output and, on standard error, the status
//! line and what the handshake agreed (version, cipher suite, group). The
//! body is read until the `Content-Length` is complete, or else until the
//! server's close_notify; a `chunked` body is decoded.
//!
//! Any failure — a bad URL, a refused connection, a handshake that fails
//! (with the alert either side sent), a certificate that does not verify —
//! is one line, `padlock: ...`, and exit status 1. A failed handshake is
//! then explained, in indented lines under it (`explain.rs`): what we
//! offered and the likely missing piece when the server refused our
//! ClientHello (with `--explain`, found out by a few more handshakes), or
//! which certificate failed which check and what to do.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use padlock_tls::{ClientConfig, Connection, Stream};
use rand::SeedableRng;
use rand::rngs::StdRng;

use crate::report::{self, Failed, write_failed};
use crate::tls_args::{ClientTls, IO_TIMEOUT, key_log, trace_style};
use crate::{escape, explain};

/// The end of `padlock client --help`.
const EXAMPLES: &str = "\
Examples:
  padlock client --ca padlock-ca.pem https://localhost:8443/
  padlock client --insecure --tls 1.2 --suite TLS_DHE_RSA_WITH_AES_128_GCM_SHA256 https://localhost:8443/
  SSLKEYLOGFILE=keys.txt padlock client --ca ca.pem https://localhost:4433/";

/// The largest response we accept, so a hostile server cannot fill memory.
const MAX_RESPONSE: usize = 64 * 1024 * 1024;

/// Arguments of `padlock client`.
#[derive(clap::Args)]
#[command(after_help = EXAMPLES)]
pub(crate) struct Args {
    /// The URL to fetch: https://HOST[:PORT][/PATH].
    url: String,
    /// What to trust and offer: --ca, --insecure, --tls, --suite, --group, --sigalgs.
    #[command(flatten)]
    tls: ClientTls,
    /// Narrate the handshake on standard output (the body follows it).
    #[arg(long)]
    trace: bool,
    /// If the server refuses our ClientHello, find out what it accepts with a few more handshakes.
    #[arg(long)]
    explain: bool,
    /// Append the NSS key log (for Wireshark) to FILE [default: $SSLKEYLOGFILE].
    #[arg(long, value_name = "FILE")]
    keylog: Option<PathBuf>,
}

/// Runs `padlock client`, and returns the exit status.
pub(crate) fn run(args: &Args) -> ExitCode {
    match fetch(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failed) => failed.report(),
    }
}

/// The parts of an `https://` URL we use.
pub(crate) struct Url {
    /// The host name or IP address, without brackets.
    pub(crate) host: String,
    /// The port (443 if the URL names none).
    pub(crate) port: u16,
    /// The path and query, `/` at least.
    pub(crate) path: String,
}

/// Connects, shakes hands, sends the GET and prints the response.
fn fetch(args: &Args) -> Result<(), Failed> {
    let url = parse_url(&args.url).map_err(|reason| Failed::new(format_args!("{}: {reason}", args.url)))?;
    let (mut config, trusted) = config(args, &url.host)?;
    // What the explanation of a failure needs; events pass on to --trace.
    let recorder = explain::Recorder::default();
    config.trace = Some(recorder.sink(config.trace.take()));
    let config = Arc::new(config);
    let authority = authority(&url.host, url.port);

    let socket =
        connect(&url.host, url.port).map_err(|reason| Failed::new(format_args!("{authority}: {reason}")))?;
    if args.tls.insecure {
        // Loudly: nothing later will tell the user that nobody was checked.
        report::error(format_args!(
            "warning: --insecure: the server's certificate is NOT checked; anyone on the path can \
             pretend to be {authority} and read everything"
        ));
    }
    let rng = Box::new(StdRng::from_rng(&mut rand::rng()));
    let conn = Connection::client(Arc::clone(&config), rng)
        .map_err(|error| Failed::new(format_args!("{authority}: {error}")))?;
    let mut stream = Stream::new(conn, socket);
    if let Err(error) = stream.handshake() {
        // Let the server read our alert before the socket closes.
        stream.linger_after_error(std::time::Duration::from_millis(500));
        let seen = recorder.seen();
        let connect = || connect(&url.host, url.port);
        let probe: Option<explain::probe::Connect<'_>> = if args.explain { Some(&connect) } else { None };
        let lines = explain::explain(&error, &seen, &config, &trusted, probe);
        let summary = explain::summary(&error, seen.answered, &trusted);
        return Err(Failed::new(format_args!("{authority}: {}", explain::message(&summary, &lines))));
    }
    if let Some(negotiated) = stream.connection().negotiated() {
        eprintln!(
            "connected to {authority}: {}, {}, group {}",
            negotiated.version_name(),
            negotiated.suite.name(),
            crate::narrate::group_name(negotiated.key_exchange).unwrap_or("none (RSA key transport)")
        );
    }

    // RFC 9110 §7.2: Host names the authority, the port only if not 443.
    let host_header = if url.port == 443 { bracketed(&url.host) } else { authority.clone() };
    let request = format!(
        "GET {} HTTP/1.1\r\nHost: {host_header}\r\nUser-Agent: padlock\r\nAccept: */*\r\nConnection: close\r\n\r\n",
        url.path
    );
    stream
        .write_all(request.as_bytes())
        .map_err(|error| Failed::new(format_args!("{authority}: sending the request: {error}")))?;
    let body =
        read_response(&mut stream).map_err(|reason| Failed::new(format_args!("{authority}: {reason}")))?;
    // The server may have closed already; a failed close_notify changes nothing.
    let _ = stream.close();

    let mut stdout = io::stdout().lock();
    stdout.write_all(&body).and_then(|()| stdout.flush()).map_err(|error| write_failed(&error))
}

/// The client configuration the arguments describe, and what it trusts
/// in words (for a refused certificate's message).
fn config(args: &Args, host: &str) -> Result<(ClientConfig, String), Failed> {
    let (mut config, trusted) = args.tls.config(host, args.trace)?;
    if args.trace {
        config.trace = Some(crate::narrate::sink(trace_style()));
    }
    config.key_log = key_log(args.keylog.as_deref());
    Ok((config, trusted))
}

/// Splits `https://HOST[:PORT][/PATH]`; HOST may be an IPv6 address in brackets.
pub(crate) fn parse_url(url: &str) -> Result<Url, String> {
    let Some(rest) = url.strip_prefix("https://") else {
        return Err("not an https:// URL".to_string());
    };
    let (authority, path) = match rest.find(['/', '?', '#']) {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    // A fragment stays with the client (RFC 9110 §4.2.4); a bare query needs a path.
    let path = path.split('#').next().unwrap_or_default();
    let path = if path.starts_with('/') { path.to_string() } else { format!("/{path}") };
    if authority.contains('@') {
        return Err("user names in URLs are not supported".to_string());
    }
    let (host, port) = if let Some(bracketed) = authority.strip_prefix('[') {
        let Some((host, after)) = bracketed.split_once(']') else {
            return Err("an IPv6 address without its closing ]".to_string());
        };
        (host, after.strip_prefix(':'))
    } else {
        match authority.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    if host.is_empty() {
        return Err("no host name".to_string());
    }
    let port = match port {
        None | Some("") => 443,
        Some(port) => port.parse().map_err(|_| format!("bad port {port}"))?,
    };
    Ok(Url { host: host.to_string(), port, path })
}

/// `host:port`, with an IPv6 address in brackets.
pub(crate) fn authority(host: &str, port: u16) -> String {
    format!("{}:{port}", bracketed(host))
}

/// `host`, in brackets if it is an IPv6 address.
pub(crate) fn bracketed(host: &str) -> String {
    if host.contains(':') { format!("[{host}]") } else { host.to_string() }
}

/// A TCP connection to the first address of `host` that answers.
fn connect(host: &str, port: u16) -> Result<TcpStream, String> {
    let addresses: Vec<SocketAddr> =
        (host, port).to_socket_addrs().map_err(|error| error.to_string())?.collect();
    let mut last_error = "the name has no address".to_string();
    for address in addresses {
        match TcpStream::connect_timeout(&address, IO_TIMEOUT) {
            Ok(socket) => {
                socket.set_read_timeout(Some(IO_TIMEOUT)).map_err(|error| report::os_message(&error))?;
                socket.set_write_timeout(Some(IO_TIMEOUT)).map_err(|error| report::os_message(&error))?;
                return Ok(socket);
            }
            Err(error) => last_error = report::os_message(&error),
        }
    }
    Err(last_error)
}

/// Reads the response; prints the status line on standard error and
/// returns the body.
fn read_response(stream: &mut impl Read) -> Result<Vec<u8>, String> {
    let mut received = Vec::new();
    let head_end = loop {
        if let Some(i) = received.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        if !read_more(stream, &mut received)? {
            return Err("the server closed the connection before a whole response head".to_string());
        }
    };
    let head = String::from_utf8_lossy(&received[..head_end]).into_owned();
    let mut lines = head.lines();
    let status = lines.next().unwrap_or_default();
    // The status line is the server's: escape it before it reaches the terminal.
    let status = escape::for_terminal(status);
    if !status.starts_with("HTTP/") {
        return Err(format!("not an HTTP response: {status}"));
    }
    eprintln!("{status}");
    let header = |name: &str| {
        head.lines().skip(1).find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.trim().eq_ignore_ascii_case(name).then(|| value.trim().to_string())
        })
    };
    let mut body = received.split_off(head_end);
    let chunked = header("Transfer-Encoding").is_some_and(|value| value.eq_ignore_ascii_case("chunked"));
    match header("Content-Length") {
        Some(length) if !chunked => {
            // RFC 9112 §6.3: the body is exactly Content-Length bytes.
            let length: usize = length
                .parse()
                .map_err(|_| format!("bad Content-Length {}", escape::for_terminal(&length)))?;
            if length > MAX_RESPONSE {
                return Err(format!("a body of {length} bytes is more than we accept"));
            }
            while body.len() < length {
                if !read_more(stream, &mut body)? {
                    return Err(format!("the body ended after {} of {length} bytes", body.len()));
                }
            }
            body.truncate(length);
        }
        // Otherwise the body runs to the end of the connection.
        _ => while read_more(stream, &mut body)? {},
    }
    if chunked { decode_chunked(&body) } else { Ok(body) }
}

/// Reads once more into `buffer`; `false` at the end of the data (the
/// server's close_notify). An end without close_notify is an error: the
/// response may have been cut short by an attacker (RFC 8446 §6.1).
fn read_more(stream: &mut impl Read, buffer: &mut Vec<u8>) -> Result<bool, String> {
    if buffer.len() > MAX_RESPONSE {
        return Err(format!("a response longer than {MAX_RESPONSE} bytes"));
    }
    let mut chunk = [0u8; 16 * 1024];
    match stream.read(&mut chunk) {
        Ok(0) => Ok(false),
        Ok(n) => {
            buffer.extend_from_slice(&chunk[..n]);
            Ok(true)
        }
        Err(error) => Err(format!("reading the response: {error}")),
    }
}

/// The body of a `chunked` transfer coding (RFC 9112 §7.1): hex size, CRLF,
/// data, CRLF, ..., a zero size; extensions and trailers are skipped.
fn decode_chunked(mut rest: &[u8]) -> Result<Vec<u8>, String> {
    let bad = || "a malformed chunked body".to_string();
    let mut body = Vec::new();
    loop {
        let line_end = rest.windows(2).position(|w| w == b"\r\n").ok_or_else(bad)?;
        let line = std::str::from_utf8(&rest[..line_end]).map_err(|_| bad())?;
        let size = line.split(';').next().unwrap_or_default().trim();
        let size = usize::from_str_radix(size, 16).map_err(|_| bad())?;
        rest = &rest[line_end + 2..];
        if size == 0 {
            return Ok(body);
        }
        let data = rest.get(..size).ok_or_else(bad)?;
        body.extend_from_slice(data);
        rest = rest.get(size..).and_then(|r| r.strip_prefix(b"\r\n")).ok_or_else(bad)?;
    }
}
