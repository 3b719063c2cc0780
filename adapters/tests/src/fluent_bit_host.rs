//! A core-module host that calls a filter the way Fluent Bit's `filter_wasm` does in JSON
//! `event_format`, on wasmtime instead of WAMR.
//!
//! What it reproduces, from Fluent Bit 4's `src/wasm/flb_wasm.c` and
//! `plugins/filter_wasm/filter_wasm.c` and from WAMR's runtime:
//!
//! - one instance for the filter's lifetime, with an app heap of `wasm_heap_size` bytes
//!   (default 8192) added to the module's linear memory;
//! - for each record, the tag and the record's JSON text are each copied into the app heap
//!   with a trailing NUL; a copy that does not fit logs `warning: allocate N bytes memory
//!   failed` and passes address 0, and the function is called all the same;
//! - the function gets (tag, tag length, seconds, nanoseconds, record, record length) and
//!   returns a guest address, which must hold a NUL-terminated string inside linear memory;
//!   the host copies that string and frees both copies;
//! - an empty string drops the record, a JSON object replaces it, and anything else is
//!   logged and dropped; a trap is logged and drops the record;
//! - a module that imports WASI but exports neither `_start` nor `_initialize` gets WAMR's
//!   load warning `a module with WASI apis should be either a command or a reactor`.

use anyhow::{Context, Result, bail};
use wasmtime::{Engine, Extern, Instance, Linker, Memory, Module, Store, TypedFunc};

use crate::app_heap::AppHeap;

/// Fluent Bit's default `wasm_heap_size`, in bytes; smaller values are raised to it.
pub const DEFAULT_HEAP_SIZE: u32 = 8192;

const WASM_PAGE_SIZE: u64 = 65_536;

/// The module names WAMR treats as WASI.
const WASI_MODULES: [&str; 2] = ["wasi_snapshot_preview1", "wasi_unstable"];

/// WAMR's load warning for a WASI module that is neither a command nor a reactor.
pub const NOT_COMMAND_OR_REACTOR: &str =
    "warning: a module with WASI apis should be either a command or a reactor";

/// The filter function's type: six `i32` parameters and an `i32` result.
type FilterFunc = TypedFunc<(u32, u32, u32, u32, u32, u32), u32>;

/// What the host did with one record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FilterResult {
    /// The returned JSON object replaces the record.
    Replaced(String),
    Dropped(DropCause),
}

/// Why a record was dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DropCause {
    /// The function returned an empty string.
    EmptyString,
    /// The returned address does not hold a NUL-terminated string inside linear memory.
    InvalidReturn,
    /// The function trapped; carries the trap message.
    Trap(String),
    /// The returned string is not a JSON object; carries the string.
    NotAnObject(String),
}

/// The tag and record copied into the app heap for one call. An address of 0 means the
/// copy did not fit.
#[derive(Debug, Clone, Copy)]
pub struct Copies {
    pub tag: u32,
    pub tag_len: u32,
    pub record: u32,
    pub record_len: u32,
}

/// One loaded filter.
pub struct FluentBitHost {
    store: Store<()>,
    instance: Instance,
    memory: Memory,
    function: FilterFunc,
    heap: AppHeap,
    log: Vec<String>,
    last_return: Option<u32>,
}

impl FluentBitHost {
    /// Instantiates `module` with an app heap of `heap_size` bytes and looks up
    /// `function_name`, as the `wasm_heap_size` and `function_name` keys configure.
    pub fn load(module: &Module, function_name: &str, heap_size: u32) -> Result<FluentBitHost> {
        let mut log = Vec::new();
        check_module(module, &mut log)?;

        let mut store = Store::new(module.engine(), ());
        let mut linker = Linker::new(module.engine());
        // NOTE: WAMR links a real WASI; the stubs here return 0 (success) and write nothing,
        // which is enough for a filter that never reads files, clocks or the environment.
        linker.define_unknown_imports_as_default_values(&mut store, module)?;
        let instance = linker.instantiate(&mut store, module)?;

        if let Some(initialize) = instance.get_func(&mut store, "_initialize") {
            initialize.typed::<(), ()>(&store)?.call(&mut store, ())?;
        }

        let memory = match instance.get_export(&mut store, "memory") {
            Some(Extern::Memory(memory)) => memory,
            _ => bail!("the module exports no linear memory named `memory`"),
        };
        let heap = add_app_heap(&mut store, memory, heap_size.max(DEFAULT_HEAP_SIZE))?;

        let function = instance
            .get_typed_func(&mut store, function_name)
            .map_err(anyhow::Error::from)
            .with_context(|| format!("The {function_name} wasm function is not found."))?;

        Ok(FluentBitHost {
            store,
            instance,
            memory,
            function,
            heap,
            log,
            last_return: None,
        })
    }

    /// Copies the inputs, calls the function and reads its result: one record through the
    /// filter.
    pub fn filter(&mut self, tag: &str, time: (u32, u32), record: &str) -> FilterResult {
        let copies = self.copy_inputs(tag, record);
        self.call(copies, time)
    }

    /// Copies `tag` and `record` into the app heap, each with a trailing NUL.
    pub fn copy_inputs(&mut self, tag: &str, record: &str) -> Copies {
        Copies {
            tag: self.duplicate(tag.as_bytes()),
            tag_len: length_u32(tag.len()),
            record: self.duplicate(record.as_bytes()),
            record_len: length_u32(record.len()),
        }
    }

