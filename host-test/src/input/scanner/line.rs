//! The fast path for the common event: a line that is one JSON object and nothing else, or
//! an object element of a container on one line, whole in the chunk.
//!
//! The scanner proper keeps its state in fields between chunks, handles container documents
//! and reports every kind of damage, one token per call. For such an object, all it does is
//! check the grammar and find where the object ends. [`object_end`] does that in one pass
//! over local state, and gives up on anything else, leaving the object to the scanner
//! proper. The fast path takes an object only where the scanner proper would read it as
//! exactly one event (or one skipped element), so both give the same items. The tests check this by reading every
//! case whole and byte by byte, which never takes the fast path.

use std::collections::VecDeque;

use super::emit::event_item;
use super::{LineMode, Position, Scanner};
use crate::input::document::{self, Key};
use crate::input::frame::SCALAR_BYTE;
use crate::input::item::InputItem;
use crate::input::options::Containers;

/// The deepest nesting the fast path follows, as bits of a `u128`. Deeper lines go to the
/// scanner proper, which reports them as the limits require.
const MAX_DEPTH: u32 = 128;

/// A line the fast path read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct PlainLine {
    /// The index just past the object's closing brace.
    object_end: usize,
    /// The index just past the line break.
    line_end: usize,
}

/// The token the grammar expects next in the innermost open object or array.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    KeyOrClose,
    Key,
    Colon,
    Value,
    CommaOrClose,
    ValueOrClose,
}

impl Scanner {
    /// Reads the line whose `{` is at index `start`, between top-level values, as one event
    /// if it is a plain object line. Any other line is left to the scanner proper.
    pub(super) fn open_line(
        &mut self,
        chunk: &[u8],
        start: usize,
        out: &mut VecDeque<InputItem>,
    ) -> usize {
        let limit = self.options.max_event_bytes;
        let Some(line) = plain_object_line(chunk, start, limit, self.options.containers) else {
            return self.open(chunk, start, out);
        };

        let position = Position {
            line: self.line,
            offset: self.base + start as u64,
        };
        let origin = self.origin_at(position, None);
        out.push_back(event_item(origin, &chunk[start..line.object_end]));
        if self.mode == LineMode::Undecided {
            self.mode = LineMode::Ndjson;
        }
        self.line += 1;
        line.line_end
    }

    /// Returns the index just past a plain element object whose `{` is at index `start`: an
    /// object on one line, whole in the chunk and within the size limit. `None` for any
    /// other element.
    pub(super) fn plain_element_end(&self, chunk: &[u8], start: usize) -> Option<usize> {
        let end = object_end(chunk, start, None)?;
        (end - start <= self.options.max_event_bytes).then_some(end)
    }
}

/// Checks the line whose `{` is at index `start` of `chunk`: it must contain one object no
/// larger than `limit` bytes, with no top-level key the reader looks for, followed by blank
/// space and a line break, all within `chunk`. Returns where the object and the line end,
/// or `None` when the line is anything else.
fn plain_object_line(
    chunk: &[u8],
    start: usize,
    limit: usize,
    containers: Containers,
) -> Option<PlainLine> {
    let object_end = object_end(chunk, start, Some(containers))?;
    if object_end - start > limit {
        return None;
    }
    let mut i = object_end;
    while let b' ' | b'\t' | b'\r' = *chunk.get(i)? {
        i += 1;
    }
    (chunk[i] == b'\n').then_some(PlainLine {
        object_end,
        line_end: i + 1,
    })
}

/// Follows the grammar from the `{` at `start` to the brace that closes it, and returns the
/// index just past that brace. `None` on a grammar error, a line break, a NUL byte outside a
/// string, too deep a nesting, or the chunk's end. With `top_keys`, the object is a
/// top-level value, and a key of it that the reader looks for is `None` too.
fn object_end(chunk: &[u8], start: usize, top_keys: Option<Containers>) -> Option<usize> {
    // Bit d of `objects` is set when the value open at depth d + 1 is an object.
    let mut objects: u128 = 1;
    let mut depth: u32 = 1;
    let mut expect = Expect::KeyOrClose;
    let mut i = start + 1;

    loop {
        let byte = *chunk.get(i)?;
        match byte {
            b' ' | b'\t' | b'\r' => {
                i += 1;
                continue;
            }
            b'"' => {
                let quote = string_end(chunk, i + 1)?;
                expect = match expect {
                    Expect::KeyOrClose | Expect::Key => {
                        if depth == 1
                            && let Some(containers) = top_keys
                            && document::classify_key(&chunk[i + 1..quote], containers)
                                != Key::Other
                        {
                            return None;
                        }
                        Expect::Colon
                    }
                    Expect::Value | Expect::ValueOrClose => Expect::CommaOrClose,
                    Expect::Colon | Expect::CommaOrClose => return None,
                };
                i = quote + 1;
                continue;
            }
            b'{' | b'[' => {
                if !matches!(expect, Expect::Value | Expect::ValueOrClose) || depth == MAX_DEPTH {
                    return None;
                }
                let object = byte == b'{';
                objects |= u128::from(object) << depth;
                depth += 1;
                expect = if object {
                    Expect::KeyOrClose
                } else {
                    Expect::ValueOrClose
                };
            }
            b'}' | b']' => {
                // `KeyOrClose` only comes up in objects and `ValueOrClose` only in arrays.
                let in_object = objects >> (depth - 1) & 1 == 1;
                let may_close = matches!(
                    expect,
                    Expect::KeyOrClose | Expect::ValueOrClose | Expect::CommaOrClose
                );
                if !may_close || in_object != (byte == b'}') {
                    return None;
                }
                objects &= !(1 << (depth - 1));
                depth -= 1;
                if depth == 0 {
                    return Some(i + 1);
                }
                expect = Expect::CommaOrClose;
            }
            b',' => {
                if expect != Expect::CommaOrClose {
                    return None;
                }
                let in_object = objects >> (depth - 1) & 1 == 1;
                expect = if in_object {
                    Expect::Key
                } else {
                    Expect::Value
                };
            }
            b':' => {
                if expect != Expect::Colon {
                    return None;
                }
                expect = Expect::Value;
            }
            b'\n' | 0 => return None,
            _ => {
                if !matches!(expect, Expect::Value | Expect::ValueOrClose) {
                    return None;
                }
                while SCALAR_BYTE[usize::from(*chunk.get(i)?)] {
                    i += 1;
                }
                expect = Expect::CommaOrClose;
                continue;
            }
        }
        i += 1;
    }
}

