//! Lab 1: Bleichenbacher's attack decrypts a recorded session through the
//! switched server, and gets nowhere with the real one.

mod common;

/// Seed 6 makes a key and session the attack recovers in 8,714 queries
/// (the lab's default, seed 2, takes 11,308).
#[test]
fn the_attack_decrypts_a_recorded_session_through_the_switched_server() {
    let (outcome, notes) = common::run("bleichenbacher", 6, false);
    assert!(outcome.attack_succeeded);
    assert_eq!(outcome.queries, 8714);
    assert_eq!(common::recovered(&notes), [("premaster secret".to_string(), true)]);
}

#[test]
fn the_real_server_is_no_oracle() {
    let (outcome, notes) = common::run("bleichenbacher", 6, true);
    assert!(!outcome.attack_succeeded);
    // The calibration's three probes get the same answer: the attack never starts.
    assert_eq!(outcome.queries, 3);
    assert!(common::recovered(&notes).is_empty());
}
