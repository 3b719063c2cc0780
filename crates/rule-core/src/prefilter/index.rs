//! The first pass of the screen: finds where every token of a JSON text starts, a block of
//! 64 bytes at a time, and checks what can be checked byte by byte.
//!
//! A token is a structural byte outside strings (`{ } [ ] : ,`), the quote that opens a
//! string, or the first byte of a run of other bytes outside strings (a number, a literal,
//! or garbage that the grammar pass rejects). Every byte outside strings is either
//! whitespace or part of a token, so the grammar pass reads all of the text.
//!
//! Closing quotes are not tokens, which saves the grammar pass a step per string. A
//! string's closing quote is still easy to find: only whitespace can lie between it and the
//! next token, so it is the last byte before that token that is not whitespace.
//!
//! The pass also rejects what makes the text invalid inside strings: a control byte, an
//! unknown escape, a `\u` that is not four hex digits, and a string that never closes. It
//! rejects `\u` escapes of surrogates too, leaving their pairing rules to the parser.

use super::classify::{BLOCK, classify};

/// State carried from one block to the next.
#[derive(Debug, Default)]
struct Carry {
    /// All ones when the previous block ended inside a string.
    in_string: u64,
    /// The previous block ended with a backslash that escapes this block's first byte.
    escapes_first: bool,
    /// The previous block ended with a byte of a run of non-structural bytes outside
    /// strings, so a run at the start of this block continues it.
    ends_in_run: bool,
}

/// The token offsets of a text, as [`index_tokens`] found them.
#[derive(Debug, Clone, Copy)]
pub(super) struct TokenIndex {
    /// The number of tokens at the front of the buffer.
    pub count: usize,
    /// The text contains a backslash somewhere.
    pub any_backslash: bool,
}

/// Writes the offset of every token of `text` to the front of `buffer`, in order, growing
/// it as needed. Returns `None` when the text is certainly not valid JSON, or contains an escape the screen leaves to the parser.
///
/// Kept out of line, so that the loop over blocks has the component's registers to
/// itself. Inlined into the screen, it spilled its constants and carried state.
#[inline(never)]
pub(super) fn index_tokens(text: &[u8], buffer: &mut Vec<u32>) -> Option<TokenIndex> {
    u32::try_from(text.len()).ok()?;
    // No byte starts two tokens, so a slot per byte is enough. Writing into slots that
    // exist is cheaper than pushing.
    let slots = text.len() + BLOCK;
    if buffer.len() < slots {
        buffer.resize(slots, 0);
    }

    let mut carry = Carry::default();
    let mut index = TokenIndex {
        count: 0,
        any_backslash: false,
    };
    let mut blocks = text.chunks_exact(BLOCK);
    let mut offset = 0;
    for block in &mut blocks {
        let block = block.try_into().expect("chunks_exact yields whole blocks");
        index_block(text, block, offset, &mut carry, buffer, &mut index)?;
        offset += BLOCK;
    }

    let rest = blocks.remainder();
    if !rest.is_empty() {
        // Spaces are whitespace outside strings, and inside an unclosed string the check
        // below rejects the text anyway.
        let mut padded = [b' '; BLOCK];
        padded[..rest.len()].copy_from_slice(rest);
        index_block(text, &padded, offset, &mut carry, buffer, &mut index)?;
    }
    (carry.in_string == 0).then_some(index)
}

// Inlined into the loop over blocks, so that the carried state stays in registers: as a
// call per block, the component saved and reloaded it through memory.
#[inline(always)]
fn index_block(
    text: &[u8],
    block: &[u8; BLOCK],
    offset: usize,
    carry: &mut Carry,
    buffer: &mut [u32],
    index: &mut TokenIndex,
) -> Option<()> {
    let masks = classify(block);
    index.any_backslash |= masks.backslash != 0;

    let escaped = if masks.backslash == 0 && !carry.escapes_first {
        0
    } else {
        let escaped = escaped_bytes(text, masks.backslash, offset, carry.escapes_first)?;
        // A last byte that is a backslash and not escaped itself escapes the next block's
        // first byte.
        carry.escapes_first = (masks.backslash & !escaped) >> 63 != 0;
        escaped
    };

    let quotes = masks.quote & !escaped;
    // From an opening quote up to, not including, its closing quote.
    let inside = prefix_xor(quotes) ^ carry.in_string;
    carry.in_string = ((inside as i64) >> 63) as u64;
    if masks.control & inside != 0 {
        return None;
    }

    let outside = !(inside | quotes);
    let run = outside & !(masks.whitespace | masks.operator);
    let run_starts = run & !((run << 1) | u64::from(carry.ends_in_run));
    carry.ends_in_run = run >> 63 != 0;

    // An opening quote is the one quote of a string that `inside` covers.
    let starts = (masks.operator & outside) | (quotes & inside) | run_starts;
    write_offsets(starts, offset, buffer, index);
    Some(())
}