/// Returns the index of the quote that closes the string whose content starts at `from`.
/// `None` on a line break in the string, which the scanner proper reports, or the chunk's
/// end.
fn string_end(chunk: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    loop {
        while let Some(word) = chunk.get(i..i + 8) {
            let word = u64::from_le_bytes(word.try_into().expect("eight bytes"));
            let found = string_stops(word);
            if found != 0 {
                i += (found.trailing_zeros() / 8) as usize;
                break;
            }
            i += 8;
        }
        match *chunk.get(i)? {
            b'"' => return Some(i),
            b'\\' if *chunk.get(i + 1)? == b'\n' => return None,
            b'\\' => i += 2,
            b'\n' => return None,
            _ => i += 1,
        }
    }
}

/// Returns a word with the high bit set in the bytes of `word` that end a stretch of string
/// content: a quote, a backslash or a line break. Only the lowest set bit is reliable (see
/// [`bytes_equal`]), and that is the only bit the caller reads.
fn string_stops(word: u64) -> u64 {
    bytes_equal(word, b'"') | bytes_equal(word, b'\\') | bytes_equal(word, b'\n')
}

/// Sets the high bit of each byte of `word` that equals `byte`, by the usual test for a zero
/// byte applied to `word` XOR `byte`. A borrow may also set bits above the lowest match.
fn bytes_equal(word: u64, byte: u8) -> u64 {
    const LOW: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let x = word ^ (LOW * u64::from(byte));
    x.wrapping_sub(LOW) & !x & HIGH
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(line: &str) -> Option<usize> {
        plain_object_line(line.as_bytes(), 0, 1 << 20, Containers::ALL)
            .map(|found| found.object_end)
    }

    #[test]
    fn plain_lines_end_at_their_brace() {
        let cases = [
            "{}\n",
            "{\"a\":1}\n",
            "{\"a\": [1, {\"b\": \"x\\\"y\"}], \"c\": {}}\t\r\n",
            "{\"long\":\"0123456789abcdef0123456789\\\\\",\"n\":null}\n",
        ];
        for line in cases {
            let end = line.rfind('}').expect("a brace") + 1;
            assert_eq!(plain(line), Some(end), "{line:?}");
        }
    }

    #[test]
    fn other_lines_go_to_the_scanner() {
        let cases = [
            "{\"a\":1}",
            "{\"a\":1} x\n",
            "{\"a\":1}{\"b\":2}\n",
            "{\"a\":1,}\n",
            "{\"a\" 1}\n",
            "{\"a\":1]\n",
            "{\"a\":[1}\n",
            "{\"a\":\"line\nbreak\"}\n",
            "{\"a\":\"escaped \\\nbreak\"}\n",
            "{\"a\":\0}\n",
            "{1:2}\n",
            "{\"Records\":[]}\n",
            "{\"Rec\\u006frds\":[]}\n",
            "{\"messageType\":\"DATA_MESSAGE\"}\n",
            "{\"a\":1\n}\n",
        ];
        for line in cases {
            assert_eq!(plain(line), None, "{line:?}");
        }
    }

    #[test]
    fn size_limit_counts_the_object_only() {
        let line = b"{\"a\":1}  \n";
        let found = |limit| plain_object_line(line, 0, limit, Containers::ALL);
        assert!(found(7).is_some());
        assert!(found(6).is_none());
    }

    #[test]
    fn deep_nesting_goes_to_the_scanner() {
        let at_limit = format!("{{\"a\":{}{}}}\n", "[".repeat(127), "]".repeat(127));
        let over = format!("{{\"a\":{}{}}}\n", "[".repeat(128), "]".repeat(128));
        assert!(plain(&at_limit).is_some());
        assert_eq!(plain(&over), None);
    }

    #[test]
    fn string_end_in_a_word() {
        let text = b"abcdefg\"ij\"klmnopqrstu";
        assert_eq!(string_end(text, 0), Some(7));
        let escaped = b"ab\\\"cdefghij\\\\\"k";
        assert_eq!(string_end(escaped, 0), Some(14));
        assert_eq!(string_end(b"abcdefghijkl", 0), None);
    }
}
