//! TLS on the emulator's port, next to plain HTTP: a private CA and a certificate for
//! `127.0.0.1` and `localhost` (rcgen), so that functions which build their `@connections`
//! endpoint as `https://{domainName}/{stage}` (as the AWS samples do) work unchanged. The CA is
//! written to a file that the started functions trust (`NODE_EXTRA_CA_CERTS`,
//! `AWS_CA_BUNDLE`), and `cwsauth connect --ca` can use for `wss://`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

use super::error::LocalError;

/// The emulator's certificate authority and server configuration.
pub struct LocalTls {
    pub acceptor: tokio_rustls::TlsAcceptor,
    /// The CA certificate (PEM), for clients to trust.
    pub ca_file: PathBuf,
}

/// Makes a CA and a server certificate, writes the CA to `dir/local-ca.pem` (0600 in a 0700
/// folder) and returns the acceptor.
pub fn generate(dir: &Path) -> Result<LocalTls, LocalError> {
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair, KeyUsagePurpose};
    let fail = |what: &str, e: rcgen::Error| {
        LocalError::Ca(format!("cannot make the emulator's TLS {what}: {e}"))
    };
    let ca_key = KeyPair::generate().map_err(|e| fail("CA key", e))?;
    let mut ca = CertificateParams::new(Vec::<String>::new()).map_err(|e| fail("CA", e))?;
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name
        .push(DnType::CommonName, "cwsauth local CA");
    ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let ca_cert = ca.self_signed(&ca_key).map_err(|e| fail("CA", e))?;
    let issuer = rcgen::Issuer::from_params(&ca, &ca_key);

    let key = KeyPair::generate().map_err(|e| fail("key", e))?;
    let mut server = CertificateParams::new(vec!["localhost".to_string(), "127.0.0.1".to_string()])
        .map_err(|e| fail("certificate", e))?;
    server
        .distinguished_name
        .push(DnType::CommonName, "cwsauth local");
    let cert = server
        .signed_by(&key, &issuer)
        .map_err(|e| fail("certificate", e))?;

    let ca_file = dir.join("local-ca.pem");
    crate::fsutil::write_atomic(&ca_file, ca_cert.pem().as_bytes(), 0o600)
        .map_err(|e| LocalError::Ca(format!("cannot write the emulator's CA: {e}")))?;
    crate::tls::install_tls_provider();
    let config = rustls::ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(
            vec![
                CertificateDer::from(cert.der().to_vec()),
                CertificateDer::from(ca_cert.der().to_vec()),
            ],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        )
        .map_err(|e| LocalError::Ca(format!("cannot use the emulator's TLS certificate: {e}")))?;
    Ok(LocalTls {
        acceptor: tokio_rustls::TlsAcceptor::from(Arc::new(config)),
        ca_file,
    })
}
