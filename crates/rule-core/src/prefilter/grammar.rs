//! The walk of the screen: reads a text token by token as the strict parser does, and keeps
//! the top-level values the screen needs.
//!
//! It accepts a subset of what the parser accepts and returns `None` as soon as the text
//! leaves that subset. The subset is the grammar of JSON with no key twice in an object and
//! nesting within the depth limit. A nested object has at most [`MAX_KEYS`] keys, and a
//! number at most [`MAX_NUMBER_LEN`] bytes and no exponent. Keys have no escapes, and no
//! `\u` escape is of a surrogate. The top level is one non-empty object of CloudTrail
//! record keys.

use super::keys::{KeyWords, record_key_index, same_bytes};
use super::scan::{run_end, skip_whitespace, string_end};
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

/// A position in a text, and the reads the walk makes there.
#[derive(Clone, Copy)]
struct Cursor<'t> {
    bytes: &'t [u8],
    at: usize,
}

impl Cursor<'_> {
    /// Moves past any whitespace and returns the byte there, the first of the next token,
    /// or `None` at the end of the text.
    #[inline(always)]
    fn peek(&mut self) -> Option<u8> {
        let byte = *self.bytes.get(self.at)?;
        if byte > b' ' {
            return Some(byte);
        }
        self.at = skip_whitespace(self.bytes, self.at);
        self.bytes.get(self.at).copied()
    }

    /// Takes the next token's first byte.
    #[inline(always)]
    fn take_byte(&mut self) -> Option<u8> {
        let byte = self.peek()?;
        self.at += 1;
        Some(byte)
    }

    /// Takes the next token, which must be `byte`.
    #[inline(always)]
    fn expect(&mut self, byte: u8) -> Option<()> {
        (self.take_byte()? == byte).then_some(())
    }

    /// Takes the string that is the next token. Returns the range between its quotes and
    /// whether its text contains an escape.
    #[inline(always)]
    fn string(&mut self) -> Option<(usize, usize, bool)> {
        if self.peek()? != b'"' {
            return None;
        }
        self.string_here()
    }

    /// Takes the string whose opening quote is at the cursor, as [`Cursor::string`] does.
    #[inline(always)]
    fn string_here(&mut self) -> Option<(usize, usize, bool)> {
        let open = self.at;
        let (close, escaped) = string_end(self.bytes, open)?;
        self.at = close + 1;
        Some((open + 1, close, escaped))
    }

    /// Takes the run of bytes at the cursor, which must be exactly a literal or a number.
    #[inline(always)]
    fn literal_or_number(&mut self) -> Option<()> {
        let end = run_end(self.bytes, self.at);
        let run = &self.bytes[self.at..end];
        self.at = end;
        (is_literal(run) || is_plain_number(run)).then_some(())
    }
}

/// Walks one text.
pub(super) struct Walker<'t, 's> {
    text: &'t str,
    max_depth: u32,
    /// The nested walk's buffers.
    keys: &'s mut [KeyRef],
    frames: &'s mut [u64],
}

impl<'t, 's> Walker<'t, 's> {
    /// Walks `text`. `keys` and `frames` are the nested walk's buffers, whatever they
    /// contain. With fewer than [`KEY_SLOTS`] and [`FRAME_SLOTS`] entries, the walk gives
    /// up on texts that need more.
    pub(super) fn new(
        text: &'t str,
        max_depth: u32,
        keys: &'s mut [KeyRef],
        frames: &'s mut [u64],
    ) -> Walker<'t, 's> {
        Walker {
            text,
            max_depth,
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
        let bytes = self.text.as_bytes();
        let mut cursor = Cursor { bytes, at: 0 };
        cursor.expect(b'{')?;
        if cursor.peek()? == b'}' {
            return None;
        }

        // RECORD_KEYS lists each key once, so a bit per entry catches a repeated key.
        // Records list their keys in CloudTrail's order, which RECORD_KEYS follows, so the
        // search starts after the last key found.
        let mut fields = RecordFields::default();
        let mut seen = 0u32;
        let mut next_index = 0;
        loop {
            let (start, end, escaped) = cursor.string()?;
            if escaped {
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
            if cursor.peek()? == b'"' {
                let (start, end, escaped) = cursor.string_here()?;
                if let Some(slot) = slot {
                    // Both ends sit next to an ASCII quote, so they are character
                    // boundaries.
                    let text = &self.text[start..end];
                    *slot = Some(Scalar::Str { text, escaped });
                }
            } else {
                cursor.at = self.value(cursor.at, 1)?;
                if let Some(slot) = slot {
                    *slot = Some(Scalar::Other);
                }
            }
            match cursor.take_byte()? {
                b',' => {}
                b'}' => break,
                _ => return None,
            }
        }
        cursor.peek().is_none().then_some(fields)
    }

    /// Walks a value nested in a container at `depth`, from the offset `at`, and returns
    /// the offset after it. Kept out of line: inlined into the record's loop, the component
    /// kept both loops' state in memory.
    #[inline(never)]
    fn value(&mut self, at: usize, depth: u32) -> Option<usize> {
        let mut nested = Nested {
            cursor: Cursor {
                bytes: self.text.as_bytes(),
                at,
            },
            keys: &mut *self.keys,
            key_count: 0,
            frames: &mut *self.frames,
            open: 0,
            max_depth: self.max_depth,
        };
        nested.walk(depth)?;
        Some(nested.cursor.at)
    }
}

/// The walk through one value below the top level. Containers inside it are followed with
/// a stack of frames rather than by recursion, which costs less per token.
///
/// Its state lives in locals of [`Walker::value`], into which every method here is inlined,
/// so that the component can keep it in registers. Kept in the walker, every step wrote
/// the position to memory.
struct Nested<'t, 'w> {
    cursor: Cursor<'t>,
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

impl Nested<'_, '_> {
    /// Walks the value at the cursor, which sits in a container at `depth`.
    #[inline(always)]
    fn walk(&mut self, mut depth: u32) -> Option<()> {
        'value: loop {
            match self.cursor.take_byte()? {
                b'{' | b'[' if depth >= self.max_depth => return None,
                b'{' if self.cursor.peek()? == b'}' => self.cursor.at += 1,
                b'[' if self.cursor.peek()? == b']' => self.cursor.at += 1,
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
                // A string or a run is read from its first byte, which `take_byte` passed.
                b'"' => {
                    self.cursor.at -= 1;
                    self.cursor.string_here()?;
                }
                b'}' | b']' | b':' | b',' => return None,
                _ => {
                    self.cursor.at -= 1;
                    self.cursor.literal_or_number()?;
                }
            }

            // A value ended. Close the containers it ends, up to one that goes on.
            while self.open > 0 {
                let frame = self.frames[self.open - 1];
                match (self.cursor.take_byte()?, frame as u32) {
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
            self.cursor.string_here()?;
            if self.cursor.peek()? != b',' {
                return Some(true);
            }
            self.cursor.at += 1;
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
        let (start, end, escaped) = self.cursor.string()?;
        if escaped || self.key_count - first_key >= MAX_KEYS {
            return None;
        }
        let hash = KeyWords::of(bytes, start, end).hash();
        // Offsets fit in u32: `read_record` gives up on longer texts.
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
