//! The network of a lab, all on 127.0.0.1: a TLS server in worker threads,
//! raw TLS records for attackers who speak the protocol by hand, and a man
//! in the middle that relays records and may record, change or replace them.

use std::io::{self, Read, Write};
use std::net::{Ipv4Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use padlock_tls::{Connection, ServerConfig, Stream};
use rand::SeedableRng;
use rand::rngs::StdRng;

/// How long any socket of a lab waits before giving up: a lab must never hang.
pub(crate) const TIMEOUT: Duration = Duration::from_secs(20);

/// What a server does with a connection once the handshake is over.
pub(crate) type App = Arc<dyn Fn(&mut Stream<TcpStream>) -> io::Result<()> + Send + Sync>;

/// A TLS server on 127.0.0.1, serving connections in worker threads until
/// dropped. Connection `i` gets an RNG seeded from `(seed, i)`.
pub(crate) struct Server {
    address: SocketAddr,
    stop: Arc<AtomicBool>,
    workers: Vec<JoinHandle<()>>,
}

impl Server {
    /// Starts `workers` threads serving `config`, each connection then
    /// handed to `app`.
    pub(crate) fn start(
        config: ServerConfig,
        seed: u64,
        workers: usize,
        app: impl Fn(&mut Stream<TcpStream>) -> io::Result<()> + Send + Sync + 'static,
    ) -> Result<Server, String> {
        let app: App = Arc::new(app);
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).map_err(|e| format!("listen: {e}"))?;
        let address = listener.local_addr().map_err(|e| e.to_string())?;
        let config = Arc::new(config);
        let stop = Arc::new(AtomicBool::new(false));
        let counter = Arc::new(AtomicU64::new(0));
        let mut handles = Vec::new();
        for _ in 0..workers.max(1) {
            let listener = listener.try_clone().map_err(|e| e.to_string())?;
            let (config, stop, counter, app) = (config.clone(), stop.clone(), counter.clone(), app.clone());
            handles.push(std::thread::spawn(move || {
                while let Ok((tcp, _)) = listener.accept() {
                    if stop.load(Ordering::SeqCst) {
                        return;
                    }
                    let index = counter.fetch_add(1, Ordering::SeqCst);
                    serve_one(tcp, &config, seed_for(seed, index), &app);
                }
            }));
        }
        Ok(Server { address, stop, workers: handles })
    }

    /// Where it listens.
    pub(crate) fn address(&self) -> SocketAddr {
        self.address
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake each worker blocked in accept.
        for _ in &self.workers {
            let _ = TcpStream::connect(self.address);
        }
        for worker in self.workers.drain(..) {
            let _ = worker.join();
        }
    }
}

/// A seed for the `index`-th use of `seed`.
pub(crate) fn seed_for(seed: u64, index: u64) -> u64 {
    seed.wrapping_mul(0x9e37_79b9_7f4a_7c15).wrapping_add(index.wrapping_mul(0xbf58_476d_1ce4_e5b9))
}

/// An RNG for the `index`-th use of `seed`.
pub(crate) fn rng(seed: u64, index: u64) -> StdRng {
    StdRng::seed_from_u64(seed_for(seed, index))
}

/// `len` random bytes for the `index`-th use of `seed`.
pub(crate) fn random_bytes(seed: u64, index: u64, len: usize) -> Vec<u8> {
    let mut bytes = vec![0u8; len];
    rand_core::Rng::fill_bytes(&mut rng(seed, index), &mut bytes);
    bytes
}

fn serve_one(tcp: TcpStream, config: &Arc<ServerConfig>, seed: u64, app: &App) {
    let _ = tcp.set_read_timeout(Some(TIMEOUT));
    let _ = tcp.set_nodelay(true);
    let conn = Connection::server(config.clone(), Box::new(StdRng::seed_from_u64(seed)));
    let mut stream = Stream::new(conn, tcp);
    match stream.handshake() {
        Ok(()) => {
            let _ = app(&mut stream);
        }
        // The alert is sent; let the peer read it before the socket closes.
        Err(_) => stream.linger_after_error(Duration::from_millis(200)),
    }
}

/// The server side of the labs' HTTP: reads one request head and answers
/// `body` with a 200, then closes.
pub(crate) fn answer_request(stream: &mut Stream<TcpStream>, body: &str) -> io::Result<Vec<u8>> {
    let request = read_request(stream)?;
    let response = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(response.as_bytes())?;
    stream.close().map_err(io::Error::other)?;
    Ok(request)
}

/// Reads up to the end of an HTTP request head (at most 16 KiB).
pub(crate) fn read_request(stream: &mut impl Read) -> io::Result<Vec<u8>> {
    let mut request = Vec::new();
    let mut buffer = [0u8; 4096];
    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut buffer)?;
        if n == 0 || request.len() > 16 * 1024 {
            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "the request ended early"));
        }
        request.extend_from_slice(&buffer[..n]);
    }
    Ok(request)
}

/// A TLS record as bytes on the wire, whatever its type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct RawRecord {
    /// The content type byte.
    pub(crate) typ: u8,
    /// The version bytes.
    pub(crate) version: [u8; 2],
    /// The fragment.
    pub(crate) body: Vec<u8>,
}

