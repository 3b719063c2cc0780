//! The byte-level reads of the screen: whitespace between tokens, strings, and the runs of
//! bytes that make up literals and numbers.
//!
//! Most bytes of a CloudTrail record are inside strings, so the string scan is the hot
//! path. It tests 16 bytes at a time with SIMD for the three bytes that end a plain stretch
//! of a string: the quote, the backslash, and a control byte, which JSON forbids there.
//! x86-64 always has SSE2, and a WebAssembly build gets `simd128` when it is compiled with
//! that target feature. Every other target tests one byte at a time.

/// Bytes the string scan tests at once.
const LANES: usize = 16;

/// Scans the string whose opening quote is at `open`. Returns the offset of its closing
/// quote, and whether its text contains a backslash escape.
///
/// Returns `None` where the strict parser rejects the string: a control byte, an unknown
/// escape, a `\u` without four hex digits, or no closing quote. Also returns `None` for a
/// `\u` escape of a surrogate, whose pairing rules the screen leaves to the parser.
#[inline(always)]
pub(super) fn string_end(bytes: &[u8], open: usize) -> Option<(usize, bool)> {
    let at = find_special(bytes, open + 1)?;
    if bytes[at] == b'"' {
        return Some((at, false));
    }
    escaped_string_end(bytes, at)
}

/// Goes on with [`string_end`] from `at`, a backslash or a control byte. Most strings have
/// neither, so this stays out of line.
#[inline(never)]
fn escaped_string_end(bytes: &[u8], mut at: usize) -> Option<(usize, bool)> {
    loop {
        match bytes[at] {
            b'"' => return Some((at, true)),
            b'\\' => at = find_special(bytes, escape_end(bytes, at)?)?,
            _ => return None,
        }
    }
}

/// Checks the escape whose backslash is at `at`, as serde_json reads it, and returns the
/// offset after it. A `\u` of a surrogate is left to the parser, which applies the
/// pairing rules.
fn escape_end(bytes: &[u8], at: usize) -> Option<usize> {
    match bytes.get(at + 1)? {
        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => Some(at + 2),
        b'u' => {
            let digits = bytes.get(at + 2..at + 6)?;
            if !digits.iter().all(u8::is_ascii_hexdigit) {
                return None;
            }
            let code = digits
                .iter()
                .fold(0u16, |code, &digit| (code << 4) | hex_value(digit));
            (!(0xd800..=0xdfff).contains(&code)).then_some(at + 6)
        }
        _ => None,
    }
}

/// Returns the value of an ASCII hex digit.
fn hex_value(digit: u8) -> u16 {
    match digit {
        b'0'..=b'9' => u16::from(digit - b'0'),
        _ => u16::from((digit | 0x20) - b'a' + 10),
    }
}

/// Returns the offset of the first byte at or after `at` that is a quote, a backslash or
/// a control byte, or `None` when no such byte follows.
#[inline(always)]
fn find_special(bytes: &[u8], mut at: usize) -> Option<usize> {
    // The first 16 bytes are tested before the loop: most strings are shorter, and in the
    // component each turn of a loop costs a time-limit check.
    if at + LANES <= bytes.len() {
        let mask = special_mask(lanes_at(bytes, at));
        if mask != 0 {
            return Some(at + mask.trailing_zeros() as usize);
        }
        at += LANES;
        while at + LANES <= bytes.len() {
            let mask = special_mask(lanes_at(bytes, at));
            if mask != 0 {
                return Some(at + mask.trailing_zeros() as usize);
            }
            at += LANES;
        }
    }
    if bytes.len() < LANES {
        return find_special_bytewise(bytes, at);
    }
    // Fewer than 16 bytes remain after `at`: test the text's last 16, and drop the bits of
    // those before `at`. A loop over the rest would cost a time-limit check per byte in
    // the component.
    let last = bytes.len() - LANES;
    let mask = special_mask(lanes_at(bytes, last)) >> (at - last);
    (mask != 0).then(|| at + mask.trailing_zeros() as usize)
}

/// [`find_special`] one byte at a time, for texts shorter than 16 bytes.
#[cold]
#[inline(never)]
fn find_special_bytewise(bytes: &[u8], at: usize) -> Option<usize> {
    let rest = bytes.get(at..)?;
    rest.iter()
        .position(|&byte| is_special(byte))
        .map(|offset| at + offset)
}

