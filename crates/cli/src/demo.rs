//! `padlock demo`: watch HTTPS happen. A TLS server and a TLS client run in
//! this process and talk over real TCP on 127.0.0.1; the client fetches a
//! page, and every step is narrated in the four steps of the article the
//! project started from:
//!
//! 1. the TCP handshake;
//! 2. the hellos and the certificate check;
//! 3. the key exchange and the key schedule;
//! 4. the encrypted data.
//!
//! Both sides send their trace events ([`padlock_tls::trace`]) into one
//! list, in the order they happen. The exchange is lock-step (each side
//! emits its events before it sends the bytes the other side waits for, and
//! the client waits for the server's handshake to end before it sends its
//! request), so that order is the same on every run; with `--seed` the whole
//! output is reproducible byte for byte. The list is then sorted, stably, by
//! step, and printed with [`crate::narrate`] between the headings and
//! explanations below.

use std::io::{IsTerminal as _, Read as _, Write as _};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::process::ExitCode;
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use padlock_der::Time;
use padlock_ec::Curve;
use padlock_tls::ProtocolVersion::{Tls12 as TLS12, Tls13 as TLS13};
use padlock_tls::messages::{CertificateMessage, HandshakeType, KeyExchangeAlgorithm};
use padlock_tls::record::AeadAlgorithm;
use padlock_tls::suites::{self, GroupKind};
use padlock_tls::trace::{Event, Side, TraceSink};
use padlock_tls::{
    CipherSuite, ClientConfig, Connection, NamedGroup, ProtocolVersion, ServerConfig, SigningKey, Stream,
};
use padlock_x509::throwaway;
use rand::SeedableRng as _;
use rand::rngs::StdRng;

use crate::annotate;
use crate::narrate::{self, Json, Tone, paint};
use crate::report;

mod story;

use story::print;

/// Arguments of `padlock demo`.
#[derive(clap::Args)]
pub(crate) struct Args {
    /// The TLS version.
    #[arg(long = "tls", value_enum, default_value = "1.3")]
    tls: Version,
    /// TLS 1.2 only: RSA key transport (the article's flow), finite-field DHE or ECDHE (default).
    #[arg(long, value_enum)]
    kx: Option<Kx>,
    /// The key-exchange group: in TLS 1.3 any of X25519MLKEM768,
    /// SecP256r1MLKEM768, x25519 (default), secp256r1, secp384r1, ffdhe2048,
    /// ffdhe3072; in TLS 1.2 ECDHE a curve (x25519, secp256r1, secp384r1).
    #[arg(long, value_name = "GROUP")]
    group: Option<String>,
    /// The server's certificate key: rsa (2048 bits, default) or ecdsa
    /// (P-256, under a P-384 CA).
    #[arg(long, value_enum, default_value = "rsa")]
    cert: CertKind,
    /// The cipher suite, by IANA name (say TLS_CHACHA20_POLY1305_SHA256);
    /// by default AES-128-GCM with the key exchange the other flags choose.
    #[arg(long, value_name = "SUITE")]
    suite: Option<String>,
    /// Make the run reproducible byte for byte: seeded RNGs and a fixed clock.
    #[arg(long)]
    seed: Option<u64>,
    /// Print the events as JSON, one object per line, for tools.
    #[arg(long)]
    json: bool,
}

/// `--tls`.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Version {
    /// TLS 1.2 (RFC 5246).
    #[value(name = "1.2")]
    Tls12,
    /// TLS 1.3 (RFC 8446).
    #[value(name = "1.3")]
    Tls13,
}

/// `--kx`.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Kx {
    /// RSA key transport (RFC 5246 §7.4.7.1).
    Rsa,
    /// Finite-field Diffie-Hellman, ffdhe2048 (RFC 7919).
    Dhe,
    /// Elliptic-curve Diffie-Hellman, X25519 (RFC 8422).
    Ecdhe,
}

/// `--cert`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum CertKind {
    /// RSA-2048 keys.
    Rsa,
    /// ECDSA: a P-256 server key under a P-384 CA.
    Ecdsa,
}

