//! Lab 6: a downgrade to TLS 1.2 by a man in the middle, and the sentinel
//! of RFC 8446 §4.1.3 that catches it.
//!
//! A man in the middle on 127.0.0.1 deletes the supported_versions
//! extension from the client's ClientHello, so the server, which speaks TLS
//! 1.3, sees a TLS 1.2 client and answers in TLS 1.2. A TLS 1.3 server that
//! negotiates TLS 1.2 ends its ServerHello random with `DOWNGRD\x01`, a
//! sentinel inside the random that TLS 1.2's signature covers; the real
//! padlock-tls client sees it and aborts with illegal_parameter. The client
//! with the switch `IgnoreDowngradeSentinel` (crates/tls/src/client/mod.rs)
//! is downgraded: it goes on in TLS 1.2.
//!
//! What happens next is the lesson of FREAK and Logjam (2015): here the
//! client's Finished, a MAC over the real transcript, still catches the
//! tampering, because the attacker cannot break ECDHE. An attacker who can
//! break the weaker version's key exchange forges the Finished too; the
//! sentinel is the check that does not depend on that.

use padlock_tls::ProtocolVersion;
use padlock_tls::ServerConfig;
use padlock_tls::lab::{Switch, Switches};
use padlock_tls::messages::{ClientHello, Extensions, HandshakeType, ext, frame};
use padlock_tls::trace::{Check, Event, Side};

use crate::net::{self, Direction, HANDSHAKE, Proxy, RawRecord, Server};
use crate::report::{Report, Role};
use crate::{Outcome, Params, Scale, common};

/// RFC 8446 §4.1.3: the last 8 bytes of a TLS 1.3 server's random when it
/// negotiates TLS 1.2.
pub const DOWNGRADE_TLS12: [u8; 8] = *b"DOWNGRD\x01";

/// The ClientHello of `record` without its supported_versions extension:
/// what the man in the middle forwards. Anything else passes unchanged.
pub(crate) fn strip_tls13(record: RawRecord) -> RawRecord {
    let stripped = (|| {
        let (typ, body) = (record.body.first()?, record.body.get(4..)?);
        if *typ != HandshakeType::ClientHello.to_u8() {
            return None;
        }
        let mut hello = ClientHello::decode(body).ok()?;
        let kept = hello.extensions.0.iter().filter(|e| e.typ != ext::SUPPORTED_VERSIONS).cloned().collect();
        hello.extensions = Extensions(kept);
        frame(HandshakeType::ClientHello, &hello.encode().ok()?).ok()
    })();
    match stripped {
        Some(message) => RawRecord { typ: HANDSHAKE, version: record.version, body: message },
        None => record,
    }
}

