//! TLS 1.2 key-exchange messages: ServerKeyExchange (RFC 5246 §7.4.3, RFC
//! 8422 §5.4) and ClientKeyExchange (RFC 5246 §7.4.7, RFC 8422 §5.7),
//! whose layouts the cipher suite's key exchange decides.

use super::DigitallySigned;
use crate::Error;
use crate::codec::{Reader, Writer};

/// The server's key-exchange parameters in a TLS 1.2 ServerKeyExchange.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ServerKeyExchangeParams {
    /// RFC 5246 §7.4.3 ServerDHParams: p, g, Ys (big-endian, minimal).
    Dhe {
        /// The prime.
        p: Vec<u8>,
        /// The generator.
        g: Vec<u8>,
        /// The server's public value.
        ys: Vec<u8>,
    },
    /// RFC 8422 §5.4 ServerECDHParams with a named curve (curve_type 3).
    Ecdhe {
        /// The NamedGroup (x25519 = 29).
        group: u16,
        /// The server's public point.
        public: Vec<u8>,
    },
}

impl ServerKeyExchangeParams {
    /// Reads the params (the bytes covered by the signature) from `r`, in
    /// the layout of the suite's key exchange `kx`.
    pub fn decode(r: &mut Reader<'_>, kx: KeyExchangeAlgorithm) -> Result<ServerKeyExchangeParams, Error> {
        if kx == KeyExchangeAlgorithm::Rsa {
            return Err(Error::UnexpectedMessage("a ServerKeyExchange with RSA key transport".into()));
        }
        if kx == KeyExchangeAlgorithm::Ecdhe {
            // RFC 8422 §5.4: ECCurveType named_curve(3); the others are deprecated.
            if r.u8()? != 3 {
                return Err(Error::IllegalParameter("an ECDH curve that is not a named curve"));
            }
            let group = r.u16()?;
            let public = r.vec8()?.non_empty("an empty ECDH public value")?.rest().to_vec();
            Ok(ServerKeyExchangeParams::Ecdhe { group, public })
        } else {
            let p = r.vec16()?.non_empty("an empty DH prime")?.rest().to_vec();
            let g = r.vec16()?.non_empty("an empty DH generator")?.rest().to_vec();
            let ys = r.vec16()?.non_empty("an empty DH public value")?.rest().to_vec();
            Ok(ServerKeyExchangeParams::Dhe { p, g, ys })
        }
    }

    /// Writes the params.
    pub fn encode(&self) -> Result<Vec<u8>, Error> {
        let mut w = Writer::new();
        match self {
            ServerKeyExchangeParams::Dhe { p, g, ys } => {
                for value in [p, g, ys] {
                    w.vec16(|w| {
                        w.bytes(value);
                    });
                }
            }
            ServerKeyExchangeParams::Ecdhe { group, public } => {
                w.u8(3).u16(*group).vec8(|w| {
                    w.bytes(public);
                });
            }
        }
        w.into_bytes()
    }
}

/// ServerKeyExchange (RFC 5246 §7.4.3): params and their signature.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerKeyExchange {
    /// The parameters.
    pub params: ServerKeyExchangeParams,
    /// Their encoding, exactly as received or sent (what was signed).
    pub params_bytes: Vec<u8>,
    /// The signature over client_random + server_random + params.
    pub signed: DigitallySigned,
}

impl ServerKeyExchange {
    /// Reads a ServerKeyExchange body for the suite's key exchange `kx`.
    pub fn decode(body: &[u8], kx: KeyExchangeAlgorithm) -> Result<ServerKeyExchange, Error> {
        let mut r = Reader::new(body);
        let params = ServerKeyExchangeParams::decode(&mut r, kx)?;
        let params_len = body.len() - r.remaining();
        let params_bytes = Reader::new(body).take(params_len)?.to_vec();
        let signed = DigitallySigned::decode(&mut r)?;
        r.finish()?;
        Ok(ServerKeyExchange { params, params_bytes, signed })
    }

    /// Writes the body.
    pub fn encode(&self) -> Result<Vec<u8>, Error> {
        let mut w = Writer::new();
        w.bytes(&self.params_bytes);
        self.signed.encode(&mut w);
        w.into_bytes()
    }
}

/// How the ClientKeyExchange body is laid out, which the suite decides.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyExchangeAlgorithm {
    /// RSA key transport: `opaque encrypted_premaster<0..2^16-1>` (RFC 5246 §7.4.7.1).
    Rsa,
    /// Finite-field DHE: `opaque dh_Yc<1..2^16-1>` (§7.4.7.2).
    Dhe,
    /// ECDHE: `opaque point<1..2^8-1>` (RFC 8422 §5.7).
    Ecdhe,
}

/// Reads a ClientKeyExchange body: the encrypted premaster secret or the
/// client's public value.
pub fn decode_client_key_exchange(body: &[u8], kx: KeyExchangeAlgorithm) -> Result<Vec<u8>, Error> {
    let mut r = Reader::new(body);
    let value = match kx {
        KeyExchangeAlgorithm::Rsa | KeyExchangeAlgorithm::Dhe => r.vec16()?,
        KeyExchangeAlgorithm::Ecdhe => r.vec8()?,
    };
    let value = value.non_empty("an empty ClientKeyExchange")?.rest().to_vec();
    r.finish()?;
    Ok(value)
}

/// Writes a ClientKeyExchange body.
pub fn encode_client_key_exchange(value: &[u8], kx: KeyExchangeAlgorithm) -> Result<Vec<u8>, Error> {
    let mut w = Writer::new();
    let body = |w: &mut Writer| {
        w.bytes(value);
    };
    match kx {
        KeyExchangeAlgorithm::Rsa | KeyExchangeAlgorithm::Dhe => w.vec16(body),
        KeyExchangeAlgorithm::Ecdhe => w.vec8(body),
    };
    w.into_bytes()
}
