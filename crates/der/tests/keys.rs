//! The RSA test key in `tests/data`, made by OpenSSL (see `tests/data/README.md`),
//! read as Padlock's RSA code will read it: PKCS #8 `PrivateKeyInfo` around
//! a PKCS #1 `RSAPrivateKey`, and `SubjectPublicKeyInfo` around an
//! `RSAPublicKey`. The numbers must be the ones OpenSSL prints, the
//! structures must be written back byte for byte, and every cut-short or
//! altered copy must be refused.

mod common;

use common::{data, hex, read_vectors, walk::walk};
use padlock_der::{BitString, Error, Oid, Reader, Writer, oids, pem};

/// The names of the RSAPrivateKey INTEGERs after the version, in order
/// (RFC 8017 Appendix A.1.2), as the vector file spells them.
const PRIVATE_FIELDS: [&str; 8] = [
    "Modulus",
    "PublicExponent",
    "PrivateExponent",
    "Prime1",
    "Prime2",
    "Exponent1",
    "Exponent2",
    "Coefficient",
];

/// RFC 8017 Appendix A.1.2: `RSAPrivateKey ::= SEQUENCE { version, n, e, d,
/// p, q, d mod (p-1), d mod (q-1), q^-1 mod p, otherPrimeInfos OPTIONAL }`:
/// the version and the eight numbers (two primes, so no otherPrimeInfos).
fn read_rsa_private_key(der: &[u8]) -> Result<(i64, Vec<&[u8]>), Error> {
    Reader::new(der).read_all(|r| {
        r.read_sequence()?.read_all(|key| {
            let version = key.read_small_integer()?;
            Ok((version, (0..8).map(|_| key.read_unsigned_integer_bytes()).collect::<Result<_, _>>()?))
        })
    })
}

/// RFC 8017 Appendix A.1.1: `RSAPublicKey ::= SEQUENCE { modulus, publicExponent }`.
fn read_rsa_public_key(der: &[u8]) -> Result<(&[u8], &[u8]), Error> {
    Reader::new(der).read_all(|r| {
        r.read_sequence()?
            .read_all(|key| Ok((key.read_unsigned_integer_bytes()?, key.read_unsigned_integer_bytes()?)))
    })
}

/// An AlgorithmIdentifier (RFC 5280 §4.1.1.2) with NULL parameters, as
/// `rsaEncryption` has (RFC 8017 Appendix A.1): the algorithm.
fn read_algorithm(r: &mut Reader<'_>) -> Result<Oid, Error> {
    r.read_sequence()?.read_all(|alg| {
        let oid = alg.read_oid()?;
        alg.read_null()?;
        Ok(oid)
    })
}

/// RFC 5208 §5: `PrivateKeyInfo ::= SEQUENCE { version, privateKeyAlgorithm,
/// privateKey OCTET STRING, attributes [0] IMPLICIT ... OPTIONAL }`: the
/// version, the algorithm and the private key's DER.
fn read_private_key_info(der: &[u8]) -> Result<(i64, Oid, &[u8]), Error> {
    Reader::new(der).read_all(|r| {
        r.read_sequence()?.read_all(|info| {
            let version = info.read_small_integer()?;
            let algorithm = read_algorithm(info)?;
            let key = info.read_octet_string()?;
            // No attributes in OpenSSL's keys; skip them if there are.
            info.read_optional_context(0)?;
            Ok((version, algorithm, key))
        })
    })
}

/// RFC 5280 §4.1.2.7: `SubjectPublicKeyInfo ::= SEQUENCE { algorithm,
/// subjectPublicKey BIT STRING }`: the algorithm and the public key's DER.
fn read_subject_public_key_info(der: &[u8]) -> Result<(Oid, &[u8]), Error> {
    Reader::new(der).read_all(|r| {
        r.read_sequence()?.read_all(|spki| Ok((read_algorithm(spki)?, spki.read_bit_string()?.octets()?)))
    })
}

/// The RSAPrivateKey numbers inside a PKCS #8 key, checking the version and
/// the algorithm on the way.
fn read_pkcs8_rsa(der: &[u8]) -> Result<Vec<&[u8]>, Error> {
    let (version, algorithm, key) = read_private_key_info(der)?;
    let (key_version, numbers) = read_rsa_private_key(key)?;
    assert_eq!((version, algorithm, key_version), (0, oids::RSA_ENCRYPTION, 0));
    Ok(numbers)
}

