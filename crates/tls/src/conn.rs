//! The connection: the record layer below, the handshake state machine
//! above, and the sans-IO interface between them and the caller.
//!
//! Bytes from the peer go in through [`Connection::read_tls`]; bytes to
//! send come out of [`Connection::take_outgoing`]. In between, records are
//! split off ([`Deframer`]), unprotected ([`HalfConn`]), and handshake
//! messages reassembled across records and handed, one at a time, to the
//! current state, which consumes itself and returns the next. The states
//! of the handshake live in `client/` and `server/`; the state of an
//! established connection, for both sides, in `traffic.rs`.

use core::ops::Range;

use rand_core::CryptoRng;

use crate::Error;
use crate::alert::{AlertDescription, AlertLevel};
use crate::key_schedule::SecretKind;
use crate::lab::Switches;
use crate::messages::{HandshakeType, MAX_HANDSHAKE_LEN, ProtocolVersion, frame};
use crate::negotiated::Negotiated;
use crate::record::{ContentType, Deframer, HalfConn, MAX_PLAINTEXT_LEN, MAX_RECORD_OVERHEAD, RecordMut};
use crate::suites::CipherSuite;
use crate::trace::{Direction, Event, KeyLogSink, KeyStage, Side, TraceSink, hex};

/// A whole handshake message, as received.
pub(crate) struct Message {
    /// Its type.
    pub(crate) typ: HandshakeType,
    /// The body (after the 4-byte header).
    pub(crate) body: Vec<u8>,
    /// Header and body, for the transcript.
    pub(crate) raw: Vec<u8>,
}

/// What the record layer hands the handshake state.
pub(crate) enum Input {
    /// A handshake message.
    Handshake(Message),
    /// A TLS 1.2 ChangeCipherSpec.
    ChangeCipherSpec,
}

impl Input {
    /// The name of what came, for "unexpected message" errors.
    fn name(&self) -> &'static str {
        match self {
            Input::Handshake(message) => message.typ.name(),
            Input::ChangeCipherSpec => "ChangeCipherSpec",
        }
    }
}

/// What one record brought, once unprotected ([`Core::next_content`]).
/// Handshake bytes and application data are already where they go; the
/// short contents are copied out for the connection to act on.
enum Content {
    /// Nothing to act on: skipped 0-RTT data, or a record after close_notify.
    Nothing,
    /// An unprotected ChangeCipherSpec record's fragment.
    ChangeCipherSpec(Vec<u8>),
    /// An alert record's content.
    Alert(Vec<u8>),
    /// Handshake bytes, appended to `handshake_in`.
    Handshake,
    /// Application data, left where it was opened at `range` of the
    /// deframer's buffer (possibly empty) and held there for the reader;
    /// `record` is the record as received, kept only when tracing.
    ApplicationData { range: Range<usize>, record: Option<Vec<u8>> },
}

/// One state of a connection: what is valid while waiting for the next
/// message. `handle` consumes the state and returns the next one (rustls
/// `Expect*`).
pub(crate) trait State: Send {
    /// Handles the next input.
    fn handle(self: Box<Self>, core: &mut Core, input: Input) -> Result<Box<dyn State>, Error>;

    /// What this state waits for, for "unexpected message" errors.
    fn expecting(&self) -> &'static str;

    /// Whether the handshake is over (application data may flow).
    fn is_traffic(&self) -> bool {
        false
    }

    /// TLS 1.3: sends a KeyUpdate and moves to the next write secret (RFC
    /// 8446 §4.6.3). Only an established TLS 1.3 connection can.
    fn send_key_update(&mut self, _core: &mut Core, _request_peer: bool) -> Result<(), Error> {
        Err(Error::Internal("KeyUpdate needs a finished TLS 1.3 handshake".into()))
    }
}

