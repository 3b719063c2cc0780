//! Keys and other short strings compared a machine word at a time rather than byte by byte.
//!
//! A key's length with its first and last eight bytes ([`KeyWords`]) distinguishes any two
//! keys of up to 16 bytes, and nearly all longer ones. Only when those words are equal do
//! longer keys need their middle bytes compared. Loops cost more in the component than
//! natively, because the runtime checks its time limit at every loop iteration, and the
//! component's `memcmp` is such a loop over single bytes.

use super::RECORD_KEYS;

/// A key's length, first eight bytes and last eight bytes. Bytes past the end of a key
/// shorter than eight are zero in `head`, and `tail` is zero for such a key.
#[derive(Debug, Clone, Copy)]
pub(super) struct KeyWords {
    len: usize,
    head: u64,
    tail: u64,
}

impl KeyWords {
    /// Reads the words of the key at `text[start..end]`.
    #[inline]
    pub(super) fn of(text: &[u8], start: usize, end: usize) -> KeyWords {
        let len = end - start;
        let head = match text.get(start..start + 8) {
            // A full word, of which the bytes past a short key are masked off.
            Some(word) => le_word(word) & low_bytes_mask(len),
            None => packed_word(&text[start..end.min(start + 8)]),
        };
        let tail = if len >= 8 {
            le_word(&text[end - 8..end])
        } else {
            0
        };
        KeyWords { len, head, tail }
    }

    /// Computes the words of a key known when the crate is built.
    const fn of_static(key: &str) -> KeyWords {
        let bytes = key.as_bytes();
        let len = bytes.len();
        let head_len = if len < 8 { len } else { 8 };
        let tail = if len >= 8 {
            const_word(bytes, len - 8, 8)
        } else {
            0
        };
        KeyWords {
            len,
            head: const_word(bytes, 0, head_len),
            tail,
        }
    }

    /// Compares all three fields without stopping at the first difference. A derived
    /// `PartialEq` would be merged by the compiler into a `memcmp` call, which in the
    /// component is a loop over single bytes.
    #[inline]
    pub(super) fn same(self, other: KeyWords) -> bool {
        (self.len == other.len) & (self.head == other.head) & (self.tail == other.tail)
    }

    /// Hashes the words, for a quick first comparison.
    #[inline]
    pub(super) fn hash(self) -> u64 {
        (self.head ^ self.tail.rotate_left(29)).wrapping_mul(0x9e37_79b9_7f4a_7c15)
            ^ self.len as u64
    }

    /// Tells whether equal words prove two keys equal, which is true for keys of up to 16
    /// bytes because the words contain every byte of them.
    #[inline]
    pub(super) fn cover_key(self) -> bool {
        self.len <= 16
    }
}

/// The words of each entry of [`RECORD_KEYS`], in the same order.
const RECORD_KEY_WORDS: [KeyWords; RECORD_KEYS.len()] = {
    let mut words = [KeyWords {
        len: 0,
        head: 0,
        tail: 0,
    }; RECORD_KEYS.len()];
    let mut index = 0;
    while index < RECORD_KEYS.len() {
        words[index] = KeyWords::of_static(RECORD_KEYS[index]);
        index += 1;
    }
    words
};

/// Returns the index in [`RECORD_KEYS`] of the key `text[start..end]`, whose words are
/// `words`, or `None` when it is not a record key. The search starts at the entry `first`
/// and wraps around.
#[inline]
pub(super) fn record_key_index(
    text: &[u8],
    start: usize,
    end: usize,
    words: KeyWords,
    first: usize,
) -> Option<usize> {
    let count = RECORD_KEY_WORDS.len();
    // Records list their keys in the order of RECORD_KEYS and leave out the optional
    // ones, so the key sought is nearly always `first` or a few entries after it. A search
    // from the start would compare about a hundred entries per record.
    let mut index = if first < count { first } else { 0 };
    let mut tried = 0;
    while !RECORD_KEY_WORDS[index].same(words) {
        tried += 1;
        if tried == count {
            return None;
        }
        index += 1;
        if index == count {
            index = 0;
        }
    }
    (words.cover_key() || same_bytes(RECORD_KEYS[index].as_bytes(), &text[start..end]))
        .then_some(index)
}

/// Tells whether two byte strings are equal, comparing whole words where it can.
#[inline]
pub(super) fn same_bytes(left: &[u8], right: &[u8]) -> bool {
    let len = left.len();
    if len != right.len() {
        return false;
    }
    match len {
        0 => true,
        // The first, middle and last bytes are every byte of these.
        1..=3 => [0, len / 2, len - 1]
            .into_iter()
            .all(|at| left[at] == right[at]),
        // Two words of four bytes that overlap in the middle.
        4..=7 => {
            let word = |bytes: &[u8], at: usize| {
                u32::from_le_bytes(bytes[at..at + 4].try_into().expect("four bytes"))
            };
            word(left, 0) == word(right, 0) && word(left, len - 4) == word(right, len - 4)
        }
        _ => {
            let last = len - 8;
            let mut at = 0;
            while at < last {
                if le_word(&left[at..at + 8]) != le_word(&right[at..at + 8]) {
                    return false;
                }
                at += 8;
            }
            le_word(&left[last..]) == le_word(&right[last..])
        }
    }
}

