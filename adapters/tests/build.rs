//! Builds the adapter modules for wasm, so that `cargo test -p adapter-tests` on a fresh
//! machine needs no other step.
//!
//! A nested cargo builds each module into a target directory of its own under `OUT_DIR` (a
//! nested cargo on the outer target directory would wait forever on its lock). Each module is
//! copied to `OUT_DIR/dist` with a `.sha256` file beside it, and its path is exported to the
//! tests as a compile-time environment variable.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha256};

/// The cargo profile, defined in the workspace manifest, that wasm artifacts build with.
const PROFILE: &str = "component";

/// The variable the Fluent Bit crate's build script reads its embedded settings from.
const SETTINGS_VARIABLE: &str = "RULE_FILTER_SETTINGS";

/// One module to build.
struct Module {
    package: &'static str,
    target: &'static str,
    /// A settings file under `adapters/tests/`, embedded through `RULE_FILTER_SETTINGS`.
    settings: Option<&'static str>,
    /// The published file name, without `.wasm`.
    name: &'static str,
    /// The environment variable that carries the published path to the tests.
    constant: &'static str,
}

const MODULES: [Module; 4] = [
    Module {
        package: "fluent-bit-rule-filter",
        target: "wasm32-unknown-unknown",
        settings: None,
        name: "fluent-bit-rule-filter",
        constant: "FLUENT_BIT_FILTER_WASM",
    },
    Module {
        package: "fluent-bit-rule-filter",
        target: "wasm32-unknown-unknown",
        settings: Some("fixtures/annotate-settings.json"),
        name: "fluent-bit-rule-filter-annotate",
        constant: "FLUENT_BIT_ANNOTATE_WASM",
    },
    Module {
        package: "fluent-bit-rule-filter",
        target: "wasm32-wasip1",
        settings: None,
        name: "fluent-bit-rule-filter-wasip1",
        constant: "FLUENT_BIT_WASIP1_WASM",
    },
    Module {
        package: "fluvio-rule-filter",
        target: "wasm32-wasip1",
        settings: None,
        name: "fluvio-rule-filter",
        constant: "FLUVIO_FILTER_WASM",
    },
];

fn main() {
    let manifest_dir = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let workspace = manifest_dir
        .ancestors()
        .nth(2)
        .expect("adapters/tests sits in the workspace");
    let out_dir = PathBuf::from(env::var_os("OUT_DIR").expect("set by cargo"));

    declare_inputs(workspace, &manifest_dir);

    let target_dir = out_dir.join("wasm-target");
    let dist = out_dir.join("dist");
    fs::create_dir_all(&dist).expect("cannot create OUT_DIR/dist");

    for module in &MODULES {
        ensure_wasm_target(module.target);
        let settings = module.settings.map(|path| manifest_dir.join(path));
        build(workspace, &target_dir, module, settings.as_deref());

        let built = target_dir
            .join(module.target)
            .join(PROFILE)
            .join(format!("{}.wasm", module.package.replace('-', "_")));
        let published = publish(&built, &dist.join(format!("{}.wasm", module.name)));
        println!(
            "cargo:rustc-env={}={}",
            module.constant,
            published.display()
        );
    }
}

/// Tells cargo which sources the modules depend on, so that it reruns this script only then.
fn declare_inputs(workspace: &Path, manifest_dir: &Path) {
    let inputs = [
        workspace.join("rules"),
        workspace.join("crates/rule-core"),
        workspace.join("adapters/record-filter"),
        workspace.join("adapters/fluent-bit"),
        workspace.join("adapters/fluvio"),
        workspace.join("Cargo.toml"),
        workspace.join("Cargo.lock"),
        manifest_dir.join("fixtures/annotate-settings.json"),
    ];
    for input in inputs {
        println!("cargo:rerun-if-changed={}", input.display());
    }
}

/// Makes sure the standard library for `target` is installed. rustup does not add the
/// targets listed in `rust-toolchain.toml` to a toolchain that is already installed, so the
/// build adds it here. It never updates the toolchain.
fn ensure_wasm_target(target: &str) {
    if wasm_target_installed(target) {
        return;
    }

    let mut rustup = Command::new("rustup");
    rustup.args(["target", "add", target]);
    if let Some(toolchain) = env::var_os("RUSTUP_TOOLCHAIN") {
        rustup.arg("--toolchain").arg(toolchain);
    }
    let added = rustup
        .status()
        .map(|status| status.success())
        .unwrap_or(false);

    if !added || !wasm_target_installed(target) {
        panic!(
            "the Rust target {target} is not installed and adding it failed; \
             install it with `rustup target add {target}` and build again"
        );
    }
}

fn wasm_target_installed(target: &str) -> bool {
    let rustc = env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let output = Command::new(rustc)
        .args(["--print", "sysroot"])
        .output()
        .expect("failed to run rustc --print sysroot");
    let sysroot = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    Path::new(&sysroot)
        .join("lib/rustlib")
        .join(target)
        .is_dir()
}

/// Runs the nested cargo for one module. Flags meant for the host build are cleared,
/// because they would change or break a build for another target.
fn build(workspace: &Path, target_dir: &Path, module: &Module, settings: Option<&Path>) {
    let cargo = env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .current_dir(workspace)
        .args(["build", "--profile", PROFILE, "--target", module.target])
        .args(["-p", module.package])
        .arg("--target-dir")
        .arg(target_dir);
    for variable in [
        "RUSTFLAGS",
        "CARGO_ENCODED_RUSTFLAGS",
        "CARGO_BUILD_RUSTFLAGS",
        "CARGO_TARGET_DIR",
        "CARGO_BUILD_TARGET",
        "RUSTC_WORKSPACE_WRAPPER",
        SETTINGS_VARIABLE,
    ] {
        command.env_remove(variable);
    }
    if let Some(settings) = settings {
        command.env(SETTINGS_VARIABLE, settings);
    }

    let output = command
        .output()
        .expect("failed to run cargo for the adapter modules");
    if !output.status.success() {
        panic!(
            "building {} for {} failed:\n{}{}",
            module.package,
            module.target,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

/// Copies a built module to `destination` and writes its digest beside it in the format
/// `sha256sum` writes, so that `sha256sum -c` can check it.
fn publish(built: &Path, destination: &Path) -> PathBuf {
    let bytes = fs::read(built).unwrap_or_else(|error| {
        panic!("cannot read the built module {}: {error}", built.display())
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

/// Writes only when the content differs, so that an unchanged module keeps its mtime.
fn write_if_changed(path: &Path, bytes: &[u8]) {
    if fs::read(path).is_ok_and(|current| current == bytes) {
        return;
    }
    fs::write(path, bytes)
        .unwrap_or_else(|error| panic!("cannot write {}: {error}", path.display()));
}