/// The error for an input that is not the one expected (RFC 8446 §6.2,
/// unexpected_message).
pub(crate) fn unexpected(state: &dyn State, input: &Input) -> Error {
    Error::UnexpectedMessage(format!("expected {}, got {}", state.expecting(), input.name()))
}

/// The message of type `typ`, or the error for anything else: the one path
/// every state takes for an unexpected message.
pub(crate) fn expect_message(state: &dyn State, input: Input, typ: HandshakeType) -> Result<Message, Error> {
    match input {
        Input::Handshake(message) if message.typ == typ => Ok(message),
        other => Err(unexpected(state, &other)),
    }
}

/// What both phases of a connection share: the record layer and its
/// buffers, the sinks, the RNG, and what was negotiated.
pub(crate) struct Core {
    pub(crate) side: Side,
    deframer: Deframer,
    read: HalfConn,
    write: HalfConn,
    outgoing: Vec<u8>,
    pending_handshake: Vec<u8>,
    handshake_in: Vec<u8>,
    pub(crate) rng: Box<dyn CryptoRng + Send>,
    trace: Option<TraceSink>,
    key_log: Option<KeyLogSink>,
    /// The version, once the hellos decided it.
    pub(crate) version: Option<ProtocolVersion>,
    /// The suite, once the hellos decided it. Only the trace reads it, to
    /// name the suite's key exchange in every [`Event::Handshake`]: a reader
    /// needs that to decode TLS 1.2's ServerKeyExchange and ClientKeyExchange.
    /// No state can supply it instead: a state's messages are sent, and
    /// traced, while that state is moved out into its `handle`; and a TLS
    /// 1.2 client records [`Negotiated`] (which holds the suite too) only
    /// after the ServerKeyExchange, the very message that needs it.
    pub(crate) suite: Option<CipherSuite>,
    /// The client random, for key-log lines.
    pub(crate) client_random: [u8; 32],
    negotiated: Option<Negotiated>,
    peer_closed: bool,
    sent_close: bool,
    /// Records in a row that advanced nothing (see [`MAX_IDLE_RECORDS`]).
    pub(crate) idle_records: usize,
    /// TLS 1.3: whether the one compatibility ChangeCipherSpec came.
    seen_ccs: bool,
    /// A TLS 1.3 server whose client offered 0-RTT data, which we never
    /// accept: how many bytes of records we may still skip (RFC 8446 §4.2.10).
    pub(crate) early_data_budget: Option<usize>,
    /// The configuration's lab switches ([`crate::lab`]): none, except in a lab.
    pub(crate) switches: Switches,
}

/// How many records in a row may advance nothing — warning alerts, empty
/// records, ChangeCipherSpecs, KeyUpdates and tickets with no application
/// data between them — before the connection is ended: each costs work and
/// a peer could send them forever. Other stacks do the same (OpenSSL allows
/// 32 empty records; five TLS 1.2 warning alerts in a handshake are fatal).
pub const MAX_IDLE_RECORDS: usize = 32;

/// TLS 1.2 warning alerts in a row a handshake tolerates: four, so the
/// fifth is a fatal unexpected_message, as in OpenSSL (MAX_WARN_ALERT_COUNT).
const MAX_HANDSHAKE_WARNINGS: usize = 4;

/// The largest ClientHello: RFC 8446 §4.1.2 bounds every field, so a hello
/// can reach 2 + 32 + (1 + 32) + (2 + 2^16 - 2) + (1 + 2^8 - 1) + (2 + 2^16 - 1)
/// = 131,396 bytes. Other handshake messages keep [`MAX_HANDSHAKE_LEN`].
pub const MAX_CLIENT_HELLO_LEN: usize = 2 + 32 + 33 + (1 << 16) + (1 << 8) + 1 + (1 << 16);

