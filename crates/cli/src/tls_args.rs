//! What `padlock server` and `padlock client` share: the values of their
//! TLS flags (`--tls`; the server's `--suites` and `--groups`, the client's
//! `--suite` and `--group`), how `--trace` prints, where
//! the key log goes, and how long a socket may sit idle; and what `padlock
//! client` and `padlock load` share: the flags that say what a client
//! trusts and offers ([`ClientTls`]).

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

use padlock_tls::{CipherSuite, ClientConfig, NamedGroup, ProtocolVersion, SignatureScheme};
use padlock_x509::Certificate;

use crate::report::{self, Failed};
use crate::trust;

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

/// The signature scheme named `name`, or an error listing those we have.
pub(crate) fn signature_scheme(name: &str) -> Result<SignatureScheme, Failed> {
    let all = SignatureScheme::ALL;
    all.iter().copied().find(|s| s.name().eq_ignore_ascii_case(name)).ok_or_else(|| {
        let known: Vec<&str> = all.iter().map(|s| s.name()).collect();
        Failed::new(format_args!("unknown signature scheme {name}; known: {}", known.join(", ")))
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

/// The flags of a TLS client (`padlock client`, `padlock load`): what it
/// trusts and what it offers.
#[derive(clap::Args)]
pub(crate) struct ClientTls {
    /// Trust only the CA certificates in FILE (PEM) [default: the system's, as curl does].
    #[arg(long, value_name = "FILE")]
    pub(crate) ca: Option<PathBuf>,
    /// Do not check the server's certificate at all (testing only!).
    #[arg(long, conflicts_with = "ca")]
    pub(crate) insecure: bool,
    /// Offer only this version [default: 1.3, then 1.2].
    #[arg(long, value_enum, value_name = "VERSION")]
    tls: Option<TlsVersion>,
    /// Offer only these cipher suites, by IANA name, comma-separated.
    #[arg(long, value_name = "SUITE,...", value_delimiter = ',')]
    suite: Vec<String>,
    /// Offer only this group (X25519MLKEM768, SecP256r1MLKEM768, x25519, secp256r1,
    /// secp384r1, ffdhe2048, ffdhe3072); the TLS 1.3 key share is for it.
    #[arg(long, value_name = "NAME")]
    group: Option<String>,
    /// Offer only these signature schemes, by IANA name, comma-separated.
    #[arg(long, value_name = "SCHEME,...", value_delimiter = ',')]
    sigalgs: Vec<String>,
}

impl ClientTls {
    /// The client configuration for `host` that the flags describe, and what
    /// it trusts in words (for a refused certificate's message). With
    /// `describe_trust`, a line on standard output says which system roots
    /// were read, and from where.
    pub(crate) fn config(&self, host: &str, describe_trust: bool) -> Result<(ClientConfig, String), Failed> {
        let (anchors, trusted) = if self.insecure {
            (Vec::new(), "nothing: --insecure".to_string())
        } else if let Some(path) = &self.ca {
            (load_anchors(path)?, format!("only the CA in {}", report::quote(path.as_os_str())))
        } else {
            let system = trust::system_roots()?;
            if describe_trust {
                println!("{}", system.describe());
            }
            let trusted = format!("the system's roots from {}", system.source);
            (system.roots, trusted)
        };
        let mut config = ClientConfig::new(host, anchors);
        config.verify_certificate = !self.insecure;
        if let Some(version) = self.tls {
            config.versions = vec![version.protocol()];
        }
        if !self.suite.is_empty() {
            config.cipher_suites = self.suite.iter().map(|name| suite(name)).collect::<Result<_, _>>()?;
        }
        if let Some(name) = &self.group {
            let group = group(name)?;
            config.groups = vec![group];
            config.key_share_groups = vec![group];
        }
        if !self.sigalgs.is_empty() {
            config.signature_schemes =
                self.sigalgs.iter().map(|name| signature_scheme(name)).collect::<Result<_, _>>()?;
        }
        Ok((config, trusted))
    }
}

/// The CA certificates in the PEM file `path`: at least one.
fn load_anchors(path: &Path) -> Result<Vec<Certificate>, Failed> {
    let contents = fs::read(path).map_err(|error| Failed::about(path, report::os_message(&error)))?;
    match Certificate::all_from_pem(&contents) {
        Ok(certs) if certs.is_empty() => Err(Failed::about(path, "no CERTIFICATE block in the PEM")),
        Ok(certs) => Ok(certs),
        Err(error) => Err(Failed::about(path, error)),
    }
}
