//! Measuring whether code runs in constant time, the way dudect does
//! (Reparaz, Balasch and Verbauwhede, "Dude, is my code constant time?",
//! DATE 2017): time the code on two classes of inputs, many times,
//! interleaved at random, and ask Welch's t-test whether the two timing
//! distributions have the same mean.
//!
//! - [`Welford`]: a running mean and variance (Welford 1962), one pass,
//!   numerically stable over millions of measurements.
//! - [`welch_t`]: Welch's t statistic (Welch 1947) for two samples of
//!   unequal variance.
//! - [`Measurement`]: dudect's battery — one t-test over every measurement
//!   and one over the measurements below each of a set of percentiles (the
//!   "cropping" of §3 of the paper, which cuts off the long tail that
//!   interrupts and other processes add) — and its largest |t|.
//! - [`measure`]: the loop that times a [`Target`] on random classes, for
//!   a number of measurements or seconds, whichever ends first.
//!
//! How to read |t| (the paper's thresholds): above 10, the two classes
//! certainly take different times — the code leaks; above 4.5, it probably
//! does; below, this measurement saw no difference, which is not a proof
//! of constant time: another machine, compiler or choice of classes may.
//! dudect's second-order test (on centred products) is not done here.
//!
//! Constant time: not applicable — this is the measuring instrument.

use std::hint::black_box;
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand_core::Rng as _;

/// The |t| above which the classes certainly differ (Reparaz et al. 2017).
pub const THRESHOLD_LEAK: f64 = 10.0;
/// The |t| above which they probably differ.
pub const THRESHOLD_PROBABLE: f64 = 4.5;

/// A running count, mean and sum of squared differences from the mean
/// (Welford 1962; Knuth, TAOCP vol. 2, §4.2.2).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Welford {
    n: u64,
    mean: f64,
    m2: f64,
}

impl Welford {
    /// Adds one value.
    pub fn push(&mut self, x: f64) {
        self.n += 1;
        let delta = x - self.mean;
        self.mean += delta / self.n as f64;
        self.m2 += delta * (x - self.mean);
    }

    /// How many values.
    pub fn count(&self) -> u64 {
        self.n
    }

    /// Their mean.
    pub fn mean(&self) -> f64 {
        self.mean
    }

    /// Their sample variance (divided by n - 1); 0 below two values.
    pub fn variance(&self) -> f64 {
        if self.n < 2 { 0.0 } else { self.m2 / (self.n - 1) as f64 }
    }
}

/// Welch's t statistic of two samples: (mean_a - mean_b) /
/// sqrt(var_a / n_a + var_b / n_b) (Welch 1947). 0 when either sample has
/// fewer than two values or both have no variance.
pub fn welch_t(a: &Welford, b: &Welford) -> f64 {
    if a.n < 2 || b.n < 2 {
        return 0.0;
    }
    let se2 = a.variance() / a.n as f64 + b.variance() / b.n as f64;
    if se2 == 0.0 { 0.0 } else { (a.mean - b.mean) / se2.sqrt() }
}

/// The input class of one measurement.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    /// dudect's "fixed" class (here: whatever the target calls class 0).
    Zero,
    /// The other class (usually random inputs).
    One,
}

/// Something to time: inputs of two classes, and the operation.
pub trait Target {
    /// One prepared input.
    type Input;
    /// A name for reports.
    fn name(&self) -> &'static str;
    /// A fresh input of `class`, made before the clock starts.
    fn input(&mut self, class: Class, rng: &mut StdRng) -> Self::Input;
    /// The operation timed, once.
    fn run(&mut self, input: &Self::Input);
    /// How many times to run one input per measurement (fast operations are
    /// repeated so the clock's own cost does not drown them).
    fn repeat(&self) -> u32 {
        1
    }
}

/// How many percentiles dudect crops at (it uses 100; 20 keep the battery
/// small and still span 7 % to 99.9 %).
const PERCENTILES: usize = 20;
/// Measurements taken first to place the percentiles (dudect uses its first batch).
pub const CALIBRATION: usize = 1000;

/// Measurements of each class a test needs before its |t| means anything.
pub const MIN_PER_CLASS: u64 = 100;

/// dudect's battery of t-tests over the measurements so far.
#[derive(Clone, Debug)]
pub struct Measurement {
    /// Crop limits in nanoseconds (one per test after the first); empty
    /// until the calibration batch is in.
    limits: Vec<f64>,
    /// One pair of classes per test: test 0 takes everything, test i + 1
    /// only measurements below `limits[i]`.
    tests: Vec<[Welford; 2]>,
    /// The calibration batch, kept until the limits are set.
    pending: Vec<(Class, f64)>,
    /// Every measurement taken.
    pub taken: u64,
}

impl Default for Measurement {
    fn default() -> Self {
        Measurement {
            limits: Vec::new(),
            tests: vec![[Welford::default(); 2]; PERCENTILES + 1],
            pending: Vec::new(),
            taken: 0,
        }
    }
}