/// RSA key size of the throw-away CA and server keys.
const RSA_BITS: usize = 2048;

/// The request the client sends.
const REQUEST: &[u8] = b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";

/// What one run is made of, from the flags.
struct Plan {
    version: ProtocolVersion,
    suite: CipherSuite,
    kx: Option<KeyExchangeAlgorithm>,
    group: NamedGroup,
    cert: CertKind,
    seed: Option<u64>,
    style: narrate::Style,
}

/// Runs `padlock demo`.
pub(crate) fn run(args: &Args) -> ExitCode {
    let plan = match plan(args) {
        Ok(plan) => plan,
        Err(message) => {
            report::error(format_args!("demo: {message}"));
            return ExitCode::from(2);
        }
    };
    let events: Arc<Mutex<Vec<(Side, Event)>>> = Arc::default();
    let outcome = exchange(&plan, &events);
    let events = match events.lock() {
        Ok(mut list) => std::mem::take(&mut *list),
        Err(poisoned) => std::mem::take(&mut *poisoned.into_inner()),
    };
    print(&plan, &outcome, &events);
    match outcome.error {
        None => ExitCode::SUCCESS,
        Some(error) => {
            report::error(format_args!("demo: {error}"));
            ExitCode::FAILURE
        }
    }
}

/// Maps the flags to versions, suite and group; rejects what does not fit.
fn plan(args: &Args) -> Result<Plan, String> {
    let group = match &args.group {
        Some(name) => Some(NamedGroup::by_name(name).ok_or_else(|| {
            let known: Vec<&str> = NamedGroup::ALL.iter().map(|g| g.name()).collect();
            format!("--group: unknown group {name}; known: {}", known.join(", "))
        })?),
        None => None,
    };
    let (version, suite, group) = match args.tls {
        Version::Tls13 => {
            if args.kx.is_some() {
                return Err("--kx is for TLS 1.2: TLS 1.3 always uses (EC)DHE; choose it with --group".into());
            }
            (TLS13, suites::TLS13_AES_128_GCM_SHA256, group.unwrap_or(NamedGroup::X25519))
        }
        Version::Tls12 => tls12_plan(args.kx.unwrap_or(Kx::Ecdhe), group, args.cert)?,
    };
    let suite = match &args.suite {
        None => suite,
        Some(name) => {
            let chosen =
                CipherSuite::by_name(name).ok_or_else(|| format!("--suite: unknown suite {name}"))?;
            if chosen.is_tls13() != (version == TLS13) || (!chosen.is_tls13() && chosen.kx != suite.kx) {
                return Err(format!(
                    "--suite {name} does not fit --tls and --kx (they say {})",
                    suite.name()
                ));
            }
            chosen
        }
    };
    if suite.auth == Some(padlock_tls::Authentication::Ecdsa) && args.cert != CertKind::Ecdsa {
        return Err(format!("{} needs --cert ecdsa", suite.name()));
    }
    let style = if args.json {
        narrate::Style::Json
    } else if std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none() {
        narrate::Style::Color
    } else {
        narrate::Style::Plain
    };
    Ok(Plan { version, suite, kx: suite.kx, group, cert: args.cert, seed: args.seed, style })
}

/// TLS 1.2: the suite and group of `--kx`, `--group` and `--cert`.
fn tls12_plan(
    kx: Kx,
    group: Option<NamedGroup>,
    cert: CertKind,
) -> Result<(ProtocolVersion, CipherSuite, NamedGroup), String> {
    if cert == CertKind::Ecdsa && kx != Kx::Ecdhe {
        return Err("an ECDSA certificate signs ECDHE parameters: use --kx ecdhe with --cert ecdsa".into());
    }
    let (suite, default_group) = match kx {
        Kx::Rsa => (suites::RSA_AES_128_GCM_SHA256, NamedGroup::X25519),
        Kx::Dhe => (suites::DHE_RSA_AES_128_GCM_SHA256, NamedGroup::Ffdhe2048),
        Kx::Ecdhe if cert == CertKind::Ecdsa => (suites::ECDHE_ECDSA_AES_128_GCM_SHA256, NamedGroup::X25519),
        Kx::Ecdhe => (suites::ECDHE_RSA_AES_128_GCM_SHA256, NamedGroup::X25519),
    };
    let group = match group {
        None => default_group,
        Some(g) if kx == Kx::Ecdhe && g.is_tls12_ecdhe() => g,
        Some(g) => {
            return Err(format!(
                "--group {} does not fit TLS 1.2 --kx {}: ECDHE takes x25519, secp256r1 or secp384r1; DHE uses ffdhe2048; RSA has no group",
                g.name(),
                match kx {
                    Kx::Rsa => "rsa",
                    Kx::Dhe => "dhe",
                    Kx::Ecdhe => "ecdhe",
                }
            ));
        }
    };
    Ok((TLS12, suite, group))
}

