//! `padlock cert`: X.509 certificates (RFC 5280) — make them, show them,
//! verify chains — beside `openssl req -x509`, `openssl x509 -text` and
//! `openssl verify`.
//!
//! ```text
//!   padlock cert new --self-signed-ca --key ca-key.pem [--cn NAME] [--days N] [--out ca.pem]
//!   padlock cert new --key key.pem --ca ca.pem --ca-key ca-key.pem [--intermediate]
//!                    [--cn NAME] [--dns NAME]... [--ip ADDR]... [--days N] [--out cert.pem]
//!   padlock cert show FILE
//!   padlock cert verify --ca ca.pem [--untrusted chain.pem] [--host NAME] [--at TIME] cert.pem
//! ```
//!
//! Keys may be RSA or EC (P-256, P-384), for the subject and the CA alike:
//! an RSA CA signs with PKCS#1 v1.5 (or PSS with `--pss`), an EC CA with
//! ECDSA and the hash of its curve's size. Certificates are built by
//! `padlock_x509::CertificateBuilder` (the profile is described there) and
//! written as PEM; they are read as PEM
//! (every block of a bundle) or DER. Errors are one line, `padlock: NAME:
//! reason`, with exit status 1.

use std::fs;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use padlock_der::{Time, pem};
use padlock_ec::EcKey;
use padlock_x509::{
    Certificate, CertificateBuilder, GeneralName, IssuerKey, Profile, SigningScheme, SubjectKey,
    verify_chain, verify_path,
};

use crate::ecdsa::{AnyKey, load_any_key};
use crate::files::write_output;
use crate::report::Failed;

/// The end of `padlock cert --help`.
const EXAMPLES: &str = "\
Examples:
  padlock keygen rsa --out ca-key.pem && padlock keygen rsa --out key.pem
  padlock cert new --self-signed-ca --key ca-key.pem --cn 'Test CA' --out ca.pem
  padlock cert new --key key.pem --ca ca.pem --ca-key ca-key.pem --dns localhost --ip 127.0.0.1 --out cert.pem
  padlock cert show cert.pem
  padlock cert verify --ca ca.pem --host localhost cert.pem
  padlock keygen ec --curve p384 --out ec-ca-key.pem && padlock keygen ec --out ec-key.pem
  padlock cert new --self-signed-ca --key ec-ca-key.pem --cn 'EC CA' --out ec-ca.pem
  padlock cert new --key ec-key.pem --ca ec-ca.pem --ca-key ec-ca-key.pem --dns localhost --out ec-cert.pem";

/// Arguments of `padlock cert`.
#[derive(clap::Args)]
#[command(after_help = EXAMPLES)]
pub(crate) struct Args {
    /// What to do.
    #[command(subcommand)]
    command: CertCommand,
}

/// The subcommands of `padlock cert`.
#[derive(clap::Subcommand)]
enum CertCommand {
    /// Make a certificate: a self-signed CA, or a leaf or intermediate signed by a CA.
    New(NewArgs),
    /// Print certificates for a human, as `openssl x509 -text -noout` does.
    Show(ShowArgs),
    /// Verify a certificate chain; exit status 0 if it verifies, 1 (with the reason) if not.
    Verify(VerifyArgs),
}

