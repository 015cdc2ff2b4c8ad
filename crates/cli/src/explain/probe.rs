//! Follow-up handshakes that find out what a server accepts, after it
//! refused our ClientHello (`padlock client --explain`).
//!
//! A server that answers handshake_failure does not say which list had
//! nothing it accepts. So we ask again, each time on a new connection with
//! a ClientHello that offers a little more than the one refused, and watch
//! whether a ServerHello comes back:
//!
//! 1. each list the command line narrowed (`--tls`, `--suite`, `--group`,
//!    `--sigalgs`), widened alone to all Padlock has: if the server then
//!    answers, that list was the missing piece, and the server's choice
//!    names what it wanted (certain, not a guess);
//! 2. all of them widened at once, if more than one was narrowed;
//! 3. TLS 1.2 alone, with everything else Padlock has; if that is accepted
//!    without ECDHE, TLS 1.2 with only ECDHE suites, to learn whether its
//!    curves (x25519, secp256r1, secp384r1) are refused too.
//!
//! What remains unknown is said to be a guess. At most [`MAX_PROBES`]
//! handshakes, each within [`PROBE_TIMEOUT`]; certificates are not
//! checked (we only want to know what the server accepts), no key log is
//! written, and nothing is sent after the handshake but close_notify.

use std::net::TcpStream;
use std::sync::Arc;
use std::time::Duration;

use padlock_tls::alert::AlertDescription;
use padlock_tls::messages::KeyExchangeAlgorithm;
use padlock_tls::{ClientConfig, Connection, Error, Negotiated, ProtocolVersion, SignatureScheme, Stream};
use rand::SeedableRng;
use rand::rngs::StdRng;

use super::{Piece, Recorder, agreed, lacking};
use crate::deadline::Deadline;
use crate::escape;

/// Opens a new TCP connection to the server, or says why it could not.
pub(crate) type Connect<'a> = &'a dyn Fn() -> Result<TcpStream, String>;

/// The most follow-up handshakes one explanation makes.
pub(crate) const MAX_PROBES: usize = 6;

/// How long one follow-up handshake may take, from connecting to its end.
pub(crate) const PROBE_TIMEOUT: Duration = Duration::from_secs(5);

/// The lines saying what each follow-up handshake got, and what follows
/// from them, for a server that refused `offered` with `alert`.
pub(crate) fn run(
    offered: &ClientConfig,
    alert: Option<AlertDescription>,
    connect: Connect<'_>,
) -> Vec<String> {
    let mut probes = Probes { connect, tried: Vec::new(), offers: vec![Offer::of(offered)] };
    let conclusion = probes.search(offered, alert);
    let mut lines = vec![format!(
        "We asked again, offering more each time ({} handshake{}, certificates not checked):",
        probes.tried.len(),
        if probes.tried.len() == 1 { "" } else { "s" }
    )];
    for (what, answer) in &probes.tried {
        lines.push(format!("  {what}: {}", answer.describe()));
    }
    lines.extend(conclusion.words(offered, alert));
    lines
}

/// The lists to widen first: the version for a protocol_version alert,
/// else last (a server that speaks none of our versions says so).
fn order(alert: Option<AlertDescription>) -> [Piece; 4] {
    if alert == Some(AlertDescription::ProtocolVersion) {
        Piece::ALL
    } else {
        [Piece::Group, Piece::Suite, Piece::Scheme, Piece::Version]
    }
}

/// " (x25519, ffdhe2048, ffdhe3072)" for a short list; " (13 of them)" for a
/// long one, which the lines above already spell out.
fn listed(names: &[&str]) -> String {
    if names.len() <= 8 { format!(" ({})", names.join(", ")) } else { format!(" ({} of them)", names.len()) }
}

/// What the server said to one follow-up ClientHello.
enum Answer {
    /// It answered with a ServerHello; what the handshake settled and the
    /// scheme it signed with, as far as they got.
    Accepted(Option<Negotiated>, Option<SignatureScheme>),
    /// It refused: the alert, or what else went wrong.
    Refused(String),
}

