//! The record layer: RFC 8448 known answers for TLS 1.3, AES-GCM checked
//! independently for TLS 1.2, every AEAD in both versions (ChaCha20-Poly1305
//! checked against RustCrypto's for RFC 7905's and RFC 8446's layouts), every
//! rejection the RFCs require, and the deframer at every split of the stream.

use padlock_aes::{Aead, AesGcm};
use padlock_tls::Error;
use padlock_tls::record::{
    AeadAlgorithm, ContentType, Deframer, HalfConn, MAX_PLAINTEXT_LEN, MAX_TLS12_CIPHERTEXT_LEN,
    MAX_TLS13_CIPHERTEXT_LEN, Record,
};

const KEY: [u8; 16] = [0x42; 16];
const SALT: [u8; 4] = [0xa0, 0xa1, 0xa2, 0xa3];
const IV: [u8; 12] = [0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b];

/// Cuts one whole record's bytes into a `Record`, through the deframer.
fn parse(bytes: &[u8]) -> Record {
    let mut deframer = Deframer::new();
    deframer.push(bytes);
    let record = deframer.next_record().expect("a valid header").expect("a whole record");
    assert_eq!(deframer.buffered(), 0);
    record
}

fn tls12_pair() -> (HalfConn, HalfConn) {
    (HalfConn::tls12_gcm(&KEY, SALT).unwrap(), HalfConn::tls12_gcm(&KEY, SALT).unwrap())
}

fn tls13_pair() -> (HalfConn, HalfConn) {
    (HalfConn::tls13_gcm(&KEY, IV).unwrap(), HalfConn::tls13_gcm(&KEY, IV).unwrap())
}

// ---------------------------------------------------------------------------
// RFC 8448 §3: the protected records of the simple 1-RTT handshake.

#[test]
fn rfc8448_records_seal_and_open() {
    let blocks = padlock_testkit::read_vectors(env!("CARGO_MANIFEST_DIR"), "record/rfc8448.txt");
    assert_eq!(blocks.len(), 7);
    for block in &blocks {
        let key = block.hex("Key");
        let iv: [u8; 12] = block.hex("Iv").try_into().expect("a 12-byte iv");
        let seq = block.number("Sequence");
        let content_type = ContentType::from_u8(block.number("Type") as u8).expect("a content type");
        let payload = block.hex("Payload");
        let expected = block.hex("Record");

        // The earlier records under the same key, sealed by one side and
        // opened by the other, bring both to this record's sequence number.
        let mut writer = HalfConn::tls13_gcm(&key, iv).unwrap();
        let mut reader = HalfConn::tls13_gcm(&key, iv).unwrap();
        for _ in 0..seq {
            let earlier = writer.seal(ContentType::Handshake, b"earlier").unwrap();
            reader.open(parse(&earlier)).unwrap();
        }
        assert_eq!(writer.sequence_number(), seq as u64, "{}", block.source);

        let sealed = writer.seal(content_type, &payload).unwrap();
        assert_eq!(padlock_testkit::hex(&sealed), padlock_testkit::hex(&expected), "{}", block.source);
        assert_eq!(writer.sequence_number(), seq as u64 + 1);

        let (opened_type, opened) = reader.open(parse(&expected)).unwrap();
        assert_eq!(opened_type, content_type, "{}", block.source);
        assert_eq!(opened, payload, "{}", block.source);
        assert_eq!(reader.sequence_number(), seq as u64 + 1);
    }
}

// ---------------------------------------------------------------------------
// TLS 1.2 AES-GCM (RFC 5246 §6.2.3.3, RFC 5288).

