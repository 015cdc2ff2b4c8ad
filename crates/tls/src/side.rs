//! The two ends of a connection. A leaf module: the key schedule names the
//! side a traffic secret protects, the trace the side that emits an event,
//! and the connection the side it plays, all with this one type (re-exported
//! as [`crate::trace::Side`]).

/// Which end of the connection: the client or the server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// The client.
    Client,
    /// The server.
    Server,
}

impl Side {
    /// "client" or "server".
    pub fn name(self) -> &'static str {
        match self {
            Side::Client => "client",
            Side::Server => "server",
        }
    }

    /// The other end.
    pub fn peer(self) -> Side {
        match self {
            Side::Client => Side::Server,
            Side::Server => Side::Client,
        }
    }
}