impl Core {
    /// A core with plaintext records, before any hello. The constructors
    /// of [`Connection`] make it: `Connection::client` in `client/` and
    /// `Connection::server` in `server/`, so this module knows no side's states.
    pub(crate) fn new(
        side: Side,
        rng: Box<dyn CryptoRng + Send>,
        trace: Option<TraceSink>,
        key_log: Option<KeyLogSink>,
        switches: Switches,
    ) -> Core {
        Core {
            side,
            deframer: Deframer::new(),
            read: HalfConn::plaintext(),
            write: HalfConn::plaintext(),
            outgoing: Vec::new(),
            pending_handshake: Vec::new(),
            handshake_in: Vec::new(),
            rng,
            trace,
            key_log,
            version: None,
            suite: None,
            client_random: [0; 32],
            negotiated: None,
            peer_closed: false,
            sent_close: false,
            idle_records: 0,
            seen_ccs: false,
            early_data_budget: None,
            switches,
        }
    }

    /// Counts a record that advanced nothing; too many in a row end the
    /// connection. `limit` is [`MAX_IDLE_RECORDS`] or a tighter one: that
    /// many in a row are tolerated, and the next one is fatal.
    pub(crate) fn idle(&mut self, limit: usize, what: &str) -> Result<(), Error> {
        self.idle_records += 1;
        if self.idle_records > limit {
            return Err(Error::UnexpectedMessage(format!(
                "{} {what} in a row, with nothing else between them",
                self.idle_records
            )));
        }
        Ok(())
    }

    /// Sends an event to the trace sink. The event is only built if a sink
    /// is attached: many carry copies of secrets or whole messages.
    pub(crate) fn emit(&self, event: impl FnOnce() -> Event) {
        if let Some(trace) = &self.trace {
            trace(self.side, &event());
        }
    }

    /// Traces a secret and writes its NSS key-log line, if anyone listens.
    pub(crate) fn log_secret(&self, kind: SecretKind, value: &[u8]) {
        self.emit(|| Event::Secret { kind, value: value.to_vec() });
        if let Some(key_log) = &self.key_log
            && !kind.nss_label().is_empty()
        {
            key_log(&format!("{} {} {}", kind.nss_label(), hex(&self.client_random), hex(value)));
        }
    }

    /// Frames a handshake message, queues it for sending and returns the
    /// framed bytes (for the transcript).
    pub(crate) fn send_handshake(&mut self, typ: HandshakeType, body: &[u8]) -> Result<Vec<u8>, Error> {
        let raw = frame(typ, body)?;
        self.emit(|| Event::Handshake {
            sent: true,
            typ,
            bytes: raw.clone(),
            version: self.version,
            kx: self.suite.and_then(|s| s.kx),
        });
        self.pending_handshake.extend_from_slice(&raw);
        Ok(raw)
    }

    /// Seals queued handshake messages into records of at most 2^14 bytes
    /// (RFC 8446 §5.1: handshake messages may be coalesced and split).
    pub(crate) fn flush_handshake(&mut self) -> Result<(), Error> {
        let mut pending = core::mem::take(&mut self.pending_handshake);
        let sealed = pending.chunks(MAX_PLAINTEXT_LEN).try_for_each(|chunk| {
            self.seal(ContentType::Handshake, chunk)?;
            Ok(())
        });
        // The buffer goes back, empty, for the next flight.
        pending.clear();
        self.pending_handshake = pending;
        sealed
    }

    /// Seals `payload` as one record straight into the outgoing buffer (the
    /// payload copied once, into its place there); returns where the record
    /// lies in that buffer.
    fn seal(&mut self, content_type: ContentType, payload: &[u8]) -> Result<Range<usize>, Error> {
        let record = self.write.seal_into(content_type, payload, &mut self.outgoing)?;
        self.emit(|| Event::Record {
            sent: true,
            content_type,
            bytes: self.outgoing[record.clone()].to_vec(),
        });
        Ok(record)
    }

