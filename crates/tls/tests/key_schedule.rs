//! Tests of the key schedules.
//!
//! - TLS 1.3: the whole RFC 8448 §3 handshake trace (every secret, key, IV and
//!   Finished), and `HKDF-Expand-Label` against an HkdfLabel built byte by
//!   byte here and against the encodings RFC 8448 prints.
//! - TLS 1.2: the PRF against the vectors published on the IETF TLS list and
//!   against the `openssl kdf` command (differential), then the master
//!   secret, extended master secret, key block and `verify_data` against the
//!   PRF definitions of RFC 5246 and RFC 7627.

use std::process::Command;

use padlock_sha::hkdf::Prk;
use padlock_sha::{Sha256, Sha384};
use padlock_testkit::{Block, decode_hex, hex, read_vectors};
use padlock_tls::key_schedule::tls12::{self, MasterSecret as Tls12MasterSecret};
use padlock_tls::key_schedule::tls13::{EarlySecret, TrafficSecret, derive_secret, hkdf_expand_label};
use padlock_tls::key_schedule::{HashAlgorithm, SecretKind};

const MANIFEST: &str = env!("CARGO_MANIFEST_DIR");

/// Asserts two byte strings are equal, showing both in hex if not.
fn assert_bytes(actual: &[u8], expected: &[u8], what: &str) {
    assert_eq!(hex(actual), hex(expected), "{what}");
}

// ---------------------------------------------------------------------------
// TLS 1.3: RFC 8448 §3

/// The transcript hashes of RFC 8448 §3, computed from its messages.
struct Transcript {
    through_server_hello: Vec<u8>,
    through_certificate_verify: Vec<u8>,
    through_server_finished: Vec<u8>,
    through_client_finished: Vec<u8>,
    server_verify_data: Vec<u8>,
    client_verify_data: Vec<u8>,
}

/// Hashes the trace's messages, checks the hashes it prints, and takes the
/// `verify_data` out of its two Finished messages.
fn transcript(messages: &Block) -> Transcript {
    let sha256 = HashAlgorithm::Sha256;
    let mut so_far = Vec::new();
    let mut hash_after = |name: &str| {
        so_far.extend_from_slice(&messages.hex(name));
        sha256.hash(&so_far)
    };
    hash_after("ClientHello");
    let through_server_hello = hash_after("ServerHello");
    hash_after("EncryptedExtensions");
    hash_after("Certificate");
    // RFC 8448 does not print this one; the server's Finished is computed over it.
    let through_certificate_verify = hash_after("CertificateVerify");
    let through_server_finished = hash_after("ServerFinished");
    let through_client_finished = hash_after("ClientFinished");
    assert_bytes(&through_server_hello, &messages.hex("HashThroughServerHello"), "hash to ServerHello");
    assert_bytes(
        &through_server_finished,
        &messages.hex("HashThroughServerFinished"),
        "hash to server Finished",
    );
    assert_bytes(
        &through_client_finished,
        &messages.hex("HashThroughClientFinished"),
        "hash to client Finished",
    );

    // RFC 8446 §4: msg_type finished(20), a 3-byte length of 32, then verify_data.
    let finished_body = |name: &str| {
        let message = messages.hex(name);
        let (header, verify_data) = message.split_at(4);
        assert_eq!(header, [20, 0, 0, 32], "{name} header");
        verify_data.to_vec()
    };
    Transcript {
        through_server_hello,
        through_certificate_verify,
        through_server_finished,
        through_client_finished,
        server_verify_data: finished_body("ServerFinished"),
        client_verify_data: finished_body("ClientFinished"),
    }
}

/// Checks a traffic secret's bytes, kind, and its key and IV of 16 + 12 bytes.
fn check_traffic(secret: &TrafficSecret, kind: SecretKind, expected: &[u8], key: &[u8], iv: &[u8]) {
    let what = kind.label();
    assert_eq!(secret.kind(), kind);
    assert_eq!(secret.hash(), HashAlgorithm::Sha256);
    assert_bytes(secret.as_bytes(), expected, what);
    let keys = secret.keys(16);
    assert_bytes(&keys.key, key, &format!("write key from {what}"));
    assert_bytes(&keys.iv, iv, &format!("write IV from {what}"));
}

