//! The `padlock` command: the one program through which Padlock is used.
//!
//! This file only parses the command line (clap's derive API: the structs and
//! their doc comments below *are* the `--help` text) and hands the parsed
//! arguments to the subcommand's module:
//!
//! - `digest` (`digest.rs`): SHA-1, SHA-2 and SHA-3 digests of files, in the
//!   format of GNU coreutils' `sha256sum` and its siblings.
//! - `keygen` (`keygen.rs`): new private keys (RSA, or EC on P-256 and
//!   P-384), as PKCS #8 PEM.
//! - `rsa` (`rsa.rs`): RSA with key files: the public half, sign and verify,
//!   encrypt and decrypt, as `openssl pkey`, `dgst` and `pkeyutl` do.
//! - `ecdsa` (`ecdsa.rs`): ECDSA with key files: the public half, sign and
//!   verify, as `openssl pkey` and `dgst` do.
//! - `dh` (`dh.rs`): a Diffie-Hellman exchange between Alice and Bob, every
//!   value printed.
//! - `cert` (`cert.rs`): X.509 certificates — make a CA or a leaf, show one,
//!   verify a chain.
//! - `demo` (`demo.rs`): a TLS server and client on 127.0.0.1, the whole
//!   handshake narrated step by step.
//! - `server` and `client` (`server.rs`, `client.rs`): HTTPS over padlock-tls,
//!   to talk to OpenSSL, curl and browsers.
//! - `load` (`load/`): a load generator for HTTPS servers: handshakes and
//!   requests per second, latency percentiles.
//! - `narrate` (`narrate.rs`): renders the TLS trace events for people
//!   (annotated hex dumps) or tools (JSON lines).
//! - `report` (`report.rs`): how every subcommand words its error messages,
//!   and `Failed`, the error every subcommand stops with.
//! - `files` (`files.rs`): key files read and output written, for every subcommand.
//! - `tls_args` (`tls_args.rs`): the TLS flags `server` and `client` share.
//! - `lab` (`lab.rs`): famous attacks against Padlock switched to be
//!   vulnerable on purpose (padlock-labs), narrated.
//! - `explain` (`explain.rs`): why a handshake failed, in terms of what each
//!   side offered, and what to do about it.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod annotate;
mod cert;
mod client;
mod deadline;
mod demo;
mod dh;
mod digest;
mod ecdsa;
mod escape;
mod explain;
mod files;
mod keygen;
// The labs and the vulnerable switches they turn on, only in a build with
// the `labs` feature (the default; docs/labs/README.md).
#[cfg(feature = "labs")]
mod lab;
mod load;
mod narrate;
mod report;
mod rsa;
mod server;
mod tls_args;
mod trust;

/// Padlock: cryptography and TLS written from scratch, to be read.
#[derive(Parser)]
#[command(name = "padlock", version)]
struct Cli {
    /// What to do.
    #[command(subcommand)]
    command: Command,
}

