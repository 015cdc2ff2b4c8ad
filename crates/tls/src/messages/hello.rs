//! The hellos: ClientHello, ServerHello (and HelloRetryRequest, a
//! ServerHello with a special random), and the key_share and server_name
//! extensions they carry.

use super::{Extensions, HELLO_RETRY_REQUEST_RANDOM, read_u16_list, write_u16_list};
use crate::Error;
use crate::codec::{Reader, Writer};

/// One `KeyShareEntry` (RFC 8446 §4.2.8).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyShare {
    /// The NamedGroup.
    pub group: u16,
    /// The public value.
    pub key_exchange: Vec<u8>,
}

impl KeyShare {
    /// Reads one entry.
    pub fn decode(r: &mut Reader<'_>) -> Result<KeyShare, Error> {
        let group = r.u16()?;
        let key_exchange = r.vec16()?.non_empty("an empty key share")?.rest().to_vec();
        Ok(KeyShare { group, key_exchange })
    }

    /// Writes one entry.
    pub fn encode(&self, w: &mut Writer) {
        w.u16(self.group).vec16(|w| {
            w.bytes(&self.key_exchange);
        });
    }
}

/// The server_name extension of a ClientHello (RFC 6066 §3): the host name, if any.
pub fn read_server_name(r: &mut Reader<'_>) -> Result<Option<String>, Error> {
    let mut list = r.vec16()?.non_empty("an empty server name list")?;
    let mut host = None;
    while !list.is_empty() {
        let name_type = list.u8()?;
        let name = list.vec16()?.rest();
        // RFC 6066 §3: host_name(0) is the only type; one of each type.
        if name_type == 0 {
            if host.is_some() {
                return Err(Error::IllegalParameter("two host names in server_name"));
            }
            let text =
                core::str::from_utf8(name).map_err(|_| Error::Decode("a host name that is not text"))?;
            host = Some(text.to_string());
        }
    }
    Ok(host)
}

/// ClientHello (RFC 8446 §4.1.2, RFC 5246 §7.4.1.2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientHello {
    /// legacy_version: 0x0303 in both versions.
    pub legacy_version: u16,
    /// 32 random bytes.
    pub random: [u8; 32],
    /// legacy_session_id, 0 to 32 bytes.
    pub session_id: Vec<u8>,
    /// Cipher suites in the client's order of preference.
    pub cipher_suites: Vec<u16>,
    /// Compression methods: must contain null (0).
    pub compression_methods: Vec<u8>,
    /// Extensions.
    pub extensions: Extensions,
}

impl ClientHello {
    /// Reads a ClientHello body.
    pub fn decode(body: &[u8]) -> Result<ClientHello, Error> {
        let mut r = Reader::new(body);
        let legacy_version = r.u16()?;
        let random = r.array()?;
        let session_id = r.vec8()?.rest().to_vec();
        if session_id.len() > 32 {
            return Err(Error::Decode("a session id longer than 32 bytes"));
        }
        let cipher_suites = read_u16_list(&mut r)?;
        let compression_methods = r.vec8()?.non_empty("no compression methods")?.rest().to_vec();
        // RFC 5246 §7.4.1.2: extensions may be absent altogether.
        let extensions = if r.is_empty() { Extensions::default() } else { Extensions::decode(&mut r)? };
        r.finish()?;
        Ok(ClientHello { legacy_version, random, session_id, cipher_suites, compression_methods, extensions })
    }

    /// Writes the body.
    pub fn encode(&self) -> Result<Vec<u8>, Error> {
        let mut w = Writer::new();
        w.u16(self.legacy_version).bytes(&self.random).vec8(|w| {
            w.bytes(&self.session_id);
        });
        write_u16_list(&mut w, &self.cipher_suites);
        w.vec8(|w| {
            w.bytes(&self.compression_methods);
        });
        self.extensions.encode(&mut w);
        w.into_bytes()
    }
}

/// ServerHello, and HelloRetryRequest, which is a ServerHello with a special
/// random (RFC 8446 §4.1.3, §4.1.4; RFC 5246 §7.4.1.3).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerHello {
    /// legacy_version: 0x0303 (the real version is in supported_versions for TLS 1.3).
    pub legacy_version: u16,
    /// 32 random bytes, or [`HELLO_RETRY_REQUEST_RANDOM`].
    pub random: [u8; 32],
    /// legacy_session_id_echo.
    pub session_id: Vec<u8>,
    /// The chosen suite.
    pub cipher_suite: u16,
    /// The chosen compression method (must be 0).
    pub compression_method: u8,
    /// Extensions.
    pub extensions: Extensions,
}

impl ServerHello {
    /// Reads a ServerHello body.
    pub fn decode(body: &[u8]) -> Result<ServerHello, Error> {
        let mut r = Reader::new(body);
        let legacy_version = r.u16()?;
        let random = r.array()?;
        let session_id = r.vec8()?.rest().to_vec();
        if session_id.len() > 32 {
            return Err(Error::Decode("a session id longer than 32 bytes"));
        }
        let cipher_suite = r.u16()?;
        let compression_method = r.u8()?;
        let extensions = if r.is_empty() { Extensions::default() } else { Extensions::decode(&mut r)? };
        r.finish()?;
        Ok(ServerHello { legacy_version, random, session_id, cipher_suite, compression_method, extensions })
    }

    /// Writes the body.
    pub fn encode(&self) -> Result<Vec<u8>, Error> {
        let mut w = Writer::new();
        w.u16(self.legacy_version).bytes(&self.random).vec8(|w| {
            w.bytes(&self.session_id);
        });
        w.u16(self.cipher_suite).u8(self.compression_method);
        self.extensions.encode(&mut w);
        w.into_bytes()
    }

    /// Whether this is a HelloRetryRequest (RFC 8446 §4.1.3).
    pub fn is_retry_request(&self) -> bool {
        self.random == HELLO_RETRY_REQUEST_RANDOM
    }
}