#[test]
fn rfc8448_simple_1rtt_handshake() {
    let blocks = read_vectors(MANIFEST, "key_schedule/rfc8448.txt");
    let [messages, secrets, keys]: [Block; 3] =
        blocks.try_into().unwrap_or_else(|_| panic!("rfc8448.txt: expected 3 blocks"));
    let t = transcript(&messages);
    let sha256 = HashAlgorithm::Sha256;

    let early = EarlySecret::new(sha256);
    assert_bytes(early.as_bytes(), &secrets.hex("EarlySecret"), "early secret");
    let salt = derive_secret(sha256, early.as_bytes(), "derived", &sha256.hash(b""));
    assert_bytes(&salt, &secrets.hex("HandshakeSalt"), "Derive-Secret(early, \"derived\", \"\")");

    let handshake = early.handshake_secret(&secrets.hex("SharedSecret"));
    assert_bytes(handshake.as_bytes(), &secrets.hex("HandshakeSecret"), "handshake secret");
    let client_hs = handshake.client_traffic_secret(&t.through_server_hello);
    let server_hs = handshake.server_traffic_secret(&t.through_server_hello);
    check_traffic(
        &client_hs,
        SecretKind::ClientHandshakeTraffic,
        &secrets.hex("ClientHandshakeTraffic"),
        &keys.hex("ClientHandshakeKey"),
        &keys.hex("ClientHandshakeIv"),
    );
    check_traffic(
        &server_hs,
        SecretKind::ServerHandshakeTraffic,
        &secrets.hex("ServerHandshakeTraffic"),
        &keys.hex("ServerHandshakeKey"),
        &keys.hex("ServerHandshakeIv"),
    );
    assert_bytes(&client_hs.finished_key(), &secrets.hex("ClientFinishedKey"), "client finished_key");
    assert_bytes(&server_hs.finished_key(), &secrets.hex("ServerFinishedKey"), "server finished_key");
    // RFC 8446 §4.4.4: the server's Finished covers ClientHello..CertificateVerify,
    // the client's covers ClientHello..server Finished.
    assert_bytes(
        &server_hs.verify_data(&t.through_certificate_verify),
        &t.server_verify_data,
        "server Finished",
    );
    assert_bytes(
        &client_hs.verify_data(&t.through_server_finished),
        &t.client_verify_data,
        "client Finished",
    );

    let salt = derive_secret(sha256, handshake.as_bytes(), "derived", &sha256.hash(b""));
    assert_bytes(&salt, &secrets.hex("MasterSalt"), "Derive-Secret(handshake, \"derived\", \"\")");
    let master = handshake.master_secret();
    assert_bytes(master.as_bytes(), &secrets.hex("MasterSecret"), "master secret");
    check_traffic(
        &master.client_traffic_secret(&t.through_server_finished),
        SecretKind::ClientApplicationTraffic,
        &secrets.hex("ClientApplicationTraffic"),
        &keys.hex("ClientApplicationKey"),
        &keys.hex("ClientApplicationIv"),
    );
    check_traffic(
        &master.server_traffic_secret(&t.through_server_finished),
        SecretKind::ServerApplicationTraffic,
        &secrets.hex("ServerApplicationTraffic"),
        &keys.hex("ServerApplicationKey"),
        &keys.hex("ServerApplicationIv"),
    );
    let exporter = master.exporter_master_secret(&t.through_server_finished);
    assert_eq!(exporter.kind(), SecretKind::ExporterMaster);
    assert_bytes(exporter.as_bytes(), &secrets.hex("ExporterMaster"), "exporter master secret");
    let resumption = master.resumption_master_secret(&t.through_client_finished);
    assert_eq!(resumption.kind(), SecretKind::ResumptionMaster);
    assert_bytes(resumption.as_bytes(), &secrets.hex("ResumptionMaster"), "resumption master secret");
}

/// The HkdfLabel of RFC 8446 §7.1, built here byte by byte, independently of
/// the crate: `uint16 length`, `opaque label<7..255>` holding "tls13 " +
/// label, `opaque context<0..255>`.
fn hkdf_label(label: &str, context: &[u8], len: usize) -> Vec<u8> {
    let full_label = format!("tls13 {label}");
    let mut out = vec![(len >> 8) as u8, len as u8, full_label.len() as u8];
    out.extend_from_slice(full_label.as_bytes());
    out.push(context.len() as u8);
    out.extend_from_slice(context);
    out
}

/// HKDF-Expand (RFC 5869 §2.3) straight from padlock-sha.
fn expand(hash: HashAlgorithm, prk: &[u8], info: &[u8], len: usize) -> Vec<u8> {
    let mut okm = vec![0; len];
    match hash {
        HashAlgorithm::Sha256 => Prk::<Sha256>::from_bytes(prk).expand(info, &mut okm),
        HashAlgorithm::Sha384 => Prk::<Sha384>::from_bytes(prk).expand(info, &mut okm),
    }
    .expect("short output");
    okm
}