/// The strongest evidence a battery holds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Evidence {
    /// The largest |t| over the tests.
    pub max_t: f64,
    /// Which test: 0 for all measurements, i for those below the i-th crop.
    pub test: usize,
    /// The measurements that test used.
    pub used: u64,
    /// Mean time per operation of class 0 and class 1 in that test, in ns.
    pub means_ns: [f64; 2],
    /// The standard error of the difference of those means, in ns: a
    /// difference of about 4.5 times this would have given |t| > 4.5, so it
    /// says how small a leak this measurement could see.
    pub standard_error_ns: f64,
}

impl Measurement {
    /// Adds one measurement of `nanos` for `class`.
    pub fn push(&mut self, class: Class, nanos: f64) {
        self.taken += 1;
        if self.limits.is_empty() {
            self.pending.push((class, nanos));
            if self.pending.len() >= CALIBRATION {
                self.set_limits();
            }
            return;
        }
        self.add(class, nanos);
    }

    /// dudect's `prepare_percentiles`: limit i is the 1 - 0.5^(10 (i + 1) / N)
    /// quantile of the first batch.
    fn set_limits(&mut self) {
        let mut sorted: Vec<f64> = self.pending.iter().map(|&(_, x)| x).collect();
        sorted.sort_by(f64::total_cmp);
        self.limits = (0..PERCENTILES)
            .map(|i| {
                let q = 1.0 - 0.5f64.powf(10.0 * (i + 1) as f64 / PERCENTILES as f64);
                sorted[((sorted.len() as f64 * q) as usize).min(sorted.len() - 1)]
            })
            .collect();
        for (class, nanos) in std::mem::take(&mut self.pending) {
            self.add(class, nanos);
        }
    }

    fn add(&mut self, class: Class, nanos: f64) {
        let c = usize::from(class == Class::One);
        self.tests[0][c].push(nanos);
        for (limit, test) in self.limits.iter().zip(&mut self.tests[1..]) {
            if nanos < *limit {
                test[c].push(nanos);
            }
        }
    }

    /// The test with the largest |t|.
    pub fn evidence(&self) -> Evidence {
        let mut best = Evidence { max_t: 0.0, test: 0, used: 0, means_ns: [0.0; 2], standard_error_ns: 0.0 };
        for (i, [zero, one]) in self.tests.iter().enumerate() {
            // A test needs enough values in each class to mean anything.
            if zero.count() < MIN_PER_CLASS || one.count() < MIN_PER_CLASS {
                continue;
            }
            let t = welch_t(zero, one).abs();
            if t > best.max_t || best.used == 0 {
                let se2 = zero.variance() / zero.count() as f64 + one.variance() / one.count() as f64;
                best = Evidence {
                    max_t: t,
                    test: i,
                    used: zero.count() + one.count(),
                    means_ns: [zero.mean(), one.mean()],
                    standard_error_ns: se2.sqrt(),
                };
            }
        }
        best
    }
}

/// When to stop measuring.
#[derive(Clone, Copy, Debug)]
pub struct Budget {
    /// At most this long.
    pub time: Duration,
    /// At most this many measurements.
    pub measurements: u64,
    /// Stop as soon as |t| passes this, after `min_measurements`.
    pub stop_above: Option<f64>,
    /// Measurements before `stop_above` is looked at.
    pub min_measurements: u64,
}

/// Times `target` on inputs of random classes until `budget` runs out,
/// calling `progress` after each batch; the battery and the time it took.
pub fn measure<T: Target>(
    target: &mut T,
    budget: Budget,
    rng: &mut StdRng,
    progress: &mut dyn FnMut(&Measurement, Duration),
) -> (Measurement, Duration) {
    // Inputs are prepared a batch at a time, so that making them (random
    // numbers, copies) happens outside the timed region.
    const BATCH: usize = 500;
    let start = Instant::now();
    let mut measurement = Measurement::default();
    let repeat = target.repeat();
    loop {
        let classes: Vec<Class> =
            (0..BATCH).map(|_| if rng.next_u32() & 1 == 0 { Class::Zero } else { Class::One }).collect();
        let inputs: Vec<T::Input> = classes.iter().map(|&c| target.input(c, rng)).collect();
        for (k, (class, input)) in classes.iter().zip(&inputs).enumerate() {
            let t0 = Instant::now();
            for _ in 0..repeat {
                target.run(black_box(input));
            }
            let nanos = t0.elapsed().as_nanos() as f64;
            measurement.push(*class, nanos / f64::from(repeat));
            // A slow target (an RSA decryption) must not run a whole batch
            // past the time budget.
            if k % 32 == 31 && start.elapsed() >= budget.time {
                break;
            }
        }
        let elapsed = start.elapsed();
        progress(&measurement, elapsed);
        let crossed = budget.stop_above.is_some_and(|limit| {
            measurement.taken >= budget.min_measurements && measurement.evidence().max_t > limit
        });
        if crossed || elapsed >= budget.time || measurement.taken >= budget.measurements {
            return (measurement, elapsed);
        }
    }
}
