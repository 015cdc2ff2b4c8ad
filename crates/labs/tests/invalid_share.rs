//! Lab 8: a client with no private key completes TLS 1.3 handshakes with
//! the switched server by sending shares that fix the secret; the real
//! server refuses them with illegal_parameter.

mod common;

use padlock_labs::invalid_share::ORDER_8_POINT;
use padlock_labs::report::Note;

#[test]
fn the_switched_server_derives_secrets_the_attacker_predicted() {
    let (outcome, notes) = common::run("invalid-share", 2, false);
    assert!(outcome.attack_succeeded);
    let secret = ("the server's shared secret".to_string(), true);
    assert_eq!(common::recovered(&notes), [secret.clone(), secret.clone(), secret]);
}

/// Y = p - 1 gives 1 or p - 1, by the parity of the server's exponent: over
/// a few seeds both turn up, and the attacker finds each.
#[test]
fn p_minus_1_is_found_whatever_the_parity() {
    let mut seen = Vec::new();
    for seed in 3..9 {
        let (outcome, notes) = common::run("invalid-share", seed, false);
        assert!(outcome.attack_succeeded, "seed {seed}");
        let last = notes.iter().rev().find_map(|n| match n {
            Note::Recovered { recovered, truth, .. } => Some((recovered.clone(), truth.clone())),
            _ => None,
        });
        let (recovered, truth) = last.expect("a recovered secret");
        assert_eq!(recovered, truth, "seed {seed}");
        seen.push(truth[255] == 1);
    }
    assert!(seen.contains(&true) && seen.contains(&false), "one parity only: {seen:?}");
}

#[test]
fn the_real_server_refuses_every_share_with_illegal_parameter() {
    let (outcome, notes) = common::run("invalid-share", 2, true);
    assert!(!outcome.attack_succeeded);
    assert!(common::recovered(&notes).is_empty());
    let refusals: Vec<&str> = notes
        .iter()
        .filter_map(|n| match n {
            Note::Value { label, value } if label == "the server" => Some(value.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(refusals, ["refused: alert illegal_parameter"; 3]);
}

/// The point really has small order: X25519 of any scalar with it is zero.
#[test]
fn the_order_8_point_sends_every_scalar_to_zero() {
    for seed in 0..8u8 {
        assert_eq!(padlock_dh::x25519::x25519(&[seed.wrapping_mul(37); 32], &ORDER_8_POINT), [0; 32]);
    }
}
