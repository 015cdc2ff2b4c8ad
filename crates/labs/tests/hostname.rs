//! Lab 5: without the name check the client sends its login to a man in
//! the middle holding a valid certificate for another name; the real client
//! refuses.

mod common;

#[test]
fn the_switched_client_sends_its_password_to_the_attacker() {
    let (outcome, notes) = common::run("hostname", 2, false);
    assert!(outcome.attack_succeeded);
    assert_eq!(common::recovered(&notes), [("password".to_string(), true)]);
}

#[test]
fn the_real_client_refuses_the_wrong_name() {
    let (outcome, notes) = common::run("hostname", 2, true);
    assert!(!outcome.attack_succeeded);
    assert!(common::recovered(&notes).is_empty());
}