/// What the run measured, beside the events.
#[derive(Default)]
struct Outcome {
    /// Time to make the CA and server keys and certificates.
    pki_time: Duration,
    /// The server's port.
    port: u16,
    /// Time for `connect` (the TCP three-way handshake).
    connect_time: Duration,
    /// The HTTP response the client read.
    response: Vec<u8>,
    /// What went wrong, if anything.
    error: Option<String>,
}

/// An RNG: seeded from `seed` and a per-use `stream` number, or from the OS.
fn rng(seed: Option<u64>, stream: u64) -> StdRng {
    match seed {
        Some(seed) => StdRng::seed_from_u64(seed.wrapping_mul(3).wrapping_add(stream)),
        None => StdRng::from_rng(&mut rand::rng()),
    }
}

/// The clock: fixed when seeded (`not_before`, `now`), else the system's.
fn clock(seed: Option<u64>) -> Result<(Time, Option<Time>), String> {
    if seed.is_some() {
        let not_before = Time::new(2025, 1, 1, 0, 0, 0).map_err(|e| e.to_string())?;
        let now = Time::new(2025, 1, 2, 12, 0, 0).map_err(|e| e.to_string())?;
        return Ok((not_before, Some(now)));
    }
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_err(|_| "the system clock is before 1970".to_string())?
        .as_secs() as i64;
    // An hour back, so a clock a little behind ours still accepts it.
    Ok((Time::from_unix_seconds(seconds - 3600).map_err(|e| e.to_string())?, None))
}

/// Makes the PKI, runs the server thread and the client; every event goes
/// into `events`.
fn exchange(plan: &Plan, events: &Arc<Mutex<Vec<(Side, Event)>>>) -> Outcome {
    let mut outcome = Outcome::default();
    if let Err(error) = try_exchange(plan, events, &mut outcome) {
        outcome.error = Some(error);
    }
    outcome
}

/// [`exchange`], with `?`: the first error ends the run.
fn try_exchange(
    plan: &Plan,
    events: &Arc<Mutex<Vec<(Side, Event)>>>,
    outcome: &mut Outcome,
) -> Result<(), String> {
    let (not_before, now) = clock(plan.seed)?;
    let start = Instant::now();
    let (ca, leaf, key): (_, _, SigningKey) = match plan.cert {
        CertKind::Rsa => {
            let pki =
                throwaway::throwaway(RSA_BITS, &["localhost"], &[], not_before, &mut rng(plan.seed, 0))?;
            (pki.ca, pki.leaf, pki.key.into())
        }
        CertKind::Ecdsa => {
            let pki = throwaway::throwaway_ecdsa(
                Curve::P256,
                &["localhost"],
                &[],
                not_before,
                &mut rng(plan.seed, 0),
            )?;
            (pki.ca, pki.leaf, pki.key.into())
        }
    };
    outcome.pki_time = start.elapsed();

    let list = events.clone();
    let sink: TraceSink = Arc::new(move |side: Side, event: &Event| {
        if let Ok(mut list) = list.lock() {
            list.push((side, event.clone()));
        }
    });
    let mut server_config = ServerConfig::new(vec![leaf], key);
    server_config.versions = vec![plan.version];
    server_config.cipher_suites = vec![plan.suite];
    server_config.groups = vec![plan.group];
    server_config.dhe_group = NamedGroup::Ffdhe2048;
    server_config.trace = Some(sink.clone());
    let mut client_config = ClientConfig::new("localhost", vec![ca]);
    client_config.versions = vec![plan.version];
    client_config.cipher_suites = vec![plan.suite];
    client_config.groups = vec![plan.group];
    client_config.key_share_groups = vec![plan.group];
    client_config.now = now;
    client_config.trace = Some(sink);

    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).map_err(|e| format!("listen: {e}"))?;
    let address = listener.local_addr().map_err(|e| e.to_string())?;
    outcome.port = address.port();
    let (done_tx, done_rx) = mpsc::channel::<()>();
    let server_rng = rng(plan.seed, 2);
    let server = std::thread::spawn(move || serve(&listener, server_config, server_rng, &done_tx));

    let start = Instant::now();
    let tcp = TcpStream::connect(address).map_err(|e| format!("connect: {e}"))?;
    outcome.connect_time = start.elapsed();
    let _ = tcp.set_read_timeout(Some(Duration::from_secs(20)));
    let client = fetch(tcp, client_config, rng(plan.seed, 1), &done_rx, &mut outcome.response);
    let served = server.join().unwrap_or_else(|_| Err("the server thread panicked".into()));
    client.map_err(|e| format!("client: {e}"))?;
    served.map_err(|e| format!("server: {e}"))
}

