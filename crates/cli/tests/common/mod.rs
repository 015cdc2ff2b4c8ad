//! What the CLI tests that run `padlock` beside `openssl` share: a scratch
//! directory per test (padlock-testkit's `Scratch`), the `openssl` runner, a
//! bounded runner for any program, a readable description of a program's
//! output for failed assertions, a [`Guard`] that reads a long-running
//! program's lines, and a `padlock server` on 127.0.0.1 with its client. A
//! program that is missing fails the test, saying how to install it
//! (padlock-testkit's `tools`). Every child process is killed when its guard
//! drops (on every path, panics too), and every wait is bounded.

#![allow(dead_code, unreachable_pub, missing_docs)]

use std::cell::RefCell;
use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

pub use padlock_testkit::{Scratch, describe};

/// Runs `openssl <args>` in `dir`, failing the test if it is missing or
/// fails.
pub fn openssl(dir: &Scratch, args: &[&str]) -> Output {
    padlock_testkit::run_ok(Command::new("openssl").args(args).current_dir(&dir.path))
}

/// Makes a self-signed certificate with `openssl req -x509` (RSA 2048, two
/// days) for `subject`, with the subjectAltName `san` if given, writing
/// the key to `key` and the certificate to `cert` in `dir`.
pub fn self_signed(dir: &Scratch, subject: &str, san: Option<&str>, key: &str, cert: &str) {
    let mut args = vec!["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", subject, "-days", "2"];
    let san = san.map(|san| format!("subjectAltName={san}"));
    if let Some(san) = &san {
        args.extend(["-addext", san]);
    }
    args.extend(["-keyout", key, "-out", cert]);
    openssl(dir, &args);
}

/// Makes `other.pem` (and `other-key.pem`), a self-signed CA that signed
/// nothing of ours.
pub fn other_ca(dir: &Scratch) {
    self_signed(dir, "/CN=Other CA", None, "other-key.pem", "other.pem");
}

/// The port at the end of a line such as `listening on 127.0.0.1:4433`.
pub fn port_of(line: &str) -> u16 {
    let port = line.trim().rsplit(':').next().unwrap_or_default();
    port.parse().unwrap_or_else(|_| panic!("no port in {line:?}"))
}