    /// The next record off the deframer, its protection removed where it
    /// lies in the deframer's buffer, and its content put where it goes:
    /// handshake bytes onto `handshake_in`, application data held where it
    /// lies until the reader copies it out. `None` when no whole record is left.
    /// `handshaking` says whether the handshake is still running.
    fn next_content(&mut self, handshaking: bool) -> Result<Option<Content>, Error> {
        let Some(record) = self.deframer.next_record_mut()? else {
            return Ok(None);
        };
        // RFC 8446 §6.1: anything after close_notify is ignored.
        if self.peer_closed {
            return Ok(Some(Content::Nothing));
        }
        match record.content_type {
            ContentType::ChangeCipherSpec => {
                return Ok(Some(Content::ChangeCipherSpec(record.fragment.to_vec())));
            }
            // RFC 8446 §6.2: a TLS 1.3 peer that has not installed our keys
            // yet (a client refusing our ServerHello) alerts in the clear.
            // Take it as its alert; there is nothing to answer.
            ContentType::Alert
                if self.read.is_protected()
                    && self.version == Some(ProtocolVersion::Tls13)
                    && handshaking =>
            {
                return Ok(Some(Content::Alert(record.fragment.to_vec())));
            }
            _ => {}
        }
        let traced_record = self.trace.as_ref().map(|_| record.to_bytes());
        let empty = record.fragment.is_empty();
        let Some((content_type, range)) = open_or_skip(&mut self.read, &mut self.early_data_budget, record)?
        else {
            // Skipped 0-RTT data is charged by its length; an empty record
            // costs nothing there, so it counts as a record that advanced
            // nothing (RFC 8446 §5.4 allows a few as padding, not endless ones).
            if empty {
                self.idle(MAX_IDLE_RECORDS, "empty records")?;
            }
            return Ok(Some(Content::Nothing));
        };
        let plaintext = self.deframer.bytes(range.clone());
        let content = match content_type {
            ContentType::Alert => Content::Alert(plaintext.to_vec()),
            ContentType::Handshake => {
                // RFC 8446 §5.4 (and RFC 5246 §6.2.1): no empty handshake records.
                if plaintext.is_empty() {
                    return Err(Error::UnexpectedMessage("an empty handshake record".into()));
                }
                self.handshake_in.extend_from_slice(plaintext);
                Content::Handshake
            }
            ContentType::ApplicationData => {
                if handshaking || !self.handshake_in.is_empty() {
                    return Err(Error::UnexpectedMessage("application data during the handshake".into()));
                }
                // No copy: the reader takes it from where it was decrypted.
                self.deframer.hold(range.clone());
                Content::ApplicationData { range, record: traced_record }
            }
            ContentType::ChangeCipherSpec => {
                return Err(Error::UnexpectedMessage("an encrypted ChangeCipherSpec".into()));
            }
        };
        Ok(Some(content))
    }

    /// Sets the legacy version of plaintext records (0x0301 for a first ClientHello).
    pub(crate) fn set_plaintext_version(&mut self, version: [u8; 2]) {
        self.write.set_plaintext_version(version);
    }

    /// Sends a ChangeCipherSpec record (after flushing queued messages).
    pub(crate) fn send_change_cipher_spec(&mut self) -> Result<(), Error> {
        self.flush_handshake()?;
        self.seal(ContentType::ChangeCipherSpec, &[1])?;
        self.emit(|| Event::ChangeCipherSpec { sent: true });
        Ok(())
    }

    /// Installs new protection for one direction, made from `key` and `iv`
    /// by `make`. New write keys apply after what is already queued; new
    /// read keys need the handshake buffer empty (RFC 8446 §5.1: a
    /// handshake message must not straddle a key change).
    pub(crate) fn install(
        &mut self,
        direction: Direction,
        stage: KeyStage,
        half: HalfConn,
        key: &[u8],
        iv: &[u8],
    ) -> Result<(), Error> {
        match direction {
            Direction::Write => {
                self.flush_handshake()?;
                self.write = half.obeying(self.switches);
            }
            Direction::Read => {
                if !self.handshake_in.is_empty() {
                    return Err(Error::UnexpectedMessage(
                        "handshake data not aligned with a key change".into(),
                    ));
                }
                self.read = half;
            }
        }
        self.emit(|| Event::KeysInstalled { direction, stage, key: key.to_vec(), iv: iv.to_vec() });
        Ok(())
    }

