//! A real browser against `padlock server`: headless Chromium loads a page
//! over 127.0.0.1 and the page (which the server writes from what it
//! negotiated) says how. Chromium's ClientHello is the one the project
//! aims at — GREASE, the X25519MLKEM768 hybrid share first, ECDSA and
//! RSA-PSS schemes, ChaCha20 suites, extensions Padlock does not implement
//! — so this is the test that "the handshake a browser makes today" works.
//!
//! The certificate is a throw-away one that Chromium's own trust store
//! cannot know (importing a CA needs NSS tools), so Chromium runs with
//! `--ignore-certificate-errors`: that skips its chain check only; the
//! handshake, the server's ECDSA signature over the transcript and the
//! Finished messages are checked as always, or no page loads.
//!
//! The TLS 1.3 test also runs the server with `--trace` and checks that the
//! annotated dump of the live ClientHello names every code point (GREASE
//! as GREASE): what `crates/cli/src/annotate.rs` checks on a recorded hello,
//! checked again on whatever today's Chromium sends.
//!
//! `.ci/run` installs Chromium; a missing `chromium` fails the test, saying
//! so.

mod common;

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use common::{Scratch, Server, TIMEOUT, describe, port_of, run_bounded, success};

/// Loads `url` in headless Chromium and returns the page's DOM.
fn chromium_dump(dir: &Scratch, url: &str) -> String {
    let mut command = Command::new("chromium");
    command.current_dir(&dir.path).args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--ignore-certificate-errors",
        &format!("--user-data-dir={}", dir.path.join("profile").display()),
        "--dump-dom",
        url,
    ]);
    let output = run_bounded(command, TIMEOUT);
    let page = success(&output);
    assert!(page.contains("Hello from padlock"), "no page from padlock server: {}", describe(&output));
    page
}

#[test]
fn chromium_loads_a_page_over_x25519mlkem768_with_an_ecdsa_certificate() {
    let dir = Scratch::new("chromium13");
    let server = TracedServer::start(&dir, &["--throwaway", "ecdsa", "--tls", "1.3"]);
    let page = chromium_dump(&dir, &format!("https://localhost:{}/", server.port));
    assert!(page.contains("Version: TLS 1.3"), "{page}");
    assert!(page.contains("Key exchange group: X25519MLKEM768"), "the hybrid was not negotiated: {page}");

    let trace = server.trace();
    let hello = client_hello_dump(&trace);
    for bad in ["unknown code point", "not decoded here", "not understood"] {
        assert!(!hello.contains(bad), "{bad:?} in Chromium's ClientHello:\n{hello}");
    }
    for line in hello.lines() {
        let grease = (0..16u16).map(|i| 0x0a0a + i * 0x1010).find(|g| line.contains(&format!("(0x{g:04x})")));
        assert!(grease.is_none() || line.contains("GREASE"), "a GREASE value not named so: {line}");
    }
    assert!(hello.contains("cipher suite: GREASE"), "Chromium no longer sends GREASE?\n{hello}");
    assert!(hello.contains("group: X25519MLKEM768 (0x11ec)"), "{hello}");
}

#[test]
fn chromium_loads_a_page_over_tls12_ecdhe_ecdsa() {
    let dir = Scratch::new("chromium12");
    let server = Server::start(&dir, 1, &["--throwaway", "ecdsa", "--tls", "1.2"]);
    let page = chromium_dump(&dir, &server.url("/"));
    assert!(page.contains("Version: TLS 1.2"), "{page}");
    assert!(page.contains("Cipher suite: TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"), "{page}");
    assert!(page.contains("Key exchange group: x25519"), "{page}");
}

/// The annotated dump of the ClientHello in a server's `--trace` output:
/// the "receives ClientHello" line and the indented lines under it.
fn client_hello_dump(trace: &str) -> String {
    let mut lines = trace.lines().skip_while(|line| !line.starts_with("server <- receives ClientHello"));
    let Some(first) = lines.next() else { panic!("no ClientHello in the trace:\n{trace}") };
    let dump: Vec<&str> = lines.take_while(|line| line.starts_with("         ")).collect();
    assert!(dump.len() > 50, "a short dump of the ClientHello:\n{first}\n{}", dump.join("\n"));
    dump.join("\n")
}

/// `padlock server --exit-after 1 --trace` on 127.0.0.1, writing its
/// throw-away CA to `ca.pem`: [`Server`] with the trace (standard output)
/// kept. Killed when dropped.
struct TracedServer {
    child: Child,
    port: u16,
    trace: Option<JoinHandle<String>>,
}

impl TracedServer {
    /// Starts the server with `extra` arguments and waits until it listens.
    fn start(dir: &Scratch, extra: &[&str]) -> TracedServer {
        let mut command = Command::new(env!("CARGO_BIN_EXE_padlock"));
        command.current_dir(&dir.path).args(["server", "--listen", "127.0.0.1:0", "--ca-out", "ca.pem"]);
        command.args(["--exit-after", "1", "--trace"]).args(extra).env_remove("SSLKEYLOGFILE");
        command.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = command.spawn().unwrap_or_else(|e| panic!("starting {command:?}: {e}"));
        let mut stdout = child.stdout.take().expect("piped stdout");
        let trace = thread::spawn(move || {
            let mut text = String::new();
            let _ = stdout.read_to_string(&mut text);
            text
        });
        let stderr = child.stderr.take().expect("piped stderr");
        let (sender, lines) = mpsc::channel();
        thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let _ = sender.send(line);
            }
        });
        let mut server = TracedServer { child, port: 0, trace: Some(trace) };
        let deadline = Instant::now() + TIMEOUT;
        while server.port == 0 {
            match lines.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
                Ok(line) if line.contains("listening on ") => server.port = port_of(&line),
                Ok(_) => {}
                Err(_) => panic!("padlock server did not start listening within {TIMEOUT:?}"),
            }
        }
        server
    }

    /// Waits (bounded) for the server to end after its one connection and
    /// returns everything it traced.
    fn trace(mut self) -> String {
        let deadline = Instant::now() + TIMEOUT;
        while self.child.try_wait().expect("waiting for padlock server").is_none() {
            assert!(Instant::now() < deadline, "padlock server still running after {TIMEOUT:?}");
            thread::sleep(Duration::from_millis(20));
        }
        self.trace.take().expect("the trace, read once").join().expect("the stdout reader")
    }
}

impl Drop for TracedServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
