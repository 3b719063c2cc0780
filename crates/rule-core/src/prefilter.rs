//! A screen that settles the verdict of most CloudTrail records without building them.
//!
//! Nearly every record in a trail comes from a service other than Lambda, and the bundled
//! query requires `event.provider: "lambda.amazonaws.com"`, which the ECS mapping copies
//! from `eventSource`. For such a record the full evaluation parses the whole text into a
//! tree, maps it to ECS and runs the query, only to return "no match". The screen reads the
//! text once, without allocating a tree, and returns that same result when it can prove it.
//!
//! # What the screen proves
//!
//! It returns a verdict only when all of these are true, and `None` otherwise, so the
//! caller runs the full evaluation:
//!
//! - the rule's query is the bundled one, and the input format is `auto` or `cloudtrail`;
//! - the text is within the size limit and is one JSON object that the strict parser
//!   accepts: valid grammar, no key twice in any object, nesting within the depth limit;
//! - every top-level key is a CloudTrail record key from [`RECORD_KEYS`], which no other
//!   shape, container, digest or Insight test reads, and `eventSource` is one of them, so
//!   shape detection picks a raw CloudTrail record of class `Event`;
//! - `eventSource` is a string other than `lambda.amazonaws.com`, so the query fails;
//! - `eventType`, when present, is not the string `AwsCloudTrailInsight`.
//!
//! The screen is deliberately narrower than the grammar. It gives up, rather than decode,
//! on anything that needs care to read exactly as the parser does: every `\u` escape, any
//! escape in a key or in a value it reads, numbers with an exponent or over 100 characters,
//! objects with more than [`MAX_KEYS`] keys, and nesting past [`MAX_DEPTH`]. Byte-level
//! tests of strings are then exact: without escapes, the JSON text of a string is its value.
//!
//! The result is the full evaluation's `NoMatch(Query, ..)` with the same shape, class and
//! record id, but a document reduced to `@timestamp`: the one field a detector reads from a
//! non-matching event, to date it.

use std::sync::OnceLock;

use serde_json::{Map, Value};

use crate::NoMatchReason;
use crate::evaluate::{EvalOptions, Evaluation};
use crate::rule::Rule;
use crate::shapes::{EcsEvent, InputFormat, RecordClass, Shape};
use crate::timestamp::Timestamp;

/// Top-level keys of CloudTrail API call, service and console records. Insight events
/// (`insightDetails`) and every key that marks another shape are left out.
pub const RECORD_KEYS: [&str; 30] = [
    "eventVersion",
    "userIdentity",
    "eventTime",
    "eventSource",
    "eventName",
    "awsRegion",
    "sourceIPAddress",
    "userAgent",
    "errorCode",
    "errorMessage",
    "requestParameters",
    "responseElements",
    "additionalEventData",
    "requestID",
    "eventID",
    "readOnly",
    "resources",
    "eventType",
    "apiVersion",
    "managementEvent",
    "recipientAccountId",
    "serviceEventDetails",
    "sharedEventID",
    "vpcEndpointId",
    "vpcEndpointAccountId",
    "eventCategory",
    "addendum",
    "sessionCredentialFromConsole",
    "edgeDeviceDetails",
    "tlsDetails",
];

/// Maximum keys in one object that the screen checks for duplicates. Larger objects go to
/// the parser.
pub const MAX_KEYS: usize = 128;

/// Maximum nesting depth the screen follows, below serde_json's own limit of 127.
pub const MAX_DEPTH: u32 = 100;

/// The provider the bundled query requires.
const LAMBDA: &str = "lambda.amazonaws.com";

/// The `eventType` of a CloudTrail Insight event.
const INSIGHT: &str = "AwsCloudTrailInsight";

/// Numbers longer than this go to the parser, so that no accepted number can overflow `f64`.
const MAX_NUMBER_LEN: usize = 100;

