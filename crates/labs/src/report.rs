//! What a lab tells as it runs: structured notes, as padlock-tls's trace
//! events are. A lab says *what* happened — a paragraph of explanation, a
//! message on the wire, what leaked, how many oracle queries so far, the
//! secret it recovered beside the true one, the figures at the end — and
//! whoever listens decides how it looks: `padlock lab run` paints it in the
//! demo's style or writes JSON lines; the tests only look at the outcome.

/// Who did something, for the `client ->` tags of the narration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// The honest client (a browser, say).
    Client,
    /// The server (switched to be vulnerable, or the real one with `--fixed`).
    Server,
    /// The attacker: a man in the middle, or a client sending crafted messages.
    Attacker,
}

impl Role {
    /// "client", "server" or "attacker".
    pub fn name(self) -> &'static str {
        match self {
            Role::Client => "client",
            Role::Server => "server",
            Role::Attacker => "attacker",
        }
    }
}

/// One thing a lab tells.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Note {
    /// The start: which lab, against what.
    Start {
        /// The lab's name (`bleichenbacher`).
        lab: &'static str,
        /// Its title.
        title: &'static str,
        /// The seed of the run.
        seed: u64,
        /// Whether the real code runs (`--fixed`) rather than the switched one.
        fixed: bool,
        /// The switch that was turned on (or would be, without `--fixed`).
        switch: &'static str,
    },
    /// A section heading.
    Heading(String),
    /// A paragraph of explanation.
    Explain(String),
    /// A message that crossed the wire.
    Wire {
        /// Who sent it.
        from: Role,
        /// Who got it.
        to: Role,
        /// What it is, in a few words.
        what: String,
        /// Its bytes (the narration shows the first few).
        bytes: Vec<u8>,
    },
    /// A named value (a key, a ciphertext, a count), already worded.
    Value {
        /// What it is.
        label: String,
        /// Its value.
        value: String,
    },
    /// What the attacker learns that it should not: the leak itself.
    Leak(String),
    /// Live progress: how many oracle queries (or measurements) so far.
    Progress {
        /// Queries so far.
        queries: u64,
        /// Where the attack is.
        detail: String,
    },
    /// A secret the attack recovered, beside the true one.
    Recovered {
        /// What it is.
        what: String,
        /// What the attacker found.
        recovered: Vec<u8>,
        /// The truth, which the lab knows and the attacker did not.
        truth: Vec<u8>,
    },
    /// A figure for the summary at the end.
    Figure {
        /// Its name ("oracle queries").
        name: String,
        /// Its value, worded ("12,271").
        value: String,
    },
    /// How it ended.
    Verdict {
        /// Whether the attack got what it wanted.
        attack_succeeded: bool,
        /// One sentence.
        text: String,
    },
}

/// Where a lab sends its notes.
pub struct Report<'a> {
    sink: &'a mut dyn FnMut(&Note),
}

impl<'a> Report<'a> {
    /// Notes go to `sink`.
    pub fn new(sink: &'a mut dyn FnMut(&Note)) -> Report<'a> {
        Report { sink }
    }

    /// Sends a note.
    pub fn note(&mut self, note: Note) {
        (self.sink)(&note);
    }

    /// A heading.
    pub fn heading(&mut self, text: &str) {
        self.note(Note::Heading(text.to_string()));
    }

    /// A paragraph.
    pub fn explain(&mut self, text: impl Into<String>) {
        self.note(Note::Explain(text.into()));
    }

    /// A message on the wire.
    pub fn wire(&mut self, from: Role, to: Role, what: impl Into<String>, bytes: &[u8]) {
        self.note(Note::Wire { from, to, what: what.into(), bytes: bytes.to_vec() });
    }

    /// A named value.
    pub fn value(&mut self, label: impl Into<String>, value: impl Into<String>) {
        self.note(Note::Value { label: label.into(), value: value.into() });
    }

    /// What leaks.
    pub fn leak(&mut self, text: impl Into<String>) {
        self.note(Note::Leak(text.into()));
    }

    /// Progress.
    pub fn progress(&mut self, queries: u64, detail: impl Into<String>) {
        self.note(Note::Progress { queries, detail: detail.into() });
    }

    /// A recovered secret beside the true one.
    pub fn recovered(&mut self, what: impl Into<String>, recovered: &[u8], truth: &[u8]) {
        self.note(Note::Recovered {
            what: what.into(),
            recovered: recovered.to_vec(),
            truth: truth.to_vec(),
        });
    }

    /// A figure for the summary.
    pub fn figure(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.note(Note::Figure { name: name.into(), value: value.into() });
    }

    /// The end.
    pub fn verdict(&mut self, attack_succeeded: bool, text: impl Into<String>) {
        self.note(Note::Verdict { attack_succeeded, text: text.into() });
    }
}

/// `12271` as `"12,271"`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(12271), "12,271");
        assert_eq!(thousands(1234567), "1,234,567");
    }
}
