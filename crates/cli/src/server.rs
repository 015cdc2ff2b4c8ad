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
//! Every connection runs in its own thread, within limits that keep one
//! slow or hostile client from holding up the others (`server/limits.rs`):
//! at most `--max-connections` at once and half of them from any one
//! address, the whole handshake done within `--handshake-timeout`, the
//! whole request within `--request-timeout`. A failed handshake is one line
//! on standard error, `padlock: PEER: reason`, and the server goes on
//! serving; after any fatal alert it lingers a moment, so that the client
//! reads the alert rather than a TCP reset. Whatever came from the client
//! is escaped before it is printed (`escape.rs`): a request target cannot
//! write escape sequences to the terminal or forge a log line.

mod http;
pub(crate) mod limits;

use std::fs;
use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::thread;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use padlock_der::{Time, pem};
use padlock_rsa::RsaKey;
use padlock_tls::{
    CertifiedKey, Connection, Negotiated, ProtocolVersion, ServerConfig, SignatureScheme, SigningKey, Stream,
};
use padlock_x509::Certificate;
use rand::SeedableRng;
use rand::rngs::StdRng;

use self::limits::{Slot, Slots, Throttled};
use crate::deadline::Deadline;
use crate::escape;
use crate::files::load_key;
use crate::report::{self, Failed};
use crate::tls_args::{TlsVersion, group, key_log, suite, trace_style};

/// The end of `padlock server --help`.
const EXAMPLES: &str = "\
Examples:
  padlock server --listen 127.0.0.1:8443
  padlock server --cert cert.pem --key key.pem --tls 1.2 --suites TLS_DHE_RSA_WITH_AES_128_GCM_SHA256
  curl --cacert padlock-ca.pem https://localhost:8443/";

/// How often a repeated complaint (accept failing, an address over its
/// share) is printed at most.
const LOG_INTERVAL: Duration = Duration::from_secs(10);

/// Files kept for other uses than connections (standard streams, the
/// listener, the key log, the trace) when `--max-connections` is fitted
/// under the limit on open files.
const RESERVED_FILES: usize = 32;

/// Arguments of `padlock server`.
#[derive(clap::Args)]
#[command(after_help = EXAMPLES)]
pub(crate) struct Args {
    /// The address to listen on; port 0 picks a free port (printed on standard error).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8443")]
    listen: SocketAddr,
    /// A certificate chain, PEM, leaf first [default: a throw-away one]. Give
    /// --cert and --key twice (an RSA and an ECDSA certificate, say) and each
    /// client gets the one it can verify.
    #[arg(long, value_name = "FILE", requires = "key")]
    cert: Vec<PathBuf>,
    /// The private key of the --cert at the same position: RSA (PKCS #1 or
    /// PKCS #8), RSA-PSS (PKCS #8) or EC on P-256 or P-384 (SEC1 or PKCS #8),
    /// PEM or DER.
    #[arg(long, value_name = "FILE", requires = "cert")]
    key: Vec<PathBuf>,
    /// The throw-away certificate's key without --cert: rsa (2048 bits),
    /// ecdsa (P-256, under a P-384 CA), or both (one of each, two CAs in the file).
    #[arg(long, value_enum, value_name = "KIND", default_value = "rsa", conflicts_with = "cert")]
    throwaway: Throwaway,
    /// Where to write the throw-away CA certificate(s) (without --cert).
    #[arg(long, value_name = "FILE", default_value = "padlock-ca.pem", conflicts_with = "cert")]
    ca_out: PathBuf,
    /// Speak only this version [default: both, 1.3 preferred].
    #[arg(long, value_enum, value_name = "VERSION")]
    tls: Option<TlsVersion>,
    /// Cipher suites in order of preference, by IANA name, comma-separated.
    #[arg(long, value_name = "SUITE,...", value_delimiter = ',')]
    suites: Vec<String>,
    /// Groups in order of preference: X25519MLKEM768, SecP256r1MLKEM768, x25519,
    /// secp256r1, secp384r1, ffdhe2048, ffdhe3072.
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
    /// Serve at most N connections at once; more wait their turn.
    #[arg(long, value_name = "N", default_value_t = 512, value_parser = clap::value_parser!(u32).range(1..))]
    max_connections: u32,
    /// Serve at most N of them from one client address (an IPv6 /64) [default: half of --max-connections].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    max_per_address: Option<u32>,
    /// Close a connection whose handshake is not done within SECONDS of its arrival.
    #[arg(long, value_name = "SECONDS", default_value = "10", value_parser = seconds)]
    handshake_timeout: Duration,
    /// Close a connection whose request is not read and answered within SECONDS of the handshake.
    #[arg(long, value_name = "SECONDS", default_value = "10", value_parser = seconds)]
    request_timeout: Duration,
    /// Exit after serving N connections (for tests and scripts).
    #[arg(long, value_name = "N")]
    exit_after: Option<u64>,
}