#[test]
fn tls12_round_trip_at_several_lengths() {
    let (mut writer, mut reader) = tls12_pair();
    for len in [0, 1, 2, 15, 16, 17, 1000, MAX_PLAINTEXT_LEN] {
        let payload: Vec<u8> = (0..len).map(|i| (i * 7) as u8).collect();
        let sealed = writer.seal(ContentType::ApplicationData, &payload).unwrap();
        assert_eq!(sealed.len(), 5 + 8 + len + 16);
        let (content_type, opened) = reader.open(parse(&sealed)).unwrap();
        assert_eq!(content_type, ContentType::ApplicationData);
        assert_eq!(opened, payload, "length {len}");
    }
    assert_eq!(writer.sequence_number(), 8);
    assert_eq!(reader.sequence_number(), 8);
}

/// The layout and the additional data, recomputed with AES-GCM directly.
#[test]
fn tls12_layout_and_additional_data() {
    let (mut writer, _) = tls12_pair();
    writer.seal(ContentType::Handshake, b"record zero").unwrap();
    writer.seal(ContentType::Handshake, b"record one").unwrap();
    let payload = b"the third record, sequence number 2";
    let sealed = writer.seal(ContentType::Alert, payload).unwrap();

    let fragment_len = 8 + payload.len() + 16;
    assert_eq!(sealed[..5], [21, 3, 3, (fragment_len >> 8) as u8, fragment_len as u8]);
    let explicit_nonce = 2u64.to_be_bytes();
    assert_eq!(sealed[5..13], explicit_nonce, "the explicit nonce is the sequence number");

    let mut nonce = SALT.to_vec();
    nonce.extend_from_slice(&explicit_nonce);
    let mut aad = explicit_nonce.to_vec(); // seq_num
    aad.extend_from_slice(&[21, 3, 3]); // type, version
    aad.extend_from_slice(&(payload.len() as u16).to_be_bytes()); // the plaintext's length
    let mut expected = payload.to_vec();
    let tag = AesGcm::new(&KEY).unwrap().seal_in_place(&nonce, &aad, &mut expected).unwrap();
    expected.extend_from_slice(tag.as_ref());
    assert_eq!(sealed[13..], expected[..]);
}

#[test]
fn tls12_tampering_anywhere_is_bad_record_mac() {
    let (mut writer, _) = tls12_pair();
    let sealed = writer.seal(ContentType::Handshake, b"sixteen bytes!!!").unwrap();
    // Every byte of the fragment (explicit nonce, ciphertext, tag), and the
    // type (22 -> 23) and minor version of the header, which the additional
    // data covers. (A major version other than 3 never gets past the deframer.)
    for i in [0, 2].into_iter().chain(5..sealed.len()) {
        let mut tampered = sealed.clone();
        tampered[i] ^= 0x01;
        let (_, mut reader) = tls12_pair();
        assert_eq!(reader.open(parse(&tampered)), Err(Error::BadRecordMac), "byte {i}");
        assert_eq!(reader.sequence_number(), 0, "a failed open does not advance");
    }
}

#[test]
fn tls12_wrong_sequence_number_is_bad_record_mac() {
    let (mut writer, mut reader) = tls12_pair();
    let _skipped = writer.seal(ContentType::ApplicationData, b"first").unwrap();
    let second = writer.seal(ContentType::ApplicationData, b"second").unwrap();
    // The reader expects sequence number 0; the record was sealed under 1.
    assert_eq!(reader.open(parse(&second)), Err(Error::BadRecordMac));
}

#[test]
fn tls12_short_fragment_is_bad_record_mac() {
    for len in 0..8 + 16 {
        let record =
            Record { content_type: ContentType::ApplicationData, version: [3, 3], fragment: vec![0; len] };
        let (_, mut reader) = tls12_pair();
        assert_eq!(reader.open(record), Err(Error::BadRecordMac), "fragment of {len} bytes");
    }
}

#[test]
fn tls12_oversize() {
    let (mut writer, mut reader) = tls12_pair();
    assert!(matches!(
        writer.seal(ContentType::ApplicationData, &[0; MAX_PLAINTEXT_LEN + 1]),
        Err(Error::Internal(_))
    ));
    assert_eq!(writer.sequence_number(), 0);
    // A fragment holding 2^14 + 1 bytes of ciphertext.
    let fragment = vec![0; 8 + MAX_PLAINTEXT_LEN + 1 + 16];
    let record = Record { content_type: ContentType::ApplicationData, version: [3, 3], fragment };
    assert_eq!(reader.open(record), Err(Error::RecordOverflow));
}

