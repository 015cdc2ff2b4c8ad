//! `padlock server` against slow and hostile clients, over real sockets on
//! loopback: hundreds of connections that trickle a byte now and then are
//! closed at their deadline while a real client is served at once; a
//! request trickled after the handshake is cut off at its own deadline; one
//! address gets only its share of the connections; accept failing for want
//! of descriptors is backed off and logged once; a fatal alert after the
//! handshake reaches the client before an orderly close, not a reset; what
//! a client sends is escaped before the server prints it; and the HTTP
//! edges (a head ending in bare LFs, a KeyUpdate in the middle of a
//! request, a head too long).
//!
//! The slow clients connect from 127.0.0.2, 127.0.0.3, ... (Linux answers
//! on all of 127.0.0.0/8), bound before they connect, so that the
//! per-address share is tested on its own. Every count and every wait is
//! bounded.

mod common;

use std::io::{ErrorKind, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use common::{Scratch, Server, TIMEOUT, client, describe, success};
use padlock_tls::alert::AlertDescription;
use padlock_tls::{ClientConfig, Connection, Error, ProtocolVersion, Stream};
use padlock_x509::Certificate;
use rand::SeedableRng;
use rand::rngs::StdRng;
use socket2::{Domain, Socket, Type};

/// A TCP connection to `port` on 127.0.0.1 from the address `source`.
fn connect_from(source: Ipv4Addr, port: u16) -> TcpStream {
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None).expect("a socket");
    let from = SocketAddr::from((source, 0));
    socket.bind(&from.into()).unwrap_or_else(|e| panic!("binding {from}: {e}"));
    let to = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    socket.connect_timeout(&to.into(), TIMEOUT).unwrap_or_else(|e| panic!("connecting from {from}: {e}"));
    socket.into()
}

/// Whether the server has closed `socket`: end of file or a reset, as
/// opposed to nothing to read yet.
fn closed(socket: &mut TcpStream) -> bool {
    socket.set_nonblocking(true).expect("non-blocking");
    let mut byte = [0u8; 64];
    let closed = match socket.read(&mut byte) {
        Ok(0) => true,
        // The server sends nothing to a client that never finished its hello.
        Ok(_) => false,
        Err(error) => error.kind() != ErrorKind::WouldBlock,
    };
    socket.set_nonblocking(false).expect("blocking");
    closed
}

/// What a slow client sends, one byte at a time: the header of a handshake
/// record announcing 16 KiB, then zeros. The server can do nothing with it
/// until the record is whole, which, at a byte a second, takes 4.5 hours.
fn trickle_byte(sent: usize) -> u8 {
    [22, 3, 1, 0x40, 0].get(sent).copied().unwrap_or(0)
}

