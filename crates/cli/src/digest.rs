//! `padlock digest`: the SHA-1, SHA-2 (FIPS 180-4) or SHA-3 (FIPS 202) digest
//! of files.
//!
//! The output is exactly that of GNU coreutils' `sha256sum` (and `sha1sum`,
//! `sha224sum`, `sha384sum`, `sha512sum`), so the two can check each other
//! with `sha256sum -c`; for SHA-3 the digest is that of `openssl dgst
//! -sha3-256` (whose `-r` output differs only in writing ` *` before the name
//! where we write two spaces). One line per file:
//!
//! ```text
//! ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  abc.txt
//! ```
//!
//! the digest in lowercase hex, two spaces, the name (`-` for standard input).
//! A name containing a backslash, newline or carriage return would break
//! that line format, so, as coreutils 9.1 does, the line then starts with `\`
//! and the name is written with `\\`, `\n` and `\r` in place of those bytes.
//!
//! A file that cannot be read gets an error message and is skipped; the others
//! are still hashed, and the exit status is 1 at the end.
//!
//! Speed: each file is streamed through the hasher in 1 MiB pieces, read into
//! one page-aligned buffer allocated once. That makes a read system call per
//! MiB instead of per few KiB, and whole 1 MiB slices go straight to the
//! compression function without a copy, so a large file is hashed at the hash
//! function's own speed (see `page_aligned` for why the alignment matters).

use std::ffi::{OsStr, OsString};
use std::fs::File;
use std::io::{self, ErrorKind, Read, Write};
use std::process::ExitCode;

use padlock_sha::{Hash, Sha1, Sha3_224, Sha3_256, Sha3_384, Sha3_512, Sha224, Sha256, Sha384, Sha512};

use crate::report;

/// How many bytes each read asks for: large enough that system calls cost
/// nothing next to hashing.
const BUFFER_LEN: usize = 1 << 20;

/// The alignment of the read buffer: the 4 KiB page of x86-64 and most others.
const PAGE_LEN: usize = 4096;

/// The end of `padlock digest --help`.
const EXAMPLES: &str = "\
Examples:
  padlock digest notes.txt              SHA-256 of a file
  padlock digest --algo sha1 *.pem      SHA-1 of several files
  padlock digest --algo sha3-256 f.txt  SHA3-256, as `openssl dgst -sha3-256`
  echo -n abc | padlock digest          SHA-256 of standard input
  padlock digest *.iso > SUMS           then `sha256sum -c SUMS` checks them";

/// Arguments of `padlock digest`.
#[derive(clap::Args)]
#[command(after_help = EXAMPLES)]
pub(crate) struct Args {
    /// The hash function.
    #[arg(short, long, value_enum, default_value_t = Algo::Sha256)]
    algo: Algo,

    /// The files to hash; `-`, or no FILE at all, means standard input.
    #[arg(value_name = "FILE")]
    files: Vec<OsString>,
}

/// The hash functions `--algo` offers, named as on the command line.
#[derive(Clone, Copy, clap::ValueEnum)]
enum Algo {
    /// 160 bits; broken (collisions have been found), for old formats only.
    Sha1,
    /// 224 bits: SHA-256 with other initial values, truncated.
    Sha224,
    /// 256 bits.
    Sha256,
    /// 384 bits: SHA-512 with other initial values, truncated.
    Sha384,
    /// 512 bits.
    Sha512,
    /// SHA3-224 (FIPS 202): Keccak sponge, 224 bits.
    #[value(name = "sha3-224")]
    Sha3_224,
    /// SHA3-256 (FIPS 202): Keccak sponge, 256 bits.
    #[value(name = "sha3-256")]
    Sha3_256,
    /// SHA3-384 (FIPS 202): Keccak sponge, 384 bits.
    #[value(name = "sha3-384")]
    Sha3_384,
    /// SHA3-512 (FIPS 202): Keccak sponge, 512 bits.
    #[value(name = "sha3-512")]
    Sha3_512,
}

/// Runs `padlock digest`: prints a line per file, and returns the exit status.
pub(crate) fn run(args: &Args) -> ExitCode {
    // The one place the hash is chosen; everything below is generic over it.
    match args.algo {
        Algo::Sha1 => digest_files::<Sha1>(&args.files),
        Algo::Sha224 => digest_files::<Sha224>(&args.files),
        Algo::Sha256 => digest_files::<Sha256>(&args.files),
        Algo::Sha384 => digest_files::<Sha384>(&args.files),
        Algo::Sha512 => digest_files::<Sha512>(&args.files),
        Algo::Sha3_224 => digest_files::<Sha3_224>(&args.files),
        Algo::Sha3_256 => digest_files::<Sha3_256>(&args.files),
        Algo::Sha3_384 => digest_files::<Sha3_384>(&args.files),
        Algo::Sha3_512 => digest_files::<Sha3_512>(&args.files),
    }
}

