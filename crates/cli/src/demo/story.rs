//! How `padlock demo` tells the story: which step and part each trace
//! event belongs to, the headed sections with their explanations, and the
//! JSON-lines form.

use padlock_tls::key_schedule::SecretKind;
use padlock_tls::trace::{Check, Direction, KeyExchangeValue, KeyStage};

use super::*;

/// Where an event belongs in the story: (step, part). `None`: not shown.
fn place(event: &Event) -> Option<(u8, u8)> {
    Some(match event {
        Event::Record { .. } => return None,
        Event::Handshake { typ, .. } => match typ {
            HandshakeType::ClientHello | HandshakeType::ServerHello | HandshakeType::EncryptedExtensions => {
                (2, 1)
            }
            HandshakeType::Certificate
            | HandshakeType::CertificateVerify
            | HandshakeType::CertificateRequest
            | HandshakeType::ServerHelloDone => (2, 2),
            HandshakeType::ServerKeyExchange | HandshakeType::ClientKeyExchange => (3, 1),
            HandshakeType::Finished => (3, 3),
            _ => (4, 1),
        },
        Event::Negotiated(_) | Event::ServerName(_) | Event::HelloRetryRequest { .. } => (2, 1),
        Event::Check { check: Check::Finished { .. }, .. } => (3, 3),
        Event::Check {
            check: Check::Signature { message: HandshakeType::ServerKeyExchange, .. }, ..
        } => (3, 1),
        Event::Check { .. } => (2, 2),
        Event::KeyExchange { .. } => (3, 1),
        Event::Secret { kind: SecretKind::Tls12Premaster, .. } => (3, 1),
        Event::Secret {
            kind: SecretKind::ClientApplicationTrafficNext | SecretKind::ServerApplicationTrafficNext,
            ..
        } => (4, 1),
        Event::KeysInstalled { stage: KeyStage::Updated, .. } => (4, 1),
        Event::Secret { .. } | Event::KeysInstalled { .. } | Event::ChangeCipherSpec { .. } => (3, 2),
        Event::ApplicationData { .. }
        | Event::Alert { .. }
        | Event::TicketIgnored
        | Event::RenegotiationRefused(_) => (4, 1),
        Event::Failed(_) => (5, 0),
    })
}

/// Prints the run: headings, explanations and events in step order.
pub(super) fn print(plan: &Plan, outcome: &Outcome, events: &[(Side, Event)]) {
    let mut placed: Vec<((u8, u8), usize)> =
        events.iter().enumerate().filter_map(|(i, (_, e))| place(e).map(|p| (p, i))).collect();
    // Failures are told where they happened, after what came before them.
    if let Some(first_failure) = events.iter().position(|(_, e)| matches!(e, Event::Failed(_))) {
        for (p, i) in &mut placed {
            if *i >= first_failure {
                *p = (5, 0);
            }
        }
    }
    placed.sort_by_key(|(p, _)| *p);
    let text = if plan.style == narrate::Style::Json {
        json_story(plan, outcome, events, &placed)
    } else {
        story(plan, outcome, events, &placed)
    };
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}

/// The events as JSON lines, with a line per step and the run's facts.
fn json_story(
    plan: &Plan,
    outcome: &Outcome,
    events: &[(Side, Event)],
    placed: &[((u8, u8), usize)],
) -> String {
    let seeded = plan.seed.is_some();
    let mut lines = vec![narrate::object(&[
        ("event", Json::Str("demo".into())),
        ("version", Json::Str(plan.version.name().into())),
        ("suite", Json::Str(plan.suite.name().into())),
        (
            "group",
            if plan.kx == Some(KeyExchangeAlgorithm::Rsa) {
                Json::Null
            } else {
                Json::Str(plan.group.name().into())
            },
        ),
        ("seed", plan.seed.map_or(Json::Null, Json::Num)),
    ])];
    let mut pki = vec![("event", Json::Str("pki".into())), ("rsa_bits", Json::Num(RSA_BITS as u64))];
    let mut tcp = vec![("event", Json::Str("tcp".into())), ("address", Json::Str("127.0.0.1".into()))];
    if !seeded {
        pki.push(("microseconds", Json::Num(outcome.pki_time.as_micros() as u64)));
        tcp.push(("port", Json::Num(u64::from(outcome.port))));
        tcp.push(("microseconds", Json::Num(outcome.connect_time.as_micros() as u64)));
    }
    lines.push(narrate::object(&pki));
    lines.push(step_json(1));
    lines.push(narrate::object(&tcp));
    let mut step = 1;
    for &((s, _), i) in placed {
        if s != step {
            step = s;
            lines.push(step_json(s));
        }
        let (side, event) = &events[i];
        lines.push(narrate::json(*side, event));
    }
    lines.push(narrate::object(&[
        ("event", Json::Str("done".into())),
        ("ok", Json::Bool(outcome.error.is_none())),
        ("error", outcome.error.clone().map_or(Json::Null, Json::Str)),
        ("response", Json::Str(String::from_utf8_lossy(&outcome.response).into_owned())),
    ]));
    lines.iter().map(|l| format!("{l}\n")).collect()
}

