//! PEM (RFC 7468): the examples of RFC 8410, the lax parsing of RFC 7468 §3
//! (whitespace and line endings anywhere, text around the blocks), several
//! blocks, and every way a block can be malformed.

mod common;

use common::{data, unhex};
use padlock_der::{Error, pem};

/// RFC 8410 §10.1: an Ed25519 public key.
const RFC8410_PUBLIC_KEY: &str = "-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=
-----END PUBLIC KEY-----
";

/// RFC 8410 §10.3: the matching private key, in PKCS #8.
const RFC8410_PRIVATE_KEY: &str = "-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEINTuctv5E1hK1bbY8fdp+K06/nwoy/HU++CXqI9EdVhC
-----END PRIVATE KEY-----
";

#[test]
fn rfc8410_examples() {
    let public = pem::decode(RFC8410_PUBLIC_KEY).unwrap();
    assert_eq!(public.label, "PUBLIC KEY");
    let expected = unhex(
        "30 2a 30 05 06 03 2b 65 70 03 21 00
         19bf44096984cdfe8541bac167dc3b96c85086aa30b6b6cb0c5c38ad703166e1",
    );
    assert_eq!(&public.contents[..], expected);
    assert_eq!(pem::encode("PUBLIC KEY", &public.contents), RFC8410_PUBLIC_KEY);

    let private = pem::decode(RFC8410_PRIVATE_KEY).unwrap();
    assert_eq!((private.label.as_str(), private.contents.len()), ("PRIVATE KEY", 48));
    assert_eq!(pem::encode("PRIVATE KEY", &private.contents), RFC8410_PRIVATE_KEY);
    // Debug output shows the size, never the key.
    assert_eq!(format!("{private:?}"), r#"Pem { label: "PRIVATE KEY", contents: 48 bytes }"#);
}

/// RFC 7468 §3 lax parsing: CRLF, blank lines, spaces and tabs inside the
/// Base64, text before and after (§5.2).
#[test]
fn lax_whitespace_and_surrounding_text() {
    let expected = pem::decode(RFC8410_PUBLIC_KEY).unwrap().contents;
    let variants = [
        RFC8410_PUBLIC_KEY.replace('\n', "\r\n"),
        RFC8410_PUBLIC_KEY.trim_end().to_string(),
        format!("Subject: CN=Example\nIssuer: the RFC\n\n{RFC8410_PUBLIC_KEY}\ntrailing words\n"),
        "-----BEGIN PUBLIC KEY-----\n\n  MCowBQYDK2VwAyEA\tGb9ECWmEzf6FQbrBZ9w7lshQhqo\n wtrbLDFw4rXAxZuE=\x0b\x0c\n\n-----END PUBLIC KEY-----"
            .to_string(),
        "-----BEGIN PUBLIC KEY-----MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=-----END PUBLIC KEY-----"
            .to_string(),
    ];
    for text in variants {
        let pem = pem::decode(&text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
        assert_eq!(pem.contents, expected, "{text:?}");
    }
}

#[test]
fn several_blocks() {
    let chain = format!("leaf:\n{RFC8410_PUBLIC_KEY}\nkey:\n{RFC8410_PRIVATE_KEY}");
    let blocks = pem::decode_all(&chain).unwrap();
    let labels: Vec<&str> = blocks.iter().map(|b| b.label.as_str()).collect();
    assert_eq!(labels, ["PUBLIC KEY", "PRIVATE KEY"]);
    assert_eq!(pem::decode(&chain).unwrap().label, "PUBLIC KEY");
    let private = pem::decode_labelled(&chain, "PRIVATE KEY").unwrap();
    assert_eq!(private, pem::decode(RFC8410_PRIVATE_KEY).unwrap().contents);
    assert_eq!(
        pem::decode_labelled(&chain, "CERTIFICATE"),
        Err(Error::PemLabelNotFound { label: "CERTIFICATE".into() })
    );
    // The four OpenSSL key files, one after another.
    let files = ["rsa1024-pkcs8.pem", "rsa1024-spki.pem", "rsa1024-pkcs1.pem", "rsa1024-pkcs1-public.pem"];
    let all: String = files.iter().map(|f| data(f)).collect();
    let labels: Vec<String> = pem::decode_all(all).unwrap().into_iter().map(|b| b.label.clone()).collect();
    assert_eq!(labels, ["PRIVATE KEY", "PUBLIC KEY", "RSA PRIVATE KEY", "RSA PUBLIC KEY"]);
}

#[test]
fn long_contents_wrap_at_64_characters() {
    let contents: Vec<u8> = (0..=255).collect();
    let text = pem::encode("X509 CRL", &contents);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "-----BEGIN X509 CRL-----");
    assert!(lines[1..lines.len() - 2].iter().all(|l| l.len() == 64));
    assert_eq!(lines[lines.len() - 2].len(), 344 % 64);
    assert_eq!(lines[lines.len() - 1], "-----END X509 CRL-----");
    assert_eq!(&pem::decode(&text).unwrap().contents[..], contents);
    // Empty contents and an empty label are allowed (RFC 7468 §3).
    let empty = pem::encode("", &[]);
    assert_eq!(empty, "-----BEGIN -----\n-----END -----\n");
    assert_eq!(pem::decode(&empty).unwrap().contents.len(), 0);
}

#[test]
fn malformed_blocks() {
    let cases: [(String, Error); 12] = [
        ("no PEM here".into(), Error::PemNotFound),
        ("".into(), Error::PemNotFound),
        // BEGIN must start a line.
        ("text -----BEGIN PUBLIC KEY-----".into(), Error::PemNotFound),
        (
            RFC8410_PUBLIC_KEY.replace("END PUBLIC KEY", "END PRIVATE KEY"),
            Error::PemLabelMismatch { begin: "PUBLIC KEY".into(), end: "PRIVATE KEY".into() },
        ),
        (
            RFC8410_PUBLIC_KEY.replace("-----END PUBLIC KEY-----", ""),
            Error::PemMissingEnd { label: "PUBLIC KEY".into() },
        ),
        ("-----BEGIN PUBLIC KEY\nMCow\n".into(), Error::PemInvalidLabel),
        (RFC8410_PUBLIC_KEY.replace("PUBLIC KEY", "PUBLIC  KEY"), Error::PemInvalidLabel),
        (RFC8410_PUBLIC_KEY.replace("PUBLIC KEY", "-PUBLIC"), Error::PemInvalidLabel),
        (RFC8410_PUBLIC_KEY.replace("MCow", "MC*w"), Error::InvalidBase64Character),
        (RFC8410_PUBLIC_KEY.replace("ZuE=", "ZuE"), Error::InvalidBase64Padding),
        (RFC8410_PUBLIC_KEY.replace("ZuE=", "ZuF="), Error::NonZeroBase64Bits),
        (
            RFC8410_PRIVATE_KEY.replace("KEY-----\nMC4C", "KEY-----\nProc-Type: 4,ENCRYPTED\n\nMC4C"),
            Error::PemHeaders,
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(pem::decode(&text).unwrap_err(), expected, "{text:?}");
        assert_eq!(pem::decode_all(&text).unwrap_err(), expected, "{text:?}");
    }
    // A good block does not excuse a bad one after it.
    let chain = format!("{RFC8410_PUBLIC_KEY}{}", RFC8410_PRIVATE_KEY.replace("END PRIVATE", "END PUBLIC"));
    assert!(pem::decode(&chain).is_ok());
    assert!(matches!(pem::decode_all(&chain), Err(Error::PemLabelMismatch { .. })));
}
