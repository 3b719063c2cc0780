//! Byte classes of a 64-byte block, one bit per byte, found with SIMD where the target has it.
//!
//! Bit `i` of each mask describes byte `i` of the block. x86-64 always has SSE2, and a
//! WebAssembly build gets `simd128` when it is compiled with that target feature. Every other
//! target takes the portable version, which tests eight bytes at a time in a `u64`.

/// Bytes per block.
pub(super) const BLOCK: usize = 64;

/// The classes of the bytes of one block.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct BlockMasks {
    /// `"`
    pub quote: u64,
    /// `\`
    pub backslash: u64,
    /// Bytes below 0x20, which JSON forbids inside strings.
    pub control: u64,
    /// JSON's four whitespace bytes: space, tab, line feed and carriage return.
    pub whitespace: u64,
    /// The six structural bytes `{ } [ ] : ,`.
    pub operator: u64,
}

#[cfg(target_arch = "x86_64")]
pub(super) use sse2::classify;

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
pub(super) use simd128::classify;

#[cfg(not(any(
    target_arch = "x86_64",
    all(target_arch = "wasm32", target_feature = "simd128")
)))]
pub(super) use portable::classify;

/// Backslashes and control bytes are rare in CloudTrail records, so the mask of either is
/// built only for a block that has one. A test over the whole block costs one bitmask
/// extraction, where building a mask costs four and their joining.
///
/// A block without control bytes also has no whitespace but the space, which spares the
/// tests for tab, line feed and carriage return. Blocks with control bytes, such as the line
/// breaks of a pretty-printed document, take a slower path that tests every class.
#[cfg(target_arch = "x86_64")]
mod sse2 {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_min_epu8, _mm_movemask_epi8, _mm_or_si128,
        _mm_set1_epi8, _mm_subs_epu8,
    };

    use super::{BLOCK, BlockMasks};

    // The intrinsics are marked as needing SSE2, which every x86-64 processor has and the
    // build enables. Called in an `unsafe` block they inline into this function, which a
    // `#[target_feature]` function would prevent.
    #[inline(always)]
    pub(in super::super) fn classify(block: &[u8; BLOCK]) -> BlockMasks {
        // SAFETY: SSE2 is part of x86-64, and each load reads 16 bytes inside `block`,
        // with no alignment needed.
        let lanes: [__m128i; 4] = std::array::from_fn(|index| unsafe {
            _mm_loadu_si128(block.as_ptr().add(16 * index).cast::<__m128i>())
        });
        // Subtracting a byte from 0x20 with unsigned saturation leaves a non-zero result
        // exactly for the bytes below 0x20.
        // SAFETY: SSE2 is part of x86-64.
        let below_space = lanes.map(|bytes| unsafe { _mm_subs_epu8(splat(0x20), bytes) });
        if any(below_space) {
            return classify_with_control(lanes);
        }
        let whitespace = join(lanes.map(|bytes| equal(bytes, b' ')));
        BlockMasks {
            quote: join(lanes.map(|bytes| equal(bytes, b'"'))),
            backslash: join_if_any(lanes.map(|bytes| equal(bytes, b'\\'))),
            control: 0,
            whitespace,
            operator: join(lanes.map(operators)),
        }
    }

    /// Classifies a block that has a byte below 0x20, testing every class. Inlined, so
    /// that the lanes stay in registers, as in the WebAssembly version.
    #[inline(always)]
    fn classify_with_control(lanes: [__m128i; 4]) -> BlockMasks {
        let whitespace = lanes.map(|bytes| {
            // SAFETY: SSE2 is part of x86-64.
            unsafe {
                _mm_or_si128(
                    _mm_or_si128(equal(bytes, b' '), equal(bytes, b'\t')),
                    _mm_or_si128(equal(bytes, b'\n'), equal(bytes, b'\r')),
                )
            }
        });
        // A byte is at most 0x1f exactly when the unsigned minimum leaves it unchanged.
        // SAFETY: SSE2 is part of x86-64.
        let control =
            lanes.map(|bytes| unsafe { _mm_cmpeq_epi8(_mm_min_epu8(bytes, splat(0x1f)), bytes) });
        BlockMasks {
            quote: join(lanes.map(|bytes| equal(bytes, b'"'))),
            backslash: join_if_any(lanes.map(|bytes| equal(bytes, b'\\'))),
            control: join(control),
            whitespace: join(whitespace),
            operator: join(lanes.map(operators)),
        }
    }

    /// Marks the six structural bytes `{ } [ ] : ,`.
    #[inline(always)]
    fn operators(bytes: __m128i) -> __m128i {
        // SAFETY: SSE2 is part of x86-64.
        unsafe {
            // Setting bit 5 turns `[` into `{` and `]` into `}`, and no other byte into
            // either.
            let folded = _mm_or_si128(bytes, splat(0x20));
            _mm_or_si128(
                _mm_or_si128(equal(folded, b'{'), equal(folded, b'}')),
                _mm_or_si128(equal(bytes, b':'), equal(bytes, b',')),
            )
        }
    }

    #[inline(always)]
    fn splat(byte: u8) -> __m128i {
        // SAFETY: SSE2 is part of x86-64.
        unsafe { _mm_set1_epi8(byte as i8) }
    }

    #[inline(always)]
    fn equal(bytes: __m128i, byte: u8) -> __m128i {
        // SAFETY: SSE2 is part of x86-64.
        unsafe { _mm_cmpeq_epi8(bytes, splat(byte)) }
    }

    /// Tells whether any byte of the four lanes is non-zero.
    #[inline]
    fn any(lanes: [__m128i; 4]) -> bool {
        let [a, b, c, d] = lanes;
        // SAFETY: SSE2 is part of x86-64.
        unsafe {
            let zero = _mm_set1_epi8(0);
            let all = _mm_or_si128(_mm_or_si128(a, b), _mm_or_si128(c, d));
            _mm_movemask_epi8(_mm_cmpeq_epi8(all, zero)) != 0xffff
        }
    }

    /// Puts the top bits of the four lanes' bytes together, lane 0 in the low bits.
    #[inline]
    fn join(lanes: [__m128i; 4]) -> u64 {
        // SAFETY: SSE2 is part of x86-64.
        let masks = lanes.map(|lane| unsafe { _mm_movemask_epi8(lane) } as u16);
        super::join_lane_masks(masks)
    }

    /// [`join`], or zero at the cost of one extraction when no byte is set.
    #[inline]
    fn join_if_any(lanes: [__m128i; 4]) -> u64 {
        // SAFETY: SSE2 is part of x86-64.
        let any = unsafe {
            let [a, b, c, d] = lanes;
            _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(a, b), _mm_or_si128(c, d)))
        };
        if any == 0 { 0 } else { join(lanes) }
    }
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod simd128 {
    use std::arch::wasm32::{
        u8x16, u8x16_bitmask, u8x16_eq, u8x16_le, u8x16_splat, u8x16_sub_sat, u8x16_swizzle, v128,
        v128_and, v128_any_true, v128_load, v128_or,
    };

    use super::{BLOCK, BlockMasks};

    /// Separator bytes (the space and the structural bytes) with bit 5 set, indexed by their
    /// low four bits. The other entries are zero, which no byte with bit 5 set equals.
    ///
    /// Setting bit 5 turns `[` and `]` into `{` and `}`, which share their low bits. The only
    /// other bytes it turns into an entry are below 0x20, so a block with one of them takes
    /// [`classify_with_control`] instead.
    const SEPARATORS: v128 = u8x16(
        b' ', 0, 0, 0, 0, 0, 0, 0, 0, 0, b':', b'{', b',', b'}', 0, 0,
    );

    // The build enables `simd128` (this module exists only then), so the intrinsics inline
    // here, which a `#[target_feature]` function would prevent.
    #[inline(always)]
    pub(in super::super) fn classify(block: &[u8; BLOCK]) -> BlockMasks {
        // SAFETY: the build enables `simd128`, and each load reads 16 bytes inside
        // `block`, with no alignment needed.
        let lanes: [v128; 4] = std::array::from_fn(|index| unsafe {
            v128_load(block.as_ptr().add(16 * index).cast::<v128>())
        });
        // Subtracting a byte from 0x20 with unsigned saturation leaves a non-zero result
        // exactly for the bytes below 0x20.
        let below_space = lanes.map(|bytes| u8x16_sub_sat(u8x16_splat(0x20), bytes));
        if any(below_space) {
            return classify_with_control(lanes);
        }
        // One table lookup finds the separators: the space and the structural bytes.
        let separators = lanes.map(|bytes| {
            let low_bits = v128_and(bytes, u8x16_splat(0x0f));
            u8x16_eq(
                u8x16_swizzle(SEPARATORS, low_bits),
                v128_or(bytes, u8x16_splat(0x20)),
            )
        });
        let whitespace = join(lanes.map(|bytes| equal(bytes, b' ')));
        BlockMasks {
            quote: join(lanes.map(|bytes| equal(bytes, b'"'))),
            backslash: join_if_any(lanes.map(|bytes| equal(bytes, b'\\'))),
            control: 0,
            whitespace,
            operator: join(separators) & !whitespace,
        }
    }

    /// Classifies a block that has a byte below 0x20, testing every class. Inlined, so
    /// that the lanes stay in registers: as a call, the component copied the block to its
    /// stack and returned the masks through memory for every block.
    #[inline(always)]
    fn classify_with_control(lanes: [v128; 4]) -> BlockMasks {
        let whitespace = lanes.map(|bytes| {
            v128_or(
                v128_or(equal(bytes, b' '), equal(bytes, b'\t')),
                v128_or(equal(bytes, b'\n'), equal(bytes, b'\r')),
            )
        });
        let operator = lanes.map(|bytes| {
            // Setting bit 5 turns `[` into `{` and `]` into `}`, and no other byte into
            // either.
            let folded = v128_or(bytes, u8x16_splat(0x20));
            v128_or(
                v128_or(equal(folded, b'{'), equal(folded, b'}')),
                v128_or(equal(bytes, b':'), equal(bytes, b',')),
            )
        });
        BlockMasks {
            quote: join(lanes.map(|bytes| equal(bytes, b'"'))),
            backslash: join_if_any(lanes.map(|bytes| equal(bytes, b'\\'))),
            control: join(lanes.map(|bytes| u8x16_le(bytes, u8x16_splat(0x1f)))),
            whitespace: join(whitespace),
            operator: join(operator),
        }
    }

    #[inline(always)]
    fn equal(bytes: v128, byte: u8) -> v128 {
        u8x16_eq(bytes, u8x16_splat(byte))
    }

    /// Tells whether any byte of the four lanes is non-zero.
    #[inline]
    fn any(lanes: [v128; 4]) -> bool {
        let [a, b, c, d] = lanes;
        v128_any_true(v128_or(v128_or(a, b), v128_or(c, d)))
    }

    /// Puts the top bits of the four lanes' bytes together, lane 0 in the low bits.
    #[inline]
    fn join(lanes: [v128; 4]) -> u64 {
        super::join_lane_masks(lanes.map(|lane| u8x16_bitmask(lane)))
    }

    /// [`join`], or zero at the cost of one test when no byte is set.
    #[inline]
    fn join_if_any(lanes: [v128; 4]) -> u64 {
        if any(lanes) { join(lanes) } else { 0 }
    }
}

