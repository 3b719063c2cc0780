//! The reader's output: one item per event, skip or input error, each with its origin.

use std::fmt;
use std::sync::Arc;

/// The place in the input an item comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// The path as given on the command line or found by the directory walk; `-` for
    /// standard input. Shared by every item of a source, so no item copies it.
    pub path: Arc<str>,
    /// The 1-based line where the item starts, counted in the decompressed text. It is 0 when
    /// the item concerns the whole source (a missing path, an unreadable file).
    pub line: u64,
    /// The 0-based offset of the item's first byte in the decompressed stream, when known.
    pub byte_offset: Option<u64>,
    /// The element of a container document; `None` for a top-level value.
    pub label: Option<Label>,
}

/// An element of a container document, displayed as `Records[17]`, `logEvents[3]` or
/// `Events[0]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Label {
    /// The key of the container array: `Records`, `Events` or `logEvents`.
    pub container: &'static str,
    /// The 0-based index of the element in the array.
    pub index: u64,
}

impl fmt::Display for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}[{}]", self.container, self.index)
    }
}

impl Origin {
    /// Formats an error report for this origin: `PATH:LINE: error: [LABEL: ]MESSAGE`, or
    /// `PATH: error: MESSAGE` when the line is 0.
    ///
    /// The host uses it for input errors and for the errors the component returns, so both
    /// read the same.
    pub fn format_error(&self, message: impl fmt::Display) -> String {
        match &self.label {
            Some(label) => format!("{self}: error: {label}: {message}"),
            None => format!("{self}: error: {message}"),
        }
    }
}

impl fmt::Display for Origin {
    /// Writes `PATH:LINE`, or `PATH` alone when the line is 0.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}", self.path)
        } else {
            write!(f, "{}:{}", self.path, self.line)
        }
    }
}

/// The kind of an [`InputError`], for counting errors by cause.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InputErrorKind {
    /// The path does not exist, cannot be opened, is not a regular file inside a directory,
    /// or reading it failed.
    Unreadable,
    /// The gzip stream is corrupt or truncated; the error covers the rest of the source.
    Gzip,
    /// The input is in an encoding or compression the reader does not handle (UTF-16,
    /// zstd, bzip2, xz, zip).
    UnsupportedEncoding,
    /// The JSON structure is broken (a bracket that does not match, a missing comma or
    /// colon, a line break inside a string).
    Syntax,
    /// The input ends inside a JSON value.
    Truncated,
    /// An event's bytes are not valid UTF-8.
    InvalidUtf8,
    /// An event contains a NUL byte.
    NulByte,
    /// An event is larger than the maximum event size.
    TooLarge,
    /// An element of a container document is not a JSON object.
    NotAnObject,
    /// A CloudWatch Logs log event is not valid JSON or has no `message` string.
    InvalidLogEvent,
    /// The top-level object of a container document has the same key twice.
    RepeatedKey,
    /// The top-level object of a container document has a key that is not part of the
    /// container's format, such as a CloudTrail record's own fields beside `Records`.
    UnexpectedKey,
}

/// An input problem the reader found before any event reached the component.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    pub kind: InputErrorKind,
    /// The problem, its place (a byte offset where known) and the fix, without the origin.
    pub message: String,
}

impl InputError {
    pub(crate) fn new(kind: InputErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for InputError {}

/// The kind of [`Payload::Skipped`] for a CloudWatch Logs control message.
pub const CLOUDWATCH_CONTROL_MESSAGE: &str = "cloudwatch-control-message";

/// The kind of [`Payload::Skipped`] for an element of a container document that comes after
/// a top-level key the document repeats.
pub const AFTER_REPEATED_KEY: &str = "after-repeated-key";

/// The content of one item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Payload {
    /// The JSON text of one event, valid UTF-8 without NUL bytes, at most the maximum event
    /// size long. The reader checks only its structure: invalid tokens are left to the
    /// component.
    Event(String),
    /// Input that contains no event and is counted as skipped; the kind, such as
    /// `cloudwatch-control-message`.
    Skipped(&'static str),
    /// Input the reader rejected; counted as one event and one error.
    Error(InputError),
}

/// One event, skip or error, with its origin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputItem {
    pub origin: Origin,
    pub payload: Payload,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn origin(line: u64, label: Option<Label>) -> Origin {
        Origin {
            path: Arc::from("logs/a.json"),
            line,
            byte_offset: None,
            label,
        }
    }

    #[test]
    fn origin_displays_path_and_line() {
        assert_eq!(origin(7, None).to_string(), "logs/a.json:7");
    }

    #[test]
    fn origin_without_line_displays_path() {
        assert_eq!(origin(0, None).to_string(), "logs/a.json");
    }

    #[test]
    fn error_report_includes_label() {
        let report = origin(
            1,
            Some(Label {
                container: "Records",
                index: 17,
            }),
        )
        .format_error("bad record");
        assert_eq!(report, "logs/a.json:1: error: Records[17]: bad record");
    }

    #[test]
    fn error_report_without_label() {
        let report = origin(3, None).format_error("bad line");
        assert_eq!(report, "logs/a.json:3: error: bad line");
    }
}
