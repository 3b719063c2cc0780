//! The component bytes a run uses: the one built from this workspace, or a file.

use std::borrow::Cow;
use std::fs;
use std::path::Path;

use anyhow::Context;
use sha2::{Digest, Sha256};

/// The rule component built from this workspace by the build script.
pub const BUILT_IN: &[u8] = include_bytes!(env!("RULE_COMPONENT_PATH"));

/// A component's bytes, where they came from and their digest.
#[derive(Debug, Clone)]
pub struct ComponentSource {
    /// The WebAssembly component binary.
    pub bytes: Cow<'static, [u8]>,
    /// `built-in`, or the path it was read from.
    pub origin: String,
}

impl ComponentSource {
    /// Returns the component built from this workspace.
    pub fn built_in() -> ComponentSource {
        ComponentSource {
            bytes: Cow::Borrowed(BUILT_IN),
            origin: "built-in".to_owned(),
        }
    }

    /// Reads a component file.
    pub fn read(path: &Path) -> anyhow::Result<ComponentSource> {
        let bytes = fs::read(path)
            .with_context(|| format!("cannot read the component file {}", path.display()))?;
        Ok(ComponentSource {
            bytes: Cow::Owned(bytes),
            origin: path.display().to_string(),
        })
    }

    /// Lowercase hex SHA-256 of the bytes, as `sha256sum` prints it.
    pub fn digest(&self) -> String {
        format!("{:x}", Sha256::digest(&self.bytes))
    }
}
