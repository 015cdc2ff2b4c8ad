//! The lab switches are off in every normal build, and only this crate can
//! turn one on (see `padlock_tls::lab` for the whole argument):
//!
//! 1. every configuration and key Padlock makes starts with every switch off;
//! 2. no crate makes the `lab-switches` feature a default;
//! 3. the only code outside `crates/labs` that names `turn_on`,
//!    `set_lab_switches` or the feature is the switches' own definition (the
//!    four `lab.rs` modules, the key setters, the feature lines), and the
//!    only manifest that enables the feature is this crate's;
//! 4. the CLI reaches the labs from `lab.rs` alone, so `padlock server`,
//!    `client`, `demo` and `load` never touch a switch.
//!
//! (The compile-time half, that `Switches::turn_on` does not exist without
//! the feature, is the `compile_fail` doc test in each `lab.rs`, run by
//! `cargo test -p padlock-tls --doc` and its siblings, where the feature is
//! off.)

use std::fs;
use std::path::{Path, PathBuf};

use padlock_ec::p256;
use padlock_tls::lab::Switch;
use padlock_tls::{ClientConfig, ServerConfig};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every .rs and Cargo.toml under `dir`, skipping build output.
fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().to_string();
        if path.is_dir() {
            if !matches!(name.as_str(), "target" | ".git" | "corpus" | "artifacts" | "book") {
                files(&path, out);
            }
        } else if name.ends_with(".rs") || name == "Cargo.toml" {
            out.push(path);
        }
    }
}

#[test]
fn new_configurations_and_keys_have_every_switch_off() {
    let pki = padlock_x509::throwaway::throwaway(
        1024,
        &["localhost"],
        &[],
        padlock_der::Time::new(2025, 1, 1, 0, 0, 0).expect("a date"),
        &mut <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(1),
    )
    .expect("a throw-away PKI");
    let server = ServerConfig::new(vec![pki.leaf.clone()], pki.key.clone());
    let client = ClientConfig::new("localhost", vec![pki.ca.clone()]);
    for switches in [server.switches, client.switches] {
        assert!(switches.is_none());
        assert!(Switch::ALL.iter().all(|&s| !switches.is_on(s)));
    }
    assert!(pki.key.lab_switches().is_none());
    let ec = p256::PrivateKey::generate(&mut <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(2));
    assert!(ec.lab_switches().is_none());
}

#[test]
fn no_crate_turns_the_feature_on_by_default() {
    let mut all = Vec::new();
    files(&workspace(), &mut all);
    for path in all.iter().filter(|p| p.ends_with("Cargo.toml")) {
        let text = fs::read_to_string(path).expect("a readable manifest");
        for line in text.lines() {
            let line = line.trim();
            if line.starts_with("default") && line.contains('=') {
                assert!(!line.contains("lab-switches"), "{}: {line}", path.display());
            }
        }
    }
}

#[test]
fn only_the_labs_crate_names_the_switches_constructors() {
    let root = workspace().canonicalize().expect("the workspace");
    let mut all = Vec::new();
    files(&root, &mut all);
    assert!(all.len() > 100, "the scan found only {} files under {}", all.len(), root.display());
    // Where the switches are defined: anything goes in these files.
    let definitions =
        ["crates/tls/src/lab.rs", "crates/rsa/src/lab.rs", "crates/dh/src/lab.rs", "crates/ec/src/lab.rs"];
    // The key setters: here only their `#[cfg(feature = "lab-switches")]`
    // definitions (and padlock-ec's enum passing the call to its two curves)
    // may appear, and `turn_on` not at all.
    let setters = ["crates/rsa/src/key.rs", "crates/ec/src/key.rs", "crates/ec/src/eckey.rs"];
    let setter_line = |line: &str| {
        line == "#[cfg(feature = \"lab-switches\")]"
            || line.starts_with("pub fn set_lab_switches(&mut self, switches: ")
            || (line.starts_with("EcPrivateKey::P") && line.ends_with("=> key.set_lab_switches(switches),"))
    };
    let mut offenders = Vec::new();
    for path in &all {
        let relative = path.strip_prefix(&root).unwrap_or(path).to_string_lossy().replace('\\', "/");
        if relative.starts_with("crates/labs/") || definitions.contains(&relative.as_str()) {
            continue;
        }
        let in_setters = setters.contains(&relative.as_str());
        let text = fs::read_to_string(path).unwrap_or_default();
        for (number, line) in text.lines().enumerate() {
            let trimmed = line.trim();
            let doc = trimmed.starts_with("//");
            // Named at all, called or not (`.map(Switches::turn_on)` counts).
            let names_constructor = trimmed.contains("turn_on") || trimmed.contains("set_lab_switches");
            let names_feature = trimmed.contains("lab-switches");
            // A crate's own feature line (`lab-switches = [...]`) defines it;
            // a doc comment may mention it.
            let allowed = (doc && !trimmed.contains("turn_on"))
                || (relative.ends_with("Cargo.toml") && trimmed.starts_with("lab-switches ="))
                || (in_setters && !trimmed.contains("turn_on") && setter_line(trimmed));
            if (names_constructor || names_feature) && !allowed {
                offenders.push(format!("{relative}:{}: {trimmed}", number + 1));
            }
        }
    }
    assert!(offenders.is_empty(), "outside crates/labs:\n{}", offenders.join("\n"));
}

#[test]
fn the_cli_reaches_the_labs_from_lab_rs_alone() {
    let mut all = Vec::new();
    files(&workspace().join("crates/cli/src"), &mut all);
    assert!(!all.is_empty());
    for path in all {
        let text = fs::read_to_string(&path).unwrap_or_default();
        if text.contains("padlock_labs") || text.contains("lab::Switch") || text.contains(".switches =") {
            assert!(path.ends_with("lab.rs"), "{} names the labs or a switch", path.display());
        }
    }
}
