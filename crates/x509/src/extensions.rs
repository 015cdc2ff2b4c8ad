//! Certificate extensions (RFC 5280 §4.2): the six Padlock reads, and the
//! rest kept with their criticality so that verification can refuse an
//! unknown critical one.
//!
//! ```text
//!   Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension
//!   Extension  ::= SEQUENCE { extnID OBJECT IDENTIFIER,
//!                             critical BOOLEAN DEFAULT FALSE,
//!                             extnValue OCTET STRING -- the DER of the value }
//! ```

use std::net::IpAddr;

use padlock_der::{Class, Oid, Reader, StringKind, Tag, oids};

use crate::error::{Error, Within};

/// The extensions of a certificate.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Extensions {
    /// basicConstraints (RFC 5280 §4.2.1.9).
    pub basic_constraints: Option<BasicConstraints>,
    /// keyUsage (§4.2.1.3).
    pub key_usage: Option<KeyUsage>,
    /// extKeyUsage (§4.2.1.12): the purposes' OIDs.
    pub ext_key_usage: Option<Vec<Oid>>,
    /// subjectAltName (§4.2.1.6).
    pub subject_alt_name: Option<Vec<GeneralName>>,
    /// subjectKeyIdentifier (§4.2.1.2).
    pub subject_key_id: Option<Vec<u8>>,
    /// The keyIdentifier of authorityKeyIdentifier (§4.2.1.1), if it has one
    /// (`Some(None)`: the extension without a key identifier).
    pub authority_key_id: Option<Option<Vec<u8>>>,
    /// Every other extension, in order.
    pub other: Vec<UnknownExtension>,
}

/// basicConstraints: whether the subject is a CA, and how many
/// intermediates may follow it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BasicConstraints {
    /// cA.
    pub ca: bool,
    /// pathLenConstraint.
    pub path_len: Option<u64>,
}

/// keyUsage: the named bits of RFC 5280 §4.2.1.3, bit 0 the lowest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeyUsage(pub u16);

impl KeyUsage {
    /// digitalSignature (0).
    pub const DIGITAL_SIGNATURE: u16 = 1 << 0;
    /// keyEncipherment (2).
    pub const KEY_ENCIPHERMENT: u16 = 1 << 2;
    /// keyCertSign (5).
    pub const KEY_CERT_SIGN: u16 = 1 << 5;
    /// cRLSign (6).
    pub const CRL_SIGN: u16 = 1 << 6;

    /// Whether every bit of `bits` is set.
    pub fn allows(self, bits: u16) -> bool {
        self.0 & bits == bits
    }
}

/// One name of a subjectAltName (RFC 5280 §4.2.1.6 `GeneralName`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GeneralName {
    /// dNSName \[2\].
    Dns(String),
    /// iPAddress \[7\]: four or sixteen bytes.
    Ip(IpAddr),
    /// rfc822Name \[1\] (an e-mail address).
    Email(String),
    /// uniformResourceIdentifier \[6\].
    Uri(String),
    /// Any other choice, by its tag number.
    Other(u32),
}

/// An extension Padlock does not interpret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownExtension {
    /// extnID.
    pub oid: Oid,
    /// critical.
    pub critical: bool,
    /// The contents of extnValue.
    pub value: Vec<u8>,
}

impl Extensions {
    /// Reads the `Extensions` SEQUENCE (inside the `[3]` of tbsCertificate).
    pub(crate) fn read(r: &mut Reader<'_>) -> Result<Extensions, Error> {
        let mut extensions = Extensions::default();
        let mut seen: Vec<Oid> = Vec::new();
        let mut list = r.read_sequence().within("Extensions")?;
        if list.is_empty() {
            return Err(Error::Invalid("the extensions field is present but empty"));
        }
        while !list.is_empty() {
            let (oid, critical, value) = list
                .read_sequence()
                .and_then(|seq| {
                    seq.read_all(|r| {
                        let oid = r.read_oid()?;
                        let critical = r.read_optional(Tag::BOOLEAN)?.map(|b| b.boolean()).transpose()?;
                        Ok((oid, critical.unwrap_or(false), r.read_octet_string()?))
                    })
                })
                .within("Extension")?;
            // RFC 5280 §4.2: a certificate MUST NOT include more than one
            // instance of a particular extension.
            if seen.contains(&oid) {
                return Err(Error::DuplicateExtension(oid));
            }
            seen.push(oid);
            extensions.add(oid, critical, value)?;
        }
        Ok(extensions)
    }

