//! Lab 7: the dudect measurement catches the early-exit tag comparison;
//! and the statistics it rests on, against values worked out by hand.

mod common;

use padlock_labs::dudect::{self, Budget, Class, Measurement, Welford, welch_t};
use padlock_labs::timing::{TagCheck, early_exit_eq, forgeries, tag_matches};

fn welford(values: &[f64]) -> Welford {
    let mut w = Welford::default();
    for &x in values {
        w.push(x);
    }
    w
}

/// Mean and sample variance: {2, 4, 4, 4, 5, 5, 7, 9} has mean 5 and sum
/// of squared deviations 32, so variance 32 / 7.
#[test]
fn welford_mean_and_variance() {
    let w = welford(&[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]);
    assert_eq!(w.count(), 8);
    assert!((w.mean() - 5.0).abs() < 1e-12);
    assert!((w.variance() - 32.0 / 7.0).abs() < 1e-12);
    assert_eq!(welford(&[3.0]).variance(), 0.0);
}

/// Welford's update stays exact where the textbook sum-of-squares formula
/// loses everything: values near 10^9 that differ by units.
#[test]
fn welford_is_stable_far_from_zero() {
    let w = welford(&[1e9 + 4.0, 1e9 + 7.0, 1e9 + 13.0, 1e9 + 16.0]);
    assert!((w.mean() - (1e9 + 10.0)).abs() < 1e-6);
    assert!((w.variance() - 30.0).abs() < 1e-6);
}

/// Welch's t by hand: a = {1..5} (mean 3, variance 2.5), b = {2, 4, ..., 10}
/// (mean 6, variance 10): t = -3 / sqrt(2.5/5 + 10/5) = -3 / sqrt(2.5)
/// = -1.8973665961010275. And a second pair with unequal sizes:
/// a = {19.0, 21.0, 23.0} (mean 21, variance 4), b = {10, 12, 14, 16}
/// (mean 13, variance 20/3): t = 8 / sqrt(4/3 + 5/3) = 8 / sqrt(3).
#[test]
fn welch_t_against_hand_computed_values() {
    let a = welford(&[1.0, 2.0, 3.0, 4.0, 5.0]);
    let b = welford(&[2.0, 4.0, 6.0, 8.0, 10.0]);
    assert!((welch_t(&a, &b) - (-1.897_366_596_101_027_5)).abs() < 1e-12);
    assert!((welch_t(&b, &a) - 1.897_366_596_101_027_5).abs() < 1e-12);
    let a = welford(&[19.0, 21.0, 23.0]);
    let b = welford(&[10.0, 12.0, 14.0, 16.0]);
    assert!((welch_t(&a, &b) - 8.0 / 3f64.sqrt()).abs() < 1e-12);
    // Degenerate samples give 0, not NaN.
    assert_eq!(welch_t(&welford(&[1.0]), &b), 0.0);
    assert_eq!(welch_t(&welford(&[2.0, 2.0]), &welford(&[2.0, 2.0])), 0.0);
}

/// The battery: two classes of synthetic timings 1 ns apart with the same
/// spread give a large |t|; identical distributions a small one; and a
/// long tail of huge outliers (a preemption) is cropped away.
#[test]
fn the_battery_finds_a_shift_and_crops_outliers() {
    let mut shifted = Measurement::default();
    let mut same = Measurement::default();
    for i in 0..20_000u32 {
        let noise = f64::from(i % 7);
        let class = if i % 2 == 0 { Class::Zero } else { Class::One };
        let outlier = if i % 1000 >= 998 { 1e6 } else { 0.0 };
        shifted.push(class, 100.0 + noise + if class == Class::One { 1.0 } else { 0.0 } + outlier);
        same.push(class, 100.0 + f64::from((i / 2) % 7) + outlier);
    }
    let e = shifted.evidence();
    assert!(e.max_t > 50.0, "{e:?}");
    assert!(e.test > 0, "the best test should be a cropped one: {e:?}");
    assert!(same.evidence().max_t < 1e-9, "{:?}", same.evidence());
}

#[test]
fn the_comparisons_answer_right() {
    let tag = [0x42u8; 32];
    for switched in [false, true] {
        assert!(tag_matches(&tag, &tag, switched));
        for forgery in forgeries(&tag) {
            assert!(!tag_matches(&tag, &forgery, switched));
        }
        assert!(!tag_matches(&tag, &tag[..31], switched));
    }
    assert!(early_exit_eq(b"abc", b"abc") && !early_exit_eq(b"abc", b"abd"));
}

/// The measurement itself on the leaky comparison: 31 extra byte
/// comparisons per check are some 15-40 ns, hundreds of standard errors
/// after 20,000 measurements on an idle machine. The test stops as soon as
/// |t| passes 50 and asks only for twice dudect's threshold, so that a
/// loaded machine (a whole workspace's tests beside it) has margin: the
/// run has up to 2 million measurements or 10 s to get there.
#[test]
fn the_early_exit_comparison_is_caught() {
    fn leaky(expected: &[u8; 32], received: &[u8]) -> bool {
        tag_matches(expected, received, true)
    }
    let budget = Budget {
        time: std::time::Duration::from_secs(10),
        measurements: 2_000_000,
        stop_above: Some(50.0),
        min_measurements: 20_000,
    };
    let mut target = TagCheck { expected: [7; 32], check: leaky, repeat: 1 };
    let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(1);
    let (m, _) = dudect::measure(&mut target, budget, &mut rng, &mut |_, _| {});
    let e = m.evidence();
    assert!(e.max_t > 2.0 * dudect::THRESHOLD_LEAK, "{e:?} after {} measurements", m.taken);
    assert!(e.means_ns[0] > e.means_ns[1], "31 right bytes should take longer: {e:?}");
}

#[test]
fn the_lab_catches_the_switched_check() {
    let (outcome, _) = common::run("timing", 2, false);
    assert!(outcome.attack_succeeded);
}

/// The constant-time check shows nothing: |t| stays under dudect's
/// "certainly different" threshold of 10 (typical runs: 1 to 3).
#[test]
fn the_lab_sees_no_leak_in_the_real_check() {
    let (outcome, _) = common::run("timing", 2, true);
    assert!(!outcome.attack_succeeded);
}