/// Puts four 16-bit lane masks together into a block mask, lane 0 in the low bits.
#[cfg(any(
    target_arch = "x86_64",
    all(target_arch = "wasm32", target_feature = "simd128")
))]
#[inline]
fn join_lane_masks(masks: [u16; 4]) -> u64 {
    let [a, b, c, d] = masks.map(u64::from);
    a | (b << 16) | (c << 32) | (d << 48)
}

/// The same classes without SIMD: eight bytes at a time in a `u64`.
#[cfg_attr(
    any(
        target_arch = "x86_64",
        all(target_arch = "wasm32", target_feature = "simd128")
    ),
    allow(dead_code)
)]
pub(super) mod portable {
    use super::{BLOCK, BlockMasks};

    const ONES: u64 = 0x0101_0101_0101_0101;
    const LOW_SEVEN: u64 = 0x7f7f_7f7f_7f7f_7f7f;

    pub(in super::super) fn classify(block: &[u8; BLOCK]) -> BlockMasks {
        let mut masks = BlockMasks::default();
        for (index, word) in block.chunks_exact(8).enumerate() {
            let word = u64::from_le_bytes(word.try_into().expect("words have eight bytes"));
            let shift = index * 8;
            let equal = |byte: u8| u64::from(zero_bytes(word ^ (ONES * u64::from(byte))));
            // A byte is below 0x20 exactly when its top three bits are clear.
            let control = u64::from(zero_bytes(word & (ONES * 0xe0)));
            let folded = word | (ONES * 0x20);
            let folded_equal = |byte: u8| u64::from(zero_bytes(folded ^ (ONES * u64::from(byte))));

            masks.quote |= equal(b'"') << shift;
            masks.backslash |= equal(b'\\') << shift;
            masks.control |= control << shift;
            masks.whitespace |= (equal(b' ') | equal(b'\t') | equal(b'\n') | equal(b'\r')) << shift;
            masks.operator |=
                (folded_equal(b'{') | folded_equal(b'}') | equal(b':') | equal(b',')) << shift;
        }
        masks
    }

