//! Known answers from NIST's ACVP test vectors for FIPS 203 (sources named in
//! each vector file): key generation from seeds, encapsulation with a given
//! message, and decapsulation of valid and modified ciphertexts, so that
//! implicit rejection is exercised. All three parameter sets.

use padlock_mlkem::{
    Ciphertext, DecapsulationKey, EncapsulationKey, MlKem512, MlKem768, MlKem1024, ParameterSet,
};
use padlock_testkit::{Block, hex};

fn read_vectors(path: &str) -> Vec<Block> {
    padlock_testkit::read_vectors(env!("CARGO_MANIFEST_DIR"), path)
}

fn seed(v: &Block, name: &str) -> [u8; 32] {
    v.hex(name).try_into().unwrap_or_else(|_| panic!("{}: {name} is 32 bytes", v.source))
}

/// Runs `check::<P>` for the block's parameter set.
fn for_parameter_set(v: &Block, check: &dyn Fn(&Block, &str)) {
    check(v, v.get("ParameterSet"));
}

fn keygen<P: ParameterSet>(v: &Block) {
    let (dk, ek) = DecapsulationKey::<P>::from_seed(&seed(v, "d"), &seed(v, "z"));
    let expected = v.hex("dk");
    assert_eq!(hex(dk.as_bytes()), hex(&expected), "{} dk", v.source);
    // dk = dk_PKE || ek || H(ek) || z: ek is the second part.
    let ek_range = 384 * P::K..768 * P::K + 32;
    assert_eq!(hex(ek.as_bytes()), hex(&expected[ek_range]), "{} ek", v.source);
    // The key parses back, passing the checks of FIPS 203 §7.2 and §7.3.
    assert!(DecapsulationKey::<P>::from_bytes(&expected).is_ok(), "{}", v.source);
    assert!(EncapsulationKey::<P>::from_bytes(ek.as_bytes()).is_ok(), "{}", v.source);
}

#[test]
fn acvp_keygen() {
    let vectors = read_vectors("ml-kem/acvp-keygen.txt");
    for v in &vectors {
        for_parameter_set(v, &|v, set| match set {
            "ML-KEM-512" => keygen::<MlKem512>(v),
            "ML-KEM-768" => keygen::<MlKem768>(v),
            "ML-KEM-1024" => keygen::<MlKem1024>(v),
            other => panic!("{}: unknown parameter set {other}", v.source),
        });
    }
    assert_eq!(vectors.len(), 6, "512: tcId 1, 2, 3; 768: tcId 26, 27; 1024: tcId 51");
}

/// An encapsulation case: `ek` and `m` in, `c` and `k` out. A case may give
/// the test case's `dk` instead of `ek`: then ek is taken from inside dk, and
/// c is also decapsulated.
fn encapsulation<P: ParameterSet>(v: &Block) {
    let dk = v.opt("dk").map(|_| DecapsulationKey::<P>::from_bytes(&v.hex("dk")).expect("passes §7.3"));
    let ek_bytes = match &dk {
        Some(dk) => dk.encapsulation_key().as_bytes().to_vec(),
        None => v.hex("ek"),
    };
    let ek = EncapsulationKey::<P>::from_bytes(&ek_bytes).expect("ACVP keys pass the modulus check");
    let (c, k) = ek.encapsulate_deterministic(&seed(v, "m"));
    assert_eq!(hex(c.as_bytes()), hex(&v.hex("c")), "{} c", v.source);
    assert_eq!(hex(k.as_bytes()), hex(&v.hex("k")), "{} k", v.source);
    if let Some(dk) = dk {
        assert_eq!(hex(dk.decapsulate(&c).as_bytes()), hex(&v.hex("k")), "{} decapsulation", v.source);
    }
}

#[test]
fn acvp_encapsulation() {
    let vectors = read_vectors("ml-kem/acvp-encapsulation.txt");
    for v in &vectors {
        for_parameter_set(v, &|v, set| match set {
            "ML-KEM-512" => encapsulation::<MlKem512>(v),
            "ML-KEM-768" => encapsulation::<MlKem768>(v),
            "ML-KEM-1024" => encapsulation::<MlKem1024>(v),
            other => panic!("{}: unknown parameter set {other}", v.source),
        });
    }
    assert_eq!(vectors.len(), 4, "512: tcId 1, 2; 768: tcId 26; 1024: tcId 51");
}

/// A decapsulation case: the group's key `dk` and one ciphertext `c`. The
/// file gives dk in the first block of each group and repeats nothing, so
/// a block without dk uses the last one seen.
fn decapsulation<P: ParameterSet>(v: &Block, dk: &[u8]) {
    let dk = DecapsulationKey::<P>::from_bytes(dk).expect("ACVP keys pass the hash check");
    let c = Ciphertext::<P>::from_bytes(&v.hex("c")).expect("ACVP ciphertexts have the right length");
    assert_eq!(hex(dk.decapsulate(&c).as_bytes()), hex(&v.hex("k")), "{} k", v.source);
}

#[test]
fn acvp_decapsulation_with_implicit_rejection() {
    let vectors = read_vectors("ml-kem/acvp-decapsulation.txt");
    let mut dk = Vec::new();
    let mut modified = 0;
    for v in &vectors {
        if v.opt("dk").is_some() {
            dk = v.hex("dk");
        }
        match v.get("Reason") {
            "modify ciphertext" => modified += 1,
            "no modification" => {}
            other => panic!("{}: unexpected reason {other}", v.source),
        }
        match v.get("ParameterSet") {
            "ML-KEM-512" => decapsulation::<MlKem512>(v, &dk),
            "ML-KEM-768" => decapsulation::<MlKem768>(v, &dk),
            "ML-KEM-1024" => decapsulation::<MlKem1024>(v, &dk),
            other => panic!("{}: unknown parameter set {other}", v.source),
        }
    }
    assert_eq!(vectors.len(), 11, "512: 6 cases; 768: 3; 1024: 2");
    assert_eq!(modified, 5, "modified ciphertexts (3, 1, 1) exercise implicit rejection in every set");
}

/// The vectors above run on the preferred backend (AVX2 where the CPU has
/// it). Run them again in a child process with the portable backend forced,
/// so that every vector passes through every backend.
#[test]
fn vectors_on_forced_portable_backend() {
    padlock_testkit::rerun_on_portable_backend(&[
        "acvp_keygen",
        "acvp_encapsulation",
        "acvp_decapsulation_with_implicit_rejection",
        "preferred_backend_honours_env",
    ]);
}

#[test]
fn preferred_backend_honours_env() {
    use padlock_mlkem::Backend;
    if padlock_cpu::portable_forced() {
        assert_eq!(Backend::preferred(), Backend::Portable);
    } else if Backend::Avx2.is_available() {
        assert_eq!(Backend::preferred(), Backend::Avx2);
    } else {
        assert_eq!(Backend::preferred(), Backend::Portable);
    }
    assert_eq!(Backend::available().next(), Some(Backend::Portable));
    assert_eq!(Backend::Avx2.name(), "avx2");
}
