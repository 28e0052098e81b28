//! The token-store trait and the two kinds of store; which one a profile uses is chosen in
//! `choice.rs`.

use super::{StoreError, TokenSet};
use crate::redacted::Secret;
use crate::report::Reporter;

/// Where a profile's tokens are kept.
pub trait TokenStore: Send + Sync {
    /// `keyring` or `file`.
    fn kind(&self) -> StoreKind;
    /// Where the tokens are, for messages.
    fn location(&self) -> String;
    /// The stored set, `None` when nothing is stored; a store that cannot be read is an error.
    fn load(&self, reporter: &dyn Reporter) -> Result<Option<TokenSet>, StoreError>;
    /// Replaces the stored set all at once: a failure leaves the old set readable.
    fn save(&self, tokens: &TokenSet, reporter: &dyn Reporter) -> Result<(), StoreError>;
    /// Deletes whatever is stored, readable or not.
    fn delete(&self) -> Result<(), StoreError>;
    /// A secret kept beside the tokens under `name` (`totp`: the software token's secret that
    /// `mfa setup --keep-secret` enrolled), which a logout leaves.
    fn load_secret(&self, name: &str) -> Result<Option<Secret>, StoreError>;
    fn save_secret(&self, name: &str, value: &Secret) -> Result<(), StoreError>;
    /// Whether there was one.
    fn delete_secret(&self, name: &str) -> Result<bool, StoreError>;
}

/// The two stores.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreKind {
    Keyring,
    File,
}

impl StoreKind {
    pub fn as_str(self) -> &'static str {
        match self {
            StoreKind::Keyring => "keyring",
            StoreKind::File => "file",
        }
    }

    pub fn parse(text: &str) -> Result<StoreKind, StoreError> {
        match text.trim() {
            "keyring" => Ok(StoreKind::Keyring),
            "file" => Ok(StoreKind::File),
            other => Err(StoreError::UnknownStore(crate::sanitize::excerpt(
                other, 40,
            ))),
        }
    }
}
