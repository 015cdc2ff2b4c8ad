//! Hand-built encodings from the standards, read and written back: the
//! examples of B. Kaliski, "A Layman's Guide to a Subset of ASN.1, BER, and
//! DER" (RSA Laboratories, 1993), X.690 Annex A, and the structures of
//! RFC 8017 (DigestInfo), RFC 5280 (certificate fields) and RFC 8410 (a
//! PKCS #8 v2 key with IMPLICIT tags).

mod common;

use common::{unhex, walk::walk};
use padlock_der::{BitString, Class, Error, Oid, Reader, StringKind, Tag, Time, Writer, oids, pem};

/// What `write` writes.
fn written(write: impl FnOnce(&mut Writer)) -> Vec<u8> {
    let mut w = Writer::new();
    write(&mut w);
    w.finish().expect("writable")
}

/// Layman's Guide §5.7: INTEGER 0, 127, 128, 256, -128, -129.
#[test]
fn laymans_guide_integers() {
    let cases: [(i64, &str); 6] = [
        (0, "02 01 00"),
        (127, "02 01 7f"),
        (128, "02 02 00 80"),
        (256, "02 02 01 00"),
        (-128, "02 01 80"),
        (-129, "02 02 ff 7f"),
    ];
    for (value, der) in cases {
        let der = unhex(der);
        assert_eq!(written(|w| w.small_integer(value)), der, "{value}");
        assert_eq!(Reader::new(&der).read_all(|r| r.read_small_integer()), Ok(value));
        assert_eq!(Reader::new(&der).read_all(|r| r.read_integer_bytes()), Ok(&der[2..]));
        let unsigned = Reader::new(&der).read_all(|r| r.read_small_unsigned());
        assert_eq!(unsigned, u64::try_from(value).map_err(|_| Error::NegativeInteger));
    }
}

/// Layman's Guide §5.4, §5.8 to §5.11 and §5.17 to §5.19: one value of each
/// primitive type.
#[test]
fn laymans_guide_primitives() {
    // BIT STRING '011011100101110111'B: 18 bits, 6 unused.
    let der = unhex("03 04 06 6e 5d c0");
    let bits = Reader::new(&der).read_all(|r| r.read_bit_string()).unwrap();
    assert_eq!((bits.unused_bits(), bits.len_bits()), (6, 18));
    assert_eq!(bits.octets(), Err(Error::UnalignedBitString));
    assert!(bits.is_set(1) && !bits.is_set(0) && bits.is_set(17) && !bits.is_set(18));
    assert_eq!(written(|w| w.bit_string(bits)), der);

    let der = unhex("04 08 01 23 45 67 89 ab cd ef");
    assert_eq!(Reader::new(&der).read_all(|r| r.read_octet_string()), Ok(&der[2..]));

    assert_eq!(Reader::new(&[0x05, 0x00]).read_all(|r| r.read_null()), Ok(()));

    let der = unhex("06 06 2a 86 48 86 f7 0d");
    let oid = Reader::new(&der).read_all(|r| r.read_oid()).unwrap();
    assert_eq!(oid.to_string(), "1.2.840.113549");
    assert_eq!(written(|w| w.oid(&oid)), der);

    let der = unhex("13 0b 54 65 73 74 20 55 73 65 72 20 31");
    assert_eq!(Reader::new(&der).read_all(|r| r.read_printable_string()), Ok("Test User 1"));
    assert_eq!(written(|w| w.printable_string("Test User 1")), der);

    let der = unhex("16 0d 74 65 73 74 31 40 72 73 61 2e 63 6f 6d");
    assert_eq!(Reader::new(&der).read_all(|r| r.read_ia5_string()), Ok("test1@rsa.com"));

    // UTCTime for 6 May 1991, 23:45:40 GMT.
    let der = unhex("17 0d 39 31 30 35 30 36 32 33 34 35 34 30 5a");
    let time = Reader::new(&der).read_all(|r| r.read_time()).unwrap();
    assert_eq!(time, Time::new(1991, 5, 6, 23, 45, 40).unwrap());
    assert_eq!(time.unix_seconds(), 673_573_540);
    assert_eq!(written(|w| w.time(&time)), der);
}

