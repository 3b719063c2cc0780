//! A JSON writer that keeps keys in the order they are written, as CloudTrail writes them.
//!
//! serde_json's `Map` sorts keys unless its `preserve_order` feature is on, and turning that
//! feature on here would change the key order inside `rule-core` too, which this benchmark
//! measures. So records are written by hand.

use std::fmt::Write;

/// Builds one JSON document into a string.
#[derive(Debug, Default)]
pub struct JsonWriter {
    out: String,
    /// One entry per open object or array: whether it has no member yet.
    empty: Vec<bool>,
    /// Writes every non-ASCII character of a string as a `\uXXXX` escape, as Python's
    /// `json.dumps` and some log shippers do.
    escape_non_ascii: bool,
    /// Set right after a key, so that the value that follows takes no comma.
    after_key: bool,
}

impl JsonWriter {
    /// Creates a writer; `escape_non_ascii` selects `\uXXXX` escapes for non-ASCII text.
    pub fn new(escape_non_ascii: bool) -> JsonWriter {
        JsonWriter {
            escape_non_ascii,
            ..JsonWriter::default()
        }
    }

    /// Returns the text written so far.
    pub fn finish(self) -> String {
        debug_assert!(self.empty.is_empty(), "every object and array is closed");
        self.out
    }

    /// The number of bytes written so far.
    pub fn len(&self) -> usize {
        self.out.len()
    }

    pub fn begin_object(&mut self) -> &mut Self {
        self.separate();
        self.out.push('{');
        self.empty.push(true);
        self
    }

    pub fn end_object(&mut self) -> &mut Self {
        self.empty.pop();
        self.out.push('}');
        self
    }

    pub fn begin_array(&mut self) -> &mut Self {
        self.separate();
        self.out.push('[');
        self.empty.push(true);
        self
    }

    pub fn end_array(&mut self) -> &mut Self {
        self.empty.pop();
        self.out.push(']');
        self
    }

    /// Writes an object key; the next call writes its value.
    pub fn key(&mut self, key: &str) -> &mut Self {
        self.separate();
        self.quote(key);
        self.out.push(':');
        self.after_key = true;
        self
    }

    pub fn string(&mut self, value: &str) -> &mut Self {
        self.separate();
        self.quote(value);
        self
    }

    /// Writes a string whose every character is a `\uXXXX` escape, the spelling that
    /// byte-level shortcuts must not misread.
    pub fn escaped_string(&mut self, value: &str) -> &mut Self {
        self.separate();
        self.out.push('"');
        for unit in value.encode_utf16() {
            write!(self.out, "\\u{unit:04x}").expect("writing to a String cannot fail");
        }
        self.out.push('"');
        self
    }

    pub fn number(&mut self, value: impl std::fmt::Display) -> &mut Self {
        self.separate();
        write!(self.out, "{value}").expect("writing to a String cannot fail");
        self
    }

    pub fn bool(&mut self, value: bool) -> &mut Self {
        self.separate();
        self.out.push_str(if value { "true" } else { "false" });
        self
    }

    pub fn null(&mut self) -> &mut Self {
        self.separate();
        self.out.push_str("null");
        self
    }

    /// Writes `"key":"value"`.
    pub fn field(&mut self, key: &str, value: &str) -> &mut Self {
        self.key(key).string(value)
    }

    /// Writes the comma between members, except after a key or before the first member.
    fn separate(&mut self) {
        if self.after_key {
            self.after_key = false;
            return;
        }
        if let Some(empty) = self.empty.last_mut() {
            if !*empty {
                self.out.push(',');
            }
            *empty = false;
        }
    }

    fn quote(&mut self, text: &str) {
        self.out.push('"');
        for c in text.chars() {
            match c {
                '"' => self.out.push_str("\\\""),
                '\\' => self.out.push_str("\\\\"),
                '\n' => self.out.push_str("\\n"),
                c if u32::from(c) < 0x20 => {
                    write!(self.out, "\\u{:04x}", u32::from(c)).expect("infallible");
                }
                c if self.escape_non_ascii && !c.is_ascii() => {
                    let mut units = [0u16; 2];
                    for unit in c.encode_utf16(&mut units) {
                        write!(self.out, "\\u{unit:04x}").expect("infallible");
                    }
                }
                c => self.out.push(c),
            }
        }
        self.out.push('"');
    }
}

#[cfg(test)]
mod tests {
    use super::JsonWriter;

    #[test]
    fn writer_keeps_key_order() {
        let mut writer = JsonWriter::new(false);
        writer
            .begin_object()
            .field("b", "1")
            .key("a")
            .number(2)
            .end_object();

        assert_eq!(writer.finish(), r#"{"b":"1","a":2}"#);
    }

    #[test]
    fn writer_separates_array_members() {
        let mut writer = JsonWriter::new(false);
        writer
            .begin_array()
            .null()
            .bool(true)
            .begin_object()
            .end_object()
            .end_array();

        assert_eq!(writer.finish(), "[null,true,{}]");
    }

    #[test]
    fn writer_escapes_non_ascii_on_request() {
        let mut writer = JsonWriter::new(true);
        writer.string("café 😀");

        let text = writer.finish();

        assert_eq!(text, r#""caf\u00e9 \ud83d\ude00""#);
        assert_eq!(serde_json::from_str::<String>(&text).unwrap(), "café 😀");
    }

    #[test]
    fn escaped_string_round_trips() {
        let mut writer = JsonWriter::new(false);
        writer.escaped_string("lambda.amazonaws.com");

        let text = writer.finish();

        assert!(!text.contains("lambda"), "{text}");
        assert_eq!(
            serde_json::from_str::<String>(&text).unwrap(),
            "lambda.amazonaws.com"
        );
    }
}
