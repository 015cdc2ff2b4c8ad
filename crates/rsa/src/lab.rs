//! Lab switches: the decisions of this crate that the labs (`crates/labs`,
//! `padlock lab run crt-fault`) flip to make RSA signing vulnerable on
//! purpose. The code is the real code, with one line marked
//! `// LAB SWITCH: <name>` where it reads each switch.
//!
//! | switch | where | what it does |
//! | --- | --- | --- |
//! | [`Switch::CorruptCrtHalf`] | `key.rs` | a stand-in for a hardware glitch: the half of the CRT computed modulo p comes out wrong (the result stays right modulo q) |
//! | [`Switch::SkipFaultCheck`] | `key.rs` | the private operation releases its result without checking `s^e = m` (Boneh, DeMillo, Lipton 1997) |
//!
//! A key carries its switches ([`RsaPrivateKey::lab_switches`](crate::RsaPrivateKey::lab_switches));
//! every key is made with [`Switches::NONE`]. The only constructor of
//! anything else, `Switches::turn_on`, and the setter
//! `RsaPrivateKey::set_lab_switches` exist only with the cargo feature
//! `lab-switches`, which only `crates/labs` enables. padlock-tls's `lab`
//! module says how that is guaranteed and tested. Without the feature this
//! does not compile:
//!
#![cfg_attr(not(feature = "lab-switches"), doc = "```compile_fail")]
#![cfg_attr(feature = "lab-switches", doc = "```")]
//! use padlock_rsa::lab::{Switch, Switches};
//! assert!(Switches::NONE.turn_on(Switch::SkipFaultCheck).is_on(Switch::SkipFaultCheck));
//! ```

/// One decision the labs can flip.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Switch {
    /// Corrupt the CRT half modulo p (a simulated fault, not a bug: with the
    /// fault check on, the corrupted result never leaves).
    CorruptCrtHalf,
    /// Release the result of the private operation without the fault check.
    SkipFaultCheck,
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
