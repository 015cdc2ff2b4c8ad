//! One worker of `padlock load`: a thread that, until the run's end, opens
//! a connection, shakes hands, sends a GET and reads the response, over and
//! over, counting what happens in its own [`Tally`].
//!
//! Without `--reuse` every request has a connection and a full handshake of
//! its own (`Connection: close`). With `--reuse` the connection stays open
//! for the next request as long as the server allows (HTTP/1.1 keep-alive);
//! when the server closes it (after the response, or later while it sat
//! idle) the worker connects again. A kept connection that the server
//! closed without a word is not an error: the request is simply made again
//! on a new connection.
//!
//! Every step is bounded by `--timeout`: the TCP connection, then the whole
//! handshake, then each whole request, through the server's [`Deadline`]
//! socket wrapper (a slow server cannot hold a worker by sending a byte now
//! and then). A request started just before the run's planned end may take
//! up to three timeouts more (connecting, the handshake, the request).

use std::io::Write;
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::thread;
use std::time::{Duration, Instant};

use padlock_tls::{ClientConfig, Connection, Error, Stream};
use rand::SeedableRng;
use rand::rngs::StdRng;

use super::http::{self, Response, Unread, UnreadKind};
use super::tally::{ErrorKind, Live, Tally};
use crate::deadline::Deadline;
use crate::{explain, report};

/// How long a worker waits after a refused connection before the next try,
/// so that a server that is down is not hammered in a tight loop.
const CONNECT_BACKOFF: Duration = Duration::from_millis(10);

/// How long a failed handshake may drain the server's bytes so that our
/// alert is read (see `Stream::linger_after_error`).
const LINGER: Duration = Duration::from_millis(200);

/// What every worker does, the same for all.
pub(super) struct Plan {
    /// Where to connect, every one checked (loopback unless --allow-remote).
    pub(super) addresses: Vec<SocketAddr>,
    /// The TLS client configuration.
    pub(super) config: Arc<ClientConfig>,
    /// What the client trusts, in words, for a refused certificate.
    pub(super) trusted: String,
    /// The request, asking to keep the connection (with --reuse) or not.
    pub(super) request: Vec<u8>,
    /// Whether to keep connections for more requests.
    pub(super) reuse: bool,
    /// The limit on connecting, on the handshake, and on each request.
    pub(super) timeout: Duration,
    /// When to stop starting requests.
    pub(super) end: Instant,
}

/// A connection after its handshake.
type Open = Stream<Deadline>;

/// A failure, counted under its kind.
struct Failure {
    kind: ErrorKind,
    message: String,
}

/// Runs one worker to the end of the run, and returns what it counted.
pub(super) fn run(plan: &Plan, live: &Live) -> Tally {
    let mut tally = Tally::new();
    let mut kept: Option<Open> = None;
    // The address that last answered: localhost has two, and a server may
    // listen on only one of them.
    let mut preferred = 0;
    while Instant::now() < plan.end {
        let started = Instant::now();
        let (mut stream, fresh) = match kept.take() {
            Some(stream) => (stream, false),
            None => match open(plan, &mut preferred) {
                Ok((stream, handshake)) => {
                    tally.handshakes += 1;
                    tally.handshake_latency.record(handshake);
                    live.handshakes.fetch_add(1, Ordering::Relaxed);
                    if tally.negotiated.is_none() {
                        tally.negotiated = negotiated(&stream);
                    }
                    (stream, true)
                }
                Err(failure) => {
                    if failure.kind == ErrorKind::Connect {
                        thread::sleep(CONNECT_BACKOFF);
                    }
                    tally.error(failure.kind, failure.message, live);
                    continue;
                }
            },
        };
        // Before `request` starts the request's deadline (see `open`).
        let request_started = Instant::now();
        match request(plan, &mut stream) {
            Ok(response) => {
                tally.received += response.received;
                if response.status >= 400 {
                    tally.error(ErrorKind::Status, response.status_line, live);
                } else {
                    tally.requests += 1;
                    tally.request_latency.record(started.elapsed());
                    live.requests.fetch_add(1, Ordering::Relaxed);
                }
                if plan.reuse && response.keep_alive {
                    kept = Some(stream);
                } else {
                    // The server may have closed already; that changes nothing.
                    let _ = stream.close();
                }
            }
            // A kept connection the server closed while it sat idle: connect again.
            Err(unread) if !fresh && unread.received == 0 && unread.kind != UnreadKind::Malformed => {}
            Err(unread) => {
                let failure = request_failure(&unread, request_started, plan.timeout);
                tally.error(failure.kind, failure.message, live);
            }
        }
    }
    if let Some(mut stream) = kept {
        let _ = stream.close();
    }
    tally
}