/// X.690 Annex A: the personnel record, with APPLICATION and context tags,
/// a SET and VisibleStrings. (The example is BER, but definite-length and
/// minimal throughout.)
#[test]
fn x690_annex_a_personnel_record() {
    let der = unhex(
        "60 81 85
           61 10 1a 04 4a6f686e 1a 01 50 1a 05 536d697468
           a0 0a 1a 08 4469726563746f72
           42 01 33
           a1 0a 43 08 3139373130393137
           a2 12 61 10 1a 04 4d617279 1a 01 54 1a 05 536d697468
           a3 42
             31 1f 61 11 1a 05 52616c7068 1a 01 54 1a 05 536d697468 a0 0a 43 08 3139353731313131
             31 1f 61 11 1a 05 537573616e 1a 01 42 1a 05 4a6f6e6573 a0 0a 43 08 3139353930373137",
    );
    let app = |n, constructed| Tag::new(Class::Application, constructed, n);
    let name = |r: &mut Reader<'_>| {
        r.read_element(app(1, true))?.reader()?.read_all(|n| {
            let visible = |n: &mut Reader<'_>| n.read_string(StringKind::Visible).map(|s| s.into_owned());
            Ok([visible(n)?, visible(n)?, visible(n)?].join(" "))
        })
    };
    let date = |r: &mut Reader<'_>| {
        r.read_element(app(3, false))?.string(StringKind::Visible).map(|s| s.into_owned())
    };
    let record = Reader::new(&der).read_all(|r| {
        r.read_element(app(0, true))?.reader()?.read_all(|set| {
            let employee = name(set)?;
            let title = set.read_explicit(0)?.read_all(|t| t.read_string(StringKind::Visible))?;
            let number = set.read_element(app(2, false))?.small_integer()?;
            let hired = set.read_explicit(1)?.read_all(date)?;
            let spouse = set.read_explicit(2)?.read_all(name)?;
            let mut children = set.read_implicit(3)?.reader()?;
            let mut born = Vec::new();
            while !children.is_empty() {
                let mut child = children.read_element(Tag::SET)?.reader()?;
                born.push((name(&mut child)?, child.read_explicit(0)?.read_all(date)?));
                child.finish()?;
            }
            Ok((employee, title.into_owned(), number, hired, spouse, born))
        })
    });
    let (employee, title, number, hired, spouse, children) = record.unwrap();
    assert_eq!((employee.as_str(), title.as_str(), number), ("John P Smith", "Director", 51));
    assert_eq!((hired.as_str(), spouse.as_str()), ("19710917", "Mary T Smith"));
    assert_eq!(children[1], ("Susan B Jones".to_string(), "19590717".to_string()));

    // Written back with the same tags, the bytes are the same.
    let name = |w: &mut Writer, parts: [&str; 3]| {
        w.constructed(app(1, true), |w| parts.iter().for_each(|p| w.string(StringKind::Visible, p)));
    };
    let date = |w: &mut Writer, d: &str| w.element(app(3, false), d.as_bytes());
    let rewritten = written(|w| {
        w.constructed(app(0, true), |w| {
            name(w, ["John", "P", "Smith"]);
            w.explicit(0, |w| w.string(StringKind::Visible, "Director"));
            w.element(app(2, false), &[51]);
            w.explicit(1, |w| date(w, "19710917"));
            w.explicit(2, |w| name(w, ["Mary", "T", "Smith"]));
            w.implicit(3, |w| {
                w.sequence(|w| {
                    for (child, born) in
                        [(["Ralph", "T", "Smith"], "19571111"), (["Susan", "B", "Jones"], "19590717")]
                    {
                        w.constructed(Tag::SET, |w| {
                            name(w, child);
                            w.explicit(0, |w| date(w, born));
                        });
                    }
                })
            });
        })
    });
    assert_eq!(rewritten, der);
    assert_eq!(walk(Reader::new(&der)), Ok(()));
}

