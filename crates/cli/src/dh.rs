//! `padlock dh`: a Diffie-Hellman exchange played by Alice and Bob, with
//! every value printed, the way the article describes the key exchange.
//!
//! Each side picks a private value and publishes `g^private` (in X25519, a
//! point on Curve25519; in ffdhe2048, a number modulo a 2048-bit prime). Each
//! then combines its own private value with the other's public one, and both
//! arrive at the same secret — which never crossed the wire.

use std::io::Write;
use std::process::ExitCode;

use padlock_dh::{ffdh, groups, x25519};
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand_core::Rng;

use crate::report;

/// Arguments of `padlock dh`.
#[derive(clap::Args)]
pub(crate) struct Args {
    /// The group: X25519 (RFC 7748), or a finite-field group of RFC 7919.
    #[arg(long, value_enum, default_value_t = Group::X25519)]
    group: Group,

    /// Make the run reproducible: draw the private values from a generator
    /// seeded with N instead of the operating system (never for real keys).
    #[arg(long, value_name = "N")]
    seed: Option<u64>,
}

/// The groups `--group` offers.
#[derive(Clone, Copy, clap::ValueEnum)]
enum Group {
    /// Curve25519's Montgomery form: 32-byte keys.
    X25519,
    /// RFC 7919's 2048-bit safe prime, generator 2.
    Ffdhe2048,
    /// RFC 7919's 3072-bit safe prime, generator 2.
    Ffdhe3072,
}

/// Runs `padlock dh`.
pub(crate) fn run(args: &Args) -> ExitCode {
    let mut rng: Box<dyn Rng> = match args.seed {
        Some(seed) => Box::new(StdRng::seed_from_u64(seed)),
        None => Box::new(rand::rng()),
    };
    let mut out = String::new();
    let result = match args.group {
        Group::X25519 => exchange_x25519(&mut out, &mut *rng),
        Group::Ffdhe2048 => exchange_ffdh(&mut out, &groups::FFDHE2048, &mut *rng),
        Group::Ffdhe3072 => exchange_ffdh(&mut out, &groups::FFDHE3072, &mut *rng),
    };
    // A closed pipe (`padlock dh | head`) is not worth a message.
    if let Err(error) = std::io::stdout().write_all(out.as_bytes())
        && error.kind() != std::io::ErrorKind::BrokenPipe
    {
        report::error(format_args!("write error: {}", report::os_message(&error)));
        return ExitCode::FAILURE;
    }
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            report::error(format_args!("{message}"));
            ExitCode::FAILURE
        }
    }
}

/// X25519 (RFC 7748 §6.1): private keys are 32 random bytes; public keys are
/// X25519(private, 9), the u-coordinate of private · base point.
fn exchange_x25519(out: &mut String, rng: &mut dyn Rng) -> Result<(), String> {
    line(out, format_args!("Diffie-Hellman on X25519 (RFC 7748): 32-byte keys on Curve25519\n"));
    let (mut a, mut b) = ([0u8; 32], [0u8; 32]);
    rng.fill_bytes(&mut a);
    rng.fill_bytes(&mut b);
    let (alice, bob) = (x25519::PrivateKey::from_bytes(a), x25519::PrivateKey::from_bytes(b));
    let (alice_public, bob_public) = (alice.public_key(), bob.public_key());
    show(out, "Alice's private key (never sent)", &a);
    show(out, "Alice's public key  (sent to Bob)", alice_public.as_bytes());
    show(out, "Bob's private key   (never sent)", &b);
    show(out, "Bob's public key    (sent to Alice)", bob_public.as_bytes());
    let from_alice = alice.diffie_hellman(&bob_public).map_err(|e| e.to_string())?;
    let from_bob = bob.diffie_hellman(&alice_public).map_err(|e| e.to_string())?;
    line(out, format_args!(""));
    show(out, "Alice: X25519(her private key, Bob's public key)", from_alice.as_bytes());
    show(out, "Bob:   X25519(his private key, Alice's public key)", from_bob.as_bytes());
    conclude(out, from_alice.as_bytes() == from_bob.as_bytes())
}

/// Finite-field DH (RFC 7919): private exponents of 2x the group's strength,
/// public values `2^x mod p`, the secret `Y^x mod p`.
fn exchange_ffdh(out: &mut String, group: &groups::Group, rng: &mut dyn Rng) -> Result<(), String> {
    let bits = ffdh::exponent_bits(group);
    line(
        out,
        format_args!(
            "Diffie-Hellman modulo the {}-bit prime {} (RFC 7919), generator {}",
            8 * group.p.len(),
            group.name,
            group.g
        ),
    );
    line(
        out,
        format_args!(
            "Private exponents have {bits} bits: twice the group's security strength (RFC 7919 §5.2)\n"
        ),
    );
    let mut exponent = || {
        let mut x = vec![0u8; bits.div_ceil(8)];
        rng.fill_bytes(&mut x);
        x[0] &= 0xff >> (8 * x.len() - bits);
        x
    };
    let (a, b) = (exponent(), exponent());
    let alice = ffdh::PrivateKey::from_bytes(group, &a).map_err(|e| e.to_string())?;
    let bob = ffdh::PrivateKey::from_bytes(group, &b).map_err(|e| e.to_string())?;
    let (alice_public, bob_public) = (alice.public_key(), bob.public_key());
    show(out, "Alice's private exponent a (never sent)", &a);
    show(out, "Alice's public value 2^a mod p (sent to Bob)", alice_public.as_bytes());
    show(out, "Bob's private exponent b (never sent)", &b);
    show(out, "Bob's public value 2^b mod p (sent to Alice)", bob_public.as_bytes());
    let from_alice = alice.agree(&bob_public).map_err(|e| e.to_string())?;
    let from_bob = bob.agree(&alice_public).map_err(|e| e.to_string())?;
    line(out, format_args!(""));
    show(out, "Alice: (2^b)^a mod p", from_alice.tls13_bytes());
    show(out, "Bob:   (2^a)^b mod p", from_bob.tls13_bytes());
    conclude(out, from_alice.tls13_bytes() == from_bob.tls13_bytes())
}

/// Appends one line of text.
fn line(out: &mut String, text: std::fmt::Arguments<'_>) {
    out.push_str(&text.to_string());
    out.push('\n');
}

/// Appends a labelled value in hex, 32 bytes to a line.
fn show(out: &mut String, label: &str, bytes: &[u8]) {
    line(out, format_args!("{label}:"));
    for chunk in bytes.chunks(32) {
        let hex: String = chunk.iter().map(|b| format!("{b:02x}")).collect();
        line(out, format_args!("    {hex}"));
    }
}

/// The last lines: whether both sides got the same secret.
fn conclude(out: &mut String, same: bool) -> Result<(), String> {
    if !same {
        return Err("the two sides computed different secrets".to_string());
    }
    line(out, format_args!("\nSame secret on both sides: yes."));
    line(out, format_args!("An eavesdropper saw only the two public values; getting the secret from them"));
    line(out, format_args!("is the Diffie-Hellman problem, believed infeasible for these groups."));
    Ok(())
}
