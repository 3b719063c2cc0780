//! The wording of the scan's reports.

use crate::cli::MAX_DEPTH;
use crate::runtime::EventError;

/// Describes an event the component rejected, with what to do about it.
pub fn event_error(error: &EventError) -> String {
    match error {
        EventError::InvalidJson(detail) => format!("invalid JSON: {detail}"),
        EventError::NotAnObject(found) => {
            format!("the event is {found}, not a JSON object; each event must be an object")
        }
        EventError::UnsupportedShape(detail) => format!("unsupported event shape: {detail}"),
        EventError::DuplicateKey(path) => format!(
            "duplicate key {path}: tools may read different values from this record; \
             remove one of the keys"
        ),
        EventError::TooDeep(limit) => format!(
            "JSON nested deeper than {limit} levels; raise the limit with --max-depth (at most \
             {MAX_DEPTH}) if the event is genuine"
        ),
        EventError::TooLarge(limit) => {
            format!("event larger than {limit} bytes; raise the limit with --max-event-bytes")
        }
    }
}

/// The warning printed once for each window whose alert cap was reached.
pub fn cap_reached(window_start: &str) -> String {
    format!(
        "the alert cap was reached in the 5-minute window starting {window_start}; \
         further alerts in that window are counted as suppressed"
    )
}
