//! `padlock load` over real sockets on 127.0.0.1: against `padlock server`
//! with a full handshake per request and with `--reuse` (the server closes
//! after each response, so every request still gets its own connection);
//! against a keep-alive server in this test that answers four requests per
//! connection and then closes it silently, so that `--reuse` must keep
//! connections and connect again without counting an error; a server whose
//! CA is not trusted (errors by kind, exit status 1, no crash); a server
//! that never answers (timeouts, and the run still ends on time); a target
//! that is not loopback (refused before anything is sent); and the caps on
//! the flags. Each run is a few connections for about two seconds.

mod common;

use std::io::{Read, Write};
use std::net::{IpAddr, Ipv4Addr, TcpListener, TcpStream};
use std::process::{Command, Output};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use common::{Scratch, Server, TIMEOUT, describe, run_bounded};
use padlock_der::{Time, pem};
use padlock_tls::{Connection, ServerConfig, Stream};
use rand::SeedableRng;
use rand::rngs::StdRng;

/// `padlock load ARGS` in `dir`, bounded.
fn load(dir: &Scratch, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_padlock"));
    command.current_dir(&dir.path).arg("load").args(args).env_remove("SSLKEYLOGFILE");
    run_bounded(command, TIMEOUT)
}

/// Runs `padlock load ARGS --json`, and returns the summary, checking that
/// it is one JSON object on one line.
fn load_json(dir: &Scratch, args: &[&str]) -> (Output, Json) {
    let mut args = args.to_vec();
    args.push("--json");
    let output = load(dir, &args);
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert_eq!(stdout.lines().count(), 1, "not one line:\n{}", describe(&output));
    let summary = parse(&stdout).unwrap_or_else(|at| panic!("invalid JSON at byte {at}:\n{stdout}"));
    (output, summary)
}

#[test]
fn full_handshakes_against_padlock_server() {
    let dir = Scratch::new("full");
    let server = Server::start(&dir, 1_000_000, &[]);
    let url = server.url("/");
    let (output, summary) =
        load_json(&dir, &[&url, "--ca", "ca.pem", "--connections", "3", "--duration", "2"]);
    assert!(output.status.success(), "{}", describe(&output));
    check_shape(&summary);
    let (handshakes, requests) = (summary.number("handshakes"), summary.number("requests"));
    assert!(handshakes > 0.0, "{summary:?}");
    // Without --reuse, one request per handshake; a run cut short at its end
    // leaves at most one handshake per connection without its request.
    assert!(requests <= handshakes && requests >= handshakes - 3.0, "{summary:?}");
    assert_eq!(summary.get("errors").number("total"), 0.0, "{}", describe(&output));
    assert_eq!(
        summary.get("negotiated"),
        &Json::Str("TLS 1.3, TLS_AES_128_GCM_SHA256, X25519MLKEM768".into())
    );
    assert_eq!(summary.get("latency_ms").get("request").number("count"), requests);
    // The progress line, once a second on standard error.
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(" s: ") && stderr.contains("handshakes ("), "{stderr}");
}

#[test]
fn reuse_against_padlock_server_reconnects_after_each_close() {
    let dir = Scratch::new("reuse");
    let server = Server::start(&dir, 1_000_000, &[]);
    let url = server.url("/");
    let args = [&url, "--ca", "ca.pem", "-c", "2", "-d", "2", "--reuse", "--tls", "1.2"];
    let (output, summary) = load_json(&dir, &args);
    assert!(output.status.success(), "{}", describe(&output));
    check_shape(&summary);
    let (handshakes, requests) = (summary.number("handshakes"), summary.number("requests"));
    // padlock server answers `Connection: close`: a new connection each time.
    assert!(handshakes > 0.0 && requests >= handshakes - 2.0 && requests <= handshakes, "{summary:?}");
    assert_eq!(summary.get("errors").number("total"), 0.0, "{}", describe(&output));
    assert_eq!(summary.get("reuse"), &Json::Bool(true));
    let negotiated = summary.get("negotiated");
    assert!(matches!(negotiated, Json::Str(text) if text.starts_with("TLS 1.2, ")), "{negotiated:?}");
}

