//! The client's check of the certificates a server sent (RFC 8446
//! §4.4.2.4, RFC 5246 §7.4.2): parse them, build a path to one of the
//! client's trust anchors, check dates and the host name (padlock-x509
//! does the work), and return the leaf's key, which must sign what comes
//! next. Each step is traced as a [`Check`].

use padlock_x509::Certificate;

use crate::Error;
use crate::config::ClientConfig;
use crate::conn::Core;
use crate::messages::CertificateMessage;
use crate::sign::VerifyingKey;
use crate::trace::{Check, Event};

/// Checks the server's Certificate message against the client's trust
/// anchors, name and clock, and that the leaf allows its key to be used as
/// `key_use` says; returns the leaf's public key.
pub(crate) fn verify_server_certificates(
    certificate: CertificateMessage,
    config: &ClientConfig,
    core: &Core,
    key_use: padlock_x509::ServerKeyUse,
) -> Result<VerifyingKey, Error> {
    let mut chain = Vec::with_capacity(certificate.entries.len());
    for (der, _) in &certificate.entries {
        chain.push(Certificate::from_der(der).map_err(|e| Error::Certificate(Box::new(e)))?);
    }
    let Some((leaf, intermediates)) = chain.split_first() else {
        // RFC 8446 §4.4.2.4: an empty chain from a server is decode_error.
        return Err(Error::Decode("the server sent no certificate"));
    };
    core.emit(|| Event::Check {
        check: Check::CertificatesParse {
            subject: leaf.subject.to_string(),
            issuer: leaf.issuer.to_string(),
            count: chain.len(),
        },
        passed: true,
    });
    if !config.verify_certificate {
        core.emit(|| Event::Check { check: Check::CertificatesNotVerified, passed: true });
        return VerifyingKey::from_certificate(leaf);
    }
    let now = now_or(config.now)?;
    let host = &config.server_name;
    // RFC 5280 §4.2.1.12, §4.2.1.3: serverAuth, and the keyUsage the key exchange needs.
    let usage = |path| padlock_x509::check_server_usage(leaf, key_use).map(|()| path);
    match padlock_x509::verify_chain(leaf, intermediates, &config.trust_anchors, host, now).and_then(usage) {
        Ok(path) => {
            core.emit(|| Event::Check {
                check: Check::CertificatePath(path.iter().map(|c| c.subject.to_string()).collect()),
                passed: true,
            });
            core.emit(|| Event::Check { check: Check::CertificateName(host.clone()), passed: true });
            VerifyingKey::from_certificate(leaf)
        }
        Err(error) => {
            core.emit(|| Event::Check { check: Check::CertificateRejected(error.clone()), passed: false });
            Err(Error::Certificate(Box::new(error)))
        }
    }
}

/// The current time as an X.509 `Time`, or the configured fixed time.
fn now_or(fixed: Option<padlock_der::Time>) -> Result<padlock_der::Time, Error> {
    if let Some(time) = fixed {
        return Ok(time);
    }
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_err(|_| Error::Internal("the system clock is before 1970".into()))?
        .as_secs();
    padlock_der::Time::from_unix_seconds(seconds as i64).map_err(|e| Error::Internal(e.to_string()))
}
