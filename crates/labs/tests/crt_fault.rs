//! Lab 4: one faulty signature factors n when the fault check is off; with
//! it on, no faulty signature leaves the server.

mod common;

#[test]
fn one_faulty_signature_gives_the_private_key() {
    let (outcome, notes) = common::run("crt-fault", 2, false);
    assert!(outcome.attack_succeeded);
    assert_eq!(outcome.queries, 1);
    assert_eq!(common::recovered(&notes), [("a prime factor of n".to_string(), true)]);
}

#[test]
fn the_fault_check_lets_no_faulty_signature_out() {
    let (outcome, notes) = common::run("crt-fault", 2, true);
    assert!(!outcome.attack_succeeded);
    assert!(common::recovered(&notes).is_empty());
}