#[test]
fn reuse_keeps_connections_the_server_keeps() {
    let dir = Scratch::new("keepalive");
    let port = keep_alive_server(&dir);
    let url = format!("https://localhost:{port}/");
    let (output, summary) = load_json(&dir, &[&url, "--ca", "ca.pem", "-c", "2", "-d", "2", "--reuse"]);
    assert!(output.status.success(), "{}", describe(&output));
    let (handshakes, requests) = (summary.number("handshakes"), summary.number("requests"));
    // Four requests per connection; at the end of the run each of the two
    // workers may leave its connection with fewer.
    assert!(handshakes > 0.0, "{summary:?}");
    assert!(requests <= 4.0 * handshakes && requests >= 4.0 * (handshakes - 2.0), "{summary:?}");
    // The silent closes after the fourth answer are not errors.
    assert_eq!(summary.get("errors").number("total"), 0.0, "{}", describe(&output));

    // The same server without --reuse: one request per connection.
    let (output, summary) = load_json(&dir, &[&url, "--ca", "ca.pem", "-c", "1", "-d", "1"]);
    assert!(output.status.success(), "{}", describe(&output));
    assert!(summary.number("requests") <= summary.number("handshakes"), "{summary:?}");
}

#[test]
fn the_text_summary_names_rates_errors_and_percentiles() {
    let dir = Scratch::new("text");
    let server = Server::start(&dir, 1_000_000, &[]);
    let output = load(&dir, &[&server.url("/"), "--ca", "ca.pem", "-c", "1", "-d", "1"]);
    assert!(output.status.success(), "{}", describe(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    for needle in ["negotiated   TLS 1.3", "handshakes ", "requests ", "/s", "errors ", "p50", "p90", "p99"] {
        assert!(stdout.contains(needle), "no {needle:?} in:\n{stdout}");
    }
    assert!(stdout.contains("    handshake ") && stdout.contains("    request "), "{stdout}");
}

#[test]
fn an_unknown_ca_is_counted_as_errors() {
    let dir = Scratch::new("unknown-ca");
    common::other_ca(&dir);
    let server = Server::start(&dir, 1_000_000, &[]);
    let (output, summary) = load_json(&dir, &[&server.url("/"), "--ca", "other.pem", "-c", "2", "-d", "1"]);
    // Nothing succeeded: exit status 1, with the summary and a message, no panic.
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("no request succeeded") && !stderr.contains("panicked"), "{stderr}");
    check_shape(&summary);
    let errors = summary.get("errors");
    assert!(errors.number("certificate") > 0.0, "{summary:?}");
    assert_eq!(errors.number("total"), errors.number("certificate"), "{summary:?}");
    assert_eq!((summary.number("handshakes"), summary.number("requests")), (0.0, 0.0));
    let Json::Str(first) = summary.get("first_errors").get("certificate") else { panic!("{summary:?}") };
    assert!(first.contains("refused") && first.contains("only the CA in other.pem"), "{first}");
    assert_eq!(summary.get("negotiated"), &Json::Null);
}

#[test]
fn a_server_that_never_answers_is_a_timeout() {
    let dir = Scratch::new("silent");
    // Accepts connections, reads nothing and says nothing.
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("binding 127.0.0.1");
    let port = listener.local_addr().expect("an address").port();
    thread::spawn(move || {
        let held: Vec<TcpStream> = listener.incoming().map_while(Result::ok).take(16).collect();
        drop(held);
    });
    let url = format!("https://127.0.0.1:{port}/");
    let started = Instant::now();
    let (output, summary) = load_json(&dir, &[&url, "--insecure", "-c", "2", "-d", "0.5", "--timeout", "1"]);
    // The run ends within its duration plus the timeout of the handshakes in flight.
    assert!(started.elapsed() < Duration::from_secs(5), "took {:?}", started.elapsed());
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    check_shape(&summary);
    let errors = summary.get("errors");
    assert!(errors.number("timeout") >= 2.0, "{summary:?}");
    assert_eq!(errors.number("total"), errors.number("timeout"), "{summary:?}");
}

#[test]
fn a_remote_target_is_refused_before_any_connection() {
    let dir = Scratch::new("remote");
    // 192.0.2.1 is TEST-NET-1 (RFC 5737): nothing answers there, so a
    // connection attempt would take the whole --timeout.
    let started = Instant::now();
    let output = load(&dir, &["https://192.0.2.1:4433/", "--insecure", "-d", "5", "--timeout", "5"]);
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    assert!(started.elapsed() < Duration::from_secs(3), "took {:?}", started.elapsed());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("192.0.2.1, which is not a loopback address"), "{stderr}");
    assert!(stderr.contains("--allow-remote") && !stderr.contains("handshakes ("), "{stderr}");
    assert!(output.stdout.is_empty(), "{}", describe(&output));
}

