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
use padlock_tls::messages::version::{TLS12, TLS13};
use padlock_tls::messages::{CertificateMessage, HandshakeType, KeyExchangeAlgorithm};
use padlock_tls::suites;
use padlock_tls::trace::{Event, Side, TraceSink};
use padlock_tls::{CipherSuite, ClientConfig, Connection, NamedGroup, ServerConfig, Stream};
use rand::SeedableRng as _;
use rand::rngs::StdRng;

use crate::annotate;
use crate::narrate::{self, Json, Tone, paint};
use crate::report;

/// Arguments of `padlock demo`.
#[derive(clap::Args)]
pub(crate) struct Args {
    /// The TLS version.
    #[arg(long = "tls", value_enum, default_value = "1.3")]
    tls: Version,
    /// TLS 1.2 only: RSA key transport (the article's flow), finite-field DHE or ECDHE (default).
    #[arg(long, value_enum)]
    kx: Option<Kx>,
    /// TLS 1.3 only: the key-exchange group (default x25519).
    #[arg(long, value_enum)]
    group: Option<Group>,
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

/// `--group`.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Group {
    /// X25519 (RFC 7748).
    X25519,
    /// The 2048-bit group of RFC 7919.
    Ffdhe2048,
}

/// RSA key size of the throw-away CA and server keys.
const RSA_BITS: usize = 2048;

/// The request the client sends.
const REQUEST: &[u8] = b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";

/// What one run is made of, from the flags.
struct Plan {
    version: u16,
    suite: CipherSuite,
    kx: Option<KeyExchangeAlgorithm>,
    group: NamedGroup,
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
    let (version, suite, group) = match args.tls {
        Version::Tls13 => {
            if args.kx.is_some() {
                return Err("--kx is for TLS 1.2: TLS 1.3 always uses (EC)DHE; choose it with --group".into());
            }
            let group = match args.group {
                Some(Group::Ffdhe2048) => NamedGroup::Ffdhe2048,
                _ => NamedGroup::X25519,
            };
            (TLS13, suites::TLS13_AES_128_GCM_SHA256, group)
        }
        Version::Tls12 => {
            if args.group.is_some() {
                return Err(
                    "--group is for TLS 1.3: in TLS 1.2, --kx decides (dhe: ffdhe2048, ecdhe: x25519)".into(),
                );
            }
            match args.kx.unwrap_or(Kx::Ecdhe) {
                Kx::Rsa => (TLS12, suites::RSA_AES_128_GCM_SHA256, NamedGroup::X25519),
                Kx::Dhe => (TLS12, suites::DHE_RSA_AES_128_GCM_SHA256, NamedGroup::Ffdhe2048),
                Kx::Ecdhe => (TLS12, suites::ECDHE_RSA_AES_128_GCM_SHA256, NamedGroup::X25519),
            }
        }
    };
    let style = if args.json {
        narrate::Style::Json
    } else if std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none() {
        narrate::Style::Color
    } else {
        narrate::Style::Plain
    };
    Ok(Plan { version, suite, kx: suite.kx, group, seed: args.seed, style })
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
    let pki = padlock_tls::pki::throwaway(RSA_BITS, &["localhost"], &[], not_before, &mut rng(plan.seed, 0))?;
    outcome.pki_time = start.elapsed();