    /// Returns a bit per byte of `word` that is zero, byte 0 in bit 0.
    fn zero_bytes(word: u64) -> u8 {
        // Adding 0x7f to the low seven bits carries into the top bit unless they are all
        // clear. Or-ing the word back in catches a byte whose only set bit is the top one.
        let nonzero = ((word & LOW_SEVEN) + LOW_SEVEN) | word;
        let zero_tops = !nonzero & !LOW_SEVEN;
        // Gathers the eight top bits into the top byte: byte i's bit lands on bit 56 + i,
        // and no two partial products share a bit, so nothing carries.
        ((zero_tops >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56) as u8
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::{BLOCK, BlockMasks, classify, portable};

    /// Classifies one byte at a time: the definition the fast versions must meet.
    fn reference(block: &[u8; BLOCK]) -> BlockMasks {
        let mut masks = BlockMasks::default();
        for (index, &byte) in block.iter().enumerate() {
            let bit = 1u64 << index;
            let set = |mask: &mut u64, yes: bool| {
                if yes {
                    *mask |= bit;
                }
            };
            set(&mut masks.quote, byte == b'"');
            set(&mut masks.backslash, byte == b'\\');
            set(&mut masks.control, byte < 0x20);
            set(
                &mut masks.whitespace,
                matches!(byte, b' ' | b'\t' | b'\n' | b'\r'),
            );
            set(
                &mut masks.operator,
                matches!(byte, b'{' | b'}' | b'[' | b']' | b':' | b','),
            );
        }
        masks
    }

    fn every_byte_block(start: u8) -> [u8; BLOCK] {
        std::array::from_fn(|index| start.wrapping_add(index as u8))
    }

    #[test]
    fn every_byte_value_is_classified_as_defined() {
        for start in (0..=255u8).step_by(BLOCK) {
            let block = every_byte_block(start);
            assert_eq!(classify(&block), reference(&block), "bytes from {start}");
            assert_eq!(
                portable::classify(&block),
                reference(&block),
                "bytes from {start}"
            );
        }
    }

    proptest! {
        #[test]
        fn fast_and_portable_meet_the_reference(bytes in proptest::collection::vec(
            prop_oneof![
                Just(b'"'), Just(b'\\'), Just(b'{'), Just(b']'), Just(b' '), Just(b'\n'),
                any::<u8>(),
            ],
            BLOCK,
        )) {
            let block: [u8; BLOCK] = bytes.try_into().unwrap();
            prop_assert_eq!(classify(&block), reference(&block));
            prop_assert_eq!(portable::classify(&block), reference(&block));
        }

        /// Blocks without control bytes, which the SIMD versions classify with fewer tests.
        #[test]
        fn control_free_blocks_meet_reference(bytes in proptest::collection::vec(
            prop_oneof![
                Just(b'"'), Just(b'\\'), Just(b'['), Just(b'}'), Just(b':'), Just(b','),
                Just(b' '), Just(b'Z'), Just(b'<'), 0x20..=u8::MAX,
            ],
            BLOCK,
        )) {
            let block: [u8; BLOCK] = bytes.try_into().unwrap();
            prop_assert_eq!(classify(&block), reference(&block));
        }
    }
}
