//! Padlock's P-256 against RustCrypto's `p256` crate (a test oracle, in this
//! fuzz crate only): ECDH with a fuzzer-chosen private key and peer point
//! (valid points, and the fuzzer's own bytes) gives the same shared secret
//! or the same refusal; ECDSA verification of fuzzer-chosen signatures
//! (raw, and mutations of a valid one) gives the same verdict; and our
//! signatures are RustCrypto's (RFC 6979 is deterministic).

#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use p256::ecdsa::signature::{Signer as _, Verifier as _};
use padlock_sha::Sha256;

#[derive(Arbitrary, Debug)]
struct Input {
    d: [u8; 32],
    peer_d: [u8; 32],
    peer_bytes: Vec<u8>,
    message: Vec<u8>,
    signature: [u8; 64],
    flip_at: u8,
    flip_mask: u8,
}

fuzz_target!(|input: Input| {
    let (Ok(ours), Ok(theirs)) =
        (padlock_ec::p256::PrivateKey::from_bytes(&input.d), p256::SecretKey::from_slice(&input.d))
    else {
        // Both refuse the same keys: zero and >= n.
        assert!(padlock_ec::p256::PrivateKey::from_bytes(&input.d).is_err());
        assert!(p256::SecretKey::from_slice(&input.d).is_err());
        return;
    };
    assert_eq!(&ours.public_key().to_sec1_uncompressed()[..], &theirs.public_key().to_sec1_bytes()[..]);

    // ECDH with a valid peer (from peer_d) and with the fuzzer's bytes.
    let mut peers = vec![input.peer_bytes.clone()];
    if let Ok(peer) = padlock_ec::p256::PrivateKey::from_bytes(&input.peer_d) {
        peers.push(peer.public_key().to_sec1_uncompressed());
        peers.push(peer.public_key().to_sec1_compressed());
    }
    for peer in &peers {
        let our_secret = padlock_ec::p256::PublicKey::from_sec1(peer).and_then(|q| ours.diffie_hellman(&q));
        let their_secret = p256::PublicKey::from_sec1_bytes(peer)
            .map(|q| p256::ecdh::diffie_hellman(theirs.to_nonzero_scalar(), q.as_affine()));
        match (our_secret, their_secret) {
            (Ok(a), Ok(b)) => assert_eq!(a.as_bytes(), &b.raw_secret_bytes()[..]),
            (Err(_), Err(_)) => {}
            (a, b) => panic!("disagree on {peer:02x?}: ours ok = {}, theirs ok = {}", a.is_ok(), b.is_ok()),
        }
    }

    // ECDSA: the same deterministic signature; then verdicts on a mutated
    // valid signature and on the fuzzer's raw bytes.
    let signing = p256::ecdsa::SigningKey::from_slice(&input.d).expect("valid");
    let their_signature: p256::ecdsa::Signature = signing.sign(&input.message);
    let our_signature = ours.sign::<Sha256>(&input.message);
    assert_eq!(&our_signature.to_raw()[..], &their_signature.to_bytes()[..]);
    let mut mutated = our_signature.to_raw();
    mutated[usize::from(input.flip_at) % 64] ^= input.flip_mask;
    for raw in [mutated.as_slice(), &input.signature] {
        let our_verdict = padlock_ec::p256::Signature::from_raw(raw)
            .is_ok_and(|s| ours.public_key().verify::<Sha256>(&input.message, &s).is_ok());
        let their_verdict = p256::ecdsa::Signature::from_slice(raw)
            .is_ok_and(|s| signing.verifying_key().verify(&input.message, &s).is_ok());
        assert_eq!(our_verdict, their_verdict, "verdicts differ on {raw:02x?}");
    }
});