/// A time limit given in seconds (a fraction allowed), from 1 ms to a day.
fn seconds(text: &str) -> Result<Duration, String> {
    let seconds: f64 = text.parse().map_err(|_| format!("not a number of seconds: {text}"))?;
    if !(0.001..=86_400.0).contains(&seconds) {
        return Err("give between 0.001 and 86400 seconds".to_string());
    }
    Ok(Duration::from_secs_f64(seconds))
}

/// Runs `padlock server`, and returns the exit status.
pub(crate) fn run(args: &Args) -> ExitCode {
    match serve(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failed) => failed.report(),
    }
}

/// Builds the configuration, binds, and serves (until `--exit-after`).
fn serve(args: &Args) -> Result<(), Failed> {
    let config = Arc::new(config(args)?);
    let listener = TcpListener::bind(args.listen)
        .map_err(|error| Failed::new(format_args!("{}: {}", args.listen, report::os_message(&error))))?;
    let address = listener.local_addr().map_err(|error| Failed::new(report::os_message(&error)))?;
    let slots = slots(args);
    eprintln!("listening on {address}");

    let mut served = 0;
    let mut workers = Vec::new();
    let mut accept_failed = Throttled::new(LOG_INTERVAL);
    let mut over_share = Throttled::new(LOG_INTERVAL);
    // After a failed accept (out of file descriptors, say), wait before the
    // next try, longer each time up to a second, so that finishing
    // connections can free what is missing.
    let mut pause = Duration::ZERO;
    while args.exit_after.is_none_or(|max| served < max) {
        slots.wait_for_room();
        let (socket, peer) = match listener.accept() {
            Ok(accepted) => accepted,
            Err(error) => {
                accept_failed.note(format_args!("accept: {}", report::os_message(&error)));
                pause = (pause * 2).clamp(Duration::from_millis(10), Duration::from_secs(1));
                thread::sleep(pause);
                continue;
            }
        };
        pause = Duration::ZERO;
        let Some(slot) = slots.take(peer.ip()) else {
            // Dropping the socket closes it: this address has its share.
            over_share.note(format_args!(
                "{}: closed at once: this address has its share of connections open",
                peer.ip()
            ));
            continue;
        };
        served += 1;
        let (config, limits) = (Arc::clone(&config), (args.handshake_timeout, args.request_timeout));
        let work = move || handle(config, socket, peer, limits, slot);
        match thread::Builder::new().name(peer.to_string()).spawn(work) {
            // Without --exit-after we never wait for a worker: let it go.
            Ok(worker) if args.exit_after.is_some() => workers.push(worker),
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

/// The connection slots `--max-connections` and `--max-per-address` ask
/// for, fitted under the limit on open files (`ulimit -n`): past it,
/// accept would fail for everyone.
fn slots(args: &Args) -> Arc<Slots> {
    let mut total = args.max_connections as usize;
    if let Some(limit) = limits::open_files_limit() {
        let room = limit.saturating_sub(RESERVED_FILES).max(1);
        if room < total {
            eprintln!(
                "serving at most {room} connections at once, not {total}: this process may open \
                 only {limit} files (ulimit -n)"
            );
            total = room;
        }
    }
    let per_address = match args.max_per_address {
        Some(n) => n as usize,
        None => total.div_ceil(2),
    };
    Slots::new(total, per_address)
}

/// The server configuration the arguments describe.
fn config(args: &Args) -> Result<ServerConfig, Failed> {
    if args.cert.len() != args.key.len() {
        return Err(Failed::new("give one --key for each --cert, in the same order"));
    }
    let certificates = if args.cert.is_empty() {
        throwaway_identities(args.throwaway, &args.ca_out)?
    } else {
        args.cert
            .iter()
            .zip(&args.key)
            .map(|(cert, key)| load_identity(cert, key))
            .collect::<Result<_, _>>()?
    };
    let mut config = ServerConfig::with_certificates(certificates);
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
fn load_identity(cert_path: &Path, key_path: &Path) -> Result<CertifiedKey, Failed> {
    let contents =
        fs::read(cert_path).map_err(|error| Failed::about(cert_path, report::os_message(&error)))?;
    let chain = Certificate::all_from_pem(&contents).map_err(|error| Failed::about(cert_path, error))?;
    let Some(leaf) = chain.first() else {
        return Err(Failed::about(cert_path, "no CERTIFICATE block in the PEM"));
    };
    let (key, public_spki) = load_signing_key(key_path)?;
    if leaf.public_key.der() != public_spki.as_slice() {
        return Err(Failed::about(key_path, "not the key of the first certificate in --cert"));
    }
    Ok(CertifiedKey { chain, key })
}

/// A private key file, RSA (rsaEncryption or RSA-PSS) or EC, and its public
/// key as SubjectPublicKeyInfo DER.
fn load_signing_key(path: &Path) -> Result<(SigningKey, Vec<u8>), Failed> {
    let contents = fs::read(path).map_err(|error| Failed::about(path, report::os_message(&error)))?;
    if let Ok(file) = padlock_ec::read_key(&contents) {
        return match file.key {
            padlock_ec::EcKey::Private(key) => {
                let spki = key.public_key().to_spki_der();
                Ok((SigningKey::Ecdsa(Arc::new(key)), spki))
            }
            padlock_ec::EcKey::Public(_) => {
                Err(Failed::about(path, "a public key; the server needs the private key"))
            }
        };
    }
    match load_key(path)? {
        RsaKey::Private(key) => {
            let spki = key.public_key().to_spki_der();
            Ok((SigningKey::Rsa(Arc::new(*key)), spki))
        }
        // RFC 4055 §1.2: an RSA-PSS key signs with RSASSA-PSS only, so it
        // serves the rsa_pss_pss schemes and never RSA key transport.
        RsaKey::PssPrivate(key) => {
            let spki = key.public_key().to_spki_der();
            let params = key.params().map(ToString::to_string).unwrap_or_default();
            let key = SigningKey::RsaPss(Arc::new(*key));
            // RFC 8446 §4.2.3: the rsa_pss_pss salt is as long as the hash,
            // which a key demanding a longer one (or SHA-1, or SHA-224) never allows.
            if !SignatureScheme::ALL.iter().any(|s| key.can_sign(*s, ProtocolVersion::Tls13)) {
                return Err(Failed::about(
                    path,
                    format_args!(
                        "this RSA-PSS key's parameters ({params}) allow none of TLS's rsa_pss_pss schemes, \
                         which use SHA-256, -384 or -512 with a salt as long as the hash"
                    ),
                ));
            }
            Ok((key, spki))
        }
        RsaKey::Public(_) | RsaKey::PssPublic(_) => {
            Err(Failed::about(path, "a public key; the server needs the private key"))
        }
    }
}

/// A throw-away CA and a certificate it signed for localhost and
/// 127.0.0.1; the CA goes to `ca_out` for clients to trust.
fn throwaway_identities(kind: Throwaway, ca_out: &Path) -> Result<Vec<CertifiedKey>, Failed> {
    // Valid from an hour ago, so that a client whose clock is a little
    // behind ours still accepts it.
    let seconds = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let seconds = i64::try_from(seconds).unwrap_or(i64::MAX).saturating_sub(3600);
    let not_before =
        Time::from_unix_seconds(seconds).map_err(|_| Failed::new("the system clock is out of range"))?;
    let localhost = [IpAddr::V4(Ipv4Addr::LOCALHOST)];
    let failed = |error: String| Failed::new(format_args!("making a throw-away certificate: {error}"));
    let (mut identities, mut cas) = (Vec::new(), String::new());
    if matches!(kind, Throwaway::Ecdsa | Throwaway::Both) {
        let curve = padlock_ec::Curve::P256;
        let pki = padlock_x509::throwaway::throwaway_ecdsa(
            curve,
            &["localhost"],
            &localhost,
            not_before,
            &mut rand::rng(),
        )
        .map_err(failed)?;
        cas += &pem::encode("CERTIFICATE", pki.ca.der());
        identities.push(CertifiedKey { chain: vec![pki.leaf], key: SigningKey::Ecdsa(pki.key) });
    }
    if matches!(kind, Throwaway::Rsa | Throwaway::Both) {
        let pki = padlock_x509::throwaway::throwaway(
            2048,
            &["localhost"],
            &localhost,
            not_before,
            &mut rand::rng(),
        )
        .map_err(failed)?;
        cas += &pem::encode("CERTIFICATE", pki.ca.der());
        identities.push(CertifiedKey { chain: vec![pki.leaf], key: SigningKey::Rsa(pki.key) });
    }
    fs::write(ca_out, cas).map_err(|error| Failed::about(ca_out, report::os_message(&error)))?;
    eprintln!(
        "throw-away CA written to {}: trust it with `padlock client --ca {0}` or `curl --cacert {0}`",
        report::quote(ca_out.as_os_str())
    );
    Ok(identities)
}

/// The kind of throw-away certificate `padlock server` makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Throwaway {
    /// An RSA-2048 key under an RSA CA.
    Rsa,
    /// An ECDSA P-256 key under a P-384 CA.
    Ecdsa,
    /// One of each: clients that verify ECDSA get it, the others RSA.
    Both,
}

/// Serves one connection: the handshake, one HTTP request, one answer,
/// close_notify. Whatever goes wrong is one line on standard error. The
/// connection's slot is given back when this returns.
fn handle(
    config: Arc<ServerConfig>,
    socket: TcpStream,
    peer: SocketAddr,
    limits: (Duration, Duration),
    slot: Slot,
) {
    if let Err(message) = exchange(config, socket, limits) {
        // The message may quote what the client sent.
        report::error(format_args!("{peer}: {}", escape::for_terminal(&message)));
    }
    drop(slot);
}

/// How long a connection that failed may still drain the peer's bytes, so
/// that our alert is read before the close (see `Stream::linger_after_error`).
const LINGER: Duration = Duration::from_secs(1);

/// The body of [`handle`], returning what went wrong as text.
fn exchange(
    config: Arc<ServerConfig>,
    socket: TcpStream,
    (handshake_timeout, request_timeout): (Duration, Duration),
) -> Result<(), String> {
    let peer = socket.peer_addr().map_or_else(|_| "?".to_string(), |a| a.to_string());
    let socket = Deadline::new(socket, "the handshake", handshake_timeout);
    let rng = Box::new(StdRng::from_rng(&mut rand::rng()));
    let mut stream = Stream::new(Connection::server(config, rng), socket);
    if let Err(error) = stream.handshake() {
        // The alert is on its way; let the client read it before we close.
        stream.linger_after_error(LINGER);
        return Err(format!("handshake failed: {error}{}", crate::explain::client_refusal(&error)));
    }
    let Some(negotiated) = stream.connection().negotiated().cloned() else {
        return Err("the handshake ended without parameters".to_string());
    };

    stream.get_ref().next("the request", request_timeout);
    let answered = answer(&mut stream, &negotiated);
    // A fatal alert went out while we read the request (bad_record_mac, say,
    // or too many records that advance nothing): as after a failed
    // handshake, let the client read it before we close. A deadline that
    // passed sent no alert, and gets no more time.
    if stream.connection().error().is_some_and(|error| error.alert().is_some()) {
        stream.linger_after_error(LINGER);
    }
    let request = answered?;
    eprintln!(
        "{peer}: {} {} ({}, {}, {})",
        escape::for_terminal(&request.method),
        escape::for_terminal(&request.target),
        negotiated.version_name(),
        negotiated.suite.name(),
        crate::narrate::group_name(negotiated.key_exchange).unwrap_or("no group"),
    );
    Ok(())
}

/// Reads the request and sends its answer and close_notify; returns the
/// request, or what went wrong (after answering it, if HTTP has an answer).
fn answer(stream: &mut Stream<Deadline>, negotiated: &Negotiated) -> Result<http::Request, String> {
    let (response, request) = match http::read_request(stream) {
        Ok(request) => (http::respond(&request, negotiated), Ok(request)),
        Err(http::Unread { answer: Some(answer), reason }) => (answer, Err(reason)),
        Err(http::Unread { answer: None, reason }) => return Err(reason),
    };
    stream.write_all(response.as_bytes()).map_err(|error| format!("sending the response: {error}"))?;
    // RFC 8446 §6.1: close_notify tells the client the response is whole.
    stream.close().map_err(|error| format!("sending close_notify: {error}"))?;
    request
}
