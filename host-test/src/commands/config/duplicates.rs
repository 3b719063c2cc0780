//! Finding a key that appears twice in one object of the config document.
//!
//! serde_json keeps the last of two equal keys, so the document the host re-encodes would
//! silently drop one of them. This check reads the text once more, key by key.

use std::collections::HashSet;
use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};

/// A key that appears twice in one object, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DuplicateKey {
    /// The key, unescaped.
    pub(crate) key: String,
    /// The object holding it, as `exceptions[0].entries[1]`; empty for the top level.
    pub(crate) object: String,
    /// The 1-based line of the second occurrence.
    pub(crate) line: usize,
}

impl fmt::Display for DuplicateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let key = serde_json::Value::String(self.key.clone());
        write!(f, "the key {key} appears twice")?;
        if !self.object.is_empty() {
            write!(f, " in {}", self.object)?;
        }
        write!(
            f,
            " (again at line {}); a setting may be given only once, so remove one of them",
            self.line
        )
    }
}

/// Returns the first key that appears twice in one object of `text`, when there is one.
/// Text that is not valid JSON yields `None`: the component reports that.
pub(crate) fn find(text: &str) -> Option<DuplicateKey> {
    let mut path = Vec::new();
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let seed = Checker { path: &mut path };
    let error = seed.deserialize(&mut deserializer).err()?;

    // Invalid JSON is a syntax or end-of-input error; only the checker raises data errors.
    if error.classify() != serde_json::error::Category::Data {
        return None;
    }
    let Some(Segment::Key(key)) = path.pop() else {
        return None;
    };
    Some(DuplicateKey {
        key,
        object: render(&path),
        line: error.line(),
    })
}

/// One step of the path from the top of the document.
enum Segment {
    Key(String),
    Index(usize),
}

fn render(path: &[Segment]) -> String {
    let mut text = String::new();
    for segment in path {
        match segment {
            Segment::Key(key) => {
                if !text.is_empty() {
                    text.push('.');
                }
                text.push_str(key);
            }
            Segment::Index(index) => text.push_str(&format!("[{index}]")),
        }
    }
    text
}

/// Walks one value. On a duplicate it fails, leaving the path to the key in `path`.
struct Checker<'p> {
    path: &'p mut Vec<Segment>,
}

impl<'de> DeserializeSeed<'de> for Checker<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Checker<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen = HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            let repeated = !seen.insert(key.clone());
            self.path.push(Segment::Key(key));
            if repeated {
                return Err(de::Error::custom("duplicate key"));
            }
            map.next_value_seed(Checker {
                path: &mut *self.path,
            })?;
            self.path.pop();
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut index = 0;
        loop {
            self.path.push(Segment::Index(index));
            let element = seq.next_element_seed(Checker {
                path: &mut *self.path,
            })?;
            self.path.pop();
            if element.is_none() {
                return Ok(());
            }
            index += 1;
        }
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }

    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }

    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }

    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }

    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unique_keys_pass() {
        let text = r#"{"a": 1, "b": {"a": 2}, "c": [{"a": 3}, {"a": 4}]}"#;
        assert_eq!(find(text), None);
    }

    #[test]
    fn top_level_duplicate_is_found() {
        let text = "{\n  \"max_depth\": 3,\n  \"max_depth\": 4\n}";
        let duplicate = find(text).expect("a duplicate");
        assert_eq!(duplicate.key, "max_depth");
        assert_eq!(duplicate.object, "");
        assert_eq!(duplicate.line, 3);
    }

    #[test]
    fn nested_duplicate_names_its_object() {
        let text = r#"{"exceptions": [{"entries": [{}, {"field": "a", "field": "b"}]}]}"#;
        let duplicate = find(text).expect("a duplicate");
        assert_eq!(duplicate.key, "field");
        assert_eq!(duplicate.object, "exceptions[0].entries[1]");
    }

    #[test]
    fn escaped_key_is_the_same_key() {
        let duplicate = find(r#"{"a": 1, "\u0061": 2}"#).expect("a duplicate");
        assert_eq!(duplicate.key, "a");
    }

    #[test]
    fn invalid_json_is_left_to_the_component() {
        assert_eq!(find("{\"a\": }"), None);
        assert_eq!(find("{\"a\": {\"b\" 1}}"), None);
    }

    #[test]
    fn message_names_key_line_and_fix() {
        let duplicate = find("{\"a\": 1,\n\"a\": 2}").expect("a duplicate");
        assert_eq!(
            duplicate.to_string(),
            "the key \"a\" appears twice (again at line 2); a setting may be given only once, \
             so remove one of them"
        );
    }
}