#[test]
fn key_lengths() {
    assert!(HalfConn::tls12_gcm(&[0; 32], SALT).is_ok());
    assert!(matches!(HalfConn::tls12_gcm(&[0; 24], SALT), Err(Error::Internal(_))));
    assert!(matches!(HalfConn::tls13_gcm(&[0; 15], IV), Err(Error::Internal(_))));
    assert!(HalfConn::tls13_gcm(&[0; 32], IV).unwrap().is_protected());
    assert!(!HalfConn::plaintext().is_protected());
}

// ---------------------------------------------------------------------------
// TLS 1.3 (RFC 8446 §5.2 - §5.4).

/// A TLS 1.3 record built by hand: `inner` is the whole TLSInnerPlaintext
/// (content, type, padding), sealed under KEY and IV at sequence number 0.
fn tls13_record_by_hand(inner: &[u8]) -> Vec<u8> {
    let len = inner.len() + 16;
    let header = [23, 3, 3, (len >> 8) as u8, len as u8];
    let mut body = inner.to_vec();
    // RFC 8446 §5.3: at sequence number 0 the nonce is the iv itself.
    let tag = AesGcm::new(&KEY).unwrap().seal_in_place(&IV, &header, &mut body).unwrap();
    [&header[..], &body, tag.as_ref()].concat()
}

#[test]
fn tls13_round_trip_and_sequence_numbers() {
    let (mut writer, mut reader) = tls13_pair();
    for (i, len) in [0, 1, 300, MAX_PLAINTEXT_LEN].into_iter().enumerate() {
        let payload = vec![0xee; len];
        let sealed = writer.seal(ContentType::Handshake, &payload).unwrap();
        assert_eq!(sealed[..3], [23, 3, 3], "outer type application_data, version 3.3");
        assert_eq!(sealed.len(), 5 + len + 1 + 16);
        assert_eq!(reader.open(parse(&sealed)).unwrap(), (ContentType::Handshake, payload));
        assert_eq!(writer.sequence_number(), i as u64 + 1);
        assert_eq!(reader.sequence_number(), i as u64 + 1);
    }
    assert!(matches!(
        writer.seal(ContentType::Handshake, &[0; MAX_PLAINTEXT_LEN + 1]),
        Err(Error::Internal(_))
    ));
    assert!(matches!(writer.seal(ContentType::ChangeCipherSpec, &[1]), Err(Error::Internal(_))));
}

#[test]
fn tls13_padding_is_stripped() {
    for padding in [0, 1, 7, 300] {
        let mut inner = b"hello".to_vec();
        inner.push(23);
        inner.resize(inner.len() + padding, 0);
        let (_, mut reader) = tls13_pair();
        let opened = reader.open(parse(&tls13_record_by_hand(&inner))).unwrap();
        assert_eq!(opened, (ContentType::ApplicationData, b"hello".to_vec()), "{padding} bytes of padding");
    }
    // Content ending in zeros keeps them: only the zeros after the type go.
    let (_, mut reader) = tls13_pair();
    let opened = reader.open(parse(&tls13_record_by_hand(&[0, 0, 22, 0, 0]))).unwrap();
    assert_eq!(opened, (ContentType::Handshake, vec![0, 0]));
}

#[test]
fn tls13_no_content_type_is_unexpected_message() {
    for inner in [&[][..], &[0][..], &[0; 100][..]] {
        let (_, mut reader) = tls13_pair();
        let result = reader.open(parse(&tls13_record_by_hand(inner)));
        assert!(matches!(result, Err(Error::UnexpectedMessage(_))), "{} zeros: {result:?}", inner.len());
    }
}