impl Answer {
    fn describe(&self) -> String {
        match self {
            Answer::Accepted(Some(negotiated), scheme) => {
                let signed = scheme.map(|s| format!(", signed with {}", s.name())).unwrap_or_default();
                format!("accepted: {}{signed}", agreed(negotiated))
            }
            Answer::Accepted(None, _) => "accepted (a ServerHello came)".to_string(),
            Answer::Refused(why) => format!("refused ({why})"),
        }
    }
}

/// What the follow-up handshakes found.
enum Conclusion {
    /// Widening this one list was enough: the server chose this.
    Missing(Piece, Option<Negotiated>, Option<SignatureScheme>),
    /// Only widening all the narrowed lists at once worked.
    Several(Vec<Piece>, Option<Negotiated>),
    /// TLS 1.2 is accepted, TLS 1.3 is not; the curves refused for ECDHE
    /// in TLS 1.2 too, if they were.
    OnlyTls12(Option<Negotiated>, Option<String>),
    /// Nothing Padlock can offer was accepted.
    Nothing,
    /// A follow-up connection failed before TLS: why.
    CouldNotAsk(String),
}

/// The follow-up handshakes made so far.
struct Probes<'a> {
    connect: Connect<'a>,
    /// What each offered, in words, and the answer.
    tried: Vec<(String, Answer)>,
    /// The offers made (the refused one first), so none is made twice.
    offers: Vec<Offer>,
}

impl Probes<'_> {
    /// Runs the steps of the module doc until one finds an answer.
    fn search(&mut self, offered: &ClientConfig, alert: Option<AlertDescription>) -> Conclusion {
        let narrowed: Vec<Piece> = order(alert).into_iter().filter(|p| !p.is_full(offered)).collect();
        for &piece in &narrowed {
            let mut config = offered.clone();
            piece.widen(&mut config);
            let what = format!("every {} Padlock has{}", piece.name(), listed(&piece.offered(&config)));
            match self.ask(what, config) {
                Ok(Some((negotiated, scheme))) => return Conclusion::Missing(piece, negotiated, scheme),
                Ok(None) => {}
                Err(why) => return Conclusion::CouldNotAsk(why),
            }
        }
        let mut everything = offered.clone();
        Piece::ALL.iter().for_each(|piece| piece.widen(&mut everything));
        if narrowed.len() > 1 {
            match self.ask("everything Padlock has".to_string(), everything.clone()) {
                Ok(Some((negotiated, _))) => return Conclusion::Several(narrowed, negotiated),
                Ok(None) => {}
                Err(why) => return Conclusion::CouldNotAsk(why),
            }
        }
        self.tls12_alone(everything)
    }

    /// Step 3: TLS 1.2 alone, then (if it took no ECDHE) ECDHE alone.
    fn tls12_alone(&mut self, mut config: ClientConfig) -> Conclusion {
        config.versions = vec![ProtocolVersion::Tls12];
        let negotiated =
            match self.ask("TLS 1.2 alone, with everything else Padlock has".into(), config.clone()) {
                Ok(Some((negotiated, _))) => negotiated,
                Ok(None) => return Conclusion::Nothing,
                Err(why) => return Conclusion::CouldNotAsk(why),
            };
        let ecdhe = |n: &Negotiated| n.suite.kx == Some(KeyExchangeAlgorithm::Ecdhe);
        if negotiated.as_ref().is_none_or(ecdhe) {
            return Conclusion::OnlyTls12(negotiated, None);
        }
        config.cipher_suites.retain(|s| s.kx == Some(KeyExchangeAlgorithm::Ecdhe));
        config.groups.retain(|g| g.is_tls12_ecdhe());
        config.key_share_groups.clone_from(&config.groups);
        let curves = Piece::Group.offered(&config).join(", ");
        let what = format!("TLS 1.2 with ECDHE suites and {curves} only");
        let refused = match self.ask(what, config) {
            Ok(answer) => answer.is_none().then_some(curves),
            Err(_) => None,
        };
        Conclusion::OnlyTls12(negotiated, refused)
    }

    /// One follow-up handshake offering `config` (described by `what`):
    /// `Some` with what it settled if the server answered with a
    /// ServerHello, `None` if it refused (or if the budget is spent, or
    /// this offer was made before); an error if we could not connect.
    #[allow(clippy::type_complexity)]
    fn ask(
        &mut self,
        what: String,
        mut config: ClientConfig,
    ) -> Result<Option<(Option<Negotiated>, Option<SignatureScheme>)>, String> {
        let offer = Offer::of(&config);
        if self.tried.len() >= MAX_PROBES || self.offers.contains(&offer) {
            return Ok(None);
        }
        self.offers.push(offer);
        // The whole handshake within the limit, however the server drips its bytes.
        let socket = Deadline::new((self.connect)()?, "the handshake", PROBE_TIMEOUT);
        let recorder = Recorder::default();
        config.verify_certificate = false;
        config.trace = Some(recorder.sink(None));
        config.key_log = None;
        let rng = Box::new(StdRng::from_rng(&mut rand::rng()));
        let conn = Connection::client(Arc::new(config), rng).map_err(|error| error.to_string())?;
        let mut stream = Stream::new(conn, socket);
        let result = stream.handshake();
        let seen = recorder.seen();
        let answer = match result {
            Ok(()) => {
                let _ = stream.close();
                Answer::Accepted(seen.negotiated.clone(), seen.scheme)
            }
            Err(_) if seen.answered => Answer::Accepted(seen.negotiated.clone(), seen.scheme),
            Err(Error::AlertReceived(alert)) => Answer::Refused(alert.name().to_string()),
            Err(error) => Answer::Refused(escape::for_terminal(&error.to_string()).into_owned()),
        };
        let accepted = match &answer {
            Answer::Accepted(negotiated, scheme) => Some((negotiated.clone(), *scheme)),
            Answer::Refused(_) => None,
        };
        self.tried.push((what, answer));
        Ok(accepted)
    }
}

