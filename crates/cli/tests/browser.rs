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
    let server = Server::start(&dir, 1, &["--throwaway", "ecdsa", "--tls", "1.3"]);
    let page = chromium_dump(&dir, &server.url("/"));
    assert!(page.contains("Version: TLS 1.3"), "{page}");
    assert!(page.contains("Key exchange group: X25519MLKEM768"), "the hybrid was not negotiated: {page}");
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
