//! The second pass of the screen: walks the tokens that [`super::index`] found as the strict
//! parser walks the text, and reads the top-level values the screen needs.
//!
//! It accepts a subset of what the parser accepts and returns `None` as soon as the text
//! leaves that subset. The subset is the grammar of JSON with no key twice in an object,
//! nesting within the depth limit, numbers without an exponent and keys without escapes,
//! and a top level that is one object of CloudTrail record keys.

use super::keys::{KeyWords, record_key_index, same_bytes};
use super::{MAX_KEYS, MAX_NUMBER_LEN, RecordFields, Scalar};

/// A key of an object being walked: its hash, and where its text is.
#[derive(Debug, Clone, Copy)]
pub(super) struct KeyRef {
    hash: u64,
    start: u32,
    end: u32,
}

/// Walks the tokens of one text.
pub(super) struct Walker<'t, 's> {
    text: &'t str,
    bytes: &'t [u8],
    tokens: &'s [u32],
    next: usize,
    max_depth: u32,
    /// The text contains a backslash somewhere, so a string may contain an escape.
    any_backslash: bool,
    /// Keys of the objects being walked, innermost last.
    keys: &'s mut Vec<KeyRef>,
    /// The containers being walked, innermost last. The low 32 bits are [`ARRAY`] for an
    /// array, else the index in `keys` of an object's first key. The high 32 bits of an
    /// object's frame have a bit set for each key hash seen in it (see [`Walker::key`]).
    frames: &'s mut Vec<u64>,
}

/// The frame of an array.
const ARRAY: u32 = u32::MAX;

impl<'t, 's> Walker<'t, 's> {
    /// Walks `text`, whose tokens start at the offsets in `tokens` and which contains a backslash when `any_backslash` is set.
    pub(super) fn new(
        text: &'t str,
        tokens: &'s [u32],
        any_backslash: bool,
        max_depth: u32,
        keys: &'s mut Vec<KeyRef>,
        frames: &'s mut Vec<u64>,
    ) -> Walker<'t, 's> {
        keys.clear();
        frames.clear();
        Walker {
            text,
            bytes: text.as_bytes(),
            tokens,
            next: 0,
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
        self.expect(b'{')?;
        if self.peek()? == b'}' {
            return None;
        }

        // RECORD_KEYS lists each key once, so a bit per entry catches a repeated key.
        // Records list their keys in CloudTrail's order, which RECORD_KEYS follows, so the
        // search starts after the last key found.
        let mut fields = RecordFields::default();
        let mut seen = 0u32;
        let mut next_index = 0;
        loop {
            let (start, end) = self.string_span()?;
            if self.any_backslash && has_backslash(&self.bytes[start..end]) {
                return None;
            }
            let words = KeyWords::of(self.bytes, start, end);
            let index = record_key_index(self.bytes, start, end, words, next_index)?;
            if seen & (1 << index) != 0 {
                return None;
            }
            seen |= 1 << index;
            next_index = index + 1;

            self.expect(b':')?;
            match fields.slot(index) {
                Some(slot) => *slot = Some(self.scalar(1)?),
                // Most values are strings, and a string is a single token, so taking it
                // here saves a call to `value`.
                None if self.peek()? == b'"' => self.next += 1,
                None => self.value(1)?,
            }
            if !self.next_member(b'}')? {
                break;
            }
        }
        (self.next == self.tokens.len()).then_some(fields)
    }

    /// Walks a value nested in a container at `depth`. Containers inside it are followed
    /// with a stack of frames rather than by recursion, which costs less per token. The
    /// walk keeps its token position in a local, which the component can keep in a
    /// register rather than in the walker's memory.
    fn value(&mut self, mut depth: u32) -> Option<()> {
        let bytes = self.bytes;
        let tokens = self.tokens;
        let mut next = self.next;
        let base = self.frames.len();
        macro_rules! take {
            () => {{
                let at = *tokens.get(next)? as usize;
                next += 1;
                at
            }};
        }
        macro_rules! peek {
            () => {
                bytes[*tokens.get(next)? as usize]
            };
        }
        'value: loop {
            let at = take!();
            match bytes[at] {
                b'{' | b'[' if depth >= self.max_depth => return None,
                b'{' if peek!() == b'}' => next += 1,
                b'[' if peek!() == b']' => next += 1,
                b'{' => {
                    let first_key = self.keys.len() as u32;
                    self.frames.push(u64::from(first_key));
                    depth += 1;
                    next = self.key_at(next, first_key as usize)?;
                    continue 'value;
                }
                b'[' => {
                    self.frames.push(u64::from(ARRAY));
                    depth += 1;
                    continue 'value;
                }
                // Nothing inside a string, nor its closing quote, is a token.
                b'"' => {}
                b'}' | b']' | b':' | b',' => return None,
                _ => {
                    let end = tokens.get(next).map_or(bytes.len(), |&end| end as usize);
                    self.literal_or_number(at, end)?;
                }
            }

            // A value ended. Close the containers it ends, up to one that goes on.
            while let Some(&frame) = self.frames[base..].last() {
                let at = take!();
                match (bytes[at], frame as u32) {
                    (b',', ARRAY) => continue 'value,
                    (b',', first_key) => {
                        next = self.key_at(next, first_key as usize)?;
                        continue 'value;
                    }
                    (b']', ARRAY) => {}
                    (b'}', first_key) if first_key != ARRAY => {
                        self.keys.truncate(first_key as usize);
                    }
                    _ => return None,
                }
                self.frames.pop();
                depth -= 1;
            }
            self.next = next;
            return Some(());
        }
    }

