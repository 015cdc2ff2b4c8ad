//! Lab 7: a timing leak, measured. A service checks the HMAC-SHA256 tag
//! of each request. With its switch `EarlyExitCompare` it compares the
//! received tag with the right one byte by byte and stops at the first
//! difference, as `memcmp` and `==` do: a forgery whose first 31 bytes are
//! right is rejected later than one wrong in its first byte, so the time of
//! a rejection tells an attacker how many leading bytes it has right, and
//! it can find the tag a byte at a time (the Xbox 360's boot loader, 2007;
//! Lawson on Google Keyczar, 2009). The real check
//! (`subtle::ConstantTimeEq`, as in padlock-sha's `Hmac::verify`) reads
//! every byte whatever they hold.
//!
//! The lab measures both the way dudect does ([`crate::dudect`]): many
//! timings of the two classes of forgery, interleaved at random, and
//! Welch's t-test between them. The early-exit check crosses |t| = 10 in
//! a fraction of a second; the real one does not. [`ct_check`] runs the
//! same measurement on Padlock's real primitives (`padlock lab ct-check`).

use std::time::Duration;

use padlock_aes::Aead as _;
use padlock_aes::AesGcm;
use padlock_rsa::RsaPrivateKey;
use padlock_sha::Sha256;
use padlock_sha::hmac::{Hmac, hmac};
use rand::rngs::StdRng;
use rand_core::Rng as _;
use subtle::ConstantTimeEq as _;

use crate::dudect::{self, Budget, Class, Evidence, Measurement, Target};
use crate::report::{Report, thousands};
use crate::{Outcome, Params, Scale, net};

/// Whether `received` is the tag `expected`; `switched` is the lab switch.
pub fn tag_matches(expected: &[u8; 32], received: &[u8], switched: bool) -> bool {
    // LAB SWITCH: EarlyExitCompare — byte by byte, returning at the first difference.
    if switched {
        return early_exit_eq(expected, received);
    }
    // The length of a tag is public; its bytes are compared in constant time.
    bool::from(expected.as_slice().ct_eq(received))
}

/// `a == b`, stopping at the first byte that differs: the leak. (Each byte
/// goes through `black_box` so that the compiler keeps the byte loop
/// rather than comparing 16 bytes at a time, which would shrink the leak
/// without removing it.)
pub fn early_exit_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    for (x, y) in a.iter().zip(b) {
        if std::hint::black_box(*x) != std::hint::black_box(*y) {
            return false;
        }
    }
    true
}

/// The two classes of forgery the lab times: right in its first 31 bytes
/// (class 0) or wrong in its first byte (class 1). Both are rejected.
pub fn forgeries(tag: &[u8; 32]) -> [[u8; 32]; 2] {
    let mut late = *tag;
    late[31] ^= 1;
    let mut early = *tag;
    early[0] ^= 1;
    [late, early]
}

/// A tag check to time: `check(expected, received)`.
pub struct TagCheck {
    /// The right tag.
    pub expected: [u8; 32],
    /// The check.
    pub check: fn(&[u8; 32], &[u8]) -> bool,
    /// Checks per measurement.
    pub repeat: u32,
}

impl Target for TagCheck {
    type Input = [u8; 32];
    fn name(&self) -> &'static str {
        "tag check"
    }
    fn input(&mut self, class: Class, _: &mut StdRng) -> [u8; 32] {
        forgeries(&self.expected)[usize::from(class == Class::One)]
    }
    fn run(&mut self, input: &[u8; 32]) {
        std::hint::black_box((self.check)(&self.expected, input));
    }
    fn repeat(&self) -> u32 {
        self.repeat
    }
}

fn switched_check(expected: &[u8; 32], received: &[u8]) -> bool {
    tag_matches(expected, received, true)
}

fn real_check(expected: &[u8; 32], received: &[u8]) -> bool {
    tag_matches(expected, received, false)
}

/// Checks per measurement: one, as dudect times one call. (The clock's own
/// cost, some 20-30 ns, is in every measurement, the same for both classes.)
const REPEAT: u32 = 1;