#[test]
fn hkdf_label_encodings_printed_in_rfc8448() {
    let secret = [0x42; 32];
    for block in read_vectors(MANIFEST, "key_schedule/rfc8448-hkdf-labels.txt") {
        let (label, context, len) = (block.get("Label"), block.hex("Context"), block.number("Length"));
        let info = hkdf_label(label, &context, len);
        assert_bytes(&info, &block.hex("Info"), &block.source);
        let ours = hkdf_expand_label(HashAlgorithm::Sha256, &secret, label, &context, len);
        assert_bytes(&ours, &expand(HashAlgorithm::Sha256, &secret, &info, len), &block.source);
    }
}

#[test]
fn hkdf_expand_label_is_hkdf_expand_of_the_hkdf_label() {
    for hash in [HashAlgorithm::Sha256, HashAlgorithm::Sha384] {
        let secret: Vec<u8> = (0..hash.output_len() as u8).collect();
        let long_label = "x".repeat(249); // "tls13 " + 249 bytes = the 255-byte maximum
        let long_context = [7; 255];
        let cases: [(&str, &[u8], usize); 6] = [
            ("key", b"", 32),
            ("iv", b"", 12),
            ("c hs traffic", &[1; 48], hash.output_len()),
            ("derived", b"", 1),
            (&long_label, &long_context, 300),
            ("", b"", 255 * hash.output_len()),
        ];
        for (label, context, len) in cases {
            let ours = hkdf_expand_label(hash, &secret, label, context, len);
            let info = hkdf_label(label, context, len);
            assert_bytes(
                &ours,
                &expand(hash, &secret, &info, len),
                &format!("{} {label:.20} {len}", hash.name()),
            );
        }
        let transcript = hash.hash(b"messages");
        assert_bytes(
            &derive_secret(hash, &secret, "s ap traffic", &transcript),
            &hkdf_expand_label(hash, &secret, "s ap traffic", &transcript, hash.output_len()),
            "Derive-Secret",
        );
    }
}

#[test]
fn key_update_is_expand_label_traffic_upd() {
    for hash in [HashAlgorithm::Sha256, HashAlgorithm::Sha384] {
        let master = EarlySecret::new(hash).handshake_secret(&[9; 32]).master_secret();
        for secret in
            [master.client_traffic_secret(&hash.hash(b"a")), master.server_traffic_secret(&hash.hash(b"b"))]
        {
            let next = secret.next();
            // The same sender, now the RFC 8446 §7.2 "traffic upd" kind.
            assert_eq!(next.kind().sender(), secret.kind().sender());
            assert_eq!(next.kind().label(), "traffic upd");
            assert_eq!(next.hash(), hash);
            // RFC 8446 §7.2
            let expected = hkdf_expand_label(hash, secret.as_bytes(), "traffic upd", b"", hash.output_len());
            assert_bytes(next.as_bytes(), &expected, "application_traffic_secret_1");
            let after = next.next();
            let expected = hkdf_expand_label(hash, next.as_bytes(), "traffic upd", b"", hash.output_len());
            assert_bytes(after.as_bytes(), &expected, "application_traffic_secret_2");
        }
    }
}

#[test]
fn sha384_traffic_keys_and_finished() {
    let hash = HashAlgorithm::Sha384;
    let handshake = EarlySecret::new(hash).handshake_secret(&[3; 48]);
    let secret = handshake.client_traffic_secret(&hash.hash(b"hello"));
    assert_eq!(secret.as_bytes().len(), 48);
    let keys = secret.keys(32);
    assert_bytes(&keys.key, &hkdf_expand_label(hash, secret.as_bytes(), "key", b"", 32), "key");
    assert_bytes(&keys.iv, &hkdf_expand_label(hash, secret.as_bytes(), "iv", b"", 12), "iv");
    let finished_key = hkdf_expand_label(hash, secret.as_bytes(), "finished", b"", 48);
    assert_bytes(&secret.finished_key(), &finished_key, "finished_key");
    let transcript = hash.hash(b"through CertificateVerify");
    assert_bytes(&secret.verify_data(&transcript), &hash.hmac(&finished_key, &transcript), "verify_data");
    // Debug shows the kind, never the bytes.
    assert_eq!(format!("{secret:?}"), "TrafficSecret { kind: ClientHandshakeTraffic, .. }");
}

