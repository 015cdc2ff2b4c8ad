//! Exercise 6 (lab `downgrade`): look for the downgrade sentinel.
//!
//! A client that offered TLS 1.3 and got a TLS 1.2 ServerHello must check
//! that the server random does not end in `DOWNGRD\x01` (RFC 8446 §4.1.3):
//! a TLS 1.3 server writes it there when it negotiates TLS 1.2, which
//! happens only when someone removed TLS 1.3 from the ClientHello.
//! [`exercise`] is the switched client: it does not look. Rewrite it to
//! return [`Downgrade`] when the sentinel is there and the client offered
//! TLS 1.3. [`reference()`] is padlock-tls's `check_downgrade`
//! (crates/tls/src/client/mod.rs).
//!
//! `cargo test -p padlock-labs --test exercises -- --ignored downgrade`
//! gives your function the randoms of real ServerHellos: a downgraded one
//! (through the lab's man in the middle), and honest TLS 1.2 ones.

use padlock_tls::ProtocolVersion;

use super::Verdict;
use crate::downgrade::{self, DOWNGRADE_TLS12};

/// The client refuses: the ServerHello says it was downgraded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Downgrade;

/// The client's check of a TLS 1.2 ServerHello's random. **The vulnerable
/// version: rewrite it.**
pub fn exercise(offered_tls13: bool, server_random: &[u8; 32]) -> Result<(), Downgrade> {
    let _ = (offered_tls13, server_random);
    Ok(())
}

/// The reference solution.
pub fn reference(offered_tls13: bool, server_random: &[u8; 32]) -> Result<(), Downgrade> {
    if offered_tls13 && server_random.last_chunk::<8>() == Some(&DOWNGRADE_TLS12) {
        Err(Downgrade)
    } else {
        Ok(())
    }
}

/// The signature of [`exercise`] and [`reference()`].
pub type CheckServerHello = fn(bool, &[u8; 32]) -> Result<(), Downgrade>;

/// Checks `check_hello` on real server randoms.
pub fn check(check_hello: CheckServerHello) -> Verdict {
    use ProtocolVersion::{Tls12, Tls13};
    let randoms =
        (downgrade::server_random(&[Tls13, Tls12], true, 61), downgrade::server_random(&[Tls12], true, 62));
    let (Ok(downgraded), Ok(tls12_only)) = randoms else {
        return Verdict::Broken(format!("no ServerHello: {randoms:?}"));
    };
    if check_hello(true, &tls12_only).is_err() {
        return Verdict::Broken("an honest TLS 1.2 server is refused".into());
    }
    if check_hello(false, &downgraded).is_err() {
        return Verdict::Broken("a client that offered only TLS 1.2 must not refuse the sentinel".into());
    }
    match check_hello(true, &downgraded) {
        Ok(()) => Verdict::Vulnerable("the downgraded ServerHello passes".into()),
        Err(Downgrade) => Verdict::Resists("the sentinel is caught".into()),
    }
}
