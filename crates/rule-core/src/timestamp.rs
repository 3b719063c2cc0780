//! Instants in UTC, parsed and written the way Elastic's ingest `date` processor does.

use std::fmt;
use time::format_description::well_known::{Iso8601, Rfc3339};
use time::{OffsetDateTime, UtcOffset};

/// An instant in UTC with nanosecond precision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(OffsetDateTime);

impl Timestamp {
    /// Builds a timestamp from seconds and nanoseconds since the Unix epoch, as WASI's
    /// wall clock reports them. Returns `None` outside the years -9999 to 9999.
    pub fn from_unix(seconds: i64, nanoseconds: u32) -> Option<Self> {
        let nanos = i128::from(seconds) * 1_000_000_000 + i128::from(nanoseconds);
        OffsetDateTime::from_unix_timestamp_nanos(nanos)
            .ok()
            .map(Self)
    }

    /// Parses an ISO 8601 date-time with an offset, such as CloudTrail's `eventTime`
    /// (`2015-03-18T19:04:42Z`) or an ECS `@timestamp` with fractional seconds. Returns
    /// `None` for other text and for an instant outside the years -9999 to 9999 in UTC.
    pub fn parse(text: &str) -> Option<Self> {
        let parsed = OffsetDateTime::parse(text, &Rfc3339)
            .or_else(|_| OffsetDateTime::parse(text, &Iso8601::DEFAULT))
            .ok()?;

        // The offset can move a date at the end of the range past it, as in
        // `9999-12-31T23:59:59-01:00`, and the unchecked conversion would panic.
        let utc = parsed.checked_to_offset(UtcOffset::UTC)?;
        Some(Self(utc))
    }

    /// Seconds since the Unix epoch, rounded down.
    pub fn unix_seconds(&self) -> i64 {
        self.0.unix_timestamp()
    }

    /// Nanoseconds since the Unix epoch.
    pub fn unix_nanos(&self) -> i128 {
        self.0.unix_timestamp_nanos()
    }
}

/// Writes `YYYY-MM-DDTHH:MM:SS.mmmZ`: UTC with millisecond precision, as Elastic stores
/// `@timestamp` after its `date` processor.
impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = self.0;
        write!(
            f,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute(),
            t.second(),
            t.millisecond()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::Timestamp;

    #[test]
    fn parse_cloudtrail_event_time() {
        let ts = Timestamp::parse("2015-03-18T19:04:42Z").unwrap();
        assert_eq!(ts.to_string(), "2015-03-18T19:04:42.000Z");
    }

    #[test]
    fn parse_offset_converts_to_utc() {
        let ts = Timestamp::parse("2024-01-01T01:30:00.123456+02:00").unwrap();
        assert_eq!(ts.to_string(), "2023-12-31T23:30:00.123Z");
    }

    #[test]
    fn parse_rejects_missing_offset_and_garbage() {
        assert!(Timestamp::parse("not a time").is_none());
        assert!(Timestamp::parse("").is_none());
    }

    #[test]
    fn from_unix_round_trips() {
        let ts = Timestamp::from_unix(1_426_705_482, 5_000_000).unwrap();
        assert_eq!(ts.to_string(), "2015-03-18T19:04:42.005Z");
        assert_eq!(ts.unix_seconds(), 1_426_705_482);
    }
}
