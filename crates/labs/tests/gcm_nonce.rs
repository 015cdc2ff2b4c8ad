//! Lab 3: the forbidden attack forges a record the client accepts when the
//! server repeats its GCM nonce, and not when it does not.

mod common;

#[test]
fn a_repeated_nonce_gives_the_ghash_key_and_a_forgery() {
    let (outcome, notes) = common::run("gcm-nonce", 2, false);
    assert!(outcome.attack_succeeded);
    assert_eq!(common::recovered(&notes), [("GHASH key H".to_string(), true)]);
}

#[test]
fn distinct_nonces_leave_nothing_to_solve() {
    let (outcome, notes) = common::run("gcm-nonce", 2, true);
    assert!(!outcome.attack_succeeded);
    assert!(common::recovered(&notes).is_empty());
}
