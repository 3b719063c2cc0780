//! Exception entries and how each one tests an ECS document.
//!
//! Kibana turns each entry into an Elasticsearch query (`match_phrase`, `wildcard`,
//! `exists`, `nested`), negated with `must_not` for the `excluded` operator. The tests here
//! follow those queries over keyword fields, which is how the AWS integration maps the
//! CloudTrail fields.
//!
//! NOTE: on a `text` field such as `message`, Elasticsearch's `match_phrase` matches a
//! phrase inside the analysed text, whereas the entries here compare whole values.

use std::borrow::Cow;

use serde_json::{Map, Value};

use super::wildcard::Wildcard;
use crate::document;
use crate::kql;

/// Whether an entry requires its condition or its absence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Operator {
    /// The condition must hold.
    Included,
    /// The condition must not hold, so a missing field satisfies it, as with Kibana's
    /// `must_not` clause.
    Excluded,
}

/// The test an entry applies to the values of its field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Condition {
    /// `match`: some value equals the string.
    Match(String),
    /// `match_any`: some value equals one of the strings.
    MatchAny(Vec<String>),
    /// `wildcard`: some value matches the pattern.
    Wildcard(Wildcard),
    /// `exists`: the field has at least one non-null value.
    Exists,
}

/// One entry of an exception item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Entry {
    /// A condition on one field.
    Field {
        field: String,
        operator: Operator,
        condition: Condition,
    },
    /// `nested`: some object element of the array at `path` satisfies every entry, whose
    /// fields are relative to that element.
    Nested { path: String, entries: Vec<Entry> },
}

impl Entry {
    /// Tells whether the entry holds for `doc`.
    pub(crate) fn holds(&self, doc: &Map<String, Value>) -> bool {
        match self {
            Entry::Field {
                field,
                operator,
                condition,
            } => {
                let values = document::field_values(doc, field);
                let found = if kql::is_ip_field(field) {
                    condition.matches_any_address(&values)
                } else {
                    condition.matches_any(&values)
                };
                match operator {
                    Operator::Included => found,
                    Operator::Excluded => !found,
                }
            }
            Entry::Nested { path, entries } => document::field_values(doc, path)
                .into_iter()
                .filter_map(Value::as_object)
                .any(|element| entries.iter().all(|entry| entry.holds(element))),
        }
    }
}

impl Condition {
    fn matches_any(&self, values: &[&Value]) -> bool {
        if *self == Condition::Exists {
            return !values.is_empty();
        }
        values
            .iter()
            .filter_map(|value| keyword(value))
            .any(|text| self.matches(&text))
    }

    /// Matches the values of an `ip` field as Elasticsearch's term query does: a `match`
    /// or `match_any` value is an address or a CIDR block, compared with each address, so
    /// `192.0.2.0/24` covers `192.0.2.44` and `2001:db8::1` equals `2001:DB8::1`. Wildcards
    /// and `exists` read the field as for any other field.
    fn matches_any_address(&self, values: &[&Value]) -> bool {
        let terms: &[String] = match self {
            Condition::Match(term) => std::slice::from_ref(term),
            Condition::MatchAny(terms) => terms,
            Condition::Wildcard(_) | Condition::Exists => return self.matches_any(values),
        };
        let ranges: Vec<(u128, u128)> = terms
            .iter()
            .filter_map(|term| kql::ip_term_range(term))
            .collect();
        values
            .iter()
            .filter_map(|value| kql::document_ip(value))
            .any(|address| {
                ranges
                    .iter()
                    .any(|&(first, last)| (first..=last).contains(&address))
            })
    }

    fn matches(&self, text: &str) -> bool {
        match self {
            Condition::Match(expected) => text == expected,
            Condition::MatchAny(expected) => expected.iter().any(|candidate| text == candidate),
            Condition::Wildcard(pattern) => pattern.matches(text),
            Condition::Exists => true,
        }
    }
}

/// Returns the string a keyword field indexes for a JSON value. Objects index nothing of
/// their own, and `field_values` has already flattened arrays.
fn keyword(value: &Value) -> Option<Cow<'_, str>> {
    match value {
        Value::String(text) => Some(Cow::Borrowed(text)),
        Value::Number(number) => Some(Cow::Owned(number.to_string())),
        Value::Bool(flag) => Some(Cow::Borrowed(if *flag { "true" } else { "false" })),
        Value::Null | Value::Array(_) | Value::Object(_) => None,
    }
}
