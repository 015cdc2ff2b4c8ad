//! Chain verification (RFC 5280 §6) over fuzzer-built inputs: the leaf, the
//! intermediates and the trust anchors are each either a certificate of a
//! fixed real chain (a CA and a leaf it signed, the seeds of `x509_parse`)
//! or fuzzer bytes read as DER, with a fuzzer-chosen host and time.
//! `verify_chain` never panics, path building stays within its budget, and
//! a path it returns is sound: it starts at the leaf, ends at an anchor, and
//! each certificate's signature verifies with the key of the next.

#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use padlock_der::Time;
use padlock_x509::{
    Certificate, MAX_CANDIDATES, MAX_SIGNATURE_CHECKS, PATH_BUDGET, verify_chain, verify_path_with_budget,
    verify_signature,
};

/// The real chain: a self-signed CA and a leaf for example.org and
/// 127.0.0.1 that it signed, both valid for 100 years from 2026-11-27.
const REAL: [&[u8]; 2] =
    [include_bytes!("../corpus/x509_parse/ca.der"), include_bytes!("../corpus/x509_parse/leaf.der")];

/// One certificate candidate.
#[derive(Arbitrary, Debug)]
enum Candidate {
    /// A certificate of the real chain (index modulo its length).
    Real(u8),
    /// Fuzzer bytes, read as DER (dropped if they do not read).
    Bytes(Vec<u8>),
}

/// What one run verifies.
#[derive(Arbitrary, Debug)]
struct Input {
    leaf: Candidate,
    intermediates: Vec<Candidate>,
    anchors: Vec<Candidate>,
    /// A fixed host (index) or a fuzzer string.
    host: Result<u8, String>,
    /// Seconds after the CA's notBefore (negative: before it).
    at: i32,
}

fuzz_target!(|input: Input| {
    let real: Vec<Certificate> =
        REAL.iter().map(|der| Certificate::from_der(der).expect("the real chain reads")).collect();
    let read = |candidate: &Candidate| match candidate {
        Candidate::Real(i) => Some(real[usize::from(*i) % real.len()].clone()),
        Candidate::Bytes(bytes) => Certificate::from_der(bytes).ok(),
    };
    let Some(leaf) = read(&input.leaf) else { return };
    let intermediates: Vec<Certificate> = input.intermediates.iter().filter_map(read).collect();
    let anchors: Vec<Certificate> = input.anchors.iter().filter_map(read).collect();
    let host = match &input.host {
        Ok(i) => ["example.org", "127.0.0.1", "www.example.org", "::1"][usize::from(*i) % 4].to_string(),
        Err(text) => text.clone(),
    };
    let Ok(now) = Time::from_unix_seconds(real[0].not_before.unix_seconds() + i64::from(input.at)) else {
        return;
    };
    // Path building stays within its budget (issue 14, defect 2).
    let (_, work) = verify_path_with_budget(&leaf, &intermediates, &anchors, now, PATH_BUDGET);
    assert!(work.signature_checks <= MAX_SIGNATURE_CHECKS && work.candidates <= MAX_CANDIDATES, "{work:?}");
    let Ok(path) = verify_chain(&leaf, &intermediates, &anchors, &host, now) else { return };
    assert_eq!(path[0].der(), leaf.der(), "the path starts at the leaf");
    let last = path[path.len() - 1];
    assert!(anchors.iter().any(|a| a.der() == last.der()), "the path ends at an anchor");
    for pair in path.windows(2) {
        verify_signature(pair[0], pair[1]).expect("each link of a returned path verifies");
    }
});
