//! The KyberSlash lesson (Bernstein et al., 2024): reference ML-KEM code
//! divided secret coefficients by q = 3329 with `/`, which some compilers
//! turned into a `div` instruction whose time depends on its operands, and
//! the timing leaked the key. Padlock's code has no such division by
//! construction (Barrett-style multiply-and-shift in `field.rs` and
//! `poly.rs`); this test checks the machine code itself: it disassembles
//! this test binary, whose ML-KEM functions are compiled as in any build of
//! the crate (optimised, `[profile.test.package.padlock-mlkem]`), and fails
//! if any function of padlock-mlkem — or this test's own functions, into
//! which the compiler may have inlined them — contains an integer division.

use std::process::Command;

use padlock_mlkem::{DecapsulationKey, MlKem512, MlKem768, MlKem1024, ParameterSet};

/// Key generation, encapsulation and decapsulation (also of a modified
/// ciphertext, the implicit-rejection path) for one parameter set, so that
/// their code is in this binary.
fn exercise<P: ParameterSet>() {
    let (dk, ek) = DecapsulationKey::<P>::from_seed(&[1; 32], &[2; 32]);
    let (ciphertext, shared) = ek.encapsulate_deterministic(&[3; 32]);
    assert_eq!(dk.decapsulate(&ciphertext).as_bytes(), shared.as_bytes());
    let mut modified = ciphertext.as_bytes().to_vec();
    modified[0] ^= 1;
    let modified = padlock_mlkem::Ciphertext::<P>::from_bytes(&modified).expect("a ciphertext's length");
    assert_ne!(dk.decapsulate(&modified).as_bytes(), shared.as_bytes());
}

/// Integer division mnemonics, as `objdump -M intel` (x86) and AArch64 print them.
const DIVISIONS: &[&str] = &["div", "idiv", "udiv", "sdiv"];

#[test]
fn no_integer_division_in_the_compiled_ml_kem_code() {
    exercise::<MlKem512>();
    exercise::<MlKem768>();
    exercise::<MlKem1024>();

    let exe = std::env::current_exe().expect("the test binary's path");
    let mut command = Command::new("objdump");
    command.args(["-d", "-C", "--no-show-raw-insn", "-M", "intel"]).arg(&exe);
    let output = padlock_testkit::run_ok(&mut command);
    let listing = String::from_utf8_lossy(&output.stdout);

    // A function starts with "0000000000012340 <name>:"; its instructions
    // are "   12345:\tmnemonic operands".
    let mut function = String::new();
    let (mut checked, mut offenders) = (0, Vec::new());
    for line in listing.lines() {
        if let Some(name) = line.strip_suffix(">:").and_then(|l| l.split_once(" <")).map(|(_, n)| n) {
            function = name.to_string();
            if ours(&function) {
                checked += 1;
            }
            continue;
        }
        if !ours(&function) {
            continue;
        }
        let Some((_, instruction)) = line.split_once(":\t") else { continue };
        let mnemonic = instruction.split_whitespace().next().unwrap_or("");
        if DIVISIONS.contains(&mnemonic) {
            offenders.push(format!("{function}: {}", instruction.trim()));
        }
    }
    assert!(checked > 20, "only {checked} padlock-mlkem functions found in {}", exe.display());
    assert!(offenders.is_empty(), "integer division in ML-KEM code:\n{}", offenders.join("\n"));
}

/// Whether a function is padlock-mlkem's or this test's.
fn ours(function: &str) -> bool {
    function.contains("padlock_mlkem") || function.contains("no_division")
}
