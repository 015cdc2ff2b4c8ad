//! Latency percentiles from a fixed-bucket histogram, in bounded memory
//! however long `padlock load` runs.
//!
//! Keeping every latency and sorting them at the end would give exact
//! percentiles, but a minute of keep-alive requests on loopback is millions
//! of samples. So each latency, in microseconds, is counted in a bucket:
//!
//! - below 128 µs, one bucket per microsecond (exact);
//! - from 128 µs up, 64 buckets per power of two: a value `v` whose highest
//!   set bit is bit `h` falls in the bucket of `v >> (h - 6)` (a number from
//!   64 to 127) in the row `h - 6`, so a bucket is at most 1/64 of its
//!   values wide, an error under 1.6%.
//!
//! This is the layout of Gil Tene's HdrHistogram with two significant
//! decimal digits' worth of binary precision. Values up to [`MAX_MICROS`]
//! (over 18 hours, far past any timeout) take [`BUCKETS`] counters, 16 KiB.
//!
//! A percentile is found the way the nearest-rank method finds it in a
//! sorted array (the `p`-th percentile of `n` values is the value of rank
//! `ceil(p / 100 * n)`), and is reported as the largest value of the bucket
//! that holds that rank: never below the exact answer, and at most one
//! bucket width above it. The tests check exactly that against a sorted
//! array.

use std::time::Duration;

/// Values below this many microseconds get a bucket each.
const EXACT: u64 = 128;

/// Buckets per power of two above [`EXACT`] (half of [`EXACT`]).
const PER_OCTAVE: u64 = 64;

/// The largest value counted as itself; larger ones count as this.
pub(super) const MAX_MICROS: u64 = (1 << 36) - 1;

/// Buckets for values up to [`MAX_MICROS`]: bit 35 is the highest, in row
/// 35 - 6 = 29, whose last bucket is 29 * 64 + 127.
const BUCKETS: usize = 29 * 64 + 128;

/// Latencies counted in buckets, with their exact count, sum and extremes.
#[derive(Clone)]
pub(super) struct Histogram {
    counts: Vec<u64>,
    total: u64,
    sum_micros: u128,
    min_micros: u64,
    max_micros: u64,
}

impl Histogram {
    /// An empty histogram.
    pub(super) fn new() -> Histogram {
        Histogram { counts: vec![0; BUCKETS], total: 0, sum_micros: 0, min_micros: u64::MAX, max_micros: 0 }
    }

    /// Counts one latency.
    pub(super) fn record(&mut self, latency: Duration) {
        let micros = u64::try_from(latency.as_micros()).unwrap_or(u64::MAX).min(MAX_MICROS);
        self.counts[bucket(micros)] += 1;
        self.total += 1;
        self.sum_micros += u128::from(micros);
        self.min_micros = self.min_micros.min(micros);
        self.max_micros = self.max_micros.max(micros);
    }

    /// Adds every latency counted in `other`.
    pub(super) fn merge(&mut self, other: &Histogram) {
        for (mine, theirs) in self.counts.iter_mut().zip(&other.counts) {
            *mine += theirs;
        }
        self.total += other.total;
        self.sum_micros += other.sum_micros;
        self.min_micros = self.min_micros.min(other.min_micros);
        self.max_micros = self.max_micros.max(other.max_micros);
    }

    /// How many latencies were counted.
    pub(super) fn count(&self) -> u64 {
        self.total
    }

    /// The `p`-th percentile (0 < p <= 100) in microseconds, by nearest
    /// rank, as the top of its bucket (but not above the largest value
    /// seen); `None` if nothing was counted.
    pub(super) fn percentile(&self, p: f64) -> Option<u64> {
        if self.total == 0 {
            return None;
        }
        // The rank, from 1 to total: ceil(p / 100 * total).
        let rank = ((p / 100.0 * self.total as f64).ceil() as u64).clamp(1, self.total);
        let mut seen = 0;
        for (index, &count) in self.counts.iter().enumerate() {
            seen += count;
            if seen >= rank {
                return Some(bucket_top(index).min(self.max_micros));
            }
        }
        // The counts add up to `total`, so the loop has returned.
        Some(self.max_micros)
    }

    /// The largest latency, in microseconds.
    pub(super) fn max(&self) -> Option<u64> {
        (self.total > 0).then_some(self.max_micros)
    }

    /// The mean latency, in microseconds.
    pub(super) fn mean(&self) -> Option<f64> {
        (self.total > 0).then(|| self.sum_micros as f64 / self.total as f64)
    }
}

