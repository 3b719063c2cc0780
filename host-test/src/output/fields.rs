//! Reading the table's columns from an alert document.

use serde_json::Value;

/// The columns of one alert in the `pretty` table. A field the alert lacks is `-`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertRow {
    pub time: String,
    pub actor: String,
    pub function: String,
    pub source: String,
    pub account: String,
    pub region: String,
    pub reason: String,
}

impl AlertRow {
    /// The column names, in table order.
    pub const HEADERS: [&'static str; 7] = [
        "TIME", "ACTOR", "FUNCTION", "SOURCE", "ACCOUNT", "REGION", "REASON",
    ];

    /// Picks the columns out of an alert document, taking the first field present of each
    /// column's candidates.
    pub fn from_document(document: &Value) -> AlertRow {
        let first = |paths: &[&str]| {
            paths
                .iter()
                .find_map(|path| field_text(document, path))
                .map(|text| printable(&text))
                .unwrap_or_else(|| "-".to_owned())
        };
        AlertRow {
            // The event's own time, which gives when the function was deleted. The alert's
            // `@timestamp` is not a stand-in: it gives when the host ran, so an event
            // without a valid `eventTime` shows `-`.
            time: first(&["kibana.alert.original_time"]),
            actor: first(&["user.name", "aws.cloudtrail.user_identity.arn"]),
            function: first(&["aws.cloudtrail.flattened.request_parameters.functionName"]),
            source: first(&["source.ip", "source.address"]),
            account: first(&["cloud.account.id"]),
            region: first(&["cloud.region"]),
            reason: first(&["kibana.alert.reason"]),
        }
    }

    /// The cells, in table order.
    pub fn cells(&self) -> [&str; 7] {
        [
            &self.time,
            &self.actor,
            &self.function,
            &self.source,
            &self.account,
            &self.region,
            &self.reason,
        ]
    }
}

/// The text of the field at the dotted `path`, whether the document nests its objects or
/// writes dotted keys, as Elasticsearch accepts both. Strings are returned as they are,
/// numbers and booleans as JSON, and arrays as their elements joined by `, `. `None` when
/// the field is missing, null or an object.
pub fn field_text(document: &Value, path: &str) -> Option<String> {
    let parts: Vec<&str> = path.split('.').collect();
    lookup(document, &parts).and_then(value_text)
}

fn lookup<'v>(value: &'v Value, parts: &[&str]) -> Option<&'v Value> {
    if parts.is_empty() {
        return Some(value);
    }
    let object = value.as_object()?;

    // A key may itself hold dots, so try every split of the path's first parts.
    (1..=parts.len()).find_map(|taken| {
        let key = parts[..taken].join(".");
        object
            .get(&key)
            .and_then(|inner| lookup(inner, &parts[taken..]))
    })
}

/// Escapes the characters that could move the cursor, break the table's lines, or hide or
/// reorder text on the analyst's terminal, since an attacker controls many fields. Control
/// characters, format characters (the bidirectional controls U+202A to U+202E and U+2066 to
/// U+2069, zero-width spaces), line and paragraph separators, spaces other than U+0020,
/// private-use and unassigned code points become `\n`, `\t` or `\u{202e}`, as Rust's
/// `escape_debug` writes them. Quotes and backslashes stay as they are.
fn printable(text: &str) -> String {
    let mut shown = String::with_capacity(text.len());
    for c in text.chars() {
        if c == ' ' || c.is_ascii_graphic() {
            shown.push(c);
            continue;
        }
        // After the first character, `str::escape_debug` escapes just the characters the
        // standard library's Unicode tables call unprintable, and leaves combining marks
        // (accents, vowel signs) alone, which `char::escape_debug` would escape.
        let pair: String = [' ', c].into_iter().collect();
        shown.extend(pair.escape_debug().skip(1));
    }
    shown
}

fn value_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(_) | Value::Bool(_) => Some(value.to_string()),
        Value::Array(items) => {
            let texts: Vec<String> = items.iter().filter_map(value_text).collect();
            (!texts.is_empty()).then(|| texts.join(", "))
        }
        Value::Null | Value::Object(_) => None,
    }
}
