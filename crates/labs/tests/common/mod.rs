//! Running a lab in a test: its outcome and the notes it sent.

use padlock_labs::report::{Note, Report};
use padlock_labs::{Outcome, Params, Scale};

/// Runs lab `name` at test scale with `seed`, against the switch or (with
/// `fixed`) the real code.
pub(crate) fn run(name: &str, seed: u64, fixed: bool) -> (Outcome, Vec<Note>) {
    let lab = padlock_labs::lab(name).unwrap_or_else(|| panic!("no lab {name}"));
    let mut notes = Vec::new();
    let outcome = {
        let mut sink = |note: &Note| notes.push(note.clone());
        let mut report = Report::new(&mut sink);
        lab.run(&Params { seed, fixed, scale: Scale::Test }, &mut report)
    };
    let outcome = outcome.unwrap_or_else(|e| panic!("lab {name} failed to run: {e}"));
    (outcome, notes)
}

/// The recovered secrets the notes show, with whether each matches the truth.
#[allow(dead_code)] // not every lab's test looks at recovered secrets
pub(crate) fn recovered(notes: &[Note]) -> Vec<(String, bool)> {
    notes
        .iter()
        .filter_map(|n| match n {
            Note::Recovered { what, recovered, truth } => Some((what.clone(), recovered == truth)),
            _ => None,
        })
        .collect()
}
