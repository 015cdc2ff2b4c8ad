//! Distinguished names (RFC 5280 §4.1.2.4) and their string form
//! (RFC 4514).
//!
//! ```text
//!   Name ::= SEQUENCE OF RelativeDistinguishedName
//!   RelativeDistinguishedName ::= SET SIZE (1..MAX) OF AttributeTypeAndValue
//!   AttributeTypeAndValue ::= SEQUENCE { type OBJECT IDENTIFIER, value ANY }
//! ```
//!
//! Names are compared by their DER bytes: RFC 5280 §7.1 allows a
//! case-folding comparison, but CAs issue certificates whose issuer is a
//! byte-for-byte copy of their subject, and exact comparison is what most
//! verifiers do.

use core::fmt;

use padlock_der::{Oid, Reader, StringKind, oids};

use crate::error::{Error, Within};

/// A distinguished name: a sequence of RDNs, each a set of attributes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Name {
    rdns: Vec<Vec<Attribute>>,
    der: Vec<u8>,
}

/// One attribute of an RDN, such as `CN=example.org`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attribute {
    /// The attribute type.
    pub oid: Oid,
    /// The value.
    pub value: AttributeValue,
}

/// An attribute's value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AttributeValue {
    /// A character string (a `DirectoryString` and its relatives).
    Text(String),
    /// Any other value (or a string with characters its type forbids): its
    /// whole DER encoding, printed as `#` and hex (RFC 4514 §2.4).
    Der(Vec<u8>),
}

impl Name {
    /// Reads a Name from the next element of `r`.
    pub(crate) fn read(r: &mut Reader<'_>) -> Result<Name, Error> {
        let element = r.read_tlv().within("Name")?;
        if element.tag() != padlock_der::Tag::SEQUENCE {
            return Err(Error::Invalid("a Name is not a SEQUENCE"));
        }
        let mut rdns = Vec::new();
        let mut seq = element.reader().within("Name")?;
        while !seq.is_empty() {
            let mut set = seq.read_set_of().within("RelativeDistinguishedName")?;
            let mut rdn = Vec::new();
            while !set.is_empty() {
                rdn.push(read_attribute(&mut set)?);
            }
            if rdn.is_empty() {
                return Err(Error::Invalid("an RDN is empty"));
            }
            rdns.push(rdn);
        }
        Ok(Name { rdns, der: element.raw().to_vec() })
    }

    /// The RDNs in the order the certificate has them (most significant,
    /// usually the country, first).
    pub fn rdns(&self) -> &[Vec<Attribute>] {
        &self.rdns
    }

    /// The exact DER encoding.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// The text of the first common name, if there is one.
    pub fn common_name(&self) -> Option<&str> {
        self.rdns.iter().flatten().find(|a| a.oid == oids::COMMON_NAME).and_then(|a| match &a.value {
            AttributeValue::Text(text) => Some(text.as_str()),
            AttributeValue::Der(_) => None,
        })
    }
}

/// Reads `AttributeTypeAndValue`. A value that is not a string, or a string
/// whose characters break its type, is kept as DER rather than refused: old
/// CA certificates have such names, and they only matter for display.
fn read_attribute(set: &mut Reader<'_>) -> Result<Attribute, Error> {
    set.read_sequence()
        .within("AttributeTypeAndValue")?
        .read_all(|r| {
            let oid = r.read_oid()?;
            let element = r.read_tlv()?;
            let value = match StringKind::from_tag(element.tag()).map(|kind| element.string(kind)) {
                Some(Ok(text)) => AttributeValue::Text(text.into_owned()),
                _ => AttributeValue::Der(element.raw().to_vec()),
            };
            Ok(Attribute { oid, value })
        })
        .within("AttributeTypeAndValue")
}

/// RFC 4514 §2.1: the RDNs last to first, separated by `,`; the attributes
/// of one RDN joined by `+`.
impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, rdn) in self.rdns.iter().rev().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            for (j, attribute) in rdn.iter().enumerate() {
                if j > 0 {
                    f.write_str("+")?;
                }
                write!(f, "{attribute}")?;
            }
        }
        Ok(())
    }
}

/// RFC 4514 §2.3 and §2.4: `type=value`.
impl fmt::Display for Attribute {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match short_name(&self.oid) {
            Some(name) => f.write_str(name)?,
            None => write!(f, "{}", self.oid)?,
        }
        f.write_str("=")?;
        match &self.value {
            AttributeValue::Text(text) => f.write_str(&escape_value(text)),
            AttributeValue::Der(der) => {
                f.write_str("#")?;
                der.iter().try_for_each(|b| write!(f, "{b:02x}"))
            }
        }
    }
}