#[test]
fn slow_connections_are_closed_at_their_deadline_while_others_are_served() {
    const SLOW: usize = 300;
    const DEADLINE: f64 = 5.0;
    let dir = Scratch::new("slowloris");
    let server = Server::start(&dir, 10_000, &["--handshake-timeout", &DEADLINE.to_string()]);

    // 300 slow connections, 30 from each of 127.0.0.2 to 127.0.0.11, each
    // sending its first byte now.
    let mut slow: Vec<(TcpStream, Instant, usize)> = (0..SLOW)
        .map(|i| {
            let mut socket = connect_from(Ipv4Addr::new(127, 0, 0, 2 + (i / 30) as u8), server.port);
            socket.write_all(&[trickle_byte(0)]).expect("the first byte");
            (socket, Instant::now(), 1)
        })
        .collect();
    let opened = Instant::now();

    // A real client, while all 300 are open.
    let fetch = {
        let (dir_path, url) = (dir.path.clone(), server.url("/real"));
        thread::spawn(move || {
            let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_padlock"));
            command.current_dir(dir_path).args(["client", "--ca", "ca.pem", &url]);
            let output = common::run_bounded(command, TIMEOUT);
            (output, Instant::now())
        })
    };

    // Every second, each slow connection sends one more byte, until the
    // server has closed them all (or much later than it should have).
    let mut closed_after: Vec<Option<Duration>> = vec![None; SLOW];
    let give_up = opened + Duration::from_secs_f64(DEADLINE + 10.0);
    while closed_after.iter().any(Option::is_none) && Instant::now() < give_up {
        for (i, (socket, connected, sent)) in slow.iter_mut().enumerate() {
            if closed_after[i].is_some() {
                continue;
            }
            if closed(socket) {
                closed_after[i] = Some(connected.elapsed());
            } else if connected.elapsed() >= Duration::from_secs(*sent as u64) {
                // A write may fail if the server closed a moment ago; the next round sees it.
                let _ = socket.write_all(&[trickle_byte(*sent)]);
                *sent += 1;
            }
        }
        thread::sleep(Duration::from_millis(100));
    }

    let (output, served_at) = fetch.join().expect("the client thread");
    assert!(success(&output).contains("<code>/real</code>"), "{}", describe(&output));
    let served_after = served_at.duration_since(opened);
    assert!(
        served_after < Duration::from_secs_f64(DEADLINE - 1.0),
        "the real client was served only after {served_after:?}, with {SLOW} slow connections open"
    );
    let still_open = closed_after.iter().filter(|c| c.is_none()).count();
    assert_eq!(still_open, 0, "{still_open} slow connections still open {DEADLINE} + 10 s after connecting");
    let (earliest, latest) = closed_after
        .iter()
        .flatten()
        .fold((Duration::MAX, Duration::ZERO), |(lo, hi), &c| (lo.min(c), hi.max(c)));
    assert!(
        earliest >= Duration::from_secs_f64(DEADLINE - 0.5),
        "a slow connection closed after {earliest:?}"
    );
    assert!(
        latest <= Duration::from_secs_f64(DEADLINE + 3.0),
        "a slow connection closed only after {latest:?}"
    );
    let line = server.guard.wait_for("not done within");
    assert!(line.contains("the handshake was not done within 5 s"), "{line}");
}

#[test]
fn one_address_gets_only_its_share_and_the_rest_wait() {
    let dir = Scratch::new("per-address");
    let server = Server::start(&dir, 10_000, &["--max-connections", "6", "--handshake-timeout", "30"]);
    let greedy = Ipv4Addr::new(127, 0, 0, 2);
    // Half of 6 from one address are held open...
    let mut held: Vec<TcpStream> = (0..3).map(|_| connect_from(greedy, server.port)).collect();
    // ... and a fourth from it is closed at once.
    let mut fourth = connect_from(greedy, server.port);
    fourth.set_read_timeout(Some(Duration::from_secs(5))).expect("a timeout");
    let started = Instant::now();
    let answer = fourth.read(&mut [0u8; 16]);
    assert!(
        matches!(answer, Ok(0)) || answer.as_ref().is_err_and(|e| e.kind() == ErrorKind::ConnectionReset)
    );
    assert!(started.elapsed() < Duration::from_secs(2), "closed only after {:?}", started.elapsed());
    server.guard.wait_for("127.0.0.2: closed at once: this address has its share");
    assert!(held.iter_mut().all(|socket| !closed(socket)), "the first three stay open");

    // Another address (the client's, 127.0.0.1) is served at once.
    let output = client(&dir, &["--ca", "ca.pem", &server.url("/")]);
    success(&output);

    // Every slot taken (three more from 127.0.0.3): a new client waits in
    // the listen queue, and is served as soon as one slot frees.
    let _others: Vec<TcpStream> =
        (0..3).map(|_| connect_from(Ipv4Addr::new(127, 0, 0, 3), server.port)).collect();
    thread::sleep(Duration::from_millis(300));
    let waiting = {
        let (dir_path, url) = (dir.path.clone(), server.url("/waited"));
        thread::spawn(move || {
            let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_padlock"));
            command.current_dir(dir_path).args(["client", "--ca", "ca.pem", &url]);
            common::run_bounded(command, TIMEOUT)
        })
    };
    thread::sleep(Duration::from_secs(1));
    assert!(!waiting.is_finished(), "served with every slot taken");
    drop(held.pop());
    let output = waiting.join().expect("the client thread");
    assert!(success(&output).contains("<code>/waited</code>"), "{}", describe(&output));
}

