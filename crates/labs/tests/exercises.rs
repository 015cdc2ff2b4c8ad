//! The exercises, for students: each test passes only when your function in
//! crates/labs/src/exercises/<lab>.rs resists the lab's attack and still
//! does its job. They fail on the shipped stubs, hence `#[ignore]`; run one
//! with
//!
//! ```text
//! cargo test -p padlock-labs --test exercises -- --ignored bleichenbacher
//! ```

use padlock_labs::exercises::{
    Verdict, bleichenbacher, crt_fault, downgrade, ecdsa_nonce, gcm_nonce, hostname, invalid_share,
    padding_oracle, timing,
};

fn assert_resists(verdict: Verdict) {
    match verdict {
        Verdict::Resists(why) => println!("resists: {why}"),
        Verdict::Vulnerable(what) => panic!("still vulnerable: {what}"),
        Verdict::Broken(what) => panic!("no longer does its job: {what}"),
    }
}

#[test]
#[ignore = "fails until you fix crates/labs/src/exercises/bleichenbacher.rs"]
fn bleichenbacher() {
    assert_resists(bleichenbacher::check(bleichenbacher::exercise, 60_000));
}

#[test]
#[ignore = "fails until you fix crates/labs/src/exercises/padding_oracle.rs"]
fn padding_oracle() {
    assert_resists(padding_oracle::check(padding_oracle::exercise));
}

#[test]
#[ignore = "fails until you fix crates/labs/src/exercises/gcm_nonce.rs"]
fn gcm_nonce() {
    assert_resists(gcm_nonce::check(gcm_nonce::exercise));
}

#[test]
#[ignore = "fails until you fix crates/labs/src/exercises/crt_fault.rs"]
fn crt_fault() {
    assert_resists(crt_fault::check(crt_fault::exercise));
}

#[test]
#[ignore = "fails until you fix crates/labs/src/exercises/hostname.rs"]
fn hostname() {
    assert_resists(hostname::check(hostname::exercise));
}

#[test]
#[ignore = "fails until you fix crates/labs/src/exercises/downgrade.rs"]
fn downgrade() {
    assert_resists(downgrade::check(downgrade::exercise));
}

#[test]
#[ignore = "fails until you fix crates/labs/src/exercises/invalid_share.rs"]
fn invalid_share() {
    assert_resists(invalid_share::check(invalid_share::exercise));
}

#[test]
#[ignore = "fails until you fix crates/labs/src/exercises/timing.rs"]
fn timing() {
    assert_resists(timing::check(timing::exercise));
}

#[test]
#[ignore = "fails until you fix crates/labs/src/exercises/ecdsa_nonce.rs"]
fn ecdsa_nonce() {
    assert_resists(ecdsa_nonce::check(ecdsa_nonce::exercise));
}
