//! `padlock keygen rsa`: a new RSA private key, written as PKCS #8 PEM
//! (RFC 5208; `PRIVATE KEY`, RFC 7468 §10), the format `openssl genpkey`
//! writes and every `--key` option reads.
//!
//! Key generation is `padlock_rsa::RsaPrivateKey::generate` (FIPS 186-5
//! Appendix A.1.3, e = 65537), drawing from `rand::rng()`. It takes a
//! moment, so progress goes to standard error the way OpenSSL shows it:
//!
//! ```text
//!   ....+.........................+   a dot per candidate tested, + per prime found
//! ```
//!
//! (`*` when a pair of primes is refused and the search starts again; a
//! newline at the end.) A key written to a file gets mode 0600 on Unix:
//! nobody else may read it.

use std::fs::OpenOptions;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use padlock_rsa::{KeygenProgress, RsaPrivateKey};

use crate::files::write_output;
use crate::report::Failed;

/// The end of `padlock keygen --help`.
const EXAMPLES: &str = "\
Examples:
  padlock keygen rsa --out key.pem                 a 2048-bit key
  padlock keygen rsa --bits 4096 --out big.pem
  padlock rsa pubkey --in key.pem --out pub.pem    then its public half";

/// Arguments of `padlock keygen`.
#[derive(clap::Args)]
#[command(after_help = EXAMPLES)]
pub(crate) struct Args {
    /// The kind of key.
    #[arg(value_enum, value_name = "ALGORITHM")]
    algorithm: Algorithm,
    /// The modulus size in bits: 2048, 3072 or 4096.
    #[arg(long, default_value_t = 2048, value_parser = parse_bits)]
    bits: usize,
    /// Where to write the key (mode 0600); standard output without it.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

/// The kinds of key `keygen` makes.
#[derive(Clone, Copy, clap::ValueEnum)]
enum Algorithm {
    /// RSA (RFC 8017) with e = 65537.
    Rsa,
}

/// The sizes FIPS 186-5 §A.1.1 lists, as `--bits` takes them.
fn parse_bits(text: &str) -> Result<usize, String> {
    match text {
        "2048" => Ok(2048),
        "3072" => Ok(3072),
        "4096" => Ok(4096),
        _ => Err("RSA keys have 2048, 3072 or 4096 bits".to_string()),
    }
}

/// Runs `padlock keygen`, and returns the exit status.
pub(crate) fn run(args: &Args) -> ExitCode {
    match args.algorithm {
        Algorithm::Rsa => match keygen_rsa(args) {
            Ok(()) => ExitCode::SUCCESS,
            Err(failed) => failed.report(),
        },
    }
}

/// Generates the key with a progress line, then writes it.
fn keygen_rsa(args: &Args) -> Result<(), Failed> {
    let mut stderr = io::stderr().lock();
    // Progress is a courtesy: if standard error is closed, carry on without it.
    let mut show = |mark: &[u8]| {
        let _ = stderr.write_all(mark).and_then(|()| stderr.flush());
    };
    let key = RsaPrivateKey::generate(args.bits, &mut rand::rng(), &mut |event| match event {
        KeygenProgress::Candidate => show(b"."),
        KeygenProgress::FoundP | KeygenProgress::FoundQ => show(b"+"),
        KeygenProgress::Retry => show(b"*"),
    });
    show(b"\n");
    let key = key.map_err(|error| Failed::new(format_args!("key generation failed: {error}")))?;
    let pem = key.to_pkcs8_pem();
    match &args.out {
        Some(path) => write_private(path, pem.as_bytes()).map_err(|error| Failed::about(path, error)),
        None => write_output(None, pem.as_bytes()),
    }
}

/// Writes a private key to `path`, readable and writable by its owner only.
fn write_private(path: &Path, contents: &[u8]) -> Result<(), String> {
    let mut options = OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(|error| crate::report::os_message(&error))?;
    // The mode above applies only to a file it creates; an existing file is
    // narrowed to 0600 before the key goes in.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))
            .map_err(|error| crate::report::os_message(&error))?;
    }
    file.write_all(contents).map_err(|error| crate::report::os_message(&error))
}
