//! Known-answer tests from RFC 8439, through every backend: the quarter round
//! (§2.1.1, §2.2.1), the block function (§2.3.2, A.1), the stream cipher
//! (§2.4.2, A.2), Poly1305 (§2.5.2, A.3 with its edge cases), its key
//! generation (§2.6.2, A.4) and the AEAD (§2.8.2, A.5).

use padlock_chacha::chacha20::{self, Key};
use padlock_chacha::poly1305::{self, Poly1305};
use padlock_chacha::{Aead, Backend, ChaCha20, ChaCha20Poly1305};
use padlock_testkit::{Block, hex};

fn read_vectors(path: &str) -> Vec<Block> {
    padlock_testkit::read_vectors(env!("CARGO_MANIFEST_DIR"), path)
}

fn array<const N: usize>(v: &Block, name: &str) -> [u8; N] {
    v.hex(name).try_into().unwrap_or_else(|_| panic!("{}: {name} is not {N} bytes", v.source))
}

fn counter(v: &Block) -> u32 {
    u32::try_from(v.number("Counter")).unwrap_or_else(|_| panic!("{}: the counter is 32 bits", v.source))
}

fn words(v: &Block, name: &str) -> Vec<u32> {
    let parse = |w: &str| u32::from_str_radix(w, 16).unwrap_or_else(|_| panic!("{}: {name}: {w}", v.source));
    v.get(name).split_whitespace().map(parse).collect()
}

/// Runs `check` for every vector of `path` on every backend this CPU has, and
/// returns how many (vector, backend) pairs ran.
fn on_every_backend(path: &str, check: impl Fn(&Block, Backend)) -> usize {
    let vectors = read_vectors(path);
    let mut runs = 0;
    for v in &vectors {
        for backend in Backend::available() {
            check(v, backend);
            runs += 1;
        }
    }
    runs
}

fn backends_here() -> usize {
    Backend::available().count()
}

#[test]
fn quarter_round_sections_2_1_1_and_2_2_1() {
    let vectors = read_vectors("chacha20/quarter-round.txt");
    let mut checked = 0;
    for v in &vectors {
        if v.opt("State").is_some() {
            let mut state: [u32; 16] = words(v, "State").try_into().expect("16 words");
            let [x, y, z, w] =
                v.get("Indices").split(' ').map(|i| i.parse().expect("index")).collect::<Vec<usize>>()[..]
            else {
                panic!("{}: four indices", v.source)
            };
            chacha20::quarter_round_on_state(&mut state, x, y, z, w);
            assert_eq!(state.to_vec(), words(v, "Result"), "{}", v.source);
        } else {
            let input = ["A", "B", "C", "D"].map(|n| words(v, n)[0]);
            let expected = ["OutA", "OutB", "OutC", "OutD"].map(|n| words(v, n)[0]);
            assert_eq!(
                chacha20::quarter_round(input[0], input[1], input[2], input[3]),
                expected,
                "{}",
                v.source
            );
        }
        checked += 1;
    }
    assert_eq!(checked, 2);
}

#[test]
fn block_function_section_2_3_2_and_appendix_a_1() {
    let vectors = read_vectors("chacha20/block.txt");
    for v in &vectors {
        let key = Key::new(&array(v, "Key"));
        let got = chacha20::block(&key, counter(v), &array(v, "Nonce"));
        assert_eq!(hex(&got), hex(&v.hex("Keystream")), "{}", v.source);
    }
    assert_eq!(vectors.len(), 6, "§2.3.2 and A.1 #1-#5");
}

/// Each block vector also as keystream: encrypting zeros gives the block,
/// on every backend.
#[test]
fn block_function_as_keystream_on_every_backend() {
    let runs = on_every_backend("chacha20/block.txt", |v, backend| {
        let mut cipher = ChaCha20::with_backend(&array(v, "Key"), &array(v, "Nonce"), counter(v), backend)
            .expect("available");
        let mut data = [0u8; 64];
        cipher.apply_keystream(&mut data).expect("within the counter");
        assert_eq!(hex(&data), hex(&v.hex("Keystream")), "{} on {}", v.source, backend.name());
    });
    assert_eq!(runs, 6 * backends_here());
}

#[test]
fn encryption_section_2_4_2_and_appendix_a_2() {
    let runs = on_every_backend("chacha20/encrypt.txt", |v, backend| {
        let (key, nonce, counter) = (array(v, "Key"), array(v, "Nonce"), counter(v));
        let (plaintext, ciphertext) = (v.hex("Plaintext"), v.hex("Ciphertext"));
        let mut data = plaintext.clone();
        let mut cipher = ChaCha20::with_backend(&key, &nonce, counter, backend).expect("available");
        cipher.apply_keystream(&mut data).expect("within the counter");
        assert_eq!(hex(&data), hex(&ciphertext), "{} on {}", v.source, backend.name());
        // And back, one byte at a time through the streaming interface.
        let mut cipher = ChaCha20::with_backend(&key, &nonce, counter, backend).expect("available");
        for byte in data.chunks_mut(1) {
            cipher.apply_keystream(byte).expect("within the counter");
        }
        assert_eq!(hex(&data), hex(&plaintext), "{} byte by byte on {}", v.source, backend.name());
    });
    assert_eq!(runs, 4 * backends_here(), "§2.4.2 and A.2 #1-#3");
}

