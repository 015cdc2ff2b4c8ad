//! Arbitrary bytes through the TLS record layer (RFC 5246 §6.2, RFC 8446
//! §5): the deframer, fed in fuzzer-chosen pieces, splits them into the
//! same records as when fed at once; every record through every
//! protection (plaintext, TLS 1.2 AES-GCM, TLS 1.3 AES-GCM with fixed keys)
//! gives a plaintext or an error, never a panic; whatever opens stays
//! within the plaintext limit; and sealing then opening any plaintext
//! gives it back.

#![no_main]

use libfuzzer_sys::fuzz_target;
use padlock_tls::record::{ContentType, Deframer, HalfConn, MAX_PLAINTEXT_LEN};

const KEY: [u8; 16] = [7; 16];

fuzz_target!(|data: &[u8]| {
    let Some((&split, bytes)) = data.split_first() else { return };
    let split = usize::from(split).min(bytes.len());

    let mut whole = Deframer::new();
    whole.push(bytes);
    let mut pieces = Deframer::new();
    pieces.push(&bytes[..split]);
    let mut from_pieces = Vec::new();
    while let Ok(Some(record)) = pieces.next_record() {
        from_pieces.push(record);
    }
    pieces.push(&bytes[split..]);
    let mut first_error = None;
    loop {
        match pieces.next_record() {
            Ok(Some(record)) => from_pieces.push(record),
            Ok(None) => break,
            Err(e) => {
                first_error = Some(e);
                break;
            }
        }
    }
    let mut from_whole = Vec::new();
    let mut whole_error = None;
    loop {
        match whole.next_record() {
            Ok(Some(record)) => from_whole.push(record),
            Ok(None) => break,
            Err(e) => {
                whole_error = Some(e);
                break;
            }
        }
    }
    assert_eq!(from_whole, from_pieces);
    assert_eq!(whole_error, first_error);

    for record in from_whole {
        let halves = [
            HalfConn::plaintext(),
            HalfConn::tls12_gcm(&KEY, [1, 2, 3, 4]).expect("key"),
            HalfConn::tls13_gcm(&KEY, [9; 12]).expect("key"),
        ];
        for mut half in halves {
            if let Ok((_, plaintext)) = half.open(record.clone()) {
                assert!(plaintext.len() <= MAX_PLAINTEXT_LEN);
            }
        }
    }

    // Round trip: any payload up to the limit seals and opens back.
    let payload = &bytes[..bytes.len().min(MAX_PLAINTEXT_LEN)];
    for (mut writer, mut reader) in [
        (HalfConn::tls12_gcm(&KEY, [1; 4]).expect("key"), HalfConn::tls12_gcm(&KEY, [1; 4]).expect("key")),
        (HalfConn::tls13_gcm(&KEY, [2; 12]).expect("key"), HalfConn::tls13_gcm(&KEY, [2; 12]).expect("key")),
    ] {
        let sealed = writer.seal(ContentType::ApplicationData, payload).expect("seal");
        let mut deframer = Deframer::new();
        deframer.push(&sealed);
        let record = deframer.next_record().expect("frame").expect("one record");
        let (content_type, opened) = reader.open(record).expect("open");
        assert_eq!(content_type, ContentType::ApplicationData);
        assert_eq!(opened, payload);
    }
});
