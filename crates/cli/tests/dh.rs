//! `padlock dh`: Alice and Bob reach the same secret in every group; the
//! seed makes a run reproducible; a bad group is a usage error.

use std::process::Command;

fn padlock(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_padlock")).args(args).output().expect("run padlock")
}

/// The hex lines printed under a label.
fn value_after(stdout: &str, label: &str) -> String {
    let mut lines = stdout.lines().skip_while(|l| !l.starts_with(label)).skip(1);
    let mut hex = String::new();
    for line in lines.by_ref() {
        let Some(part) = line.strip_prefix("    ") else { break };
        hex.push_str(part);
    }
    assert!(!hex.is_empty(), "no value under {label:?} in:\n{stdout}");
    hex
}

#[test]
fn both_sides_compute_the_same_secret_in_every_group() {
    for (group, secret_len) in [("x25519", 64), ("ffdhe2048", 512), ("ffdhe3072", 768)] {
        let out = padlock(&["dh", "--group", group]);
        assert!(out.status.success(), "{group}: {}", String::from_utf8_lossy(&out.stderr));
        let stdout = String::from_utf8(out.stdout).expect("UTF-8");
        let alice = value_after(&stdout, "Alice:");
        let bob = value_after(&stdout, "Bob:  ");
        assert_eq!(alice, bob, "{group}");
        assert_eq!(alice.len(), secret_len, "{group}");
        assert_ne!(value_after(&stdout, "Alice's public"), value_after(&stdout, "Bob's public"));
        assert!(stdout.contains("Same secret on both sides: yes."));
    }
}

#[test]
fn a_seed_makes_the_run_reproducible() {
    let first = padlock(&["dh", "--group", "ffdhe2048", "--seed", "7"]).stdout;
    let second = padlock(&["dh", "--group", "ffdhe2048", "--seed", "7"]).stdout;
    let other = padlock(&["dh", "--group", "ffdhe2048", "--seed", "8"]).stdout;
    assert_eq!(first, second);
    assert_ne!(first, other);
}

#[test]
fn an_unknown_group_is_a_usage_error() {
    let out = padlock(&["dh", "--group", "p256"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("p256"));
}