    /// Queues an alert under the current write protection.
    pub(crate) fn send_alert(&mut self, level: AlertLevel, description: AlertDescription) {
        let _ = self.flush_handshake();
        if self.seal(ContentType::Alert, &[level.to_u8(), description.to_u8()]).is_ok() {
            self.emit(|| Event::Alert { sent: true, level, description });
        }
    }

    /// Records what was negotiated and tells the trace.
    pub(crate) fn set_negotiated(&mut self, negotiated: Negotiated) {
        self.emit(|| Event::Negotiated(negotiated.clone()));
        self.negotiated = Some(negotiated);
    }
}

/// A TLS connection, client or server, without I/O.
pub struct Connection {
    core: Core,
    state: Option<Box<dyn State>>,
    failed: Option<Error>,
}

impl Connection {
    /// A connection in its first `state`, over `core` (see [`Core::new`]).
    pub(crate) fn start(core: Core, state: Box<dyn State>) -> Connection {
        Connection { core, state: Some(state), failed: None }
    }

    /// Processes bytes from the peer. On an error the matching alert is
    /// queued (take it with [`take_outgoing`](Self::take_outgoing) and send
    /// it), and every later call returns the same error.
    pub fn read_tls(&mut self, bytes: &[u8]) -> Result<(), Error> {
        if let Some(error) = &self.failed {
            return Err(error.clone());
        }
        self.core.deframer.push(bytes);
        let result = self.process_records().and_then(|()| self.core.flush_handshake());
        if let Err(error) = &result {
            self.fail(error.clone());
        }
        result
    }

    /// The peer's transport ended: an error unless close_notify came first
    /// (and the handshake had finished: see [`Connection::read_tls`]).
    pub fn read_eof(&mut self) -> Result<(), Error> {
        if self.core.peer_closed && !self.is_handshaking() {
            return Ok(());
        }
        let error = Error::UnexpectedEof;
        if self.failed.is_none() {
            self.failed = Some(error.clone());
        }
        Err(error)
    }

    fn fail(&mut self, error: Error) {
        self.core.emit(|| Event::Failed(error.clone()));
        if let Some(description) = error.alert() {
            self.core.send_alert(AlertLevel::Fatal, description);
        }
        self.failed = Some(error);
    }

    /// Bytes to send to the peer.
    pub fn take_outgoing(&mut self) -> Vec<u8> {
        core::mem::take(&mut self.core.outgoing)
    }

    /// Bytes to send to the peer, left in the connection's buffer: send
    /// them, then say how many went with
    /// [`consume_outgoing`](Self::consume_outgoing). Unlike
    /// [`take_outgoing`](Self::take_outgoing), this keeps the buffer (and
    /// its memory) for the next records.
    pub fn outgoing(&self) -> &[u8] {
        &self.core.outgoing
    }

    /// Drops the first `n` bytes of [`outgoing`](Self::outgoing) (all of
    /// them if `n` is larger): they were sent.
    pub fn consume_outgoing(&mut self, n: usize) {
        let n = n.min(self.core.outgoing.len());
        self.core.outgoing.drain(..n);
    }

    /// Whether there are bytes to send.
    pub fn wants_write(&self) -> bool {
        !self.core.outgoing.is_empty()
    }

    /// Whether the handshake is still running.
    pub fn is_handshaking(&self) -> bool {
        self.failed.is_none() && !self.state.as_ref().is_some_and(|s| s.is_traffic())
    }

    /// What was negotiated (after the ServerHello).
    pub fn negotiated(&self) -> Option<&Negotiated> {
        self.core.negotiated.as_ref()
    }

