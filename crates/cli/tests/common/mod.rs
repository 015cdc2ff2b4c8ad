//! What the CLI tests that run `padlock` beside `openssl` share: a scratch
//! directory per test, the `openssl` runner, a bounded runner for any
//! program, and a readable description of a program's output for failed
//! assertions. A program that is missing fails the test, saying how to
//! install it (padlock-testkit's `tools`).

#![allow(dead_code, unreachable_pub, missing_docs)]

use std::fs;
use std::path::PathBuf;
use std::process::{Command, Output};

pub use padlock_testkit::describe;

/// A scratch directory for one test, deleted when dropped.
pub struct Scratch {
    pub path: PathBuf,
}

impl Scratch {
    /// An empty directory whose name is unique to this test binary, test and
    /// process.
    pub fn new(test: &str) -> Scratch {
        let name = format!("padlock-cli-{}-{}-{test}", env!("CARGO_CRATE_NAME"), std::process::id());
        let path = std::env::temp_dir().join(name);
        // Left over from an earlier, killed run whose process id was the same.
        let _ = fs::remove_dir_all(&path);
        fs::create_dir_all(&path).expect("creating a scratch directory");
        Scratch { path }
    }

    /// Writes the file `name`.
    pub fn write(&self, name: &str, contents: &[u8]) {
        fs::write(self.path.join(name), contents).expect("writing a scratch file");
    }

    /// Reads the file `name`.
    pub fn read(&self, name: &str) -> Vec<u8> {
        fs::read(self.path.join(name)).unwrap_or_else(|e| panic!("reading {name}: {e}"))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.path);
    }
}

/// Runs `openssl <args>` in `dir`, failing the test if it is missing or
/// fails.
pub fn openssl(dir: &Scratch, args: &[&str]) -> Output {
    padlock_testkit::run_ok(Command::new("openssl").args(args).current_dir(&dir.path))
}

/// The port at the end of a line such as `listening on 127.0.0.1:4433`.
pub fn port_of(line: &str) -> u16 {
    let port = line.trim().rsplit(':').next().unwrap_or_default();
    port.parse().unwrap_or_else(|_| panic!("no port in {line:?}"))
}

/// Runs `command` to its end with no input, collecting its output; kills
/// it (and fails the test) if it runs longer than `timeout`. A program that
/// is not installed fails the test, saying how to install it.
pub fn run_bounded(mut command: Command, timeout: std::time::Duration) -> Output {
    use std::io::Read;
    use std::process::Stdio;
    use std::thread;
    use std::time::{Duration, Instant};
    command.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child =
        command.spawn().unwrap_or_else(|e| panic!("{}", padlock_testkit::not_started(&command, &e)));
    let mut stdout = child.stdout.take().expect("piped stdout");
    let mut stderr = child.stderr.take().expect("piped stderr");
    let out = thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = stdout.read_to_end(&mut bytes);
        bytes
    });
    let err = thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = stderr.read_to_end(&mut bytes);
        bytes
    });
    let deadline = Instant::now() + timeout;
    let status = loop {
        if let Some(status) = child.try_wait().expect("waiting for a child") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{command:?} ran longer than {timeout:?}");
        }
        thread::sleep(Duration::from_millis(20));
    };
    Output { status, stdout: out.join().expect("stdout reader"), stderr: err.join().expect("stderr reader") }
}