#[test]
fn secret_kinds_and_hashes() {
    let table = [
        (SecretKind::Tls12MasterSecret, "master secret", "CLIENT_RANDOM"),
        (SecretKind::ClientHandshakeTraffic, "c hs traffic", "CLIENT_HANDSHAKE_TRAFFIC_SECRET"),
        (SecretKind::ServerHandshakeTraffic, "s hs traffic", "SERVER_HANDSHAKE_TRAFFIC_SECRET"),
        (SecretKind::ClientApplicationTraffic, "c ap traffic", "CLIENT_TRAFFIC_SECRET_0"),
        (SecretKind::ServerApplicationTraffic, "s ap traffic", "SERVER_TRAFFIC_SECRET_0"),
        (SecretKind::ExporterMaster, "exp master", "EXPORTER_SECRET"),
        (SecretKind::ResumptionMaster, "res master", ""),
        (SecretKind::ClientApplicationTrafficNext, "traffic upd", ""),
        (SecretKind::Tls12Premaster, "premaster secret", ""),
        (SecretKind::HandshakeSecret, "handshake secret", ""),
    ];
    for (kind, label, nss) in table {
        assert_eq!((kind.label(), kind.nss_label()), (label, nss));
    }
    assert_eq!((HashAlgorithm::Sha256.name(), HashAlgorithm::Sha256.output_len()), ("SHA-256", 32));
    assert_eq!((HashAlgorithm::Sha384.name(), HashAlgorithm::Sha384.output_len()), ("SHA-384", 48));
}

// ---------------------------------------------------------------------------
// TLS 1.2

fn hash_named(name: &str) -> HashAlgorithm {
    match name {
        "SHA-256" => HashAlgorithm::Sha256,
        "SHA-384" => HashAlgorithm::Sha384,
        _ => panic!("unknown hash {name}"),
    }
}

/// `tls12::prf` into a new vector of `len` bytes.
fn prf(hash: HashAlgorithm, secret: &[u8], label: &str, seed: &[u8], len: usize) -> Vec<u8> {
    let mut out = vec![0; len];
    tls12::prf(hash, secret, label, seed, &mut out);
    out
}

#[test]
fn tls12_prf_published_vectors() {
    for block in read_vectors(MANIFEST, "key_schedule/tls12-prf.txt") {
        let expected = block.hex("Output");
        let hash = hash_named(block.get("Hash"));
        let out = prf(hash, &block.hex("Secret"), block.get("Label"), &block.hex("Seed"), expected.len());
        assert_bytes(&out, &expected, &block.source);
    }
}

/// `openssl kdf ... TLS1-PRF` (a missing `openssl` fails the test, saying how to install it).
/// OpenSSL takes the label as the first bytes of the seed.
fn openssl_prf(hash: HashAlgorithm, secret: &[u8], label_and_seed: &[u8], len: usize) -> Vec<u8> {
    let digest = match hash {
        HashAlgorithm::Sha256 => "SHA256",
        HashAlgorithm::Sha384 => "SHA384",
    };
    let output = padlock_testkit::run_ok(
        Command::new("openssl")
            .args(["kdf", "-keylen", &len.to_string(), "-kdfopt", &format!("digest:{digest}")])
            .args(["-kdfopt", &format!("hexsecret:{}", hex(secret))])
            .args(["-kdfopt", &format!("hexseed:{}", hex(label_and_seed)), "TLS1-PRF"]),
    );
    // Output is "7A:29:DA:...": uppercase hex bytes separated by colons.
    let text: String =
        String::from_utf8_lossy(&output.stdout).chars().filter(char::is_ascii_hexdigit).collect();
    decode_hex(&text).expect("openssl prints hex")
}

#[test]
fn tls12_prf_matches_openssl() {
    let bytes =
        |len: usize, start: u8| -> Vec<u8> { (0..len).map(|i| (i as u8).wrapping_mul(37) ^ start).collect() };
    let mut compared = 0;
    for hash in [HashAlgorithm::Sha256, HashAlgorithm::Sha384] {
        // Secrets shorter than, equal to and longer than the HMAC block (64
        // or 128 bytes: longer keys are hashed first); outputs that end
        // inside, on and after a hash block.
        for (secret_len, label, seed_len, out_len) in [
            (1, "test label", 16, 1),
            (16, "master secret", 64, 48),
            (48, "key expansion", 64, 40),
            (48, "client finished", 32, 12),
            (64, "", 10, 64),
            (100, "extended master secret", 48, 65),
            (128, "x", 1, 97),
            (200, "server finished", 48, 200),
        ] {
            let (secret, seed) = (bytes(secret_len, 0x5c), bytes(seed_len, 0xa3));
            let ours = prf(hash, &secret, label, &seed, out_len);
            let label_and_seed = [label.as_bytes(), &seed].concat();
            let theirs = openssl_prf(hash, &secret, &label_and_seed, out_len);
            assert_bytes(&ours, &theirs, &format!("{} secret {secret_len} {label:?} {out_len}", hash.name()));
            compared += 1;
        }
    }
    assert_eq!(compared, 16);
}