#[test]
fn the_flags_are_bounded() {
    let dir = Scratch::new("bounds");
    let url = "https://127.0.0.1:9/";
    for args in [
        &["--connections", "0"][..],
        &["--connections", "257"],
        &["--duration", "601"],
        &["--duration", "0"],
        &["--timeout", "61"],
        &["--ca", "x.pem", "--insecure"],
    ] {
        let mut all = vec![url];
        all.extend_from_slice(args);
        let output = load(&dir, &all);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {}", describe(&output));
    }
    let output = load(&dir, &["http://127.0.0.1/"]);
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    assert!(String::from_utf8_lossy(&output.stderr).contains("not an https:// URL"));
}

/// Checks the members every summary has.
fn check_shape(summary: &Json) {
    for key in ["url", "connections", "duration_s", "reuse", "timeout_s", "elapsed_s", "negotiated"] {
        summary.get(key);
    }
    for key in ["handshakes", "requests", "handshakes_per_s", "requests_per_s", "received_bytes"] {
        assert!(summary.number(key) >= 0.0, "{key}");
    }
    let errors = summary.get("errors");
    let kinds = ["connect", "timeout", "certificate", "handshake", "io", "closed", "response", "status"];
    let sum: f64 = kinds.iter().map(|kind| errors.number(kind)).sum();
    assert_eq!(errors.number("total"), sum, "{errors:?}");
    assert!(matches!(summary.get("first_errors"), Json::Object(_)));
    for phase in ["handshake", "request"] {
        let latency = summary.get("latency_ms").get(phase);
        if latency.number("count") > 0.0 {
            let [p50, p90, p99, max] = ["p50", "p90", "p99", "max"].map(|key| latency.number(key));
            assert!(0.0 <= p50 && p50 <= p90 && p90 <= p99 && p99 <= max, "{phase}: {latency:?}");
        }
    }
}

/// An HTTPS server on 127.0.0.1 (padlock-tls in this process, a throw-away
/// CA in `dir/ca.pem`) that keeps connections alive: it answers four
/// requests on each, then sends close_notify and closes without having said
/// `Connection: close`, as a server whose idle timeout ran out does.
/// Returns its port; its threads end with the test binary.
fn keep_alive_server(dir: &Scratch) -> u16 {
    let seconds = SystemTime::now().duration_since(UNIX_EPOCH).expect("clock").as_secs() - 3600;
    let not_before = Time::from_unix_seconds(seconds as i64).expect("a time");
    let mut rng = StdRng::seed_from_u64(20);
    let localhost = [IpAddr::V4(Ipv4Addr::LOCALHOST)];
    let pki = padlock_x509::throwaway::throwaway(2048, &["localhost"], &localhost, not_before, &mut rng)
        .expect("a throw-away PKI");
    dir.write("ca.pem", pem::encode("CERTIFICATE", pki.ca.der()).as_bytes());
    let config = Arc::new(ServerConfig::new(vec![pki.leaf], pki.key));
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("binding 127.0.0.1");
    let port = listener.local_addr().expect("an address").port();
    thread::spawn(move || {
        for socket in listener.incoming().map_while(Result::ok) {
            let config = Arc::clone(&config);
            thread::spawn(move || serve_four(config, socket));
        }
    });
    port
}

/// Answers four requests on one connection, then closes it.
fn serve_four(config: Arc<ServerConfig>, socket: TcpStream) {
    let _ = socket.set_read_timeout(Some(TIMEOUT));
    let rng = Box::new(StdRng::from_rng(&mut rand::rng()));
    let mut stream = Stream::new(Connection::server(config, rng), socket);
    let mut buffer = Vec::new();
    for _ in 0..4 {
        while !buffer.windows(4).any(|w| w == b"\r\n\r\n") {
            let mut chunk = [0u8; 1024];
            match stream.read(&mut chunk) {
                Ok(0) | Err(_) => return,
                Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            }
        }
        buffer.clear();
        let answer = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n\r\nok\n";
        if stream.write_all(answer).is_err() {
            return;
        }
    }
    let _ = stream.close();
}

