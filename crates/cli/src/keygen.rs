//! `padlock keygen rsa` and `padlock keygen ec`: a new private key, written
//! as PKCS #8 PEM (RFC 5208; `PRIVATE KEY`, RFC 7468 §10), the format
//! `openssl genpkey` writes and every `--key` option reads.
//!
//! An EC key (`keygen ec --curve p256|p384`) is a random scalar d in
//! [1, n-1] (FIPS 186-5 Appendix A.2.2) and its public point d·G, from
//! `padlock_ec::EcPrivateKey::generate`: instant, no progress to show. The
//! PKCS #8 envelope names the curve (RFC 5915 §4).
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

use padlock_ec::{Curve, EcPrivateKey};
use padlock_rsa::{KeygenProgress, RsaPrivateKey};

use crate::files::write_output;
use crate::report::Failed;

/// The end of `padlock keygen --help`.
const EXAMPLES: &str = "\
Examples:
  padlock keygen rsa --out key.pem                 a 2048-bit key
  padlock keygen rsa --bits 4096 --out big.pem
  padlock rsa pubkey --in key.pem --out pub.pem    then its public half
  padlock keygen ec --curve p384 --out ec-key.pem  a P-384 key (p256 by default)
  padlock ecdsa pubkey --in ec-key.pem             and its public half";

/// Arguments of `padlock keygen`.
#[derive(clap::Args)]
#[command(after_help = EXAMPLES)]
pub(crate) struct Args {
    /// The kind of key.
    #[arg(value_enum, value_name = "ALGORITHM")]
    algorithm: Algorithm,
    /// RSA: the modulus size in bits, 2048, 3072 or 4096 [default: 2048].
    #[arg(long, value_parser = parse_bits)]
    bits: Option<usize>,
    /// EC: the curve [default: p256].
    #[arg(long, value_enum)]
    curve: Option<CurveName>,
    /// Where to write the key (mode 0600); standard output without it.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

/// The kinds of key `keygen` makes.
#[derive(Clone, Copy, clap::ValueEnum)]
enum Algorithm {
    /// RSA (RFC 8017) with e = 65537.
    Rsa,
    /// EC (FIPS 186-5) on a NIST curve, for ECDSA and ECDH.
    Ec,
}

/// The curves `keygen ec` offers.
#[derive(Clone, Copy, clap::ValueEnum)]
enum CurveName {
    /// NIST P-256 (secp256r1, prime256v1): TLS's mandatory curve.
    P256,
    /// NIST P-384 (secp384r1).
    P384,
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
    let result = match (args.algorithm, args.bits, args.curve) {
        (Algorithm::Rsa, _, Some(_)) => Err(Failed::new("--curve is for EC keys; RSA keys take --bits")),
        (Algorithm::Ec, Some(_), _) => Err(Failed::new("--bits is for RSA keys; EC keys take --curve")),
        (Algorithm::Rsa, bits, None) => keygen_rsa(bits.unwrap_or(2048), args.out.as_deref()),
        (Algorithm::Ec, None, curve) => keygen_ec(curve.unwrap_or(CurveName::P256), args.out.as_deref()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failed) => failed.report(),
    }
}

/// Generates an EC key and writes it.
fn keygen_ec(curve: CurveName, out: Option<&Path>) -> Result<(), Failed> {
    let curve = match curve {
        CurveName::P256 => Curve::P256,
        CurveName::P384 => Curve::P384,
    };
    let key = EcPrivateKey::generate(curve, &mut rand::rng());
    write_key(out, key.to_pkcs8_pem().as_bytes())
}

/// Generates the key with a progress line, then writes it.
fn keygen_rsa(bits: usize, out: Option<&Path>) -> Result<(), Failed> {
    let mut stderr = io::stderr().lock();
    // Progress is a courtesy: if standard error is closed, carry on without it.
    let mut show = |mark: &[u8]| {
        let _ = stderr.write_all(mark).and_then(|()| stderr.flush());
    };
    let key = RsaPrivateKey::generate(bits, &mut rand::rng(), &mut |event| match event {
        KeygenProgress::Candidate => show(b"."),
        KeygenProgress::FoundP | KeygenProgress::FoundQ => show(b"+"),
        KeygenProgress::Retry => show(b"*"),
    });
    show(b"\n");
    let key = key.map_err(|error| Failed::new(format_args!("key generation failed: {error}")))?;
    write_key(out, key.to_pkcs8_pem().as_bytes())
}

/// Writes a private key's PEM to `out` (mode 0600) or standard output.
fn write_key(out: Option<&Path>, pem: &[u8]) -> Result<(), Failed> {
    match out {
        Some(path) => write_private(path, pem).map_err(|error| Failed::about(path, error)),
        None => write_output(None, pem),
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
