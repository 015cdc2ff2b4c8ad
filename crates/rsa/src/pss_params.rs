//! RSASSA-PSS parameters (RFC 4055 §3.1; RFC 8017 Appendix A.2.3): which
//! hash the message digest uses, which hash MGF1 uses, and how long the
//! salt is.
//!
//! ```text
//!   RSASSA-PSS-params ::= SEQUENCE {
//!       hashAlgorithm      [0] HashAlgorithm    DEFAULT sha1Identifier,
//!       maskGenAlgorithm   [1] MaskGenAlgorithm DEFAULT mgf1SHA1Identifier,
//!       saltLength         [2] INTEGER          DEFAULT 20,
//!       trailerField       [3] INTEGER          DEFAULT 1 }
//!
//!   HashAlgorithm    ::= AlgorithmIdentifier  -- id-sha1, id-sha224 ... with NULL or absent parameters
//!   MaskGenAlgorithm ::= AlgorithmIdentifier  -- id-mgf1 with a HashAlgorithm as its parameters
//! ```
//!
//! The same structure says two different things depending on where it is:
//!
//! - beside a *signature* (a certificate's signatureAlgorithm), it says how
//!   that signature was made, and the salt is exactly `saltLength` bytes;
//! - beside a *key* (the algorithm of an id-RSASSA-PSS SubjectPublicKeyInfo or
//!   PKCS #8 key), it restricts every signature the key makes: the same two
//!   hashes, and a salt of at least `saltLength` bytes (RFC 4055 §3.3). The
//!   key's parameters may also be absent, and then nothing is restricted.
//!
//! [`PssParams`] holds the values with the DEFAULTs filled in; reading
//! accepts a DEFAULT written out (RFC 4055 §3.1: validators "MUST recognize
//! both"), writing omits it, as DER requires (X.690 §11.5).

use core::fmt;

use padlock_der::{Oid, Reader, Writer, oids};
use padlock_sha::Hash;

/// The hash functions RSASSA-PSS parameters may name (RFC 4055 §2.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PssHash {
    /// SHA-1: the DEFAULT. Verified (old certificates use it), never used to
    /// sign: NIST SP 800-131A Rev. 2 §9 disallows it for new signatures.
    Sha1,
    /// SHA-224.
    Sha224,
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
}

impl PssHash {
    /// Every hash, in the order of RFC 4055 §2.1.
    pub const ALL: [PssHash; 5] =
        [PssHash::Sha1, PssHash::Sha224, PssHash::Sha256, PssHash::Sha384, PssHash::Sha512];

    /// The FIPS 180-4 name, `"SHA-256"`.
    pub fn name(self) -> &'static str {
        match self {
            PssHash::Sha1 => padlock_sha::Sha1::NAME,
            PssHash::Sha224 => padlock_sha::Sha224::NAME,
            PssHash::Sha256 => padlock_sha::Sha256::NAME,
            PssHash::Sha384 => padlock_sha::Sha384::NAME,
            PssHash::Sha512 => padlock_sha::Sha512::NAME,
        }
    }

    /// The digest length in bytes.
    pub const fn output_len(self) -> usize {
        match self {
            PssHash::Sha1 => padlock_sha::Sha1::OUTPUT_LEN,
            PssHash::Sha224 => padlock_sha::Sha224::OUTPUT_LEN,
            PssHash::Sha256 => padlock_sha::Sha256::OUTPUT_LEN,
            PssHash::Sha384 => padlock_sha::Sha384::OUTPUT_LEN,
            PssHash::Sha512 => padlock_sha::Sha512::OUTPUT_LEN,
        }
    }

    /// The digest algorithm's OID (RFC 4055 §2.1).
    pub fn oid(self) -> Oid {
        match self {
            PssHash::Sha1 => oids::SHA1,
            PssHash::Sha224 => oids::SHA224,
            PssHash::Sha256 => oids::SHA256,
            PssHash::Sha384 => oids::SHA384,
            PssHash::Sha512 => oids::SHA512,
        }
    }

    /// The hash with this OID, if it is one of the five.
    pub fn from_oid(oid: Oid) -> Option<PssHash> {
        PssHash::ALL.into_iter().find(|hash| hash.oid() == oid)
    }
}

impl fmt::Display for PssHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// RSASSA-PSS-params with the DEFAULTs filled in (the trailerField, which
/// must be 1, is checked on reading and not kept).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PssParams {
    /// hashAlgorithm: the hash of the message (and of `M'`, RFC 8017 §9.1.1).
    pub hash: PssHash,
    /// The hash MGF1 uses (maskGenAlgorithm's parameters).
    pub mgf1_hash: PssHash,
    /// saltLength in bytes: exact for a signature, the minimum for a key.
    pub salt_len: u64,
}