/// RFC 8017 §9.2, Note 1: the DER of DigestInfo up to the digest, for every
/// hash function it lists that Padlock has.
#[test]
fn rfc8017_digest_info_prefixes() {
    let cases = [
        (oids::SHA1, 20, "30 21 30 09 06 05 2b 0e 03 02 1a 05 00 04 14"),
        (oids::SHA224, 28, "30 2d 30 0d 06 09 60 86 48 01 65 03 04 02 04 05 00 04 1c"),
        (oids::SHA256, 32, "30 31 30 0d 06 09 60 86 48 01 65 03 04 02 01 05 00 04 20"),
        (oids::SHA384, 48, "30 41 30 0d 06 09 60 86 48 01 65 03 04 02 02 05 00 04 30"),
        (oids::SHA512, 64, "30 51 30 0d 06 09 60 86 48 01 65 03 04 02 03 05 00 04 40"),
        (oids::SHA512_224, 28, "30 2d 30 0d 06 09 60 86 48 01 65 03 04 02 05 05 00 04 1c"),
        (oids::SHA512_256, 32, "30 31 30 0d 06 09 60 86 48 01 65 03 04 02 06 05 00 04 20"),
    ];
    for (hash, len, prefix) in cases {
        let digest = vec![0x5a; len];
        let der = written(|w| {
            w.sequence(|w| {
                w.sequence(|w| {
                    w.oid(&hash);
                    w.null();
                });
                w.octet_string(&digest);
            })
        });
        assert_eq!(der, [unhex(prefix), digest.clone()].concat(), "{hash:?}");
        let read = Reader::new(&der).read_all(|r| {
            r.read_sequence()?.read_all(|info| {
                let algorithm = info.read_sequence()?.read_all(|a| Ok((a.read_oid()?, a.read_null()?)))?;
                Ok((algorithm.0, info.read_octet_string()?))
            })
        });
        assert_eq!(read, Ok((hash, &digest[..])));
    }
}

/// RFC 5280 §4.1 fields as certificates encode them: `version [0] EXPLICIT`,
/// `Validity`, a `Name`, and the basicConstraints, subjectAltName and
/// authorityKeyIdentifier extensions (RFC 5280 §4.2.1.9, §4.2.1.6, §4.2.1.1).
#[test]
fn rfc5280_certificate_fields() {
    // version [0] EXPLICIT Version DEFAULT v1: v3 is 2.
    let der = unhex("a0 03 02 01 02");
    assert_eq!(written(|w| w.explicit(0, |w| w.small_integer(2))), der);
    let mut r = Reader::new(&der);
    assert_eq!(r.read_optional_explicit(1).map(|e| e.is_some()), Ok(false));
    assert_eq!(r.read_optional_explicit(0).unwrap().unwrap().read_all(|v| v.read_small_integer()), Ok(2));

    // Validity: UTCTime through 2049, GeneralizedTime from 2050 (§4.1.2.5).
    let not_before = Time::new(2024, 2, 29, 12, 0, 0).unwrap();
    let not_after = Time::new(2050, 1, 1, 0, 0, 0).unwrap();
    let der = written(|w| {
        w.sequence(|w| {
            w.time(&not_before);
            w.time(&not_after);
        })
    });
    assert_eq!(der, unhex("30 20 17 0d 3234303232393132303030305a 18 0f 32303530303130313030303030305a"));
    let validity =
        Reader::new(&der).read_all(|r| r.read_sequence()?.read_all(|v| Ok((v.read_time()?, v.read_time()?))));
    assert_eq!(validity, Ok((not_before, not_after)));

    // Name: SEQUENCE OF RelativeDistinguishedName (SET OF AttributeTypeAndValue).
    let der = written(|w| {
        w.sequence(|w| {
            w.set_of(|w| {
                w.sequence(|w| {
                    w.oid(&oids::COUNTRY_NAME);
                    w.printable_string("NL");
                })
            });
            w.set_of(|w| {
                w.sequence(|w| {
                    w.oid(&oids::COMMON_NAME);
                    w.utf8_string("Padlock Test CA");
                })
            });
        })
    });
    let names = Reader::new(&der).read_all(|r| {
        let mut rdns = r.read_sequence()?;
        let mut names = Vec::new();
        while !rdns.is_empty() {
            let atv = rdns.read_set_of()?.read_all(|set| {
                set.read_sequence()?.read_all(|a| Ok((a.read_oid()?, a.read_any_string()?)))
            })?;
            names.push(format!("{}={}", oids::by_oid(&atv.0).unwrap().aliases[0], atv.1.1));
        }
        Ok(names)
    });
    assert_eq!(names.unwrap(), ["C=NL", "CN=Padlock Test CA"]);

    // Extension { extnID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }
    let der = unhex("30 0f 06 03 55 1d 13 01 01 ff 04 05 30 03 01 01 ff");
    let (id, critical, ca) = Reader::new(&der)
        .read_all(|r| {
            r.read_sequence()?.read_all(|ext| {
                let id = ext.read_oid()?;
                let critical =
                    ext.read_optional(Tag::BOOLEAN)?.map(|b| b.boolean()).transpose()?.unwrap_or(false);
                let value = ext.read_octet_string()?;
                let ca =
                    Reader::new(value).read_all(|v| v.read_sequence()?.read_all(|bc| bc.read_boolean()))?;
                Ok((id, critical, ca))
            })
        })
        .unwrap();
    assert_eq!((id, critical, ca), (oids::BASIC_CONSTRAINTS, true, true));

    // GeneralNames with dNSName [2] IMPLICIT IA5String and iPAddress [7] IMPLICIT OCTET STRING.
    let der = written(|w| {
        w.sequence(|w| {
            w.implicit(2, |w| w.ia5_string("padlock.example"));
            w.implicit(7, |w| w.octet_string(&[127, 0, 0, 1]));
        })
    });
    assert_eq!(der[..4], [0x30, 0x17, 0x82, 0x0f]);
    let (dns, ip) = Reader::new(&der)
        .read_all(|r| {
            r.read_sequence()?.read_all(|names| {
                let dns = names.read_implicit(2)?.string(StringKind::Ia5)?;
                Ok((dns, names.read_implicit(7)?.octet_string()?))
            })
        })
        .unwrap();
    assert_eq!((&*dns, ip), ("padlock.example", &[127, 0, 0, 1][..]));

    // AuthorityKeyIdentifier ::= SEQUENCE { keyIdentifier [0] IMPLICIT OCTET STRING OPTIONAL, ... }
    let der = unhex("30 06 80 04 01 02 03 04");
    let key_id = Reader::new(&der).read_all(|r| {
        r.read_sequence()?.read_all(|aki| aki.read_optional_context(0)?.map(|e| e.octet_string()).transpose())
    });
    assert_eq!(key_id, Ok(Some(&[1, 2, 3, 4][..])));
}

