//! `padlock lab`: the list, a lab run end to end (its exit status says the
//! lab showed what it should), and `ct-check`, whose exit status says
//! whether it measured a leak.

mod common;

use std::process::Command;
use std::time::Duration;

use common::run_bounded;

fn padlock(args: &[&str]) -> std::process::Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_padlock"));
    command.args(args).env("NO_COLOR", "1");
    run_bounded(command, Duration::from_secs(120))
}

#[test]
fn list_names_every_lab_with_its_switch_and_chapter() {
    let output = padlock(&["lab", "list"]);
    assert!(output.status.success());
    let stdout = String::from_utf8_lossy(&output.stdout);
    for lab in padlock_labs::LABS {
        assert!(stdout.contains(lab.name), "{} missing:\n{stdout}", lab.name);
        assert!(stdout.contains(&format!("docs/labs/{}", lab.chapter)), "{stdout}");
        let chapter =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/labs").join(lab.chapter);
        assert!(chapter.is_file(), "lab {} has no chapter {}", lab.name, chapter.display());
    }
}

#[test]
fn a_lab_runs_and_its_fixed_run_fails_the_attack() {
    for fixed in [false, true] {
        let mut args = vec!["lab", "run", "invalid-share"];
        if fixed {
            args.push("--fixed");
        }
        let output = padlock(&args);
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(output.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
        let verdict = if fixed { "attack failed" } else { "ATTACK SUCCEEDED" };
        assert!(stdout.contains(verdict), "{stdout}");
    }
}

#[test]
fn ct_check_catches_the_leaky_control() {
    let output = padlock(&["lab", "ct-check", "leaky-compare", "--seconds", "1"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("above 10"), "{stdout}");
}

#[test]
fn ct_check_refuses_an_unknown_target() {
    let output = padlock(&["lab", "ct-check", "md5"]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("there are: mac-compare"));
}
