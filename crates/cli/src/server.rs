//! `padlock server`: serves HTTPS over padlock-tls, to be visited with
//! `padlock client`, curl, `openssl s_client` or a browser.
//!
//! ```text
//!   padlock server --listen 127.0.0.1:8443
//!   curl --cacert padlock-ca.pem https://localhost:8443/
//! ```
//!
//! Each GET gets a small HTML page that names what the handshake agreed:
//! version, cipher suite and key-exchange group. Without `--cert`/`--key`
//! the server makes a throw-away CA and a certificate for `localhost` and
//! `127.0.0.1`, and writes the CA to `padlock-ca.pem` (or `--ca-out`) for the
//! client to trust.
//!
//! Every connection runs in its own thread with read and write timeouts,
//! so one slow or hostile client never holds up the others. A failed
//! handshake is one line on standard error, `padlock: PEER: reason`, and
//! the server goes on serving.

use std::fs;
use std::io::{self, Read, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::thread;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use padlock_der::{Time, pem};
use padlock_rsa::{RsaKey, RsaPrivateKey};
use padlock_tls::{CipherSuite, Connection, NamedGroup, Negotiated, ServerConfig, Stream};
use padlock_x509::Certificate;
use rand::SeedableRng;
use rand::rngs::StdRng;

use crate::report;
use crate::rsa::{Failed, load_key};

/// The end of `padlock server --help`.
const EXAMPLES: &str = "\
Examples:
  padlock server --listen 127.0.0.1:8443
  padlock server --cert cert.pem --key key.pem --tls 1.2 --suites TLS_DHE_RSA_WITH_AES_128_GCM_SHA256
  curl --cacert padlock-ca.pem https://localhost:8443/";

/// How long a connection may sit idle, reading or writing, before we drop it.
pub(crate) const IO_TIMEOUT: Duration = Duration::from_secs(10);

/// The longest HTTP request head we read (request line and headers).
const MAX_REQUEST_HEAD: usize = 16 * 1024;

/// Arguments of `padlock server`.
#[derive(clap::Args)]
#[command(after_help = EXAMPLES)]
pub(crate) struct Args {
    /// The address to listen on; port 0 picks a free port (printed on standard error).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8443")]
    listen: SocketAddr,
    /// The certificate chain, PEM, leaf first [default: a throw-away one].
    #[arg(long, value_name = "FILE", requires = "key")]
    cert: Option<PathBuf>,
    /// The leaf's private key (RSA), PKCS #1 or PKCS #8, PEM or DER.
    #[arg(long, value_name = "FILE", requires = "cert")]
    key: Option<PathBuf>,
    /// Where to write the throw-away CA certificate (without --cert).
    #[arg(long, value_name = "FILE", default_value = "padlock-ca.pem", conflicts_with = "cert")]
    ca_out: PathBuf,
    /// Speak only this version [default: both, 1.3 preferred].
    #[arg(long, value_enum, value_name = "VERSION")]
    tls: Option<TlsVersion>,
    /// Cipher suites in order of preference, by IANA name, comma-separated.
    #[arg(long, value_name = "SUITE,...", value_delimiter = ',')]
    suites: Vec<String>,
    /// Groups in order of preference: x25519, ffdhe2048, ffdhe3072.
    #[arg(long, value_name = "GROUP,...", value_delimiter = ',')]
    groups: Vec<String>,
    /// The group for TLS 1.2 DHE when the client names no ffdhe group.
    #[arg(long, value_name = "GROUP", default_value = "ffdhe2048")]
    dhe_group: String,
    /// Narrate every handshake on standard output.
    #[arg(long)]
    trace: bool,
    /// Append the NSS key log (for Wireshark) to FILE [default: $SSLKEYLOGFILE].
    #[arg(long, value_name = "FILE")]
    keylog: Option<PathBuf>,
    /// Exit after serving N connections.
    #[arg(long, value_name = "N")]
    max_connections: Option<u64>,
}

/// A protocol version chosen on the command line.
#[derive(Clone, Copy, clap::ValueEnum)]
pub(crate) enum TlsVersion {
    /// TLS 1.2 (RFC 5246).
    #[value(name = "1.2")]
    Tls12,
    /// TLS 1.3 (RFC 8446).
    #[value(name = "1.3")]
    Tls13,
}

impl TlsVersion {
    /// The version's code point on the wire.
    pub(crate) fn protocol(self) -> padlock_tls::ProtocolVersion {
        match self {
            TlsVersion::Tls12 => padlock_tls::ProtocolVersion::Tls12,
            TlsVersion::Tls13 => padlock_tls::ProtocolVersion::Tls13,
        }
    }
}

/// Runs `padlock server`, and returns the exit status.
pub(crate) fn run(args: &Args) -> ExitCode {
    match serve(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failed) => failed.report(),
    }
}