/// The JSON line that opens a step.
fn step_json(step: u8) -> String {
    narrate::object(&[
        ("event", Json::Str("step".into())),
        ("step", Json::Num(u64::from(step))),
        ("title", Json::Str(step_title(step).into())),
    ])
}

/// The headings, in the article's words.
fn step_title(step: u8) -> &'static str {
    match step {
        1 => "TCP handshake",
        2 => "Hello and certificate check",
        3 => "Key exchange",
        4 => "Data transmission",
        _ => "What went wrong",
    }
}

/// The narrative for people: headings, explanations, then the events of
/// each part of each step, rendered by [`narrate::render`].
fn story(plan: &Plan, outcome: &Outcome, events: &[(Side, Event)], placed: &[((u8, u8), usize)]) -> String {
    let color = plan.style == narrate::Style::Color;
    let mut s = Story { out: String::new(), color };
    let seeded = plan.seed.is_some();
    let group = if plan.kx == Some(KeyExchangeAlgorithm::Rsa) {
        "no group".to_string()
    } else {
        plan.group.name().to_string()
    };
    s.line(&paint(color, Tone::Heading, "padlock demo: HTTPS, step by step, on 127.0.0.1"));
    s.line(&format!(
        "  {}, {}, {group}{}",
        plan.version.name(),
        plan.suite.name(),
        plan.seed.map(|n| format!(", --seed {n}")).unwrap_or_default()
    ));
    let took = if seeded { String::new() } else { format!(" in {}", ms(outcome.pki_time)) };
    let keys = match plan.cert {
        CertKind::Rsa => format!("{RSA_BITS}-bit RSA keys"),
        CertKind::Ecdsa => {
            "an ECDSA key on P-256 for the server, signed by a CA whose key is on P-384".into()
        }
    };
    s.explain(&format!(
        "A throw-away CA and a certificate for 'localhost' signed by it were made on the spot{took} \
         ({keys}). The client trusts only that CA."
    ));
    s.heading(1);
    s.explain(
        "Before any TLS, the client opens a TCP connection: SYN, SYN+ACK, ACK (RFC 9293 §3.5). The \
         kernel does this inside connect(). Nothing is secret or authenticated yet: anyone on the path \
         can read and change what follows, which is what TLS is for.",
    );
    if seeded {
        s.line("  client connected to the server on 127.0.0.1 (the port and the time vary: --seed leaves them out)");
    } else {
        s.line(&format!("  client connected to 127.0.0.1:{} in {}", outcome.port, ms(outcome.connect_time)));
    }
    let mut current = (1, 0);
    let mut chacha_shown = false;
    for &(place, i) in placed {
        if place != current {
            if current == (3, 1) {
                s.agreement(plan, events);
            }
            if place.0 != current.0 {
                s.heading(place.0);
            }
            s.explain(&part_intro(plan, place));
            current = place;
        }
        let (side, event) = &events[i];
        let dump =
            matches!(event, Event::Handshake { sent: true, .. } | Event::ApplicationData { sent: true, .. });
        for line in narrate::render(*side, event, color, dump).lines() {
            s.line(&format!("  {line}"));
        }
        if let Event::Handshake { sent: true, typ: HandshakeType::Certificate, bytes, .. } = event {
            s.certificates(bytes, plan.version);
        }
        if let Event::ApplicationData { sent: true, aead: Some(AeadAlgorithm::ChaCha20Poly1305), .. } = event
            && !chacha_shown
        {
            chacha_shown = true;
            s.chacha_block(plan, *side, events);
        }
    }
    if current == (3, 1) {
        s.agreement(plan, events);
    }
    s.ending(outcome);
    s.out
}

