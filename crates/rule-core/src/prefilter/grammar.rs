//! The second pass of the screen: walks the tokens that [`super::index`] found as the strict
//! parser walks the text, and reads the top-level values the screen needs.
//!
//! It accepts a subset of what the parser accepts and returns `None` as soon as the text
//! leaves that subset. The subset is the grammar of JSON with no key twice in an object,
//! nesting within the depth limit, numbers without an exponent and keys without escapes,
//! and a top level that is one object of CloudTrail record keys.

use super::keys::{KeyWords, record_key_index, same_bytes};
use super::{MAX_DEPTH, MAX_KEYS, MAX_NUMBER_LEN, RecordFields, Scalar};

/// A key of an object being walked: its hash, and where its text is.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct KeyRef {
    hash: u64,
    start: u32,
    end: u32,
}

/// Key slots the nested walk needs at most: an object has at most [`MAX_KEYS`] keys that
/// the walk compares, and at most [`MAX_DEPTH`] objects are open at once.
pub(super) const KEY_SLOTS: usize = MAX_KEYS * MAX_DEPTH as usize;

/// Frame slots the nested walk needs at most: one per open container.
pub(super) const FRAME_SLOTS: usize = MAX_DEPTH as usize;

/// The frame of an array. An object's frame is described at [`Nested::frames`].
const ARRAY: u32 = u32::MAX;

/// A position in the tokens of a text, and the reads the walk makes there.
#[derive(Clone, Copy)]
struct Cursor<'t, 's> {
    bytes: &'t [u8],
    tokens: &'s [u32],
    next: usize,
}

impl Cursor<'_, '_> {
    /// Takes the next token and returns its offset.
    #[inline]
    fn take(&mut self) -> Option<usize> {
        let at = *self.tokens.get(self.next)? as usize;
        self.next += 1;
        Some(at)
    }

    /// Returns the first byte of the next token.
    #[inline]
    fn peek(&self) -> Option<u8> {
        let at = *self.tokens.get(self.next)? as usize;
        Some(self.bytes[at])
    }

    /// Returns the first byte of the token after the next one.
    #[inline]
    fn peek_after_next(&self) -> Option<u8> {
        let at = *self.tokens.get(self.next + 1)? as usize;
        Some(self.bytes[at])
    }

    /// Takes the next token, which must be `byte`.
    #[inline]
    fn expect(&mut self, byte: u8) -> Option<()> {
        (self.take_byte()? == byte).then_some(())
    }

    /// Takes the next token and returns its first byte.
    #[inline]
    fn take_byte(&mut self) -> Option<u8> {
        let at = self.take()?;
        Some(self.bytes[at])
    }

    /// Returns where the next token starts, or the text's length after the last token.
    #[inline]
    fn next_start(&self) -> usize {
        self.tokens
            .get(self.next)
            .map_or(self.bytes.len(), |&at| at as usize)
    }

    /// Takes a string's opening quote and returns the range between its quotes.
    #[inline]
    fn string_span(&mut self) -> Option<(usize, usize)> {
        let open = self.take()?;
        if self.bytes[open] != b'"' {
            return None;
        }
        Some((open + 1, self.closing_quote()))
    }

    /// Finds the closing quote of the string before the next token: the last byte before
    /// that token, or before the end of the text, that is not whitespace. The first pass
    /// checked that every string closes, and only whitespace can follow a closing quote
    /// without starting a token.
    #[inline]
    fn closing_quote(&self) -> usize {
        trim_whitespace_end(self.bytes, self.next_start()) - 1
    }

    /// Checks the run of bytes from `at` up to the next token, which must be exactly a
    /// literal or a number.
    #[inline]
    fn literal_or_number(&self, at: usize) -> Option<()> {
        // Only whitespace can lie between a run and the next token: whitespace ends a run,
        // and a byte after it would start another.
        let run = &self.bytes[at..trim_whitespace_end(self.bytes, self.next_start())];
        (is_literal(run) || is_plain_number(run)).then_some(())
    }
}

/// Walks the tokens of one text.
pub(super) struct Walker<'t, 's> {
    text: &'t str,
    cursor: Cursor<'t, 's>,
    max_depth: u32,
    /// The text contains a backslash somewhere, so a string may contain an escape.
    any_backslash: bool,
    /// The nested walk's buffers.
    keys: &'s mut [KeyRef],
    frames: &'s mut [u64],
}

