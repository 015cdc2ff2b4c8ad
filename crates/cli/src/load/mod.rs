//! `padlock load`: a load generator for HTTPS servers, so that any server —
//! `padlock server`, `openssl s_server -www`, nginx — can be measured the
//! same way.
//!
//! ```text
//!   padlock load https://localhost:8443/ --ca padlock-ca.pem --connections 8 --duration 10
//!   padlock load https://127.0.0.1:4433/ --insecure --tls 1.2 --reuse --json
//! ```
//!
//! `--connections N` workers, each a thread (`worker.rs`), make requests for
//! `--duration` seconds: each opens a TCP connection, does a full TLS
//! handshake (Padlock's client keeps no sessions, so nothing is resumed)
//! and sends one GET; with `--reuse`, the connection is kept for the next
//! request as long as the server keeps it open (HTTP/1.1 keep-alive,
//! `http.rs`). A progress line goes to standard error once a second; at
//! the end come handshakes and requests per second, errors by kind with
//! the first message of each, and latency percentiles of the handshake
//! (TCP connection included) and of the whole request (its connection and
//! handshake included, when it needed a new one), from a fixed-bucket
//! histogram (`histogram.rs`). `--json` prints the summary as one object.
//!
//! Bounded, so that it cannot be turned on someone else's server or run
//! away: at most [`MAX_CONNECTIONS`] workers for at most [`MAX_DURATION`];
//! every connection, handshake and request within `--timeout`; a response
//! read only up to a cap. Every address the host resolves to must be a
//! loopback address (127.0.0.0/8, ::1), checked before anything is sent,
//! unless `--allow-remote` says the server is yours.
//!
//! The certificate is checked as `padlock client` checks it: against
//! `--ca FILE`, else the system's trust store; `--insecure` checks nothing.
//! The exit status is 0 when at least one request succeeded, else 1.

mod histogram;
mod http;
mod tally;
mod worker;

use std::io::{self, IsTerminal, Write};
use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::process::ExitCode;
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use self::tally::{Live, Tally, rate};
use self::worker::Plan;
use crate::client::{self, Url};
use crate::files::write_output;
use crate::narrate;
use crate::report::{self, Failed};
use crate::tls_args::ClientTls;

/// The end of `padlock load --help`.
const EXAMPLES: &str = "\
Examples:
  padlock load https://localhost:8443/ --ca padlock-ca.pem --connections 8 --duration 10
  padlock load https://127.0.0.1:4433/ --insecure --tls 1.2 --reuse --json";

/// The most workers (threads, each with one connection open at a time).
const MAX_CONNECTIONS: u32 = 256;

/// The longest run.
const MAX_DURATION: Duration = Duration::from_secs(600);

/// The longest `--timeout`.
const MAX_TIMEOUT: Duration = Duration::from_secs(60);

/// How often the progress line is printed.
const PROGRESS_INTERVAL: Duration = Duration::from_secs(1);

/// Arguments of `padlock load`.
#[derive(clap::Args)]
#[command(after_help = EXAMPLES)]
pub(crate) struct Args {
    /// The URL to request: https://HOST[:PORT][/PATH].
    url: String,
    /// How many connections at once, each in a thread of its own (1 to 256).
    #[arg(long, short = 'c', value_name = "N", default_value_t = 4,
          value_parser = clap::value_parser!(u32).range(1..=i64::from(MAX_CONNECTIONS)))]
    connections: u32,
    /// How long to run, in seconds (at most 600).
    #[arg(long, short = 'd', value_name = "SECONDS", default_value = "10", value_parser = duration)]
    duration: Duration,
    /// Keep each connection for more requests while the server allows (HTTP/1.1 keep-alive).
    #[arg(long)]
    reuse: bool,
    /// Give up on a connection, a handshake or a request after SECONDS (at most 60).
    #[arg(long, value_name = "SECONDS", default_value = "10", value_parser = timeout)]
    timeout: Duration,
    /// Print the summary as one JSON object on standard output.
    #[arg(long)]
    json: bool,
    /// Allow a server that is not on a loopback address (it must be yours to load).
    #[arg(long)]
    allow_remote: bool,
    /// What to trust and offer: --ca, --insecure, --tls, --suite, --group.
    #[command(flatten)]
    tls: ClientTls,
}

