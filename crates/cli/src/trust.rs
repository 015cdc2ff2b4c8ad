//! The system's trust store: the root certificates `padlock client` trusts
//! when no `--ca` is given, found where curl and OpenSSL find them.
//!
//! 1. `SSL_CERT_FILE` (a PEM bundle) and `SSL_CERT_DIR` (directories,
//!    separated by `:`, of PEM files: every `*.pem`, `*.crt` and hashed name
//!    such as `5ad8a5d6.0` that `openssl rehash` makes), if either is set:
//!    OpenSSL's variables, which also steer curl and Python's `ssl`. Only
//!    they are used then, so a test or a user can choose exactly what is
//!    trusted.
//! 2. Otherwise the first bundle that exists of those the systems ship:
//!    [`BUNDLES`] (Debian and Ubuntu, Fedora and RHEL, openSUSE, Alpine, the
//!    BSDs, and macOS's OpenSSL from Homebrew or MacPorts), then Debian's
//!    and openSUSE's hashed directories.
//!
//! A certificate that does not parse (a key type Padlock does not know yet,
//! say) is left out and counted, not fatal: a bundle holds hundreds of roots
//! and one odd one must not stop the others from being trusted. The same
//! root seen twice (a directory holds `name.pem` and its hashed link) is
//! kept once.
//!
//! Every root is parsed when the store is read, every time. Measured in a
//! release build on a busy two-core machine (2026-12): Debian's bundle (144
//! roots, 215 KB) in 3.6 ms at best, 5 ms typically; three distinct copies
//! of it (432 roots, 650 KB) in 6.6 ms at best, 10 to 12 ms typically. Two
//! thirds of that is Base64 (padlock-der's decoder is constant time, as
//! private keys need) and one third X.509 parsing, about 5 µs a root. A lazy
//! store (DER kept, a root parsed only when a chain names its subject) would
//! save only that third, since the Base64 must be decoded to find the
//! subject, so it is not worth its code. `--trace` prints the time taken;
//! `tests/trust.rs` loads 432 roots to catch quadratic behaviour.

use std::collections::HashSet;
use std::env;
use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use padlock_der::pem;
use padlock_x509::Certificate;

use crate::report::{self, Failed};

/// The CA bundles that systems ship, in the order they are tried.
pub(crate) const BUNDLES: [&str; 8] = [
    "/etc/ssl/certs/ca-certificates.crt", // Debian, Ubuntu, Gentoo, Arch
    "/etc/pki/tls/certs/ca-bundle.crt",   // Fedora, RHEL, CentOS
    "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem", // Fedora, RHEL (the extracted bundle)
    "/etc/ssl/ca-bundle.pem",             // openSUSE
    "/etc/ssl/cert.pem",                  // Alpine, the BSDs, macOS's LibreSSL
    "/usr/local/etc/openssl/cert.pem",    // macOS, Homebrew's OpenSSL on Intel
    "/opt/homebrew/etc/openssl@3/cert.pem", // macOS, Homebrew's OpenSSL 3 on Apple silicon
    "/opt/local/etc/openssl/cert.pem",    // macOS, MacPorts
];

/// Hashed-name directories, tried when no bundle exists.
const DIRECTORIES: [&str; 2] = ["/etc/ssl/certs", "/var/lib/ca-certificates/pem"];

/// The roots the system trusts, and where they came from.
pub(crate) struct SystemRoots {
    /// The certificates, each once.
    pub(crate) roots: Vec<Certificate>,
    /// Where they were found, in words: "/etc/ssl/certs/ca-certificates.crt".
    pub(crate) source: String,
    /// How many certificates were left out because they did not parse.
    pub(crate) unreadable: usize,
    /// How long finding and parsing them took.
    pub(crate) took: Duration,
}

impl SystemRoots {
    /// One line for `--trace`, saying what is trusted and from where.
    pub(crate) fn describe(&self) -> String {
        let unreadable = match self.unreadable {
            0 => String::new(),
            n => format!(", {n} left out that Padlock cannot read"),
        };
        let plural = if self.roots.len() == 1 { "" } else { "s" };
        format!(
            "trusting the system's {} root certificate{plural} from {}{unreadable} (read in {:.1} ms; --ca FILE trusts only FILE)",
            self.roots.len(),
            self.source,
            self.took.as_secs_f64() * 1000.0
        )
    }
}

/// The system's roots: from `SSL_CERT_FILE`/`SSL_CERT_DIR` if set, else
/// from the first bundle or directory that exists. An error if none holds
/// a certificate.
pub(crate) fn system_roots() -> Result<SystemRoots, Failed> {
    let started = Instant::now();
    let file = env::var_os("SSL_CERT_FILE").filter(|value| !value.is_empty());
    let dirs = env::var_os("SSL_CERT_DIR").filter(|value| !value.is_empty());
    let mut store = Store::default();
    let source = if file.is_some() || dirs.is_some() {
        from_environment(&mut store, file, dirs)?
    } else {
        from_system_paths(&mut store)?
    };
    if store.roots.is_empty() {
        return Err(Failed::new(format_args!(
            "no trusted certificates in {source}; give the CA to trust with --ca FILE"
        )));
    }
    Ok(SystemRoots { roots: store.roots, source, unreadable: store.unreadable, took: started.elapsed() })
}