impl<'t, 's> Walker<'t, 's> {
    /// Walks `text`, whose tokens start at the offsets in `tokens` and which contains a
    /// backslash when `any_backslash` is set. `keys` and `frames` are the nested walk's
    /// buffers, whatever they contain. With fewer than [`KEY_SLOTS`] and [`FRAME_SLOTS`]
    /// entries, the walk gives up on texts that need more.
    pub(super) fn new(
        text: &'t str,
        tokens: &'s [u32],
        any_backslash: bool,
        max_depth: u32,
        keys: &'s mut [KeyRef],
        frames: &'s mut [u64],
    ) -> Walker<'t, 's> {
        Walker {
            text,
            cursor: Cursor {
                bytes: text.as_bytes(),
                tokens,
                next: 0,
            },
            max_depth,
            any_backslash,
            keys,
            frames,
        }
    }

    /// Walks a whole text that must be one object of CloudTrail record keys, and returns
    /// the values the screen reads.
    pub(super) fn record(mut self) -> Option<RecordFields<'t>> {
        if self.max_depth < 1 {
            return None;
        }
        // The position is a local rather than the walker's, so that the component can
        // keep it in a register: the walker is in memory for the calls to `value`.
        let mut cursor = self.cursor;
        cursor.expect(b'{')?;
        if cursor.peek()? == b'}' {
            return None;
        }

        // RECORD_KEYS lists each key once, so a bit per entry catches a repeated key.
        // Records list their keys in CloudTrail's order, which RECORD_KEYS follows, so the
        // search starts after the last key found.
        let bytes = cursor.bytes;
        let mut fields = RecordFields::default();
        let mut seen = 0u32;
        let mut next_index = 0;
        loop {
            let (start, end) = cursor.string_span()?;
            if self.any_backslash && has_backslash(&bytes[start..end]) {
                return None;
            }
            let words = KeyWords::of(bytes, start, end);
            let index = record_key_index(bytes, start, end, words, next_index)?;
            if seen & (1 << index) != 0 {
                return None;
            }
            seen |= 1 << index;
            next_index = index + 1;

            cursor.expect(b':')?;
            let slot = fields.slot(index);
            if cursor.peek()? != b'"' {
                cursor.next = self.value(cursor.next, 1)?;
                if let Some(slot) = slot {
                    *slot = Some(Scalar::Other);
                }
            } else if let Some(slot) = slot {
                let (start, end) = cursor.string_span()?;
                *slot = Some(self.string(start, end));
            } else {
                // Most values are strings the screen does not read. A string is a single
                // token, so the walk takes it without finding where it ends.
                cursor.next += 1;
            }
            match cursor.take_byte()? {
                b',' => {}
                b'}' => break,
                _ => return None,
            }
        }
        (cursor.next == cursor.tokens.len()).then_some(fields)
    }

    /// Walks a value nested in a container at `depth`, from the token at `next`, and
    /// returns the position of the token after it. Kept out of line: inlined into the
    /// record's loop, the component kept both loops' state in memory.
    #[inline(never)]
    fn value(&mut self, next: usize, depth: u32) -> Option<usize> {
        let mut nested = Nested {
            cursor: Cursor {
                next,
                ..self.cursor
            },
            any_backslash: self.any_backslash,
            keys: &mut *self.keys,
            key_count: 0,
            frames: &mut *self.frames,
            open: 0,
            max_depth: self.max_depth,
        };
        nested.walk(depth)?;
        Some(nested.cursor.next)
    }

    /// Returns the string whose text lies between `start` and `end`.
    #[inline]
    fn string(&self, start: usize, end: usize) -> Scalar<'t> {
        // Both ends sit next to an ASCII quote, so they are character boundaries.
        let text = &self.text[start..end];
        let escaped = self.any_backslash && has_backslash(text.as_bytes());
        Scalar::Str { text, escaped }
    }
}