/// RFC 8410 §10.3: an Ed25519 private key as PKCS #8 v2 (OneAsymmetricKey,
/// RFC 5958), with `attributes [0] IMPLICIT` (a SET OF) and
/// `publicKey [1] IMPLICIT BIT STRING`.
#[test]
fn rfc8410_one_asymmetric_key() {
    let text = "-----BEGIN PRIVATE KEY-----
MHICAQEwBQYDK2VwBCIEINTuctv5E1hK1bbY8fdp+K06/nwoy/HU++CXqI9EdVhC
oB8wHQYKKoZIhvcNAQkJFDEPDA1DdXJkbGUgQ2hhaXJzgSEAGb9ECWmEzf6FQbrB
Z9w7lshQhqowtrbLDFw4rXAxZuE=
-----END PRIVATE KEY-----
";
    let pem = pem::decode(text).unwrap();
    assert_eq!(pem.label, "PRIVATE KEY");
    let (private, friendly_name, public) = Reader::new(&pem.contents)
        .read_all(|r| {
            r.read_sequence()?.read_all(|key| {
                assert_eq!(key.read_small_integer()?, 1); // v2
                assert_eq!(key.read_sequence()?.read_all(|alg| alg.read_oid())?, oids::ED25519);
                let private = Reader::new(key.read_octet_string()?).read_all(|k| k.read_octet_string())?;
                let attributes = key.read_implicit(0)?;
                let name = attributes.reader()?.read_all(|attrs| {
                    attrs.read_sequence()?.read_all(|attr| {
                        assert_eq!(attr.read_oid()?, "1.2.840.113549.1.9.9.20".parse::<Oid>()?);
                        attr.read_set_of()?.read_all(|values| values.read_utf8_string())
                    })
                })?;
                let public = key.read_implicit(1)?.bit_string()?.octets()?;
                Ok((private, name, public))
            })
        })
        .unwrap();
    assert_eq!(private, unhex("d4ee72dbf913584ad5b6d8f1f769f8ad3afe7c28cbf1d4fbe097a88f44755842"));
    assert_eq!(friendly_name, "Curdle Chairs");
    assert_eq!(public, unhex("19bf44096984cdfe8541bac167dc3b96c85086aa30b6b6cb0c5c38ad703166e1"));
    assert_eq!(walk(Reader::new(&pem.contents)), Ok(()));

    // Written back with the writer's IMPLICIT, the same bytes.
    let rewritten = written(|w| {
        w.sequence(|w| {
            w.small_integer(1);
            w.sequence(|w| w.oid(&oids::ED25519));
            w.octet_string(&written(|w| w.octet_string(private)));
            w.implicit(0, |w| {
                w.set_of(|w| {
                    w.sequence(|w| {
                        w.oid(&"1.2.840.113549.1.9.9.20".parse().unwrap());
                        w.set_of(|w| w.utf8_string(friendly_name));
                    })
                })
            });
            w.implicit(1, |w| w.bit_string(BitString::from_octets(public)));
        })
    });
    assert_eq!(rewritten, &pem.contents[..]);
}