/// Content type 21.
pub(crate) const ALERT: u8 = 21;
/// Content type 22.
pub(crate) const HANDSHAKE: u8 = 22;
/// Content type 23.
pub(crate) const APPLICATION_DATA: u8 = 23;
/// Content type 20.
pub(crate) const CHANGE_CIPHER_SPEC: u8 = 20;

impl RawRecord {
    /// A record of type `typ`, version 3.3.
    pub(crate) fn new(typ: u8, body: &[u8]) -> RawRecord {
        RawRecord { typ, version: [3, 3], body: body.to_vec() }
    }

    /// Header and fragment.
    pub(crate) fn to_bytes(&self) -> Vec<u8> {
        let mut out = vec![self.typ, self.version[0], self.version[1]];
        out.extend_from_slice(&(self.body.len() as u16).to_be_bytes());
        out.extend_from_slice(&self.body);
        out
    }

    /// For a plaintext alert, its description code.
    pub(crate) fn alert(&self) -> Option<u8> {
        match (self.typ, self.body.as_slice()) {
            (ALERT, [_, description]) => Some(*description),
            _ => None,
        }
    }
}

/// The next record from `stream`; `None` at a clean end of stream.
pub(crate) fn read_record(stream: &mut impl Read) -> io::Result<Option<RawRecord>> {
    let mut header = [0u8; 5];
    match stream.read_exact(&mut header) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e),
    }
    let [typ, major, minor, high, low] = header;
    let mut body = vec![0u8; usize::from(u16::from_be_bytes([high, low]))];
    stream.read_exact(&mut body)?;
    Ok(Some(RawRecord { typ, version: [major, minor], body }))
}

/// A TCP connection to a lab server, with the labs' timeout.
pub(crate) fn connect(address: SocketAddr) -> Result<TcpStream, String> {
    let tcp = TcpStream::connect(address).map_err(|e| format!("connect to {address}: {e}"))?;
    let _ = tcp.set_read_timeout(Some(TIMEOUT));
    let _ = tcp.set_nodelay(true);
    Ok(tcp)
}

/// Which way a record travels through a man in the middle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Direction {
    /// From the client to the server.
    ToServer,
    /// From the server to the client.
    ToClient,
}

/// What the man in the middle does to each record: returns the records to
/// send on in its place (the record itself to pass it, nothing to drop it).
pub(crate) type Tamper = Box<dyn FnMut(Direction, RawRecord) -> Vec<RawRecord> + Send>;

/// A man in the middle on 127.0.0.1 for one connection: it relays every
/// record between the client that connects to it and `upstream`, through
/// `tamper`, and keeps a log of what it saw (before tampering).
pub(crate) struct Proxy {
    address: SocketAddr,
    handle: Option<JoinHandle<Vec<(Direction, RawRecord)>>>,
}

impl Proxy {
    /// Listens for one client and relays it to `upstream`.
    pub(crate) fn start(upstream: SocketAddr, tamper: Tamper) -> Result<Proxy, String> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).map_err(|e| format!("listen: {e}"))?;
        let address = listener.local_addr().map_err(|e| e.to_string())?;
        let handle = std::thread::spawn(move || {
            let Ok((client, _)) = listener.accept() else { return Vec::new() };
            let Ok(server) = connect(upstream) else { return Vec::new() };
            relay(client, server, tamper)
        });
        Ok(Proxy { address, handle: Some(handle) })
    }

    /// Where clients connect.
    pub(crate) fn address(&self) -> SocketAddr {
        self.address
    }

    /// Waits for the connection to end; the records seen, in order.
    pub(crate) fn finish(mut self) -> Vec<(Direction, RawRecord)> {
        self.handle.take().and_then(|h| h.join().ok()).unwrap_or_default()
    }
}

/// Relays records both ways until either side closes.
fn relay(client: TcpStream, server: TcpStream, tamper: Tamper) -> Vec<(Direction, RawRecord)> {
    let _ = client.set_read_timeout(Some(TIMEOUT));
    let log = Arc::new(Mutex::new(Vec::new()));
    let tamper = Arc::new(Mutex::new(tamper));
    let pump = |from: &TcpStream, to: &TcpStream, direction: Direction| {
        let (mut from, mut to) = (from.try_clone(), to.try_clone());
        let (log, tamper) = (log.clone(), tamper.clone());
        std::thread::spawn(move || {
            let (Ok(from), Ok(to)) = (from.as_mut(), to.as_mut()) else { return };
            while let Ok(Some(record)) = read_record(from) {
                if let Ok(mut log) = log.lock() {
                    log.push((direction, record.clone()));
                }
                let out = match tamper.lock() {
                    Ok(mut tamper) => tamper(direction, record),
                    Err(_) => return,
                };
                for record in out {
                    if to.write_all(&record.to_bytes()).is_err() {
                        return;
                    }
                }
            }
            let _ = to.shutdown(Shutdown::Write);
        })
    };
    let up = pump(&client, &server, Direction::ToServer);
    let down = pump(&server, &client, Direction::ToClient);
    let _ = up.join();
    let _ = down.join();
    log.lock().map(|log| log.clone()).unwrap_or_default()
}

/// Passes every record on unchanged.
pub(crate) fn pass() -> Tamper {
    Box::new(|_, record| vec![record])
}