pub(crate) fn run(params: &Params, report: &mut Report<'_>) -> Result<Outcome, String> {
    let (leaky_time, real_time) = match params.scale {
        Scale::Lab => (Duration::from_secs(20), Duration::from_secs(if params.fixed { 10 } else { 5 })),
        Scale::Test => (Duration::from_secs(10), Duration::from_secs(2)),
    };
    report.heading("The setting");
    report.explain(
        "An API signs each request with HMAC-SHA256 under a key shared with its clients, and rejects a \
         request whose 32-byte tag is wrong. An attacker without the key wants a tag for a request of its \
         own. If the time a rejection takes depends on how many leading bytes of the tag were right, it can \
         find the tag a byte at a time: at most 256 guesses per byte, each timed many times, instead of \
         2^256 guesses. Here the leak is measured as dudect does (Reparaz, Balasch and Verbauwhede 2017): two \
         classes of forgery — class 0 right in its first 31 bytes, class 1 wrong in its first byte, both \
         rejected — timed in random order, many times; Welch's t-test says whether the two mean times \
         differ. |t| above 10: they certainly do; above 4.5: probably; below: no difference was seen.",
    );
    let expected: [u8; 32] =
        hmac::<Sha256>(&net::random_bytes(params.seed, 70, 32), b"POST /transfer amount=100")
            .as_ref()
            .try_into()
            .map_err(|_| "a tag that is not 32 bytes")?;
    let mut rng = net::rng(params.seed, 71);
    let mut total = 0;
    let mut succeeded = false;
    if !params.fixed {
        report.heading("Act 1: the switched check, byte by byte with an early exit");
        report.explain(
            "Its switch EarlyExitCompare is on (crates/labs/src/timing.rs): `for (x, y) in a.iter().zip(b) { if \
             x != y { return false } }`. Each measurement times one check of one forgery.",
        );
        let budget = Budget {
            time: leaky_time,
            measurements: u64::MAX,
            stop_above: Some(dudect::THRESHOLD_LEAK),
            min_measurements: 2_000,
        };
        let mut target = TagCheck { expected, check: switched_check, repeat: REPEAT };
        let (m, elapsed) = timed(&mut target, budget, &mut rng, report);
        let evidence = m.evidence();
        tell(report, &evidence, &m, elapsed);
        succeeded = evidence.max_t > dudect::THRESHOLD_LEAK;
        if succeeded {
            report.leak(format!(
                "how far the forgery was right: {:.1} ns more per check for 31 right bytes than for none",
                evidence.means_ns[0] - evidence.means_ns[1]
            ));
        }
        report.figure("switched: measurements", thousands(m.taken));
        report.figure("switched: time to |t| > 10", format!("{:.1} ms", elapsed.as_secs_f64() * 1000.0));
        report.figure("switched: largest |t|", format!("{:.1}", evidence.max_t));
        total += m.taken;
    }
    report.heading(if params.fixed {
        "The real check, in constant time"
    } else {
        "Act 2: the real check, in constant time"
    });
    report.explain(
        "The real check, `subtle::ConstantTimeEq` (what padlock-sha's Hmac::verify uses), ORs together the XOR \
         of every pair of bytes and looks at the result once: the same work whatever the bytes hold. The same \
         measurement, for a fixed time:",
    );
    let budget = Budget { time: real_time, measurements: u64::MAX, stop_above: None, min_measurements: 0 };
    let mut target = TagCheck { expected, check: real_check, repeat: REPEAT };
    let (m, elapsed) = timed(&mut target, budget, &mut rng, report);
    let evidence = m.evidence();
    tell(report, &evidence, &m, elapsed);
    report.figure("real: measurements", thousands(m.taken));
    report.figure("real: largest |t|", format!("{:.1}", evidence.max_t));
    total += m.taken;
    let real_leaks = evidence.max_t > dudect::THRESHOLD_LEAK;
    if params.fixed {
        succeeded = real_leaks;
    } else if real_leaks {
        report.explain(
            "The real check crossed the threshold too: on this run something else (the machine, the compiler, \
             other processes) made the classes differ. Run it again; a real leak shows every time.",
        );
    }
    report.explain(
        "A t-test finds a difference; it cannot prove there is none. dudect's lesson is that this measurement \
         is cheap enough to run on every primitive: `padlock lab ct-check TARGET` does it for Padlock's MAC \
         check, GCM tag check, RSA decryption and X25519.",
    );
    report.verdict(
        succeeded,
        match (params.fixed, succeeded) {
            (false, true) => "the early-exit check leaks how many bytes of a forged tag are right; the real one showed nothing",
            (false, false) => "no leak was measured this time, even in the early-exit check",
            (true, true) => "the real check crossed the threshold on this run (see above)",
            (true, false) => "the constant-time check showed no difference between the classes",
        },
    );
    Ok(Outcome { attack_succeeded: succeeded, queries: total, seconds: 0.0 })
}