    /// Whether the peer sent close_notify.
    pub fn peer_closed(&self) -> bool {
        self.core.peer_closed
    }

    /// The error that ended the connection, if any.
    pub fn error(&self) -> Option<&Error> {
        self.failed.as_ref()
    }

    /// Takes the application data received so far.
    pub fn take_app_data(&mut self) -> Vec<u8> {
        let mut data = vec![0; self.core.deframer.held()];
        self.core.deframer.read_held(&mut data);
        data
    }

    /// How many bytes of received application data wait to be read.
    pub fn app_data_len(&self) -> usize {
        self.core.deframer.held()
    }

    /// Reads received application data into `buf`; returns how much. The
    /// data is copied once, from the deframer's buffer where its record was
    /// decrypted.
    pub fn read_app_data(&mut self, buf: &mut [u8]) -> usize {
        self.core.deframer.read_held(buf)
    }

    /// Seals `data` as application-data records (at most 2^14 bytes each).
    pub fn write_app_data(&mut self, data: &[u8]) -> Result<(), Error> {
        if let Some(error) = &self.failed {
            return Err(error.clone());
        }
        if self.is_handshaking() {
            return Err(Error::Internal("application data before the handshake finished".into()));
        }
        // Room for all the records at once, so the buffer grows at most once.
        let records = data.len().div_ceil(MAX_PLAINTEXT_LEN);
        self.core.outgoing.reserve(data.len() + records * MAX_RECORD_OVERHEAD);
        for chunk in data.chunks(MAX_PLAINTEXT_LEN) {
            let record = self.core.seal(ContentType::ApplicationData, chunk)?;
            self.core.emit(|| Event::ApplicationData {
                sent: true,
                plaintext: chunk.to_vec(),
                record: self.core.outgoing[record].to_vec(),
                version: self.core.version,
                aead: self.core.write.algorithm(),
            });
        }
        Ok(())
    }

    /// Queues close_notify (RFC 8446 §6.1); nothing may be sent after it.
    pub fn send_close_notify(&mut self) {
        if !self.core.sent_close && self.failed.is_none() {
            self.core.sent_close = true;
            self.core.send_alert(AlertLevel::Warning, AlertDescription::CloseNotify);
        }
    }

    /// TLS 1.3: sends a KeyUpdate (RFC 8446 §4.6.3) and switches to the next
    /// write secret; `request_peer` asks the peer to update too.
    pub fn send_key_update(&mut self, request_peer: bool) -> Result<(), Error> {
        if let Some(error) = &self.failed {
            return Err(error.clone());
        }
        let state = self.state.as_mut().ok_or_else(|| Error::Internal("no connection state".into()))?;
        state.send_key_update(&mut self.core, request_peer)
    }

    fn process_records(&mut self) -> Result<(), Error> {
        loop {
            let handshaking = self.is_handshaking();
            let Some(content) = self.core.next_content(handshaking)? else {
                return Ok(());
            };
            match content {
                Content::Nothing => {}
                Content::ChangeCipherSpec(fragment) => self.change_cipher_spec(&fragment)?,
                Content::Alert(payload) => self.alert(&payload)?,
                Content::Handshake => self.handshake_messages()?,
                Content::ApplicationData { range, record } => self.application_data(range, record)?,
            }
        }
    }

    /// Application data that [`Core::next_content`] left at `range` of the
    /// deframer's buffer; `record` is the record that carried it, if tracing.
    fn application_data(&mut self, range: Range<usize>, record: Option<Vec<u8>>) -> Result<(), Error> {
        if range.is_empty() {
            return self.core.idle(MAX_IDLE_RECORDS, "empty records");
        }
        self.core.idle_records = 0;
        if let Some(record) = record {
            self.core.emit(|| Event::ApplicationData {
                sent: false,
                plaintext: self.core.deframer.bytes(range.clone()).to_vec(),
                record,
                version: self.core.version,
                aead: self.core.read.algorithm(),
            });
        }
        Ok(())
    }