impl PssParams {
    /// `rSASSA-PSS-Default-Params` (RFC 4055 §3.1): SHA-1, MGF1 with SHA-1,
    /// a 20-byte salt. An empty RSASSA-PSS-params SEQUENCE means these.
    pub const DEFAULT: PssParams = PssParams { hash: PssHash::Sha1, mgf1_hash: PssHash::Sha1, salt_len: 20 };

    /// `hash` for the message and for MGF1, and a salt as long as the digest:
    /// what RFC 4055 §3.1 recommends and what TLS requires (RFC 8446 §4.2.3).
    pub const fn for_hash(hash: PssHash) -> PssParams {
        PssParams { hash, mgf1_hash: hash, salt_len: hash.output_len() as u64 }
    }

    /// Reads RSASSA-PSS-params from the DER of the SEQUENCE.
    ///
    /// ```
    /// use padlock_rsa::{PssHash, PssParams};
    ///
    /// // RFC 4055 §3.1: an empty SEQUENCE is rSASSA-PSS-Default-Params.
    /// assert_eq!(PssParams::from_der(&[0x30, 0x00])?, PssParams::DEFAULT);
    /// let sha256 = PssParams::for_hash(PssHash::Sha256);
    /// assert_eq!(PssParams::from_der(&sha256.to_der())?, sha256);
    /// # Ok::<(), padlock_rsa::PssParamsError>(())
    /// ```
    pub fn from_der(der: &[u8]) -> Result<PssParams, PssParamsError> {
        let mut r = Reader::new(der);
        let params = PssParams::read(&mut r)?;
        r.finish().map_err(PssParamsError::Malformed)?;
        Ok(params)
    }

    /// Reads RSASSA-PSS-params, the next element of `r`.
    pub fn read(r: &mut Reader<'_>) -> Result<PssParams, PssParamsError> {
        let (hash, mgf, salt_len, trailer) = r
            .read_sequence()
            .and_then(|params| {
                params.read_all(|p| {
                    let hash = p.read_optional_explicit(0)?.map(|h| h.read_all(read_hash_id)).transpose()?;
                    let mgf = match p.read_optional_explicit(1)? {
                        Some(m) => Some(m.read_all(|m| {
                            m.read_sequence()?.read_all(|m| Ok((m.read_oid()?, read_hash_id(m)?)))
                        })?),
                        None => None,
                    };
                    let salt = p.read_optional_explicit(2)?.map(|s| s.read_all(|s| s.read_small_unsigned()));
                    let trailer =
                        p.read_optional_explicit(3)?.map(|t| t.read_all(|t| t.read_small_unsigned()));
                    Ok((hash, mgf, salt.transpose()?, trailer.transpose()?))
                })
            })
            .map_err(PssParamsError::Malformed)?;
        if let Some((mgf, _)) = mgf
            && mgf != oids::MGF1
        {
            // RFC 4055 §2.2: MGF1 is the only mask generation function.
            return Err(PssParamsError::UnsupportedMaskGeneration(mgf));
        }
        // RFC 4055 §3.1: trailerField "MUST be 1".
        if let Some(trailer) = trailer
            && trailer != 1
        {
            return Err(PssParamsError::TrailerField(trailer));
        }
        let hash_of = |oid: Option<Oid>| match oid {
            None => Ok(PssHash::Sha1),
            Some(oid) => PssHash::from_oid(oid).ok_or(PssParamsError::UnsupportedHash(oid)),
        };
        Ok(PssParams {
            hash: hash_of(hash)?,
            mgf1_hash: hash_of(mgf.map(|(_, hash)| hash))?,
            salt_len: salt_len.unwrap_or(PssParams::DEFAULT.salt_len),
        })
    }

    /// Writes RSASSA-PSS-params in DER: a field equal to its DEFAULT is
    /// omitted (X.690 §11.5, and RFC 4055 §3.1 "MUST omit"), and each hash
    /// is written with NULL parameters, as RFC 4055 §2.1 lists the
    /// identifiers (and OpenSSL writes them).
    pub fn write(&self, w: &mut Writer) {
        let hash_id = |w: &mut Writer, hash: PssHash| {
            w.sequence(|w| {
                w.oid(&hash.oid());
                w.null();
            })
        };
        w.sequence(|w| {
            if self.hash != PssHash::Sha1 {
                w.explicit(0, |w| hash_id(w, self.hash));
            }
            if self.mgf1_hash != PssHash::Sha1 {
                w.explicit(1, |w| {
                    w.sequence(|w| {
                        w.oid(&oids::MGF1);
                        hash_id(w, self.mgf1_hash);
                    })
                });
            }
            if self.salt_len != PssParams::DEFAULT.salt_len {
                w.explicit(2, |w| w.small_unsigned(self.salt_len));
            }
        });
    }

    /// The DER of [`PssParams::write`].
    pub fn to_der(&self) -> Vec<u8> {
        let mut w = Writer::new();
        self.write(&mut w);
        w.finish().expect("OIDs, NULL and small integers always encode")
    }
}