/// Measures with live progress.
fn timed<T: Target>(
    target: &mut T,
    budget: Budget,
    rng: &mut StdRng,
    report: &mut Report<'_>,
) -> (Measurement, Duration) {
    let mut last = Duration::ZERO;
    dudect::measure(target, budget, rng, &mut |m, elapsed| {
        if elapsed - last >= Duration::from_millis(200) {
            last = elapsed;
            let e = m.evidence();
            report.progress(
                m.taken,
                format!("measuring, |t| = {:.1} after {:.1} s", e.max_t, elapsed.as_secs_f64()),
            );
        }
    })
}

fn tell(report: &mut Report<'_>, evidence: &Evidence, m: &Measurement, elapsed: Duration) {
    report.value("measurements", format!("{} in {:.2} s", thousands(m.taken), elapsed.as_secs_f64()));
    report.value(
        "mean time of one check, clock included",
        format!(
            "class 0 {:.1} ns, class 1 {:.1} ns ({})",
            evidence.means_ns[0],
            evidence.means_ns[1],
            if evidence.test == 0 {
                "all measurements".to_string()
            } else {
                format!("those below crop {}", evidence.test)
            }
        ),
    );
    report.value("largest |t|", format!("{:.1} ({})", evidence.max_t, verdict_words(evidence.max_t)));
}

/// |t| in words, with dudect's thresholds.
pub fn verdict_words(t: f64) -> &'static str {
    if t > dudect::THRESHOLD_LEAK {
        "above 10: the classes take different times"
    } else if t > dudect::THRESHOLD_PROBABLE {
        "above 4.5: probably different"
    } else {
        "below 4.5: no difference seen"
    }
}

/// What `padlock lab ct-check` can measure.
pub const CT_TARGETS: &[(&str, &str)] = &[
    (
        "mac-compare",
        "padlock-sha Hmac<Sha256>::verify over a 64-byte message; class 0: a tag wrong in its last byte, class 1: wrong in its first",
    ),
    (
        "gcm-tag",
        "padlock-aes AES-128-GCM open of a 64-byte record; class 0: a tag wrong in its last byte, class 1: wrong in its first",
    ),
    (
        "rsa-decrypt",
        "padlock-rsa decrypt_tls_premaster, RSA-2048 (TLS 1.2 key transport); class 0: one valid PKCS#1 v1.5 ciphertext, class 1: random ciphertexts",
    ),
    ("x25519", "padlock-dh X25519 with the base point; class 0: one fixed scalar, class 1: random scalars"),
    (
        "leaky-compare",
        "the lab's early-exit tag comparison (a control: it must be caught); class 0: wrong in the last byte, class 1: in the first",
    ),
];

/// What `ct_check` found.
pub struct CtReport {
    /// The target's description.
    pub what: &'static str,
    /// The battery.
    pub measurement: Measurement,
    /// How long it measured.
    pub elapsed: Duration,
}

/// dudect on one of Padlock's real primitives, for at most `time`.
pub fn ct_check(
    target: &str,
    time: Duration,
    seed: u64,
    progress: &mut dyn FnMut(u64, f64, Duration),
) -> Result<CtReport, String> {
    let what =
        CT_TARGETS.iter().find(|(name, _)| *name == target).map(|(_, what)| *what).ok_or_else(|| {
            let names: Vec<&str> = CT_TARGETS.iter().map(|(n, _)| *n).collect();
            format!("no target '{target}'; there are: {}", names.join(", "))
        })?;
    let budget = Budget { time, measurements: u64::MAX, stop_above: None, min_measurements: 0 };
    let mut rng = net::rng(seed, 72);
    let mut last = Duration::ZERO;
    let mut on_batch = |m: &Measurement, elapsed: Duration| {
        if elapsed - last >= Duration::from_millis(250) {
            last = elapsed;
            progress(m.taken, m.evidence().max_t, elapsed);
        }
    };
    let (measurement, elapsed) = match target {
        "mac-compare" => dudect::measure(&mut MacVerify::new(seed), budget, &mut rng, &mut on_batch),
        "gcm-tag" => dudect::measure(&mut GcmOpen::new(seed)?, budget, &mut rng, &mut on_batch),
        "rsa-decrypt" => dudect::measure(&mut RsaDecrypt::new(seed)?, budget, &mut rng, &mut on_batch),
        "x25519" => dudect::measure(&mut X25519 { fixed: [0x5a; 32] }, budget, &mut rng, &mut on_batch),
        _ => {
            let expected: [u8; 32] = net::random_bytes(seed, 73, 32).try_into().map_err(|_| "32 bytes")?;
            let mut target = TagCheck { expected, check: switched_check, repeat: REPEAT };
            dudect::measure(&mut target, budget, &mut rng, &mut on_batch)
        }
    };
    Ok(CtReport { what, measurement, elapsed })
}

struct MacVerify {
    key: Vec<u8>,
    message: Vec<u8>,
    tag: [u8; 32],
}