    /// RFC 8446 §5: in TLS 1.3 an unprotected ChangeCipherSpec of one byte 1
    /// is dropped during the handshake (middlebox compatibility); in TLS
    /// 1.2 it is a protocol step (RFC 5246 §7.1).
    fn change_cipher_spec(&mut self, fragment: &[u8]) -> Result<(), Error> {
        if fragment != [1] {
            return Err(Error::UnexpectedMessage("a ChangeCipherSpec that is not the byte 1".into()));
        }
        if !self.core.handshake_in.is_empty() {
            return Err(Error::UnexpectedMessage("ChangeCipherSpec inside a handshake message".into()));
        }
        // RFC 8446 §5: only "after the first ClientHello": a server that has
        // not seen one yet (no version yet) takes it as unexpected.
        if self.core.version.is_none() && self.core.side == Side::Server {
            return Err(Error::UnexpectedMessage("ChangeCipherSpec before the ClientHello".into()));
        }
        self.core.emit(|| Event::ChangeCipherSpec { sent: false });
        if self.core.version == Some(ProtocolVersion::Tls12) {
            return self.step(Input::ChangeCipherSpec);
        }
        if !self.is_handshaking() {
            return Err(Error::UnexpectedMessage("ChangeCipherSpec after the handshake".into()));
        }
        // RFC 8446 §D.4: a peer in compatibility mode sends exactly one.
        if self.core.seen_ccs {
            return Err(Error::UnexpectedMessage("a second ChangeCipherSpec in a TLS 1.3 handshake".into()));
        }
        self.core.seen_ccs = true;
        Ok(())
    }

    fn alert(&mut self, payload: &[u8]) -> Result<(), Error> {
        let [level, code] = payload else {
            // RFC 8446 §5.4: an empty alert record is unexpected_message.
            if payload.is_empty() {
                return Err(Error::UnexpectedMessage("an empty alert record".into()));
            }
            return Err(Error::Decode("an alert that is not two bytes"));
        };
        let level = AlertLevel::from_u8(*level)
            .ok_or(Error::IllegalParameter("an alert level that is neither warning nor fatal"))?;
        let description = AlertDescription::from_u8(*code);
        self.core.emit(|| Event::Alert { sent: false, level, description });
        let tls12 = self.core.version == Some(ProtocolVersion::Tls12);
        match description {
            // A close_notify before the handshake finished ends a handshake
            // that cannot finish: a failure, not a clean end.
            AlertDescription::CloseNotify if self.is_handshaking() => Err(Error::AlertReceived(description)),
            AlertDescription::CloseNotify => {
                self.core.peer_closed = true;
                Ok(())
            }
            // RFC 8446 §6.1: user_canceled is followed by close_notify.
            AlertDescription::UserCanceled => self.core.idle(MAX_IDLE_RECORDS, "user_canceled alerts"),
            // TLS 1.2 warnings other than these are noted and ignored, a
            // few at a time; RFC 8446 §6 treats every other alert as fatal.
            _ if level == AlertLevel::Warning && tls12 => {
                let limit = if self.is_handshaking() { MAX_HANDSHAKE_WARNINGS } else { MAX_IDLE_RECORDS };
                self.core.idle(limit, "warning alerts")
            }
            _ => Err(Error::AlertReceived(description)),
        }
    }

