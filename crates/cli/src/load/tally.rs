//! What `padlock load` counts: each worker keeps a [`Tally`] of its own
//! (no locks on the hot path) and bumps the shared [`Live`] counters the
//! progress line reads; at the end the tallies are merged and printed, for
//! people ([`Tally::text`]) or tools ([`Tally::json`]).

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use super::histogram::Histogram;
use crate::escape;
use crate::narrate;

/// The kinds of failure, counted apart.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum ErrorKind {
    /// The TCP connection was refused or failed.
    Connect,
    /// A connection, handshake or request took longer than `--timeout`.
    Timeout,
    /// The server's certificate was refused.
    Certificate,
    /// The TLS handshake failed otherwise: an alert, no common parameters,
    /// a reset.
    Handshake,
    /// Reading or writing failed after the handshake: a reset, a TLS error,
    /// an end without close_notify.
    Io,
    /// The server closed the connection before the whole response.
    Closed,
    /// Not an HTTP response, a malformed one, or one too long to read.
    Response,
    /// A response with status 400 or more.
    Status,
}

impl ErrorKind {
    /// Every kind, in the order they are printed.
    pub(super) const ALL: [ErrorKind; 8] = [
        ErrorKind::Connect,
        ErrorKind::Timeout,
        ErrorKind::Certificate,
        ErrorKind::Handshake,
        ErrorKind::Io,
        ErrorKind::Closed,
        ErrorKind::Response,
        ErrorKind::Status,
    ];

    /// The name printed and used as the JSON key.
    pub(super) fn name(self) -> &'static str {
        match self {
            ErrorKind::Connect => "connect",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Certificate => "certificate",
            ErrorKind::Handshake => "handshake",
            ErrorKind::Io => "io",
            ErrorKind::Closed => "closed",
            ErrorKind::Response => "response",
            ErrorKind::Status => "status",
        }
    }

    fn index(self) -> usize {
        Self::ALL.iter().position(|&kind| kind == self).unwrap_or(0)
    }
}

/// The counters every worker bumps as it goes, for the progress line.
#[derive(Default)]
pub(super) struct Live {
    pub(super) handshakes: AtomicU64,
    pub(super) requests: AtomicU64,
    pub(super) errors: AtomicU64,
}

impl Live {
    /// (handshakes, requests, errors) so far.
    pub(super) fn read(&self) -> (u64, u64, u64) {
        let get = |counter: &AtomicU64| counter.load(Ordering::Relaxed);
        (get(&self.handshakes), get(&self.requests), get(&self.errors))
    }
}

/// What one worker (or, merged, the whole run) did.
pub(super) struct Tally {
    /// Handshakes completed.
    pub(super) handshakes: u64,
    /// Requests answered with a status below 400.
    pub(super) requests: u64,
    /// Bytes of HTTP received (decrypted).
    pub(super) received: u64,
    /// Failures of each kind, by [`ErrorKind::index`].
    errors: [u64; 8],
    /// The first message of each kind.
    first_errors: [Option<String>; 8],
    /// From the start of the TCP connection to the end of the handshake.
    pub(super) handshake_latency: Histogram,
    /// From the start of a request (with its connection and handshake, when
    /// it needed a new one) to the last byte of the response.
    pub(super) request_latency: Histogram,
    /// What the first handshake agreed: "TLS 1.3, TLS_AES_128_GCM_SHA256, x25519".
    pub(super) negotiated: Option<String>,
}

impl Tally {
    /// Nothing counted yet.
    pub(super) fn new() -> Tally {
        Tally {
            handshakes: 0,
            requests: 0,
            received: 0,
            errors: [0; 8],
            first_errors: Default::default(),
            handshake_latency: Histogram::new(),
            request_latency: Histogram::new(),
            negotiated: None,
        }
    }

