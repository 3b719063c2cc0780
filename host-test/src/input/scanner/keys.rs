//! The keys of a top-level object, kept so that a container document whose top level has
//! the same key twice can be rejected.
//!
//! Every top-level object's keys are collected, because a container array may come after
//! the repeated key. Comparing them costs nothing until the object turns out to be a
//! container document: an object that is one event goes whole to the component, which
//! rejects a repeated key itself.

use std::collections::HashSet;

use crate::input::document;

/// The memory one key's entry takes besides its bytes.
const ENTRY_BYTES: usize = std::mem::size_of::<(usize, KeyPosition)>();

/// The line and stream offset at which a key starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct KeyPosition {
    pub(crate) line: u64,
    pub(crate) offset: u64,
}

/// A key that appears twice: its text, and where each occurrence starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Repeated {
    pub(crate) key: String,
    pub(crate) first: KeyPosition,
    pub(crate) second: KeyPosition,
}

/// The result of checking the keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Check {
    /// No key appears twice so far, or the keys are not compared yet.
    Unique,
    /// A key appears twice.
    Repeated(Repeated),
    /// The keys are longer in total than the limit, so they were not all kept.
    TooLong,
}

/// The top-level keys of the current object, as raw bytes between their quotes.
#[derive(Debug)]
pub(crate) struct TopKeys {
    bytes: Vec<u8>,
    /// Each complete key: where it ends in `bytes`, and where it starts in the input.
    ends: Vec<(usize, KeyPosition)>,
    /// The index in the current chunk where the bytes of the key being read start.
    from: Option<usize>,
    /// The keys seen so far, unescaped, once they are compared.
    seen: Option<HashSet<Vec<u8>>>,
    limit: usize,
    too_long: bool,
}

impl TopKeys {
    /// Keeps keys up to `limit` bytes in total.
    pub(crate) fn new(limit: usize) -> Self {
        Self {
            bytes: Vec::new(),
            ends: Vec::new(),
            from: None,
            seen: None,
            limit,
            too_long: false,
        }
    }

    /// Forgets the keys, for a new top-level object.
    pub(crate) fn reset(&mut self) {
        self.bytes.clear();
        self.ends.clear();
        self.from = None;
        self.seen = None;
        self.too_long = false;
    }

    /// Starts a key whose first byte (past the quote) is at index `start` of the chunk.
    pub(crate) fn begin(&mut self, start: usize, position: KeyPosition) {
        if self.too_long || self.used() + ENTRY_BYTES > self.limit {
            self.too_long = true;
            return;
        }
        self.from = Some(start);
        self.ends.push((self.bytes.len(), position));
    }

    /// Copies the key's bytes in the current chunk before the reader discards the chunk.
    pub(crate) fn save(&mut self, chunk: &[u8]) {
        if let Some(from) = self.from {
            self.append(&chunk[from..]);
            self.from = Some(0);
        }
    }

    /// Ends the key at the closing quote's index and, once keys are compared, checks it.
    pub(crate) fn finish(&mut self, chunk: &[u8], quote: usize) -> Check {
        if let Some(from) = self.from.take() {
            self.append(&chunk[from..quote]);
            let last = self.ends.len() - 1;
            self.ends[last].0 = self.bytes.len();
        }

        match (&self.seen, self.too_long) {
            (None, _) => Check::Unique,
            (Some(_), true) => Check::TooLong,
            (Some(_), false) => self.insert(self.ends.len() - 1),
        }
    }

    /// Starts comparing keys, as the object has turned out to be a container document,
    /// and checks the keys read so far.
    pub(crate) fn compare(&mut self) -> Check {
        if self.seen.is_some() {
            return Check::Unique;
        }
        self.seen = Some(HashSet::new());
        if self.too_long {
            return Check::TooLong;
        }
        for index in 0..self.ends.len() {
            if let Check::Repeated(repeated) = self.insert(index) {
                return Check::Repeated(repeated);
            }
        }
        Check::Unique
    }

    /// Returns the first key, from key `from` on, that is not in `allowed`, unescaped, with
    /// its position.
    pub(crate) fn first_unexpected(
        &self,
        from: usize,
        allowed: &[&str],
    ) -> Option<(String, KeyPosition)> {
        (from..self.ends.len()).find_map(|index| {
            let key = self.unescaped(index);
            let expected = allowed.iter().any(|name| name.as_bytes() == key.as_slice());
            let text = String::from_utf8_lossy(&key).into_owned();
            (!expected).then_some((text, self.ends[index].1))
        })
    }