/// Tells whether `byte` ends a plain stretch of a string.
fn is_special(byte: u8) -> bool {
    byte == b'"' || byte == b'\\' || byte < 0x20
}

/// Returns the 16 bytes of `bytes` from `at`, which the caller has checked exist.
#[inline(always)]
fn lanes_at(bytes: &[u8], at: usize) -> &[u8; LANES] {
    bytes[at..at + LANES]
        .try_into()
        .expect("the range is 16 bytes long")
}

#[cfg(target_arch = "x86_64")]
use sse2::special_mask;

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
use simd128::special_mask;

#[cfg(not(any(
    target_arch = "x86_64",
    all(target_arch = "wasm32", target_feature = "simd128")
)))]
use portable::special_mask;

#[cfg(target_arch = "x86_64")]
mod sse2 {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_min_epu8, _mm_movemask_epi8, _mm_or_si128,
        _mm_set1_epi8,
    };

    use super::LANES;

    /// Returns a bit per byte of `lanes` that is a quote, a backslash or a control byte,
    /// byte 0 in bit 0.
    // The intrinsics are marked as needing SSE2, which every x86-64 processor has and the
    // build enables. Called in an `unsafe` block they inline into this function, which a
    // `#[target_feature]` function would prevent.
    #[inline(always)]
    pub(super) fn special_mask(lanes: &[u8; LANES]) -> u32 {
        // SAFETY: SSE2 is part of x86-64, and the load reads the 16 bytes of `lanes`, with no
        // alignment needed.
        unsafe {
            let bytes = _mm_loadu_si128(lanes.as_ptr().cast::<__m128i>());
            let quote = _mm_cmpeq_epi8(bytes, _mm_set1_epi8(b'"' as i8));
            let backslash = _mm_cmpeq_epi8(bytes, _mm_set1_epi8(b'\\' as i8));
            // A byte is at most 0x1f exactly when the unsigned minimum leaves it unchanged.
            let control = _mm_cmpeq_epi8(_mm_min_epu8(bytes, _mm_set1_epi8(0x1f)), bytes);
            let special = _mm_or_si128(_mm_or_si128(quote, backslash), control);
            _mm_movemask_epi8(special) as u32
        }
    }
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod simd128 {
    use std::arch::wasm32::{
        u8x16_bitmask, u8x16_eq, u8x16_lt, u8x16_splat, v128, v128_load, v128_or, v128_xor,
    };

    use super::LANES;

    /// Returns a bit per byte of `lanes` that is a quote, a backslash or a control byte,
    /// byte 0 in bit 0.
    // The build enables `simd128` (this module exists only then), so the intrinsics inline
    // here, which a `#[target_feature]` function would prevent.
    #[inline(always)]
    pub(super) fn special_mask(lanes: &[u8; LANES]) -> u32 {
        // SAFETY: the build enables `simd128`, and the load reads the 16 bytes of `lanes`,
        // with no alignment needed.
        let bytes = unsafe { v128_load(lanes.as_ptr().cast::<v128>()) };
        // Flipping bit 1 turns the quote into 0x20 and the control bytes into each other,
        // so one comparison finds both.
        let flipped = v128_xor(bytes, u8x16_splat(0x02));
        let quote_or_control = u8x16_lt(flipped, u8x16_splat(0x21));
        let backslash = u8x16_eq(bytes, u8x16_splat(b'\\'));
        u32::from(u8x16_bitmask(v128_or(quote_or_control, backslash)))
    }
}

/// The mask without SIMD, one byte at a time.
#[cfg_attr(
    any(
        target_arch = "x86_64",
        all(target_arch = "wasm32", target_feature = "simd128")
    ),
    allow(dead_code)
)]
mod portable {
    use super::{LANES, is_special};

    pub(super) fn special_mask(lanes: &[u8; LANES]) -> u32 {
        lanes.iter().enumerate().fold(0, |mask, (index, &byte)| {
            mask | (u32::from(is_special(byte)) << index)
        })
    }
}

