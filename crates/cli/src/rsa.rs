//! `padlock rsa`: RSA (RFC 8017) with key files, beside `openssl pkey`,
//! `openssl dgst` and `openssl pkeyutl`.
//!
//! ```text
//!   padlock rsa pubkey  --in key.pem [--out pub.pem]
//!   padlock rsa sign    --key key.pem --scheme pkcs1|pss [--hash sha256|sha384|sha512] FILE
//!   padlock rsa verify  --key pub.pem --scheme pkcs1|pss [--hash ...] --signature SIG FILE
//!   padlock rsa encrypt --key pub.pem --scheme pkcs1|oaep [--hash sha1|sha256] FILE
//!   padlock rsa decrypt --key key.pem --scheme pkcs1|oaep [--hash sha1|sha256] FILE
//! ```
//!
//! Every `--key` may be PKCS #1, PKCS #8 or SubjectPublicKeyInfo, PEM or
//! DER (`padlock_rsa::read_key` tells them apart); a private key serves
//! where a public one is needed. Signatures and ciphertexts are raw bytes,
//! as OpenSSL writes them. Output goes to standard output unless `--out`
//! names a file. Errors are one line, `padlock: NAME: reason`, with exit
//! status 1; `verify` prints `Verified OK` or `Verification failure` as
//! `openssl dgst -verify` does.

use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use padlock_rsa::{RsaKey, RsaPrivateKey, RsaPublicKey};
use padlock_sha::{Hash, Sha1, Sha256, Sha384, Sha512};

use crate::files::{load_key, read_input, write_output};
use crate::report::{self, Failed};

/// The end of `padlock rsa --help`.
const EXAMPLES: &str = "\
Examples:
  padlock rsa pubkey --in key.pem --out pub.pem
  padlock rsa sign --key key.pem --scheme pss notes.txt > notes.sig
  padlock rsa verify --key pub.pem --scheme pss --signature notes.sig notes.txt
  padlock rsa encrypt --key pub.pem --scheme oaep secret.txt > secret.bin
  padlock rsa decrypt --key key.pem --scheme oaep secret.bin";

/// Arguments of `padlock rsa`.
#[derive(clap::Args)]
#[command(after_help = EXAMPLES)]
pub(crate) struct Args {
    /// What to do with the key.
    #[command(subcommand)]
    command: RsaCommand,
}

/// The subcommands of `padlock rsa`.
#[derive(clap::Subcommand)]
enum RsaCommand {
    /// Write the public half of a key as SubjectPublicKeyInfo PEM (as `openssl pkey -pubout`).
    Pubkey(PubkeyArgs),
    /// Sign FILE with a private key; the raw signature goes to standard output or --out.
    Sign(SignArgs),
    /// Verify a raw signature of FILE; exit status 0 if it verifies, 1 if not.
    Verify(VerifyArgs),
    /// Encrypt FILE (a short message) to a public key.
    Encrypt(CryptArgs),
    /// Decrypt FILE with a private key.
    Decrypt(CryptArgs),
}

/// Arguments of `padlock rsa pubkey`.
#[derive(clap::Args)]
struct PubkeyArgs {
    /// The key: PKCS #1, PKCS #8 or SubjectPublicKeyInfo, PEM or DER.
    #[arg(long = "in", value_name = "KEY")]
    input: PathBuf,
    /// Where to write the public key; standard output without it.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

/// Arguments of `padlock rsa sign`.
#[derive(clap::Args)]
struct SignArgs {
    /// The private key: PKCS #1 or PKCS #8, PEM or DER.
    #[arg(long, value_name = "KEY")]
    key: PathBuf,
    /// The signature scheme.
    #[arg(long, value_enum)]
    scheme: SignatureScheme,
    /// The hash function.
    #[arg(long, value_enum, default_value_t = SignatureHash::Sha256)]
    hash: SignatureHash,
    /// Where to write the signature; standard output without it.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// The file to sign; `-` means standard input.
    #[arg(value_name = "FILE")]
    file: OsString,
}

/// Arguments of `padlock rsa verify`.
#[derive(clap::Args)]
struct VerifyArgs {
    /// The public key (or a private key, whose public half is used).
    #[arg(long, value_name = "KEY")]
    key: PathBuf,
    /// The signature scheme.
    #[arg(long, value_enum)]
    scheme: SignatureScheme,
    /// The hash function.
    #[arg(long, value_enum, default_value_t = SignatureHash::Sha256)]
    hash: SignatureHash,
    /// The file holding the raw signature.
    #[arg(long, value_name = "SIG")]
    signature: PathBuf,
    /// The signed file; `-` means standard input.
    #[arg(value_name = "FILE")]
    file: OsString,
}

/// Arguments of `padlock rsa encrypt` and `padlock rsa decrypt`.
#[derive(clap::Args)]
struct CryptArgs {
    /// The key: public to encrypt (a private key's public half serves), private to decrypt.
    #[arg(long, value_name = "KEY")]
    key: PathBuf,
    /// The encryption scheme.
    #[arg(long, value_enum)]
    scheme: EncryptionScheme,
    /// OAEP's hash, for MGF1 too (the label is empty) [default: sha256].
    #[arg(long, value_enum)]
    hash: Option<OaepHash>,
    /// Where to write the result; standard output without it.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// The input; `-` means standard input.
    #[arg(value_name = "FILE")]
    file: OsString,
}

/// The signature schemes of RFC 8017 §8.
#[derive(Clone, Copy, clap::ValueEnum)]
enum SignatureScheme {
    /// RSASSA-PKCS1-v1_5 (§8.2): deterministic; what most certificates use.
    Pkcs1,
    /// RSASSA-PSS (§8.1) with a salt as long as the hash: TLS 1.3's choice.
    Pss,
}

/// The hash functions for signatures.
#[derive(Clone, Copy, clap::ValueEnum)]
enum SignatureHash {
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
}

/// The encryption schemes of RFC 8017 §7.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum EncryptionScheme {
    /// RSAES-PKCS1-v1_5 (§7.2): for old protocols; prefer OAEP.
    Pkcs1,
    /// RSAES-OAEP (§7.1).
    Oaep,
}

