//! The host-managed "app heap" that WAMR adds to a module's linear memory, and into which
//! Fluent Bit copies each tag and record before a call.

/// Bookkeeping bytes before each block, and the alignment of block sizes and addresses.
///
/// NOTE: WAMR's own allocator (EMS) keeps a heap header and per-block headers of its own,
/// so the largest block that fits in a heap of N bytes is a little different there. The
/// tests stay far from that edge (8 KiB heaps against 200 KB records).
const BLOCK_HEADER: u32 = 8;
const ALIGN: u32 = 8;

/// A first-fit allocator over `[base, base + size)` in the guest's address space.
#[derive(Debug)]
pub struct AppHeap {
    base: u32,
    size: u32,
    /// Allocated blocks as (start, length), sorted by start; a block's address follows its
    /// header.
    blocks: Vec<(u32, u32)>,
}

impl AppHeap {
    /// Manages `size` bytes from guest address `base`.
    pub fn new(base: u32, size: u32) -> AppHeap {
        AppHeap {
            base,
            size,
            blocks: Vec::new(),
        }
    }

    /// Allocates `size` bytes and returns their guest address, or `None` when no gap is
    /// large enough.
    pub fn allocate(&mut self, size: u32) -> Option<u32> {
        let length = size.checked_add(ALIGN - 1)? / ALIGN * ALIGN + BLOCK_HEADER;

        let mut gap_start = self.base;
        let mut position = 0;
        for &(start, block_length) in &self.blocks {
            if start - gap_start >= length {
                break;
            }
            gap_start = start + block_length;
            position += 1;
        }

        let end = u64::from(self.base) + u64::from(self.size);
        if u64::from(gap_start) + u64::from(length) > end {
            return None;
        }
        self.blocks.insert(position, (gap_start, length));
        Some(gap_start + BLOCK_HEADER)
    }

    /// Frees the block at `address`, which `allocate` returned.
    ///
    /// # Panics
    ///
    /// When `address` is not an allocated block: a double free is a bug in the harness.
    pub fn free(&mut self, address: u32) {
        let start = address - BLOCK_HEADER;
        let position = self
            .blocks
            .iter()
            .position(|&(block_start, _)| block_start == start)
            .unwrap_or_else(|| panic!("free of {address:#x}, which is not an allocated block"));
        self.blocks.remove(position);
    }

    /// Number of blocks allocated and not freed.
    pub fn blocks_in_use(&self) -> usize {
        self.blocks.len()
    }
}

#[cfg(test)]
mod tests {
    use super::AppHeap;

    #[test]
    fn allocations_do_not_overlap() {
        let mut heap = AppHeap::new(1024, 256);
        let first = heap.allocate(10).unwrap();
        let second = heap.allocate(10).unwrap();
        assert!(second >= first + 10, "{first:#x} and {second:#x} overlap");
    }

    #[test]
    fn allocation_larger_than_heap_fails() {
        let mut heap = AppHeap::new(0, 8192);
        assert_eq!(heap.allocate(8192), None);
    }

    #[test]
    fn freed_space_is_reused() {
        let mut heap = AppHeap::new(0, 64);
        let first = heap.allocate(40).unwrap();
        assert_eq!(heap.allocate(40), None);
        heap.free(first);
        assert_eq!(heap.allocate(40), Some(first));
        assert_eq!(heap.blocks_in_use(), 1);
    }

    #[test]
    fn gap_between_blocks_is_used() {
        let mut heap = AppHeap::new(0, 96);
        let first = heap.allocate(16).unwrap();
        let second = heap.allocate(16).unwrap();
        let _third = heap.allocate(16).unwrap();
        heap.free(second);
        assert_eq!(heap.allocate(8), Some(second));
        assert!(second > first);
    }

    #[test]
    #[should_panic(expected = "not an allocated block")]
    fn double_free_panics() {
        let mut heap = AppHeap::new(0, 64);
        let block = heap.allocate(8).unwrap();
        heap.free(block);
        heap.free(block);
    }
}