    /// Takes the key at token `next` and the colon after it, as [`Walker::key`] does, and
    /// returns the token that follows.
    #[inline]
    fn key_at(&mut self, next: usize, first_key: usize) -> Option<usize> {
        self.next = next;
        self.key(first_key)?;
        Some(self.next)
    }

    /// Walks a value and keeps it when it is a string.
    fn scalar(&mut self, depth: u32) -> Option<Scalar<'t>> {
        if self.peek()? == b'"' {
            let (text, escaped) = self.string()?;
            return Some(Scalar::Str { text, escaped });
        }
        self.value(depth)?;
        Some(Scalar::Other)
    }

    /// Takes a key without escapes and the colon after it, and checks that its object,
    /// whose keys are `self.keys[first_key..]`, has not had the key before. Always inlined:
    /// in the component a call per key cost more than the walk's larger body.
    #[inline(always)]
    fn key(&mut self, first_key: usize) -> Option<()> {
        let (start, end) = self.string_span()?;
        if self.any_backslash && has_backslash(&self.bytes[start..end]) {
            return None;
        }
        let hash = KeyWords::of(self.bytes, start, end).hash();
        // Offsets fit in u32: the first pass rejects longer texts.
        let key = KeyRef {
            hash,
            start: start as u32,
            end: end as u32,
        };
        if self.keys.len() - first_key >= MAX_KEYS {
            return None;
        }
        // One of 32 bits per hash, kept in the object's frame: a key whose bit is clear is
        // new without a comparison, which spares most keys the search through the others.
        let bit = 1u64 << (32 + (hash >> 59));
        let frame = self.frames.last_mut()?;
        if *frame & bit != 0 && repeats(self.bytes, &self.keys[first_key..], key) {
            return None;
        }
        *frame |= bit;
        self.keys.push(key);
        self.expect(b':')
    }

    /// Takes a string and returns its text between the quotes, and whether that text contains an escape.
    #[inline]
    fn string(&mut self) -> Option<(&'t str, bool)> {
        let (start, end) = self.string_span()?;
        // Both ends sit next to an ASCII quote, so they are character boundaries.
        let text = &self.text[start..end];
        Some((text, self.any_backslash && has_backslash(text.as_bytes())))
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
        let end = self
            .tokens
            .get(self.next)
            .map_or(self.bytes.len(), |&at| at as usize);
        trim_whitespace_end(self.bytes, end) - 1
    }

    /// Checks the run of bytes from `at` up to the next token, `end` (the text's length
    /// after the last token), which must be exactly a literal or a number.
    fn literal_or_number(&self, at: usize, end: usize) -> Option<()> {
        // Only whitespace can lie between a run and the next token: whitespace ends a run,
        // and a byte after it would start another.
        let run = &self.bytes[at..trim_whitespace_end(self.bytes, end)];
        (is_literal(run) || is_plain_number(run)).then_some(())
    }

    /// After a member: takes `,` and returns `true` when another member follows, or takes
    /// `close` and returns `false`.
    #[inline]
    fn next_member(&mut self, close: u8) -> Option<bool> {
        let at = self.take()?;
        match self.bytes[at] {
            b',' => Some(true),
            byte if byte == close => Some(false),
            _ => None,
        }
    }

    #[inline]
    fn expect(&mut self, byte: u8) -> Option<()> {
        let at = self.take()?;
        (self.bytes[at] == byte).then_some(())
    }

    #[inline]
    fn take(&mut self) -> Option<usize> {
        let at = *self.tokens.get(self.next)? as usize;
        self.next += 1;
        Some(at)
    }

    #[inline]
    fn peek(&self) -> Option<u8> {
        let at = *self.tokens.get(self.next)? as usize;
        Some(self.bytes[at])
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
