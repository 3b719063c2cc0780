//! The wording of the scan's reports.

use crate::cli::MAX_DEPTH;
use crate::runtime::EventError;

/// Describes an event the component rejected, with what to do about it.
pub fn event_error(error: &EventError) -> String {
    match error {
        EventError::InvalidJson(detail) => invalid_json(detail),
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

/// Describes the component's invalid-JSON detail. The parser counts lines and columns
/// within the event, while the report's `PATH:LINE` counts them in the file, so a position
/// is marked as the event's own.
fn invalid_json(detail: &str) -> String {
    if detail.contains(" at line ") {
        format!("invalid JSON: {detail} of the event")
    } else {
        format!("invalid JSON: {detail}")
    }
}

/// The warning printed once for each window whose alert cap was reached.
pub fn cap_reached(window_start: &str) -> String {
    format!(
        "the alert cap was reached in the 5-minute window starting {window_start}; \
         further alerts in that window are counted as suppressed"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_position_is_the_events() {
        let error = EventError::InvalidJson("expected value at line 1 column 7".to_owned());
        assert_eq!(
            event_error(&error),
            "invalid JSON: expected value at line 1 column 7 of the event"
        );
        let error = EventError::InvalidJson("unknown problem".to_owned());
        assert_eq!(event_error(&error), "invalid JSON: unknown problem");
    }
}