/// The hash functions for OAEP.
#[derive(Clone, Copy, clap::ValueEnum)]
enum OaepHash {
    /// SHA-1 (still sound inside OAEP; OpenSSL's default).
    Sha1,
    /// SHA-256.
    Sha256,
}

/// Runs `padlock rsa`, and returns the exit status.
pub(crate) fn run(args: &Args) -> ExitCode {
    let result = match &args.command {
        RsaCommand::Pubkey(args) => pubkey(args),
        RsaCommand::Sign(args) => sign(args),
        RsaCommand::Verify(args) => return verify(args).unwrap_or_else(Failed::report),
        RsaCommand::Encrypt(args) => encrypt(args),
        RsaCommand::Decrypt(args) => decrypt(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failed) => failed.report(),
    }
}

/// `padlock rsa pubkey`: the SubjectPublicKeyInfo PEM of the key's public half.
fn pubkey(args: &PubkeyArgs) -> Result<(), Failed> {
    let key = load_key(&args.input)?;
    write_output(args.out.as_deref(), key.public_key().to_spki_pem().as_bytes())
}

/// `padlock rsa sign`.
fn sign(args: &SignArgs) -> Result<(), Failed> {
    let key = load_key(&args.key)?;
    let key = private_half(&key, &args.key, "signing")?;
    let message = read_input(&args.file)?;
    let signature = match args.hash {
        SignatureHash::Sha256 => sign_with::<Sha256>(key, args.scheme, &message),
        SignatureHash::Sha384 => sign_with::<Sha384>(key, args.scheme, &message),
        SignatureHash::Sha512 => sign_with::<Sha512>(key, args.scheme, &message),
    };
    let signature = signature.map_err(|error| Failed::about(&args.key, error))?;
    write_output(args.out.as_deref(), &signature)
}

/// Signs with hash `H` in the scheme asked for (RFC 8017 §8.2.1 or §8.1.1).
fn sign_with<H: Hash>(
    key: &RsaPrivateKey,
    scheme: SignatureScheme,
    message: &[u8],
) -> Result<Vec<u8>, padlock_rsa::Error> {
    let mut rng = rand::rng();
    match scheme {
        SignatureScheme::Pkcs1 => key.sign_pkcs1v15::<H, _>(message, &mut rng),
        SignatureScheme::Pss => key.sign_pss::<H, _>(message, &mut rng),
    }
}

/// `padlock rsa verify`: prints `Verified OK` (status 0) or `Verification
/// failure` (status 1), as `openssl dgst -verify` does.
fn verify(args: &VerifyArgs) -> Result<ExitCode, Failed> {
    let key = load_key(&args.key)?;
    let signature = fs::read(&args.signature)
        .map_err(|error| Failed::about(&args.signature, report::os_message(&error)))?;
    let message = read_input(&args.file)?;
    let public = key.public_key();
    let verified = match args.hash {
        SignatureHash::Sha256 => verify_with::<Sha256>(public, args.scheme, &message, &signature),
        SignatureHash::Sha384 => verify_with::<Sha384>(public, args.scheme, &message, &signature),
        SignatureHash::Sha512 => verify_with::<Sha512>(public, args.scheme, &message, &signature),
    };
    let (line, status) = if verified {
        ("Verified OK\n", ExitCode::SUCCESS)
    } else {
        ("Verification failure\n", ExitCode::FAILURE)
    };
    write_output(None, line.as_bytes())?;
    Ok(status)
}