/// Reads `SSL_CERT_FILE` and every directory of `SSL_CERT_DIR`; a file or
/// directory named there that cannot be read is an error (it was asked for).
fn from_environment(
    store: &mut Store,
    file: Option<OsString>,
    dirs: Option<OsString>,
) -> Result<String, Failed> {
    let mut sources = Vec::new();
    if let Some(file) = file {
        let path = PathBuf::from(file);
        let contents = fs::read(&path).map_err(|error| {
            Failed::new(format_args!("SSL_CERT_FILE={}: {}", path.display(), report::os_message(&error)))
        })?;
        store.add_pem(&contents);
        sources.push(format!("{} (SSL_CERT_FILE)", path.display()));
    }
    if let Some(dirs) = dirs {
        for dir in env::split_paths(&dirs) {
            store.add_directory(&dir).map_err(|error| {
                Failed::new(format_args!("SSL_CERT_DIR={}: {}", dir.display(), report::os_message(&error)))
            })?;
            sources.push(format!("{} (SSL_CERT_DIR)", dir.display()));
        }
    }
    Ok(sources.join(" and "))
}

/// Reads the first of [`BUNDLES`], then of [`DIRECTORIES`], that exists.
fn from_system_paths(store: &mut Store) -> Result<String, Failed> {
    for bundle in BUNDLES {
        if let Ok(contents) = fs::read(bundle) {
            store.add_pem(&contents);
            return Ok(bundle.to_string());
        }
    }
    for dir in DIRECTORIES {
        if store.add_directory(Path::new(dir)).is_ok() && !store.roots.is_empty() {
            return Ok(dir.to_string());
        }
    }
    Err(Failed::new(format_args!(
        "no system trust store found (looked at SSL_CERT_FILE, SSL_CERT_DIR, {} and {}); \
         give the CA to trust with --ca FILE",
        BUNDLES.join(", "),
        DIRECTORIES.join(", ")
    )))
}

/// The certificates read so far, without duplicates.
#[derive(Default)]
struct Store {
    roots: Vec<Certificate>,
    seen: HashSet<Vec<u8>>,
    unreadable: usize,
}

impl Store {
    /// Adds every CERTIFICATE block of a PEM file. A file that is not PEM
    /// at all adds nothing (directories hold other files too).
    fn add_pem(&mut self, contents: &[u8]) {
        let Ok(blocks) = pem::decode_all(contents) else {
            self.unreadable += 1;
            return;
        };
        // TRUSTED CERTIFICATE blocks (OpenSSL's, with trust settings appended) are not read.
        for block in blocks.into_iter().filter(|block| block.label == "CERTIFICATE") {
            if self.seen.contains(block.contents.as_slice()) {
                continue;
            }
            match Certificate::from_der(&block.contents) {
                Ok(certificate) => {
                    self.seen.insert(block.contents.to_vec());
                    self.roots.push(certificate);
                }
                Err(_) => self.unreadable += 1,
            }
        }
    }

    /// Adds the certificates of every `*.pem`, `*.crt` and hashed-name
    /// (`*.0`, `*.1`, ...) file in `dir`, in name order.
    fn add_directory(&mut self, dir: &Path) -> std::io::Result<()> {
        let mut files: Vec<PathBuf> = fs::read_dir(dir)?
            .filter_map(|entry| entry.ok().map(|entry| entry.path()))
            .filter(|path| is_certificate_file(path))
            .collect();
        files.sort();
        for file in files {
            // A dangling link or an unreadable file is skipped, as OpenSSL does.
            if let Ok(contents) = fs::read(&file) {
                self.add_pem(&contents);
            }
        }
        Ok(())
    }
}

/// Whether a file in a certificate directory is one to read: `*.pem`,
/// `*.crt`, or a hashed name, eight hex digits, a dot and a number.
fn is_certificate_file(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|name| name.to_str()) else {
        return false;
    };
    let Some((stem, extension)) = name.rsplit_once('.') else {
        return false;
    };
    match extension {
        "pem" | "crt" => true,
        number => {
            !number.is_empty()
                && number.bytes().all(|b| b.is_ascii_digit())
                && stem.len() == 8
                && stem.bytes().all(|b| b.is_ascii_hexdigit())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn certificate_files_are_told_by_name() {
        for name in ["ca.pem", "ISRG_Root_X1.crt", "5ad8a5d6.0", "5ad8a5d6.1", "0123abcd.12"] {
            assert!(is_certificate_file(Path::new(name)), "{name}");
        }
        for name in ["README", "ca.key", "5ad8a5d6", "5ad8a5d6.r0", "xyz.0", "5ad8a5d.0", "java", ".pem0"] {
            assert!(!is_certificate_file(Path::new(name)), "{name}");
        }
    }

    #[test]
    fn duplicates_and_unreadable_certificates_are_counted_once() {
        let mut store = Store::default();
        let good = padlock_x509::throwaway::throwaway(
            2048,
            &["localhost"],
            &[],
            padlock_der::Time::from_unix_seconds(1_700_000_000).expect("a time"),
            &mut rand::rng(),
        );
        let Ok(pki) = good else { panic!("a throw-away CA") };
        let ca = pem::encode("CERTIFICATE", pki.ca.der());
        let junk = pem::encode("CERTIFICATE", b"\x30\x03\x02\x01\x00");
        let other = pem::encode("PRIVATE KEY", b"not read");
        store.add_pem(format!("{ca}{junk}{other}{ca}").as_bytes());
        store.add_pem(ca.as_bytes());
        store.add_pem(b"not PEM at all");
        assert_eq!((store.roots.len(), store.unreadable), (1, 2));
    }
}