/// Connects with padlock-tls as a library (trusting `dir/ca.pem`) and runs
/// the handshake, offering only `version` if given; returns the stream and
/// a second handle on its socket, for raw bytes beside the stream's.
fn handshaken(
    server: &Server,
    dir: &Scratch,
    version: Option<ProtocolVersion>,
) -> (Stream<TcpStream>, TcpStream) {
    let anchors = Certificate::all_from_pem(dir.read("ca.pem")).expect("the CA");
    let mut config = ClientConfig::new("localhost", anchors);
    if let Some(version) = version {
        config.versions = vec![version];
    }
    let conn = Connection::client(Arc::new(config), Box::new(StdRng::seed_from_u64(1))).expect("a client");
    let socket = TcpStream::connect(("127.0.0.1", server.port)).expect("connecting");
    socket.set_read_timeout(Some(TIMEOUT)).expect("a timeout");
    let raw = socket.try_clone().expect("a second handle on the socket");
    let mut stream = Stream::new(conn, socket);
    stream.handshake().expect("the handshake");
    (stream, raw)
}

/// Connects with padlock-tls as a library (trusting `dir/ca.pem`), sends
/// each of `parts` as its own record, with a KeyUpdate after the first if
/// `key_update`, and returns the server's whole answer.
fn request(server: &Server, dir: &Scratch, parts: &[&[u8]], key_update: bool) -> String {
    let (mut stream, _) = handshaken(server, dir, None);
    for (i, part) in parts.iter().enumerate() {
        stream.write_all(part).expect("sending");
        if i == 0 && key_update {
            stream.connection_mut().send_key_update(true).expect("a KeyUpdate");
            stream.flush().expect("sending the KeyUpdate");
        }
        thread::sleep(Duration::from_millis(200));
    }
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).expect("the answer and close_notify");
    String::from_utf8_lossy(&answer).into_owned()
}

/// The whole-request deadline: after a quick handshake, a request head
/// trickled one byte (one record) every 100 ms, never finishing, is cut off
/// `--request-timeout` after the handshake, though no read ever waited long.
#[test]
fn a_request_trickled_a_byte_at_a_time_is_cut_off_at_its_deadline() {
    const DEADLINE: f64 = 1.5;
    let dir = Scratch::new("slow-request");
    let deadline = DEADLINE.to_string();
    let server = Server::start(&dir, 1, &["--handshake-timeout", "30", "--request-timeout", &deadline]);
    let (mut stream, mut socket) = handshaken(&server, &dir, None);
    let handshaken_at = Instant::now();
    let head = b"GET /slow HTTP/1.1\r\nX-Slow: ";
    let mut sent = 0;
    let closed_after = loop {
        let elapsed = handshaken_at.elapsed();
        // The server sends nothing here (no session tickets) before it
        // closes, so `closed` takes nothing from the stream, which is only
        // written from now on.
        if closed(&mut socket) {
            break Some(elapsed);
        }
        if elapsed > Duration::from_secs_f64(DEADLINE + 5.0) {
            break None;
        }
        // A write may fail if the server closed a moment ago; the next round sees it.
        let _ = stream.write_all(&[head.get(sent).copied().unwrap_or(b'a')]);
        sent += 1;
        thread::sleep(Duration::from_millis(100));
    };
    let closed_after = closed_after.expect("the connection still open 5 s past its request deadline");
    assert!(
        closed_after >= Duration::from_secs_f64(DEADLINE - 0.2)
            && closed_after <= Duration::from_secs_f64(DEADLINE + 1.5),
        "closed {closed_after:?} after the handshake, with a {DEADLINE} s request deadline"
    );
    assert!(sent >= 10, "only {sent} bytes trickled before the close");
    let line = server.guard.wait_for("not done within");
    assert!(line.contains("the request was not done within 1.5 s"), "{line}");
}