#[test]
fn tls13_bad_types_are_unexpected_message() {
    // An unknown inner type, and a protected change_cipher_spec (RFC 8446 §5).
    for inner_type in [99, 20, 24] {
        let (_, mut reader) = tls13_pair();
        let result = reader.open(parse(&tls13_record_by_hand(&[1, 2, inner_type])));
        assert!(matches!(result, Err(Error::UnexpectedMessage(_))), "inner type {inner_type}: {result:?}");
    }
    // An outer type other than application_data.
    let (mut writer, mut reader) = tls13_pair();
    let mut sealed = writer.seal(ContentType::Handshake, b"hi").unwrap();
    sealed[0] = 22;
    assert!(matches!(reader.open(parse(&sealed)), Err(Error::UnexpectedMessage(_))));
}

#[test]
fn tls13_oversize_is_record_overflow() {
    // A fragment over 2^14 + 256 bytes, refused before decrypting.
    let fragment = vec![0; MAX_TLS13_CIPHERTEXT_LEN + 1];
    let record = Record { content_type: ContentType::ApplicationData, version: [3, 3], fragment };
    assert_eq!(tls13_pair().1.open(record), Err(Error::RecordOverflow));

    // An authentic TLSInnerPlaintext of 2^14 + 2 bytes: 2^14 + 1 bytes of
    // content and its type, or 2^14 bytes, the type and one byte of padding
    // (RFC 8446 §5.4 bounds the whole of it).
    let mut too_long = vec![0x55; MAX_PLAINTEXT_LEN + 1];
    too_long.push(23);
    let mut padded = vec![0x55; MAX_PLAINTEXT_LEN];
    padded.extend_from_slice(&[23, 0]);
    for inner in [too_long, padded] {
        assert_eq!(tls13_pair().1.open(parse(&tls13_record_by_hand(&inner))), Err(Error::RecordOverflow));
    }
    // 2^14 bytes and the type: the largest allowed.
    let mut largest = vec![0x55; MAX_PLAINTEXT_LEN];
    largest.push(23);
    assert!(tls13_pair().1.open(parse(&tls13_record_by_hand(&largest))).is_ok());
}

#[test]
fn tls13_tampering_anywhere_is_bad_record_mac() {
    let (mut writer, _) = tls13_pair();
    let sealed = writer.seal(ContentType::ApplicationData, b"some application data").unwrap();
    // The minor version of the header and every byte of the fragment (the
    // header is the additional data).
    for i in std::iter::once(2).chain(5..sealed.len()) {
        let mut tampered = sealed.clone();
        tampered[i] ^= 0x80;
        let (_, mut reader) = tls13_pair();
        assert_eq!(reader.open(parse(&tampered)), Err(Error::BadRecordMac), "byte {i}");
    }
    // A record sealed under sequence number 1, opened as number 0.
    let second = writer.seal(ContentType::ApplicationData, b"second").unwrap();
    assert_eq!(tls13_pair().1.open(parse(&second)), Err(Error::BadRecordMac));
    // Too short to hold a tag.
    let record =
        Record { content_type: ContentType::ApplicationData, version: [3, 3], fragment: vec![0; 15] };
    assert_eq!(tls13_pair().1.open(record), Err(Error::BadRecordMac));
}

// ---------------------------------------------------------------------------
// Plaintext records and the deframer.

#[test]
fn plaintext_records() {
    let mut writer = HalfConn::plaintext();
    writer.set_plaintext_version([3, 1]); // RFC 8446 §5.1: a first ClientHello may say 3.1
    let sealed = writer.seal(ContentType::Handshake, &[1, 0, 0, 0]).unwrap();
    assert_eq!(sealed, [22, 3, 1, 0, 4, 1, 0, 0, 0]);
    let mut reader = HalfConn::plaintext();
    assert_eq!(reader.open(parse(&sealed)).unwrap(), (ContentType::Handshake, vec![1, 0, 0, 0]));
    assert_eq!((writer.sequence_number(), reader.sequence_number()), (1, 1));

    let record = Record {
        content_type: ContentType::Handshake,
        version: [3, 3],
        fragment: vec![0; MAX_PLAINTEXT_LEN + 1],
    };
    assert_eq!(reader.open(record), Err(Error::RecordOverflow));
}

