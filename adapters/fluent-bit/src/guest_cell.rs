//! A global for a single-threaded guest, which survives a trapped call.

use std::cell::{Cell, UnsafeCell};
use std::mem;

/// Holds the module's state between calls from the host.
///
/// A wasm32 module built without the `atomics` feature runs on one thread, and Fluent Bit
/// calls its exports one at a time, so no lock is needed. A call that traps (a panic aborts
/// to `unreachable`) never returns, and the host may call again with the same instance: the
/// next call then finds the cell still marked busy and starts over with a fresh value.
pub struct GuestCell<T> {
    value: UnsafeCell<Option<T>>,
    busy: Cell<bool>,
}

// SAFETY: the exports that use the cell are its only callers and they do not reenter. A
// wasm32 guest without atomics has a single thread.
unsafe impl<T> Sync for GuestCell<T> {}

impl<T> GuestCell<T> {
    pub const fn new() -> GuestCell<T> {
        GuestCell {
            value: UnsafeCell::new(None),
            busy: Cell::new(false),
        }
    }

    /// Runs `body` on the value, creating it with `init` on first use or after a call that
    /// trapped.
    pub fn with<R>(&self, init: fn() -> T, body: impl FnOnce(&mut T) -> R) -> R {
        // SAFETY: no other reference to the value exists: calls do not overlap (see above),
        // and a trapped call's references ended with its stack.
        let slot = unsafe { &mut *self.value.get() };

        if self.busy.replace(true) {
            // The value may be half-updated. Leak it rather than run its destructor on
            // broken invariants; this happens once per trap.
            mem::forget(slot.take());
        }

        let result = body(slot.get_or_insert_with(init));
        self.busy.set(false);
        result
    }
}
