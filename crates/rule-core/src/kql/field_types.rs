//! Elasticsearch field types of the ECS and AWS integration fields that the rule and its
//! typical exceptions read, and values compared in those types.
//!
//! A term clause on a keyword field compares text. On the other types it compares values:
//! numbers numerically, dates as instants, addresses as IP addresses, as Elasticsearch does
//! for the same query. Range clauses need the type too: `source.port > 1000` is numeric,
//! while on a keyword field `"10" < "9"`.

use std::cmp::Ordering;
use std::fmt::{self, Write};
use std::net::IpAddr;

use serde_json::Value;

use crate::timestamp::Timestamp;

/// The Elasticsearch type of a field, as far as matching needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum FieldType {
    /// `keyword`, `constant_keyword`, `wildcard` and the leaves of `flattened` fields, and
    /// every field the table does not list.
    Keyword,
    Date,
    Long,
    /// `float`, `scaled_float` and `double`.
    Double,
    Ip,
    Boolean,
}

/// ECS 8 and the AWS integration's CloudTrail data stream map these fields to types other
/// than keyword. The rest of `event.*`, `cloud.*`, `user.*`, `source.address`,
/// `data_stream.*` and `aws.cloudtrail.*` (including `management_event` and
/// `session_context.mfa_authenticated`) are keywords.
const TYPED_FIELDS: &[(&str, FieldType)] = &[
    ("@timestamp", FieldType::Date),
    ("event.created", FieldType::Date),
    ("event.end", FieldType::Date),
    ("event.ingested", FieldType::Date),
    ("event.start", FieldType::Date),
    (
        "aws.cloudtrail.user_identity.session_context.creation_date",
        FieldType::Date,
    ),
    ("event.duration", FieldType::Long),
    ("event.sequence", FieldType::Long),
    ("event.severity", FieldType::Long),
    ("source.port", FieldType::Long),
    ("destination.port", FieldType::Long),
    ("client.port", FieldType::Long),
    ("server.port", FieldType::Long),
    ("source.as.number", FieldType::Long),
    ("event.risk_score", FieldType::Double),
    ("event.risk_score_norm", FieldType::Double),
    ("source.ip", FieldType::Ip),
    ("destination.ip", FieldType::Ip),
    ("client.ip", FieldType::Ip),
    ("server.ip", FieldType::Ip),
    ("host.ip", FieldType::Ip),
    ("related.ip", FieldType::Ip),
    ("aws.cloudtrail.read_only", FieldType::Boolean),
    (
        "aws.cloudtrail.console_login.additional_eventdata.mfa_used",
        FieldType::Boolean,
    ),
    (
        "aws.cloudtrail.console_login.additional_eventdata.mobile_version",
        FieldType::Boolean,
    ),
];

impl FieldType {
    /// The type of `field`. A field the table does not list is compared as a keyword.
    pub fn of(field: &str) -> FieldType {
        TYPED_FIELDS
            .iter()
            .find(|(name, _)| *name == field)
            .map_or(FieldType::Keyword, |(_, field_type)| *field_type)
    }

    pub fn name(self) -> &'static str {
        match self {
            FieldType::Keyword => "keyword",
            FieldType::Date => "date",
            FieldType::Long => "long",
            FieldType::Double => "double",
            FieldType::Ip => "ip",
            FieldType::Boolean => "boolean",
        }
    }
}

/// A number as Elasticsearch reads one: an integer where the text is one, else a double.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Number {
    Integer(i128),
    Float(f64),
}

impl Number {
    fn parse(text: &str) -> Option<Number> {
        if let Ok(integer) = text.parse::<i128>() {
            return Some(Number::Integer(integer));
        }
        // Rust also reads `inf` and `NaN`, which are not numbers in JSON or Elasticsearch.
        let float: f64 = text.parse().ok()?;
        float.is_finite().then_some(Number::Float(float))
    }

    fn from_json(number: &serde_json::Number) -> Option<Number> {
        if let Some(integer) = number.as_i64() {
            return Some(Number::Integer(integer.into()));
        }
        if let Some(integer) = number.as_u64() {
            return Some(Number::Integer(integer.into()));
        }
        number.as_f64().map(Number::Float)
    }

    /// Drops the fraction, as a `long` field does when it indexes `1.5` (its `coerce`
    /// default).
    fn truncated(self) -> Number {
        match self {
            Number::Float(float) => Number::Integer(float.trunc() as i128),
            integer => integer,
        }
    }