/// The walk through one value below the top level. Containers inside it are followed with
/// a stack of frames rather than by recursion, which costs less per token.
///
/// Its state lives in locals of [`Walker::value`], into which every method here is inlined,
/// so that the component can keep it in registers. Kept in the walker, every step wrote
/// the position to memory.
struct Nested<'t, 's, 'w> {
    cursor: Cursor<'t, 's>,
    any_backslash: bool,
    /// Keys of the objects being walked, innermost last: the first `key_count` entries.
    keys: &'w mut [KeyRef],
    key_count: usize,
    /// The containers being walked, innermost last: the first `open` entries. The low 32
    /// bits are [`ARRAY`] for an array, else the index in `keys` of an object's first key.
    /// The high 32 bits of an object's frame have a bit set for each key hash seen in it
    /// (see [`Nested::key`]).
    frames: &'w mut [u64],
    open: usize,
    max_depth: u32,
}

impl Nested<'_, '_, '_> {
    /// Walks the value at the cursor, which sits in a container at `depth`.
    #[inline(always)]
    fn walk(&mut self, mut depth: u32) -> Option<()> {
        'value: loop {
            let at = self.cursor.take()?;
            match self.cursor.bytes[at] {
                b'{' | b'[' if depth >= self.max_depth => return None,
                b'{' if self.cursor.peek()? == b'}' => self.cursor.next += 1,
                b'[' if self.cursor.peek()? == b']' => self.cursor.next += 1,
                b'{' => {
                    let first_key = self.key_count;
                    self.push_frame(first_key as u64)?;
                    depth += 1;
                    if !self.members(first_key)? {
                        continue 'value;
                    }
                }
                b'[' => {
                    self.push_frame(u64::from(ARRAY))?;
                    depth += 1;
                    continue 'value;
                }
                // Nothing inside a string, nor its closing quote, is a token.
                b'"' => {}
                b'}' | b']' | b':' | b',' => return None,
                _ => self.cursor.literal_or_number(at)?,
            }

            // A value ended. Close the containers it ends, up to one that goes on.
            while self.open > 0 {
                let frame = self.frames[self.open - 1];
                let at = self.cursor.take()?;
                match (self.cursor.bytes[at], frame as u32) {
                    (b',', ARRAY) => continue 'value,
                    (b',', first_key) => {
                        if !self.members(first_key as usize)? {
                            continue 'value;
                        }
                        // A string value ended, and its object goes on or closes.
                        continue;
                    }
                    (b']', ARRAY) => {}
                    (b'}', first_key) if first_key != ARRAY => self.key_count = first_key as usize,
                    _ => return None,
                }
                self.open -= 1;
                depth -= 1;
            }
            return Some(());
        }
    }

    /// Takes members of the object whose keys start at `first_key`, from the key at the
    /// cursor on, as long as each value is a string followed by a comma. Returns `false`
    /// with the cursor at a value that is not a string, or `true` after a string value that
    /// no comma follows.
    ///
    /// Most values are strings, which this loop takes with one step per member, where the
    /// walk's loop takes two steps and a dispatch on the value's first byte.
    #[inline(always)]
    fn members(&mut self, first_key: usize) -> Option<bool> {
        loop {
            self.key(first_key)?;
            if self.cursor.peek()? != b'"' {
                return Some(false);
            }
            if self.cursor.peek_after_next()? != b',' {
                self.cursor.next += 1;
                return Some(true);
            }
            self.cursor.next += 2;
        }
    }

    /// Opens a container. Returns `None` when the frames are full. `screen_fields` caps the
    /// depth limit at [`MAX_DEPTH`], so with [`FRAME_SLOTS`] frames that does not happen.
    #[inline(always)]
    fn push_frame(&mut self, frame: u64) -> Option<()> {
        *self.frames.get_mut(self.open)? = frame;
        self.open += 1;
        Some(())
    }

    /// Takes a key without escapes and the colon after it, and checks that its object,
    /// whose keys are `keys[first_key..key_count]`, has not had the key before.
    #[inline(always)]
    fn key(&mut self, first_key: usize) -> Option<()> {
        let bytes = self.cursor.bytes;
        let (start, end) = self.cursor.string_span()?;
        if self.any_backslash && has_backslash(&bytes[start..end]) {
            return None;
        }
        if self.key_count - first_key >= MAX_KEYS {
            return None;
        }
        let hash = KeyWords::of(bytes, start, end).hash();
        // Offsets fit in u32: the first pass rejects longer texts.
        let key = KeyRef {
            hash,
            start: start as u32,
            end: end as u32,
        };
        // One of 32 bits per hash, kept in the object's frame: a key whose bit is clear is
        // new without a comparison, which spares most keys the search through the others.
        let bit = 1u64 << (32 + (hash >> 59));
        let frame = &mut self.frames[self.open - 1];
        if *frame & bit != 0 && repeats(bytes, &self.keys[first_key..self.key_count], key) {
            return None;
        }
        *frame |= bit;
        *self.keys.get_mut(self.key_count)? = key;
        self.key_count += 1;
        self.cursor.expect(b':')
    }
}