/// Returns the full evaluation's result for `text` when the screen can prove it is a
/// no-match (see the module documentation), else `None`.
pub fn screen(rule: &Rule, text: &str, options: &EvalOptions) -> Option<Evaluation> {
    if !matches!(
        options.input_format,
        InputFormat::Auto | InputFormat::CloudTrail
    ) || text.len() as u64 > options.limits.max_bytes
        || !is_bundled_query(rule)
    {
        return None;
    }

    let max_depth = options.limits.max_depth.min(MAX_DEPTH);
    let fields = Scanner::new(text, max_depth).record()?;

    let source = fields.event_source?.as_plain_str()?;
    if source == LAMBDA {
        return None;
    }
    match fields.event_type {
        None | Some(Scalar::Other) => {}
        Some(scalar) if scalar.as_plain_str()? != INSIGHT => {}
        Some(_) => return None,
    }

    let mut doc = Map::new();
    if let Some(timestamp) = timestamp_field(fields.event_time)? {
        doc.insert("@timestamp".to_owned(), Value::String(timestamp));
    }
    let event = EcsEvent {
        doc,
        record_event_id: record_event_id(fields.event_id)?,
        shape: Shape::CloudTrail,
        class: RecordClass::Event,
    };
    Some(Evaluation::NoMatch(NoMatchReason::Query, event))
}

/// Tells whether `rule` runs the query this crate ships, the only query the screen handles.
fn is_bundled_query(rule: &Rule) -> bool {
    static BUNDLED: OnceLock<String> = OnceLock::new();
    let bundled = BUNDLED.get_or_init(|| Rule::bundled().query.source().to_owned());
    rule.query.source() == bundled
}

/// Computes the `@timestamp` that the ECS mapping writes for an `eventTime`. Returns
/// `Some(None)` when the mapping writes none, and `None` when the screen cannot tell.
fn timestamp_field(event_time: Option<Scalar<'_>>) -> Option<Option<String>> {
    let text = match event_time {
        None | Some(Scalar::Other) => return Some(None),
        Some(scalar) => scalar.as_plain_str()?,
    };
    // The mapping reads `eventTime` as ISO 8601, in UTC when it has no offset.
    let Some(time) = Timestamp::parse(text).or_else(|| Timestamp::parse(&format!("{text}Z")))
    else {
        return Some(None);
    };
    Some(Some(write_timestamp(text, time)))
}

/// Writes `time` as the mapping does (`YYYY-MM-DDTHH:MM:SS.mmmZ`). CloudTrail writes whole
/// seconds in UTC (`2024-05-01T12:00:00Z`), and for that form the result is the same text
/// with `.000` before the `Z`, which skips the formatter. A leap second (`:60`) parses as
/// the end of second 59, so it takes the formatter.
fn write_timestamp(event_time: &str, time: Timestamp) -> String {
    let bytes = event_time.as_bytes();
    let whole_seconds_utc = bytes.len() == 20
        && bytes[19] == b'Z'
        && bytes.iter().enumerate().all(|(index, &byte)| match index {
            4 | 7 => byte == b'-',
            10 => byte == b'T',
            13 | 16 => byte == b':',
            19 => true,
            _ => byte.is_ascii_digit(),
        })
        && &event_time[17..19] < "60";
    if !whole_seconds_utc {
        return time.to_string();
    }
    let mut text = String::with_capacity(24);
    text.push_str(&event_time[..19]);
    text.push_str(".000Z");
    text
}

/// Returns the record id that the full evaluation keeps: a non-empty string `eventID`.
fn record_event_id(event_id: Option<Scalar<'_>>) -> Option<Option<String>> {
    match event_id {
        None | Some(Scalar::Other) => Some(None),
        Some(scalar) => {
            let id = scalar.as_plain_str()?;
            Some((!id.is_empty()).then(|| id.to_owned()))
        }
    }
}

/// A top-level value the screen reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scalar<'t> {
    /// A string, `escaped` when its JSON text contains a backslash escape.
    Str { text: &'t str, escaped: bool },
    /// Any value but a string.
    Other,
}

impl<'t> Scalar<'t> {
    /// Returns the string's value when its JSON text spells it without escapes, and `None`
    /// for an escaped string (left to the parser) or a non-string.
    fn as_plain_str(self) -> Option<&'t str> {
        match self {
            Scalar::Str {
                text,
                escaped: false,
            } => Some(text),
            _ => None,
        }
    }
}

/// The top-level values the screen reads.
#[derive(Debug, Default)]
struct RecordFields<'t> {
    event_source: Option<Scalar<'t>>,
    event_type: Option<Scalar<'t>>,
    event_time: Option<Scalar<'t>>,
    event_id: Option<Scalar<'t>>,
}

