//! `padlock ecdsa`: ECDSA (FIPS 186-5 §6.4) on P-256 and P-384 with key
//! files, beside `openssl pkey` and `openssl dgst`.
//!
//! ```text
//!   padlock ecdsa pubkey --in key.pem [--out pub.pem]
//!   padlock ecdsa sign   --key key.pem [--hash sha256|sha384|sha512] [--out SIG] FILE
//!   padlock ecdsa verify --key pub.pem [--hash ...] --signature SIG FILE
//! ```
//!
//! Every `--key` may be SEC1 (`EC PRIVATE KEY`), PKCS #8 or
//! SubjectPublicKeyInfo, PEM or DER (`padlock_ec::read_key` tells them
//! apart); a private key serves where a public one is needed. Signatures
//! are the DER `Ecdsa-Sig-Value` that `openssl dgst -sign` writes and
//! `-verify` reads. The nonce is RFC 6979's, derived from the key and the
//! message: signing the same file twice gives the same signature, and no
//! weak random number generator can leak the key (see
//! docs/elliptic-curves.md on nonce reuse). The hash defaults to the
//! curve's size (SHA-256 for P-256, SHA-384 for P-384), as TLS pairs them.

use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use padlock_ec::{Curve, EcKey, EcPrivateKey, EcPublicKey, read_key};
use padlock_sha::{Sha256, Sha384, Sha512};

use crate::files::read_input;
use crate::files::write_output;
use crate::report::{self, Failed};

/// The end of `padlock ecdsa --help`.
const EXAMPLES: &str = "\
Examples:
  padlock keygen ec --curve p256 --out key.pem
  padlock ecdsa pubkey --in key.pem --out pub.pem
  padlock ecdsa sign --key key.pem notes.txt > notes.sig
  padlock ecdsa verify --key pub.pem --signature notes.sig notes.txt
  openssl dgst -sha256 -verify pub.pem -signature notes.sig notes.txt";

/// Arguments of `padlock ecdsa`.
#[derive(clap::Args)]
#[command(after_help = EXAMPLES)]
pub(crate) struct Args {
    /// What to do with the key.
    #[command(subcommand)]
    command: EcdsaCommand,
}

/// The subcommands of `padlock ecdsa`.
#[derive(clap::Subcommand)]
enum EcdsaCommand {
    /// Write the public half of a key as SubjectPublicKeyInfo PEM (as `openssl pkey -pubout`).
    Pubkey(PubkeyArgs),
    /// Sign FILE with a private key; the DER signature goes to standard output or --out.
    Sign(SignArgs),
    /// Verify a DER signature of FILE; exit status 0 if it verifies, 1 if not.
    Verify(VerifyArgs),
}

/// Arguments of `padlock ecdsa pubkey`.
#[derive(clap::Args)]
struct PubkeyArgs {
    /// The key: SEC1, PKCS #8 or SubjectPublicKeyInfo, PEM or DER.
    #[arg(long = "in", value_name = "KEY")]
    input: PathBuf,
    /// Where to write the public key; standard output without it.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

/// Arguments of `padlock ecdsa sign`.
#[derive(clap::Args)]
struct SignArgs {
    /// The private key: SEC1 or PKCS #8, PEM or DER.
    #[arg(long, value_name = "KEY")]
    key: PathBuf,
    /// The hash function [default: sha256 for P-256, sha384 for P-384].
    #[arg(long, value_enum)]
    hash: Option<SignatureHash>,
    /// Where to write the signature; standard output without it.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// The file to sign; `-` means standard input.
    #[arg(value_name = "FILE")]
    file: OsString,
}

/// Arguments of `padlock ecdsa verify`.
#[derive(clap::Args)]
struct VerifyArgs {
    /// The public key (or a private key, whose public half is used).
    #[arg(long, value_name = "KEY")]
    key: PathBuf,
    /// The hash function [default: sha256 for P-256, sha384 for P-384].
    #[arg(long, value_enum)]
    hash: Option<SignatureHash>,
    /// The file holding the DER signature.
    #[arg(long, value_name = "SIG")]
    signature: PathBuf,
    /// The signed file; `-` means standard input.
    #[arg(value_name = "FILE")]
    file: OsString,
}

/// The hash functions for signatures.
#[derive(Clone, Copy, clap::ValueEnum)]
pub(crate) enum SignatureHash {
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
}

impl SignatureHash {
    /// `--hash` if given, else the hash of the curve's size.
    fn or_default_for(hash: Option<SignatureHash>, curve: Curve) -> SignatureHash {
        hash.unwrap_or(match curve {
            Curve::P256 => SignatureHash::Sha256,
            Curve::P384 => SignatureHash::Sha384,
        })
    }
}

/// Runs `padlock ecdsa`, and returns the exit status.
pub(crate) fn run(args: &Args) -> ExitCode {
    let result = match &args.command {
        EcdsaCommand::Pubkey(args) => pubkey(args),
        EcdsaCommand::Sign(args) => sign(args),
        EcdsaCommand::Verify(args) => return verify(args).unwrap_or_else(Failed::report),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failed) => failed.report(),
    }
}