/// After a fatal alert while it reads the request, the server half-closes
/// and drains what the client still sends, as after a failed handshake: a
/// client that sends a record with a broken tag, and 64 KiB more behind it,
/// reads bad_record_mac and then the end of the stream, never a TCP reset
/// (which closing with those bytes unread would cause, and which can erase
/// the alert from the client's receive buffer before it is read).
#[test]
fn a_bad_record_after_the_handshake_is_answered_with_its_alert_not_a_reset() {
    let dir = Scratch::new("bad-record");
    let server = Server::start(&dir, 2, &[]);
    for version in [ProtocolVersion::Tls13, ProtocolVersion::Tls12] {
        let (mut stream, mut socket) = handshaken(&server, &dir, Some(version));
        if version == ProtocolVersion::Tls13 {
            // Our Finished may still be on its way: once the server answers a
            // KeyUpdate (RFC 8446 §4.6.3), its handshake is surely over.
            stream.connection_mut().send_key_update(true).expect("a KeyUpdate");
            stream.flush().expect("sending the KeyUpdate");
            let mut reply = [0u8; 256];
            let n = socket.read(&mut reply).expect("the server's KeyUpdate");
            stream.connection_mut().read_tls(&reply[..n]).expect("the server's KeyUpdate");
        }
        stream.connection_mut().write_app_data(b"GET / HTTP/1.1\r\n\r\n").expect("a record");
        let mut bytes = stream.connection_mut().take_outgoing();
        *bytes.last_mut().expect("a sealed record") ^= 1;
        bytes.resize(bytes.len() + 64 * 1024, 0);
        socket.write_all(&bytes).expect("sending the bad record and more");

        let answer = stream.read(&mut [0u8; 64]);
        let error = stream.connection().error();
        assert!(
            matches!(error, Some(Error::AlertReceived(AlertDescription::BadRecordMac))),
            "{version:?}: read {answer:?}, the connection's error is {error:?}"
        );
        // The server half-closed (TCP FIN) after its alert, and was draining.
        let after = socket.read(&mut [0u8; 64]);
        assert!(matches!(after, Ok(0)), "{version:?}: after the alert, {after:?} rather than the end");
        let line = server.guard.wait_for("reading the request");
        assert!(line.contains("bad_record_mac"), "{line}");
    }
}

#[test]
fn a_head_ending_in_bare_lf_is_answered() {
    let dir = Scratch::new("bare-lf");
    let server = Server::start(&dir, 2, &["--tls", "1.3"]);
    // RFC 9112 §2.2: a recipient MAY recognise a single LF as a line terminator.
    let answer = request(&server, &dir, &[b"GET /lf HTTP/1.0\n\n"], false);
    assert!(answer.starts_with("HTTP/1.1 200 OK\r\n") && answer.contains("<code>/lf</code>"), "{answer}");
    let answer = request(&server, &dir, &[b"\r\nGET /mixed HTTP/1.1\nHost: localhost\r\n\n"], false);
    assert!(answer.contains("<code>/mixed</code>"), "{answer}");
}

#[test]
fn a_key_update_in_the_middle_of_a_request_is_answered() {
    let dir = Scratch::new("key-update");
    let server = Server::start(&dir, 1, &["--tls", "1.3"]);
    // The server must answer the KeyUpdate (update_requested) and go on
    // reading the request under the new keys.
    let answer = request(&server, &dir, &[b"GET /ku HTTP/1.1\r\nHost: local", b"host\r\n\r\n"], true);
    assert!(answer.starts_with("HTTP/1.1 200 OK\r\n") && answer.contains("<code>/ku</code>"), "{answer}");
}

#[test]
fn long_or_malformed_heads_get_an_http_error() {
    let dir = Scratch::new("long-head");
    let server = Server::start(&dir, 2, &[]);
    let long = format!("GET /{} HTTP/1.1\r\n", "a".repeat(20_000));
    let answer = request(&server, &dir, &[long.as_bytes()], false);
    assert!(answer.starts_with("HTTP/1.1 431 Request Header Fields Too Large\r\n"), "{answer}");
    let line = server.guard.wait_for("request head longer than");
    assert!(line.contains("16384 bytes"), "{line}");
    let answer = request(&server, &dir, &[b"HELLO\r\n\r\n"], false);
    assert!(answer.starts_with("HTTP/1.1 400 Bad Request\r\n"), "{answer}");
}

