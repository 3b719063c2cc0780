//! Host bindings generated from the WIT contract.

wasmtime::component::bindgen!({
    path: "../wit",
    world: "detection-rule",
});