impl fmt::Display for PssParams {
    /// `SHA-256, MGF1 with SHA-256, 32-byte salt`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}, MGF1 with {}, {}-byte salt", self.hash, self.mgf1_hash, self.salt_len)
    }
}

/// `HashAlgorithm ::= AlgorithmIdentifier` with NULL or absent parameters
/// (RFC 4055 §2.1: "implementations MUST accept both").
fn read_hash_id(r: &mut Reader<'_>) -> Result<Oid, padlock_der::Error> {
    r.read_sequence()?.read_all(|alg| {
        let oid = alg.read_oid()?;
        if !alg.is_empty() {
            alg.read_null()?;
        }
        Ok(oid)
    })
}

/// Why RSASSA-PSS-params were refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PssParamsError {
    /// The DER breaks the rules or the structure.
    Malformed(padlock_der::Error),
    /// A hash other than the five of RFC 4055 §2.1.
    UnsupportedHash(Oid),
    /// A mask generation function other than MGF1 (RFC 4055 §2.2).
    UnsupportedMaskGeneration(Oid),
    /// A trailerField other than 1 (RFC 4055 §3.1).
    TrailerField(u64),
}

impl fmt::Display for PssParamsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = |oid: &Oid| oid.name().map_or_else(|| oid.to_string(), str::to_string);
        match self {
            PssParamsError::Malformed(error) => write!(f, "malformed RSASSA-PSS parameters: {error}"),
            PssParamsError::UnsupportedHash(oid) => write!(
                f,
                "RSASSA-PSS with the hash {}, which is not SHA-1, SHA-224, SHA-256, SHA-384 or SHA-512",
                name(oid)
            ),
            PssParamsError::UnsupportedMaskGeneration(oid) => {
                write!(f, "RSASSA-PSS with the mask generation function {}, not MGF1", name(oid))
            }
            PssParamsError::TrailerField(value) => {
                write!(f, "RSASSA-PSS trailerField is {value}, and RFC 4055 §3.1 allows only 1")
            }
        }
    }
}

impl std::error::Error for PssParamsError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_omitted_and_read_back() {
        assert_eq!(PssParams::DEFAULT.to_der(), [0x30, 0x00]);
        for hash in PssHash::ALL {
            for mgf1_hash in PssHash::ALL {
                for salt_len in [0, 20, 32, 1000] {
                    let params = PssParams { hash, mgf1_hash, salt_len };
                    assert_eq!(PssParams::from_der(&params.to_der()), Ok(params), "{params}");
                }
            }
        }
    }

    #[test]
    fn written_out_defaults_are_accepted() {
        // sha1Identifier (without NULL), mgf1SHA1Identifier, 20 and 1, all written out.
        let mut w = Writer::new();
        w.sequence(|w| {
            w.explicit(0, |w| w.sequence(|w| w.oid(&oids::SHA1)));
            w.explicit(1, |w| {
                w.sequence(|w| {
                    w.oid(&oids::MGF1);
                    w.sequence(|w| {
                        w.oid(&oids::SHA1);
                        w.null();
                    });
                })
            });
            w.explicit(2, |w| w.small_unsigned(20));
            w.explicit(3, |w| w.small_unsigned(1));
        });
        assert_eq!(PssParams::from_der(&w.finish().unwrap()), Ok(PssParams::DEFAULT));
    }

    #[test]
    fn what_rfc_4055_forbids_is_refused() {
        let params = |write: &dyn Fn(&mut Writer)| {
            let mut w = Writer::new();
            w.sequence(|w| write(w));
            PssParams::from_der(&w.finish().unwrap())
        };
        let trailer = params(&|w| w.explicit(3, |w| w.small_unsigned(2)));
        assert_eq!(trailer, Err(PssParamsError::TrailerField(2)));
        let md5 = Oid::new(&[1, 2, 840, 113549, 2, 5]);
        let hash = params(&|w| w.explicit(0, |w| w.sequence(|w| w.oid(&md5))));
        assert_eq!(hash, Err(PssParamsError::UnsupportedHash(md5)));
        let mgf = params(&|w| {
            w.explicit(1, |w| {
                w.sequence(|w| {
                    w.oid(&oids::RSASSA_PSS);
                    w.sequence(|w| w.oid(&oids::SHA256));
                })
            })
        });
        assert_eq!(mgf, Err(PssParamsError::UnsupportedMaskGeneration(oids::RSASSA_PSS)));
        // Out of order, and hash parameters other than NULL.
        assert!(
            params(&|w| {
                w.explicit(2, |w| w.small_unsigned(32));
                w.explicit(0, |w| w.sequence(|w| w.oid(&oids::SHA256)));
            })
            .is_err()
        );
        assert!(
            params(&|w| w.explicit(0, |w| w.sequence(|w| {
                w.oid(&oids::SHA256);
                w.small_unsigned(0);
            })))
            .is_err()
        );
        assert!(PssParams::from_der(&[0x30, 0x00, 0x00]).is_err());
        assert!(PssParams::from_der(&[0x05, 0x00]).is_err());
    }
}