#[test]
fn what_the_client_sent_is_escaped_in_the_server_log() {
    let dir = Scratch::new("log-injection");
    let server = Server::start(&dir, 2, &[]);
    let target = "/\x1b]0;owned\x07\x1b[2J\rforged\x7f\u{9b}";
    let answer = request(&server, &dir, &[format!("GET {target} HTTP/1.1\r\n\r\n").as_bytes()], false);
    assert!(answer.starts_with("HTTP/1.1 200 OK"), "{answer}");
    let line = server.guard.wait_for("GET /");
    let logged = line.split_once(": GET ").map(|(_, rest)| rest).unwrap_or_default();
    assert!(logged.starts_with("/\\x1b]0;owned\\x07\\x1b[2J\\rforged\\x7f\\u{9b} (TLS 1.3"), "{line:?}");
    assert!(!line.chars().any(char::is_control), "{line:?}");
    // A request line that cannot be read is quoted in the log, escaped too.
    let answer = request(&server, &dir, &[b"\x1b[31mRED\r\n\r\n"], false);
    assert!(answer.starts_with("HTTP/1.1 400 "), "{answer}");
    let line = server.guard.wait_for("malformed request line");
    assert!(line.ends_with("a malformed request line: \\x1b[31mRED"), "{line:?}");
}

#[test]
fn bad_limits_are_usage_errors() {
    for args in [&["--max-connections", "0"][..], &["--handshake-timeout", "0"], &["--request-timeout", "x"]]
    {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_padlock"));
        command.arg("server").args(args);
        let output = common::run_bounded(command, TIMEOUT);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {}", describe(&output));
    }
}

/// The flood of issue 14 under a small `ulimit -n`: the server fits its
/// slots under the limit, so accept never runs out of descriptors; one
/// address flooding it gets half of them, the rest are closed at once and
/// logged once, not once each; and another client is served at once.
#[test]
fn a_flood_under_a_small_file_limit_leaves_room_for_others() {
    let dir = Scratch::new("ulimit");
    let padlock = env!("CARGO_BIN_EXE_padlock");
    let mut command = std::process::Command::new("sh");
    command.current_dir(&dir.path).args(["-c", "ulimit -n 96 && exec \"$0\" \"$@\"", padlock]);
    command.args(["server", "--listen", "127.0.0.1:0", "--ca-out", "ca.pem", "--handshake-timeout", "30"]);
    let mut guard = common::Guard::spawn(command, true);
    let line = guard.wait_for("serving at most");
    assert_eq!(
        line,
        "serving at most 64 connections at once, not 512: this process may open only 96 files (ulimit -n)"
    );
    let port = common::port_of(&guard.wait_for("listening on "));
    let flood: Vec<TcpStream> = (0..150).map(|_| connect_from(Ipv4Addr::new(127, 0, 0, 2), port)).collect();
    let url = format!("https://localhost:{port}/");
    let started = Instant::now();
    let output = client(&dir, &["--ca", "ca.pem", &url]);
    success(&output);
    assert!(started.elapsed() < Duration::from_secs(5), "served after {:?}", started.elapsed());
    let mut open = 0;
    for mut socket in flood {
        if !closed(&mut socket) {
            open += 1;
        }
    }
    assert_eq!(open, 32, "half of the 64 slots for the flooding address");
    // 118 connections closed at once, one log line (the interval is 10 s).
    guard.child.kill().expect("stopping the server");
    guard.child.wait().expect("the server's status");
    let lines: Vec<String> = guard.lines.iter().collect();
    let refusals = lines.iter().filter(|line| line.contains("closed at once")).count();
    assert_eq!(refusals, 1, "{lines:#?}");
    assert!(!lines.iter().any(|line| line.contains("Too many open files")), "{lines:#?}");
}