    let list = events.clone();
    let sink: TraceSink = Arc::new(move |side: Side, event: &Event| {
        if let Ok(mut list) = list.lock() {
            list.push((side, event.clone()));
        }
    });
    let mut server_config = ServerConfig::new(vec![pki.leaf.clone()], pki.key.clone());
    server_config.versions = vec![plan.version];
    server_config.cipher_suites = vec![plan.suite];
    server_config.groups = vec![plan.group];
    server_config.dhe_group = NamedGroup::Ffdhe2048;
    server_config.trace = Some(sink.clone());
    let mut client_config = ClientConfig::new("localhost", vec![pki.ca.clone()]);
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
        Some(n) => (n.version_name(), n.suite.name, n.group.clone().unwrap_or_else(|| "none".into())),
        None => ("?".into(), "?", "?".into()),
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

/// Where an event belongs in the story: (step, part). `None`: not shown.
fn place(event: &Event) -> Option<(u8, u8)> {
    Some(match event {
        Event::Record { .. } => return None,
        Event::Handshake { typ, .. } => match typ {
            HandshakeType::ClientHello | HandshakeType::ServerHello | HandshakeType::EncryptedExtensions => {
                (2, 1)
            }
            HandshakeType::Certificate
            | HandshakeType::CertificateVerify
            | HandshakeType::CertificateRequest
            | HandshakeType::ServerHelloDone => (2, 2),
            HandshakeType::ServerKeyExchange | HandshakeType::ClientKeyExchange => (3, 1),
            HandshakeType::Finished => (3, 3),
            _ => (4, 1),
        },
        Event::Negotiated { .. } | Event::Note(_) => (2, 1),
        Event::Check { what, .. } if what.contains("Finished") => (3, 3),
        Event::Check { what, .. } if what.contains("ServerKeyExchange") => (3, 1),
        Event::Check { .. } => (2, 2),
        Event::KeyExchange { .. } => (3, 1),
        Event::Secret { name, .. } if name == "premaster secret" => (3, 1),
        Event::Secret { name, .. } if name.contains("upd") => (4, 1),
        Event::KeysInstalled { stage, .. } if stage.contains("updated") => (4, 1),
        Event::Secret { .. } | Event::KeysInstalled { .. } | Event::ChangeCipherSpec { .. } => (3, 2),
        Event::ApplicationData { .. } | Event::Alert { .. } => (4, 1),
    })
}

/// Prints the run: headings, explanations and events in step order.
fn print(plan: &Plan, outcome: &Outcome, events: &[(Side, Event)]) {
    let mut placed: Vec<((u8, u8), usize)> =
        events.iter().enumerate().filter_map(|(i, (_, e))| place(e).map(|p| (p, i))).collect();
    // Failures are told where they happened, after what came before them.
    if let Some(first_failure) =
        events.iter().position(|(_, e)| matches!(e, Event::Note(t) if t.starts_with("connection failed")))
    {
        for (p, i) in &mut placed {
            if *i >= first_failure {
                *p = (5, 0);
            }
        }
    }
    placed.sort_by_key(|(p, _)| *p);
    let text = if plan.style == narrate::Style::Json {
        json_story(plan, outcome, events, &placed)
    } else {
        story(plan, outcome, events, &placed)
    };
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}

/// The events as JSON lines, with a line per step and the run's facts.
fn json_story(
    plan: &Plan,
    outcome: &Outcome,
    events: &[(Side, Event)],
    placed: &[((u8, u8), usize)],
) -> String {
    let seeded = plan.seed.is_some();
    let mut lines = vec![narrate::object(&[
        ("event", Json::Str("demo".into())),
        ("version", Json::Str(padlock_tls::messages::version::name(plan.version))),
        ("suite", Json::Str(plan.suite.name.into())),
        (
            "group",
            if plan.kx == Some(KeyExchangeAlgorithm::Rsa) {
                Json::Null
            } else {
                Json::Str(plan.group.name().into())
            },
        ),
        ("seed", plan.seed.map_or(Json::Null, Json::Num)),
    ])];
    let mut pki = vec![("event", Json::Str("pki".into())), ("rsa_bits", Json::Num(RSA_BITS as u64))];
    let mut tcp = vec![("event", Json::Str("tcp".into())), ("address", Json::Str("127.0.0.1".into()))];
    if !seeded {
        pki.push(("microseconds", Json::Num(outcome.pki_time.as_micros() as u64)));
        tcp.push(("port", Json::Num(u64::from(outcome.port))));
        tcp.push(("microseconds", Json::Num(outcome.connect_time.as_micros() as u64)));
    }
    lines.push(narrate::object(&pki));
    lines.push(step_json(1));
    lines.push(narrate::object(&tcp));
    let mut step = 1;
    for &((s, _), i) in placed {
        if s != step {
            step = s;
            lines.push(step_json(s));
        }
        let (side, event) = &events[i];
        lines.push(narrate::json(*side, event));
    }
    lines.push(narrate::object(&[
        ("event", Json::Str("done".into())),
        ("ok", Json::Bool(outcome.error.is_none())),
        ("error", outcome.error.clone().map_or(Json::Null, Json::Str)),
        ("response", Json::Str(String::from_utf8_lossy(&outcome.response).into_owned())),
    ]));
    lines.iter().map(|l| format!("{l}\n")).collect()
}

/// The JSON line that opens a step.
fn step_json(step: u8) -> String {
    narrate::object(&[
        ("event", Json::Str("step".into())),
        ("step", Json::Num(u64::from(step))),
        ("title", Json::Str(step_title(step).into())),
    ])
}

/// The headings, in the article's words.
fn step_title(step: u8) -> &'static str {
    match step {
        1 => "TCP handshake",
        2 => "Hello and certificate check",
        3 => "Key exchange",
        4 => "Data transmission",
        _ => "What went wrong",
    }
}

