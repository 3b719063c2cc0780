//! Streaming input: turns files, directories and standard input into events.
//!
//! [`walk`] expands command-line paths into [`Source`]s, and [`Source::items`] reads one of
//! them as an iterator of [`InputItem`]s. Each item is one event (its JSON text), one skipped
//! input or one input error, with the [`Origin`] the host prints: `PATH:LINE`, plus a
//! [`Label`] such as `Records[17]` for an element of a container document.
//!
//! # Encodings
//!
//! Gzip is recognised by its magic bytes, not the file name, so it works on standard input,
//! and it is read as a multi-member stream, since log shippers often concatenate members. When the gzip data is corrupt or truncated, the items read before stay and the
//! rest of the source is one error that names the decompressed byte count. Corrupt data in a
//! member is often only detected at the member's checksum, after its events were read.
//! zstd, xz, bzip2 and zip are recognised only to reject them with a message. The text must
//! be UTF-8. A byte-order mark at its start is skipped, and UTF-16 is rejected. Line numbers
//! and byte offsets count in the decompressed text, the byte-order mark included.
//!
//! # Values, lines and containers
//!
//! The text is a sequence of JSON values separated by blank space. Blank lines are not
//! events, and CRLF line endings are accepted. A top-level value is one event, unless it is an
//! object with a container array, which is split into one event per element:
//!
//! - `Records` (a CloudTrail log file as delivered to S3): each element is a record.
//! - `Events` (the output of `aws cloudtrail lookup-events`): each element is a lookup-events
//!   item, passed through whole.
//! - `logEvents` (a CloudWatch Logs subscription payload): each element's `message` string is
//!   the event, so the event is the CloudTrail record itself. When `messageType` is
//!   `CONTROL_MESSAGE`, the payload is one skipped item and its log events are dropped.
//!
//! The container key may be anywhere among the object's keys, and keys are compared after
//! JSON unescaping. Beside it, the object may have only the keys of the container's format
//! (`NextToken` for lookup-events, `messageType`, `owner`, `logGroup` and the like for
//! CloudWatch Logs, none for `Records`). The first other key is one `UnexpectedKey` error,
//! as the object itself is no event, and the elements are still read. An element that is not an object is an error
//! (`Records[3]: expected a JSON object, found string`). Each element's origin is the line
//! and byte offset where it starts. The rest of a container document is checked for its
//! structure but is not an event. A top-level array is no container: `[{...}, {...}]` is one
//! event, which the component rejects as not an object.
//!
//! The top-level object of a container document must not have the same key twice (compared
//! after unescaping), because a SIEM that keeps the other occurrence could read different
//! events from the file. The repeated key is one `RepeatedKey` error at its second
//! occurrence. The elements read before it stay events, and each element of a container
//! after it is a skipped item of kind `after-repeated-key`. An object that is one event is
//! passed on whole, and the component rejects a repeated key in it.
//!
//! # Slow input
//!
//! [`Items::next_step`] returns [`Step::Idle`] before a read of a pipe, terminal or socket
//! that would wait for data (on Unix, where poll(2) reports it), so that a consumer can report
//! the items it has first. Regular files never wait. The plain iterator passes over it.
//!
//! Memory is bounded by the maximum event size ([`ReaderOptions::max_event_bytes`], 1 MiB by
//! default), not by the size of a file. The reader holds the event it is collecting (at most
//! the maximum), the top-level keys of the current object (at most the maximum or 64 KiB,
//! whichever is larger, else one `TooLarge` error that skips the rest of the document as a
//! repeated key does), the items completed from one 256 KiB read buffer until they are taken,
//! and the gzip decoder's buffers.
//!
//! A value or element larger than the maximum is one `TooLarge` error, reported at the byte
//! that passes the maximum, so that one that never ends is reported too. The reader follows
//! its structure to its end without holding it, and damage in a top-level value after that is
//! not reported again. A top-level object that passes the maximum before a container array
//! opens is such an error, and none of its arrays is split. While the reader skips ahead
//! after an error, a line that goes on past the maximum is one more `TooLarge` error, once
//! per line, so that endless input without line breaks (`/dev/zero`) is reported as well.
//!
//! # NDJSON and multi-line documents
//!
//! A source's first top-level value decides how line breaks are read. If it ends on the line
//! where it starts, the source is NDJSON: every value must end on its line. A line that ends
//! inside a value is then an error (the line is incomplete), and the next line is read
//! normally. If the first value spans lines, values may span lines, as pretty-printed
//! documents do. Either way, several objects or arrays may follow each other on a line
//! (`{...}{...}`, as some delivery pipelines write them), but a value followed on its line by
//! anything other than blank space or the start of another object or array makes that line
//! one error.
//!
//! # Errors and recovery
//!
//! The reader checks the JSON structure (brackets, strings, commas, colons) that finding the
//! end of a value needs; invalid scalar tokens and escapes are left to the component that
//! parses the event. A line break inside a string is a structural error, as JSON forbids it.
//! Each event's text must be valid UTF-8 without NUL bytes; otherwise the event is an error
//! naming the byte offset. A structural error abandons the value it occurs in (for a
//! container document, the rest of the document), reports one error, and skips ahead:
//!
//! - NDJSON: to the next line.
//! - Multi-line: to the next line that begins with `{` or `[` in its first column (the start
//!   of the next unindented document or line). When the error is found at such a bracket, as
//!   when a truncated line is followed by a complete one, reading resumes at that bracket.
//!
//! The lines skipped belong to the one error; the input ending inside a value is one error
//! too. A source that cannot be opened is one error at line 0, displayed as `PATH` alone.

mod capture;
mod document;
mod frame;
#[cfg(unix)]
mod idle;
mod item;
mod items;
mod options;
mod scanner;
mod source;

#[cfg(test)]
mod tests;

pub use item::{
    AFTER_REPEATED_KEY, CLOUDWATCH_CONTROL_MESSAGE, InputError, InputErrorKind, InputItem, Label,
    Origin, Payload,
};
pub use items::{Items, Step, Steps};
pub use options::{Containers, DEFAULT_MAX_EVENT_BYTES, ReaderOptions};
pub use source::{STDIN_NAME, Source, walk};
