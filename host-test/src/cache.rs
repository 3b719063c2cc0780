//! A cache of compiled components, so that a run does not compile the component again.
//!
//! Loading compiled code is `unsafe` in wasmtime: the bytes are trusted to be what wasmtime
//! produced for an engine with this configuration. So the cache loads only entries whose
//! header this host wrote, whose key matches the component bytes, the wasmtime version and
//! the engine configuration, and whose payload still has the digest recorded when it was
//! written. Any other entry is compiled again and overwritten.
//!
//! NOTE: the digest detects damage (a truncated write, a flipped bit), not tampering: whoever
//! can write the cache directory can write a matching digest too. The directory is created
//! readable by its owner only.

use std::fs;
use std::hash::{Hash, Hasher};
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use sha2::{Digest, Sha256};
use wasmtime::Engine;
use wasmtime::component::Component;

/// Marks a file as an entry written by this host, in this format.
const MAGIC: &[u8; 16] = b"rule-host-cwasm1";

/// Header: magic, key (32 bytes), payload digest (32 bytes), payload length (8 bytes, LE).
const HEADER_LEN: usize = MAGIC.len() + 32 + 32 + 8;

/// The wasmtime version the host was built with, read from Cargo.lock by the build script.
const WASMTIME_VERSION: &str = env!("WASMTIME_VERSION");

/// Where a component came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheOutcome {
    /// A valid entry was loaded.
    Hit,
    /// There was no entry; the component was compiled and stored.
    Miss,
    /// The entry was damaged or stale; the component was compiled and the entry replaced.
    Rebuilt,
    /// No cache was used.
    Disabled,
}

/// A directory of compiled components.
#[derive(Debug, Clone)]
pub struct ComponentCache {
    dir: PathBuf,
}

impl ComponentCache {
    /// Uses `dir`, which is created on the first store.
    pub fn new(dir: impl Into<PathBuf>) -> ComponentCache {
        ComponentCache { dir: dir.into() }
    }

    /// The default directory: `$XDG_CACHE_HOME/rule-host`, else `$HOME/.cache/rule-host`.
    /// `None` when neither variable is set.
    pub fn default_dir() -> Option<PathBuf> {
        let from_xdg = std::env::var_os("XDG_CACHE_HOME").filter(|dir| !dir.is_empty());
        let base = match from_xdg {
            Some(dir) => PathBuf::from(dir),
            None => PathBuf::from(std::env::var_os("HOME").filter(|dir| !dir.is_empty())?)
                .join(".cache"),
        };
        Some(base.join("rule-host"))
    }

    /// The directory entries are stored in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The path of the entry for `wasm` compiled by `engine`.
    pub fn entry_path(&self, engine: &Engine, wasm: &[u8]) -> PathBuf {
        let key = cache_key(engine, wasm);
        self.dir.join(format!("{}.cwasm", hex(&key)))
    }

    /// Loads the compiled component for `wasm` from the cache, or compiles and stores it.
    /// A cache that cannot be written only costs the compile time: it is logged, not fatal.
    pub fn load(&self, engine: &Engine, wasm: &[u8]) -> anyhow::Result<(Component, CacheOutcome)> {
        let key = cache_key(engine, wasm);
        let path = self.dir.join(format!("{}.cwasm", hex(&key)));

        let outcome = match fs::read(&path) {
            Ok(entry) => match load_entry(engine, &key, &entry) {
                Ok(component) => return Ok((component, CacheOutcome::Hit)),
                Err(reason) => {
                    tracing::warn!(path = %path.display(), %reason, "rebuilding a damaged cache entry");
                    CacheOutcome::Rebuilt
                }
            },
            Err(_) => CacheOutcome::Miss,
        };

        let compiled = engine
            .precompile_component(wasm)
            .map_err(anyhow::Error::from)
            .context("failed to compile the component")?;
        if let Err(error) = self.store(&path, &key, &compiled) {
            tracing::warn!(path = %path.display(), "cannot write the component cache: {error:#}");
        }
        Ok((deserialize(engine, &compiled)?, outcome))
    }