/// `--duration`: seconds (a fraction allowed), from 0.1 to [`MAX_DURATION`].
fn duration(text: &str) -> Result<Duration, String> {
    bounded_seconds(text, Duration::from_millis(100), MAX_DURATION)
}

/// `--timeout`: seconds (a fraction allowed), from 0.1 to [`MAX_TIMEOUT`].
fn timeout(text: &str) -> Result<Duration, String> {
    bounded_seconds(text, Duration::from_millis(100), MAX_TIMEOUT)
}

/// A number of seconds between `min` and `max`.
fn bounded_seconds(text: &str, min: Duration, max: Duration) -> Result<Duration, String> {
    let seconds: f64 = text.parse().map_err(|_| format!("not a number of seconds: {text}"))?;
    if !(min.as_secs_f64()..=max.as_secs_f64()).contains(&seconds) {
        return Err(format!("give between {} and {} seconds", min.as_secs_f64(), max.as_secs_f64()));
    }
    Ok(Duration::from_secs_f64(seconds))
}

/// Runs `padlock load`, and returns the exit status.
pub(crate) fn run(args: &Args) -> ExitCode {
    match load(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failed) => failed.report(),
    }
}

/// Checks the target, runs the workers, prints the summary.
fn load(args: &Args) -> Result<(), Failed> {
    let url =
        client::parse_url(&args.url).map_err(|reason| Failed::new(format_args!("{}: {reason}", args.url)))?;
    let authority = client::authority(&url.host, url.port);
    let addresses = resolve(&url, &authority, args.allow_remote)?;
    let (config, trusted) = args.tls.config(&url.host, false)?;
    if args.tls.insecure {
        report::error(format_args!("warning: --insecure: the server's certificate is NOT checked"));
    }
    // RFC 9110 §7.2: Host names the authority, the port only if not 443.
    let host = if url.port == 443 { client::bracketed(&url.host) } else { authority.clone() };
    let start = Instant::now();
    let plan = Plan {
        addresses,
        config: Arc::new(config),
        trusted,
        request: http::get(&url.path, &host, args.reuse),
        reuse: args.reuse,
        timeout: args.timeout,
        end: start + args.duration,
    };
    let mode =
        if args.reuse { "connections kept while the server allows" } else { "a full handshake per request" };
    eprintln!(
        "padlock load: {} for {} s, {} connections, {mode}",
        args.url,
        args.duration.as_secs_f64(),
        args.connections
    );

    let (tally, elapsed) = drive(&plan, args.connections, start);
    if args.json {
        let settings = format!(
            "\"url\":{},\"connections\":{},\"duration_s\":{},\"reuse\":{},\"timeout_s\":{}",
            narrate::string(&args.url),
            args.connections,
            args.duration.as_secs_f64(),
            args.reuse,
            args.timeout.as_secs_f64()
        );
        write_output(None, format!("{}\n", tally.json(&settings, elapsed)).as_bytes())?;
    } else {
        write_output(None, tally.text(elapsed).as_bytes())?;
    }
    if tally.requests == 0 {
        return Err(Failed::new(format_args!("{authority}: no request succeeded")));
    }
    Ok(())
}

/// The addresses of the URL's host, refused if any is not loopback (before
/// anything is sent to any of them) unless `allow_remote`.
fn resolve(url: &Url, authority: &str, allow_remote: bool) -> Result<Vec<SocketAddr>, Failed> {
    let addresses: Vec<SocketAddr> = (url.host.as_str(), url.port)
        .to_socket_addrs()
        .map_err(|error| Failed::new(format_args!("{authority}: {}", report::os_message(&error))))?
        .collect();
    if addresses.is_empty() {
        return Err(Failed::new(format_args!("{authority}: the name has no address")));
    }
    if let Some(remote) = addresses.iter().find(|address| !is_loopback(address.ip()))
        && !allow_remote
    {
        return Err(Failed::new(format_args!(
            "{authority}: refusing to load {}, which is not a loopback address: load only servers \
             you run, and say so with --allow-remote",
            remote.ip()
        )));
    }
    Ok(addresses)
}