/// Hashes each file with `H` and prints its line. Exit status: 0 if every file
/// was hashed, 1 if any could not be read or standard output failed.
fn digest_files<H: Hash>(files: &[OsString]) -> ExitCode {
    let stdin_only = [OsString::from("-")];
    let files = if files.is_empty() { &stdin_only[..] } else { files };

    let mut allocation = vec![0; BUFFER_LEN + PAGE_LEN];
    let buffer = page_aligned(&mut allocation, BUFFER_LEN);
    let mut line = Vec::new();
    let mut stdout = io::stdout().lock();
    let mut all_read = true;
    for name in files {
        match digest_file::<H>(name, buffer) {
            Ok(digest) => {
                format_line(&mut line, digest.as_ref(), name.as_encoded_bytes());
                if let Err(error) = stdout.write_all(&line) {
                    // A closed pipe (`padlock digest *.iso | head -n 1`) ends quietly.
                    return report::write_failed(&error).report();
                }
            }
            Err(error) => {
                report::error(format_args!("{}: {}", report::quote(name), report::os_message(&error)));
                all_read = false;
            }
        }
    }
    if let Err(error) = stdout.flush() {
        return report::write_failed(&error).report();
    }
    if all_read { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}

/// The `len` bytes of `allocation` (which must hold `len + PAGE_LEN`) that
/// start on a page boundary, like the kernel's page-cache pages `read` copies
/// from.
///
/// Why: a 1 MiB allocation is its own `mmap`, whose data glibc starts 16 bytes
/// into a page. Source and destination of that copy then differ by 16 modulo
/// 4096, and the CPU takes each load for one that may depend on the store just
/// before it ("4K aliasing"): the copy in the kernel took 4x as long, the whole
/// run 1.5x, on the machine where this was measured.
fn page_aligned(allocation: &mut [u8], len: usize) -> &mut [u8] {
    // `align_offset` may answer `usize::MAX` ("cannot"): `min` then keeps the
    // slice in bounds, merely unaligned.
    let start = allocation.as_ptr().align_offset(PAGE_LEN).min(PAGE_LEN);
    &mut allocation[start..start + len]
}

/// The digest of the file `name`, or of standard input if `name` is `-`.
///
/// A directory opens fine on Unix; reading it is what fails, with "Is a
/// directory", as for coreutils.
fn digest_file<H: Hash>(name: &OsStr, buffer: &mut [u8]) -> io::Result<H::Output> {
    if name == "-" {
        hash_reader::<H>(io::stdin().lock(), buffer)
    } else {
        hash_reader::<H>(File::open(name)?, buffer)
    }
}

/// Streams everything `reader` yields through a fresh `H`, `buffer.len()`
/// bytes at a time, and returns the digest.
fn hash_reader<H: Hash>(mut reader: impl Read, buffer: &mut [u8]) -> io::Result<H::Output> {
    let mut hasher = H::new();
    loop {
        match reader.read(buffer) {
            Ok(0) => return Ok(hasher.finalize()),
            Ok(n) => hasher.update(&buffer[..n]),
            // A signal arrived before any byte did: just ask again.
            Err(error) if error.kind() == ErrorKind::Interrupted => {}
            Err(error) => return Err(error),
        }
    }
}

/// Replaces the contents of `line` with the output line for one file, as
/// coreutils 9.1 writes it (`output_file` and `print_filename` in
/// `src/digest.c`): `[\]<hex digest>  <name>\n`, where the leading `\` and the
/// escapes in the name appear only if the name has a `\`, `\n` or `\r`.
fn format_line(line: &mut Vec<u8>, digest: &[u8], name: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";

    line.clear();
    if name.iter().any(|b| matches!(b, b'\\' | b'\n' | b'\r')) {
        line.push(b'\\');
    }
    for &byte in digest {
        line.push(HEX[usize::from(byte >> 4)]);
        line.push(HEX[usize::from(byte & 0x0f)]);
    }
    // Two spaces: the second is where `sha256sum --binary` would put a `*`.
    line.extend_from_slice(b"  ");
    for &byte in name {
        match byte {
            b'\\' => line.extend_from_slice(b"\\\\"),
            b'\n' => line.extend_from_slice(b"\\n"),
            b'\r' => line.extend_from_slice(b"\\r"),
            _ => line.push(byte),
        }
    }
    line.push(b'\n');
}
