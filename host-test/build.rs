//! Builds the rule component (and the deliberately faulty component the tests use) for
//! `wasm32-wasip2`, so that `cargo build -p host-test` on a fresh machine needs no other step.
//!
//! The components are built by a nested cargo into `target/component`, a target directory of
//! their own: a nested cargo on the outer target directory would wait forever on its lock.
//! Each component is copied next to a `.sha256` file and its path is exported as a compile-time
//! constant, so the binary embeds exactly the bytes the tests run.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha256};

const WASM_TARGET: &str = "wasm32-wasip2";

/// The cargo profile, defined in the workspace manifest, that the components build with.
const PROFILE: &str = "component";

/// Guest crates to build, with the name of the constant that carries each one's path.
const COMPONENTS: [(&str, &str); 2] = [
    ("rule-component", "RULE_COMPONENT_PATH"),
    ("faulty-component", "FAULTY_COMPONENT_PATH"),
];

fn main() {
    let manifest_dir = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let workspace = manifest_dir
        .parent()
        .expect("host-test sits inside the workspace");

    declare_inputs(workspace, &manifest_dir);
    ensure_wasm_target();

    let wasmtime_version = pinned_version(&manifest_dir, "wasmtime");
    println!("cargo:rustc-env=WASMTIME_VERSION={wasmtime_version}");

    let target_dir = workspace.join("target").join(PROFILE);
    build_components(workspace, &target_dir);

    for (package, constant) in COMPONENTS {
        let file_name = format!("{}.wasm", package.replace('-', "_"));
        let built = target_dir.join(WASM_TARGET).join(PROFILE).join(&file_name);
        let published = publish(&built, &target_dir.join(&file_name));
        println!("cargo:rustc-env={constant}={}", published.display());
    }
}

/// Tells cargo which sources the components depend on, so it reruns this script only then.
fn declare_inputs(workspace: &Path, manifest_dir: &Path) {
    let inputs = [
        workspace.join("wit"),
        workspace.join("rules"),
        workspace.join("crates/rule-component"),
        workspace.join("crates/rule-core"),
        workspace.join("Cargo.toml"),
        workspace.join("Cargo.lock"),
        manifest_dir.join("tests/faulty-component"),
    ];
    for input in inputs {
        println!("cargo:rerun-if-changed={}", input.display());
    }
}

/// Reads the exact version `package` is pinned to (`version = "=X.Y.Z"`) in this crate's
/// manifest. The lock file may list several versions of it, for other crates.
fn pinned_version(manifest_dir: &Path, package: &str) -> String {
    let manifest =
        fs::read_to_string(manifest_dir.join("Cargo.toml")).expect("cannot read Cargo.toml");
    let prefix = format!("{package} = {{ version = \"=");
    let line = manifest.lines().find_map(|line| line.strip_prefix(&prefix));
    let line =
        line.unwrap_or_else(|| panic!("Cargo.toml does not pin {package} with version = \"=...\""));
    line.split('"').next().expect("a quoted version").to_owned()
}

/// Makes sure the standard library for `wasm32-wasip2` is installed. rustup does not add the
/// targets listed in `rust-toolchain.toml` to a toolchain that is already installed, so the
/// build adds it here. It never updates the toolchain.
fn ensure_wasm_target() {
    if wasm_target_installed() {
        return;
    }

    let mut rustup = Command::new("rustup");
    rustup.args(["target", "add", WASM_TARGET]);
    if let Some(toolchain) = env::var_os("RUSTUP_TOOLCHAIN") {
        rustup.arg("--toolchain").arg(toolchain);
    }
    let added = rustup
        .status()
        .map(|status| status.success())
        .unwrap_or(false);

    if !added || !wasm_target_installed() {
        panic!(
            "the Rust target {WASM_TARGET} is not installed and adding it failed; \
             install it with `rustup target add {WASM_TARGET}` and build again"
        );
    }
}

fn wasm_target_installed() -> bool {
    let rustc = env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let output = Command::new(rustc)
        .args(["--print", "sysroot"])
        .output()
        .expect("failed to run rustc --print sysroot");
    let sysroot = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    Path::new(&sysroot)
        .join("lib/rustlib")
        .join(WASM_TARGET)
        .is_dir()
}

/// Runs the nested cargo. Flags meant for the host build are cleared, because they would
/// change or break a build for another target.
fn build_components(workspace: &Path, target_dir: &Path) {
    let cargo = env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .current_dir(workspace)
        .args(["build", "--profile", PROFILE, "--target", WASM_TARGET])
        .arg("--target-dir")
        .arg(target_dir);
    for (package, _) in COMPONENTS {
        command.args(["-p", package]);
    }
    for variable in [
        "RUSTFLAGS",
        "CARGO_ENCODED_RUSTFLAGS",
        "CARGO_TARGET_DIR",
        "CARGO_BUILD_TARGET",
        "RUSTC_WORKSPACE_WRAPPER",
    ] {
        command.env_remove(variable);
    }

    let output = command
        .output()
        .expect("failed to run cargo for the components");
    if !output.status.success() {
        panic!(
            "building the components for {WASM_TARGET} failed:\n{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

/// Copies a built component to a stable path and writes its digest beside it in the format
/// `sha256sum` writes, so `sha256sum -c` can check it.
fn publish(built: &Path, destination: &Path) -> PathBuf {
    let bytes = fs::read(built).unwrap_or_else(|error| {
        panic!(
            "cannot read the built component {}: {error}",
            built.display()
        )
    });
    let digest = format!("{:x}", Sha256::digest(&bytes));

    write_if_changed(destination, &bytes);
    let file_name = destination
        .file_name()
        .expect("a file path")
        .to_string_lossy();
    let digest_line = format!("{digest}  {file_name}\n");
    write_if_changed(
        &destination.with_extension("wasm.sha256"),
        digest_line.as_bytes(),
    );

    destination.to_path_buf()
}

/// Writes only when the content differs, so an unchanged component keeps its mtime and the
/// crates that embed it are not rebuilt.
fn write_if_changed(path: &Path, bytes: &[u8]) {
    if fs::read(path).is_ok_and(|current| current == bytes) {
        return;
    }
    fs::write(path, bytes)
        .unwrap_or_else(|error| panic!("cannot write {}: {error}", path.display()));
}