/// Arguments of `padlock cert new`.
#[derive(clap::Args)]
struct NewArgs {
    /// The subject's key, RSA or EC (PKCS #1, SEC1, PKCS #8 or SPKI; PEM or DER); a private key to sign a self-signed CA.
    #[arg(long, value_name = "KEY")]
    key: PathBuf,
    /// Make a self-signed CA (root) instead of a certificate signed by --ca.
    #[arg(long, conflicts_with_all = ["ca", "ca_key", "dns", "ip", "intermediate"])]
    self_signed_ca: bool,
    /// Make an intermediate CA signed by --ca, instead of a leaf.
    #[arg(long, conflicts_with_all = ["dns", "ip"])]
    intermediate: bool,
    /// The subject's common name [default: the first --dns, or "Padlock CA"].
    #[arg(long, value_name = "NAME")]
    cn: Option<String>,
    /// A DNS name for subjectAltName (repeat for more).
    #[arg(long, value_name = "NAME")]
    dns: Vec<String>,
    /// An IP address for subjectAltName (repeat for more).
    #[arg(long, value_name = "ADDR")]
    ip: Vec<IpAddr>,
    /// The issuing CA's certificate.
    #[arg(long, value_name = "CA", required_unless_present = "self_signed_ca", requires = "ca_key")]
    ca: Option<PathBuf>,
    /// The issuing CA's private key, RSA or EC.
    #[arg(long, value_name = "KEY", requires = "ca")]
    ca_key: Option<PathBuf>,
    /// Days of validity from now [default: 3650 for a CA, 90 for a leaf].
    #[arg(long, value_name = "N")]
    days: Option<u32>,
    /// Sign with RSASSA-PSS (SHA-256) instead of PKCS#1 v1.5 (SHA-256); RSA CA keys only (EC keys sign with ECDSA).
    #[arg(long)]
    pss: bool,
    /// Add clientAuth to a leaf's extKeyUsage (beside serverAuth).
    #[arg(long)]
    client_auth: bool,
    /// Where to write the certificate (PEM); standard output without it.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

/// Arguments of `padlock cert show`.
#[derive(clap::Args)]
struct ShowArgs {
    /// The certificate file: PEM (every certificate in it) or DER.
    #[arg(value_name = "FILE")]
    file: PathBuf,
}

/// Arguments of `padlock cert verify`.
#[derive(clap::Args)]
struct VerifyArgs {
    /// The trust anchors: a PEM bundle (or one DER certificate).
    #[arg(long, value_name = "CA")]
    ca: PathBuf,
    /// Intermediates that may complete the chain.
    #[arg(long, value_name = "FILE")]
    untrusted: Option<PathBuf>,
    /// The host name or IP address the certificate must be valid for
    /// [default: the certificate's first subjectAltName].
    #[arg(long, value_name = "NAME")]
    host: Option<String>,
    /// Verify at this time (RFC 3339, `2026-06-01T12:00:00Z`) instead of now.
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    at: Option<Time>,
    /// The certificate to verify (the first one, if the file has several).
    #[arg(value_name = "CERT")]
    cert: PathBuf,
}

/// Runs `padlock cert`, and returns the exit status.
pub(crate) fn run(args: &Args) -> ExitCode {
    let result = match &args.command {
        CertCommand::New(args) => new(args),
        CertCommand::Show(args) => show(args),
        CertCommand::Verify(args) => verify(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failed) => failed.report(),
    }
}

/// `padlock cert new`.
fn new(args: &NewArgs) -> Result<(), Failed> {
    let key = load_any_key(&args.key)?;
    let now = now()?;
    let cn = match (&args.cn, args.dns.first()) {
        (Some(cn), _) => cn.clone(),
        (None, Some(dns)) if !args.self_signed_ca && !args.intermediate => dns.clone(),
        _ => "Padlock CA".to_string(),
    };
    let mut builder = if args.self_signed_ca || args.intermediate {
        CertificateBuilder::ca(&cn, now)
    } else {
        CertificateBuilder::leaf(&cn, now)
    };
    builder.dns_names.clone_from(&args.dns);
    builder.ip_addresses.clone_from(&args.ip);
    if let Some(days) = args.days {
        builder.days = days;
    }
    if args.intermediate {
        // RFC 5280 §4.2.1.9: an intermediate here issues leaves only.
        builder.profile = Profile::Ca { path_len: Some(0) };
    } else if args.client_auth && !args.self_signed_ca {
        builder.profile = Profile::Leaf { client_auth: true };
    }
    let mut rng = rand::rng();
    let built = match (&args.ca, &args.ca_key) {
        (Some(ca_path), Some(ca_key_path)) => {
            let ca = read_certificates(ca_path)?.swap_remove(0);
            let ca_key = load_any_key(ca_key_path)?;
            let issuer = issuer_key(&ca_key, ca_key_path, "signing needs the private key")?;
            builder.scheme = signing_scheme(args.pss, issuer, ca_key_path)?;
            builder.signed_by(subject_key(&key), &ca, issuer, &mut rng)
        }
        _ => {
            let issuer = issuer_key(&key, &args.key, "a self-signed CA needs the private key")?;
            builder.scheme = signing_scheme(args.pss, issuer, &args.key)?;
            builder.self_signed(issuer, &mut rng)
        }
    };
    let cert = built.map_err(|error| Failed::new(format_args!("cannot make the certificate: {error}")))?;
    write_output(args.out.as_deref(), pem::encode("CERTIFICATE", cert.der()).as_bytes())
}

/// The public key a certificate is made for.
fn subject_key(key: &AnyKey) -> SubjectKey<'_> {
    match key {
        // An id-RSASSA-PSS key keeps its algorithm and parameters in the certificate.
        AnyKey::Rsa(key) => match key.pss_public_key() {
            Some(pss) => SubjectKey::RsaPss(pss),
            None => SubjectKey::Rsa(key.public_key()),
        },
        AnyKey::Ec(key) => SubjectKey::Ec(key.public_key()),
    }
}

