//! The NSS key log is what Wireshark needs: `tshark` captures a `padlock
//! client` ↔ `padlock server` session on loopback, for TLS 1.2 and TLS 1.3,
//! and shows the decrypted HTTP request `GET /` given only a key log, and
//! nothing without it.
//!
//! Each key log is written both ways a user can ask for one, `--keylog FILE`
//! and `SSLKEYLOGFILE=FILE`: in the TLS 1.2 test the client takes the flag
//! and the server the variable, in the TLS 1.3 test the other way round.
//! Both logs must decrypt the capture on their own.
//!
//! CI installs tshark (see `.ci/run`) and runs as root. On a machine without
//! tshark, or where this user may not capture packets, the tests fail and
//! say how to install it or who may capture: a test that passes without
//! checking anything would hide that it never ran.
//!
//! As in `tls.rs`, every child process is killed when its guard drops, and
//! every wait is bounded.

mod common;

use std::path::Path;
use std::process::Command;
use std::thread;
use std::time::Duration;

use common::{Guard, Line, Scratch, describe, port_of, run_bounded};

/// The longest any one child process may run.
const TIMEOUT: Duration = Duration::from_secs(15);

/// How long tshark captures before it stops by itself (`-a duration:N`).
/// Stopping it with a signal instead can lose the last packets, which the
/// kernel hands over in blocks; a capture that ends on its own keeps them.
const CAPTURE_SECONDS: u32 = 4;

/// How a program is told where to write its key log.
#[derive(Clone, Copy, Debug)]
enum KeyLogVia {
    /// `--keylog FILE`, with `SSLKEYLOGFILE` removed from the environment.
    Flag,
    /// `SSLKEYLOGFILE=FILE` in the environment, and no flag.
    Env,
}

impl KeyLogVia {
    fn apply(self, command: &mut Command, file: &str) {
        match self {
            KeyLogVia::Flag => command.args(["--keylog", file]).env_remove("SSLKEYLOGFILE"),
            KeyLogVia::Env => command.env("SSLKEYLOGFILE", file),
        };
    }
}

#[test]
fn tshark_decrypts_tls12_with_the_key_log() {
    // NSS key log format: TLS 1.2 logs `CLIENT_RANDOM <client random> <master secret>`.
    decrypt_captured_session("tls12", "1.2", KeyLogVia::Flag, "CLIENT_RANDOM ");
}

#[test]
fn tshark_decrypts_tls13_with_the_key_log() {
    // RFC 8446 §7.1: the request is protected with client_application_traffic_secret_0.
    decrypt_captured_session("tls13", "1.3", KeyLogVia::Env, "CLIENT_TRAFFIC_SECRET_0 ");
}

/// Captures one `padlock client --tls VERSION` session and checks that each
/// side's key log, and only a key log, lets tshark read the HTTP request.
/// The client writes its log via `client_via`, the server the other way.
fn decrypt_captured_session(name: &str, version: &str, client_via: KeyLogVia, label: &str) {
    let dir = Scratch::new(&format!("wireshark-{name}"));
    let server_via = match client_via {
        KeyLogVia::Flag => KeyLogVia::Env,
        KeyLogVia::Env => KeyLogVia::Flag,
    };

    let mut command = Command::new(env!("CARGO_BIN_EXE_padlock"));
    command.current_dir(&dir.path).args(["server", "--listen", "127.0.0.1:0", "--ca-out", "ca.pem"]);
    command.args(["--exit-after", "1"]);
    server_via.apply(&mut command, "server-keys.txt");
    let server = Guard::spawn(command, true);
    let Line::Found(line) = server.wait_for_line("listening on ", TIMEOUT) else {
        panic!("padlock server did not start:\n{}", server.lines_so_far());
    };
    let port = port_of(&line);

    let mut capture = start_capture(&dir, port);

    let mut command = Command::new(env!("CARGO_BIN_EXE_padlock"));
    command.current_dir(&dir.path).args(["client", &format!("https://localhost:{port}/")]);
    command.args(["--ca", "ca.pem", "--tls", version]);
    client_via.apply(&mut command, "client-keys.txt");
    let output = run_bounded(command, TIMEOUT);
    assert!(output.status.success(), "padlock client: {}", describe(&output));
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(said.contains(&format!("TLS {version}")), "not TLS {version}: {}", describe(&output));

    let status = capture.wait(TIMEOUT);
    assert!(status.success(), "tshark capture ended with {status}:\n{}", capture.lines_so_far());

    for keys in ["client-keys.txt", "server-keys.txt"] {
        let log = String::from_utf8_lossy(&dir.read(keys)).into_owned();
        assert!(log.lines().any(|line| line.starts_with(label)), "{keys} has no {label}line:\n{log}");
        let requests = http_requests(&dir, port, Some(keys));
        eprintln!("TLS {version}, tshark with {keys}: {requests:?}");
        assert!(requests.lines().any(|line| line == "GET\t/"), "tshark with {keys} saw: {requests:?}");
    }
    // Without a key log the request stays encrypted: the log is what decrypts it.
    let requests = http_requests(&dir, port, None);
    eprintln!("TLS {version}, tshark without a key log: {requests:?}");
    assert!(requests.trim().is_empty(), "tshark without a key log saw: {requests:?}");
}