    fn has_fraction(self) -> bool {
        matches!(self, Number::Float(float) if float.fract() != 0.0)
    }

    fn as_f64(self) -> f64 {
        match self {
            Number::Integer(integer) => integer as f64,
            Number::Float(float) => float,
        }
    }

    // NOTE: an integer beyond 2^53 compared with a float loses precision in the f64
    // conversion; Elasticsearch compares such pairs exactly.
    fn compare(self, other: Number) -> Option<Ordering> {
        match (self, other) {
            (Number::Integer(left), Number::Integer(right)) => Some(left.cmp(&right)),
            _ => self.as_f64().partial_cmp(&other.as_f64()),
        }
    }
}

/// A value of a typed field: a query value, a range bound or a document value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Scalar {
    Number(Number),
    /// Milliseconds since the Unix epoch, the resolution of a `date` field.
    Instant(i64),
    /// An IPv6 address, or an IPv4 address mapped into IPv6 as Elasticsearch stores it.
    Ip(u128),
    Bool(bool),
}

impl Scalar {
    /// Compares two values of one field type; `None` for values of different types.
    pub fn compare(self, other: Scalar) -> Option<Ordering> {
        match (self, other) {
            (Scalar::Number(left), Scalar::Number(right)) => left.compare(right),
            (Scalar::Instant(left), Scalar::Instant(right)) => Some(left.cmp(&right)),
            (Scalar::Ip(left), Scalar::Ip(right)) => Some(left.cmp(&right)),
            (Scalar::Bool(left), Scalar::Bool(right)) => Some(left.cmp(&right)),
            _ => None,
        }
    }
}

/// Reads a query value or range bound written as `text` for a field of a type other than
/// keyword. The error is a hint that describes a valid value.
pub(super) fn parse_scalar(field_type: FieldType, text: &str) -> Result<Scalar, &'static str> {
    let parsed = match field_type {
        FieldType::Keyword => None,
        FieldType::Long | FieldType::Double => Number::parse(text).map(Scalar::Number),
        FieldType::Date => parse_query_date(text).map(Scalar::Instant),
        FieldType::Ip => parse_ip(text).map(Scalar::Ip),
        FieldType::Boolean => parse_bool(text).map(Scalar::Bool),
    };
    parsed.ok_or(match field_type {
        FieldType::Date => {
            "write a complete date-time such as 2024-01-01T00:00:00Z (UTC when the offset is \
             left out) or epoch milliseconds; date math such as now-1d and partial dates are \
             not supported"
        }
        FieldType::Ip => "write an IPv4 or IPv6 address, or in a term a CIDR block",
        FieldType::Boolean => "write true or false",
        _ => "write a number",
    })
}

/// Converts a document value of a typed field, as Elasticsearch would index it. `None`
/// for a value Elasticsearch would reject, which therefore matches nothing.
pub(super) fn document_scalar(field_type: FieldType, value: &Value) -> Option<Scalar> {
    match (field_type, value) {
        (FieldType::Long, _) => document_number(value).map(|n| Scalar::Number(n.truncated())),
        (FieldType::Double, _) => document_number(value).map(Scalar::Number),
        (FieldType::Date, Value::String(text)) => parse_document_date(text).map(Scalar::Instant),
        (FieldType::Date, Value::Number(number)) => epoch_millis(number).map(Scalar::Instant),
        (FieldType::Ip, Value::String(text)) => parse_ip(text).map(Scalar::Ip),
        (FieldType::Boolean, Value::Bool(flag)) => Some(Scalar::Bool(*flag)),
        // A boolean field indexes the empty string as false.
        (FieldType::Boolean, Value::String(text)) if text.is_empty() => Some(Scalar::Bool(false)),
        (FieldType::Boolean, Value::String(text)) => parse_bool(text).map(Scalar::Bool),
        _ => None,
    }
}

/// True when the long field's query value `number` cannot equal any indexed long, so
/// Elasticsearch returns no documents for it.
pub(super) fn is_fractional(scalar: Scalar) -> bool {
    matches!(scalar, Scalar::Number(number) if number.has_fraction())
}

fn document_number(value: &Value) -> Option<Number> {
    match value {
        Value::Number(number) => Number::from_json(number),
        // Numeric fields coerce numeric strings by default.
        Value::String(text) => Number::parse(text.trim()),
        _ => None,
    }
}