/// The narrative for people: headings, explanations, then the events of
/// each part of each step, rendered by [`narrate::render`].
fn story(plan: &Plan, outcome: &Outcome, events: &[(Side, Event)], placed: &[((u8, u8), usize)]) -> String {
    let color = plan.style == narrate::Style::Color;
    let mut s = Story { out: String::new(), color };
    let seeded = plan.seed.is_some();
    let group = if plan.kx == Some(KeyExchangeAlgorithm::Rsa) {
        "no group".to_string()
    } else {
        plan.group.name().to_string()
    };
    s.line(&paint(color, Tone::Heading, "padlock demo: HTTPS, step by step, on 127.0.0.1"));
    s.line(&format!(
        "  {}, {}, {group}{}",
        padlock_tls::messages::version::name(plan.version),
        plan.suite.name,
        plan.seed.map(|n| format!(", --seed {n}")).unwrap_or_default()
    ));
    let took = if seeded { String::new() } else { format!(" in {}", ms(outcome.pki_time)) };
    s.explain(&format!(
        "A throw-away CA and a certificate for 'localhost' signed by it were made on the spot{took} \
         ({RSA_BITS}-bit RSA keys). The client trusts only that CA."
    ));
    s.heading(1);
    s.explain(
        "Before any TLS, the client opens a TCP connection: SYN, SYN+ACK, ACK (RFC 9293 §3.5). The \
         kernel does this inside connect(). Nothing is secret or authenticated yet: anyone on the path \
         can read and change what follows, which is what TLS is for.",
    );
    if seeded {
        s.line("  client connected to the server on 127.0.0.1 (the port and the time vary: --seed leaves them out)");
    } else {
        s.line(&format!("  client connected to 127.0.0.1:{} in {}", outcome.port, ms(outcome.connect_time)));
    }
    let mut current = (1, 0);
    for &(place, i) in placed {
        if place != current {
            if current == (3, 1) {
                s.agreement(plan, events);
            }
            if place.0 != current.0 {
                s.heading(place.0);
            }
            s.explain(&part_intro(plan, place));
            current = place;
        }
        let (side, event) = &events[i];
        let dump =
            matches!(event, Event::Handshake { sent: true, .. } | Event::ApplicationData { sent: true, .. });
        for line in narrate::render(*side, event, color, dump).lines() {
            s.line(&format!("  {line}"));
        }
        if let Event::Handshake { sent: true, typ: HandshakeType::Certificate, bytes, .. } = event {
            s.certificates(bytes, plan.version == TLS13);
        }
    }
    if current == (3, 1) {
        s.agreement(plan, events);
    }
    s.ending(outcome);
    s.out
}

/// The text being built.
struct Story {
    out: String,
    color: bool,
}

impl Story {
    /// One line of output.
    fn line(&mut self, text: &str) {
        self.out.push_str(text);
        self.out.push('\n');
    }

    /// A step's heading, after a blank line.
    fn heading(&mut self, step: u8) {
        let title =
            if step <= 4 { format!("Step {step}: {}", step_title(step)) } else { step_title(step).into() };
        self.line("");
        self.line(&paint(self.color, Tone::Heading, &title));
    }