/// The text being built.
struct Story {
    out: String,
    color: bool,
}

impl Story {
    /// One line of output.
    fn line(&mut self, text: &str) {
        self.out.push_str(text);
        self.out.push('\n');
    }

    /// A step's heading, after a blank line.
    fn heading(&mut self, step: u8) {
        let title =
            if step <= 4 { format!("Step {step}: {}", step_title(step)) } else { step_title(step).into() };
        self.line("");
        self.line(&paint(self.color, Tone::Heading, &title));
    }

    /// A paragraph of explanation, wrapped at 100 columns.
    fn explain(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        let mut line = String::new();
        let mut lines = Vec::new();
        for word in text.split_whitespace() {
            if !line.is_empty() && line.len() + word.len() > 98 {
                lines.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        lines.push(line);
        for l in lines {
            let painted = paint(self.color, Tone::Explain, &l);
            self.line(&format!("  {painted}"));
        }
    }

    /// Subject, names, issuer, validity and key of each certificate sent.
    fn certificates(&mut self, message: &[u8], version: ProtocolVersion) {
        let Ok(certificate) = CertificateMessage::decode(message.get(4..).unwrap_or(&[]), version) else {
            return;
        };
        for (index, (der, _)) in certificate.entries.iter().enumerate() {
            self.line(&format!("           certificate {index}, decoded (RFC 5280 §4.1):"));
            match annotate::describe_certificate(der) {
                Ok(lines) => lines.iter().for_each(|l| self.line(&format!("             {l}"))),
                Err(error) => self.line(&format!("             does not parse: {error}")),
            }
        }
    }

    /// The ChaCha20 block behind `side`'s first record: block 0 under the
    /// record's nonce gives Poly1305's one-time key (RFC 8439 §2.6), block 1
    /// the first keystream bytes. Computed here from the keys the trace
    /// showed, as a student could by hand.
    fn chacha_block(&mut self, plan: &Plan, side: Side, events: &[(Side, Event)]) {
        let keys = events.iter().find_map(|(s, e)| match e {
            Event::KeysInstalled { direction: Direction::Write, stage: KeyStage::Application, key, iv }
                if *s == side =>
            {
                Some((key.clone(), iv.clone()))
            }
            _ => None,
        });
        let Some((key, iv)) = keys else { return };
        let (Ok(key), Ok(mut nonce)) =
            (<[u8; 32]>::try_from(key.as_slice()), <[u8; 12]>::try_from(iv.as_slice()))
        else {
            return;
        };
        // The first application-data record: sequence number 0 under fresh
        // TLS 1.3 keys; 1 in TLS 1.2, whose Finished took 0.
        let seq: u64 = if plan.version == TLS13 { 0 } else { 1 };
        for (n, s) in nonce[4..].iter_mut().zip(seq.to_be_bytes()) {
            *n ^= s;
        }
        let key = padlock_chacha::chacha20::Key::new(&key);
        let block0 = padlock_chacha::chacha20::block(&key, 0, &nonce);
        let block1 = padlock_chacha::chacha20::block(&key, 1, &nonce);
        let color = self.color;
        let value = |bytes: &[u8]| paint(color, Tone::Value, &padlock_tls::trace::hex(bytes));
        self.line(&format!("           nonce       {}  the IV XOR sequence number {seq}", value(&nonce)));
        self.line(&format!(
            "           block 0     {}  ChaCha20(key, counter 0, nonce), first 32 bytes: Poly1305's one-time key r || s",
            value(&block0[..32])
        ));
        self.line(&format!(
            "           block 1     {}...  keystream (counter 1), XORed with the plaintext into the ciphertext",
            value(&block1[..16])
        ));
    }

    /// After the key exchange: whether both sides hold the same secret,
    /// and for RSA why it is no longer used.
    fn agreement(&mut self, plan: &Plan, events: &[(Side, Event)]) {
        let tls13 = plan.version == TLS13;
        let find = |side: Side| {
            events.iter().find_map(|(s, e)| match e {
                Event::KeyExchange { value: KeyExchangeValue::SharedSecret, bytes, .. }
                    if *s == side && tls13 =>
                {
                    Some(bytes.clone())
                }
                Event::Secret { kind: SecretKind::Tls12Premaster, value } if *s == side && !tls13 => {
                    Some(value.clone())
                }
                _ => None,
            })
        };
        let what = if tls13 { "shared secret" } else { "premaster secret" };
        let (client, server) = (find(Side::Client), find(Side::Server));
        if let (Some(client), Some(server)) = (client, server) {
            let same = client == server;
            let verdict =
                if same { paint(self.color, Tone::Good, "yes") } else { paint(self.color, Tone::Bad, "NO") };
            self.line(&format!("  client and server hold the same {what}: {verdict}"));
        }
        if plan.kx == Some(KeyExchangeAlgorithm::Rsa) {
            self.explain(
                "Why RSA key transport is no longer used: it has no forward secrecy. The premaster secret \
                 travels encrypted under the server's long-term key, so whoever gets that key later (a \
                 break-in, a subpoena, a discarded disk) decrypts every session ever recorded. The server's \
                 decryption is also an oracle: Bleichenbacher's attack (1998, again as ROBOT in 2017) \
                 learns the premaster from how the server reacts to bad padding, which is why the server \
                 here answers a bad one with a random premaster and no error (RFC 5246 §7.4.7.1). TLS 1.3 \
                 removed it (RFC 8446 §1.2). With (EC)DHE both sides throw their private values away after \
                 the handshake and the certificate key only signs. Compare side by side: \
                 `padlock demo --tls 1.2 --kx ecdhe`, `padlock demo --tls 1.2 --kx dhe`, and `padlock demo` \
                 (TLS 1.3).",
            );
        }
    }

    /// The response, and how it all ended.
    fn ending(&mut self, outcome: &Outcome) {
        self.line("");
        if !outcome.response.is_empty() {
            self.line(&paint(self.color, Tone::Heading, "The answer, as the client's browser would see it"));
            for line in String::from_utf8_lossy(&outcome.response).lines() {
                self.line(&format!("  | {line}"));
            }
        }
        match &outcome.error {
            None => self.explain(
                "Done: the request and the answer crossed the network encrypted and authenticated; only \
                 the two ends ever held the keys.",
            ),
            Some(error) => self.line(&format!("  the demo failed: {error}")),
        }
    }
}

/// Milliseconds with three decimals.
fn ms(time: Duration) -> String {
    format!("{:.3} ms", time.as_secs_f64() * 1000.0)
}

/// Step 2's certificate part, TLS 1.3.
const CERTIFICATE13: &str = "The server proves who it is. Its Certificate (RFC 8446 §4.4.2) carries its public \
    key, signed by a CA the client trusts; the client checks the chain up to its trust anchor, the dates, and \
    that the certificate names the host it asked for (RFC 5280 §6, RFC 6125). Then CertificateVerify \
    (§4.4.3): a signature over the handshake so far, proving the server holds the private key. These \
    messages travelled encrypted under the handshake keys of step 3; the trace shows them decrypted.";

/// Step 2's certificate part, TLS 1.2.
const CERTIFICATE12: &str = "The server proves who it is. Its Certificate (RFC 5246 §7.4.2) carries its public \
    key, signed by a CA the client trusts; the client checks the chain up to its trust anchor, the dates, and \
    that the certificate names the host it asked for (RFC 5280 §6, RFC 6125). ServerHelloDone (§7.4.5) ends \
    the server's turn.";

/// Step 3's key exchange in TLS 1.3, by kind of group.
fn key_exchange13(plan: &Plan) -> String {
    let group = plan.group.name();
    let dh = |how: &str| {
        format!(
            "Both sides made a fresh {group} key pair and swapped the public halves in key_share. Each \
             combines its own private key with the other's public key ({how}) and gets the same shared secret, \
             which never crossed the wire (RFC 8446 §7.4). Someone who recorded the traffic sees only the \
             public halves."
        )
    };
    match plan.group.kind() {
        GroupKind::X25519 => dh("X25519, RFC 7748 §6.1"),
        GroupKind::Ffdhe(_) => dh("g^xy mod p, RFC 7919"),
        GroupKind::Ec(_) => dh(
            "a point multiplication on the NIST curve, SEC 1 §3.3.1; a public key is an uncompressed point, \
             04 || x || y, and each side checks the other's is on the curve before using it",
        ),
        GroupKind::Hybrid => hybrid13(plan.group),
    }
}

/// What the hybrid key exchange is, and what its key shares hold.
fn hybrid13(group: NamedGroup) -> String {
    let group_name = group.name();
    // draft-ietf-tls-ecdhe-mlkem §4.1: X25519MLKEM768 puts the ML-KEM part
    // first in each share and in the secret, SecP256r1MLKEM768 the ECDH part.
    let layout = if group == NamedGroup::X25519MlKem768 {
        "In this group the ML-KEM part comes first: the client's share is the encapsulation key then its \
         32-byte X25519 public key (1216 bytes), the server's the ciphertext then its X25519 public key \
         (1120 bytes), and the secret is ML-KEM's then X25519's."
    } else {
        "In this group the ECDH part comes first: the client's share is its 65-byte P-256 point then the \
         encapsulation key (1249 bytes), the server's its point then the ciphertext (1153 bytes), and the \
         secret is the ECDH one then ML-KEM's."
    };
    format!(
        "{group_name} is a hybrid of two key exchanges, both of which an attacker must break \
             (draft-ietf-tls-ecdhe-mlkem). One is elliptic-curve Diffie-Hellman, as in every TLS 1.3 \
             handshake. The other is ML-KEM-768 (FIPS 203), a key encapsulation mechanism built on \
             lattices, which a quantum computer is not known to break: the client sends a 1184-byte \
             encapsulation key; the server picks a random secret, encrypts it to that key and answers with \
             the 1088-byte ciphertext; only the client's decapsulation key opens it. Each key share carries \
             both halves, and the shared secret is the two 32-byte secrets side by side. Why now: traffic \
             recorded today could be decrypted by a quantum computer later (\"harvest now, decrypt later\"); \
             the ML-KEM half keeps it secret, and the classical half keeps it safe should ML-KEM be broken. \
             What the ML-KEM bytes are (FIPS 203 §5–6): the encapsulation key is t̂, a vector of three \
             polynomials with 256 coefficients modulo 3329, 12 bits each (3 × 384 = 1152 bytes), followed by \
             the 32-byte seed ρ from which both sides expand the public matrix Â with SHAKE128; the \
             ciphertext is u, three polynomials compressed to 10 bits a coefficient (960 bytes), then v, one \
             polynomial compressed to 4 bits (128 bytes). {layout}"
    )
}

/// The explanation that opens a part of a step.
fn part_intro(plan: &Plan, place: (u8, u8)) -> String {
    let tls13 = plan.version == TLS13;
    let group = plan.group.name();
    match place {
        (2, 1) if tls13 => format!(
            "The client speaks first. Its ClientHello (RFC 8446 §4.1.2) offers versions (supported_versions), \
             cipher suites and groups, with a fresh random, and already carries its Diffie-Hellman public \
             value (key_share): in TLS 1.3 the key exchange of step 3 rides on the hellos. The server picks \
             from its own preferences and answers with a ServerHello (§4.1.3). Everything after the \
             ServerHello is encrypted. Each message is dumped once, byte by byte, by the side that sends it; \
             the receiving side shows one line. Group here: {group}."
        ),
        (2, 1) => "The client speaks first. Its ClientHello (RFC 5246 §7.4.1.2) offers a version, cipher \
                   suites and groups, with a fresh random. The server picks one suite from its own preferences \
                   and answers with a ServerHello (§7.4.1.3). Each message is dumped once, byte by byte, by the \
                   side that sends it; the receiving side shows one line."
            .into(),
        (2, 2) if plan.cert == CertKind::Ecdsa => format!(
            "{} The signature is ECDSA (FIPS 186-5 §6.4): its per-signature nonce k must never repeat or \
             leak, since two signatures with one k give away the private key (as Sony's PS3 signing key \
             was in 2010); Padlock derives k from the key and the message (RFC 6979), so no random number \
             generator can betray it.",
            if tls13 { CERTIFICATE13 } else { CERTIFICATE12 }
        ),
        (2, 2) if tls13 => CERTIFICATE13.into(),
        (2, 2) => CERTIFICATE12.into(),
        (3, 1) if tls13 => key_exchange13(plan),
        (3, 1) if plan.kx == Some(KeyExchangeAlgorithm::Rsa) => {
            "This is the article's flow, RSA key transport (RFC 5246 §7.4.7.1): the client picks a 48-byte \
             premaster secret (the version, then 46 random bytes), encrypts it with the public key from the \
             server's certificate (RSAES-PKCS1-v1_5, RFC 8017 §7.2.1) and sends it in ClientKeyExchange. \
             Only the holder of the private key can decrypt it (§7.2.2): the server does, and both now share \
             a secret."
                .into()
        }
        (3, 1) => format!(
            "The server makes a fresh {group} key pair and sends the public value in ServerKeyExchange, \
             signed with its certificate's key so nobody in between can swap it (RFC 5246 §7.4.3, RFC 8422 \
             §5.4). The client answers with its own public value in ClientKeyExchange (RFC 5246 §7.4.7.2, \
             RFC 8422 §5.7). Each side combines its private value with the other's public one and gets the \
             same result, the premaster secret (RFC 5246 §8.1.2, RFC 8422 §5.10)."
        ),
        (3, 2) if tls13 => "The key schedule (RFC 8446 §7.1) turns the shared secret into every key with HKDF \
                            (RFC 5869): early secret, handshake secret, then a handshake traffic secret for each \
                            direction (c hs / s hs traffic); after the server's Finished, the master secret and the \
                            application traffic secrets (c ap / s ap traffic). Each traffic secret gives a record \
                            key and an IV (§7.3). The server's ChangeCipherSpec is only there to calm middleboxes \
                            (§D.4)."
            .into(),
        (3, 2) => "The PRF (RFC 5246 §5, built on HMAC-SHA256) stretches the premaster secret into the 48-byte \
                   master secret (§8.1; with the extended master secret of RFC 7627 it hashes the whole \
                   handshake, so it is bound to this connection), then into the key block: an AES key and a \
                   4-byte salt for each direction (§6.3, RFC 5288 §3). ChangeCipherSpec (§7.1) says: from my next \
                   record on, I encrypt."
            .into(),
        (3, 3) => format!(
            "Finished ({}): each side sends a MAC of the whole handshake under the new keys, and checks the \
             other's. Had anyone changed a byte of the hellos (say, to strike the strong suites), the MACs \
             would not match and the connection would stop here.",
            if tls13 { "RFC 8446 §4.4.4" } else { "RFC 5246 §7.4.9" }
        ),
        (4, _) if plan.suite.aead == AeadAlgorithm::ChaCha20Poly1305 => format!(
            "Now HTTP flows inside application-data records sealed with ChaCha20-Poly1305 ({}, RFC 8439 \
             §2.8): no tables and no special instructions, only additions, rotations and XORs, so it is \
             constant time in plain code. ChaCha20's block function turns the key, a counter and the \
             record's nonce ({}) into 64 bytes of keystream at a time: block 0 becomes the one-time key of \
             Poly1305 (§2.6), blocks 1, 2, ... are XORed with the plaintext. Poly1305 then authenticates \
             header and ciphertext with a 16-byte tag.",
            if tls13 { "RFC 8446 §5.2" } else { "RFC 7905" },
            if tls13 { "the IV XOR the sequence number, §5.3" } else { "the 12-byte IV XOR the sequence number, RFC 7905 §2" }
        ),
        (4, _) => format!(
            "Now HTTP flows inside application-data records sealed with {} ({}). The ciphertext is \
             as long as the plaintext{}; the 16-byte tag lets the receiver detect any change. The GCM nonce is \
             {}. close_notify alerts end the connection cleanly (RFC 8446 §6.1), so a cut-off answer cannot \
             pass for a whole one.",
            plan.suite.aead.name().trim_start_matches("AEAD_").replace('_', "-"),
            if tls13 { "RFC 8446 §5.2" } else { "RFC 5288" },
            if tls13 { " plus one byte, the real content type hidden inside" } else { "" },
            if tls13 {
                "the IV XOR the record's sequence number (§5.3)"
            } else {
                "the 4-byte salt followed by an 8-byte explicit nonce sent with each record"
            }
        ),
        _ => String::new(),
    }
}