    fn store(&self, path: &Path, key: &[u8; 32], compiled: &[u8]) -> anyhow::Result<()> {
        create_private_dir(&self.dir)?;

        // Write to a temporary file and rename it, so a reader never sees half an entry.
        let mut file = tempfile::NamedTempFile::new_in(&self.dir)?;
        file.write_all(&header(key, compiled))?;
        file.write_all(compiled)?;
        file.as_file().sync_all()?;
        file.persist(path)?;
        Ok(())
    }
}

/// Compiles `wasm` without a cache.
pub fn compile(engine: &Engine, wasm: &[u8]) -> anyhow::Result<Component> {
    Component::new(engine, wasm)
        .map_err(anyhow::Error::from)
        .context("failed to compile the component")
}

/// The SHA-256 of the component bytes, the wasmtime version and the engine's compilation
/// settings (target, compiler flags, tunables, enabled proposals).
fn cache_key(engine: &Engine, wasm: &[u8]) -> [u8; 32] {
    let mut hasher = Sha256Hasher(Sha256::new());
    hasher.0.update(Sha256::digest(wasm));
    hasher.0.update(WASMTIME_VERSION.as_bytes());
    engine.precompile_compatibility_hash().hash(&mut hasher);
    hasher.0.finalize().into()
}

fn header(key: &[u8; 32], payload: &[u8]) -> Vec<u8> {
    let mut header = Vec::with_capacity(HEADER_LEN);
    header.extend_from_slice(MAGIC);
    header.extend_from_slice(key);
    header.extend_from_slice(&Sha256::digest(payload));
    header.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    header
}

/// Checks an entry's header and digest, then loads its payload.
fn load_entry(engine: &Engine, key: &[u8; 32], entry: &[u8]) -> Result<Component, String> {
    if entry.len() < HEADER_LEN || &entry[..MAGIC.len()] != MAGIC {
        return Err("not an entry written by rule-host".to_owned());
    }
    let (header, payload) = entry.split_at(HEADER_LEN);
    let stored_key = &header[MAGIC.len()..MAGIC.len() + 32];
    let stored_digest = &header[MAGIC.len() + 32..MAGIC.len() + 64];
    let length_bytes: [u8; 8] = header[MAGIC.len() + 64..].try_into().expect("8 bytes");

    if stored_key != key {
        return Err("the entry was written for another component or engine".to_owned());
    }
    if u64::from_le_bytes(length_bytes) != payload.len() as u64 {
        return Err(format!(
            "the payload is {} bytes, not the recorded length",
            payload.len()
        ));
    }
    if Sha256::digest(payload).as_slice() != stored_digest {
        return Err("the payload does not match its recorded SHA-256".to_owned());
    }
    deserialize(engine, payload).map_err(|error| format!("{error:#}"))
}

fn deserialize(engine: &Engine, compiled: &[u8]) -> anyhow::Result<Component> {
    // SAFETY: `compiled` is either what `precompile_component` just returned, or an entry
    // whose header this host wrote for this component, wasmtime version and engine
    // configuration, and whose payload still matches the SHA-256 recorded with it.
    let component = unsafe { Component::deserialize(engine, compiled) };
    component
        .map_err(anyhow::Error::from)
        .context("failed to load the compiled component")
}

fn create_private_dir(dir: &Path) -> anyhow::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder
        .create(dir)
        .with_context(|| format!("cannot create the cache directory {}", dir.display()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Feeds what a [`Hash`] implementation writes into SHA-256, so that wasmtime's engine
/// fingerprint becomes part of the key.
struct Sha256Hasher(Sha256);

impl Hasher for Sha256Hasher {
    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    fn finish(&self) -> u64 {
        let digest = self.0.clone().finalize();
        u64::from_le_bytes(
            digest[..8]
                .try_into()
                .expect("a SHA-256 digest has 32 bytes"),
        )
    }
}