/// Reads eight bytes as a little-endian word.
#[inline]
fn le_word(bytes: &[u8]) -> u64 {
    u64::from_le_bytes(bytes.try_into().expect("a word is eight bytes"))
}

/// Packs up to eight bytes little-endian, as [`le_word`] would with zeros after them. Only
/// a key that ends within eight bytes of the text's end needs it, so it stays out of line.
#[cold]
#[inline(never)]
fn packed_word(bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .rev()
        .fold(0, |packed, &byte| (packed << 8) | u64::from(byte))
}

/// Returns a mask of the low `len` bytes of a word, the whole word for eight or more.
#[inline]
fn low_bytes_mask(len: usize) -> u64 {
    if len >= 8 {
        u64::MAX
    } else {
        (1u64 << (8 * len)) - 1
    }
}

/// [`packed_word`] of `bytes[start..start + len]`, for constants.
const fn const_word(bytes: &[u8], start: usize, len: usize) -> u64 {
    let mut word = 0;
    let mut index = len;
    while index > 0 {
        index -= 1;
        word = (word << 8) | bytes[start + index] as u64;
    }
    word
}

#[cfg(test)]
mod tests {
    use super::{KeyWords, record_key_index, same_bytes};
    use crate::prefilter::RECORD_KEYS;

    /// Reads the words of `key` from a text in which `after` follows it.
    fn words_in(key: &str, after: &str) -> KeyWords {
        let text = format!("{key}{after}");
        KeyWords::of(text.as_bytes(), 0, key.len())
    }

    #[test]
    fn words_do_not_depend_on_what_follows() {
        for key in [
            "",
            "a",
            "eventID",
            "eventName",
            "requestParameters",
            "x".repeat(40).as_str(),
        ] {
            let alone = words_in(key, "");
            assert!(alone.same(words_in(key, "\":1,\"more\":2}")), "{key}");
            assert!(alone.same(KeyWords::of_static(key)), "{key}");
        }
    }

    #[test]
    fn words_tell_short_keys_apart() {
        let keys = [
            "",
            "a",
            "b",
            "ab",
            "ba",
            "eventID",
            "eventIE",
            "eventName",
            "fventName",
        ];
        for left in keys {
            for right in keys {
                assert_eq!(words_in(left, "").same(words_in(right, "")), left == right);
            }
        }
    }

    #[test]
    fn compares_bytes_of_every_length() {
        let text = "abcdefghijklmnopqrstuvwxyz0123456789";
        for len in 0..text.len() {
            let left = &text.as_bytes()[..len];
            assert!(same_bytes(left, left), "{len}");
            for at in 0..len {
                let mut right = left.to_vec();
                right[at] = b'!';
                assert!(!same_bytes(left, &right), "{len} at {at}");
            }
            assert!(!same_bytes(left, &text.as_bytes()[..len + 1]));
        }
    }

    #[test]
    fn finds_record_keys_from_any_start() {
        for (expected, key) in RECORD_KEYS.iter().enumerate() {
            let text = key.as_bytes();
            let words = KeyWords::of(text, 0, text.len());
            for first in [0, expected, expected + 1, RECORD_KEYS.len()] {
                let found = record_key_index(text, 0, text.len(), words, first);
                assert_eq!(found, Some(expected), "{key} from {first}");
            }
        }
    }

    #[test]
    fn unknown_keys_never_found() {
        for key in ["", "eventname", "eventSourceX", "Records", "userIdentity "] {
            let text = key.as_bytes();
            let words = KeyWords::of(text, 0, text.len());
            for first in 0..=RECORD_KEYS.len() {
                let found = record_key_index(text, 0, text.len(), words, first);
                assert_eq!(found, None, "{key:?} from {first}");
            }
        }
    }

    #[test]
    fn record_keys_have_distinct_words() {
        // The search takes the first entry whose words match, so two entries with the
        // same words would hide the second.
        for (left, left_key) in RECORD_KEYS.iter().enumerate() {
            for (right, right_key) in RECORD_KEYS.iter().enumerate() {
                let same = KeyWords::of_static(left_key).same(KeyWords::of_static(right_key));
                assert_eq!(same, left == right, "{left_key} and {right_key}");
            }
        }
    }

    #[test]
    fn long_keys_compare_their_middle_bytes() {
        // The length and the first and last eight bytes of a record key, another middle.
        let key = "sessionCredentialFromConsole";
        let twin = "sessionCredXXXXXXFromConsole";
        assert_eq!(key.len(), twin.len());
        let text = twin.as_bytes();
        let words = KeyWords::of(text, 0, text.len());
        assert_eq!(record_key_index(text, 0, text.len(), words, 0), None);
        assert!(!words.cover_key());
    }
}