/// A validating pass over JSON text that accepts a subset of what serde_json accepts.
/// Every method returns `None` when the text leaves that subset.
struct Scanner<'t> {
    text: &'t str,
    bytes: &'t [u8],
    pos: usize,
    max_depth: u32,
    /// Keys of the objects being scanned, innermost last, with a hash to compare first.
    keys: Vec<(u64, &'t [u8])>,
}

impl<'t> Scanner<'t> {
    fn new(text: &'t str, max_depth: u32) -> Scanner<'t> {
        Scanner {
            text,
            bytes: text.as_bytes(),
            pos: 0,
            max_depth,
            keys: Vec::with_capacity(64),
        }
    }

    /// Scans a whole text that must be one object of CloudTrail record keys, and returns
    /// the values the screen reads.
    fn record(mut self) -> Option<RecordFields<'t>> {
        if self.max_depth < 1 {
            return None;
        }
        self.skip_whitespace();
        self.expect(b'{')?;
        let mut fields = RecordFields::default();

        self.skip_whitespace();
        if self.peek()? == b'}' {
            return None;
        }
        // Top-level keys are checked against RECORD_KEYS, which lists each key once, so a
        // bit per entry catches a repeated key. Records list their keys in CloudTrail's
        // order, which RECORD_KEYS follows, so the search starts after the last key found.
        let mut seen = 0u32;
        let mut next_index = 0;
        loop {
            let key = self.plain_key()?;
            let index = record_key_index(key, next_index)?;
            if seen & (1 << index) != 0 {
                return None;
            }
            seen |= 1 << index;
            next_index = index + 1;

            self.colon()?;
            let slot = match key {
                "eventSource" => Some(&mut fields.event_source),
                "eventType" => Some(&mut fields.event_type),
                "eventTime" => Some(&mut fields.event_time),
                "eventID" => Some(&mut fields.event_id),
                _ => None,
            };
            match slot {
                Some(slot) => *slot = Some(self.scalar(1)?),
                None => self.value(1)?,
            }
            if !self.next_member(b'}')? {
                break;
            }
        }

        self.skip_whitespace();
        (self.pos == self.bytes.len()).then_some(fields)
    }

    /// Scans a value nested in a container at `depth`.
    fn value(&mut self, depth: u32) -> Option<()> {
        match self.peek()? {
            b'{' => self.object(depth + 1),
            b'[' => self.array(depth + 1),
            b'"' => self.string().map(|_| ()),
            b't' => self.literal(b"true"),
            b'f' => self.literal(b"false"),
            b'n' => self.literal(b"null"),
            b'-' | b'0'..=b'9' => self.number(),
            _ => None,
        }
    }