/// The bucket of a value in microseconds (at most [`MAX_MICROS`]).
fn bucket(micros: u64) -> usize {
    if micros < EXACT {
        return micros as usize;
    }
    let highest_bit = 63 - u64::from(micros.leading_zeros());
    let row = highest_bit - 6;
    // `micros >> row` has its highest bit at bit 6: it is 64..=127.
    (row * PER_OCTAVE + (micros >> row)) as usize
}

/// The largest value that falls in bucket `index`.
fn bucket_top(index: usize) -> u64 {
    let index = index as u64;
    if index < EXACT {
        return index;
    }
    let row = index / PER_OCTAVE - 1;
    let leading = index - row * PER_OCTAVE; // 64..=127
    ((leading + 1) << row) - 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::StdRng;
    use rand::{RngExt, SeedableRng};

    /// The nearest-rank percentile of a sorted array: the oracle.
    fn exact(sorted: &[u64], p: f64) -> u64 {
        let rank = ((p / 100.0 * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
        sorted[rank - 1]
    }

    fn histogram_of(values: &[u64]) -> Histogram {
        let mut histogram = Histogram::new();
        for &v in values {
            histogram.record(Duration::from_micros(v));
        }
        histogram
    }

    #[test]
    fn buckets_tile_the_range_without_gaps() {
        // Every bucket starts just past the previous one's top, and every
        // value lands in the bucket whose range holds it.
        let mut bottom = 0;
        for index in 0..BUCKETS {
            let top = bucket_top(index);
            assert!(top >= bottom, "bucket {index} is empty");
            assert_eq!(bucket(bottom), index, "{bottom}");
            assert_eq!(bucket(top), index, "{top}");
            // At most 1/64 of its values wide.
            assert!((top - bottom) * PER_OCTAVE <= bottom.max(1), "bucket {index}: {bottom}..={top}");
            bottom = top + 1;
        }
        assert_eq!(bottom - 1, MAX_MICROS);
    }

    #[test]
    fn percentiles_match_a_sorted_array() {
        let mut rng = StdRng::seed_from_u64(20);
        for round in 0..200 {
            let n = rng.random_range(1..2000);
            // Latencies of several shapes: tight, wide, with a slow tail.
            let values: Vec<u64> = (0..n)
                .map(|_| match round % 4 {
                    0 => rng.random_range(0..200),
                    1 => rng.random_range(500..5_000),
                    2 => 1u64 << rng.random_range(0..30),
                    _ if rng.random_range(0..100) == 0 => rng.random_range(1_000_000..10_000_000),
                    _ => rng.random_range(800..1_200),
                })
                .collect();
            let histogram = histogram_of(&values);
            let mut sorted = values.clone();
            sorted.sort_unstable();
            for p in [0.1, 1.0, 50.0, 90.0, 99.0, 99.9, 100.0] {
                let oracle = exact(&sorted, p);
                let got = histogram.percentile(p).expect("values were counted");
                // The top of the oracle's bucket, capped at the maximum seen.
                assert_eq!(got, bucket_top(bucket(oracle)).min(sorted[n - 1]), "p{p} of {sorted:?}");
                assert!(got >= oracle && got - oracle <= oracle / PER_OCTAVE, "p{p}: {got} vs {oracle}");
            }
            assert_eq!(histogram.max(), Some(sorted[n - 1]));
            assert_eq!(histogram.count(), n as u64);
            let mean = sorted.iter().sum::<u64>() as f64 / n as f64;
            assert!((histogram.mean().expect("mean") - mean).abs() < 1e-6);
        }
    }

    #[test]
    fn merged_histograms_are_the_histogram_of_all_values() {
        let mut rng = StdRng::seed_from_u64(21);
        let values: Vec<u64> = (0..5000).map(|_| rng.random_range(0..1_000_000)).collect();
        let (left, right) = values.split_at(1234);
        let mut merged = histogram_of(left);
        merged.merge(&histogram_of(right));
        let whole = histogram_of(&values);
        assert_eq!(merged.counts, whole.counts);
        for p in [50.0, 90.0, 99.0] {
            assert_eq!(merged.percentile(p), whole.percentile(p));
        }
        assert_eq!((merged.max(), merged.count()), (whole.max(), whole.count()));
        // An empty histogram merged in changes nothing.
        merged.merge(&Histogram::new());
        assert_eq!(merged.max(), whole.max());
    }

    #[test]
    fn empty_and_huge() {
        let empty = Histogram::new();
        assert_eq!((empty.percentile(50.0), empty.max(), empty.mean()), (None, None, None));
        let mut huge = Histogram::new();
        huge.record(Duration::from_secs(u64::MAX));
        huge.record(Duration::from_micros(3));
        assert_eq!(huge.max(), Some(MAX_MICROS));
        assert_eq!(huge.percentile(50.0), Some(3));
        assert_eq!(huge.percentile(100.0), Some(MAX_MICROS));
    }
}