/// Whether `ip` is on this machine's loopback interface: 127.0.0.0/8, ::1,
/// or 127.0.0.0/8 mapped into IPv6 (::ffff:127.0.0.1).
fn is_loopback(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => v4.is_loopback(),
        IpAddr::V6(v6) => v6.is_loopback() || v6.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback()),
    }
}

/// Runs `connections` workers to the plan's end, printing progress, and
/// returns their merged tally and how long they ran.
fn drive(plan: &Plan, connections: u32, start: Instant) -> (Tally, Duration) {
    let live = Live::default();
    let mut tally = Tally::new();
    thread::scope(|scope| {
        let mut workers = Vec::new();
        for number in 0..connections {
            let work = || worker::run(plan, &live);
            match thread::Builder::new().name(format!("load-{number}")).spawn_scoped(scope, work) {
                Ok(worker) => workers.push(worker),
                Err(error) => {
                    report::error(format_args!("worker {number}: no thread: {}", report::os_message(&error)));
                }
            }
        }
        progress(plan.end, start, &live);
        for worker in workers {
            match worker.join() {
                Ok(counted) => tally.merge(counted),
                // The panic has been printed; its counts are lost.
                Err(_) => report::error(format_args!("a worker stopped on a bug; its counts are left out")),
            }
        }
    });
    (tally, start.elapsed())
}

/// Prints a progress line on standard error once a second until `end`:
/// totals so far and the rates of the last second. On a terminal the line
/// is rewritten in place; otherwise each is a line of its own.
fn progress(end: Instant, start: Instant, live: &Live) {
    let terminal = io::stderr().is_terminal();
    let mut last = (0, 0, 0);
    let mut last_at = start;
    loop {
        let left = end.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break;
        }
        thread::sleep(left.min(PROGRESS_INTERVAL));
        let now = Instant::now();
        let (handshakes, requests, errors) = live.read();
        let seconds = now.duration_since(last_at).as_secs_f64();
        let line = format!(
            "{:>5.1} s: {handshakes} handshakes ({:.0}/s), {requests} requests ({:.0}/s), {errors} errors",
            now.duration_since(start).as_secs_f64(),
            rate(handshakes - last.0, seconds),
            rate(requests - last.1, seconds),
        );
        // Standard error closed: nobody is watching the progress.
        let _ =
            if terminal { write!(io::stderr(), "\r{line}\x1b[K") } else { writeln!(io::stderr(), "{line}") };
        (last, last_at) = ((handshakes, requests, errors), now);
    }
    if terminal {
        let _ = writeln!(io::stderr());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_addresses_are_loopback() {
        for ip in ["127.0.0.1", "127.1.2.3", "::1", "::ffff:127.0.0.1"] {
            assert!(is_loopback(ip.parse().expect("an address")), "{ip}");
        }
        for ip in ["192.0.2.1", "10.0.0.1", "0.0.0.0", "::", "::ffff:192.0.2.1", "2001:db8::1", "128.0.0.1"] {
            assert!(!is_loopback(ip.parse().expect("an address")), "{ip}");
        }
    }

    #[test]
    fn a_remote_address_is_refused_unless_allowed() {
        let url = |host: &str| Url { host: host.to_string(), port: 4433, path: "/".to_string() };
        assert!(resolve(&url("192.0.2.1"), "192.0.2.1:4433", false).is_err());
        assert_eq!(
            resolve(&url("192.0.2.1"), "192.0.2.1:4433", true).ok(),
            Some(vec!["192.0.2.1:4433".parse().expect("an address")])
        );
        assert!(resolve(&url("::1"), "[::1]:4433", false).is_ok());
        assert!(resolve(&url("127.0.0.1"), "127.0.0.1:4433", false).is_ok());
    }

    #[test]
    fn durations_are_bounded() {
        assert_eq!(duration("2.5"), Ok(Duration::from_millis(2500)));
        assert_eq!(duration("600"), Ok(MAX_DURATION));
        for bad in ["0", "0.05", "601", "-1", "NaN", "inf", "ten"] {
            assert!(duration(bad).is_err(), "{bad}");
        }
        assert_eq!(timeout("60"), Ok(MAX_TIMEOUT));
        assert!(timeout("61").is_err());
    }
}