    /// Cuts whole messages off the reassembly buffer and hands them on.
    fn handshake_messages(&mut self) -> Result<(), Error> {
        while let Some(&[typ, l0, l1, l2]) = self.core.handshake_in.first_chunk::<4>() {
            let len = usize::from(l0) << 16 | usize::from(l1) << 8 | usize::from(l2);
            // Checked from the header, before buffering the body.
            let limit = if typ == HandshakeType::ClientHello.to_u8() {
                MAX_CLIENT_HELLO_LEN
            } else {
                MAX_HANDSHAKE_LEN
            };
            if len > limit {
                return Err(Error::Decode(
                    "a handshake message longer than the limit (64 KiB, 128 KiB for a ClientHello)",
                ));
            }
            if self.core.handshake_in.len() < 4 + len {
                break;
            }
            let raw: Vec<u8> = self.core.handshake_in.drain(..4 + len).collect();
            let typ = HandshakeType::from_u8(typ)
                .ok_or_else(|| Error::UnexpectedMessage(format!("unknown handshake type {typ}")))?;
            self.core.emit(|| Event::Handshake {
                sent: false,
                typ,
                bytes: raw.clone(),
                version: self.core.version,
                kx: self.core.suite.and_then(|s| s.kx),
            });
            // Handshake messages move a handshake on; after it, the state
            // decides (traffic.rs counts tickets and unasked KeyUpdates).
            if self.is_handshaking() {
                self.core.idle_records = 0;
            }
            let body = raw[4..].to_vec();
            self.step(Input::Handshake(Message { typ, body, raw }))?;
        }
        Ok(())
    }

    fn step(&mut self, input: Input) -> Result<(), Error> {
        let state = self.state.take().ok_or_else(|| Error::Internal("no handshake state".into()))?;
        self.state = Some(state.handle(&mut self.core, input)?);
        Ok(())
    }
}

/// Removes a record's protection in place, or skips it: `None` for 0-RTT
/// data we never accepted. RFC 8446 §4.2.10: a server that declines early
/// data skips the records it cannot decrypt, up to a budget, until one
/// opens under the handshake keys; after a HelloRetryRequest it skips
/// application data until the second ClientHello.
fn open_or_skip(
    read: &mut HalfConn,
    early_data_budget: &mut Option<usize>,
    record: RecordMut<'_>,
) -> Result<Option<(ContentType, Range<usize>)>, Error> {
    let len = record.fragment.len();
    let skippable = record.content_type == ContentType::ApplicationData && early_data_budget.is_some();
    if skippable && !read.is_protected() {
        return skip_early_data(early_data_budget, len);
    }
    match read.open_in_place(record) {
        Err(Error::BadRecordMac) if skippable => skip_early_data(early_data_budget, len),
        Err(error) => Err(error),
        Ok(opened) => {
            if read.is_protected() {
                *early_data_budget = None;
            }
            Ok(Some(opened))
        }
    }
}

/// Skips a `len`-byte record of early data, within the budget.
fn skip_early_data<T>(budget: &mut Option<usize>, len: usize) -> Result<Option<T>, Error> {
    match budget.unwrap_or(0).checked_sub(len) {
        Some(left) => {
            *budget = Some(left);
            Ok(None)
        }
        None => Err(Error::BadRecordMac),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use rand::SeedableRng;

    use super::*;

    fn core(trace: Option<TraceSink>) -> Core {
        let rng = Box::new(rand::rngs::StdRng::seed_from_u64(1));
        Core::new(Side::Client, rng, trace, None, Switches::NONE)
    }

    /// The hostile-peers issue (defect 9): events that copy secrets are
    /// built only when a sink listens.
    #[test]
    fn events_are_built_only_when_a_sink_listens() {
        let quiet = core(None);
        quiet.emit(|| panic!("an event built with no sink attached"));
        quiet.log_secret(SecretKind::ClientHandshakeTraffic, &[7; 32]);

        let received = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&received);
        let sink: TraceSink = Arc::new(move |_, event| {
            assert!(matches!(event, Event::Secret { value, .. } if value == &[7; 32]));
            counter.fetch_add(1, Ordering::SeqCst);
        });
        core(Some(sink)).log_secret(SecretKind::ClientHandshakeTraffic, &[7; 32]);
        assert_eq!(received.load(Ordering::SeqCst), 1);
    }
}