    /// Decodes one extension's value into its field.
    fn add(&mut self, oid: Oid, critical: bool, value: &[u8]) -> Result<(), Error> {
        let r = Reader::new(value);
        match oid {
            oids::BASIC_CONSTRAINTS => {
                self.basic_constraints = Some(read_basic_constraints(r).within("basicConstraints")?)
            }
            oids::KEY_USAGE => self.key_usage = Some(read_key_usage(r)?),
            oids::EXT_KEY_USAGE => {
                self.ext_key_usage = Some(read_ext_key_usage(r).within("extKeyUsage")?);
            }
            oids::SUBJECT_ALT_NAME => self.subject_alt_name = Some(read_general_names(r)?),
            oids::SUBJECT_KEY_IDENTIFIER => {
                let id = r.read_all(|r| r.read_octet_string()).within("subjectKeyIdentifier")?;
                self.subject_key_id = Some(id.to_vec());
            }
            oids::AUTHORITY_KEY_IDENTIFIER => {
                self.authority_key_id = Some(read_authority_key_id(r).within("authorityKeyIdentifier")?);
            }
            _ => self.other.push(UnknownExtension { oid, critical, value: value.to_vec() }),
        }
        Ok(())
    }

    /// The DNS names of subjectAltName.
    pub fn dns_names(&self) -> impl Iterator<Item = &str> {
        self.subject_alt_name.iter().flatten().filter_map(|name| match name {
            GeneralName::Dns(dns) => Some(dns.as_str()),
            _ => None,
        })
    }

    /// The IP addresses of subjectAltName.
    pub fn ip_addresses(&self) -> impl Iterator<Item = IpAddr> + '_ {
        self.subject_alt_name.iter().flatten().filter_map(|name| match name {
            GeneralName::Ip(ip) => Some(*ip),
            _ => None,
        })
    }
}

/// `BasicConstraints ::= SEQUENCE { cA BOOLEAN DEFAULT FALSE,
/// pathLenConstraint INTEGER (0..MAX) OPTIONAL }`
fn read_basic_constraints(r: Reader<'_>) -> Result<BasicConstraints, padlock_der::Error> {
    r.read_all(|r| {
        r.read_sequence()?.read_all(|seq| {
            let ca = seq.read_optional(Tag::BOOLEAN)?.map(|b| b.boolean()).transpose()?.unwrap_or(false);
            let path_len = seq.read_optional(Tag::INTEGER)?.map(|n| n.small_unsigned()).transpose()?;
            Ok(BasicConstraints { ca, path_len })
        })
    })
}

/// `KeyUsage ::= BIT STRING { digitalSignature (0), ... decipherOnly (8) }`
fn read_key_usage(r: Reader<'_>) -> Result<KeyUsage, Error> {
    let bits = r.read_all(|r| r.read_bit_string()).within("keyUsage")?;
    if bits.len_bits() > 9 && (9..bits.len_bits()).any(|i| bits.is_set(i)) {
        return Err(Error::Invalid("keyUsage has bits beyond decipherOnly"));
    }
    Ok(KeyUsage((0..9).filter(|&i| bits.is_set(i)).fold(0, |acc, i| acc | 1 << i)))
}

/// `ExtKeyUsageSyntax ::= SEQUENCE SIZE (1..MAX) OF KeyPurposeId`
fn read_ext_key_usage(r: Reader<'_>) -> Result<Vec<Oid>, padlock_der::Error> {
    r.read_all(|r| {
        r.read_sequence()?.read_all(|seq| {
            let mut purposes = Vec::new();
            while !seq.is_empty() {
                purposes.push(seq.read_oid()?);
            }
            Ok(purposes)
        })
    })
}

/// `GeneralNames ::= SEQUENCE SIZE (1..MAX) OF GeneralName`
fn read_general_names(r: Reader<'_>) -> Result<Vec<GeneralName>, Error> {
    let mut names = Vec::new();
    let mut seq = r.read_all(|r| r.read_sequence()).within("subjectAltName")?;
    if seq.is_empty() {
        return Err(Error::Invalid("subjectAltName is empty"));
    }
    while !seq.is_empty() {
        let element = seq.read_tlv().within("subjectAltName")?;
        let tag = element.tag();
        if tag.class() != Class::ContextSpecific {
            return Err(Error::Invalid("a GeneralName is not context-tagged"));
        }
        let ia5 = || element.string(StringKind::Ia5).map(|s| s.into_owned()).within("subjectAltName");
        names.push(match tag.number() {
            1 => GeneralName::Email(ia5()?),
            2 => GeneralName::Dns(ia5()?),
            6 => GeneralName::Uri(ia5()?),
            7 => GeneralName::Ip(read_ip(element.contents())?),
            n => GeneralName::Other(n),
        });
    }
    Ok(names)
}

