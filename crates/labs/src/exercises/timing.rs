//! Exercise 7 (lab `timing`): compare a MAC tag in constant time.
//!
//! [`exercise`] is the switched service's tag check: it compares byte by
//! byte and returns at the first difference, so a forgery with more right
//! leading bytes takes longer to reject. Rewrite it so that its time does
//! not depend on the bytes: read every byte, combine the differences
//! without branching on them, and decide once at the end — with
//! `subtle::ConstantTimeEq`, or by hand (`acc |= x ^ y`, then
//! `std::hint::black_box` so the compiler does not turn it back into an
//! early exit). The length of a tag is public: a wrong length may return at
//! once. [`reference()`] is the real check.
//!
//! `cargo test -p padlock-labs --test exercises -- --ignored timing`
//! first checks that your function still answers right, then measures it
//! dudect-style (Welch's t-test between forgeries right in their first 31
//! bytes and forgeries wrong in their first byte, up to 2 s).

use std::time::Duration;

use subtle::ConstantTimeEq as _;

use super::Verdict;
use crate::dudect::{self, Budget};
use crate::net;
use crate::timing::TagCheck;

/// Whether `received` is the tag `expected`. **The vulnerable version:
/// rewrite it.**
pub fn exercise(expected: &[u8; 32], received: &[u8]) -> bool {
    if expected.len() != received.len() {
        return false;
    }
    for i in 0..expected.len() {
        if std::hint::black_box(expected[i]) != std::hint::black_box(received[i]) {
            return false;
        }
    }
    true
}

/// The reference solution: the real check.
pub fn reference(expected: &[u8; 32], received: &[u8]) -> bool {
    bool::from(expected.as_slice().ct_eq(received))
}

/// The signature of [`exercise`] and [`reference()`].
pub type TagMatches = fn(&[u8; 32], &[u8]) -> bool;

/// Checks `matches`: right answers, then no timing difference between the
/// two classes of forgery. A leak must show in two measurements in a row,
/// so that one burst of noise on a busy machine does not fail a correct
/// function (a real leak shows every time).
pub fn check(matches: TagMatches) -> Verdict {
    let expected: [u8; 32] = net::random_bytes(7, 1, 32).try_into().unwrap_or([7; 32]);
    if !matches(&expected, &expected) {
        return Verdict::Broken("the right tag is refused".into());
    }
    for i in 0..32 {
        let mut wrong = expected;
        wrong[i] ^= 0x80;
        if matches(&expected, &wrong) {
            return Verdict::Broken(format!("a tag wrong in byte {i} is accepted"));
        }
    }
    if matches(&expected, &expected[..31]) || matches(&expected, &[expected.as_slice(), &[0]].concat()) {
        return Verdict::Broken("a tag of the wrong length is accepted".into());
    }
    let mut rng = net::rng(7, 2);
    let mut found = Vec::new();
    for _ in 0..2 {
        let budget = Budget {
            time: Duration::from_secs(2),
            measurements: u64::MAX,
            stop_above: Some(dudect::THRESHOLD_LEAK),
            min_measurements: 20_000,
        };
        let mut target = TagCheck { expected, check: matches, repeat: 1 };
        let (measurement, _) = dudect::measure(&mut target, budget, &mut rng, &mut |_, _| {});
        let evidence = measurement.evidence();
        found.push(format!(
            "|t| = {:.1} over {} measurements ({:.1} ns against {:.1} ns)",
            evidence.max_t, measurement.taken, evidence.means_ns[0], evidence.means_ns[1]
        ));
        if evidence.max_t <= dudect::THRESHOLD_LEAK {
            return Verdict::Resists(format!("no timing difference: {}", found.join("; ")));
        }
    }
    Verdict::Vulnerable(format!(
        "forgeries right in 31 bytes take longer to reject than ones wrong in the first: {}",
        found.join("; ")
    ))
}
