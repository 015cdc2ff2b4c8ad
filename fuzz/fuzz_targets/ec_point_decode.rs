//! SEC1 point decoding and SubjectPublicKeyInfo for P-256 and P-384:
//! arbitrary bytes never panic; a point that decodes is on the curve and
//! encodes back to exactly its bytes, in the form it came in (uncompressed
//! or compressed); an EC SubjectPublicKeyInfo that reads writes back to
//! exactly its bytes when its point was uncompressed.

#![no_main]

use libfuzzer_sys::fuzz_target;
use padlock_ec::{AffinePoint, CurveParams, EcPublicKey, p256, p384};

fn check<C: CurveParams<N>, const N: usize>(data: &[u8]) {
    let Ok(point) = AffinePoint::<C, N>::from_sec1(data) else { return };
    assert!(
        bool::from(AffinePoint::<C, N>::from_coordinates(point.x(), point.y()).is_some()),
        "on the curve"
    );
    let again = match data[0] {
        4 => point.to_sec1_uncompressed(),
        2 | 3 => point.to_sec1_compressed(),
        tag => panic!("decoded a point with leading byte {tag:#x}"),
    };
    assert_eq!(again, data, "re-encoding differs");
}

fuzz_target!(|data: &[u8]| {
    check::<p256::NistP256, 4>(data);
    check::<p384::NistP384, 6>(data);
    if let Ok(key) = EcPublicKey::from_spki_der(data) {
        let written = key.to_spki_der();
        assert_eq!(EcPublicKey::from_spki_der(&written), Ok(key), "SPKI round trip");
        if written.len() == data.len() {
            assert_eq!(written, data, "an uncompressed SPKI is written back to its bytes");
        }
    }
});
