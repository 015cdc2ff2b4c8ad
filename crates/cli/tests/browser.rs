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

use std::process::Command;

use common::{Scratch, Server, TIMEOUT, describe, run_bounded, success};

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
    let mut server = Server::start(&dir, 1, &["--throwaway", "ecdsa", "--tls", "1.3", "--trace"]);
    let page = chromium_dump(&dir, &server.url("/"));
    assert!(page.contains("Version: TLS 1.3"), "{page}");
    assert!(page.contains("Key exchange group: X25519MLKEM768"), "the hybrid was not negotiated: {page}");

    server.guard.wait(TIMEOUT);
    let trace = server.guard.stdout();
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