/// The client: handshake, wait until the server's handshake is over too
/// (so the narrative keeps one order), send the request, read the answer
/// until close_notify, send ours.
fn fetch(
    tcp: TcpStream,
    config: ClientConfig,
    rng: StdRng,
    server_ready: &mpsc::Receiver<()>,
    response: &mut Vec<u8>,
) -> Result<(), String> {
    let conn = Connection::client(Arc::new(config), Box::new(rng)).map_err(|e| e.to_string())?;
    let mut stream = Stream::new(conn, tcp);
    stream.handshake().map_err(|e| e.to_string())?;
    server_ready.recv().map_err(|_| "the server's handshake failed".to_string())?;
    stream.write_all(REQUEST).map_err(|e| e.to_string())?;
    stream.read_to_end(response).map_err(|e| e.to_string())?;
    stream.close().map_err(|e| e.to_string())
}

/// The server: one connection; reads the request, answers with a page
/// naming what was negotiated, and closes.
fn serve(
    listener: &TcpListener,
    config: ServerConfig,
    rng: StdRng,
    handshake_done: &mpsc::Sender<()>,
) -> Result<(), String> {
    let (tcp, _) = listener.accept().map_err(|e| format!("accept: {e}"))?;
    let _ = tcp.set_read_timeout(Some(Duration::from_secs(20)));
    let mut stream = Stream::new(Connection::server(Arc::new(config), Box::new(rng)), tcp);
    stream.handshake().map_err(|e| e.to_string())?;
    let _ = handshake_done.send(());
    let mut request = Vec::new();
    let mut buffer = [0u8; 4096];
    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut buffer).map_err(|e| e.to_string())?;
        if n == 0 {
            return Err("the client closed before its request ended".into());
        }
        request.extend_from_slice(&buffer[..n]);
    }
    let (version, suite, group) = match stream.connection().negotiated() {
        Some(n) => (n.version_name(), n.suite.name(), narrate::group_name(n.key_exchange).unwrap_or("none")),
        None => ("?", "?", "?"),
    };
    let body = format!(
        "<!doctype html>\n<title>Padlock</title>\n<p>Hello over {version}, {suite}, key exchange group {group}.</p>\n"
    );
    let response = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    // Response and close_notify are queued together, then sent at once:
    // the client sees nothing until both events have been traced.
    let conn = stream.connection_mut();
    conn.write_app_data(response.as_bytes()).map_err(|e| e.to_string())?;
    conn.send_close_notify();
    stream.flush().map_err(|e| e.to_string())?;
    // The client's close_notify.
    let mut rest = Vec::new();
    stream.read_to_end(&mut rest).map_err(|e| e.to_string())?;
    Ok(())
}