    /// Scans a value and keeps it when it is a string.
    fn scalar(&mut self, depth: u32) -> Option<Scalar<'t>> {
        if self.peek()? == b'"' {
            let (text, escaped) = self.string()?;
            return Some(Scalar::Str { text, escaped });
        }
        self.value(depth)?;
        Some(Scalar::Other)
    }

    fn object(&mut self, depth: u32) -> Option<()> {
        if depth > self.max_depth {
            return None;
        }
        self.pos += 1;
        self.skip_whitespace();
        if self.peek()? == b'}' {
            self.pos += 1;
            return Some(());
        }

        let first_key = self.keys.len();
        loop {
            self.key_checked(first_key)?;
            self.colon()?;
            self.value(depth)?;
            if !self.next_member(b'}')? {
                break;
            }
        }
        self.keys.truncate(first_key);
        Some(())
    }

    fn array(&mut self, depth: u32) -> Option<()> {
        if depth > self.max_depth {
            return None;
        }
        self.pos += 1;
        self.skip_whitespace();
        if self.peek()? == b']' {
            self.pos += 1;
            return Some(());
        }
        loop {
            self.value(depth)?;
            if !self.next_member(b']')? {
                return Some(());
            }
        }
    }

    /// Reads a key that is spelled without escapes.
    fn plain_key(&mut self) -> Option<&'t str> {
        if self.peek()? != b'"' {
            return None;
        }
        match self.string()? {
            (key, false) => Some(key),
            (_, true) => None,
        }
    }

    /// Reads a key without escapes and checks that the object has not had it before; the
    /// object's keys are `self.keys[first_key..]`.
    fn key_checked(&mut self, first_key: usize) -> Option<&'t str> {
        let key = self.plain_key()?;
        let bytes = key.as_bytes();
        let hash = key_hash(bytes);
        let seen = &self.keys[first_key..];
        if seen.len() >= MAX_KEYS
            || seen
                .iter()
                .any(|&(other_hash, other)| other_hash == hash && other == bytes)
        {
            return None;
        }
        self.keys.push((hash, bytes));
        Some(key)
    }

    fn colon(&mut self) -> Option<()> {
        self.skip_whitespace();
        self.expect(b':')?;
        self.skip_whitespace();
        Some(())
    }

    /// After a member: consumes `,` and returns `true` when another member follows, or
    /// consumes `close` and returns `false`.
    fn next_member(&mut self, close: u8) -> Option<bool> {
        self.skip_whitespace();
        let byte = self.peek()?;
        self.pos += 1;
        if byte == close {
            return Some(false);
        }
        if byte != b',' {
            return None;
        }
        self.skip_whitespace();
        Some(true)
    }

    /// Reads a string starting at its opening quote. Returns its text between the quotes
    /// and whether that text contains an escape. `\u` escapes, invalid escapes and raw control
    /// characters end the scan.
    fn string(&mut self) -> Option<(&'t str, bool)> {
        let start = self.pos + 1;
        let mut at = start;
        let mut escaped = false;
        loop {
            at = skip_plain_bytes(self.bytes, at);
            match *self.bytes.get(at)? {
                b'"' => break,
                b'\\' => {
                    if !matches!(
                        self.bytes.get(at + 1)?,
                        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't'
                    ) {
                        return None;
                    }
                    escaped = true;
                    at += 2;
                }
                0x00..=0x1f => return None,
                _ => at += 1,
            }
        }
        self.pos = at + 1;
        // Both ends sit next to an ASCII quote, so they are character boundaries.
        Some((&self.text[start..at], escaped))
    }

    /// Reads `-? (0 | [1-9][0-9]*) (. [0-9]+)?`; an exponent ends the scan.
    fn number(&mut self) -> Option<()> {
        let start = self.pos;
        if self.peek()? == b'-' {
            self.pos += 1;
        }
        match self.peek()? {
            b'0' => self.pos += 1,
            b'1'..=b'9' => self.digits(),
            _ => return None,
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if !self.peek()?.is_ascii_digit() {
                return None;
            }
            self.digits();
        }
        let next = self.peek();
        let ends_cleanly = !matches!(next, Some(b'0'..=b'9' | b'e' | b'E' | b'.'));
        (ends_cleanly && self.pos - start <= MAX_NUMBER_LEN).then_some(())
    }

    fn digits(&mut self) {
        while self.peek().is_some_and(|byte| byte.is_ascii_digit()) {
            self.pos += 1;
        }
    }

    fn literal(&mut self, word: &[u8]) -> Option<()> {
        let end = self.pos + word.len();
        if self.bytes.get(self.pos..end)? != word {
            return None;
        }
        self.pos = end;
        Some(())
    }

    fn expect(&mut self, byte: u8) -> Option<()> {
        if self.peek()? != byte {
            return None;
        }
        self.pos += 1;
        Some(())
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// Skips JSON's four whitespace characters, as serde_json does.
    fn skip_whitespace(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\n' | b'\t' | b'\r')) {
            self.pos += 1;
        }
    }
}

/// Returns the index of `key` in [`RECORD_KEYS`], searching from `start` and wrapping
/// around, or `None` when it is not a record key.
fn record_key_index(key: &str, start: usize) -> Option<usize> {
    let count = RECORD_KEYS.len();
    (0..count)
        .map(|offset| (start + offset) % count)
        .find(|&index| RECORD_KEYS[index] == key)
}

/// Returns the index of the first byte at or after `at` that is a quote, a backslash or a
/// control character, or the length of `bytes`. Tests eight bytes at a time.
fn skip_plain_bytes(bytes: &[u8], mut at: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;

    while let Some(chunk) = bytes.get(at..at + 8) {
        let word = u64::from_le_bytes(chunk.try_into().expect("the chunk has eight bytes"));
        let quote = word ^ (ONES * u64::from(b'"'));
        let backslash = word ^ (ONES * u64::from(b'\\'));
        // A byte below 0x20 borrows into its high bit. Bytes of 0x80 and above are masked
        // out by `!word`, so UTF-8 text never trips the test.
        let zero_in_quote = quote.wrapping_sub(ONES) & !quote;
        let zero_in_backslash = backslash.wrapping_sub(ONES) & !backslash;
        let control = word.wrapping_sub(ONES * 0x20) & !word;
        if (zero_in_quote | zero_in_backslash | control) & HIGHS != 0 {
            break;
        }
        at += 8;
    }
    while let Some(&byte) = bytes.get(at) {
        if byte == b'"' || byte == b'\\' || byte < 0x20 {
            return at;
        }
        at += 1;
    }
    at
}

