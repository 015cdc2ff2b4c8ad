//! Which group a TLS 1.3 server picks when a client offers the X25519MLKEM768
//! hybrid (0x11ec) beside plain x25519 (29): the server's order decides, not
//! the client's, and a share already sent is taken rather than asking for
//! another with a HelloRetryRequest (server/tls13.rs, `client_hello`).

mod common;

use common::*;
use padlock_tls::codec::Reader;
use padlock_tls::messages::{ClientHello, KeyShare, ServerHello, ext, read_u16_list};
use padlock_tls::trace::Event;
use padlock_tls::{KeyExchange, NamedGroup, ServerConfig};

const X25519: u16 = 29;
const X25519_MLKEM768: u16 = 0x11ec;

/// A client that lists x25519 first, in supported_groups and in key_share,
/// still gets the hybrid: the default server prefers it, and "our most
/// preferred group among those the client sent a share for" wins.
#[test]
fn server_prefers_the_hybrid_when_the_client_lists_x25519_first() {
    let mut client = client_config();
    client.groups = vec![NamedGroup::X25519, NamedGroup::X25519MlKem768];
    client.key_share_groups = vec![NamedGroup::X25519, NamedGroup::X25519MlKem768];
    let server = server_config();
    assert_eq!(server.groups.first(), Some(&NamedGroup::X25519MlKem768), "the default server order");
    let (c, s, wire) = connect(client, server, 70);

    let hello = client_hello(&wire);
    assert_eq!(supported_groups(&hello), [X25519, X25519_MLKEM768]);
    let offered: Vec<u16> = key_shares(&hello).iter().map(|s| s.group).collect();
    assert_eq!(offered, [X25519, X25519_MLKEM768], "x25519's share comes first");

    let chosen = server_share(&wire);
    assert_eq!(chosen.group, X25519_MLKEM768);
    assert_eq!(chosen.key_exchange.len(), 1088 + 32, "ciphertext || x25519");
    for side in [&c, &s] {
        let key_exchange = side.negotiated().map(|n| n.key_exchange);
        assert_eq!(key_exchange, Some(KeyExchange::Named(NamedGroup::X25519MlKem768)));
    }
}

/// A client that lists the hybrid but sends only an x25519 share gets
/// x25519 in one round trip, whichever order it lists the groups in. The
/// server's rule (server/tls13.rs): "Our most preferred group among those
/// the client sent a share for; if there is none, RFC 8446 §4.1.4: ask for
/// one with a HelloRetryRequest." A share for a group both support exists,
/// so no HelloRetryRequest is sent, even though the server prefers the hybrid.
#[test]
fn an_x25519_share_alone_is_accepted_without_a_retry() {
    let orders =
        [[NamedGroup::X25519MlKem768, NamedGroup::X25519], [NamedGroup::X25519, NamedGroup::X25519MlKem768]];
    for groups in orders {
        let mut client = client_config();
        client.groups = groups.to_vec();
        client.key_share_groups = vec![NamedGroup::X25519];
        let (trace, events) = recorder();
        let mut server = server_config();
        server.trace = Some(trace);
        let (c, _s, wire) = connect(client, server, 71);

        assert_eq!(server_share(&wire).group, X25519, "{groups:?}");
        let key_exchange = c.negotiated().map(|n| n.key_exchange);
        assert_eq!(key_exchange, Some(KeyExchange::Named(NamedGroup::X25519)), "{groups:?}");
        assert!(!retried(&events), "{groups:?}: no HelloRetryRequest");
    }
}

/// The other half of that rule: with no share the server can use, it asks
/// for its most preferred common group, the hybrid, and gets it.
#[test]
fn no_usable_share_retries_for_the_hybrid() {
    let mut client = client_config();
    client.groups = vec![NamedGroup::X25519, NamedGroup::X25519MlKem768];
    client.key_share_groups = vec![NamedGroup::X25519];
    let (trace, events) = recorder();
    let server =
        ServerConfig { groups: vec![NamedGroup::X25519MlKem768], trace: Some(trace), ..server_config() };
    let (c, _s, _) = connect(client, server, 72);

    let asked: Vec<Option<NamedGroup>> = (events.lock().expect("lock").iter())
        .filter_map(|(_, e)| match e {
            Event::HelloRetryRequest { group } => Some(*group),
            _ => None,
        })
        .collect();
    assert_eq!(asked, [Some(NamedGroup::X25519MlKem768)]);
    let key_exchange = c.negotiated().map(|n| n.key_exchange);
    assert_eq!(key_exchange, Some(KeyExchange::Named(NamedGroup::X25519MlKem768)));
}

/// The first ClientHello on the wire.
fn client_hello(wire: &Wire) -> ClientHello {
    let (_, bytes) = wire.iter().find(|(from_client, _)| *from_client).expect("a client flight");
    ClientHello::decode(&first_handshake_body(bytes, 1)).expect("ClientHello")
}

/// The key share of the server's first ServerHello on the wire.
fn server_share(wire: &Wire) -> KeyShare {
    let (_, bytes) = wire.iter().find(|(from_client, _)| !*from_client).expect("a server flight");
    let hello = ServerHello::decode(&first_handshake_body(bytes, 2)).expect("ServerHello");
    let data = hello.extensions.get(ext::KEY_SHARE).expect("key_share");
    KeyShare::decode(&mut Reader::new(data)).expect("one share")
}

/// The body of the first plaintext handshake message in `bytes`, which must
/// be of type `typ` and fit in its record.
fn first_handshake_body(bytes: &[u8], typ: u8) -> Vec<u8> {
    let records = split_records(bytes);
    let record = records.iter().find(|r| r.content_type == 22).expect("a handshake record");
    let mut r = Reader::new(&record.payload);
    assert_eq!(r.u8().expect("type"), typ, "handshake type");
    r.vec24().expect("a whole message").rest().to_vec()
}

fn supported_groups(hello: &ClientHello) -> Vec<u16> {
    hello.extensions.parse(ext::SUPPORTED_GROUPS, read_u16_list).expect("parses").expect("present")
}

fn key_shares(hello: &ClientHello) -> Vec<KeyShare> {
    let parsed = hello.extensions.parse(ext::KEY_SHARE, |r| {
        let mut list = r.vec16()?;
        let mut shares = Vec::new();
        while !list.is_empty() {
            shares.push(KeyShare::decode(&mut list)?);
        }
        Ok(shares)
    });
    parsed.expect("parses").expect("present")
}

/// Whether the server sent a HelloRetryRequest.
fn retried(events: &Events) -> bool {
    events.lock().expect("lock").iter().any(|(_, e)| matches!(e, Event::HelloRetryRequest { .. }))
}
