//! Running a test binary's tests again with the portable backend forced, so
//! that vectors that go through the preferred backend (chosen once per
//! process) also go through the portable one.

use std::process::Command;

/// Runs the named tests of the current test binary again, in a child
/// process with `PADLOCK_BACKEND=portable`, and fails unless exactly those
/// tests ran there and passed. In that child (or when the whole run is
/// already forced) it returns at once.
pub fn rerun_on_portable_backend(tests: &[&str]) {
    if std::env::var_os("PADLOCK_BACKEND").is_some() {
        return; // we are the child, or the whole run is already forced
    }
    let output = Command::new(std::env::current_exe().expect("test binary path"))
        .env("PADLOCK_BACKEND", "portable")
        .arg("--exact")
        .args(tests)
        .arg("--test-threads=1")
        .output()
        .expect("run the test binary again");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "child run failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let passed = format!("{} passed", tests.len());
    assert!(stdout.contains(&passed), "the child ran other tests than expected:\n{stdout}");
}