#[test]
fn content_type_codes_and_names() {
    for (code, name) in
        [(20, "change_cipher_spec"), (21, "alert"), (22, "handshake"), (23, "application_data")]
    {
        let content_type = ContentType::from_u8(code).unwrap();
        assert_eq!((content_type.to_u8(), content_type.name()), (code, name));
    }
    assert!((0..20).chain(24..=255).all(|code| ContentType::from_u8(code).is_none()));
}

/// Three records of different types and lengths (one empty), as one stream.
fn three_records() -> (Vec<u8>, Vec<Record>) {
    let mut writer = HalfConn::plaintext();
    let contents = [
        (ContentType::Handshake, vec![9; 300]),
        (ContentType::Alert, vec![]),
        (ContentType::ApplicationData, vec![1, 2, 3]),
    ];
    let mut stream = Vec::new();
    let mut records = Vec::new();
    for (content_type, fragment) in contents {
        stream.extend_from_slice(&writer.seal(content_type, &fragment).unwrap());
        records.push(Record { content_type, version: [3, 3], fragment });
    }
    (stream, records)
}

fn drain(deframer: &mut Deframer, into: &mut Vec<Record>) {
    while let Some(record) = deframer.next_record().unwrap() {
        into.push(record);
    }
}

#[test]
fn deframer_coalesced_and_split_at_every_byte() {
    let (stream, expected) = three_records();

    let mut deframer = Deframer::default();
    deframer.push(&stream);
    let mut records = Vec::new();
    drain(&mut deframer, &mut records);
    assert_eq!(records, expected, "all three records pushed at once");
    assert_eq!(deframer.buffered(), 0);

    for split in 0..=stream.len() {
        let mut deframer = Deframer::new();
        let mut records = Vec::new();
        deframer.push(&stream[..split]);
        drain(&mut deframer, &mut records);
        deframer.push(&stream[split..]);
        drain(&mut deframer, &mut records);
        assert_eq!(records, expected, "split at {split}");
        assert_eq!(deframer.buffered(), 0);
    }

    let mut deframer = Deframer::new();
    let mut records = Vec::new();
    for byte in &stream {
        deframer.push(core::slice::from_ref(byte));
        drain(&mut deframer, &mut records);
    }
    assert_eq!(records, expected, "one byte at a time");
}

#[test]
fn deframer_buffered_counts_a_partial_record() {
    let (stream, _) = three_records();
    let mut deframer = Deframer::new();
    deframer.push(&stream[..3]);
    assert_eq!(deframer.next_record(), Ok(None));
    assert_eq!(deframer.buffered(), 3);
    deframer.push(&stream[3..100]);
    assert_eq!(deframer.next_record(), Ok(None));
    assert_eq!(deframer.buffered(), 100);
    deframer.push(&stream[100..5 + 300 + 2]);
    assert!(deframer.next_record().unwrap().is_some());
    assert_eq!(deframer.buffered(), 2, "the start of the second record's header");
}

#[test]
fn deframer_refuses_an_oversize_length_from_the_header() {
    let over = MAX_TLS12_CIPHERTEXT_LEN + 1;
    let mut deframer = Deframer::new();
    deframer.push(&[23, 3, 3, (over >> 8) as u8, over as u8]);
    assert_eq!(deframer.next_record(), Err(Error::RecordOverflow), "before any of the body arrives");

    // The largest allowed length waits for its body.
    let max = MAX_TLS12_CIPHERTEXT_LEN;
    let mut deframer = Deframer::new();
    deframer.push(&[23, 3, 3, (max >> 8) as u8, max as u8]);
    assert_eq!(deframer.next_record(), Ok(None));
    deframer.push(&vec![0; max]);
    assert_eq!(deframer.next_record().unwrap().map(|r| r.fragment.len()), Some(max));
}