/// The private key that signs, or an error saying `why` one is needed.
fn issuer_key<'a>(key: &'a AnyKey, path: &Path, why: &str) -> Result<IssuerKey<'a>, Failed> {
    match key {
        AnyKey::Rsa(key) => {
            key.private_key().map(IssuerKey::Rsa).or_else(|| key.pss_private_key().map(IssuerKey::RsaPss))
        }
        AnyKey::Ec(EcKey::Private(key)) => Some(IssuerKey::Ec(key)),
        AnyKey::Ec(EcKey::Public(_)) => None,
    }
    .ok_or_else(|| Failed::about(path, format_args!("a public key; {why}")))
}

/// RSASSA-PSS if `--pss` (RSA keys only), else the key's usual scheme:
/// PKCS#1 v1.5 with SHA-256 for RSA, ECDSA with SHA-256 or SHA-384 for EC,
/// and for an RSA-PSS key always PSS, with the hash its parameters name.
fn signing_scheme(pss: bool, issuer: IssuerKey<'_>, path: &Path) -> Result<SigningScheme, Failed> {
    match (pss, issuer) {
        (true, IssuerKey::Rsa(_)) => Ok(SigningScheme::RsaPssSha256),
        (true, IssuerKey::RsaPss(_)) => Ok(SigningScheme::default_for(issuer)),
        (true, IssuerKey::Ec(_)) => {
            Err(Failed::about(path, "an EC key signs with ECDSA; --pss is for RSA keys"))
        }
        (false, issuer) => Ok(SigningScheme::default_for(issuer)),
    }
}

/// `padlock cert show`: every certificate of the file, one after another.
fn show(args: &ShowArgs) -> Result<(), Failed> {
    let certs = read_certificates(&args.file)?;
    let text: Vec<String> = certs.iter().map(describe).collect();
    write_output(None, text.concat().as_bytes())
}

/// `padlock cert verify`: prints `CERT: OK` and the path, or fails with the
/// reason.
fn verify(args: &VerifyArgs) -> Result<(), Failed> {
    let anchors = read_certificates(&args.ca)?;
    let intermediates = match &args.untrusted {
        Some(path) => read_certificates(path)?,
        None => Vec::new(),
    };
    let leaf = read_certificates(&args.cert)?.swap_remove(0);
    let at = match args.at {
        Some(time) => time,
        None => now()?,
    };
    // Without --host only the chain is judged, not the names in the leaf.
    let verified = match &args.host {
        Some(host) => verify_chain(&leaf, &intermediates, &anchors, host, at),
        None => verify_path(&leaf, &intermediates, &anchors, at),
    };
    let path =
        verified.map_err(|error| Failed::about(&args.cert, format_args!("verification failed: {error}")))?;
    let mut out = format!("{}: OK\n", args.cert.display());
    for (depth, cert) in path.iter().enumerate() {
        out.push_str(&format!("depth={depth} {}\n", cert.subject));
    }
    write_output(None, out.as_bytes())
}