    /// Counts a failure, keeping the first message of its kind.
    pub(super) fn error(&mut self, kind: ErrorKind, message: String, live: &Live) {
        let index = kind.index();
        self.errors[index] += 1;
        self.first_errors[index].get_or_insert(message);
        live.errors.fetch_add(1, Ordering::Relaxed);
    }

    /// All failures.
    pub(super) fn total_errors(&self) -> u64 {
        self.errors.iter().sum()
    }

    /// Failures of `kind`.
    #[cfg(test)]
    pub(super) fn errors_of(&self, kind: ErrorKind) -> u64 {
        self.errors[kind.index()]
    }

    /// Adds what `other` counted.
    pub(super) fn merge(&mut self, other: Tally) {
        self.handshakes += other.handshakes;
        self.requests += other.requests;
        self.received += other.received;
        for (index, first) in other.first_errors.into_iter().enumerate() {
            self.errors[index] += other.errors[index];
            if self.first_errors[index].is_none() {
                self.first_errors[index] = first;
            }
        }
        self.handshake_latency.merge(&other.handshake_latency);
        self.request_latency.merge(&other.request_latency);
        if self.negotiated.is_none() {
            self.negotiated = other.negotiated;
        }
    }

    /// The summary for people: rates, latencies, errors by kind with the
    /// first message of each (escaped: it may quote the server).
    pub(super) fn text(&self, elapsed: Duration) -> String {
        let seconds = elapsed.as_secs_f64();
        let mut out = String::new();
        // Writing to a String cannot fail.
        let negotiated = self.negotiated.as_deref().unwrap_or("no handshake completed");
        let _ = writeln!(out, "  negotiated   {negotiated}");
        let _ = writeln!(
            out,
            "  handshakes   {:>9}  {:>10.1}/s",
            self.handshakes,
            rate(self.handshakes, seconds)
        );
        let _ = write!(out, "  requests     {:>9}  {:>10.1}/s", self.requests, rate(self.requests, seconds));
        if self.handshakes > 0 {
            let _ = write!(out, "  ({:.2} per connection)", self.requests as f64 / self.handshakes as f64);
        }
        let _ =
            writeln!(out, "\n  received     {:>9.1} KiB in {seconds:.2} s", self.received as f64 / 1024.0);
        let _ = writeln!(out, "  errors       {:>9}", self.total_errors());
        for kind in ErrorKind::ALL {
            let count = self.errors[kind.index()];
            if let Some(first) = &self.first_errors[kind.index()] {
                let _ = writeln!(
                    out,
                    "    {:<11} {count:>8}  first: {}",
                    kind.name(),
                    escape::for_terminal(first)
                );
            }
        }
        let _ = writeln!(out, "  latency (ms)        p50        p90        p99        max       mean");
        for (name, histogram) in [("handshake", &self.handshake_latency), ("request", &self.request_latency)]
        {
            let _ = write!(out, "    {name:<11}");
            for value in
                [50.0, 90.0, 99.0].map(|p| histogram.percentile(p)).into_iter().chain([histogram.max()])
            {
                let _ = write!(
                    out,
                    " {:>10}",
                    value.map_or("-".to_string(), |v| format!("{:.3}", v as f64 / 1000.0))
                );
            }
            let mean = histogram.mean().map_or("-".to_string(), |v| format!("{:.3}", v / 1000.0));
            let _ = writeln!(out, " {mean:>10}");
        }
        out
    }