/// Appends the offset of each bit of `starts` to the tokens in `buffer`.
#[inline]
fn write_offsets(mut starts: u64, offset: usize, buffer: &mut [u32], index: &mut TokenIndex) {
    // Tokens so far are at most the bytes before this block, and the buffer has a block
    // of slots beyond the text, so these 64 slots exist.
    let slots: &mut [u32; BLOCK] = (&mut buffer[index.count..index.count + BLOCK])
        .try_into()
        .expect("the range is one block long");
    let count = starts.count_ones() as usize;
    // The caller checked that offsets fit in u32.
    let base = offset as u32;
    // Four writes per round whether or not four bits are left: the writes past `count`
    // land in spare slots, and the loop has no branch per token.
    let mut slot = 0;
    while starts != 0 {
        for _ in 0..4 {
            slots[slot & (BLOCK - 1)] = base + starts.trailing_zeros();
            starts &= starts.wrapping_sub(1);
            slot += 1;
        }
    }
    index.count += count;
}

/// Returns the bytes of the block that a backslash escapes, and checks each escape. A
/// backslash escapes the next byte unless it is escaped itself. `escapes_first` is set
/// when the previous block's last backslash escapes this block's first byte.
///
/// The carried state is passed by value: a reference to it would make the component keep
/// the carry in memory for every block, where this call is rare.
fn escaped_bytes(text: &[u8], backslashes: u64, offset: usize, escapes_first: bool) -> Option<u64> {
    let mut escaped = u64::from(escapes_first);
    let mut escapers = backslashes & !escaped;
    while escapers != 0 {
        let bit = escapers.trailing_zeros();
        escapers &= escapers - 1;
        check_escape(text, offset + bit as usize)?;
        if bit < 63 {
            let next = 1u64 << (bit + 1);
            escaped |= next;
            escapers &= !next;
        }
    }
    Some(escaped)
}

/// Checks the escape whose backslash is at `at`, as serde_json reads it. A `\u` of a
/// surrogate is left to the parser, which applies the pairing rules.
fn check_escape(text: &[u8], at: usize) -> Option<()> {
    match text.get(at + 1)? {
        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => Some(()),
        b'u' => {
            let digits = text.get(at + 2..at + 6)?;
            let digits = std::str::from_utf8(digits).ok()?;
            if !digits.bytes().all(|byte| byte.is_ascii_hexdigit()) {
                return None;
            }
            let code = u16::from_str_radix(digits, 16).ok()?;
            (!(0xd800..=0xdfff).contains(&code)).then_some(())
        }
        _ => None,
    }
}

/// Bit `i` of the result is the parity of the set bits of `bits` at `i` and below.
fn prefix_xor(mut bits: u64) -> u64 {
    for shift in [1, 2, 4, 8, 16, 32] {
        bits ^= bits << shift;
    }
    bits
}

#[cfg(test)]
mod tests {
    use super::{index_tokens, prefix_xor};

    fn tokens_of(text: &str) -> Option<Vec<u32>> {
        let mut buffer = Vec::new();
        let index = index_tokens(text.as_bytes(), &mut buffer)?;
        buffer.truncate(index.count);
        Some(buffer)
    }

    #[test]
    fn prefix_xor_marks_inside_pairs() {
        assert_eq!(prefix_xor(0b1001), 0b0111);
        assert_eq!(prefix_xor(0b1), u64::MAX);
        assert_eq!(prefix_xor(1 << 63), 1 << 63);
    }

    #[test]
    fn finds_every_token_start() {
        let cases: [(&str, &[u32]); 5] = [
            (r#"{"a":1}"#, &[0, 1, 4, 5, 6]),
            (r#" [ true , -2.5 ] "#, &[1, 3, 8, 10, 15]),
            (r#"{"a\"b":"x\\"}"#, &[0, 1, 7, 8, 13]),
            (r#"["{[:,]}"]"#, &[0, 1, 9]),
            (r#"[nul l]"#, &[0, 1, 5, 6]),
        ];
        for (text, expected) in cases {
            assert_eq!(tokens_of(text).as_deref(), Some(expected), "{text}");
        }
    }

    #[test]
    fn strings_and_escapes_cross_block_edges() {
        for padding in 55..70 {
            let text = format!(r#"{{"{}":"a\"\\\u00e9\/","b":[1]}}"#, "k".repeat(padding));
            let tokens = tokens_of(&text).unwrap_or_else(|| panic!("{text}"));
            let bytes = text.as_bytes();
            let kinds: String = tokens
                .iter()
                .map(|&at| bytes[at as usize] as char)
                .collect();
            assert_eq!(kinds, r#"{":",":[1]}"#, "{text}");
        }
    }

    #[test]
    fn rejects_what_is_invalid_inside_strings() {
        let cases = [
            "[\"a\tb\"]",
            r#"["a\x"]"#,
            r#"["\u12"]"#,
            r#"["\u12G4"]"#,
            r#"["\ud83d\ude00"]"#,
            r#"["unclosed]"#,
            r#"["ends with a backslash\"#,
        ];
        for text in cases {
            assert_eq!(tokens_of(text), None, "{text}");
        }
    }
}