/// The CPU time `pid` has used so far (user and system, all threads), from
/// Linux's `/proc/PID/stat` (in clock ticks of 1/100 s).
fn cpu_time(pid: u32) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).expect("the server's /proc stat");
    // The fields after the command name, which is in parentheses: state is
    // the first, utime the 12th and stime the 13th.
    let fields: Vec<&str> =
        stat.rsplit_once(") ").map(|(_, rest)| rest).unwrap_or_default().split(' ').collect();
    let ticks: u64 = fields[11..13].iter().map(|f| f.parse::<u64>().expect("a tick count")).sum();
    Duration::from_millis(ticks * 10)
}

/// Accept failing for want of a file descriptor: the server backs off
/// (its CPU stays idle), says so once rather than once per try, and serves
/// the waiting client as soon as a descriptor frees. Under `ulimit -n 40`
/// it fits 8 slots, but bash fills descriptors 5 to 39 before starting it,
/// leaving 3 (the listener) and 4 (one connection): a second connection
/// finds no descriptor though a slot is free.
#[test]
fn failed_accepts_back_off_and_the_server_serves_once_a_descriptor_frees() {
    const WINDOW: Duration = Duration::from_secs(3);
    let dir = Scratch::new("accept-backoff");
    let mut command = std::process::Command::new("bash");
    let script = "ulimit -n 40 && exec 3<&- 4<&- && for fd in $(seq 5 39); do eval \"exec $fd</dev/null\"; done \
                  && exec \"$0\" \"$@\"";
    command.current_dir(&dir.path).args(["-c", script, env!("CARGO_BIN_EXE_padlock")]);
    command.args(["server", "--listen", "127.0.0.1:0", "--ca-out", "ca.pem", "--handshake-timeout", "30"]);
    command.env_remove("SSLKEYLOGFILE");
    let mut guard = common::Guard::spawn(command, true);
    assert_eq!(
        guard.wait_for("serving at most"),
        "serving at most 8 connections at once, not 512: this process may open only 40 files (ulimit -n)"
    );
    let port = common::port_of(&guard.wait_for("listening on "));

    // The one connection there is a descriptor for, silent.
    let holder = connect_from(Ipv4Addr::LOCALHOST, port);
    thread::sleep(Duration::from_millis(200));
    let pid = guard.child.id();
    let cpu_before = cpu_time(pid);
    let fetch = {
        let (dir_path, url) = (dir.path.clone(), format!("https://localhost:{port}/waited"));
        thread::spawn(move || {
            let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_padlock"));
            command.current_dir(dir_path).args(["client", "--ca", "ca.pem", &url]);
            let output = common::run_bounded(command, TIMEOUT);
            (output, Instant::now())
        })
    };
    let line = guard.wait_for("accept: ");
    assert!(line.ends_with("accept: Too many open files"), "{line}");
    thread::sleep(WINDOW);
    let cpu = cpu_time(pid) - cpu_before;
    assert!(!fetch.is_finished(), "served with no descriptor to spare");
    assert!(
        cpu < Duration::from_millis(500),
        "the server used {cpu:?} of CPU in {WINDOW:?} of failing accepts"
    );

    // The holder leaves, its descriptor frees, and within the longest pause
    // (1 s) the waiting client is accepted and served.
    let freed = Instant::now();
    drop(holder);
    let (output, served_at) = fetch.join().expect("the client thread");
    assert!(success(&output).contains("<code>/waited</code>"), "{}", describe(&output));
    let waited = served_at.duration_since(freed);
    assert!(waited < Duration::from_secs(3), "served {waited:?} after a descriptor freed");

    guard.child.kill().expect("stopping the server");
    guard.child.wait().expect("the server's status");
    let lines: Vec<String> = guard.lines.iter().collect();
    // The first failure was printed above; the rest, within the 10 s interval, only counted.
    let accepts = lines.iter().filter(|line| line.contains("accept: ")).count();
    assert_eq!(accepts, 0, "{lines:#?}");
}
