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
//! - `eventSource` is a string other than `lambda.amazonaws.com`, so the query fails on
//!   `event.provider`; or it is that string and `eventName` is a string that does not
//!   start with `DeleteFunction`, so the query fails on `event.action`;
//! - `eventType`, when present, is not the string `AwsCloudTrailInsight`.
//!
//! The screen is deliberately narrower than the grammar. It gives up, rather than decode,
//! on anything that needs care to read exactly as the parser does: a `\u` escape of a
//! surrogate, any escape in a key or in a value it reads, numbers with an exponent or over
//! 100 characters, objects with more than [`MAX_KEYS`] keys, and nesting past
//! [`MAX_DEPTH`]. Byte-level tests of strings are then exact: without escapes, the JSON
//! text of a string is its value.
//!
//! # How it reads the text
//!
//! One pass, as a parser reads: the walk (`grammar.rs`) moves from token to token over the
//! bytes, and checks each string's bytes and escapes as it crosses it (`scan.rs`). Most
//! bytes of a record are inside strings, and the scan tests 16 of them at a time with SIMD
//! for the three bytes that can end a plain stretch: the quote, the backslash and a control
//! byte. A record's strings average about 16 bytes, so most take one or two such tests.
//!
//! A two-pass design in the manner of simdjson indexes every token 64 bytes at a time and
//! then walks the index. It measured worse on CloudTrail records, whose tokens are mostly
//! short strings. It ran about a fifth more instructions per record in the component, and
//! nearly half more natively (`docs/benchmarks.md`).
//!
//! The result is the full evaluation's `NoMatch(Query, ..)` with the same shape, class and
//! record id, but a document reduced to `@timestamp`: the one field a detector reads from a
//! non-matching event, to date it.

mod grammar;
mod keys;
mod scan;

use std::cell::RefCell;
use std::sync::OnceLock;

use serde_json::{Map, Value};

use crate::NoMatchReason;
use crate::evaluate::{EvalOptions, Evaluation};
use crate::rule::Rule;
use crate::shapes::{EcsEvent, InputFormat, RecordClass, Shape};
use crate::timestamp::Timestamp;
use grammar::{FRAME_SLOTS, KEY_SLOTS, KeyRef, Walker};
use keys::same_bytes;

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

/// The start of every `eventName` the bundled query can match.
const DELETION_PREFIX: &str = "DeleteFunction";

/// The `eventType` of a CloudTrail Insight event.
const INSIGHT: &str = "AwsCloudTrailInsight";

/// Numbers longer than this go to the parser, so that no accepted number can overflow `f64`.
const MAX_NUMBER_LEN: usize = 100;

/// Returns the full evaluation's result for `text` when the screen can prove it is a
/// no-match (see the module documentation), else `None`.
pub fn screen(rule: &Rule, text: &str, options: &EvalOptions) -> Option<Evaluation> {
    if !handles(rule) {
        return None;
    }
    let fields = screen_fields(text, options)?;

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

/// Proves, as [`screen`] does, that `text` is a no-match, and returns the time a detector
/// dates it by: the instant of the `@timestamp` in [`screen`]'s document, read back as the
/// detector reads it. Skips building that document. The caller has checked that the screen
/// [`handles`] its rule.
pub(crate) fn screen_dating_time(text: &str, options: &EvalOptions) -> Option<Option<Timestamp>> {
    let fields = screen_fields(text, options)?;
    // The same give-up rule as `screen`, without copying the id.
    if let Some(Scalar::Str { escaped: true, .. }) = fields.event_id {
        return None;
    }
    dating_time(fields.event_time)
}

/// Runs the screen's checks other than the rule check, and returns the fields of a record
/// it proves cannot match.
fn screen_fields<'t>(text: &'t str, options: &EvalOptions) -> Option<RecordFields<'t>> {
    if !matches!(
        options.input_format,
        InputFormat::Auto | InputFormat::CloudTrail
    ) || text.len() as u64 > options.limits.max_bytes
    {
        return None;
    }

    let max_depth = options.limits.max_depth.min(MAX_DEPTH);
    let fields = read_record(text, max_depth)?;

    let source = fields.event_source?.as_plain_str()?;
    if same_bytes(source.as_bytes(), LAMBDA.as_bytes()) {
        // Lambda's own calls fail the query on `event.action` unless they delete a
        // function; names that start like a deletion take the full evaluation.
        let name = fields.event_name?.as_plain_str()?.as_bytes();
        let prefix = DELETION_PREFIX.as_bytes();
        if name.len() >= prefix.len() && same_bytes(&name[..prefix.len()], prefix) {
            return None;
        }
    }
    match fields.event_type {
        None | Some(Scalar::Other) => {}
        Some(scalar) if !same_bytes(scalar.as_plain_str()?.as_bytes(), INSIGHT.as_bytes()) => {}
        Some(_) => return None,
    }
    Some(fields)
}

/// Tells whether `rule` runs the query this crate ships, the only query the screen handles.
/// It compares the query's text, so a detector calls it once rather than per event.
/// [`screen`] still calls it per event, with a word-wise comparison.
pub(crate) fn handles(rule: &Rule) -> bool {
    static BUNDLED: OnceLock<String> = OnceLock::new();
    let bundled = BUNDLED.get_or_init(|| Rule::bundled().query.source().to_owned());
    same_bytes(rule.query.source().as_bytes(), bundled.as_bytes())
}

/// Computes the `@timestamp` that the ECS mapping writes for an `eventTime`. Returns
/// `Some(None)` when the mapping writes none, and `None` when the screen cannot tell.
fn timestamp_field(event_time: Option<Scalar<'_>>) -> Option<Option<String>> {
    let Some((text, time)) = parse_event_time(event_time)? else {
        return Some(None);
    };
    Some(Some(write_timestamp(text, time)))
}

