//! The exercises: for each lab, the vulnerable function as a stub for the
//! student to rewrite, the reference solution (which calls the real
//! Padlock code), and a `check` that runs the lab's attack against any
//! version and says whether it resists.
//!
//! Fix an exercise by editing its `exercise` function in
//! `crates/labs/src/exercises/<lab>.rs`, then run
//!
//! ```text
//! cargo test -p padlock-labs --test exercises -- --ignored <lab>
//! ```
//!
//! which passes only when your function resists the attack (and still
//! does its job). Those tests are `#[ignore]`d because the shipped stubs
//! must fail them; `tests/exercise_proofs.rs`, which CI runs, proves that
//! each shipped stub falls to its attack and each reference resists it.
//! (Once you have fixed a stub, that proof fails for it, and says so: it
//! guards the stub as shipped.)

pub mod bleichenbacher;
pub mod crt_fault;
pub mod downgrade;
pub mod ecdsa_nonce;
pub mod gcm_nonce;
pub mod hostname;
pub mod invalid_share;
pub mod padding_oracle;
pub mod timing;

/// What a check found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The attack worked: what it got.
    Vulnerable(String),
    /// The attack failed: why.
    Resists(String),
    /// The function no longer does its job (a "fix" that refuses everything
    /// is no fix): what went wrong.
    Broken(String),
}

impl Verdict {
    /// Whether the function resisted the attack and still works.
    pub fn resists(&self) -> bool {
        matches!(self, Verdict::Resists(_))
    }
}