/// Runs `command` to its end with no input, collecting its output; kills
/// it (and fails the test) if it runs longer than `timeout`. A program that
/// is not installed fails the test, saying how to install it.
pub fn run_bounded(mut command: Command, timeout: Duration) -> Output {
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

/// The longest any one child process may run.
pub const TIMEOUT: Duration = Duration::from_secs(30);

/// A child process, killed and reaped when dropped, whose standard error
/// (or output) lines arrive on a channel.
pub struct Guard {
    pub child: Child,
    pub lines: Receiver<String>,
    /// The lines read so far but not returned by a wait, for error messages.
    seen: RefCell<Vec<String>>,
    /// When the lines come from standard error: all of standard output,
    /// read to its end by a thread of its own (so a chatty child never
    /// blocks on a full pipe), for [`Guard::stdout`].
    stdout: Option<thread::JoinHandle<String>>,
}

/// How [`Guard::wait_for_line`] ended.
pub enum Line {
    /// The line that contained what was looked for.
    Found(String),
    /// The process closed the stream (it has ended) first.
    Closed,
    /// The time ran out first.
    TimedOut,
}

impl Guard {
    /// Starts `command` with the stream `stderr` (else stdout) read line by
    /// line; with `stderr`, standard output is kept whole for
    /// [`Guard::stdout`], else standard error is thrown away.
    pub fn spawn(mut command: Command, from_stderr: bool) -> Guard {
        let (stdout, stderr) =
            if from_stderr { (Stdio::piped(), Stdio::piped()) } else { (Stdio::piped(), Stdio::null()) };
        command.stdin(Stdio::null()).stdout(stdout).stderr(stderr);
        let mut child =
            command.spawn().unwrap_or_else(|e| panic!("{}", padlock_testkit::not_started(&command, &e)));
        let (sender, lines) = mpsc::channel();
        let (pipe, stdout): (Box<dyn Read + Send>, _) = if from_stderr {
            let mut out = child.stdout.take().expect("piped stdout");
            let whole = thread::spawn(move || {
                let mut text = String::new();
                let _ = out.read_to_string(&mut text);
                text
            });
            (Box::new(child.stderr.take().expect("piped stderr")), Some(whole))
        } else {
            (Box::new(child.stdout.take().expect("piped stdout")), None)
        };
        thread::spawn(move || {
            for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        Guard { child, lines, seen: RefCell::new(Vec::new()), stdout }
    }

    /// Everything the process wrote to standard output, once it has ended
    /// (wait for that first, with [`Guard::wait`]). Only for a guard that
    /// reads standard error.
    pub fn stdout(&mut self) -> String {
        let reader = self.stdout.take().expect("a guard reading stderr, asked for its stdout once");
        reader.join().expect("the stdout reader")
    }

    /// Waits, at most [`TIMEOUT`], for a line containing `needle`, returning
    /// it; fails the test, showing the lines read, if none comes.
    pub fn wait_for(&self, needle: &str) -> String {
        match self.wait_for_line(needle, TIMEOUT) {
            Line::Found(line) => line,
            Line::Closed | Line::TimedOut => {
                panic!("no line containing {needle:?} within {TIMEOUT:?}; saw:\n{}", self.lines_so_far())
            }
        }
    }

    /// Waits, at most `within`, for a line containing `needle`, and says how
    /// the wait ended.
    pub fn wait_for_line(&self, needle: &str, within: Duration) -> Line {
        let deadline = Instant::now() + within;
        loop {
            match self.lines.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
                Ok(line) if line.contains(needle) => return Line::Found(line),
                Ok(line) => self.seen.borrow_mut().push(line),
                Err(RecvTimeoutError::Disconnected) => return Line::Closed,
                Err(RecvTimeoutError::Timeout) => return Line::TimedOut,
            }
        }
    }

    /// Waits, at most `within`, for the process to end by itself; fails the
    /// test, showing the lines read, if it does not.
    pub fn wait(&mut self, within: Duration) -> ExitStatus {
        let deadline = Instant::now() + within;
        loop {
            if let Some(status) = self.child.try_wait().expect("waiting for a child") {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "a child ran longer than {within:?}:\n{}",
                self.lines_so_far()
            );
            thread::sleep(Duration::from_millis(20));
        }
    }

    /// Every line read so far but those a wait returned.
    pub fn lines_so_far(&self) -> String {
        let mut seen = self.seen.borrow_mut();
        seen.extend(self.lines.try_iter());
        seen.join("\n")
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A `padlock server` on 127.0.0.1 with a throw-away CA in `dir/ca.pem`.
pub struct Server {
    pub guard: Guard,
    pub port: u16,
}

impl Server {
    /// Starts `padlock server --exit-after N` with `extra` arguments,
    /// and waits until it listens. Without `--cert` in `extra`, the server
    /// writes its throw-away CA to `ca.pem`.
    pub fn start(dir: &Scratch, connections: u32, extra: &[&str]) -> Server {
        let mut command = Command::new(env!("CARGO_BIN_EXE_padlock"));
        command.current_dir(&dir.path).args(["server", "--listen", "127.0.0.1:0"]);
        if !extra.contains(&"--cert") {
            command.args(["--ca-out", "ca.pem"]);
        }
        command.args(["--exit-after", &connections.to_string()]).args(extra);
        command.env_remove("SSLKEYLOGFILE");
        let guard = Guard::spawn(command, true);
        let line = guard.wait_for("listening on ");
        let port = port_of(&line);
        Server { guard, port }
    }

    /// `https://localhost:PORT/path`.
    pub fn url(&self, path: &str) -> String {
        format!("https://localhost:{}{path}", self.port)
    }
}

/// `padlock client ARGS`, without any SSLKEYLOGFILE of the environment.
pub fn client(dir: &Scratch, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_padlock"));
    command.current_dir(&dir.path).arg("client").args(args).env_remove("SSLKEYLOGFILE");
    run_bounded(command, TIMEOUT)
}

/// Asserts the program succeeded and returns its standard output as text.
pub fn success(output: &Output) -> String {
    assert!(output.status.success(), "{}", describe(output));
    String::from_utf8_lossy(&output.stdout).into_owned()
}
