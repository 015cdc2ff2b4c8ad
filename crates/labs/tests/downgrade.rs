//! Lab 6: stripping TLS 1.3 from the ClientHello downgrades the switched
//! client; the real one sees the sentinel and aborts.

mod common;

use padlock_labs::report::Note;

#[test]
fn the_switched_client_is_downgraded_to_tls12() {
    let (outcome, notes) = common::run("downgrade", 2, false);
    assert!(outcome.attack_succeeded);
    // It went on in TLS 1.2, and the Finished then caught the changed hello.
    let went_on = notes.iter().any(|n| matches!(n, Note::Value { label, value } if label == "it went on in" && value.starts_with("TLS 1.2")));
    assert!(went_on, "{notes:?}");
}

#[test]
fn the_real_client_sees_the_sentinel() {
    let (outcome, notes) = common::run("downgrade", 2, true);
    assert!(!outcome.attack_succeeded);
    let aborted = notes.iter().any(|n| matches!(n, Note::Value { label, value } if label == "it went on in" && value.starts_with("nothing")));
    assert!(aborted, "{notes:?}");
}