/// What a ClientHello offers, by name: two offers are the same ClientHello
/// as far as the server's choice goes.
#[derive(PartialEq, Eq)]
struct Offer([Vec<&'static str>; 4]);

impl Offer {
    fn of(config: &ClientConfig) -> Offer {
        Offer(Piece::ALL.map(|piece| piece.offered(config)))
    }
}

impl Conclusion {
    /// The conclusion in words: what is known, and what is a guess.
    fn words(&self, offered: &ClientConfig, alert: Option<AlertDescription>) -> Vec<String> {
        match self {
            Conclusion::Missing(piece, negotiated, scheme) => {
                vec![missing(*piece, offered, negotiated.as_ref(), *scheme)]
            }
            Conclusion::Several(pieces, negotiated) => {
                let names: Vec<&str> = pieces.iter().map(|p| p.name()).collect();
                let flags: Vec<&str> = pieces.iter().map(|p| p.flag()).collect();
                let chose =
                    negotiated.as_ref().map(|n| format!(" (it chose {})", agreed(n))).unwrap_or_default();
                vec![format!(
                    "So more than one piece was missing: the {}. Offered everything Padlock has, the \
                     server accepts{chose}: leave out {}.",
                    names.join(" and the "),
                    flags.join(" and ")
                )]
            }
            Conclusion::OnlyTls12(negotiated, curves) => only_tls12(negotiated.as_ref(), curves.as_deref()),
            Conclusion::Nothing if alert == Some(AlertDescription::ProtocolVersion) => vec![
                "So the server speaks neither TLS 1.2 nor TLS 1.3 with us: most likely only older \
                 versions (TLS 1.0, 1.1), which Padlock does not implement (a guess)."
                    .to_string(),
            ],
            Conclusion::Nothing => vec![format!(
                "So the server refuses everything Padlock can offer, TLS 1.2 included (where RSA key \
                 transport and DHE need no named group). The missing piece is most likely a signature \
                 scheme or a cipher suite (a guess): one Padlock does not implement, {}; or none at \
                 all, if the server's own settings allow no scheme its key can make.",
                lacking(&[Piece::Scheme, Piece::Suite])
            )],
            Conclusion::CouldNotAsk(why) => {
                vec![format!("Could not ask again: {}", escape::for_terminal(why))]
            }
        }
    }
}

/// Widening `piece` alone was enough: say what the server chose.
fn missing(
    piece: Piece,
    offered: &ClientConfig,
    negotiated: Option<&Negotiated>,
    scheme: Option<SignatureScheme>,
) -> String {
    let choice = negotiated.and_then(|n| match piece {
        Piece::Version => {
            Some((n.version_name().to_string(), n.version_name().trim_start_matches("TLS ").to_string()))
        }
        Piece::Suite => Some((n.suite.name().to_string(), n.suite.name().to_string())),
        Piece::Group => crate::narrate::group_name(n.key_exchange).map(|g| (g.to_string(), g.to_string())),
        Piece::Scheme => scheme.map(|s| (s.name().to_string(), s.name().to_string())),
    });
    let we_offered = Piece::offered(piece, offered).join(", ");
    match choice {
        Some((name, value)) => format!(
            "So the missing piece is the {}: the server accepts {name}, and we offered only {we_offered}. \
             Try {} {value}, or leave {} out.",
            piece.name(),
            piece.flag(),
            piece.flag()
        ),
        None => format!(
            "So the missing piece is the {}: offered every one Padlock has, the server accepts; we \
             offered only {we_offered}. Leave {} out.",
            piece.name(),
            piece.flag()
        ),
    }
}

/// The server accepts TLS 1.2 but refused TLS 1.3.
fn only_tls12(negotiated: Option<&Negotiated>, refused_curves: Option<&str>) -> Vec<String> {
    let chose = negotiated.map(|n| format!(" (it chose {})", agreed(n))).unwrap_or_default();
    let mut lines = vec![format!(
        "So the server speaks TLS 1.2 with us{chose} but refuses every TLS 1.3 offer Padlock can make; \
         --tls 1.2 works."
    )];
    lines.push(match refused_curves {
        Some(curves) => format!(
            "It refused {curves} for ECDHE in TLS 1.2 as well, so in TLS 1.3 the missing piece is \
             most likely the group: it wants one Padlock does not implement (a guess), {}.",
            lacking(&[Piece::Group])
        ),
        None => format!(
            "Why TLS 1.3 fails is not clear: it may want a TLS 1.3 group, suite or signature scheme \
             Padlock does not implement (a guess): {}.",
            lacking(&[Piece::Group, Piece::Suite, Piece::Scheme])
        ),
    });
    lines
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;
    use std::net::TcpListener;

    use padlock_tls::suites::{ECDHE_RSA_AES_128_GCM_SHA256, TLS13_AES_128_GCM_SHA256};
    use padlock_tls::{CipherSuite, KeyExchange, NamedGroup};

    use super::*;
    use crate::explain::everything;

    fn negotiated(version: ProtocolVersion, suite: CipherSuite, group: NamedGroup) -> Negotiated {
        let key_exchange = KeyExchange::Named(group);
        Negotiated { version, suite, key_exchange, extended_master_secret: true }
    }

    #[test]
    fn each_conclusion_says_what_is_known_and_what_is_a_guess() {
        let mut offered = everything();
        offered.groups = vec![NamedGroup::X25519];
        let tls13 = negotiated(ProtocolVersion::Tls13, TLS13_AES_128_GCM_SHA256, NamedGroup::Ffdhe2048);
        let words = |c: Conclusion| c.words(&offered, Some(AlertDescription::HandshakeFailure)).join("\n");

        let text = words(Conclusion::Missing(Piece::Group, Some(tls13.clone()), None));
        assert!(text.contains("the missing piece is the group: the server accepts ffdhe2048, and we offered only x25519. Try --group ffdhe2048"), "{text}");
        assert!(!text.contains("guess"), "{text}");
        let text = words(Conclusion::Missing(Piece::Version, Some(tls13.clone()), None));
        assert!(text.contains("the server accepts TLS 1.3") && text.contains("Try --tls 1.3"), "{text}");

        let text = words(Conclusion::Several(vec![Piece::Group, Piece::Suite], Some(tls13)));
        assert!(text.contains("more than one piece was missing: the group and the cipher suite"), "{text}");
        assert!(text.contains("leave out --group and --suite"), "{text}");

        let tls12 = negotiated(ProtocolVersion::Tls12, ECDHE_RSA_AES_128_GCM_SHA256, NamedGroup::X25519);
        let text = words(Conclusion::OnlyTls12(Some(tls12), None));
        assert!(text.contains("speaks TLS 1.2 with us") && text.contains("is not clear"), "{text}");
        assert!(text.contains("(a guess)"), "{text}");

        let text = words(Conclusion::Nothing);
        assert!(
            text.contains("refuses everything Padlock can offer") && text.contains("(a guess)"),
            "{text}"
        );
        let text = Conclusion::Nothing.words(&offered, Some(AlertDescription::ProtocolVersion)).join("\n");
        assert!(text.contains("neither TLS 1.2 nor TLS 1.3"), "{text}");
        let text = words(Conclusion::CouldNotAsk("Connection refused".into()));
        assert_eq!(text, "Could not ask again: Connection refused");
    }

    #[test]
    fn the_version_is_widened_first_only_for_protocol_version() {
        assert_eq!(order(Some(AlertDescription::ProtocolVersion))[0], Piece::Version);
        assert_eq!(order(Some(AlertDescription::HandshakeFailure))[3], Piece::Version);
        assert_eq!(listed(&["a", "b"]), " (a, b)");
        assert_eq!(listed(&["a"; 10]), " (10 of them)");
    }

    /// A server that closes every connection at once refuses everything:
    /// the probes stop within their budget and say so.
    #[test]
    fn probes_are_bounded() {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a listener");
        let address = listener.local_addr().expect("its address");
        let server = std::thread::spawn(move || {
            for socket in listener.incoming().take(MAX_PROBES) {
                drop(socket);
            }
        });
        let mut offered = everything();
        offered.versions = vec![ProtocolVersion::Tls13];
        offered.cipher_suites = vec![TLS13_AES_128_GCM_SHA256];
        offered.groups = vec![NamedGroup::X25519];
        offered.signature_schemes = vec![SignatureScheme::RsaPssRsaeSha256];
        let calls = Cell::new(0);
        let connect = || {
            calls.set(calls.get() + 1);
            TcpStream::connect(address).map_err(|e| e.to_string())
        };
        let lines = run(&offered, Some(AlertDescription::HandshakeFailure), &connect);
        assert!(calls.get() <= MAX_PROBES, "{} probes", calls.get());
        let text = lines.join("\n");
        assert!(text.contains(&format!("({} handshakes, certificates not checked)", calls.get())), "{text}");
        let groups = text.lines().find(|l| l.starts_with("  every group Padlock has ("));
        assert!(groups.is_some_and(|l| l.contains("): refused (")), "{text}");
        assert!(text.contains("everything Padlock has: refused"), "{text}");
        assert!(text.contains("refuses everything Padlock can offer"), "{text}");
        // Let the listener thread finish, whatever it still waits for.
        for _ in calls.get()..MAX_PROBES {
            let _ = TcpStream::connect(address);
        }
        server.join().expect("the listener thread");
    }
}