const CLIENT_RANDOM: [u8; 32] = [0xc1; 32];
const SERVER_RANDOM: [u8; 32] = [
    0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5a, 0x5b, 0x5c, 0x5d, 0x5e, 0x5f, 0x60,
    0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f,
];

#[test]
fn tls12_master_secrets_are_the_prf_of_rfc5246_and_rfc7627() {
    let premaster = [0x03; 48];
    for hash in [HashAlgorithm::Sha256, HashAlgorithm::Sha384] {
        // RFC 5246 §8.1: seed = ClientHello.random + ServerHello.random.
        let master = Tls12MasterSecret::derive(hash, &premaster, &CLIENT_RANDOM, &SERVER_RANDOM);
        let seed = [CLIENT_RANDOM, SERVER_RANDOM].concat();
        assert_bytes(master.as_bytes(), &prf(hash, &premaster, "master secret", &seed, 48), "master secret");

        // RFC 7627 §4: seed = session_hash.
        let session_hash = hash.hash(b"ClientHello..ClientKeyExchange");
        let extended = Tls12MasterSecret::derive_extended(hash, &premaster, &session_hash);
        let expected = prf(hash, &premaster, "extended master secret", &session_hash, 48);
        assert_bytes(extended.as_bytes(), &expected, "extended master secret");
        assert_ne!(extended.as_bytes(), master.as_bytes());

        let copy = Tls12MasterSecret::from_bytes(hash, *master.as_bytes());
        assert_eq!(copy.as_bytes(), master.as_bytes());
    }
}

#[test]
fn tls12_key_block_slices_the_prf_output_in_rfc5246_order() {
    // AES-128-GCM and AES-256-GCM (4-byte salts, RFC 5288 §3), and
    // ChaCha20-Poly1305 (12-byte IVs, RFC 7905 §2).
    for (hash, key_len, iv_len) in
        [(HashAlgorithm::Sha256, 16, 4), (HashAlgorithm::Sha384, 32, 4), (HashAlgorithm::Sha256, 32, 12)]
    {
        let master_bytes: [u8; 48] = core::array::from_fn(|i| i as u8);
        let master = Tls12MasterSecret::from_bytes(hash, master_bytes);
        let keys = master.key_block(&CLIENT_RANDOM, &SERVER_RANDOM, key_len, iv_len);
        // RFC 5246 §6.3: seed = server_random + client_random; no MAC keys for
        // AEAD (RFC 5288 §3), then client key, server key, client IV, server IV.
        let seed = [SERVER_RANDOM, CLIENT_RANDOM].concat();
        let block = prf(hash, &master_bytes, "key expansion", &seed, 2 * key_len + 2 * iv_len);
        let (client_key, rest) = block.split_at(key_len);
        let (server_key, rest) = rest.split_at(key_len);
        let (client_iv, server_iv) = rest.split_at(iv_len);
        assert_bytes(&keys.client_write_key, client_key, "client_write_key");
        assert_bytes(&keys.server_write_key, server_key, "server_write_key");
        assert_bytes(&keys.client_write_iv, client_iv, "client_write_IV");
        assert_bytes(&keys.server_write_iv, server_iv, "server_write_IV");
    }
}

#[test]
fn tls12_verify_data_is_12_bytes_of_the_prf() {
    for hash in [HashAlgorithm::Sha256, HashAlgorithm::Sha384] {
        let master = Tls12MasterSecret::from_bytes(hash, [0x77; 48]);
        let handshake_hash = hash.hash(b"handshake_messages");
        for label in ["client finished", "server finished"] {
            // RFC 5246 §7.4.9
            let expected = prf(hash, master.as_bytes(), label, &handshake_hash, 12);
            assert_bytes(&master.verify_data(label, &handshake_hash), &expected, label);
        }
    }
}