    /// Calls the function on inputs that `copy_inputs` copied, then frees them.
    pub fn call(&mut self, copies: Copies, (seconds, nanoseconds): (u32, u32)) -> FilterResult {
        let arguments = (
            copies.tag,
            copies.tag_len,
            seconds,
            nanoseconds,
            copies.record,
            copies.record_len,
        );
        let returned = self.function.call(&mut self.store, arguments);

        let result = match returned {
            Err(trap) => {
                self.log
                    .push(format!("Got exception running wasm code: {trap:#}"));
                FilterResult::Dropped(DropCause::Trap(format!("{trap:#}")))
            }
            Ok(address) => {
                self.last_return = Some(address);
                self.interpret(address)
            }
        };

        for address in [copies.tag, copies.record] {
            if address != 0 {
                self.heap.free(address);
            }
        }
        result
    }

    /// Reads the NUL-terminated string at guest `address`, as WAMR validates it: `None` when
    /// no NUL follows inside linear memory.
    pub fn read_c_string(&self, address: u32) -> Option<Vec<u8>> {
        let data = self.memory.data(&self.store);
        let tail = data.get(address as usize..)?;
        let length = tail.iter().position(|&byte| byte == 0)?;
        Some(tail[..length].to_vec())
    }

    /// Calls an export of type `() -> i32` that returns a NUL-terminated string, such as
    /// the filter's statistics, and returns the string.
    pub fn call_string_export(&mut self, name: &str) -> Result<String> {
        let export: TypedFunc<(), u32> = self.instance.get_typed_func(&mut self.store, name)?;
        let address = export.call(&mut self.store, ())?;
        let bytes = self
            .read_c_string(address)
            .with_context(|| format!("{name} returned {address:#x}, which holds no C string"))?;
        Ok(String::from_utf8(bytes)?)
    }

    /// The address the last completed call returned.
    pub fn last_return(&self) -> Option<u32> {
        self.last_return
    }

    /// Size of the guest's linear memory, app heap included, in bytes.
    pub fn memory_size(&self) -> usize {
        self.memory.data_size(&self.store)
    }

    /// Copies still allocated in the app heap.
    pub fn heap_blocks_in_use(&self) -> usize {
        self.heap.blocks_in_use()
    }

    /// Warnings and errors the host logged, in order.
    pub fn log(&self) -> &[String] {
        &self.log
    }

    /// Copies `bytes` and a NUL into the app heap, as `wasm_runtime_module_dup_data` does
    /// with Fluent Bit's `len + 1`. Returns 0 when the heap has no room.
    fn duplicate(&mut self, bytes: &[u8]) -> u32 {
        let size = length_u32(bytes.len() + 1);
        let Some(address) = self.heap.allocate(size) else {
            self.log
                .push(format!("warning: allocate {size} bytes memory failed"));
            return 0;
        };

        let data = self.memory.data_mut(&mut self.store);
        let start = address as usize;
        data[start..start + bytes.len()].copy_from_slice(bytes);
        data[start + bytes.len()] = 0;
        address
    }

    /// Applies Fluent Bit's checks to the returned address and string.
    fn interpret(&mut self, address: u32) -> FilterResult {
        let Some(bytes) = self.read_c_string(address) else {
            self.log.push("[wasm] returned value is invalid".to_owned());
            return FilterResult::Dropped(DropCause::InvalidReturn);
        };
        if bytes.is_empty() {
            return FilterResult::Dropped(DropCause::EmptyString);
        }

        let text = String::from_utf8_lossy(&bytes).into_owned();
        match serde_json::from_str::<serde_json::Value>(&text) {
            Ok(value) if value.is_object() => FilterResult::Replaced(text),
            _ => {
                self.log.push(format!("invalid JSON format. buf: {text}"));
                FilterResult::Dropped(DropCause::NotAnObject(text))
            }
        }
    }
}

/// Compiles a module for the host, with wasmtime's default configuration.
pub fn compile(engine: &Engine, bytes: &[u8]) -> Result<Module> {
    Module::new(engine, bytes)
        .map_err(anyhow::Error::from)
        .context("compiling the filter module failed")
}

/// Applies WAMR's load-time checks that matter to a filter.
fn check_module(module: &Module, log: &mut Vec<String>) -> Result<()> {
    let imports_wasi = module
        .imports()
        .any(|import| WASI_MODULES.contains(&import.module()));
    let exports = |name: &str| module.exports().any(|export| export.name() == name);

    if imports_wasi && !exports("_start") && !exports("_initialize") {
        log.push(NOT_COMMAND_OR_REACTOR.to_owned());
    }
    // WAMR copies inputs through a module's own `malloc` and `free` when it exports both,
    // and adds no app heap; this host models only the app heap.
    if exports("malloc") && exports("free") {
        bail!("the module exports malloc and free, which this host does not model");
    }
    Ok(())
}

/// Grows linear memory by enough pages for `size` bytes and returns a heap over them.
///
/// NOTE: WAMR places the app heap at `__heap_base` when the module exports it and at the end
/// of the initial memory otherwise. A Rust module's allocator takes memory only through
/// `memory.grow`, so neither place overlaps it, and the end is used here.
fn add_app_heap(store: &mut Store<()>, memory: Memory, size: u32) -> Result<AppHeap> {
    let pages = u64::from(size).div_ceil(WASM_PAGE_SIZE);
    let previous_pages = memory
        .grow(&mut *store, pages)
        .map_err(anyhow::Error::from)
        .context("adding the app heap failed")?;
    let base =
        u32::try_from(previous_pages * WASM_PAGE_SIZE).context("the app heap lies beyond 4 GiB")?;
    Ok(AppHeap::new(base, size))
}

/// Fluent Bit passes lengths as `uint32_t`; the fixtures are far below 4 GiB.
fn length_u32(length: usize) -> u32 {
    u32::try_from(length).expect("a record shorter than 4 GiB")
}