/// Returns the offset of the first byte at or after `at` that is not JSON whitespace, or
/// the text's length. Records rarely have whitespace between tokens, so the loop stays out
/// of line.
#[cold]
#[inline(never)]
pub(super) fn skip_whitespace(bytes: &[u8], mut at: usize) -> usize {
    while at < bytes.len() && is_whitespace(bytes[at]) {
        at += 1;
    }
    at
}

/// Tells whether `byte` is one of JSON's four whitespace bytes.
#[inline]
fn is_whitespace(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | b'\r')
}

/// Returns the end of the run of bytes from `at` that can belong to a literal or a number:
/// the first whitespace, structural byte or quote after it, or the text's length. Any
/// other byte joins the run, so that the run's own check rejects it.
#[inline]
pub(super) fn run_end(bytes: &[u8], mut at: usize) -> usize {
    while at < bytes.len() && !ENDS_RUN[usize::from(bytes[at])] {
        at += 1;
    }
    at
}

/// The bytes that end a run: whitespace, the six structural bytes and the quote.
const ENDS_RUN: [bool; 256] = {
    let mut table = [false; 256];
    let ends = *b" \t\n\r{}[]:,\"";
    let mut index = 0;
    while index < ends.len() {
        table[ends[index] as usize] = true;
        index += 1;
    }
    table
};

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::{LANES, find_special, is_special, portable, run_end, special_mask, string_end};

    /// Finds the first special byte one byte at a time: the definition of `find_special`.
    fn reference(bytes: &[u8], at: usize) -> Option<usize> {
        (at..bytes.len()).find(|&index| is_special(bytes[index]))
    }

    #[test]
    fn every_byte_value_is_masked_as_defined() {
        for start in (0..=255u8).step_by(LANES) {
            let lanes: [u8; LANES] = std::array::from_fn(|index| start + index as u8);
            let expected = (0..LANES)
                .filter(|&index| is_special(lanes[index]))
                .fold(0, |mask, index| mask | 1 << index);
            assert_eq!(special_mask(&lanes), expected, "bytes from {start}");
            assert_eq!(
                portable::special_mask(&lanes),
                expected,
                "bytes from {start}"
            );
        }
    }

    proptest! {
        /// Every start in texts of every length, with special bytes at every distance,
        /// including the last 16 bytes, which the scan reads as one overlapping load.
        #[test]
        fn finds_the_first_special_byte(bytes in proptest::collection::vec(
            prop_oneof![
                8 => Just(b'a'), 1 => Just(b'"'), 1 => Just(b'\\'), 1 => Just(b'\n'),
                1 => any::<u8>(),
            ],
            0..80,
        )) {
            for at in 0..=bytes.len() {
                prop_assert_eq!(find_special(&bytes, at), reference(&bytes, at), "from {}", at);
            }
        }
    }

    #[test]
    fn strings_end_at_their_closing_quote() {
        let cases = [
            (r#""""#, (1, false)),
            (r#""plain" tail"#, (6, false)),
            (r#""a\"b""#, (5, true)),
            (r#""a\\""#, (4, true)),
            (r#""\u00e9\/\b\f\n\r\t""#, (19, true)),
        ];
        for (text, expected) in cases {
            assert_eq!(string_end(text.as_bytes(), 0), Some(expected), "{text}");
        }
        for padding in 0..40 {
            let text = format!(r#""{}\"x" "#, "k".repeat(padding));
            assert_eq!(
                string_end(text.as_bytes(), 0),
                Some((padding + 4, true)),
                "{text}"
            );
        }
    }

    #[test]
    fn rejects_what_is_invalid_inside_strings() {
        let cases = [
            "\"a\tb\"",
            r#""a\x""#,
            r#""\u12""#,
            r#""\u12G4""#,
            r#""\ud83d\ude00""#,
            r#""unclosed"#,
            r#""ends with a backslash\"#,
            r#""ends with an escaped quote\""#,
        ];
        for text in cases {
            assert_eq!(string_end(text.as_bytes(), 0), None, "{text}");
        }
    }

    #[test]
    fn runs_end_at_separators() {
        for (text, end) in [
            ("true,", 4),
            ("-1.5}", 4),
            ("null", 4),
            ("tru e", 3),
            ("1\"", 1),
        ] {
            assert_eq!(run_end(text.as_bytes(), 0), end, "{text}");
        }
    }
}