    /// Returns how many keys were read, complete or not.
    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }

    /// Adds key `index` to the compared keys.
    fn insert(&mut self, index: usize) -> Check {
        let key = self.unescaped(index);
        let seen = self.seen.as_mut().expect("keys are compared");
        if seen.insert(key.clone()) {
            return Check::Unique;
        }

        let first = (0..index)
            .find(|&earlier| self.unescaped(earlier) == key)
            .map(|earlier| self.ends[earlier].1)
            .expect("a repeated key has an earlier occurrence");
        Check::Repeated(Repeated {
            key: String::from_utf8_lossy(&key).into_owned(),
            first,
            second: self.ends[index].1,
        })
    }

    /// Returns key `index` with its escapes decoded, so that `"Rec\u006frds"` is `Records`
    /// as any JSON parser reads it. A key whose escapes are invalid stays as written.
    fn unescaped(&self, index: usize) -> Vec<u8> {
        let start = if index == 0 {
            0
        } else {
            self.ends[index - 1].0
        };
        let raw = &self.bytes[start..self.ends[index].0];
        if !raw.contains(&b'\\') {
            return raw.to_vec();
        }
        match document::decode_string(raw) {
            Some(text) => text.into_bytes(),
            None => raw.to_vec(),
        }
    }

    fn append(&mut self, bytes: &[u8]) {
        if self.too_long || self.used() + bytes.len() > self.limit {
            self.too_long = true;
        } else {
            self.bytes.extend_from_slice(bytes);
        }
    }

    /// Returns the memory the kept keys take, counting each key's entry, so that many
    /// empty keys are bounded too.
    fn used(&self) -> usize {
        self.bytes.len() + self.ends.len() * ENTRY_BYTES
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn position(line: u64) -> KeyPosition {
        KeyPosition { line, offset: 0 }
    }

    /// Adds each key as one chunk and returns what the last check found.
    fn add(keys: &mut TopKeys, names: &[&str], first_line: u64) -> Check {
        let mut check = Check::Unique;
        for (index, name) in names.iter().enumerate() {
            keys.begin(0, position(first_line + index as u64));
            check = keys.finish(name.as_bytes(), name.len());
        }
        check
    }

    #[test]
    fn keys_are_compared_only_in_containers() {
        let mut keys = TopKeys::new(1024);
        assert_eq!(add(&mut keys, &["a", "a"], 1), Check::Unique);
        let Check::Repeated(repeated) = keys.compare() else {
            panic!("the repeated key was not found");
        };
        assert_eq!(repeated.key, "a");
        assert_eq!(repeated.first, position(1));
        assert_eq!(repeated.second, position(2));
    }

    #[test]
    fn key_after_compare_is_checked() {
        let mut keys = TopKeys::new(1024);
        add(&mut keys, &["Records"], 1);
        assert_eq!(keys.compare(), Check::Unique);
        assert_eq!(add(&mut keys, &["meta"], 2), Check::Unique);
        let Check::Repeated(repeated) = add(&mut keys, &[r"Rec\u006frds"], 3) else {
            panic!("the escaped key was not matched");
        };
        assert_eq!(repeated.key, "Records");
        assert_eq!(repeated.second, position(3));
    }

    #[test]
    fn key_split_across_chunks() {
        let mut keys = TopKeys::new(1024);
        keys.begin(3, position(1));
        keys.save(b"{\n\"Rec");
        keys.finish(b"ords\"", 4);
        keys.compare();
        let check = add(&mut keys, &["Records"], 2);
        assert!(matches!(check, Check::Repeated(_)), "{check:?}");
    }

    #[test]
    fn keys_over_the_limit_are_too_long() {
        let mut keys = TopKeys::new(2 * ENTRY_BYTES + 8);
        add(&mut keys, &["Records", "Events"], 1);
        assert_eq!(keys.compare(), Check::TooLong);
    }

    #[test]
    fn many_empty_keys_are_too_long() {
        let mut keys = TopKeys::new(100 * ENTRY_BYTES);
        add(&mut keys, &[""; 101], 1);
        assert_eq!(keys.compare(), Check::TooLong);
    }

    #[test]
    fn reset_forgets_keys() {
        let mut keys = TopKeys::new(1024);
        add(&mut keys, &["Records"], 1);
        keys.reset();
        add(&mut keys, &["Records"], 2);
        assert_eq!(keys.compare(), Check::Unique);
    }
}