fn epoch_millis(number: &serde_json::Number) -> Option<i64> {
    match Number::from_json(number)? {
        Number::Integer(integer) => i64::try_from(integer).ok(),
        Number::Float(float) => Some(float.floor() as i64),
    }
}

fn parse_bool(text: &str) -> Option<bool> {
    match text {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

/// Reads an IP address or an IPv4 address as its IPv4-mapped IPv6 form.
pub(super) fn parse_ip(text: &str) -> Option<u128> {
    let address: IpAddr = text.parse().ok()?;
    Some(match address {
        IpAddr::V4(v4) => u128::from(v4.to_ipv6_mapped()),
        IpAddr::V6(v6) => u128::from(v6),
    })
}

/// Reads a CIDR block such as `192.0.2.0/24` as its first and last address.
pub(super) fn parse_cidr(text: &str) -> Option<(u128, u128)> {
    let (address, prefix) = text.split_once('/')?;
    let prefix: u32 = prefix.parse().ok()?;
    let is_v4 = address.parse::<std::net::Ipv4Addr>().is_ok();
    let (max_prefix, offset) = if is_v4 { (32, 96) } else { (128, 0) };
    if prefix > max_prefix {
        return None;
    }
    let host_bits = 128 - (prefix + offset);
    let mask = if host_bits == 128 {
        u128::MAX
    } else {
        (1u128 << host_bits) - 1
    };
    let first = parse_ip(address)? & !mask;
    Some((first, first | mask))
}

/// Reads a date in a query: a complete date-time, taken as UTC when it has no offset (the
/// detection engine sends `time_zone: Zulu`), or epoch milliseconds.
fn parse_query_date(text: &str) -> Option<i64> {
    if !text.is_empty() && text.bytes().all(|byte| byte.is_ascii_digit()) {
        return text.parse().ok();
    }
    if !text.contains('T') {
        return None;
    }
    timestamp_millis(text)
}

/// Reads a date in a document with the `strict_date_optional_time||epoch_millis` format of
/// ECS date fields: a date alone is midnight UTC.
fn parse_document_date(text: &str) -> Option<i64> {
    if let Some(millis) = parse_query_date(text) {
        return Some(millis);
    }
    let is_date_only = text.len() == 10 && text.as_bytes()[4] == b'-' && text.as_bytes()[7] == b'-';
    if is_date_only {
        timestamp_millis(&format!("{text}T00:00:00Z"))
    } else {
        None
    }
}

fn timestamp_millis(text: &str) -> Option<i64> {
    let timestamp = Timestamp::parse(text).or_else(|| Timestamp::parse(&format!("{text}Z")))?;
    i64::try_from(timestamp.unix_nanos().div_euclid(1_000_000)).ok()
}

/// Calls `compare` with the text a keyword field indexes for `value`: a string as is, a
/// number and a boolean in their JSON form (`42`, `1.5`, `true`). Returns `None` for an
/// object, which a keyword field cannot index.
///
/// NOTE: Elasticsearch indexes a number's text as written in the source, while serde_json
/// keeps only the number, so `1.0` and `1e3` come back as `1.0` and `1000.0`.
pub(super) fn with_keyword<T>(value: &Value, compare: impl FnOnce(&str) -> T) -> Option<T> {
    match value {
        Value::String(text) => Some(compare(text)),
        Value::Bool(true) => Some(compare("true")),
        Value::Bool(false) => Some(compare("false")),
        Value::Number(number) => {
            let mut text = StackText::default();
            match write!(text, "{number}") {
                Ok(()) => Some(compare(text.as_str())),
                Err(_) => Some(compare(&number.to_string())),
            }
        }
        _ => None,
    }
}

/// A short text on the stack, so that formatting a number allocates nothing.
struct StackText {
    bytes: [u8; 48],
    len: usize,
}

impl Default for StackText {
    fn default() -> Self {
        StackText {
            bytes: [0; 48],
            len: 0,
        }
    }
}

impl StackText {
    fn as_str(&self) -> &str {
        std::str::from_utf8(&self.bytes[..self.len]).expect("only whole strings are written")
    }
}

impl Write for StackText {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        let end = self.len + text.len();
        let slot = self.bytes.get_mut(self.len..end).ok_or(fmt::Error)?;
        slot.copy_from_slice(text.as_bytes());
        self.len = end;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn table_lookup() {
        assert_eq!(FieldType::of("@timestamp"), FieldType::Date);
        assert_eq!(FieldType::of("source.ip"), FieldType::Ip);
        assert_eq!(
            FieldType::of("aws.cloudtrail.read_only"),
            FieldType::Boolean
        );
        assert_eq!(FieldType::of("event.action"), FieldType::Keyword);
        assert_eq!(
            FieldType::of("aws.cloudtrail.management_event"),
            FieldType::Keyword
        );
        assert_eq!(FieldType::of("no.such.field"), FieldType::Keyword);
    }

    #[test]
    fn keyword_forms() {
        let cases = [
            (json!("DeleteFunction"), Some("DeleteFunction")),
            (json!(42), Some("42")),
            (json!(-7), Some("-7")),
            (json!(1.5), Some("1.5")),
            (json!(18446744073709551615u64), Some("18446744073709551615")),
            (json!(true), Some("true")),
            (json!(false), Some("false")),
            (json!({"a": 1}), None),
        ];
        for (value, expected) in cases {
            let found = with_keyword(&value, str::to_string);
            assert_eq!(found.as_deref(), expected, "{value}");
        }
    }

    #[test]
    fn query_dates() {
        let expected = 1_704_067_200_000;
        assert_eq!(parse_query_date("2024-01-01T00:00:00Z"), Some(expected));
        assert_eq!(parse_query_date("2024-01-01T00:00:00"), Some(expected));
        assert_eq!(
            parse_query_date("2024-01-01T02:00:00+02:00"),
            Some(expected)
        );
        assert_eq!(
            parse_query_date("2024-01-01T00:00:00.123456Z"),
            Some(expected + 123)
        );
        assert_eq!(parse_query_date("1704067200000"), Some(expected));
        assert_eq!(parse_query_date("2024-01-01"), None);
        assert_eq!(parse_query_date("now-1d"), None);
    }

    #[test]
    fn document_dates() {
        let expected = Some(Scalar::Instant(1_704_067_200_000));
        assert_eq!(
            document_scalar(FieldType::Date, &json!("2024-01-01")),
            expected
        );
        assert_eq!(
            document_scalar(FieldType::Date, &json!("2024-01-01T00:00:00.000Z")),
            expected
        );
        assert_eq!(
            document_scalar(FieldType::Date, &json!(1_704_067_200_000u64)),
            expected
        );
        assert_eq!(document_scalar(FieldType::Date, &json!("yesterday")), None);
    }

    #[test]
    fn document_numbers() {
        let long = |value: Value| document_scalar(FieldType::Long, &value);
        assert_eq!(long(json!(42)), Some(Scalar::Number(Number::Integer(42))));
        assert_eq!(long(json!("42")), Some(Scalar::Number(Number::Integer(42))));
        assert_eq!(long(json!(42.9)), Some(Scalar::Number(Number::Integer(42))));
        assert_eq!(long(json!("x")), None);
        assert_eq!(long(json!(true)), None);
        let double = document_scalar(FieldType::Double, &json!(42.5));
        assert_eq!(double, Some(Scalar::Number(Number::Float(42.5))));
    }

    #[test]
    fn ip_addresses() {
        assert_eq!(parse_ip("192.0.2.1"), parse_ip("::ffff:192.0.2.1"));
        assert_eq!(parse_ip("2001:db8::1"), parse_ip("2001:0db8:0:0::1"));
        assert_eq!(parse_ip("lambda.amazonaws.com"), None);
        let (first, last) = parse_cidr("192.0.2.0/24").unwrap();
        assert_eq!(Some(first), parse_ip("192.0.2.0"));
        assert_eq!(Some(last), parse_ip("192.0.2.255"));
        let (first, last) = parse_cidr("2001:db8::/32").unwrap();
        assert_eq!(Some(first), parse_ip("2001:db8::"));
        assert_eq!(
            Some(last),
            parse_ip("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff")
        );
        assert_eq!(parse_cidr("192.0.2.0/33"), None);
        assert_eq!(parse_cidr("::/0"), Some((0, u128::MAX)));
    }

    #[test]
    fn number_comparison() {
        let compare =
            |a: &str, b: &str| Number::parse(a).unwrap().compare(Number::parse(b).unwrap());
        assert_eq!(compare("10", "9"), Some(Ordering::Greater));
        assert_eq!(compare("1.5", "2"), Some(Ordering::Less));
        assert_eq!(compare("2", "2.0"), Some(Ordering::Equal));
        assert_eq!(Number::parse("inf"), None);
        assert_eq!(Number::parse("NaN"), None);
    }
}