/// Every certificate in the file `path`: PEM (all `CERTIFICATE` blocks) or
/// one DER certificate. At least one, or an error.
fn read_certificates(path: &Path) -> Result<Vec<Certificate>, Failed> {
    let contents = fs::read(path).map_err(|error| Failed::about(path, crate::report::os_message(&error)))?;
    // A DER certificate starts with a SEQUENCE tag; PEM text never does.
    let certs = if contents.first() == Some(&0x30) {
        Certificate::from_der(&contents).map(|cert| vec![cert])
    } else {
        Certificate::all_from_pem(&contents)
    };
    match certs {
        Ok(certs) if certs.is_empty() => Err(Failed::about(path, "no CERTIFICATE block in the PEM")),
        Ok(certs) => Ok(certs),
        Err(error) => Err(Failed::about(path, error)),
    }
}

/// The current time, to the second.
fn now() -> Result<Time, Failed> {
    let seconds = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let seconds = i64::try_from(seconds).unwrap_or(i64::MAX);
    Time::from_unix_seconds(seconds).map_err(|_| Failed::new("the system clock is out of range"))
}

/// RFC 3339 in UTC to the second, `2026-06-01T12:00:00Z`, the form [`Time`]
/// prints (RFC 3339 §5.6 with `Z`, no fraction).
fn parse_time(text: &str) -> Result<Time, String> {
    let bad = || format!("'{text}' is not a time like 2026-06-01T12:00:00Z");
    let b = text.as_bytes();
    let shape = b.len() == 20
        && b.iter().enumerate().all(|(i, &c)| match i {
            4 | 7 => c == b'-',
            10 => c == b'T' || c == b't',
            13 | 16 => c == b':',
            19 => c == b'Z' || c == b'z',
            _ => c.is_ascii_digit(),
        });
    if !shape {
        return Err(bad());
    }
    let field = |range: core::ops::Range<usize>| text[range].parse::<u16>().map_err(|_| bad());
    let (year, month, day) = (field(0..4)?, field(5..7)?, field(8..10)?);
    let (hour, minute, second) = (field(11..13)?, field(14..16)?, field(17..19)?);
    // Each two-digit field is below 100, so it fits a u8.
    Time::new(year, month as u8, day as u8, hour as u8, minute as u8, second as u8).map_err(|_| bad())
}

/// The certificate as `openssl x509 -text -noout` lays it out.
fn describe(cert: &Certificate) -> String {
    let mut out = String::from("Certificate:\n    Data:\n");
    let mut line = |indent: usize, text: &str| {
        out.push_str(&" ".repeat(indent));
        out.push_str(text);
        out.push('\n');
    };
    line(8, &format!("Version: {} (0x{:x})", cert.version, cert.version - 1));
    line(8, "Serial Number:");
    line(12, &hex_colons(&cert.serial));
    line(8, &format!("Signature Algorithm: {}", cert.signature_algorithm));
    line(8, &format!("Issuer: {}", cert.issuer));
    line(8, "Validity");
    line(12, &format!("Not Before: {}", cert.not_before));
    line(12, &format!("Not After : {}", cert.not_after));
    line(8, &format!("Subject: {}", cert.subject));
    line(8, "Subject Public Key Info:");
    let bits = match (cert.public_key.rsa_key(), cert.public_key.ec_key(), cert.public_key.rsa_pss_key()) {
        (Ok(key), _, _) => format!(" ({} bit, e = {})", key.bits(), key.e()),
        (_, Ok(key), _) => format!(" ({}, {} bit)", key.curve(), 8 * key.curve().field_len()),
        // RFC 4055 §3.1: the parameters, if any, bind the key to one hash
        // and a minimum salt length.
        (_, _, Ok(key)) => {
            let numbers = key.numbers();
            let params = match key.params() {
                Some(p) => {
                    format!(" with {}, MGF1 with {}, salt of {}+ bytes", p.hash, p.mgf1_hash, p.salt_len)
                }
                None => ", any hash".to_string(),
            };
            format!(" ({} bit, e = {}, PSS only{params})", numbers.bits(), numbers.e())
        }
        _ => String::new(),
    };
    line(12, &format!("Public Key Algorithm: {}{bits}", cert.public_key.key_type()));
    let extensions = describe_extensions(cert);
    if !extensions.is_empty() {
        line(8, "X509v3 extensions:");
        for (name, value) in &extensions {
            line(12, name);
            line(16, value);
        }
    }
    line(4, &format!("Signature Algorithm: {}", cert.signature_algorithm));
    line(4, "Signature Value:");
    for chunk in cert.signature.chunks(18) {
        line(8, &hex_colons(chunk));
    }
    out
}