    /// The summary for tools: one JSON object, `settings` (already JSON
    /// members, such as `"url":"..."`) first. Latencies in milliseconds.
    pub(super) fn json(&self, settings: &str, elapsed: Duration) -> String {
        let seconds = elapsed.as_secs_f64();
        let negotiated = self.negotiated.as_deref().map_or("null".to_string(), narrate::string);
        let errors: Vec<String> = ErrorKind::ALL
            .iter()
            .map(|kind| format!("{}:{}", narrate::string(kind.name()), self.errors[kind.index()]))
            .collect();
        let first_errors: Vec<String> = ErrorKind::ALL
            .iter()
            .filter_map(|kind| {
                let first = self.first_errors[kind.index()].as_deref()?;
                Some(format!("{}:{}", narrate::string(kind.name()), narrate::string(first)))
            })
            .collect();
        format!(
            "{{{settings},\"elapsed_s\":{seconds:.3},\"negotiated\":{negotiated},\"handshakes\":{},\
             \"requests\":{},\"handshakes_per_s\":{:.1},\"requests_per_s\":{:.1},\"received_bytes\":{},\
             \"errors\":{{\"total\":{},{}}},\"first_errors\":{{{}}},\
             \"latency_ms\":{{\"handshake\":{},\"request\":{}}}}}",
            self.handshakes,
            self.requests,
            rate(self.handshakes, seconds),
            rate(self.requests, seconds),
            self.received,
            self.total_errors(),
            errors.join(","),
            first_errors.join(","),
            latency_json(&self.handshake_latency),
            latency_json(&self.request_latency),
        )
    }
}

/// Events per second.
pub(super) fn rate(count: u64, seconds: f64) -> f64 {
    if seconds > 0.0 { count as f64 / seconds } else { 0.0 }
}

/// `{"count":N,"p50":..,"p90":..,"p99":..,"max":..,"mean":..}` in
/// milliseconds; `null` for those of an empty histogram.
fn latency_json(histogram: &Histogram) -> String {
    let ms = |micros: Option<u64>| micros.map_or("null".to_string(), |v| format!("{:.3}", v as f64 / 1000.0));
    format!(
        "{{\"count\":{},\"p50\":{},\"p90\":{},\"p99\":{},\"max\":{},\"mean\":{}}}",
        histogram.count(),
        ms(histogram.percentile(50.0)),
        ms(histogram.percentile(90.0)),
        ms(histogram.percentile(99.0)),
        ms(histogram.max()),
        histogram.mean().map_or("null".to_string(), |v| format!("{:.3}", v / 1000.0)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merged_tallies_add_up_and_keep_the_first_messages() {
        let live = Live::default();
        let mut one = Tally::new();
        one.handshakes = 3;
        one.requests = 5;
        one.error(ErrorKind::Certificate, "unknown CA".into(), &live);
        one.request_latency.record(Duration::from_millis(2));
        let mut two = Tally::new();
        two.handshakes = 1;
        two.negotiated = Some("TLS 1.3".into());
        two.error(ErrorKind::Certificate, "later".into(), &live);
        two.error(ErrorKind::Status, "HTTP/1.1 404 Not Found\x1b[2J".into(), &live);
        one.merge(two);
        assert_eq!((one.handshakes, one.requests, one.total_errors()), (4, 5, 3));
        assert_eq!(one.errors_of(ErrorKind::Certificate), 2);
        assert_eq!(live.read(), (0, 0, 3));
        let text = one.text(Duration::from_secs(2));
        assert!(text.contains("first: unknown CA") && !text.contains("later"), "{text}");
        assert!(text.contains("404 Not Found\\x1b[2J") && !text.contains('\x1b'), "{text}");
        assert!(text.contains("TLS 1.3") && text.contains("2.5/s"), "{text}");
        let json = one.json("\"url\":\"x\"", Duration::from_secs(2));
        assert!(json.starts_with("{\"url\":\"x\",\"elapsed_s\":2.000,\"negotiated\":\"TLS 1.3\""), "{json}");
        assert!(json.contains("\"errors\":{\"total\":3,\"connect\":0,"), "{json}");
        assert!(json.contains("\"status\":\"HTTP/1.1 404 Not Found\\u001b[2J\""), "{json}");
        assert!(json.contains("\"handshake\":{\"count\":0,\"p50\":null"), "{json}");
        assert!(json.contains("\"request\":{\"count\":1,\"p50\":2.000,"), "{json}");
    }
}