/// An iPAddress: four bytes for IPv4, sixteen for IPv6 (RFC 5280 §4.2.1.6).
fn read_ip(bytes: &[u8]) -> Result<IpAddr, Error> {
    if let Ok(v4) = <[u8; 4]>::try_from(bytes) {
        Ok(IpAddr::from(v4))
    } else if let Ok(v6) = <[u8; 16]>::try_from(bytes) {
        Ok(IpAddr::from(v6))
    } else {
        Err(Error::Invalid("an iPAddress SAN is neither 4 nor 16 bytes"))
    }
}

/// `AuthorityKeyIdentifier ::= SEQUENCE { keyIdentifier [0] OPTIONAL,
/// authorityCertIssuer [1] OPTIONAL, authorityCertSerialNumber [2] OPTIONAL }`;
/// only the key identifier is kept.
fn read_authority_key_id(r: Reader<'_>) -> Result<Option<Vec<u8>>, padlock_der::Error> {
    r.read_all(|r| {
        r.read_sequence()?.read_all(|seq| {
            let key_id = seq.read_optional(Tag::context(0))?.map(|e| e.contents().to_vec());
            seq.read_optional_context(1)?;
            seq.read_optional_context(2)?;
            Ok(key_id)
        })
    })
}

#[cfg(test)]
mod tests {
    use padlock_der::Writer;

    use super::*;

    /// The `Extensions` SEQUENCE of `(oid, critical, value DER)`.
    fn read(list: &[(Oid, bool, Vec<u8>)]) -> Result<Extensions, Error> {
        let mut w = Writer::new();
        w.sequence(|w| {
            for (oid, critical, value) in list {
                w.sequence(|w| {
                    w.oid(oid);
                    if *critical {
                        w.boolean(true);
                    }
                    w.octet_string(value);
                });
            }
        });
        let der = w.finish().expect("DER");
        Extensions::read(&mut Reader::new(&der))
    }

    fn der(write: impl FnOnce(&mut Writer)) -> Vec<u8> {
        let mut w = Writer::new();
        write(&mut w);
        w.finish().expect("DER")
    }

    #[test]
    fn reads_san_basic_constraints_and_key_usage() {
        let san = der(|w| {
            w.sequence(|w| {
                w.implicit(2, |w| w.ia5_string("example.org"));
                w.implicit(7, |w| w.octet_string(&[10, 0, 0, 1]));
                w.implicit(6, |w| w.ia5_string("https://example.org/"));
            })
        });
        let constraints = der(|w| {
            w.sequence(|w| {
                w.boolean(true);
                w.small_integer(2);
            })
        });
        let usage = der(|w| w.named_bits(&[true, false, false, false, false, true, true]));
        let unknown = Oid::new(&[1, 2, 3, 4]);
        let ext = read(&[
            (oids::SUBJECT_ALT_NAME, false, san),
            (oids::BASIC_CONSTRAINTS, true, constraints),
            (oids::KEY_USAGE, true, usage),
            (unknown, true, vec![0x05, 0x00]),
        ])
        .expect("reads");
        assert_eq!(ext.dns_names().collect::<Vec<_>>(), ["example.org"]);
        assert_eq!(ext.ip_addresses().collect::<Vec<_>>(), [IpAddr::from([10, 0, 0, 1])]);
        assert_eq!(ext.basic_constraints, Some(BasicConstraints { ca: true, path_len: Some(2) }));
        let usage = ext.key_usage.expect("keyUsage");
        assert!(usage.allows(KeyUsage::KEY_CERT_SIGN | KeyUsage::CRL_SIGN | KeyUsage::DIGITAL_SIGNATURE));
        assert!(!usage.allows(KeyUsage::KEY_ENCIPHERMENT));
        assert_eq!(ext.other, [UnknownExtension { oid: unknown, critical: true, value: vec![0x05, 0x00] }]);
    }

    #[test]
    fn refuses_duplicates_empty_lists_and_bad_addresses() {
        let ski = der(|w| w.octet_string(&[1, 2, 3]));
        let twice = read(&[
            (oids::SUBJECT_KEY_IDENTIFIER, false, ski.clone()),
            (oids::SUBJECT_KEY_IDENTIFIER, false, ski),
        ]);
        assert_eq!(twice, Err(Error::DuplicateExtension(oids::SUBJECT_KEY_IDENTIFIER)));
        assert!(read(&[]).is_err());
        let empty_san = der(|w| w.sequence(|_| {}));
        assert!(read(&[(oids::SUBJECT_ALT_NAME, false, empty_san)]).is_err());
        let bad_ip = der(|w| w.sequence(|w| w.implicit(7, |w| w.octet_string(&[1, 2, 3]))));
        assert!(read(&[(oids::SUBJECT_ALT_NAME, false, bad_ip)]).is_err());
        let trailing = vec![0x30, 0x00, 0x00];
        assert!(read(&[(oids::BASIC_CONSTRAINTS, false, trailing)]).is_err());
    }
}