/// RFC 4514 §3: the short names a string representation uses; every other
/// type is written as its dotted OID.
fn short_name(oid: &Oid) -> Option<&'static str> {
    const USER_ID: Oid = Oid::new(&[0, 9, 2342, 19200300, 100, 1, 1]);
    const STREET: Oid = Oid::new(&[2, 5, 4, 9]);
    let table = [
        (oids::COMMON_NAME, "CN"),
        (oids::LOCALITY_NAME, "L"),
        (oids::STATE_OR_PROVINCE_NAME, "ST"),
        (oids::ORGANIZATION_NAME, "O"),
        (oids::ORGANIZATIONAL_UNIT_NAME, "OU"),
        (oids::COUNTRY_NAME, "C"),
        (STREET, "STREET"),
        (oids::DOMAIN_COMPONENT, "DC"),
        (USER_ID, "UID"),
    ];
    table.iter().find(|(known, _)| known == oid).map(|&(_, name)| name)
}

/// RFC 4514 §2.4: a backslash before `" + , ; < > \`, before a leading
/// space or `#` and a trailing space; NUL as `\00`.
pub fn escape_value(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let last = text.chars().count().saturating_sub(1);
    for (i, c) in text.chars().enumerate() {
        match c {
            '"' | '+' | ',' | ';' | '<' | '>' | '\\' => out.push('\\'),
            ' ' if i == 0 || i == last => out.push('\\'),
            '#' if i == 0 => out.push('\\'),
            '\0' => {
                out.push_str("\\00");
                continue;
            }
            _ => {}
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use padlock_der::Writer;

    use super::*;

    /// The DER of a Name with one attribute per RDN, given most significant
    /// first, each value a UTF8String.
    fn name_der(rdns: &[&[(Oid, &str)]]) -> Vec<u8> {
        let mut w = Writer::new();
        w.sequence(|w| {
            for rdn in rdns {
                w.set_of(|w| {
                    for (oid, value) in *rdn {
                        w.sequence(|w| {
                            w.oid(oid);
                            w.utf8_string(value);
                        });
                    }
                });
            }
        });
        w.finish().expect("a valid name")
    }

    fn parse(der: &[u8]) -> Name {
        Reader::new(der).read_all(|r| Ok(Name::read(r))).expect("reads").expect("a name")
    }

    #[test]
    fn prints_rdns_last_first() {
        let der = name_der(&[
            &[(oids::COUNTRY_NAME, "GB")],
            &[(oids::ORGANIZATION_NAME, "Padlock")],
            &[(oids::COMMON_NAME, "Test CA")],
        ]);
        assert_eq!(parse(&der).to_string(), "CN=Test CA,O=Padlock,C=GB");
        assert_eq!(parse(&der).common_name(), Some("Test CA"));
    }

    #[test]
    fn joins_multi_valued_rdns_with_plus() {
        let der = name_der(&[&[(oids::COMMON_NAME, "a"), (oids::ORGANIZATIONAL_UNIT_NAME, "b")]]);
        let name = parse(&der);
        assert_eq!(name.rdns().len(), 1);
        assert_eq!(name.to_string(), "CN=a+OU=b");
    }

    #[test]
    fn escapes_special_characters() {
        assert_eq!(escape_value("Sue, Grabbit and Runn"), "Sue\\, Grabbit and Runn");
        assert_eq!(escape_value("a+b;c<d>e\"f\\g"), "a\\+b\\;c\\<d\\>e\\\"f\\\\g");
        assert_eq!(escape_value(" lead and trail "), "\\ lead and trail\\ ");
        assert_eq!(escape_value("#1 in # middle"), "\\#1 in # middle");
        assert_eq!(escape_value("nul\0"), "nul\\00");
        assert_eq!(escape_value("Lučić"), "Lučić");
        assert_eq!(escape_value(""), "");
    }

    #[test]
    fn unknown_types_print_as_dotted_oids() {
        let der = name_der(&[&[(oids::EMAIL_ADDRESS, "a@b.example")], &[(oids::COMMON_NAME, "x,y")]]);
        assert_eq!(parse(&der).to_string(), "CN=x\\,y,1.2.840.113549.1.9.1=a@b.example");
    }

    #[test]
    fn non_string_values_print_as_hex_der() {
        let mut w = Writer::new();
        w.sequence(|w| {
            w.set_of(|w| {
                w.sequence(|w| {
                    w.oid(&oids::COMMON_NAME);
                    w.octet_string(&[0xab, 0xcd]);
                })
            })
        });
        let der = w.finish().expect("a name");
        assert_eq!(parse(&der).to_string(), "CN=#0402abcd");
    }

    #[test]
    fn empty_name_prints_empty() {
        assert_eq!(parse(&[0x30, 0x00]).to_string(), "");
    }
}