/// A JSON value (RFC 8259), as much as the summary needs to be read.
#[derive(Debug, PartialEq)]
enum Json {
    Null,
    Bool(bool),
    Number(f64),
    Str(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

impl Json {
    /// The member `key` of an object; fails the test if there is none.
    fn get(&self, key: &str) -> &Json {
        let Json::Object(members) = self else { panic!("not an object, looking for {key}: {self:?}") };
        members
            .iter()
            .find(|(name, _)| name == key)
            .map_or_else(|| panic!("no {key} in {self:?}"), |(_, v)| v)
    }

    /// The number `key` of an object.
    fn number(&self, key: &str) -> f64 {
        match self.get(key) {
            Json::Number(n) => *n,
            other => panic!("{key} is not a number: {other:?}"),
        }
    }
}

/// Parses exactly one JSON value without whitespace between tokens (as
/// `padlock load --json` writes it), or gives the byte offset of the error.
fn parse(text: &str) -> Result<Json, usize> {
    let mut parser = Parser { bytes: text.trim_end().as_bytes(), at: 0 };
    let value = parser.value()?;
    if parser.at == parser.bytes.len() { Ok(value) } else { Err(parser.at) }
}

/// A recursive-descent JSON reader over bytes.
struct Parser<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Parser<'_> {
    fn value(&mut self) -> Result<Json, usize> {
        match self.bytes.get(self.at) {
            Some(b'{') => self.members(),
            Some(b'[') => {
                self.at += 1;
                let mut items = Vec::new();
                while self.bytes.get(self.at) != Some(&b']') {
                    if !items.is_empty() {
                        self.expect(b',')?;
                    }
                    items.push(self.value()?);
                }
                self.at += 1;
                Ok(Json::Array(items))
            }
            Some(b'"') => self.string().map(Json::Str),
            Some(_) => self.word(),
            None => Err(self.at),
        }
    }

    fn members(&mut self) -> Result<Json, usize> {
        self.expect(b'{')?;
        let mut members = Vec::new();
        while self.bytes.get(self.at) != Some(&b'}') {
            if !members.is_empty() {
                self.expect(b',')?;
            }
            let key = self.string()?;
            self.expect(b':')?;
            members.push((key, self.value()?));
        }
        self.at += 1;
        Ok(Json::Object(members))
    }

    /// A string; escapes other than \" \\ \n and \uXXXX are not needed here.
    fn string(&mut self) -> Result<String, usize> {
        self.expect(b'"')?;
        let mut out = String::new();
        loop {
            let c = *self.bytes.get(self.at).ok_or(self.at)?;
            self.at += 1;
            match c {
                b'"' => return Ok(out),
                b'\\' => {
                    let escaped = *self.bytes.get(self.at).ok_or(self.at)?;
                    self.at += 1;
                    match escaped {
                        b'"' | b'\\' | b'/' => out.push(char::from(escaped)),
                        b'n' => out.push('\n'),
                        b'u' => {
                            let hex = self.bytes.get(self.at..self.at + 4).ok_or(self.at)?;
                            let code =
                                u32::from_str_radix(std::str::from_utf8(hex).map_err(|_| self.at)?, 16);
                            out.push(code.ok().and_then(char::from_u32).ok_or(self.at)?);
                            self.at += 4;
                        }
                        _ => return Err(self.at),
                    }
                }
                c if c < 0x20 => return Err(self.at),
                _ => {
                    // Copy a whole UTF-8 sequence.
                    let start = self.at - 1;
                    while self.bytes.get(self.at).is_some_and(|b| b & 0xc0 == 0x80) {
                        self.at += 1;
                    }
                    out.push_str(std::str::from_utf8(&self.bytes[start..self.at]).map_err(|_| start)?);
                }
            }
        }
    }

    /// `null`, `true`, `false` or a number.
    fn word(&mut self) -> Result<Json, usize> {
        let start = self.at;
        while self.bytes.get(self.at).is_some_and(|b| b.is_ascii_alphanumeric() || b"+-.".contains(b)) {
            self.at += 1;
        }
        let word = std::str::from_utf8(&self.bytes[start..self.at]).map_err(|_| start)?;
        match word {
            "null" => Ok(Json::Null),
            "true" => Ok(Json::Bool(true)),
            "false" => Ok(Json::Bool(false)),
            _ if word.starts_with(|c: char| c == '-' || c.is_ascii_digit()) => {
                word.parse().map(Json::Number).map_err(|_| start)
            }
            _ => Err(start),
        }
    }

    fn expect(&mut self, byte: u8) -> Result<(), usize> {
        if self.bytes.get(self.at) == Some(&byte) {
            self.at += 1;
            Ok(())
        } else {
            Err(self.at)
        }
    }
}