/// Builds the configuration, binds, and serves until `--max-connections`.
fn serve(args: &Args) -> Result<(), Failed> {
    let config = Arc::new(config(args)?);
    let listener = TcpListener::bind(args.listen)
        .map_err(|error| Failed::new(format_args!("{}: {}", args.listen, report::os_message(&error))))?;
    let address = listener.local_addr().map_err(|error| Failed::new(report::os_message(&error)))?;
    eprintln!("listening on {address}");

    let mut served = 0;
    let mut workers = Vec::new();
    while args.max_connections.is_none_or(|max| served < max) {
        let (socket, peer) = match listener.accept() {
            Ok(accepted) => accepted,
            Err(error) => {
                // Out of file descriptors, say: tell, pause, and go on.
                report::error(format_args!("accept: {}", report::os_message(&error)));
                thread::sleep(Duration::from_millis(100));
                continue;
            }
        };
        served += 1;
        let config = Arc::clone(&config);
        match thread::Builder::new().name(peer.to_string()).spawn(move || handle(config, socket, peer)) {
            // Without a limit we never wait for a worker: let it go.
            Ok(worker) if args.max_connections.is_some() => workers.push(worker),
            Ok(_) => {}
            Err(error) => report::error(format_args!("{peer}: no thread: {}", report::os_message(&error))),
        }
    }
    for worker in workers {
        // A worker that panicked has already printed why.
        let _ = worker.join();
    }
    Ok(())
}

/// The server configuration the arguments describe.
fn config(args: &Args) -> Result<ServerConfig, Failed> {
    let (chain, key) = match (&args.cert, &args.key) {
        (Some(cert), Some(key)) => load_identity(cert, key)?,
        _ => throwaway_identity(&args.ca_out)?,
    };
    let mut config = ServerConfig::new(chain, key);
    if let Some(version) = args.tls {
        config.versions = vec![version.protocol()];
    }
    if !args.suites.is_empty() {
        config.cipher_suites = args.suites.iter().map(|name| suite(name)).collect::<Result<_, _>>()?;
    }
    if !args.groups.is_empty() {
        config.groups = args.groups.iter().map(|name| group(name)).collect::<Result<_, _>>()?;
    }
    config.dhe_group = group(&args.dhe_group)?;
    if !config.dhe_group.is_ffdhe() {
        return Err(Failed::new(format_args!("--dhe-group: {} is not a finite-field group", args.dhe_group)));
    }
    if args.trace {
        config.trace = Some(crate::narrate::sink(trace_style()));
    }
    config.key_log = key_log(args.keylog.as_deref());
    Ok(config)
}

/// The certificate chain and private key from their files, checked to
/// belong together.
fn load_identity(
    cert_path: &Path,
    key_path: &Path,
) -> Result<(Vec<Certificate>, Arc<RsaPrivateKey>), Failed> {
    let contents =
        fs::read(cert_path).map_err(|error| Failed::about(cert_path, report::os_message(&error)))?;
    let chain = Certificate::all_from_pem(&contents).map_err(|error| Failed::about(cert_path, error))?;
    let Some(leaf) = chain.first() else {
        return Err(Failed::about(cert_path, "no CERTIFICATE block in the PEM"));
    };
    let key = match load_key(key_path)? {
        RsaKey::Private(key) => Arc::new(*key),
        RsaKey::Public(_) => {
            return Err(Failed::about(key_path, "a public key; the server needs the private key"));
        }
    };
    let leaf_key = leaf.public_key.rsa_key().map_err(|error| Failed::about(cert_path, error))?;
    if leaf_key.to_spki_pem() != key.public_key().to_spki_pem() {
        return Err(Failed::about(key_path, "not the key of the first certificate in --cert"));
    }
    Ok((chain, key))
}

/// A throw-away CA and a certificate it signed for localhost and
/// 127.0.0.1; the CA goes to `ca_out` for clients to trust.
fn throwaway_identity(ca_out: &Path) -> Result<(Vec<Certificate>, Arc<RsaPrivateKey>), Failed> {
    // Valid from an hour ago, so that a client whose clock is a little
    // behind ours still accepts it.
    let seconds = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let seconds = i64::try_from(seconds).unwrap_or(i64::MAX).saturating_sub(3600);
    let not_before =
        Time::from_unix_seconds(seconds).map_err(|_| Failed::new("the system clock is out of range"))?;
    let localhost = [IpAddr::V4(Ipv4Addr::LOCALHOST)];
    let pki =
        padlock_x509::throwaway::throwaway(2048, &["localhost"], &localhost, not_before, &mut rand::rng())
            .map_err(|error| Failed::new(format_args!("making a throw-away certificate: {error}")))?;
    fs::write(ca_out, pem::encode("CERTIFICATE", pki.ca.der()))
        .map_err(|error| Failed::about(ca_out, report::os_message(&error)))?;
    eprintln!(
        "throw-away CA written to {}: trust it with `padlock client --ca {0}` or `curl --cacert {0}`",
        report::quote(ca_out.as_os_str())
    );
    Ok((vec![pki.leaf], pki.key))
}