/// The DER of a test data file, with the label it must have.
fn der_of(file: &str, label: &str) -> Vec<u8> {
    let pem = pem::decode(data(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
    assert_eq!(pem.label, label, "{file}");
    pem.contents.to_vec()
}

#[test]
fn private_key_numbers_are_the_ones_openssl_prints() {
    let pkcs8 = der_of("rsa1024-pkcs8.pem", "PRIVATE KEY");
    let fields = read_pkcs8_rsa(&pkcs8).unwrap();
    let vector = read_vectors("rsa1024.txt").pop().expect("one key");
    for (name, field) in PRIVATE_FIELDS.iter().zip(&fields) {
        assert_eq!(hex(field), hex(&vector.hex(name)), "{name}");
    }
    assert_eq!(fields[0].len(), 128, "a 1024-bit modulus");
}

#[test]
fn pkcs8_and_spki_wrap_the_pkcs1_encodings() {
    let pkcs8 = der_of("rsa1024-pkcs8.pem", "PRIVATE KEY");
    let pkcs1 = der_of("rsa1024-pkcs1.pem", "RSA PRIVATE KEY");
    assert_eq!(read_private_key_info(&pkcs8).unwrap(), (0, oids::RSA_ENCRYPTION, &pkcs1[..]));

    let spki = der_of("rsa1024-spki.pem", "PUBLIC KEY");
    let pkcs1_public = der_of("rsa1024-pkcs1-public.pem", "RSA PUBLIC KEY");
    let (algorithm, public) = read_subject_public_key_info(&spki).unwrap();
    assert_eq!((algorithm, public), (oids::RSA_ENCRYPTION, &pkcs1_public[..]));

    let (_, private) = read_rsa_private_key(&pkcs1).unwrap();
    assert_eq!(read_rsa_public_key(public).unwrap(), (private[0], private[1]));
}

/// The writer rebuilds each file from the numbers alone, byte for byte, and
/// PEM encoding gives back OpenSSL's text exactly.
#[test]
fn keys_are_written_back_byte_for_byte() {
    let pkcs1 = der_of("rsa1024-pkcs1.pem", "RSA PRIVATE KEY");
    let (_, fields) = read_rsa_private_key(&pkcs1).unwrap();
    let write = |f: &dyn Fn(&mut Writer)| {
        let mut w = Writer::new();
        f(&mut w);
        w.finish().unwrap()
    };
    let rsa_algorithm = |w: &mut Writer| {
        w.sequence(|w| {
            w.oid(&oids::RSA_ENCRYPTION);
            w.null();
        })
    };
    let private_key = write(&|w| {
        w.sequence(|w| {
            w.small_integer(0);
            fields.iter().for_each(|field| w.unsigned_integer(field));
        })
    });
    let pkcs8 = write(&|w| {
        w.sequence(|w| {
            w.small_integer(0);
            rsa_algorithm(w);
            w.octet_string(&private_key);
        })
    });
    let public_key = write(&|w| {
        w.sequence(|w| {
            w.unsigned_integer(fields[0]);
            w.unsigned_integer(fields[1]);
        })
    });
    let spki = write(&|w| {
        w.sequence(|w| {
            rsa_algorithm(w);
            w.bit_string(BitString::from_octets(&public_key));
        })
    });
    for (file, label, der) in [
        ("rsa1024-pkcs1.pem", "RSA PRIVATE KEY", &private_key),
        ("rsa1024-pkcs8.pem", "PRIVATE KEY", &pkcs8),
        ("rsa1024-pkcs1-public.pem", "RSA PUBLIC KEY", &public_key),
        ("rsa1024-spki.pem", "PUBLIC KEY", &spki),
    ] {
        assert_eq!(pem::encode(label, der), data(file), "{file}");
    }
}

#[test]
fn every_key_survives_the_walk() {
    for (file, label) in [
        ("rsa1024-pkcs1.pem", "RSA PRIVATE KEY"),
        ("rsa1024-pkcs8.pem", "PRIVATE KEY"),
        ("rsa1024-pkcs1-public.pem", "RSA PUBLIC KEY"),
        ("rsa1024-spki.pem", "PUBLIC KEY"),
    ] {
        assert_eq!(walk(Reader::new(&der_of(file, label))), Ok(()), "{file}");
    }
}

/// Cut short anywhere, the key is refused: the outer SEQUENCE's length then
/// runs past the end (or, cut to nothing, the SEQUENCE is missing).
#[test]
fn every_truncation_is_refused() {
    let pkcs8 = der_of("rsa1024-pkcs8.pem", "PRIVATE KEY");
    let spki = der_of("rsa1024-spki.pem", "PUBLIC KEY");
    let missing = Error::MissingElement { expected: padlock_der::Tag::SEQUENCE };
    assert_eq!(read_private_key_info(&[]).unwrap_err(), missing);
    assert_eq!(read_subject_public_key_info(&[]).unwrap_err(), missing);
    for len in 1..pkcs8.len() {
        assert_eq!(read_private_key_info(&pkcs8[..len]), Err(Error::Truncated), "cut at {len}");
        assert!(walk(Reader::new(&pkcs8[..len])).is_err(), "cut at {len}");
    }
    for len in 1..spki.len() {
        assert_eq!(read_subject_public_key_info(&spki[..len]), Err(Error::Truncated), "cut at {len}");
    }
    // The PEM text too, up to its last line break.
    let text = data("rsa1024-spki.pem");
    for len in 0..text.len() - 1 {
        assert!(pem::decode(&text[..len]).is_err(), "cut at {len}");
    }
}

/// Any one byte changed, reading the key fails or gives different numbers;
/// it never panics.
#[test]
fn every_altered_byte_is_noticed() {
    let pkcs8 = der_of("rsa1024-pkcs8.pem", "PRIVATE KEY");
    let original = read_pkcs8_rsa(&pkcs8).unwrap();
    for i in 0..pkcs8.len() {
        for flip in [0x01, 0x80, 0xff] {
            let mut altered = pkcs8.clone();
            altered[i] ^= flip;
            let _ = walk(Reader::new(&altered));
            let read = read_private_key_info(&altered)
                .and_then(|(version, algorithm, key)| Ok((version, algorithm, read_rsa_private_key(key)?)));
            if let Ok((version, algorithm, (key_version, numbers))) = read {
                let same = (version, algorithm, key_version, numbers)
                    == (0, oids::RSA_ENCRYPTION, 0, original.clone());
                assert!(!same, "byte {i} ^ {flip:#x} went unnoticed");
            }
        }
    }
}
