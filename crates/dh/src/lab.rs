//! Lab switches: the decision of this crate that the labs (`crates/labs`,
//! `padlock lab run invalid-share`) flip to make a key exchange vulnerable
//! on purpose. The code that makes it is the real code, with one line
//! marked `// LAB SWITCH: SkipPeerChecks` where it reads the switch.
//!
//! | switch | where | what it flips |
//! | --- | --- | --- |
//! | [`Switch::SkipPeerChecks`] | `ffdh.rs`, `x25519.rs` | take any peer value: FFDHE Y = 0, 1 or p - 1 and the result Z = 1 (RFC 7919 §5.1), an all-zero X25519 result (RFC 7748 §6.1) |
//!
//! [`Switches::NONE`] is what [`ffdh::PrivateKey::agree`](crate::ffdh::PrivateKey::agree)
//! and [`x25519::PrivateKey::diffie_hellman`](crate::x25519::PrivateKey::diffie_hellman)
//! use; the only constructor of anything else, `Switches::turn_on`, exists
//! only with the cargo feature `lab-switches`, which only `crates/labs`
//! enables (through padlock-tls). padlock-tls's `lab` module says how that
//! is guaranteed and tested. Without the feature this does not compile:
//!
#![cfg_attr(not(feature = "lab-switches"), doc = "```compile_fail")]
#![cfg_attr(feature = "lab-switches", doc = "```")]
//! use padlock_dh::lab::{Switch, Switches};
//! assert!(Switches::NONE.turn_on(Switch::SkipPeerChecks).is_on(Switch::SkipPeerChecks));
//! ```

/// One decision the labs can flip.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Switch {
    /// Skip the checks on the peer's public value and on the result.
    SkipPeerChecks,
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
        self.0 & 1 << (switch as u8) != 0
    }

    /// Whether every switch is off.
    pub fn is_none(self) -> bool {
        self.0 == 0
    }

    /// These switches and `switch` on: for the labs only.
    #[cfg(feature = "lab-switches")]
    pub const fn turn_on(self, switch: Switch) -> Switches {
        Switches(self.0 | 1 << (switch as u8))
    }
}
