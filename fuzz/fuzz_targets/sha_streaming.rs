//! SHA-256 streaming over fuzzer-chosen split points equals one-shot hashing,
//! on every backend; and HMAC verification of any tag never panics and
//! accepts exactly the right tag.

#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use padlock_sha::hmac::{Hmac, hmac};
use padlock_sha::{Backend, Hash, Sha256};

#[derive(Arbitrary, Debug)]
struct Input {
    data: Vec<u8>,
    /// Where to cut `data` (taken modulo its length).
    splits: Vec<u16>,
    key: Vec<u8>,
    /// A tag to verify: usually wrong, any length.
    tag: Vec<u8>,
}

fuzz_target!(|input: Input| {
    let one_shot = Sha256::digest(&input.data);

    let mut cuts: Vec<usize> = input.splits.iter().map(|&s| s as usize % (input.data.len() + 1)).collect();
    cuts.sort_unstable();
    // Every backend SHA-256 runs on here (`with_backend` is `None` for the others).
    for mut hasher in Backend::available().filter_map(Sha256::with_backend) {
        let backend = hasher.backend();
        let mut start = 0;
        for &cut in &cuts {
            hasher.update(&input.data[start..cut]);
            start = cut;
        }
        hasher.update(&input.data[start..]);
        assert_eq!(hasher.finalize(), one_shot, "streaming on {} differs from one-shot", backend.name());
    }

    let mut mac = Hmac::<Sha256>::new(&input.key);
    mac.update(&input.data);
    let right = hmac::<Sha256>(&input.key, &input.data);
    assert!(mac.clone().verify(&right).is_ok());
    let verdict = mac.clone().verify(&input.tag);
    assert_eq!(verdict.is_ok(), input.tag == right);
    let truncated = mac.verify_truncated(&input.tag);
    let prefix_ok = input.tag.len() >= 10 && input.tag.len() <= 32 && input.tag[..] == right[..input.tag.len()];
    assert_eq!(truncated.is_ok(), prefix_ok);
});
