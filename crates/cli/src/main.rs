//! The `padlock` command: the one program through which Padlock is used.
//!
//! This file only parses the command line (clap's derive API: the structs and
//! their doc comments below *are* the `--help` text) and hands the parsed
//! arguments to the subcommand's module:
//!
//! - `digest` (`digest.rs`): SHA-1 and SHA-2 digests of files, in the format of
//!   GNU coreutils' `sha256sum` and its siblings.
//! - `report` (`report.rs`): how every subcommand words its error messages.
//!
//! The TLS `demo`, `server` and `client`, `keygen` and `cert` join `digest` as
//! the crates they drive land; each gets a variant of [`Command`] and a module.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod digest;
mod report;

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
    /// Print the SHA-1 or SHA-2 digest of files, as sha256sum does.
    ///
    /// Prints one line per FILE: its digest (FIPS 180-4) in lowercase hex, two
    /// spaces, and its name. The output is that of GNU coreutils' sha256sum,
    /// sha1sum, sha224sum, sha384sum and sha512sum, so `sha256sum -c` can check it.
    // `verbatim_doc_comment` keeps the line breaks above: without clap's
    // `wrap_help` feature, the paragraph would be one long line.
    #[command(verbatim_doc_comment)]
    Digest(digest::Args),
}

fn main() -> ExitCode {
    // On a usage error, `parse` prints it and exits with status 2; on `--help`
    // and `--version` it prints and exits with status 0.
    let cli = Cli::parse();
    match cli.command {
        Command::Digest(args) => digest::run(&args),
    }
}
