//! Diffie-Hellman key exchange: finite-field DH over the RFC 7919 groups
//! and X25519 (RFC 7748).
//!
//! This is step 3 of the handshake, the key exchange: each side sends a
//! public value, and both compute the same secret from their own private key
//! and the other's public value. TLS 1.3 feeds that secret into its key
//! schedule (RFC 8446 §7.4); TLS 1.2 uses it as the premaster secret.
//!
//! # How the crate is organised
//!
//! - [`x25519`]: X25519 on Curve25519 (RFC 7748 §5 and §6.1), the group most
//!   TLS 1.3 connections use. Keys are 32 bytes; the private key is consumed
//!   by the exchange; an all-zero result (a low-order peer key) is an error.
//!   Constant time.
//! - [`ffdh`]: finite-field Diffie-Hellman over the groups of [`groups`] —
//!   ffdhe2048 to ffdhe8192 (RFC 7919) and, for teaching, RFC 3526's MODP
//!   group 14 — on `padlock-bigint`'s constant-time exponentiation, with
//!   the peer-value checks of SP 800-56A and both TLS encodings of the
//!   shared secret.
//! - [`lab`]: the switch the labs flip to skip the peer-value checks
//!   (feature `lab-switches` only; off everywhere else).

pub mod ffdh;
pub mod groups;
pub mod lab;
pub mod x25519;
