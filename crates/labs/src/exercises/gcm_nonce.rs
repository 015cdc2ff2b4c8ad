//! Exercise 3 (lab `gcm-nonce`): seal TLS 1.2 AES-GCM records with nonces
//! that never repeat.
//!
//! [`exercise`] is the switched record layer's seal: every record gets
//! explicit nonce 0. Rewrite it so that no two records sealed under one key
//! share a nonce — RFC 5288 §3 lets the sender choose the explicit nonce,
//! and the sequence number is the safe choice (Go's, OpenSSL's, Padlock's).
//! [`reference()`] is padlock-tls's `seal_tls12` (crates/tls/src/record/protection.rs).
//!
//! `cargo test -p padlock-labs --test exercises -- --ignored gcm_nonce`
//! seals three records with your function, runs the forbidden attack on
//! them, and hands the forged record to padlock-tls's real record layer.

use padlock_aes::{Aead as _, AesGcm};
use padlock_tls::record::{ContentType, HalfConn, Record};

use super::Verdict;
use crate::gcm_nonce::{self, SealedRecord};

/// Seals `payload` as TLS 1.2 record number `seq` of type `content_type`;
/// returns the fragment (explicit nonce, ciphertext, tag). **The vulnerable
/// version: rewrite it.**
pub fn exercise(aead: &AesGcm, salt: [u8; 4], seq: u64, content_type: u8, payload: &[u8]) -> Vec<u8> {
    // RFC 5288 §3: the explicit nonce is ours to choose...
    let explicit_nonce = 0u64.to_be_bytes();
    seal(aead, salt, seq, explicit_nonce, content_type, payload)
}

/// The reference solution: the sequence number as the explicit nonce.
pub fn reference(aead: &AesGcm, salt: [u8; 4], seq: u64, content_type: u8, payload: &[u8]) -> Vec<u8> {
    seal(aead, salt, seq, seq.to_be_bytes(), content_type, payload)
}

/// RFC 5246 §6.2.3.3 with RFC 5288 §3: nonce = salt || explicit nonce, aad =
/// seq || type || version || length, fragment = explicit nonce || C || T.
fn seal(
    aead: &AesGcm,
    salt: [u8; 4],
    seq: u64,
    explicit: [u8; 8],
    content_type: u8,
    payload: &[u8],
) -> Vec<u8> {
    let nonce = [salt.as_slice(), &explicit].concat();
    let mut aad = seq.to_be_bytes().to_vec();
    aad.extend_from_slice(&[content_type, 3, 3]);
    aad.extend_from_slice(&(payload.len() as u16).to_be_bytes());
    let mut fragment = explicit.to_vec();
    fragment.extend_from_slice(payload);
    match aead.seal_in_place(&nonce, &aad, &mut fragment[8..]) {
        Ok(tag) => fragment.extend_from_slice(tag.as_ref()),
        Err(_) => fragment.clear(),
    }
    fragment
}

/// The signature of [`exercise`] and [`reference()`].
pub type SealRecord = fn(&AesGcm, [u8; 4], u64, u8, &[u8]) -> Vec<u8>;

/// Checks `seal`: its records must open with padlock-tls's record layer,
/// and a record forged by the forbidden attack must not.
pub fn check(seal: SealRecord) -> Verdict {
    let key = [0x1f; 16];
    let salt = [0xa5, 0x5a, 0x01, 0x02];
    let Ok(aead) = AesGcm::new(&key) else { return Verdict::Broken("no key".into()) };
    let body = b"Pay 10.00 EUR to Bob.\n";
    let headers = b"HTTP/1.1 200 OK\r\nContent-Length: 22\r\n\r\n";
    let forged = b"Pay 99.99 EUR to Eve.\n";
    let payloads: [(u8, &[u8]); 3] =
        [(22, &[20, 0, 0, 12, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]), (23, headers), (23, body)];
    let fragments: Vec<Vec<u8>> =
        payloads.iter().enumerate().map(|(seq, (typ, p))| seal(&aead, salt, seq as u64, *typ, p)).collect();
    let opened = open_all(&key, salt, &fragments);
    if opened.as_deref() != Ok(payloads.map(|(_, p)| p.to_vec()).as_slice()) {
        return Verdict::Broken(format!("padlock-tls cannot open the records: {opened:?}"));
    }
    let sealed: Vec<SealedRecord> = (fragments.iter().enumerate())
        .filter_map(|(seq, f)| SealedRecord::from_wire(seq as u64, payloads[seq].0, f))
        .collect();
    let Ok(records) = <[SealedRecord; 3]>::try_from(sealed) else {
        return Verdict::Broken("short records".into());
    };
    let forgery = gcm_nonce::forge(&records, headers, forged, 1);
    let mut tampered = fragments.clone();
    tampered[2] = forgery.record.fragment();
    match open_all(&key, salt, &tampered) {
        Ok(opened) if opened[2] == forged => Verdict::Vulnerable(format!(
            "the forbidden attack found H among {} candidates and the record layer accepted a forgery",
            forgery.candidates.len()
        )),
        _ => Verdict::Resists("the forged record fails authentication".into()),
    }
}

/// Opens the records in order with padlock-tls's real record layer.
fn open_all(key: &[u8], salt: [u8; 4], fragments: &[Vec<u8>]) -> Result<Vec<Vec<u8>>, String> {
    let mut reader = HalfConn::tls12_gcm(key, salt).map_err(|e| e.to_string())?;
    let types = [ContentType::Handshake, ContentType::ApplicationData, ContentType::ApplicationData];
    (fragments.iter().zip(types))
        .map(|(fragment, content_type)| {
            let record = Record { content_type, version: [3, 3], fragment: fragment.clone() };
            reader.open(record).map(|(_, data)| data).map_err(|e| e.to_string())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reference seals byte for byte as padlock-tls's record layer does.
    #[test]
    fn the_reference_is_the_record_layer() {
        let (key, salt) = ([3u8; 16], [1, 2, 3, 4]);
        let aead = AesGcm::new(&key).unwrap();
        let mut writer = HalfConn::tls12_gcm(&key, salt).unwrap();
        for seq in 0..3u64 {
            let payload = vec![seq as u8; 20 + seq as usize];
            let record = writer.seal(ContentType::ApplicationData, &payload).unwrap();
            assert_eq!(record[5..], reference(&aead, salt, seq, 23, &payload)[..]);
        }
    }
}
