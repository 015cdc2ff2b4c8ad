//! Lab switches: the decision of this crate that the labs (`crates/labs`,
//! `padlock lab run ecdsa-nonce`) flip to make ECDSA signing vulnerable on
//! purpose. The code is the real code, with one line marked
//! `// LAB SWITCH: RepeatNonce` where it reads the switch.
//!
//! | switch | where | what it flips |
//! | --- | --- | --- |
//! | [`Switch::RepeatNonce`] | `ecdsa.rs` | RFC 6979's nonce is derived from the key alone, without the message: every signature uses the same k (the PlayStation 3's mistake, 2010) |
//!
//! A key carries its switches ([`PrivateKey::lab_switches`](crate::PrivateKey::lab_switches));
//! every key is made with [`Switches::NONE`]. The only constructor of
//! anything else, `Switches::turn_on`, and the setters
//! `PrivateKey::set_lab_switches` and `EcPrivateKey::set_lab_switches`
//! exist only with the cargo feature `lab-switches`, which only
//! `crates/labs` enables (through padlock-tls). padlock-tls's `lab` module
//! says how that is guaranteed and tested. Without the feature this does
//! not compile:
//!
#![cfg_attr(not(feature = "lab-switches"), doc = "```compile_fail")]
#![cfg_attr(feature = "lab-switches", doc = "```")]
//! use padlock_ec::lab::{Switch, Switches};
//! assert!(Switches::NONE.turn_on(Switch::RepeatNonce).is_on(Switch::RepeatNonce));
//! ```

/// One decision the labs can flip.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Switch {
    /// Derive the ECDSA nonce from the private key only, so that it repeats.
    RepeatNonce,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_have_every_switch_off() {
        for switches in [Switches::NONE, Switches::default()] {
            assert!(switches.is_none());
            assert!(!switches.is_on(Switch::RepeatNonce));
        }
    }
}
