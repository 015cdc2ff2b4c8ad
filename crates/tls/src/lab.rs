//! Lab switches: the decisions of this crate that the labs (`crates/labs`,
//! `padlock lab`) flip to make Padlock vulnerable on purpose, so that a
//! student can watch a famous attack work and then see the real code stop it.
//!
//! Each [`Switch`] names one decision. The code that makes it is the real,
//! shipped code; where it reads its switch there is one line marked
//! `// LAB SWITCH: <name>`, at the vulnerable line, so that
//! `grep -rn "LAB SWITCH" crates/` finds every one:
//!
//! | switch | where | what it flips |
//! | --- | --- | --- |
//! | [`Switch::RsaPaddingOracle`] | `server/tls12.rs` | a bad PKCS#1 v1.5 padding in the ClientKeyExchange gets its own alert (Bleichenbacher, ROBOT) |
//! | [`Switch::RepeatGcmNonce`] | `record/protection.rs` | TLS 1.2 AES-GCM records all carry explicit nonce 0 (the forbidden attack) |
//! | [`Switch::SkipHostnameCheck`] | `certs.rs` | the client accepts a valid certificate for any name |
//! | [`Switch::IgnoreDowngradeSentinel`] | `client/mod.rs` | the client does not look for RFC 8446 §4.1.3's sentinel |
//! | [`Switch::SkipKeyShareChecks`] | `kx.rs` (via padlock-dh) | the server accepts FFDHE shares 0, 1, p - 1 and low-order X25519 points |
//!
//! # Why a normal server or client cannot turn one on
//!
//! - **Off by default, always.** [`ServerConfig::new`](crate::ServerConfig::new)
//!   and [`ClientConfig::new`](crate::ClientConfig::new), the only
//!   constructors, set [`Switches::NONE`]; so does `Default`.
//! - **The constructor exists only in the lab build.** The one function that
//!   turns a switch on, `Switches::turn_on`, is compiled only with the
//!   cargo feature `lab-switches`, which is off by default and which only
//!   `crates/labs` enables. Built on its own (`cargo build -p padlock-tls`),
//!   this crate cannot make a vulnerable value at all: the doc test below
//!   fails to compile there. (In a workspace build cargo unifies features, so
//!   the `padlock` binary, which contains `padlock lab`, has the function.)
//! - **Nothing else calls it.** `padlock server`, `client` and `demo` build
//!   their configurations with `new` and never name these types; a test in
//!   `crates/labs/tests/switches_off.rs` scans every source file of the
//!   workspace and fails if `turn_on` or the `lab-switches` feature appears
//!   anywhere but in `crates/labs` and the four lab modules that define
//!   them (this one, padlock-rsa's, padlock-dh's and padlock-ec's) with the
//!   key setters beside them; it also checks that new configurations and
//!   keys have every switch off, that no crate makes the feature a default,
//!   and that the CLI names the labs in `lab.rs` only.
//!
//! Without the feature, turning a switch on does not compile:
//!
#![cfg_attr(not(feature = "lab-switches"), doc = "```compile_fail")]
#![cfg_attr(feature = "lab-switches", doc = "```")]
//! use padlock_tls::lab::{Switch, Switches};
//! let vulnerable = Switches::NONE.turn_on(Switch::RsaPaddingOracle);
//! assert!(vulnerable.is_on(Switch::RsaPaddingOracle));
//! ```

/// One decision the labs can flip.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Switch {
    /// TLS 1.2 server, RSA key transport: a ClientKeyExchange whose PKCS#1
    /// v1.5 padding is wrong is answered with `decrypt_error` at once,
    /// instead of going on with a random premaster secret (RFC 5246
    /// §7.4.7.1), which later fails as `bad_record_mac`.
    RsaPaddingOracle,
    /// TLS 1.2 AES-GCM record layer: every record sealed is given explicit
    /// nonce 0 instead of its sequence number (RFC 5288 §3).
    RepeatGcmNonce,
    /// Client: check the certificate chain but not that it names the host
    /// (RFC 6125).
    SkipHostnameCheck,
    /// Client: accept a TLS 1.2 ServerHello whose random ends in the
    /// downgrade sentinel (RFC 8446 §4.1.3).
    IgnoreDowngradeSentinel,
    /// Server: skip the peer-value checks on key shares — FFDHE `1 < Y <
    /// p - 1` and `Z != 1` (RFC 7919 §5.1), X25519's all-zero result (RFC
    /// 7748 §6.1, RFC 8446 §7.4.2).
    SkipKeyShareChecks,
}

impl Switch {
    /// Every switch.
    pub const ALL: [Switch; 5] = [
        Switch::RsaPaddingOracle,
        Switch::RepeatGcmNonce,
        Switch::SkipHostnameCheck,
        Switch::IgnoreDowngradeSentinel,
        Switch::SkipKeyShareChecks,
    ];

    /// The name in `// LAB SWITCH:` comments, such as `"RsaPaddingOracle"`.
    pub fn name(self) -> &'static str {
        match self {
            Switch::RsaPaddingOracle => "RsaPaddingOracle",
            Switch::RepeatGcmNonce => "RepeatGcmNonce",
            Switch::SkipHostnameCheck => "SkipHostnameCheck",
            Switch::IgnoreDowngradeSentinel => "IgnoreDowngradeSentinel",
            Switch::SkipKeyShareChecks => "SkipKeyShareChecks",
        }
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

/// Which switches are on: none, unless made with `Switches::turn_on`
/// (feature `lab-switches` only).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Switches(u8);

impl Switches {
    /// Every switch off: the real code.
    pub const NONE: Switches = Switches(0);

    /// Whether `switch` is on.
    pub fn is_on(self, switch: Switch) -> bool {
        self.0 & switch.bit() != 0
    }

    /// Whether every switch is off.
    pub fn is_none(self) -> bool {
        self.0 == 0
    }

    /// These switches and `switch` on: a vulnerable configuration, for the
    /// labs only (see the module documentation).
    #[cfg(feature = "lab-switches")]
    pub const fn turn_on(self, switch: Switch) -> Switches {
        Switches(self.0 | 1 << (switch as u8))
    }

    /// The padlock-dh switches these imply.
    pub(crate) fn dh(self) -> padlock_dh::lab::Switches {
        #[cfg(feature = "lab-switches")]
        if self.is_on(Switch::SkipKeyShareChecks) {
            return padlock_dh::lab::Switches::NONE.turn_on(padlock_dh::lab::Switch::SkipPeerChecks);
        }
        padlock_dh::lab::Switches::NONE
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_have_every_switch_off() {
        for switches in [Switches::NONE, Switches::default()] {
            assert!(switches.is_none());
            assert!(Switch::ALL.iter().all(|&s| !switches.is_on(s)));
            assert!(switches.dh().is_none());
        }
    }

    #[test]
    #[cfg(feature = "lab-switches")]
    fn each_switch_turns_on_alone() {
        for switch in Switch::ALL {
            let on = Switches::NONE.turn_on(switch);
            assert!(!on.is_none());
            for other in Switch::ALL {
                assert_eq!(on.is_on(other), other == switch, "{} with {}", switch.name(), other.name());
            }
        }
    }
}
