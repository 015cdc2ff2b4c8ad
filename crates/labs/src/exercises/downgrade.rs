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

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use padlock_tls::lab::{Switch, Switches};
    use padlock_tls::messages::{self, ClientHello, Extensions, HandshakeType, ServerHello, frame};
    use padlock_tls::{CipherSuite, ClientConfig, Connection, Error};

    use super::*;
    use crate::net;

    /// The reference decides as padlock-tls's client does (`check_downgrade`),
    /// and the stub as the client with `IgnoreDowngradeSentinel` does, on
    /// every combination of offered versions and server random tail.
    #[test]
    fn the_reference_is_the_client_and_the_stub_is_the_switched_client() {
        use ProtocolVersion::{Tls12, Tls13};
        assert_eq!(DOWNGRADE_TLS12, messages::DOWNGRADE_TLS12);
        let switched = Switches::NONE.turn_on(Switch::IgnoreDowngradeSentinel);
        let tails = [DOWNGRADE_TLS12, *b"DOWNGRD\x00", *b"DOWNGRD\x02", *b"downgrd\x01", [0x5a; 8]];
        for versions in [&[Tls13, Tls12][..], &[Tls12, Tls13], &[Tls12]] {
            let offered_tls13 = versions.contains(&Tls13);
            for tail in tails {
                let mut random = [0x5a; 32];
                random[24..].copy_from_slice(&tail);
                let case = format!("offering {versions:?}, a random ending in {tail:02x?}");
                let real = real_client(versions, Switches::NONE, random);
                assert_eq!(reference(offered_tls13, &random), real, "{case}");
                assert_eq!(
                    exercise(offered_tls13, &random),
                    real_client(versions, switched, random),
                    "{case}"
                );
            }
            // The sentinel counts only at the end of the random.
            let mut random = [0x5a; 32];
            random[..8].copy_from_slice(&DOWNGRADE_TLS12);
            assert_eq!(real_client(versions, Switches::NONE, random), Ok(()));
            assert_eq!(reference(offered_tls13, &random), Ok(()));
        }
        // Not vacuous: the real client does refuse.
        let mut random = [0x5a; 32];
        random[24..].copy_from_slice(&DOWNGRADE_TLS12);
        assert_eq!(real_client(&[Tls13, Tls12], Switches::NONE, random), Err(Downgrade));
    }

    /// What a real padlock-tls client offering `versions` does with a TLS 1.2
    /// ServerHello whose random is `random`: [`Downgrade`] if it aborts with
    /// `Error::Downgrade`, `Ok` if it goes on (to wait for the Certificate).
    /// The ServerHello is otherwise acceptable, so any other error fails the
    /// test rather than pass for a verdict.
    fn real_client(
        versions: &[ProtocolVersion],
        switches: Switches,
        random: [u8; 32],
    ) -> Result<(), Downgrade> {
        let mut config = ClientConfig::new("localhost", Vec::new());
        config.versions = versions.to_vec();
        config.switches = switches;
        let mut client = Connection::client(Arc::new(config), Box::new(net::rng(6, 0))).expect("a client");
        let record = client.take_outgoing();
        // One record (type, version, length) holding one message (type, length).
        assert_eq!(usize::from(u16::from_be_bytes([record[3], record[4]])), record.len() - 5);
        let hello = ClientHello::decode(&record[9..]).expect("a ClientHello");
        let suite = (hello.cipher_suites.iter().filter_map(|&id| CipherSuite::by_id(id)))
            .find(|suite| !suite.is_tls13())
            .expect("a TLS 1.2 suite");
        let server_hello = ServerHello {
            legacy_version: 0x0303,
            random,
            session_id: hello.session_id,
            cipher_suite: suite.id,
            compression_method: 0,
            extensions: Extensions::default(),
        };
        let message =
            frame(HandshakeType::ServerHello, &server_hello.encode().expect("encodes")).expect("frames");
        let mut answer = vec![22, 3, 3];
        answer.extend_from_slice(&u16::try_from(message.len()).expect("short").to_be_bytes());
        answer.extend_from_slice(&message);
        match client.read_tls(&answer) {
            Ok(()) => {
                assert!(client.is_handshaking(), "a ServerHello cannot finish the handshake");
                Ok(())
            }
            Err(Error::Downgrade) => Err(Downgrade),
            Err(other) => panic!("the client refused the ServerHello for another reason: {other}"),
        }
    }
}