#[test]
fn deframer_refuses_bad_headers() {
    for code in [0, 19, 24, 255] {
        let mut deframer = Deframer::new();
        deframer.push(&[code, 3, 3, 0, 1, 0]);
        assert!(matches!(deframer.next_record(), Err(Error::UnexpectedMessage(_))), "type {code}");
    }
    for major in [0, 2, 4, 0x47] {
        let mut deframer = Deframer::new();
        deframer.push(&[22, major, 1, 0, 1, 0]);
        assert!(matches!(deframer.next_record(), Err(Error::Decode(_))), "version {major}.1");
    }
    // TLS 1.0's version in a header is still TLS.
    let mut deframer = Deframer::new();
    deframer.push(&[22, 3, 1, 0, 1, 7]);
    assert_eq!(deframer.next_record().unwrap().map(|r| (r.version, r.fragment)), Some(([3, 1], vec![7])));
}

// ---------------------------------------------------------------------------
// Every AEAD in both versions: ChaCha20-Poly1305 in TLS 1.2 (RFC 7905) and
// TLS 1.3 (RFC 8446 §5.2), beside AES-128-GCM and AES-256-GCM.

const ALGORITHMS: [AeadAlgorithm; 3] =
    [AeadAlgorithm::Aes128Gcm, AeadAlgorithm::Aes256Gcm, AeadAlgorithm::ChaCha20Poly1305];

fn key_for(algorithm: AeadAlgorithm) -> Vec<u8> {
    (0..algorithm.key_len()).map(|i| 0x5c ^ i as u8).collect()
}

fn tls12_iv_for(algorithm: AeadAlgorithm) -> Vec<u8> {
    (0..algorithm.tls12_fixed_iv_len()).map(|i| 0xa0 + i as u8).collect()
}

/// A writer and a reader under the same keys: TLS `version` 12 or 13.
fn pair_for(algorithm: AeadAlgorithm, version: u8) -> (HalfConn, HalfConn) {
    let key = key_for(algorithm);
    let half = || match version {
        12 => HalfConn::tls12(algorithm, &key, &tls12_iv_for(algorithm)).expect("valid key and IV"),
        _ => HalfConn::tls13(algorithm, &key, IV).expect("valid key"),
    };
    (half(), half())
}

#[test]
fn every_algorithm_and_version_round_trips() {
    for algorithm in ALGORITHMS {
        for version in [12, 13] {
            let (mut writer, mut reader) = pair_for(algorithm, version);
            assert_eq!(writer.algorithm(), Some(algorithm));
            let lengths = [0, 1, 15, 16, 17, 64, 65, 1000, MAX_PLAINTEXT_LEN];
            for (i, len) in lengths.into_iter().enumerate() {
                let payload: Vec<u8> = (0..len).map(|i| (i * 7) as u8).collect();
                let sealed = writer.seal(ContentType::ApplicationData, &payload).unwrap();
                let overhead = match version {
                    12 => algorithm.tls12_explicit_nonce_len() + 16,
                    _ => 1 + 16,
                };
                assert_eq!(
                    sealed.len(),
                    5 + len + overhead,
                    "{algorithm:?} TLS 1.{} length {len}",
                    version % 10
                );
                let (content_type, opened) = reader.open(parse(&sealed)).unwrap();
                assert_eq!((content_type, opened), (ContentType::ApplicationData, payload));
                assert_eq!(writer.sequence_number(), i as u64 + 1);
                assert_eq!(reader.sequence_number(), i as u64 + 1);
            }
        }
    }
}