/// Hashes a key's length and its first and last eight bytes. Keys are compared by hash
/// first, and byte by byte only when the hashes are equal.
fn key_hash(key: &[u8]) -> u64 {
    let head = key.get(..8).map_or_else(
        || {
            key.iter()
                .fold(0u64, |hash, &byte| (hash << 8) | u64::from(byte))
        },
        |head| u64::from_le_bytes(head.try_into().expect("eight bytes")),
    );
    let tail = key.len().checked_sub(8).map_or(0, |start| {
        u64::from_le_bytes(key[start..].try_into().expect("eight bytes"))
    });
    (head ^ tail.rotate_left(29)).wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ key.len() as u64
}

#[cfg(test)]
mod tests {
    use super::{MAX_NUMBER_LEN, Scanner, skip_plain_bytes};

    fn scans(text: &str) -> bool {
        Scanner::new(text, 64).record().is_some()
    }

    #[test]
    fn plain_bytes_stop_at_specials() {
        let cases = [
            ("abcdefghijklmnop\"", 16),
            ("abc\\def", 3),
            ("abcdefgh\u{1}ijk", 8),
            ("éàüöéàüöéàüö\"", "éàüöéàüöéàüö".len()),
            ("short", 5),
        ];
        for (text, expected) in cases {
            assert_eq!(skip_plain_bytes(text.as_bytes(), 0), expected, "{text:?}");
        }
    }

    #[test]
    fn scanner_accepts_record_subset() {
        let cases = [
            r#"{"eventSource":"s3.amazonaws.com"}"#,
            " {\"eventSource\" : \"s3\" , \"readOnly\":true}\r\n",
            r#"{"eventSource":"s3","requestParameters":{"a":[1,-2.5,0,null,false,{}],"b":[]}}"#,
            r#"{"eventSource":"s3","userAgent":"a\"b\\c\/d\n"}"#,
        ];
        for text in cases {
            assert!(scans(text), "{text}");
        }
    }

    #[test]
    fn scanner_rejects_what_it_cannot_prove() {
        let long_number = format!(
            r#"{{"eventSource":"s3","readOnly":{}}}"#,
            "9".repeat(MAX_NUMBER_LEN + 1)
        );
        let cases = [
            r#"{"eventSource":"s3","eventSource":"ec2"}"#,
            r#"{"eventSource":"s3","requestParameters":{"a":1,"a":2}}"#,
            r#"{"eventSource":"s3","userAgent":"\u0041"}"#,
            r#"{"eventSource":"s3","userAgent":"\x"}"#,
            "{\"eventSource\":\"s3\",\"userAgent\":\"a\tb\"}",
            r#"{"eventSource":"s3","readOnly":1e5}"#,
            r#"{"eventSource":"s3","readOnly":01}"#,
            r#"{"eventSource":"s3","readOnly":1.}"#,
            r#"{"eventSource":"s3","readOnly":-}"#,
            r#"{"eventSource":"s3","readOnly":tru}"#,
            r#"{"eventSource":"s3",}"#,
            r#"{"eventSource":"s3","resources":[1,]}"#,
            r#"{"eventSource":"s3"} x"#,
            r#"{"eventSource":"s3""#,
            r#"{"Records":[]}"#,
            r#"{"eventSource":"s3","insightDetails":{}}"#,
            r#"{"event\/Source":"s3"}"#,
            r#"{}"#,
            r#"[]"#,
            &long_number,
        ];
        for text in cases {
            assert!(!scans(text), "{text}");
        }
    }

    #[test]
    fn scanner_bounds_depth() {
        let nested = |depth: usize| {
            format!(
                r#"{{"eventSource":"s3","requestParameters":{}1{}}}"#,
                "[".repeat(depth),
                "]".repeat(depth)
            )
        };

        assert!(Scanner::new(&nested(63), 64).record().is_some());
        assert!(Scanner::new(&nested(64), 64).record().is_none());
    }
}
