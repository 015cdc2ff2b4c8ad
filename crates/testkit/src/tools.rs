//! Running the outside programs that interoperability tests compare against
//! (`openssl`, `curl`, `tshark`, `python3`, `chromium`, ...).
//!
//! A test whose program is missing must fail, saying how to install it,
//! rather than pass without checking anything: `.ci/run` installs every one
//! of them, so a green run means they all ran.

use std::io;
use std::process::{Command, Output};

/// Runs `command` to its end and returns its output, whatever its exit
/// status. Fails the test, with [`install_hint`], if the program is missing.
pub fn run(command: &mut Command) -> Output {
    match command.output() {
        Ok(output) => output,
        Err(error) => panic!("{}", not_started(command, &error)),
    }
}

/// Runs `command` like [`run`], and fails the test, showing its output, if it
/// does not succeed.
pub fn run_ok(command: &mut Command) -> Output {
    let output = run(command);
    assert!(output.status.success(), "{command:?}: {}", describe(&output));
    output
}

/// Why `command` could not be started, in words for a failed test: for a
/// program that is not installed, how to install it.
pub fn not_started(command: &Command, error: &io::Error) -> String {
    let program = command.get_program().to_string_lossy();
    if error.kind() == io::ErrorKind::NotFound {
        format!("`{program}` was not found on PATH; this test needs it. {}", install_hint(&program))
    } else {
        format!("running {command:?}: {error}")
    }
}

/// How to install `program` (`.ci/run` does the same).
pub fn install_hint(program: &str) -> String {
    let how = match program {
        "openssl" => "install OpenSSL 3.0 or later: `apt-get install openssl` (Debian, Ubuntu)",
        "curl" => "install curl: `apt-get install curl`",
        "tshark" => "install Wireshark's command line: `apt-get install tshark`",
        "python3" => "install Python 3: `apt-get install python3`",
        "objdump" => "install GNU binutils: `apt-get install binutils`",
        "chromium" => "install Chromium: `apt-get install chromium`",
        "mdbook" => "install mdBook: `cargo install --locked mdbook`",
        _ => "install it with your system's package manager",
    };
    format!("To run it, {how}.")
}

/// A program's exit status and output, for a failed assertion's message.
pub fn describe(output: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}
