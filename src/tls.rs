//! The one TLS trust policy, for every HTTPS call and every `wss://` connection: Mozilla's
//! roots (webpki-roots), the platform's store (rustls-native-certs, so a corporate CA installed
//! system-wide is trusted), and extra CA certificates named by the profile's `ca_file` or
//! `--ca`; plus, for `connect`, a client certificate or no checks at all (`-n`). rustls with
//! aws-lc-rs only.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};

use crate::Error;

/// Installs aws-lc-rs as the process's rustls provider (the only one compiled in); every TLS
/// user (reqwest, the WebSocket client) calls this before building a config.
pub fn install_tls_provider() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    });
}

/// What the user asked of TLS.
#[derive(Debug, Clone, Default)]
pub struct TlsOptions {
    /// Extra CA certificates (PEM files).
    pub ca: Vec<PathBuf>,
    pub cert: Option<PathBuf>,
    pub key: Option<PathBuf>,
    pub passphrase: bool,
    pub no_check: bool,
}

/// The process's extra CA file (the profile's `ca_file`), set once by the command layer.
static PROCESS_CA: OnceLock<Option<PathBuf>> = OnceLock::new();
/// The process's HTTPS configuration, built on first use.
static DEFAULT: OnceLock<LazyConfig> = OnceLock::new();

/// Trusts the CA certificates in `path` for every HTTPS call of this process. The first call
/// wins; call it before the first request.
pub fn trust_ca_file(path: Option<&Path>) {
    let _ = PROCESS_CA.set(path.map(Path::to_path_buf));
}

/// The configuration for HTTPS calls: the trust policy with the process's CA file.
pub fn https_config() -> Result<Arc<ClientConfig>, Error> {
    DEFAULT
        .get_or_init(|| {
            LazyConfig::new(TlsOptions {
                ca: process_ca_file().into_iter().collect(),
                ..Default::default()
            })
        })
        .get()
}

/// The CA file of the process (for a `wss://` connection's policy).
pub fn process_ca_file() -> Option<PathBuf> {
    PROCESS_CA.get().cloned().flatten()
}

/// Mozilla's roots and the platform's, read from disk once per process (the platform's store
/// is a hundred files or more); unreadable system certificates are skipped.
fn roots() -> RootCertStore {
    static ROOTS: OnceLock<RootCertStore> = OnceLock::new();
    ROOTS
        .get_or_init(|| {
            let mut roots = RootCertStore::empty();
            roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
            let native = rustls_native_certs::load_native_certs();
            let (added, ignored) = roots.add_parsable_certificates(native.certs);
            tracing::debug!("TLS roots: {added} from the platform ({ignored} unusable)");
            roots
        })
        .clone()
}

/// A client configuration built on first use, so that a `ws://` session never reads the trust
/// store; clones share the one built.
#[derive(Clone)]
pub struct LazyConfig {
    options: TlsOptions,
    built: Arc<OnceLock<Result<Arc<ClientConfig>, String>>>,
}

impl LazyConfig {
    pub fn new(options: TlsOptions) -> LazyConfig {
        LazyConfig {
            options,
            built: Arc::default(),
        }
    }

    /// The configuration (every failure of [`client_config`] is a usage error).
    pub fn get(&self) -> Result<Arc<ClientConfig>, Error> {
        self.built
            .get_or_init(|| client_config(&self.options).map_err(|e| e.to_string()))
            .clone()
            .map_err(Error::Usage)
    }
}

/// The most a PEM file of certificates or a key may hold.
const PEM_LIMIT: usize = 1024 * 1024;

fn read_certs(path: &Path) -> Result<Vec<CertificateDer<'static>>, Error> {
    let pem = crate::fsutil::read_capped(path, PEM_LIMIT)
        .map_err(|e| Error::Usage(format!("cannot read CA certificates from {e}")))?;
    let certs: Result<Vec<_>, _> = CertificateDer::pem_slice_iter(&pem).collect();
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

/// A client configuration: the trust policy (or none with `no_check`) and a client
/// certificate when one is given.
pub fn client_config(options: &TlsOptions) -> Result<Arc<ClientConfig>, Error> {
    install_tls_provider();
    let builder = ClientConfig::builder();
    let builder = if options.no_check {
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(NoCheck))
    } else {
        let mut roots = roots();
        for ca in &options.ca {
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
            let pem = crate::fsutil::read_capped(key, PEM_LIMIT)
                .map_err(|e| Error::Usage(format!("cannot read the key: {e}")))?;
            let encrypted = String::from_utf8_lossy(&pem);
            if options.passphrase
                || encrypted.contains("ENCRYPTED PRIVATE KEY")
                || encrypted.contains("Proc-Type: 4,ENCRYPTED")
            {
                return Err(Error::Usage(format!(
                    "the client key {} is encrypted, which is not supported (and a passphrase on the command line is visible to every user): decrypt it first: openssl pkey -in KEY -out plain.pem",
                    key.display()
                )));
            }
            let key = PrivateKeyDer::from_pem_slice(&pem)
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
