//! The 8-byte preamble that starts every WebAssembly binary, which distinguishes a component
//! from a core module before wasmtime parses the rest.
//!
//! The preamble is the magic `\0asm`, then a 16-bit version and a 16-bit layer, both
//! little-endian. A core module has version 1 and layer 0; a component has layer 1 (and,
//! in the component model's binary format before 1.0, version 0x0d).

const MAGIC: &[u8; 4] = b"\0asm";
const PREAMBLE_BYTES: usize = 8;
const CORE_MODULE_LAYER: u16 = 0;
const COMPONENT_LAYER: u16 = 1;

/// Describes why `bytes` cannot be a WebAssembly component, completing the sentence "the
/// component file PATH ...". `None` when the preamble is a component's; wasmtime checks
/// the rest.
pub(crate) fn problem(bytes: &[u8]) -> Option<String> {
    if bytes.is_empty() {
        return Some("is empty".to_owned());
    }
    if !bytes.starts_with(MAGIC) {
        return Some(
            "is not WebAssembly: it does not start with the bytes \\0asm that every \
             WebAssembly binary starts with"
                .to_owned(),
        );
    }
    if bytes.len() < PREAMBLE_BYTES {
        return Some(format!(
            "is truncated: it has {} bytes, fewer than the 8 of a WebAssembly preamble",
            bytes.len()
        ));
    }

    let layer = u16::from_le_bytes([bytes[6], bytes[7]]);
    match layer {
        COMPONENT_LAYER => None,
        CORE_MODULE_LAYER => Some(
            "is a core WebAssembly module, not a component (a wasm32-wasip1 or \
             wasm32-unknown-unknown build, for example); build for wasm32-wasip2 or wrap the \
             module with `wasm-tools component new`"
                .to_owned(),
        ),
        other => Some(format!(
            "is WebAssembly of an unknown layer {other}, neither a core module (0) nor a \
             component (1)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn component_preamble_passes() {
        assert_eq!(problem(b"\0asm\x0d\x00\x01\x00rest"), None);
    }

    #[test]
    fn other_files_are_described() {
        let cases: [(&[u8], &str); 5] = [
            (b"", "is empty"),
            (b"\x7fELF\x02\x01\x01\x00", "is not WebAssembly"),
            (b"\0asm\x01", "is truncated"),
            (b"\0asm\x01\x00\x00\x00", "is a core WebAssembly module"),
            (b"\0asm\x01\x00\x07\x00", "unknown layer 7"),
        ];
        for (bytes, expected) in cases {
            let problem = problem(bytes).unwrap_or_default();
            assert!(problem.contains(expected), "{bytes:?}: {problem}");
        }
    }
}
