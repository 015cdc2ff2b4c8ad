//! The exercises as shipped: each stub falls to its lab's attack, and each
//! reference solution (the real Padlock code) resists it. If you have fixed
//! a stub in crates/labs/src/exercises/, its proof here fails — as it
//! should: this guards the stub as shipped (run `tests/exercises.rs` for
//! yours: `cargo test -p padlock-labs --test exercises -- --ignored`).

use padlock_labs::exercises::{
    Verdict, bleichenbacher, crt_fault, downgrade, ecdsa_nonce, gcm_nonce, hostname, invalid_share,
    padding_oracle, timing,
};

fn stub_falls(verdict: Verdict) {
    println!("{verdict:?}");
    assert!(
        matches!(verdict, Verdict::Vulnerable(_)),
        "the shipped stub should fall to the attack (fixed it already? then this is expected): {verdict:?}"
    );
}

fn reference_resists(verdict: Verdict) {
    assert!(verdict.resists(), "the reference solution should resist: {verdict:?}");
}

#[test]
fn bleichenbacher_stub_falls() {
    stub_falls(bleichenbacher::check(bleichenbacher::exercise, 60_000));
}

#[test]
fn bleichenbacher_reference_resists() {
    reference_resists(bleichenbacher::check(bleichenbacher::reference, 60_000));
}

#[test]
fn padding_oracle_stub_falls() {
    stub_falls(padding_oracle::check(padding_oracle::exercise));
}

#[test]
fn padding_oracle_reference_resists() {
    reference_resists(padding_oracle::check(padding_oracle::reference));
}

#[test]
fn gcm_nonce_stub_falls() {
    stub_falls(gcm_nonce::check(gcm_nonce::exercise));
}

#[test]
fn gcm_nonce_reference_resists() {
    reference_resists(gcm_nonce::check(gcm_nonce::reference));
}

#[test]
fn crt_fault_stub_falls() {
    stub_falls(crt_fault::check(crt_fault::exercise));
}

#[test]
fn crt_fault_reference_resists() {
    reference_resists(crt_fault::check(crt_fault::reference));
}

#[test]
fn hostname_stub_falls() {
    stub_falls(hostname::check(hostname::exercise));
}

#[test]
fn hostname_reference_resists() {
    reference_resists(hostname::check(hostname::reference));
}

#[test]
fn downgrade_stub_falls() {
    stub_falls(downgrade::check(downgrade::exercise));
}

#[test]
fn downgrade_reference_resists() {
    reference_resists(downgrade::check(downgrade::reference));
}

#[test]
fn invalid_share_stub_falls() {
    stub_falls(invalid_share::check(invalid_share::exercise));
}

#[test]
fn invalid_share_reference_resists() {
    reference_resists(invalid_share::check(invalid_share::reference));
}

#[test]
fn timing_stub_falls() {
    stub_falls(timing::check(timing::exercise));
}

#[test]
fn timing_reference_resists() {
    reference_resists(timing::check(timing::reference));
}

#[test]
fn ecdsa_nonce_stub_falls() {
    stub_falls(ecdsa_nonce::check(ecdsa_nonce::exercise));
}

#[test]
fn ecdsa_nonce_reference_resists() {
    reference_resists(ecdsa_nonce::check(ecdsa_nonce::reference));
}