    /// A paragraph of explanation, wrapped at 100 columns.
    fn explain(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        let mut line = String::new();
        let mut lines = Vec::new();
        for word in text.split_whitespace() {
            if !line.is_empty() && line.len() + word.len() > 98 {
                lines.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        lines.push(line);
        for l in lines {
            let painted = paint(self.color, Tone::Explain, &l);
            self.line(&format!("  {painted}"));
        }
    }

    /// Subject, names, issuer, validity and key of each certificate sent.
    fn certificates(&mut self, message: &[u8], tls13: bool) {
        let Ok(certificate) = CertificateMessage::decode(message.get(4..).unwrap_or(&[]), tls13) else {
            return;
        };
        for (index, (der, _)) in certificate.entries.iter().enumerate() {
            self.line(&format!("           certificate {index}, decoded (RFC 5280 §4.1):"));
            match annotate::describe_certificate(der) {
                Ok(lines) => lines.iter().for_each(|l| self.line(&format!("             {l}"))),
                Err(error) => self.line(&format!("             does not parse: {error}")),
            }
        }
    }

    /// After the key exchange: whether both sides hold the same secret,
    /// and for RSA why it is no longer used.
    fn agreement(&mut self, plan: &Plan, events: &[(Side, Event)]) {
        let find = |side: Side, wanted: &dyn Fn(&str) -> bool| {
            events.iter().find_map(|(s, e)| match e {
                Event::KeyExchange { name, value } | Event::Secret { name, value }
                    if *s == side && wanted(name) =>
                {
                    Some(value.clone())
                }
                _ => None,
            })
        };
        let (what, wanted): (&str, &dyn Fn(&str) -> bool) = if plan.version == TLS13 {
            ("shared secret", &|n: &str| n.contains("shared secret"))
        } else {
            ("premaster secret", &|n: &str| n == "premaster secret")
        };
        let (client, server) = (find(Side::Client, wanted), find(Side::Server, wanted));
        if let (Some(client), Some(server)) = (client, server) {
            let same = client == server;
            let verdict =
                if same { paint(self.color, Tone::Good, "yes") } else { paint(self.color, Tone::Bad, "NO") };
            self.line(&format!("  client and server hold the same {what}: {verdict}"));
        }
        if plan.kx == Some(KeyExchangeAlgorithm::Rsa) {
            self.explain(
                "Why RSA key transport is no longer used: it has no forward secrecy. The premaster secret \
                 travels encrypted under the server's long-term key, so whoever gets that key later (a \
                 break-in, a subpoena, a discarded disk) decrypts every session ever recorded. The server's \
                 decryption is also an oracle: Bleichenbacher's attack (1998, again as ROBOT in 2017) \
                 learns the premaster from how the server reacts to bad padding, which is why the server \
                 here answers a bad one with a random premaster and no error (RFC 5246 §7.4.7.1). TLS 1.3 \
                 removed it (RFC 8446 §1.2). With (EC)DHE both sides throw their private values away after \
                 the handshake and the certificate key only signs. Compare side by side: \
                 `padlock demo --tls 1.2 --kx ecdhe`, `padlock demo --tls 1.2 --kx dhe`, and `padlock demo` \
                 (TLS 1.3).",
            );
        }
    }

    /// The response, and how it all ended.
    fn ending(&mut self, outcome: &Outcome) {
        self.line("");
        if !outcome.response.is_empty() {
            self.line(&paint(self.color, Tone::Heading, "The answer, as the client's browser would see it"));
            for line in String::from_utf8_lossy(&outcome.response).lines() {
                self.line(&format!("  | {line}"));
            }
        }
        match &outcome.error {
            None => self.explain(
                "Done: the request and the answer crossed the network encrypted and authenticated; only \
                 the two ends ever held the keys.",
            ),
            Some(error) => self.line(&format!("  the demo failed: {error}")),
        }
    }
}

/// Milliseconds with three decimals.
fn ms(time: Duration) -> String {
    format!("{:.3} ms", time.as_secs_f64() * 1000.0)
}

/// The explanation that opens a part of a step.
fn part_intro(plan: &Plan, place: (u8, u8)) -> String {
    let tls13 = plan.version == TLS13;
    let group = plan.group.name();
    match place {
        (2, 1) if tls13 => format!(
            "The client speaks first. Its ClientHello (RFC 8446 §4.1.2) offers versions (supported_versions), \
             cipher suites and groups, with a fresh random, and already carries its Diffie-Hellman public \
             value (key_share): in TLS 1.3 the key exchange of step 3 rides on the hellos. The server picks \
             from its own preferences and answers with a ServerHello (§4.1.3). Everything after the \
             ServerHello is encrypted. Each message is dumped once, byte by byte, by the side that sends it; \
             the receiving side shows one line. Group here: {group}."
        ),
        (2, 1) => "The client speaks first. Its ClientHello (RFC 5246 §7.4.1.2) offers a version, cipher \
                   suites and groups, with a fresh random. The server picks one suite from its own preferences \
                   and answers with a ServerHello (§7.4.1.3). Each message is dumped once, byte by byte, by the \
                   side that sends it; the receiving side shows one line."
            .into(),
        (2, 2) if tls13 => "The server proves who it is. Its Certificate (RFC 8446 §4.4.2) carries its public \
                            key, signed by a CA the client trusts; the client checks the chain up to its trust \
                            anchor, the dates, and that the certificate names the host it asked for (RFC 5280 §6, \
                            RFC 6125). Then CertificateVerify (§4.4.3): a signature over the handshake so far, \
                            proving the server holds the private key. These messages travelled encrypted under \
                            the handshake keys of step 3; the trace shows them decrypted."
            .into(),
        (2, 2) => "The server proves who it is. Its Certificate (RFC 5246 §7.4.2) carries its public key, \
                   signed by a CA the client trusts; the client checks the chain up to its trust anchor, the \
                   dates, and that the certificate names the host it asked for (RFC 5280 §6, RFC 6125). \
                   ServerHelloDone (§7.4.5) ends the server's turn."
            .into(),
        (3, 1) if tls13 => format!(
            "Both sides made a fresh {group} key pair and swapped the public halves in key_share. Each \
             combines its own private key with the other's public key ({}) and gets the same shared secret, \
             which never crossed the wire (RFC 8446 §7.4). Someone who recorded the traffic sees only the \
             public halves.",
            if plan.group == NamedGroup::X25519 { "X25519, RFC 7748 §6.1" } else { "g^xy mod p, RFC 7919" }
        ),
        (3, 1) if plan.kx == Some(KeyExchangeAlgorithm::Rsa) => {
            "This is the article's flow, RSA key transport (RFC 5246 §7.4.7.1): the client picks a 48-byte \
             premaster secret (the version, then 46 random bytes), encrypts it with the public key from the \
             server's certificate (RSAES-PKCS1-v1_5, RFC 8017 §7.2.1) and sends it in ClientKeyExchange. \
             Only the holder of the private key can decrypt it (§7.2.2): the server does, and both now share \
             a secret."
                .into()
        }
        (3, 1) => format!(
            "The server makes a fresh {group} key pair and sends the public value in ServerKeyExchange, \
             signed with its certificate's key so nobody in between can swap it (RFC 5246 §7.4.3, RFC 8422 \
             §5.4). The client answers with its own public value in ClientKeyExchange (RFC 5246 §7.4.7.2, \
             RFC 8422 §5.7). Each side combines its private value with the other's public one and gets the \
             same result, the premaster secret (RFC 5246 §8.1.2, RFC 8422 §5.10)."
        ),
        (3, 2) if tls13 => "The key schedule (RFC 8446 §7.1) turns the shared secret into every key with HKDF \
                            (RFC 5869): early secret, handshake secret, then a handshake traffic secret for each \
                            direction (c hs / s hs traffic); after the server's Finished, the master secret and the \
                            application traffic secrets (c ap / s ap traffic). Each traffic secret gives an AES \
                            key and an IV (§7.3). The server's ChangeCipherSpec is only there to calm middleboxes \
                            (§D.4)."
            .into(),
        (3, 2) => "The PRF (RFC 5246 §5, built on HMAC-SHA256) stretches the premaster secret into the 48-byte \
                   master secret (§8.1; with the extended master secret of RFC 7627 it hashes the whole \
                   handshake, so it is bound to this connection), then into the key block: an AES key and a \
                   4-byte salt for each direction (§6.3, RFC 5288 §3). ChangeCipherSpec (§7.1) says: from my next \
                   record on, I encrypt."
            .into(),
        (3, 3) => format!(
            "Finished ({}): each side sends a MAC of the whole handshake under the new keys, and checks the \
             other's. Had anyone changed a byte of the hellos (say, to strike the strong suites), the MACs \
             would not match and the connection would stop here.",
            if tls13 { "RFC 8446 §4.4.4" } else { "RFC 5246 §7.4.9" }
        ),
        (4, _) => format!(
            "Now HTTP flows inside application-data records sealed with AES-128-GCM ({}). The ciphertext is \
             as long as the plaintext{}; the 16-byte tag lets the receiver detect any change. The GCM nonce is \
             {}. close_notify alerts end the connection cleanly (RFC 8446 §6.1), so a cut-off answer cannot \
             pass for a whole one.",
            if tls13 { "RFC 8446 §5.2" } else { "RFC 5288" },
            if tls13 { " plus one byte, the real content type hidden inside" } else { "" },
            if tls13 {
                "the IV XOR the record's sequence number (§5.3)"
            } else {
                "the 4-byte salt followed by an 8-byte explicit nonce sent with each record"
            }
        ),
        _ => String::new(),
    }
}