/// `padlock ecdsa pubkey`.
fn pubkey(args: &PubkeyArgs) -> Result<(), Failed> {
    let key = load_ec_key(&args.input)?;
    write_output(args.out.as_deref(), key.public_key().to_spki_pem().as_bytes())
}

/// `padlock ecdsa sign` (FIPS 186-5 §6.4.1, RFC 6979 nonce).
fn sign(args: &SignArgs) -> Result<(), Failed> {
    let key = match load_ec_key(&args.key)? {
        EcKey::Private(key) => key,
        EcKey::Public(_) => {
            return Err(Failed::about(&args.key, "a public key; signing needs the private key"));
        }
    };
    let message = read_input(&args.file)?;
    let signature = sign_message(&key, SignatureHash::or_default_for(args.hash, key.curve()), &message);
    write_output(args.out.as_deref(), &signature)
}

/// The DER signature of `message` with `hash`.
fn sign_message(key: &EcPrivateKey, hash: SignatureHash, message: &[u8]) -> Vec<u8> {
    match hash {
        SignatureHash::Sha256 => key.sign::<Sha256>(message),
        SignatureHash::Sha384 => key.sign::<Sha384>(message),
        SignatureHash::Sha512 => key.sign::<Sha512>(message),
    }
}

/// `padlock ecdsa verify` (FIPS 186-5 §6.4.2): prints `Verified OK` (status
/// 0) or `Verification failure` (status 1), as `openssl dgst -verify` does.
fn verify(args: &VerifyArgs) -> Result<ExitCode, Failed> {
    let key = load_ec_key(&args.key)?.public_key();
    let signature = fs::read(&args.signature)
        .map_err(|error| Failed::about(&args.signature, report::os_message(&error)))?;
    let message = read_input(&args.file)?;
    let verified =
        verify_message(&key, SignatureHash::or_default_for(args.hash, key.curve()), &message, &signature);
    let (line, status) = if verified {
        ("Verified OK\n", ExitCode::SUCCESS)
    } else {
        ("Verification failure\n", ExitCode::FAILURE)
    };
    write_output(None, line.as_bytes())?;
    Ok(status)
}

/// Whether the DER `signature` of `message` verifies with `hash`.
fn verify_message(key: &EcPublicKey, hash: SignatureHash, message: &[u8], signature: &[u8]) -> bool {
    match hash {
        SignatureHash::Sha256 => key.verify::<Sha256>(message, signature),
        SignatureHash::Sha384 => key.verify::<Sha384>(message, signature),
        SignatureHash::Sha512 => key.verify::<Sha512>(message, signature),
    }
    .is_ok()
}

/// The EC key in the file `path`, in any format `padlock_ec::read_key` takes.
pub(crate) fn load_ec_key(path: &Path) -> Result<EcKey, Failed> {
    let contents = fs::read(path).map_err(|error| Failed::about(path, report::os_message(&error)))?;
    read_key(&contents).map(|file| file.key).map_err(|error| Failed::about(path, error))
}

/// A key file's key: RSA or EC, whichever the file holds.
pub(crate) enum AnyKey {
    /// An RSA key (PKCS #1, PKCS #8 or SubjectPublicKeyInfo).
    Rsa(padlock_rsa::RsaKey),
    /// An EC key (SEC1, PKCS #8 or SubjectPublicKeyInfo).
    Ec(EcKey),
}

/// The key in the file `path`, RSA or EC. When neither reader takes it,
/// the error is the EC reader's if the file is an EC key it refused (an
/// unsupported curve, say), else the RSA reader's.
pub(crate) fn load_any_key(path: &Path) -> Result<AnyKey, Failed> {
    let contents = fs::read(path).map_err(|error| Failed::about(path, report::os_message(&error)))?;
    let ec_error = match read_key(&contents) {
        Ok(file) => return Ok(AnyKey::Ec(file.key)),
        Err(error) => error,
    };
    match padlock_rsa::read_key(&contents) {
        Ok(file) => Ok(AnyKey::Rsa(file.into_key())),
        Err(rsa_error) => {
            use padlock_ec::KeyFileError;
            let not_ec = matches!(
                ec_error,
                KeyFileError::NotEc(_) | KeyFileError::UnexpectedLabel(_) | KeyFileError::NotAKeyFile
            );
            Err(if not_ec { Failed::about(path, rsa_error) } else { Failed::about(path, ec_error) })
        }
    }
}