/// Tells whether `seen`, keys of one object in `text`, contains `key` already.
///
/// This and the walk's other rare paths stay out of line. Inlined, their values compete
/// with the walk's for registers, and the component then keeps the walk's state in memory.
#[inline(never)]
fn repeats(text: &[u8], seen: &[KeyRef], key: KeyRef) -> bool {
    let bytes = &text[key.start as usize..key.end as usize];
    seen.iter().any(|other| {
        other.hash == key.hash && same_bytes(&text[other.start as usize..other.end as usize], bytes)
    })
}

/// Tells whether a string's text contains a backslash.
#[inline(never)]
fn has_backslash(text: &[u8]) -> bool {
    text.contains(&b'\\')
}

/// Returns `end` moved back over the whitespace before it. The text has a byte other than
/// whitespace before `end`. Records rarely have whitespace between tokens, so the loop
/// stays out of line.
#[inline]
fn trim_whitespace_end(text: &[u8], end: usize) -> usize {
    if is_whitespace(text[end - 1]) {
        last_non_whitespace(text, end) + 1
    } else {
        end
    }
}

/// Returns the offset of the last byte before `end` that is not whitespace.
#[cold]
#[inline(never)]
fn last_non_whitespace(text: &[u8], end: usize) -> usize {
    let mut close = end - 1;
    while is_whitespace(text[close]) {
        close -= 1;
    }
    close
}

/// Tells whether `byte` is one of JSON's four whitespace bytes.
#[inline]
fn is_whitespace(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | b'\r')
}

/// Tells whether `run` is `true`, `false` or `null`. Words are compared rather than
/// slices, which the component would compare with its byte-loop `memcmp`.
#[inline]
fn is_literal(run: &[u8]) -> bool {
    let head = |run: &[u8]| u32::from_le_bytes([run[0], run[1], run[2], run[3]]);
    match run.len() {
        4 => head(run) == u32::from_le_bytes(*b"true") || head(run) == u32::from_le_bytes(*b"null"),
        5 => head(run) == u32::from_le_bytes(*b"fals") && run[4] == b'e',
        _ => false,
    }
}

/// Tells whether `run` is `-? (0 | [1-9][0-9]*) (. [0-9]+)?` and at most
/// [`MAX_NUMBER_LEN`] bytes, so that no accepted number can overflow `f64`. Exponents are
/// left to the parser.
fn is_plain_number(run: &[u8]) -> bool {
    if run.len() > MAX_NUMBER_LEN {
        return false;
    }
    let unsigned = run.strip_prefix(b"-").unwrap_or(run);
    let (integer, fraction) = match unsigned.iter().position(|&byte| byte == b'.') {
        Some(dot) => (&unsigned[..dot], Some(&unsigned[dot + 1..])),
        None => (unsigned, None),
    };
    let all_digits = |digits: &[u8]| !digits.is_empty() && digits.iter().all(u8::is_ascii_digit);
    let integer_ok = all_digits(integer) && (integer == b"0" || integer[0] != b'0');
    integer_ok && fraction.is_none_or(all_digits)
}

#[cfg(test)]
mod tests {
    use super::{is_literal, is_plain_number};

    #[test]
    fn only_exact_literals_match() {
        for run in ["true", "false", "null"] {
            assert!(is_literal(run.as_bytes()), "{run}");
        }
        for run in [
            "", "t", "tru", "truee", "True", "nul", "nulL", "fals", "falsE", "false ",
        ] {
            assert!(!is_literal(run.as_bytes()), "{run}");
        }
    }

    #[test]
    fn plain_numbers() {
        for number in ["0", "-0", "7", "-12", "0.5", "-3.25", "10.0"] {
            assert!(is_plain_number(number.as_bytes()), "{number}");
        }
        for run in [
            "", "-", "01", "-01", "1.", ".5", "1e5", "1E5", "1.2.3", "+1", "1-", "0x1",
        ] {
            assert!(!is_plain_number(run.as_bytes()), "{run}");
        }
    }
}
