//! Labs: famous attacks that really work against Padlock switched to be
//! vulnerable on purpose — and fail against the real code.
//!
//! Each lab turns one lab switch on (the switches live in padlock-tls,
//! padlock-rsa, padlock-dh and padlock-ec, one line each, marked
//! `// LAB SWITCH:`, and two in this crate, for code Padlock does not ship;
//! see `padlock_tls::lab` for why no normal server or client can turn one
//! on, and `tests/switches_off.rs` for the test that holds it),
//! starts a server or client on 127.0.0.1, runs an attack that is our own
//! code against it, and tells what happens as [`report::Note`]s. With
//! [`Params::fixed`] the same attack runs against the real, unswitched code
//! and fails. `padlock lab run NAME` narrates a lab; docs/labs/ has a
//! chapter for each, and `exercises` a function for the student to fix.
//!
//! Constant time: no — nothing here is. This crate is the attacker (and a
//! few deliberately vulnerable copies of real code, in `exercises`); it is
//! never reached from `padlock server`, `client` or `demo`.
//!
//! Organisation:
//! - [`report`]: the notes a lab sends as it runs;
//! - `net`: servers, raw TLS records and men in the middle on 127.0.0.1;
//! - [`nat`]: the attacker's big-integer arithmetic;
//! - [`gf128`]: GF(2^128) in GCM's bit order and polynomial root finding;
//! - [`dudect`]: timing measurements and Welch's t-test;
//! - one module per lab, each with its attack, in the order of [`LABS`]:
//!   [`bleichenbacher`], [`padding_oracle`], [`gcm_nonce`], [`crt_fault`],
//!   [`hostname`], [`downgrade`], [`timing`], [`invalid_share`],
//!   [`ecdsa_nonce`];
//! - [`exercises`]: the vulnerable functions students rewrite, the
//!   reference solutions (the real code), and the checks that tell one
//!   from the other.

pub mod bleichenbacher;
mod common;
pub mod crt_fault;
pub mod downgrade;
pub mod dudect;
pub mod ecdsa_nonce;
pub mod exercises;
pub mod gcm_nonce;
pub mod gf128;
pub mod hostname;
pub mod invalid_share;
pub mod nat;
pub(crate) mod net;
pub mod padding_oracle;
pub mod report;
pub mod timing;

use std::time::Instant;

use report::Report;

/// How a lab runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Params {
    /// Every random choice (keys, secrets, nonces) comes from this seed, so a
    /// run is reproducible: the same queries, the same recovered secret.
    pub seed: u64,
    /// Run against the real code (no switch on): the attack must fail.
    pub fixed: bool,
    /// Lab-sized (2048-bit RSA and the like) or test-sized parameters.
    pub scale: Scale,
}

/// The size of a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scale {
    /// What `padlock lab run` uses: real key sizes.
    Lab,
    /// Smaller keys and fewer measurements, for the test suite.
    Test,
}

/// What a run found.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    /// Whether the attack got the secret (or forgery, or request) it was after.
    pub attack_succeeded: bool,
    /// Oracle queries, connections or measurements the attack made.
    pub queries: u64,
    /// Wall-clock seconds, end to end.
    pub seconds: f64,
}

/// A lab: its name on the command line, a title, and how to run it.
pub struct Lab {
    /// The name `padlock lab run` takes (`bleichenbacher`).
    pub name: &'static str,
    /// A one-line title.
    pub title: &'static str,
    /// The switch it turns on, as its `// LAB SWITCH:` name.
    pub switch: &'static str,
    /// The docs chapter, under docs/labs/.
    pub chapter: &'static str,
    run: fn(&Params, &mut Report<'_>) -> Result<Outcome, String>,
}

impl Lab {
    /// Runs the lab; the outcome's time is measured here.
    pub fn run(&self, params: &Params, report: &mut Report<'_>) -> Result<Outcome, String> {
        let start = Instant::now();
        report.note(report::Note::Start {
            lab: self.name,
            title: self.title,
            seed: params.seed,
            fixed: params.fixed,
            switch: self.switch,
        });
        let mut outcome = (self.run)(params, report)?;
        outcome.seconds = start.elapsed().as_secs_f64();
        Ok(outcome)
    }
}

/// Every lab, in the order of the course.
pub const LABS: &[Lab] = &[
    Lab {
        name: "bleichenbacher",
        title: "Bleichenbacher's oracle (ROBOT): decrypt a recorded TLS 1.2 session",
        switch: "RsaPaddingOracle",
        chapter: "bleichenbacher.md",
        run: bleichenbacher::run,
    },
    Lab {
        name: "padding-oracle",
        title: "Vaudenay's CBC padding oracle: decrypt a cookie a byte at a time",
        switch: "DecryptBeforeMac",
        chapter: "padding-oracle.md",
        run: padding_oracle::run,
    },
    Lab {
        name: "gcm-nonce",
        title: "AES-GCM with a repeated nonce: recover the GHASH key, forge a record (the forbidden attack)",
        switch: "RepeatGcmNonce",
        chapter: "gcm-nonce.md",
        run: gcm_nonce::run,
    },
    Lab {
        name: "crt-fault",
        title: "RSA-CRT fault: one faulty signature factors the modulus (Lenstra's gcd)",
        switch: "SkipFaultCheck",
        chapter: "crt-fault.md",
        run: crt_fault::run,
    },
    Lab {
        name: "hostname",
        title: "No hostname check: a man in the middle with a valid certificate for another name",
        switch: "SkipHostnameCheck",
        chapter: "hostname.md",
        run: hostname::run,
    },
    Lab {
        name: "downgrade",
        title: "Downgrade: a man in the middle strips TLS 1.3 from the ClientHello",
        switch: "IgnoreDowngradeSentinel",
        chapter: "downgrade.md",
        run: downgrade::run,
    },
    Lab {
        name: "timing",
        title: "A timing leak, measured: an early-exit MAC comparison against the constant-time one (dudect)",
        switch: "EarlyExitCompare",
        chapter: "timing.md",
        run: timing::run,
    },
    Lab {
        name: "invalid-share",
        title: "Invalid key shares: a low-order point, Y = 1 or p - 1 give a secret the attacker knows",
        switch: "SkipKeyShareChecks",
        chapter: "invalid-share.md",
        run: invalid_share::run,
    },
    Lab {
        name: "ecdsa-nonce",
        title: "ECDSA nonce reuse: two signatures with one k give the private key",
        switch: "RepeatNonce",
        chapter: "ecdsa-nonce.md",
        run: ecdsa_nonce::run,
    },
];

/// The lab called `name`.
pub fn lab(name: &str) -> Option<&'static Lab> {
    LABS.iter().find(|lab| lab.name == name)
}
