//! The component bytes a run uses: the one built from this workspace, or a file.

use std::borrow::Cow;
use std::fs;
use std::path::Path;

use anyhow::{Context, bail};
use sha2::{Digest, Sha256};

mod preamble;

/// The advice for a file that is not a usable component.
pub(crate) const FIX: &str = "pass a .wasm component of the detection:rule world, such as \
    target/component/rule_component.wasm, which `cargo build --release -p host-test` builds";

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

    /// Reads a component file, and rejects a file that is not a WebAssembly component (a
    /// directory, an empty file, a core module, other bytes) with a message that names it.
    pub fn read(path: &Path) -> anyhow::Result<ComponentSource> {
        if path.is_dir() {
            bail!(
                "the component file {} is a directory, not a WebAssembly component; {FIX}",
                path.display()
            );
        }
        let bytes = fs::read(path)
            .with_context(|| format!("cannot read the component file {}", path.display()))?;
        if let Some(problem) = preamble::problem(&bytes) {
            bail!("the component file {} {problem}; {FIX}", path.display());
        }

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