#[test]
fn every_algorithm_and_version_refuses_tampering() {
    for algorithm in ALGORITHMS {
        for version in [12, 13] {
            let (mut writer, _) = pair_for(algorithm, version);
            let sealed = writer.seal(ContentType::Handshake, b"sixteen bytes!!!").unwrap();
            // Every byte of the fragment, and the header's minor version
            // (authenticated in both versions); in TLS 1.2 also its type.
            let header_bytes: &[usize] = if version == 12 { &[0, 2] } else { &[2] };
            for &i in header_bytes.iter().chain(&(5..sealed.len()).collect::<Vec<_>>()) {
                let mut tampered = sealed.clone();
                tampered[i] ^= 0x01;
                let (_, mut reader) = pair_for(algorithm, version);
                let what = format!("{algorithm:?} TLS 1.{} byte {i}", version % 10);
                assert_eq!(reader.open(parse(&tampered)), Err(Error::BadRecordMac), "{what}");
                assert_eq!(reader.sequence_number(), 0, "{what}: a failed open does not advance");
            }
        }
    }
}

/// RFC 7905 §2: nonce = client/server_write_IV XOR the sequence number (8
/// big-endian bytes left-padded with four zeros); no explicit nonce; the
/// additional data of RFC 5246 §6.2.3.3. Checked with RustCrypto's AEAD.
#[test]
fn tls12_chacha20_poly1305_is_rfc_7905() {
    let algorithm = AeadAlgorithm::ChaCha20Poly1305;
    let (key, iv) = (key_for(algorithm), tls12_iv_for(algorithm));
    let (mut writer, _) = pair_for(algorithm, 12);
    for _ in 0..0x0102 {
        writer.seal(ContentType::ApplicationData, b"earlier").unwrap();
    }
    let payload = b"record number 0x0102";
    let sealed = writer.seal(ContentType::ApplicationData, payload).unwrap();

    let fragment_len = payload.len() + 16;
    assert_eq!(sealed[..5], [23, 3, 3, 0, fragment_len as u8], "no explicit nonce in the length");
    let mut nonce: [u8; 12] = iv.try_into().unwrap();
    nonce[10] ^= 0x01;
    nonce[11] ^= 0x02;
    let mut aad = 0x0102u64.to_be_bytes().to_vec(); // seq_num
    aad.extend_from_slice(&[23, 3, 3, 0, payload.len() as u8]); // type, version, length
    let expected = independent_seal(&key, &nonce, &aad, payload);
    assert_eq!(sealed[5..], expected[..]);
}

/// RFC 8446 §5.2-5.3 with ChaCha20-Poly1305: nonce = iv XOR the padded
/// sequence number, the header as additional data, the inner type after the
/// content. Checked with RustCrypto's AEAD.
#[test]
fn tls13_chacha20_poly1305_layout() {
    let algorithm = AeadAlgorithm::ChaCha20Poly1305;
    let (mut writer, _) = pair_for(algorithm, 13);
    writer.seal(ContentType::Handshake, b"record zero").unwrap();
    let payload = b"record one";
    let sealed = writer.seal(ContentType::Handshake, payload).unwrap();

    let fragment_len = payload.len() + 1 + 16;
    let header = [23, 3, 3, 0, fragment_len as u8];
    assert_eq!(sealed[..5], header);
    let mut nonce = IV;
    nonce[11] ^= 1;
    let mut inner = payload.to_vec();
    inner.push(22); // the real content type
    assert_eq!(sealed[5..], independent_seal(&key_for(algorithm), &nonce, &header, &inner)[..]);
}

fn independent_seal(key: &[u8], nonce: &[u8; 12], aad: &[u8], plaintext: &[u8]) -> Vec<u8> {
    use chacha20poly1305::KeyInit;
    use chacha20poly1305::aead::AeadInOut;
    let key: [u8; 32] = key.try_into().expect("32-byte key");
    let aead = chacha20poly1305::ChaCha20Poly1305::new(&key.into());
    let mut sealed = plaintext.to_vec();
    let tag =
        aead.encrypt_inout_detached(&(*nonce).into(), aad, sealed.as_mut_slice().into()).expect("sealable");
    sealed.extend_from_slice(&tag);
    sealed
}

