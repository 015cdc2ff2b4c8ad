//! A blocking adapter: a [`Connection`] over any `Read + Write` transport
//! (a `TcpStream`), itself `Read + Write` for application data.

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::time::{Duration, Instant};

use crate::Error;
use crate::conn::Connection;

/// A TLS connection over a blocking transport.
pub struct Stream<T: Read + Write> {
    conn: Connection,
    transport: T,
    eof: bool,
}

impl<T: Read + Write> Stream<T> {
    /// Wraps `conn` around `transport`; nothing is sent until
    /// [`handshake`](Self::handshake) or the first read or write.
    pub fn new(conn: Connection, transport: T) -> Stream<T> {
        Stream { conn, transport, eof: false }
    }

    /// Runs the handshake to the end. On failure the alert has been sent.
    pub fn handshake(&mut self) -> Result<(), Error> {
        while self.conn.is_handshaking() {
            self.flush_tls()?;
            self.read_tls()?;
        }
        // The last flight (our Finished) may still be queued.
        self.flush_tls()?;
        match self.conn.error() {
            Some(error) => Err(error.clone()),
            None => Ok(()),
        }
    }

    /// The connection (what was negotiated, and so on).
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    /// The connection, mutably (to send a KeyUpdate, say).
    pub fn connection_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }

    /// The transport.
    pub fn get_ref(&self) -> &T {
        &self.transport
    }

    /// Sends close_notify and flushes it.
    pub fn close(&mut self) -> Result<(), Error> {
        self.conn.send_close_notify();
        self.flush_tls()
    }

    /// Writes every queued TLS byte to the transport.
    fn flush_tls(&mut self) -> Result<(), Error> {
        let outgoing = self.conn.outgoing();
        let written = if outgoing.is_empty() {
            Ok(())
        } else {
            self.transport.write_all(outgoing).and_then(|()| self.transport.flush())
        };
        // Sent or not, never sent again: after a failed write the stream is
        // broken, and resending its start would garble it further.
        self.conn.consume_outgoing(usize::MAX);
        Ok(written?)
    }

    /// Reads once from the transport and processes what came. An error
    /// from the peer's bytes is answered with its alert before returning.
    fn read_tls(&mut self) -> Result<(), Error> {
        let mut buffer = [0u8; 16 * 1024 + 512];
        let n = match self.transport.read(&mut buffer) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => return Ok(()),
            Err(e) => return Err(e.into()),
        };
        if n == 0 {
            self.eof = true;
            return self.conn.read_eof();
        }
        let result = self.conn.read_tls(&buffer[..n]);
        // Send the alert (or any reply, such as a KeyUpdate) right away.
        let flushed = self.flush_tls();
        result.and(flushed)
    }
}

/// A transport that can be half-closed, as a TCP socket can: what
/// [`Stream::linger_after_error`] needs.
pub trait HalfClose: Read + Write {
    /// Closes the sending half (TCP FIN); reading goes on.
    fn shutdown_write(&self) -> io::Result<()>;
    /// Bounds the next reads (`None`: no bound).
    fn set_read_timeout(&self, timeout: Option<Duration>) -> io::Result<()>;
}

impl HalfClose for TcpStream {
    fn shutdown_write(&self) -> io::Result<()> {
        self.shutdown(Shutdown::Write)
    }

    fn set_read_timeout(&self, timeout: Option<Duration>) -> io::Result<()> {
        TcpStream::set_read_timeout(self, timeout)
    }
}

impl<T: HalfClose> Stream<T> {
    /// After a failed handshake or a fatal alert: the alert is sent; now
    /// half-close and read and discard what the peer still sends, until it
    /// closes, `linger` passes or 1 MiB arrives. Closing a socket with
    /// unread input makes the kernel send a TCP reset, which can reach the
    /// peer before the alert and erase it from its receive buffer; this
    /// lets the alert be read.
    pub fn linger_after_error(&mut self, linger: Duration) {
        let _ = self.flush_tls();
        let _ = self.transport.shutdown_write();
        let deadline = Instant::now() + linger;
        let mut discarded = 0;
        let mut buffer = [0u8; 4096];
        while discarded < 1 << 20 {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() || self.transport.set_read_timeout(Some(left)).is_err() {
                return;
            }
            match self.transport.read(&mut buffer) {
                Ok(0) | Err(_) => return,
                Ok(n) => discarded += n,
            }
        }
    }
}

fn to_io(error: Error) -> io::Error {
    match error {
        Error::UnexpectedEof => io::Error::new(io::ErrorKind::UnexpectedEof, error),
        other => io::Error::other(other),
    }
}

impl<T: Read + Write> Read for Stream<T> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.conn.is_handshaking() {
            self.handshake().map_err(to_io)?;
        }
        loop {
            let n = self.conn.read_app_data(buf);
            if n > 0 || buf.is_empty() {
                return Ok(n);
            }
            if self.conn.peer_closed() {
                return Ok(0);
            }
            if self.eof {
                return Err(to_io(Error::UnexpectedEof));
            }
            self.read_tls().map_err(to_io)?;
        }
    }
}

impl<T: Read + Write> Write for Stream<T> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.conn.is_handshaking() {
            self.handshake().map_err(to_io)?;
        }
        self.conn.write_app_data(buf).map_err(to_io)?;
        self.flush_tls().map_err(to_io)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.flush_tls().map_err(to_io)?;
        self.transport.flush()
    }
}
