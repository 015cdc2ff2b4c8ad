//! Lab 2: Vaudenay's attack decrypts a cookie through the switched
//! service, and gets nowhere with the real one.

mod common;

#[test]
fn the_attack_decrypts_the_cookie_through_the_switched_service() {
    let (outcome, notes) = common::run("padding-oracle", 2, false);
    assert!(outcome.attack_succeeded);
    assert_eq!(common::recovered(&notes), [("cookie plaintext".to_string(), true)]);
    // At most 256 queries per byte (and a few to confirm last bytes).
    assert!(outcome.queries < 256 * 80, "{} queries", outcome.queries);
}

#[test]
fn the_real_service_is_no_oracle() {
    let (outcome, notes) = common::run("padding-oracle", 2, true);
    assert!(!outcome.attack_succeeded);
    assert_eq!(outcome.queries, 2);
    assert!(common::recovered(&notes).is_empty());
}
