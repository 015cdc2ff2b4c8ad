//! The established connection, for both sides and both versions: what may
//! still arrive as a handshake message once application data flows.
//!
//! - TLS 1.2 ([`Traffic12`]): we never renegotiate; a HelloRequest or a new
//!   ClientHello gets a no_renegotiation warning (RFC 5746 §4).
//! - TLS 1.3 ([`Traffic13`]): NewSessionTicket (RFC 8446 §4.6.1, checked
//!   and dropped: no resumption) and KeyUpdate (§4.6.3), which moves one
//!   direction to its next traffic secret (§7.2). This state holds the two
//!   current application traffic secrets, so it alone can update them.

use crate::Error;
use crate::alert::{AlertDescription, AlertLevel};
use crate::conn::{Core, Input, MAX_IDLE_RECORDS, State, unexpected};
use crate::key_schedule::tls13::TrafficSecret;
use crate::keys::install13;
use crate::messages::{HandshakeType, check_new_session_ticket, decode_key_update};
use crate::suites::CipherSuite;
use crate::trace::{Event, KeyStage, Side};

/// After a TLS 1.2 handshake.
pub(crate) struct Traffic12;

impl State for Traffic12 {
    fn expecting(&self) -> &'static str {
        "application data"
    }

    fn is_traffic(&self) -> bool {
        true
    }

    fn handle(self: Box<Self>, core: &mut Core, input: Input) -> Result<Box<dyn State>, Error> {
        match input {
            // RFC 5246 §7.4.1.1 (HelloRequest) and RFC 5746 §4.4 (ClientHello):
            // we do not renegotiate; a warning says so and the connection goes on.
            Input::Handshake(m)
                if matches!(m.typ, HandshakeType::HelloRequest | HandshakeType::ClientHello) =>
            {
                core.idle(MAX_IDLE_RECORDS, "renegotiation attempts")?;
                core.emit(|| Event::RenegotiationRefused(m.typ));
                core.send_alert(AlertLevel::Warning, AlertDescription::NoRenegotiation);
                Ok(self)
            }
            other => Err(unexpected(&*self, &other)),
        }
    }
}

/// After a TLS 1.3 handshake: the current application traffic secrets.
pub(crate) struct Traffic13 {
    suite: CipherSuite,
    read: TrafficSecret,
    write: TrafficSecret,
    /// KeyUpdates we sent with update_requested, not answered yet: their
    /// answers are progress, not idle records.
    requested: usize,
}

impl Traffic13 {
    /// The established state with `read` and `write` installed.
    pub(crate) fn new(suite: CipherSuite, read: TrafficSecret, write: TrafficSecret) -> Traffic13 {
        Traffic13 { suite, read, write, requested: 0 }
    }

    /// RFC 8446 §7.2: our next write secret, after we sent a KeyUpdate.
    fn update_write(&mut self, core: &mut Core) -> Result<(), Error> {
        self.write = self.write.next();
        core.log_secret(self.write.kind(), self.write.as_bytes());
        install13(core, self.suite, &self.write, KeyStage::Updated)
    }

    /// RFC 8446 §7.2: the peer's next secret, after its KeyUpdate.
    fn update_read(&mut self, core: &mut Core) -> Result<(), Error> {
        self.read = self.read.next();
        core.log_secret(self.read.kind(), self.read.as_bytes());
        install13(core, self.suite, &self.read, KeyStage::Updated)
    }
}

impl State for Traffic13 {
    fn expecting(&self) -> &'static str {
        "application data"
    }

    fn is_traffic(&self) -> bool {
        true
    }

    fn handle(mut self: Box<Self>, core: &mut Core, input: Input) -> Result<Box<dyn State>, Error> {
        let message = match input {
            Input::Handshake(m) => m,
            other => return Err(unexpected(&*self, &other)),
        };
        match message.typ {
            // §4.6.1: only servers send tickets; we do not resume sessions.
            HandshakeType::NewSessionTicket if core.side == Side::Client => {
                core.idle(MAX_IDLE_RECORDS, "tickets")?;
                check_new_session_ticket(&message.body)?;
                core.emit(|| Event::TicketIgnored);
            }
            HandshakeType::KeyUpdate => {
                let requested = decode_key_update(&message.body)?;
                // A KeyUpdate we asked for is an answer; others are work a
                // peer could ask for forever, so they count.
                if self.requested > 0 {
                    self.requested -= 1;
                    core.idle_records = 0;
                } else {
                    core.idle(MAX_IDLE_RECORDS, "KeyUpdates")?;
                }
                self.update_read(core)?;
                // §4.6.3: answer update_requested with our own update (not requested).
                if requested {
                    core.send_handshake(HandshakeType::KeyUpdate, &[0])?;
                    self.update_write(core)?;
                }
            }
            _ => {
                return Err(Error::UnexpectedMessage(format!("{} after the handshake", message.typ.name())));
            }
        }
        Ok(self)
    }

    fn send_key_update(&mut self, core: &mut Core, request_peer: bool) -> Result<(), Error> {
        core.send_handshake(HandshakeType::KeyUpdate, &[u8::from(request_peer)])?;
        self.requested += usize::from(request_peer);
        self.update_write(core)
    }
}
