//! The files every subcommand reads and writes: key files in any format
//! `padlock_rsa::read_key` takes, and output to a file or standard output.
//! Each failure is a [`Failed`] naming the file, as coreutils would.

use std::fs;
use std::io::{self, Read, Write};
use std::path::Path;

use padlock_rsa::{RsaKey, read_key};

use crate::report::{self, Failed, write_failed};

/// The key in the file `path`, in any format `read_key` takes.
pub(crate) fn load_key(path: &Path) -> Result<RsaKey, Failed> {
    let contents = fs::read(path).map_err(|error| Failed::about(path, report::os_message(&error)))?;
    match read_key(&contents) {
        Ok(file) => Ok(file.into_key()),
        Err(error) => Err(Failed::about(path, error)),
    }
}

/// Writes `bytes` to the file `out`, or to standard output.
pub(crate) fn write_output(out: Option<&Path>, bytes: &[u8]) -> Result<(), Failed> {
    match out {
        Some(path) => fs::write(path, bytes).map_err(|error| Failed::about(path, report::os_message(&error))),
        None => {
            let mut stdout = io::stdout().lock();
            stdout.write_all(bytes).and_then(|()| stdout.flush()).map_err(|error| write_failed(&error))
        }
    }
}

/// The whole of the file `name`, or of standard input if it is `-`.
pub(crate) fn read_input(name: &std::ffi::OsStr) -> Result<Vec<u8>, Failed> {
    let read = if name == "-" {
        let mut contents = Vec::new();
        io::stdin().lock().read_to_end(&mut contents).map(|_| contents)
    } else {
        fs::read(name)
    };
    read.map_err(|error| Failed::new(format_args!("{}: {}", report::quote(name), report::os_message(&error))))
}
