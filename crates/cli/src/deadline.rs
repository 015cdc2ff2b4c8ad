//! A socket with a deadline: whatever the peer does, a phase of a connection
//! (a handshake, a request) ends on time. `padlock server` gives each
//! connection one; `padlock load` and `padlock client --explain` use it for
//! their own connections.

use std::cell::Cell;
use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// A connection's socket whose reads and writes must be done by a
/// deadline. Before each read or write the socket's timeout is set to the
/// time left, so however the peer spaces its bytes, the connection ends on
/// time.
pub(crate) struct Deadline {
    socket: TcpStream,
    /// When the current phase must be over, and what it is, for the message.
    /// A `Cell`, so it can be moved on while a TLS stream holds the socket.
    until: Cell<(Instant, &'static str, Duration)>,
}

impl Deadline {
    /// `socket`, with `what` (say "the handshake") to be done within `limit`.
    pub(crate) fn new(socket: TcpStream, what: &'static str, limit: Duration) -> Deadline {
        Deadline { socket, until: Cell::new((Instant::now() + limit, what, limit)) }
    }

    /// Starts the next phase: `what` is to be done within `limit` from now.
    pub(crate) fn next(&self, what: &'static str, limit: Duration) {
        self.until.set((Instant::now() + limit, what, limit));
    }

    /// The time left, or the error that says the deadline has passed.
    fn left(&self) -> io::Result<Duration> {
        let (until, what, limit) = self.until.get();
        let left = until.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(io::Error::new(
                io::ErrorKind::TimedOut,
                format!("{what} was not done within {} s", limit.as_secs_f64()),
            ));
        }
        Ok(left)
    }

    /// A timed-out read or write (`WouldBlock` on Unix) as the deadline's error.
    fn timed_out(&self, error: io::Error) -> io::Error {
        match error.kind() {
            io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => match self.left() {
                Err(deadline) => deadline,
                // Woken a moment early: the next call times out for good.
                Ok(_) => io::Error::from(io::ErrorKind::Interrupted),
            },
            _ => error,
        }
    }
}

/// After a failure, `Stream::linger_after_error` half-closes the socket and
/// drains it within its own, short, time limit.
impl padlock_tls::HalfClose for Deadline {
    fn shutdown_write(&self) -> io::Result<()> {
        self.socket.shutdown(std::net::Shutdown::Write)
    }

    fn set_read_timeout(&self, timeout: Option<Duration>) -> io::Result<()> {
        if let Some(limit) = timeout {
            self.next("closing after an error", limit);
        }
        Ok(())
    }
}

impl Read for Deadline {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.socket.set_read_timeout(Some(self.left()?))?;
        self.socket.read(buf).map_err(|error| self.timed_out(error))
    }
}

impl Write for Deadline {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.socket.set_write_timeout(Some(self.left()?))?;
        self.socket.write(buf).map_err(|error| self.timed_out(error))
    }

    fn flush(&mut self) -> io::Result<()> {
        self.socket.flush()
    }
}
