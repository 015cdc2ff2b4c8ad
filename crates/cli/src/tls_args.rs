//! What `padlock server` and `padlock client` share: the values of their
//! TLS flags (`--tls`, `--suites`, `--groups`), how `--trace` prints, where
//! the key log goes, and how long a socket may sit idle.

use std::io;
use std::path::Path;
use std::time::Duration;

use padlock_tls::ProtocolVersion;
use padlock_tls::{CipherSuite, NamedGroup};

use crate::report::Failed;

/// How long a connection may sit idle, reading or writing, before we drop it.
pub(crate) const IO_TIMEOUT: Duration = Duration::from_secs(10);

/// A protocol version chosen on the command line.
#[derive(Clone, Copy, clap::ValueEnum)]
pub(crate) enum TlsVersion {
    /// TLS 1.2 (RFC 5246).
    #[value(name = "1.2")]
    Tls12,
    /// TLS 1.3 (RFC 8446).
    #[value(name = "1.3")]
    Tls13,
}

impl TlsVersion {
    /// The protocol version.
    pub(crate) fn protocol(self) -> ProtocolVersion {
        match self {
            TlsVersion::Tls12 => ProtocolVersion::Tls12,
            TlsVersion::Tls13 => ProtocolVersion::Tls13,
        }
    }
}

/// The suite named `name`, or an error listing those we have.
pub(crate) fn suite(name: &str) -> Result<CipherSuite, Failed> {
    CipherSuite::by_name(name).ok_or_else(|| {
        let known: Vec<&str> = padlock_tls::suites::ALL_SUITES.iter().map(|s| s.name()).collect();
        Failed::new(format_args!("unknown cipher suite {name}; known: {}", known.join(", ")))
    })
}

/// The group named `name`, or an error listing those we have.
pub(crate) fn group(name: &str) -> Result<NamedGroup, Failed> {
    NamedGroup::by_name(name).ok_or_else(|| {
        let known: Vec<&str> = NamedGroup::ALL.iter().map(|g| g.name()).collect();
        Failed::new(format_args!("unknown group {name}; known: {}", known.join(", ")))
    })
}

/// How `--trace` shows events: in colour on a terminal, plain otherwise.
pub(crate) fn trace_style() -> crate::narrate::Style {
    use std::io::IsTerminal;
    if io::stdout().is_terminal() { crate::narrate::Style::Color } else { crate::narrate::Style::Plain }
}

/// The key log: `--keylog FILE` if given, else `$SSLKEYLOGFILE` if set.
pub(crate) fn key_log(path: Option<&Path>) -> Option<padlock_tls::trace::KeyLogSink> {
    match path {
        Some(path) => Some(padlock_tls::trace::key_log_file(path.to_path_buf())),
        None => padlock_tls::trace::key_log_from_env(),
    }
}