/// Starts `tshark` writing `dir/capture.pcapng` from the loopback interface,
/// only TCP port `port`, and waits until it captures.
fn start_capture(dir: &Scratch, port: u16) -> Guard {
    let mut command = Command::new("tshark");
    command.current_dir(&dir.path).args(["-i", "lo", "-w", "capture.pcapng"]);
    command.args(["-f", &format!("tcp port {port}"), "-a", &format!("duration:{CAPTURE_SECONDS}")]);
    let capture = Guard::spawn(command, true);
    match capture.wait_for_line("Capturing on ", TIMEOUT) {
        Line::Found(_) => {}
        Line::Closed => refused(capture),
        Line::TimedOut => panic!("tshark did not start within {TIMEOUT:?}:\n{}", capture.lines_so_far()),
    }
    // tshark says "Capturing on" before its dumpcap opens the interface, which is
    // where a user without the right to capture fails. Wireshark 4.0 then logs
    // "Capture started" once packets are captured; a version that does not log it
    // gets one second instead.
    if let Line::Closed = capture.wait_for_line("Capture started", Duration::from_secs(1)) {
        refused(capture);
    }
    thread::sleep(Duration::from_millis(200));
    capture
}

/// Fails the test: tshark stopped before it captured, saying why (this
/// user may not capture packets, most likely).
fn refused(capture: Guard) -> ! {
    let lines = capture.lines_so_far();
    let denied = lines.lines().any(|line| line.contains("permission") || line.contains("not permitted"));
    if denied {
        panic!(
            "tshark may not capture packets as this user: run the test as root, or let dumpcap \
             capture (`setcap cap_net_raw,cap_net_admin+eip $(command -v dumpcap)`):\n{lines}"
        );
    }
    panic!("tshark stopped before it captured anything:\n{lines}");
}

/// The HTTP requests tshark finds in `dir/capture.pcapng`, one per line as
/// `METHOD\tURI`, decrypting with the key log `keys` if given.
fn http_requests(dir: &Scratch, port: u16, keys: Option<&str>) -> String {
    let mut command = Command::new("tshark");
    // The server's port is not 443: tell tshark the stream is TLS.
    command.current_dir(&dir.path).args([
        "-n",
        "-r",
        "capture.pcapng",
        "-d",
        &format!("tcp.port=={port},tls"),
    ]);
    // An empty file name turns off any key log a user's Wireshark profile names.
    let keylog = keys.map(Path::new).map(|path| dir.path.join(path)).unwrap_or_default();
    command.args(["-o", &format!("tls.keylog_file:{}", keylog.display())]);
    command.args([
        "-Y",
        "http.request",
        "-T",
        "fields",
        "-e",
        "http.request.method",
        "-e",
        "http.request.uri",
    ]);
    let output = run_bounded(command, TIMEOUT);
    assert!(output.status.success(), "tshark -r: {}", describe(&output));
    String::from_utf8_lossy(&output.stdout).into_owned()
}