/// Each extension as a heading and a value, in OpenSSL's words.
fn describe_extensions(cert: &Certificate) -> Vec<(String, String)> {
    let ext = &cert.extensions;
    let mut out = Vec::new();
    if let Some(bc) = ext.basic_constraints {
        let path_len = bc.path_len.map(|n| format!(", pathlen:{n}")).unwrap_or_default();
        let ca = if bc.ca { "TRUE" } else { "FALSE" };
        out.push(("X509v3 Basic Constraints:".into(), format!("CA:{ca}{path_len}")));
    }
    if let Some(usage) = ext.key_usage {
        const NAMES: [&str; 9] = [
            "Digital Signature",
            "Non Repudiation",
            "Key Encipherment",
            "Data Encipherment",
            "Key Agreement",
            "Certificate Sign",
            "CRL Sign",
            "Encipher Only",
            "Decipher Only",
        ];
        let set: Vec<&str> = (0..9).filter(|&i| usage.allows(1 << i)).map(|i| NAMES[i]).collect();
        out.push(("X509v3 Key Usage:".into(), set.join(", ")));
    }
    if let Some(purposes) = &ext.ext_key_usage {
        let names: Vec<String> = purposes
            .iter()
            .map(|oid| match *oid {
                padlock_der::oids::SERVER_AUTH => "TLS Web Server Authentication".to_string(),
                padlock_der::oids::CLIENT_AUTH => "TLS Web Client Authentication".to_string(),
                other => other.name().map_or_else(|| other.to_string(), str::to_string),
            })
            .collect();
        out.push(("X509v3 Extended Key Usage:".into(), names.join(", ")));
    }
    if let Some(names) = &ext.subject_alt_name {
        let names: Vec<String> = names.iter().map(general_name).collect();
        out.push(("X509v3 Subject Alternative Name:".into(), names.join(", ")));
    }
    if let Some(id) = &ext.subject_key_id {
        out.push(("X509v3 Subject Key Identifier:".into(), hex_colons(id)));
    }
    if let Some(id) = &ext.authority_key_id {
        let value = id.as_deref().map_or_else(|| "(no key identifier)".to_string(), hex_colons);
        out.push(("X509v3 Authority Key Identifier:".into(), value));
    }
    for other in &ext.other {
        let name = other.oid.name().map_or_else(|| other.oid.to_string(), str::to_string);
        let critical = if other.critical { " critical" } else { "" };
        out.push((format!("{name}:{critical}"), hex_colons(&other.value)));
    }
    out
}

/// A subjectAltName entry as OpenSSL prints it: `DNS:example.org`,
/// `IP Address:127.0.0.1`.
fn general_name(name: &GeneralName) -> String {
    match name {
        GeneralName::Dns(dns) => format!("DNS:{dns}"),
        GeneralName::Ip(ip) => format!("IP Address:{ip}"),
        GeneralName::Email(email) => format!("email:{email}"),
        GeneralName::Uri(uri) => format!("URI:{uri}"),
        GeneralName::Other(tag) => format!("<unsupported [{tag}]>"),
    }
}

/// Bytes as uppercase hex pairs joined by colons, `0A:1B:...`.
fn hex_colons(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect::<Vec<_>>().join(":")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_times_parse_strictly() {
        assert_eq!(
            parse_time("2026-06-01T12:00:00Z").map(|t| t.to_string()),
            Ok("2026-06-01T12:00:00Z".into())
        );
        for bad in [
            "2026-06-01 12:00:00Z",
            "2026-02-30T00:00:00Z",
            "2026-06-01T12:00:00",
            "2026-06-01T24:00:00Z",
            "２026",
        ] {
            assert!(parse_time(bad).is_err(), "{bad}");
        }
    }
}