impl MacVerify {
    fn new(seed: u64) -> MacVerify {
        let key = net::random_bytes(seed, 74, 32);
        let message = net::random_bytes(seed, 75, 64);
        let mut tag = [0u8; 32];
        tag.copy_from_slice(hmac::<Sha256>(&key, &message).as_ref());
        MacVerify { key, message, tag }
    }
}

impl Target for MacVerify {
    type Input = [u8; 32];
    fn name(&self) -> &'static str {
        "mac-compare"
    }
    fn input(&mut self, class: Class, _: &mut StdRng) -> [u8; 32] {
        forgeries(&self.tag)[usize::from(class == Class::One)]
    }
    fn run(&mut self, input: &[u8; 32]) {
        let mut mac = Hmac::<Sha256>::new(&self.key);
        mac.update(&self.message);
        std::hint::black_box(mac.verify(input).is_ok());
    }
}

struct GcmOpen {
    aead: AesGcm,
    ciphertext: [u8; 64],
    tag: [u8; 32],
    scratch: [u8; 64],
}

impl GcmOpen {
    fn new(seed: u64) -> Result<GcmOpen, String> {
        let aead = AesGcm::new(&net::random_bytes(seed, 76, 16)).map_err(|_| "an AES key")?;
        let mut ciphertext = [0u8; 64];
        ciphertext.copy_from_slice(&net::random_bytes(seed, 77, 64));
        let tag = aead.seal_in_place(&[0; 12], b"header", &mut ciphertext).map_err(|_| "sealing")?;
        // The 16-byte tag in the first half; `forgeries` works on 32 bytes.
        let mut padded = [0u8; 32];
        padded[..16].copy_from_slice(tag.as_ref());
        Ok(GcmOpen { aead, ciphertext, tag: padded, scratch: [0; 64] })
    }
}

impl Target for GcmOpen {
    type Input = [u8; 16];
    fn name(&self) -> &'static str {
        "gcm-tag"
    }
    fn input(&mut self, class: Class, _: &mut StdRng) -> [u8; 16] {
        let mut tag = [0u8; 16];
        tag.copy_from_slice(&self.tag[..16]);
        tag[if class == Class::Zero { 15 } else { 0 }] ^= 1;
        tag
    }
    fn run(&mut self, input: &[u8; 16]) {
        self.scratch = self.ciphertext;
        std::hint::black_box(self.aead.open_in_place(&[0; 12], b"header", &mut self.scratch, input).is_ok());
    }
}

struct RsaDecrypt {
    key: RsaPrivateKey,
    valid: Vec<u8>,
    blinding: StdRng,
}

impl RsaDecrypt {
    fn new(seed: u64) -> Result<RsaDecrypt, String> {
        let key =
            RsaPrivateKey::generate(2048, &mut net::rng(seed, 78), &mut |_| {}).map_err(|e| e.to_string())?;
        let mut premaster = net::random_bytes(seed, 79, 48);
        premaster[..2].copy_from_slice(&[3, 3]);
        let valid = key
            .public_key()
            .encrypt_pkcs1v15(&premaster, &mut net::rng(seed, 80))
            .map_err(|e| e.to_string())?;
        Ok(RsaDecrypt { key, valid, blinding: net::rng(seed, 81) })
    }
}

impl Target for RsaDecrypt {
    type Input = Vec<u8>;
    fn name(&self) -> &'static str {
        "rsa-decrypt"
    }
    fn input(&mut self, class: Class, rng: &mut StdRng) -> Vec<u8> {
        if class == Class::Zero {
            return self.valid.clone();
        }
        // A random number below n: a leading zero byte, then random bytes.
        let mut c = vec![0u8; self.valid.len()];
        rng.fill_bytes(&mut c[1..]);
        c
    }
    fn run(&mut self, input: &Vec<u8>) {
        std::hint::black_box(self.key.decrypt_tls_premaster(input, [3, 3], &mut self.blinding));
    }
}

struct X25519 {
    fixed: [u8; 32],
}

impl Target for X25519 {
    type Input = [u8; 32];
    fn name(&self) -> &'static str {
        "x25519"
    }
    fn input(&mut self, class: Class, rng: &mut StdRng) -> [u8; 32] {
        if class == Class::Zero {
            return self.fixed;
        }
        let mut scalar = [0u8; 32];
        rng.fill_bytes(&mut scalar);
        scalar
    }
    fn run(&mut self, input: &[u8; 32]) {
        let mut base = [0u8; 32];
        base[0] = 9;
        std::hint::black_box(padlock_dh::x25519::x25519(input, &base));
    }
}