/// Returns the instant a detector reads back from [`timestamp_field`]'s text, without
/// writing the text when the instant is plain: for CloudTrail's whole seconds in UTC the
/// text names `time` itself.
fn dating_time(event_time: Option<Scalar<'_>>) -> Option<Option<Timestamp>> {
    let Some((text, time)) = parse_event_time(event_time)? else {
        return Some(None);
    };
    if is_whole_seconds_utc(text) {
        return Some(Some(time));
    }
    Some(Timestamp::parse(&time.to_string()))
}

/// Reads `eventTime` as the ECS mapping does: ISO 8601, in UTC when it has no offset.
/// Returns `Some(None)` when the mapping finds no time, and `None` when the screen cannot
/// tell.
fn parse_event_time(event_time: Option<Scalar<'_>>) -> Option<Option<(&str, Timestamp)>> {
    let text = match event_time {
        None | Some(Scalar::Other) => return Some(None),
        Some(scalar) => scalar.as_plain_str()?,
    };
    let time = Timestamp::parse(text).or_else(|| Timestamp::parse(&format!("{text}Z")));
    Some(time.map(|time| (text, time)))
}

/// Writes `time` as the mapping does (`YYYY-MM-DDTHH:MM:SS.mmmZ`). CloudTrail writes whole
/// seconds in UTC (`2024-05-01T12:00:00Z`), and for that form the result is the same text
/// with `.000` before the `Z`, which skips the formatter. A leap second (`:60`) parses as
/// the end of second 59, so it takes the formatter.
fn write_timestamp(event_time: &str, time: Timestamp) -> String {
    if !is_whole_seconds_utc(event_time) {
        return time.to_string();
    }
    let mut text = String::with_capacity(24);
    text.push_str(&event_time[..19]);
    text.push_str(".000Z");
    text
}

/// Tells whether `event_time` is `YYYY-MM-DDTHH:MM:SSZ` with a second below 60.
fn is_whole_seconds_utc(event_time: &str) -> bool {
    let Ok(
        &[
            y0,
            y1,
            y2,
            y3,
            b'-',
            m0,
            m1,
            b'-',
            d0,
            d1,
            b'T',
            h0,
            h1,
            b':',
            n0,
            n1,
            b':',
            s0,
            s1,
            b'Z',
        ],
    ) = <&[u8; 20]>::try_from(event_time.as_bytes())
    else {
        return false;
    };
    // Folded with `&` rather than `all`: in the component, the early exit of `all` became
    // a loop with a time-limit check per byte, and the fold becomes straight-line code.
    let digits = [y0, y1, y2, y3, m0, m1, d0, d1, h0, h1, n0, n1, s0, s1];
    let all_digits = digits
        .iter()
        .fold(true, |all, byte| all & byte.is_ascii_digit());
    // Its digits checked, a second is below 60 when its first digit is below 6.
    all_digits && s0 < b'6'
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
    event_name: Option<Scalar<'t>>,
    event_type: Option<Scalar<'t>>,
    event_time: Option<Scalar<'t>>,
    event_id: Option<Scalar<'t>>,
}

impl<'t> RecordFields<'t> {
    /// Returns where to keep the value of the top-level key `RECORD_KEYS[index]`, when the
    /// screen reads it.
    fn slot(&mut self, index: usize) -> Option<&mut Option<Scalar<'t>>> {
        const EVENT_SOURCE: usize = record_key("eventSource");
        const EVENT_NAME: usize = record_key("eventName");
        const EVENT_TYPE: usize = record_key("eventType");
        const EVENT_TIME: usize = record_key("eventTime");
        const EVENT_ID: usize = record_key("eventID");
        match index {
            EVENT_SOURCE => Some(&mut self.event_source),
            EVENT_NAME => Some(&mut self.event_name),
            EVENT_TYPE => Some(&mut self.event_type),
            EVENT_TIME => Some(&mut self.event_time),
            EVENT_ID => Some(&mut self.event_id),
            _ => None,
        }
    }
}

/// Returns the index of `key` in [`RECORD_KEYS`]; fails the build when it is not there.
const fn record_key(key: &str) -> usize {
    let mut index = 0;
    while index < RECORD_KEYS.len() {
        if const_str_eq(RECORD_KEYS[index], key) {
            return index;
        }
        index += 1;
    }
    panic!("not a record key")
}

const fn const_str_eq(left: &str, right: &str) -> bool {
    let (left, right) = (left.as_bytes(), right.as_bytes());
    if left.len() != right.len() {
        return false;
    }
    let mut index = 0;
    while index < left.len() {
        if left[index] != right[index] {
            return false;
        }
        index += 1;
    }
    true
}

/// The walk's buffers, reused from one event to the next. They have room for the most
/// keys and containers the walk follows.
struct Scratch {
    keys: Box<[KeyRef]>,
    frames: Box<[u64]>,
}

impl Default for Scratch {
    fn default() -> Scratch {
        Scratch {
            keys: vec![KeyRef::default(); KEY_SLOTS].into_boxed_slice(),
            frames: vec![0; FRAME_SLOTS].into_boxed_slice(),
        }
    }
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// Walks `text` and returns the top-level values the screen reads.
fn read_record(text: &str, max_depth: u32) -> Option<RecordFields<'_>> {
    // The walk keeps offsets as u32.
    u32::try_from(text.len()).ok()?;
    SCRATCH.with(|scratch| {
        let mut scratch = scratch.try_borrow_mut().ok()?;
        let Scratch { keys, frames } = &mut *scratch;
        Walker::new(text, max_depth, keys, frames).record()
    })
}

#[cfg(test)]
mod tests;
