//! What keeps `padlock server` serving while some clients are slow or
//! hostile (a "slowloris" holds many connections open and sends a byte now
//! and then; a flood of connections exhausts the file descriptors):
//!
//! - [`Slots`]: at most `--max-connections` connections at once, and at most
//!   `--max-per-address` of them from one client address, so that one
//!   address cannot take every slot. A connection beyond its address's share
//!   is closed at once; when every slot is taken, the server stops accepting
//!   until one frees (new clients wait in the kernel's listen queue).
//! - [`Deadline`](crate::deadline::Deadline) (in `deadline.rs`, since
//!   `padlock load` and `client --explain` use it too): the socket of one
//!   connection, whose reads and writes must all be done by a deadline: the
//!   whole handshake by `--handshake-timeout`, the whole request and its
//!   answer by `--request-timeout`. A per-read timeout alone is not enough:
//!   a client sending one byte every few seconds would never trip it.
//! - [`Throttled`]: a message repeated many times a second (`accept: Too
//!   many open files`) is printed once per interval, with a count of the
//!   others, instead of flooding the log.

use std::collections::HashMap;
use std::fmt::Display;
use std::net::IpAddr;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use crate::report;

/// The connection slots: how many connections are open, in all and per
/// client address.
pub(super) struct Slots {
    max_total: usize,
    max_per_address: usize,
    open: Mutex<Open>,
    /// Signalled whenever a slot frees.
    freed: Condvar,
}

/// The connections open now.
#[derive(Default)]
struct Open {
    total: usize,
    per_address: HashMap<IpAddr, usize>,
}

/// One connection's slot, given back when dropped (however its thread ends).
pub(super) struct Slot {
    slots: Arc<Slots>,
    address: IpAddr,
}

impl Slots {
    /// Room for `max_total` connections, `max_per_address` from any one address.
    pub(super) fn new(max_total: usize, max_per_address: usize) -> Arc<Slots> {
        Arc::new(Slots { max_total, max_per_address, open: Mutex::default(), freed: Condvar::new() })
    }

    /// Waits until fewer than `max_total` connections are open.
    pub(super) fn wait_for_room(&self) {
        let open = self.lock();
        // A poisoned lock only means a worker panicked; the counts are whole.
        drop(
            self.freed
                .wait_while(open, |open| open.total >= self.max_total)
                .unwrap_or_else(PoisonError::into_inner),
        );
    }

    /// A slot for a connection from `peer`, or `None` if its address has
    /// its share already (or, should another thread have been quicker, if
    /// every slot is taken).
    pub(super) fn take(self: &Arc<Slots>, peer: IpAddr) -> Option<Slot> {
        let address = share_key(peer);
        let mut open = self.lock();
        let from_address = open.per_address.get(&address).copied().unwrap_or(0);
        if open.total >= self.max_total || from_address >= self.max_per_address {
            return None;
        }
        open.total += 1;
        open.per_address.insert(address, from_address + 1);
        Some(Slot { slots: Arc::clone(self), address })
    }

    fn lock(&self) -> MutexGuard<'_, Open> {
        self.open.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut open = self.slots.lock();
        open.total = open.total.saturating_sub(1);
        if let Some(count) = open.per_address.get_mut(&self.address) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                open.per_address.remove(&self.address);
            }
        }
        drop(open);
        self.slots.freed.notify_all();
    }
}

/// The address whose share a connection from `peer` counts against: the
/// IPv4 address; for IPv6, the /64 prefix, since one host is commonly given
/// a whole /64 and could otherwise pick a new address for every connection.
fn share_key(peer: IpAddr) -> IpAddr {
    match peer {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6((u128::from(v6) & !((1u128 << 64) - 1)).into()),
        },
        v4 => v4,
    }
}

/// A message printed at most once per `interval`; the times it was held
/// back are counted and said the next time it is printed.
pub(super) struct Throttled {
    interval: Duration,
    last: Option<Instant>,
    held_back: u64,
}

impl Throttled {
    /// A message printed at most once per `interval`.
    pub(super) fn new(interval: Duration) -> Throttled {
        Throttled { interval, last: None, held_back: 0 }
    }

    /// Prints `padlock: MESSAGE` unless it was printed less than an interval ago.
    pub(super) fn note(&mut self, message: impl Display) {
        let now = Instant::now();
        if self.last.is_some_and(|last| now.duration_since(last) < self.interval) {
            self.held_back += 1;
            return;
        }
        match self.held_back {
            0 => report::error(format_args!("{message}")),
            n => report::error(format_args!(
                "{message} (and {n} more like it in the last {} s)",
                self.interval.as_secs()
            )),
        }
        self.last = Some(now);
        self.held_back = 0;
    }
}

/// How many files this process may have open (the soft `ulimit -n`), where
/// the system says (Linux's `/proc/self/limits`).
pub(super) fn open_files_limit() -> Option<usize> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits.lines().find(|line| line.starts_with("Max open files"))?;
    line.trim_start_matches("Max open files").split_whitespace().next()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use std::net::{Ipv4Addr, Ipv6Addr};

    use super::*;

    #[test]
    fn slots_keep_each_address_to_its_share() {
        let slots = Slots::new(4, 2);
        let a = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2));
        let b = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 3));
        let a1 = slots.take(a).expect("first from a");
        let a2 = slots.take(a).expect("second from a");
        assert!(slots.take(a).is_none(), "a third from a is over its share");
        let b1 = slots.take(b).expect("first from b");
        drop(a1);
        let a3 = slots.take(a).expect("a freed slot is a's again");
        let _b2 = slots.take(b).expect("second from b");
        assert!(slots.take(IpAddr::V4(Ipv4Addr::LOCALHOST)).is_none(), "all four slots taken");
        drop((a2, a3, b1));
        assert_eq!(slots.lock().total, 1);
        assert_eq!(slots.lock().per_address.len(), 1, "empty addresses are forgotten");
    }

    #[test]
    fn ipv6_hosts_share_by_prefix() {
        let one: Ipv6Addr = "2001:db8:1:2::1".parse().expect("an address");
        let other: Ipv6Addr = "2001:db8:1:2:ffff::9".parse().expect("an address");
        assert_eq!(share_key(one.into()), share_key(other.into()));
        let mapped: Ipv6Addr = "::ffff:192.0.2.7".parse().expect("an address");
        assert_eq!(share_key(mapped.into()), IpAddr::V4(Ipv4Addr::new(192, 0, 2, 7)));
    }

    #[test]
    fn a_repeated_message_is_printed_once_per_interval() {
        let mut throttled = Throttled::new(Duration::from_millis(200));
        for _ in 0..1000 {
            throttled.note("accept: Too many open files");
        }
        assert_eq!(throttled.held_back, 999, "printed once, the rest counted");
        std::thread::sleep(Duration::from_millis(250));
        throttled.note("accept: Too many open files");
        assert_eq!(throttled.held_back, 0, "printed again, with the count");
    }

    #[test]
    fn open_files_limit_is_read() {
        if cfg!(target_os = "linux") {
            assert!(open_files_limit().is_some_and(|n| n > 0));
        }
    }
}