/// Connects and shakes hands; returns the stream and how long that took.
fn open(plan: &Plan, preferred: &mut usize) -> Result<(Open, Duration), Failure> {
    let started = Instant::now();
    let socket = connect(plan, preferred)?;
    // Taken before the deadline starts, so that a handshake that ran out of
    // time is seen to have taken at least the timeout.
    let handshake_started = Instant::now();
    let socket = Deadline::new(socket, "the handshake", plan.timeout);
    let rng = Box::new(StdRng::from_rng(&mut rand::rng()));
    let conn = Connection::client(Arc::clone(&plan.config), rng)
        .map_err(|error| Failure { kind: ErrorKind::Handshake, message: error.to_string() })?;
    let mut stream = Stream::new(conn, socket);
    match stream.handshake() {
        Ok(()) => Ok((stream, started.elapsed())),
        Err(error) => {
            let kind = handshake_kind(&error, handshake_started, plan.timeout);
            stream.linger_after_error(LINGER);
            let answered = stream.connection().negotiated().is_some();
            Err(Failure { kind, message: explain::summary(&error, answered, &plan.trusted) })
        }
    }
}

/// A TCP connection to the preferred address, else the others in turn.
fn connect(plan: &Plan, preferred: &mut usize) -> Result<TcpStream, Failure> {
    let count = plan.addresses.len();
    let mut last = Failure { kind: ErrorKind::Connect, message: "no address to connect to".to_string() };
    for index in (0..count).map(|i| (*preferred + i) % count) {
        let address = plan.addresses[index];
        match TcpStream::connect_timeout(&address, plan.timeout) {
            Ok(socket) => {
                *preferred = index;
                // Without this, our Finished and the request that follows it
                // would wait for an ACK (Nagle's algorithm meeting delayed
                // ACKs): 40 ms per handshake, measuring the kernel, not TLS.
                let _ = socket.set_nodelay(true);
                return Ok(socket);
            }
            Err(error) => {
                let kind = match error.kind() {
                    std::io::ErrorKind::TimedOut => ErrorKind::Timeout,
                    _ => ErrorKind::Connect,
                };
                last = Failure { kind, message: format!("{address}: {}", report::os_message(&error)) };
            }
        }
    }
    Err(last)
}

/// Sends the request and reads the response, within the timeout.
fn request(plan: &Plan, stream: &mut Open) -> Result<Response, Unread> {
    stream.get_ref().next("the request", plan.timeout);
    if let Err(error) = stream.write_all(&plan.request).and_then(|()| stream.flush()) {
        let reason = format!("sending the request: {error}");
        return Err(Unread { kind: UnreadKind::Io(error.kind()), reason, received: 0 });
    }
    http::read_response(stream)
}

/// The kind of a failed handshake: a timeout if the time was up, a refused
/// certificate, or any other handshake failure.
fn handshake_kind(error: &Error, started: Instant, timeout: Duration) -> ErrorKind {
    match error {
        _ if started.elapsed() >= timeout => ErrorKind::Timeout,
        Error::Certificate(_) | Error::UnsupportedCertificate(_) => ErrorKind::Certificate,
        _ => ErrorKind::Handshake,
    }
}

/// The kind and message of a request that got no whole response.
fn request_failure(unread: &Unread, started: Instant, timeout: Duration) -> Failure {
    let kind = match unread.kind {
        UnreadKind::Io(_) if started.elapsed() >= timeout => ErrorKind::Timeout,
        UnreadKind::Io(_) => ErrorKind::Io,
        UnreadKind::Closed => ErrorKind::Closed,
        UnreadKind::Malformed | UnreadKind::TooLarge => ErrorKind::Response,
    };
    Failure { kind, message: unread.reason.clone() }
}

/// What the handshake agreed, in words: "TLS 1.3, TLS_AES_128_GCM_SHA256, x25519".
fn negotiated(stream: &Open) -> Option<String> {
    let negotiated = stream.connection().negotiated()?;
    let group = crate::narrate::group_name(negotiated.key_exchange).unwrap_or("RSA key transport");
    Some(format!("{}, {}, {group}", negotiated.version_name(), negotiated.suite.name()))
}