/// Whether `signature` verifies with hash `H` (RFC 8017 §8.2.2 or §8.1.2;
/// PSS with any salt length, as `openssl dgst -verify` accepts by default).
fn verify_with<H: Hash>(
    key: &RsaPublicKey,
    scheme: SignatureScheme,
    message: &[u8],
    signature: &[u8],
) -> bool {
    match scheme {
        SignatureScheme::Pkcs1 => key.verify_pkcs1v15::<H>(message, signature).is_ok(),
        SignatureScheme::Pss => key.verify_pss_any_salt_len::<H>(message, signature).is_ok(),
    }
}

/// `padlock rsa encrypt` (RFC 8017 §7.1.1 or §7.2.1).
fn encrypt(args: &CryptArgs) -> Result<(), Failed> {
    let hash = oaep_hash(args, "encrypt");
    let key = load_key(&args.key)?;
    let public = key.public_key();
    let message = read_input(&args.file)?;
    let mut rng = rand::rng();
    let ciphertext = match (args.scheme, hash) {
        (EncryptionScheme::Pkcs1, _) => public.encrypt_pkcs1v15(&message, &mut rng),
        (EncryptionScheme::Oaep, OaepHash::Sha1) => public.encrypt_oaep::<Sha1, _>(&message, b"", &mut rng),
        (EncryptionScheme::Oaep, OaepHash::Sha256) => {
            public.encrypt_oaep::<Sha256, _>(&message, b"", &mut rng)
        }
    };
    let ciphertext = ciphertext.map_err(|error| match error {
        padlock_rsa::Error::MessageTooLong => Failed::new(format_args!(
            "{}: {} bytes is too long: this key and scheme take at most {}",
            report::quote(&args.file),
            message.len(),
            max_message_len(public, args.scheme, hash)
        )),
        other => Failed::about(&args.key, other),
    })?;
    write_output(args.out.as_deref(), &ciphertext)
}

/// The longest message a scheme encrypts under `key`: `k - 11` for PKCS #1
/// v1.5 (RFC 8017 §7.2.1 step 1), `k - 2 hLen - 2` for OAEP (§7.1.1 step 1b).
fn max_message_len(key: &RsaPublicKey, scheme: EncryptionScheme, hash: OaepHash) -> usize {
    let h_len = match hash {
        OaepHash::Sha1 => Sha1::OUTPUT_LEN,
        OaepHash::Sha256 => Sha256::OUTPUT_LEN,
    };
    match scheme {
        EncryptionScheme::Pkcs1 => key.size().saturating_sub(11),
        EncryptionScheme::Oaep => key.size().saturating_sub(2 * h_len + 2),
    }
}

/// `padlock rsa decrypt` (RFC 8017 §7.1.2 or §7.2.2).
fn decrypt(args: &CryptArgs) -> Result<(), Failed> {
    let hash = oaep_hash(args, "decrypt");
    let key = load_key(&args.key)?;
    let key = private_half(&key, &args.key, "decryption")?;
    let ciphertext = read_input(&args.file)?;
    let mut rng = rand::rng();
    let plaintext = match (args.scheme, hash) {
        (EncryptionScheme::Pkcs1, _) => key.decrypt_pkcs1v15(&ciphertext, &mut rng),
        (EncryptionScheme::Oaep, OaepHash::Sha1) => key.decrypt_oaep::<Sha1, _>(&ciphertext, b"", &mut rng),
        (EncryptionScheme::Oaep, OaepHash::Sha256) => {
            key.decrypt_oaep::<Sha256, _>(&ciphertext, b"", &mut rng)
        }
    };
    let plaintext =
        plaintext.map_err(|error| Failed::new(format_args!("{}: {error}", report::quote(&args.file))))?;
    write_output(args.out.as_deref(), &plaintext)
}

/// The OAEP hash (SHA-256 unless `--hash` says otherwise). `--hash` with
/// PKCS #1 v1.5, which hashes nothing, is a usage error (status 2) of the
/// subcommand `name`.
fn oaep_hash(args: &CryptArgs, name: &str) -> OaepHash {
    if args.scheme == EncryptionScheme::Pkcs1 && args.hash.is_some() {
        use clap::CommandFactory;
        let mut padlock = crate::Cli::command();
        // Building fills in each subcommand's usage line ("padlock rsa encrypt").
        padlock.build();
        let mut command =
            padlock.find_subcommand_mut("rsa").and_then(|rsa| rsa.find_subcommand_mut(name)).cloned();
        let command = command.get_or_insert_with(crate::Cli::command);
        command
            .error(clap::error::ErrorKind::ArgumentConflict, "--hash applies to --scheme oaep only")
            .exit();
    }
    args.hash.unwrap_or(OaepHash::Sha256)
}

/// The private key, or an error saying that `what` needs one.
fn private_half<'a>(key: &'a RsaKey, path: &Path, what: &str) -> Result<&'a RsaPrivateKey, Failed> {
    key.private_key()
        .ok_or_else(|| Failed::about(path, format_args!("a public key; {what} needs the private key")))
}