#[test]
fn tls12_chacha20_poly1305_short_fragment_and_wrong_sequence() {
    let algorithm = AeadAlgorithm::ChaCha20Poly1305;
    for len in 0..=16 {
        let record =
            Record { content_type: ContentType::ApplicationData, version: [3, 3], fragment: vec![0; len] };
        let (_, mut reader) = pair_for(algorithm, 12);
        assert_eq!(reader.open(record), Err(Error::BadRecordMac), "fragment of {len} bytes");
    }
    let (mut writer, mut reader) = pair_for(algorithm, 12);
    let _skipped = writer.seal(ContentType::ApplicationData, b"first").unwrap();
    let second = writer.seal(ContentType::ApplicationData, b"second").unwrap();
    assert_eq!(reader.open(parse(&second)), Err(Error::BadRecordMac), "sealed under 1, expected 0");
    let fragment = vec![0; MAX_PLAINTEXT_LEN + 1 + 16];
    let record = Record { content_type: ContentType::ApplicationData, version: [3, 3], fragment };
    assert_eq!(reader.open(record), Err(Error::RecordOverflow));
}

#[test]
fn key_and_iv_lengths_per_algorithm() {
    for algorithm in ALGORITHMS {
        let key = key_for(algorithm);
        for wrong in [0, 15, 24, 33] {
            if wrong == algorithm.key_len() {
                continue;
            }
            let short = vec![0; wrong];
            assert!(
                matches!(HalfConn::tls13(algorithm, &short, IV), Err(Error::Internal(_))),
                "{algorithm:?}"
            );
            let iv = tls12_iv_for(algorithm);
            assert!(
                matches!(HalfConn::tls12(algorithm, &short, &iv), Err(Error::Internal(_))),
                "{algorithm:?}"
            );
        }
        for wrong_iv in [0, 4, 8, 12, 16] {
            let result = HalfConn::tls12(algorithm, &key, &vec![0; wrong_iv]);
            assert_eq!(
                result.is_ok(),
                wrong_iv == algorithm.tls12_fixed_iv_len(),
                "{algorithm:?} IV {wrong_iv}"
            );
        }
    }
    assert_eq!(HalfConn::plaintext().algorithm(), None);
    assert_eq!(HalfConn::tls12_gcm(&[0; 32], SALT).unwrap().algorithm(), Some(AeadAlgorithm::Aes256Gcm));
    assert_eq!(HalfConn::tls13_gcm(&[0; 16], IV).unwrap().algorithm(), Some(AeadAlgorithm::Aes128Gcm));
}

/// Application data held in the deframer's buffer survives the compaction
/// that later pushes trigger, and is read back in order, in pieces of any
/// size.
#[test]
fn held_application_data_survives_compaction_and_reads_in_order() {
    let mut deframer = Deframer::new();
    let mut expected = Vec::new();
    let mut read = Vec::new();
    for round in 0u8..50 {
        // Two records per push, each body its own byte, held whole.
        let mut wire = Vec::new();
        for k in 0..2u8 {
            let body = vec![round.wrapping_mul(2).wrapping_add(k); 100 + usize::from(round) * 7];
            wire.extend_from_slice(&[23, 3, 3]);
            wire.extend_from_slice(&(body.len() as u16).to_be_bytes());
            wire.extend_from_slice(&body);
            expected.extend_from_slice(&body);
        }
        deframer.push(&wire);
        while let Some(record) = deframer.next_record_mut().expect("record") {
            let range = record.offset..record.offset + record.fragment.len();
            deframer.hold(range);
        }
        // Read only some of it: the rest must survive the next push.
        let mut piece = vec![0; 37 + usize::from(round)];
        let n = deframer.read_held(&mut piece);
        read.extend_from_slice(&piece[..n]);
    }
    let mut rest = vec![0; deframer.held()];
    assert_eq!(deframer.read_held(&mut rest), rest.len());
    read.extend_from_slice(&rest);
    assert_eq!(read, expected);
    assert_eq!(deframer.held(), 0);
    assert_eq!(deframer.read_held(&mut [0; 8]), 0);
}
