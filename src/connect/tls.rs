//! The rustls client configuration of `connect`: webpki roots plus `--ca`, a client
//! certificate (`--cert`/`--key`), or no checks at all (`-n`).

use std::path::Path;
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};

use crate::Error;

/// What the user asked of TLS.
#[derive(Debug, Clone, Default)]
pub struct TlsOptions {
    pub ca: Option<std::path::PathBuf>,
    pub cert: Option<std::path::PathBuf>,
    pub key: Option<std::path::PathBuf>,
    pub passphrase: bool,
    pub no_check: bool,
}

fn read_certs(path: &Path) -> Result<Vec<CertificateDer<'static>>, Error> {
    let certs: Result<Vec<_>, _> = CertificateDer::pem_file_iter(path)
        .map_err(|e| {
            Error::Usage(format!(
                "cannot read certificates from {}: {e}",
                path.display()
            ))
        })?
        .collect();
    let certs =
        certs.map_err(|e| Error::Usage(format!("bad certificate in {}: {e}", path.display())))?;
    if certs.is_empty() {
        return Err(Error::Usage(format!(
            "no PEM certificate in {}",
            path.display()
        )));
    }
    Ok(certs)
}

pub fn client_config(options: &TlsOptions) -> Result<Arc<ClientConfig>, Error> {
    crate::http::install_tls_provider();
    let builder = ClientConfig::builder();
    let builder = if options.no_check {
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(NoCheck))
    } else {
        let mut roots = RootCertStore::empty();
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        if let Some(ca) = &options.ca {
            for cert in read_certs(ca)? {
                roots.add(cert).map_err(|e| {
                    Error::Usage(format!("bad CA certificate in {}: {e}", ca.display()))
                })?;
            }
        }
        builder.with_root_certificates(roots)
    };
    let config = match (&options.cert, &options.key) {
        (Some(cert), Some(key)) => {
            if options.passphrase {
                return Err(Error::Usage(
                    "encrypted client keys are not supported: decrypt it first (openssl pkey -in KEY -out plain.pem)".into(),
                ));
            }
            let key = PrivateKeyDer::from_pem_file(key)
                .map_err(|e| Error::Usage(format!("cannot read the key {}: {e}", key.display())))?;
            builder
                .with_client_auth_cert(read_certs(cert)?, key)
                .map_err(|e| {
                    Error::Usage(format!("the client certificate and key do not fit: {e}"))
                })?
        }
        _ => builder.with_no_client_auth(),
    };
    Ok(Arc::new(config))
}

/// `-n`: accepts any certificate, as wscat's --no-check does.
#[derive(Debug)]
struct NoCheck;

impl ServerCertVerifier for NoCheck {
    fn verify_server_cert(
        &self,
        _: &CertificateDer<'_>,
        _: &[CertificateDer<'_>],
        _: &ServerName<'_>,
        _: &[u8],
        _: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        _: &[u8],
        _: &CertificateDer<'_>,
        _: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        Ok(HandshakeSignatureValid::assertion())
    }

    fn verify_tls13_signature(
        &self,
        _: &[u8],
        _: &CertificateDer<'_>,
        _: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        Ok(HandshakeSignatureValid::assertion())
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        rustls::crypto::aws_lc_rs::default_provider()
            .signature_verification_algorithms
            .supported_schemes()
    }
}