/// The subcommands of `padlock`.
#[derive(Subcommand)]
enum Command {
    /// Watch HTTPS happen: a TLS server and client on 127.0.0.1, every step narrated.
    ///
    /// Makes a throw-away CA and server certificate, starts a server and a
    /// client in this process over real TCP, runs the handshake, sends an HTTP
    /// request and prints every message byte by byte, every secret and key,
    /// and every record, in the four steps of the article.
    #[command(verbatim_doc_comment)]
    Demo(demo::Args),
    /// Serve HTTPS (TLS 1.2 and 1.3) on a local address.
    ///
    /// A GET gets a small HTML page naming the negotiated version, suite and
    /// group. Without --cert/--key it makes a throw-away CA and certificate.
    #[command(verbatim_doc_comment)]
    Server(server::Args),
    /// Fetch an https:// URL with padlock-tls; the body goes to stdout.
    #[command(verbatim_doc_comment)]
    Client(client::Args),
    /// Load an HTTPS server: handshakes and requests per second, latency percentiles.
    ///
    /// N connections at once for a while, each a full handshake and one GET,
    /// or (--reuse) kept open for many requests. Only loopback servers unless
    /// --allow-remote. A progress line each second on standard error.
    #[command(verbatim_doc_comment)]
    Load(load::Args),
    /// Print the SHA-1, SHA-2 or SHA-3 digest of files, as sha256sum does.
    ///
    /// Prints one line per FILE: its digest (FIPS 180-4) in lowercase hex, two
    /// spaces, and its name. The output is that of GNU coreutils' sha256sum,
    /// sha1sum, sha224sum, sha384sum and sha512sum, so `sha256sum -c` can check it;
    /// SHA-3 (FIPS 202) digests are those of `openssl dgst -sha3-256`.
    // `verbatim_doc_comment` keeps the line breaks above: without clap's
    // `wrap_help` feature, the paragraph would be one long line.
    #[command(verbatim_doc_comment)]
    Digest(digest::Args),
    /// Generate a private key (RSA, or EC on P-256 or P-384), as PKCS #8 PEM.
    ///
    /// The key is what `openssl genpkey` makes: PKCS #8 PEM ("PRIVATE KEY");
    /// RSA with e = 65537, EC with a named curve (`--curve p256|p384`). For
    /// RSA, progress goes to standard error, a dot per candidate tested and +
    /// per prime found, as OpenSSL shows it.
    #[command(verbatim_doc_comment)]
    Keygen(keygen::Args),
    /// RSA with key files: public half, sign, verify, encrypt, decrypt.
    ///
    /// Keys may be PKCS #1, PKCS #8 or SubjectPublicKeyInfo, PEM or DER, as
    /// OpenSSL writes them; signatures and ciphertexts are raw bytes.
    #[command(verbatim_doc_comment)]
    Rsa(rsa::Args),
    /// ECDSA (P-256, P-384) with key files: public half, sign, verify.
    ///
    /// Keys may be SEC1, PKCS #8 or SubjectPublicKeyInfo, PEM or DER, as
    /// OpenSSL writes them; signatures are DER, as `openssl dgst` writes
    /// them, with RFC 6979 deterministic nonces.
    #[command(verbatim_doc_comment)]
    Ecdsa(ecdsa::Args),
    /// Play a Diffie-Hellman key exchange between Alice and Bob, every value shown.
    ///
    /// Each side picks a private value and publishes the matching public one;
    /// both then compute the same shared secret, which never crossed the wire.
    #[command(verbatim_doc_comment)]
    Dh(dh::Args),
    /// X.509 certificates: make a CA or a CA-signed leaf, show one, verify a chain.
    ///
    /// Certificates are signed with the CA's key: RSA (PKCS#1 v1.5 or, with
    /// --pss, PSS; SHA-256), an RSA-PSS key within its parameters, or ECDSA
    /// (SHA-256 on P-256, SHA-384 on P-384); written as PEM, read as PEM or
    /// DER; `verify` exits 0 when the chain verifies for the host and 1, with
    /// the reason, when not.
    #[command(verbatim_doc_comment)]
    Cert(cert::Args),
    /// Labs: famous attacks that really work against Padlock switched to be vulnerable on purpose.
    ///
    /// `padlock lab list` names them; `padlock lab run NAME` runs one against
    /// a server or client on 127.0.0.1 with one decision flipped, narrated;
    /// `--fixed` runs it against the real code. docs/labs/ has a chapter each.
    #[command(verbatim_doc_comment)]
    #[cfg(feature = "labs")]
    Lab(lab::Args),
}

fn main() -> ExitCode {
    // On a usage error, `parse` prints it and exits with status 2; on `--help`
    // and `--version` it prints and exits with status 0.
    let cli = Cli::parse();
    match cli.command {
        Command::Demo(args) => demo::run(&args),
        Command::Server(args) => server::run(&args),
        Command::Client(args) => client::run(&args),
        Command::Load(args) => load::run(&args),
        Command::Digest(args) => digest::run(&args),
        Command::Keygen(args) => keygen::run(&args),
        Command::Rsa(args) => rsa::run(&args),
        Command::Ecdsa(args) => ecdsa::run(&args),
        Command::Dh(args) => dh::run(&args),
        Command::Cert(args) => cert::run(&args),
        #[cfg(feature = "labs")]
        Command::Lab(args) => lab::run(&args),
    }
}