/// The suite named `name`, or an error listing those we have.
pub(crate) fn suite(name: &str) -> Result<CipherSuite, Failed> {
    CipherSuite::by_name(name).ok_or_else(|| {
        let known: Vec<&str> = padlock_tls::suites::ALL_SUITES.iter().map(|s| s.name()).collect();
        Failed::new(format_args!("unknown cipher suite {name}; known: {}", known.join(", ")))
    })
}

/// The group named `name`, or an error listing those we have.
pub(crate) fn group(name: &str) -> Result<NamedGroup, Failed> {
    NamedGroup::by_name(name).ok_or_else(|| {
        let known: Vec<&str> = NamedGroup::ALL.iter().map(|g| g.name()).collect();
        Failed::new(format_args!("unknown group {name}; known: {}", known.join(", ")))
    })
}

/// How `--trace` shows events: in colour on a terminal, plain otherwise.
pub(crate) fn trace_style() -> crate::narrate::Style {
    use std::io::IsTerminal;
    if io::stdout().is_terminal() { crate::narrate::Style::Color } else { crate::narrate::Style::Plain }
}

/// The key log: `--keylog FILE` if given, else `$SSLKEYLOGFILE` if set.
pub(crate) fn key_log(path: Option<&Path>) -> Option<padlock_tls::trace::KeyLogSink> {
    match path {
        Some(path) => Some(padlock_tls::trace::key_log_file(path.to_path_buf())),
        None => padlock_tls::trace::key_log_from_env(),
    }
}

/// Serves one connection: the handshake, one HTTP request, one answer,
/// close_notify. Whatever goes wrong is one line on standard error.
fn handle(config: Arc<ServerConfig>, socket: TcpStream, peer: SocketAddr) {
    if let Err(message) = exchange(config, socket) {
        report::error(format_args!("{peer}: {message}"));
    }
}

/// The body of [`handle`], returning what went wrong as text.
fn exchange(config: Arc<ServerConfig>, socket: TcpStream) -> Result<(), String> {
    // A client that stops sending (or reading) must not hold the thread forever.
    socket.set_read_timeout(Some(IO_TIMEOUT)).map_err(|error| report::os_message(&error))?;
    socket.set_write_timeout(Some(IO_TIMEOUT)).map_err(|error| report::os_message(&error))?;
    let rng = Box::new(StdRng::from_rng(&mut rand::rng()));
    let mut stream = Stream::new(Connection::server(config, rng), socket);
    stream.handshake().map_err(|error| format!("handshake failed: {error}"))?;
    let Some(negotiated) = stream.connection().negotiated().cloned() else {
        return Err("the handshake ended without parameters".to_string());
    };

    let head = read_request_head(&mut stream)?;
    let request_line = head.lines().next().unwrap_or_default();
    let mut words = request_line.split(' ');
    let (method, target) = (words.next().unwrap_or_default(), words.next().unwrap_or("/"));
    let response = if method == "GET" || method == "HEAD" {
        let page = page(target, &negotiated);
        let body = if method == "GET" { page.as_str() } else { "" };
        format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\
             Connection: close\r\n\r\n{body}",
            page.len()
        )
    } else {
        let body = "Only GET and HEAD are served here.\n";
        format!(
            "HTTP/1.1 405 Method Not Allowed\r\nAllow: GET, HEAD\r\nContent-Type: text/plain\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
    };
    stream.write_all(response.as_bytes()).map_err(|error| format!("sending the response: {error}"))?;
    // RFC 8446 §6.1: close_notify tells the client the response is whole.
    stream.close().map_err(|error| format!("sending close_notify: {error}"))?;
    eprintln!(
        "{}: {} {} ({}, {}, {})",
        stream.get_ref().peer_addr().map_or_else(|_| "?".to_string(), |a| a.to_string()),
        method,
        target,
        negotiated.version_name(),
        negotiated.suite.name(),
        negotiated.group.as_deref().unwrap_or("no group"),
    );
    Ok(())
}

/// Reads up to the blank line that ends the request head (RFC 9112 §2.1),
/// and returns the head as text.
fn read_request_head(stream: &mut impl Read) -> Result<String, String> {
    let mut head = Vec::new();
    let mut buffer = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        if head.len() > MAX_REQUEST_HEAD {
            return Err(format!("request head longer than {MAX_REQUEST_HEAD} bytes"));
        }
        match stream.read(&mut buffer) {
            Ok(0) => return Err("the client closed before a whole request".to_string()),
            Ok(n) => head.extend_from_slice(&buffer[..n]),
            Err(error) => return Err(format!("reading the request: {error}")),
        }
    }
    Ok(String::from_utf8_lossy(&head).into_owned())
}

/// The HTML page naming the negotiated parameters.
fn page(target: &str, negotiated: &Negotiated) -> String {
    let group = match &negotiated.group {
        Some(group) => group.clone(),
        None => "none (RSA key transport)".to_string(),
    };
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