#[test]
fn poly1305_section_2_5_2_and_appendix_a_3() {
    let runs = on_every_backend("poly1305/rfc8439.txt", |v, backend| {
        let (key, message, tag) = (array(v, "Key"), v.hex("Message"), v.hex("Tag"));
        let mut mac = Poly1305::with_backend(&key, backend).expect("available");
        mac.update(&message);
        assert_eq!(hex(&mac.finalize()), hex(&tag), "{} on {}", v.source, backend.name());
        // Streaming, in pieces of 1, 15 and 17 bytes.
        for piece in [1, 15, 17] {
            let mut mac = Poly1305::with_backend(&key, backend).expect("available");
            message.chunks(piece).for_each(|p| mac.update(p));
            assert_eq!(hex(&mac.finalize()), hex(&tag), "{} in {piece}s on {}", v.source, backend.name());
        }
        assert_eq!(hex(&Poly1305::mac(&key, &message)), hex(&tag), "{} one-shot", v.source);
    });
    assert_eq!(runs, 12 * backends_here(), "§2.5.2 and A.3 #1-#11");
}

#[test]
fn poly1305_key_generation_section_2_6_2_and_appendix_a_4() {
    let vectors = read_vectors("poly1305/keygen.txt");
    for v in &vectors {
        let otk = poly1305::key_gen(&Key::new(&array(v, "Key")), &array(v, "Nonce"));
        assert_eq!(hex(otk.as_bytes()), hex(&v.hex("OneTimeKey")), "{}", v.source);
    }
    assert_eq!(vectors.len(), 6, "§2.6.2, A.4 #1-#3, and the keys inside §2.8.2 and A.5");
}

/// Seal must give the ciphertext and tag; open must give the plaintext back
/// (A.5 is a decryption example: open first); a wrong tag must be refused.
#[test]
fn aead_section_2_8_2_and_appendix_a_5() {
    let runs = on_every_backend("aead/rfc8439.txt", |v, backend| {
        let aead = ChaCha20Poly1305::with_backend(&v.hex("Key"), backend).expect("valid key");
        let (nonce, aad, plaintext) = (v.hex("Nonce"), v.hex("AAD"), v.hex("Plaintext"));
        let (ciphertext, tag) = (v.hex("Ciphertext"), v.hex("Tag"));
        let on = backend.name();

        let mut buffer = ciphertext.clone();
        aead.open_in_place(&nonce, &aad, &mut buffer, &tag).expect("the RFC's tag verifies");
        assert_eq!(hex(&buffer), hex(&plaintext), "{}: open on {on}", v.source);

        let sealed_tag = aead.seal_in_place(&nonce, &aad, &mut buffer).expect("sealable");
        assert_eq!(hex(&buffer), hex(&ciphertext), "{}: seal on {on}", v.source);
        assert_eq!(hex(sealed_tag.as_ref()), hex(&tag), "{}: tag on {on}", v.source);

        let mut bad_tag = tag.clone();
        bad_tag[15] ^= 0x80;
        assert!(aead.open_in_place(&nonce, &aad, &mut buffer, &bad_tag).is_err(), "{}: on {on}", v.source);
        assert!(buffer.iter().all(|&b| b == 0), "{}: buffer not wiped on {on}", v.source);
    });
    assert_eq!(runs, 2 * backends_here());
}

/// The constructors without a backend use the preferred one; with
/// `PADLOCK_BACKEND=portable` that is the portable code. Run here as is and
/// again in a child process with the variable set.
#[test]
fn preferred_backend_honours_env() {
    let key = [7u8; 32];
    let chosen = [
        ChaCha20Poly1305::new(&key).expect("valid key").backend(),
        ChaCha20::new(&key, &[0; 12], 0).backend(),
        Poly1305::new(&key).backend(),
    ];
    if padlock_cpu::portable_forced() {
        assert_eq!(Backend::preferred(), Backend::Portable);
        assert_eq!(chosen, [Backend::Portable; 3]);
    } else {
        let widest = Backend::available().last().expect("portable is always available");
        assert_eq!(Backend::preferred(), widest);
        assert_eq!(chosen, [widest; 3]);
    }
}

/// The known answers above that go through the preferred backend, again with
/// the portable one forced.
#[test]
fn preferred_backend_on_forced_portable() {
    padlock_testkit::rerun_on_portable_backend(&["preferred_backend_honours_env"]);
}