pub(crate) fn run(params: &Params, report: &mut Report<'_>) -> Result<Outcome, String> {
    let seed = params.seed;
    let bits = match params.scale {
        Scale::Lab => 2048,
        Scale::Test => 1024,
    };
    report.heading("The setting");
    report.explain(format!(
        "Client and server both speak TLS 1.3 and TLS 1.2 (the defaults of padlock-tls). A man in the middle \
         wants them on TLS 1.2 — the version with RSA key transport, CBC suites and a server signature that \
         does not cover the whole handshake. It deletes supported_versions, the extension that offers TLS \
         1.3, from the ClientHello. {}",
        if params.fixed {
            "This is the real padlock-tls client (--fixed)."
        } else {
            "The client's switch IgnoreDowngradeSentinel is on (crates/tls/src/client/mod.rs): it looks at the \
             sentinel, and goes on anyway."
        }
    ));
    let pki = common::pki(bits, &["localhost"], seed)?;
    let server =
        Server::start(ServerConfig::new(vec![pki.leaf.clone()], pki.key.clone()), seed, 1, |stream| {
            net::answer_request(stream, "hello\n").map(|_| ())
        })?;
    let mut first = true;
    let proxy = Proxy::start(
        server.address(),
        Box::new(move |direction, record: RawRecord| {
            if direction == Direction::ToServer && record.typ == HANDSHAKE && first {
                first = false;
                return vec![strip_tls13(record)];
            }
            vec![record]
        }),
    )?;
    let mut config = common::client_config("localhost", &pki.ca);
    if !params.fixed {
        config.switches = Switches::NONE.turn_on(Switch::IgnoreDowngradeSentinel);
    }
    let fetched = common::fetch(proxy.address(), config, seed, b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
    let log = proxy.finish();
    tell(report, &log, &fetched)
}

fn tell(
    report: &mut Report<'_>,
    log: &[(Direction, RawRecord)],
    fetched: &common::Fetched,
) -> Result<Outcome, String> {
    report.heading("The hellos");
    let hello =
        log.iter().find(|(d, r)| *d == Direction::ToServer && r.typ == HANDSHAKE).map(|(_, r)| r.clone());
    if let Some(hello) = hello {
        let stripped = strip_tls13(hello.clone());
        report.wire(Role::Client, Role::Attacker, "ClientHello offering TLS 1.3 and 1.2", &hello.body);
        report.wire(
            Role::Attacker,
            Role::Server,
            "the same ClientHello without supported_versions",
            &stripped.body,
        );
    }
    let messages = common::plaintext_handshake(log);
    let random =
        common::body_of(&messages, HandshakeType::ServerHello).and_then(|b| b.get(2..34)).unwrap_or(&[]);
    report.wire(Role::Server, Role::Client, "ServerHello for TLS 1.2; its random", random);
    report.leak(format!(
        "the server's random ends in \"{}\": \"I speak TLS 1.3, and was offered only 1.2\" (RFC 8446 §4.1.3)",
        common::printable(random.get(24..).unwrap_or(&[]))
    ));
    let client_events = fetched.events.iter().filter(|(s, _)| *s == Side::Client).map(|(_, e)| e);
    let mut negotiated = None;
    let mut sentinel_seen = None;
    let mut sent_key_exchange = false;
    for event in client_events {
        match event {
            Event::Negotiated(n) => negotiated = Some(n.version),
            Event::Check { check: Check::DowngradeSentinel, passed } => sentinel_seen = Some(!passed),
            Event::Handshake { sent: true, typ: HandshakeType::ClientKeyExchange, .. } => {
                sent_key_exchange = true
            }
            _ => {}
        }
    }
    report.heading("The client");
    report.value("it saw the sentinel", if sentinel_seen == Some(true) { "yes" } else { "no" });
    let downgraded = negotiated == Some(ProtocolVersion::Tls12) && sent_key_exchange;
    report.value(
        "it went on in",
        match (negotiated, sent_key_exchange) {
            (Some(v), true) => format!("{} (it sent its ClientKeyExchange and Finished)", v.name()),
            _ => "nothing: it stopped at the ServerHello".to_string(),
        },
    );
    match &fetched.response {
        Ok(_) => report.value("the connection", "completed"),
        Err(error) => report.value("the connection", format!("ended: {error}")),
    }
    if downgraded {
        report.explain(
            "The client was downgraded: it agreed to TLS 1.2 with a server that speaks TLS 1.3, and derived TLS \
             1.2 keys. Here the handshake then fails, because its keys (the extended master secret of RFC 7627 \
             hashes the transcript) and its Finished messages both cover the real hellos, which the attacker \
             changed, and the attacker cannot fix them up without breaking ECDHE. In FREAK (CVE-2015-0204) and \
             Logjam (CVE-2015-4000) the attacker could break the downgraded key exchange — 512-bit export RSA \
             and DH, factored or solved in minutes — and forged the Finished as well. The sentinel is the check \
             that does not rely on the key exchange holding: it sits in the server random, which the server's TLS 1.2 signature covers.",
        );
    }
    report.figure(
        "version the attacker forced",
        if downgraded { "TLS 1.2" } else { "none: the client aborted" },
    );
    report.verdict(
        downgraded,
        if downgraded {
            "the client was downgraded to TLS 1.2; only the Finished, which the attacker could not forge here, stopped it"
        } else {
            "the client saw the sentinel and aborted before sending a single key"
        },
    );
    Ok(Outcome { attack_succeeded: downgraded, queries: 1, seconds: 0.0 })
}

/// The random of the ServerHello a padlock-tls server speaking `versions`
/// sends to a real client, through the stripping man in the middle if
/// `strip`: for the exercise's check.
pub(crate) fn server_random(
    versions: &[ProtocolVersion],
    strip: bool,
    seed: u64,
) -> Result<[u8; 32], String> {
    let pki = common::pki(1024, &["localhost"], seed)?;
    let mut config = ServerConfig::new(vec![pki.leaf.clone()], pki.key.clone());
    config.versions = versions.to_vec();
    let server = Server::start(config, seed, 1, |stream| net::answer_request(stream, "hello\n").map(|_| ()))?;
    let proxy = Proxy::start(
        server.address(),
        Box::new(move |direction, record: RawRecord| {
            if strip && direction == Direction::ToServer {
                return vec![strip_tls13(record)];
            }
            vec![record]
        }),
    )?;
    let _ = common::fetch(
        proxy.address(),
        common::client_config("localhost", &pki.ca),
        seed,
        b"GET / HTTP/1.1\r\n\r\n",
    );
    let messages = common::plaintext_handshake(&proxy.finish());
    let random = common::body_of(&messages, HandshakeType::ServerHello).and_then(|b| b.get(2..34));
    random.and_then(|r| r.try_into().ok()).ok_or_else(|| "no ServerHello".to_string())
}
