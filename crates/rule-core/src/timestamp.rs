//! Instants in UTC, parsed and written the way Elastic's ingest `date` processor does.

use std::fmt;
use time::format_description::well_known::{Iso8601, Rfc3339};
use time::{Date, Month, OffsetDateTime, Time, UtcOffset};

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
        Self::parse_plain_utc(text).or_else(|| Self::parse_general(text))
    }

    /// Reads `YYYY-MM-DDTHH:MM:SSZ` and `YYYY-MM-DDTHH:MM:SS.mmmZ`, CloudTrail's `eventTime`
    /// and the `@timestamp` this crate writes, without the general parsers, which give the
    /// same instant for them more slowly. A leap second or an impossible date returns
    /// `None` and is left to the general parsers.
    fn parse_plain_utc(text: &str) -> Option<Self> {
        let bytes = text.as_bytes();
        let millisecond = match bytes.len() {
            20 => 0,
            24 if bytes[19] == b'.' => decimal(&bytes[20..23])?,
            _ => return None,
        };
        let separators = [(4, b'-'), (7, b'-'), (10, b'T'), (13, b':'), (16, b':')];
        if bytes.last() != Some(&b'Z')
            || separators
                .iter()
                .any(|&(index, separator)| bytes[index] != separator)
        {
            return None;
        }

        let month = Month::try_from(u8::try_from(decimal(&bytes[5..7])?).ok()?).ok()?;
        let date = Date::from_calendar_date(
            i32::try_from(decimal(&bytes[0..4])?).ok()?,
            month,
            u8::try_from(decimal(&bytes[8..10])?).ok()?,
        )
        .ok()?;
        let time = Time::from_hms_milli(
            u8::try_from(decimal(&bytes[11..13])?).ok()?,
            u8::try_from(decimal(&bytes[14..16])?).ok()?,
            u8::try_from(decimal(&bytes[17..19])?).ok()?,
            u16::try_from(millisecond).ok()?,
        )
        .ok()?;
        Some(Self(date.with_time(time).assume_utc()))
    }

    /// Parses RFC 3339, then ISO 8601 with an offset.
    fn parse_general(text: &str) -> Option<Self> {
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

/// Reads ASCII digits as a decimal number.
fn decimal(digits: &[u8]) -> Option<u32> {
    digits.iter().try_fold(0u32, |number, &digit| {
        digit
            .is_ascii_digit()
            .then(|| number * 10 + u32::from(digit - b'0'))
    })
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
    fn plain_utc_reads_as_the_general_parsers_do() {
        let cases = [
            "2024-05-14T15:10:00Z",
            "2024-05-14T15:10:00.123Z",
            "2024-02-29T23:59:59.999Z",
            "0000-01-01T00:00:00Z",
            "9999-12-31T23:59:59Z",
            "1970-01-01T00:00:00.000Z",
        ];
        for text in cases {
            let plain = Timestamp::parse_plain_utc(text);
            assert!(plain.is_some(), "{text}");
            assert_eq!(plain, Timestamp::parse_general(text), "{text}");
        }

        let left_to_the_general_parsers = [
            "2016-12-31T23:59:60Z",
            "2023-02-29T00:00:00Z",
            "2024-13-01T00:00:00Z",
            "2024-05-14T24:00:00Z",
            "2024-05-14t15:10:00z",
            "2024-05-14T15:10:00+00:00",
            "2024-05-14T15:10:00.12Z",
            "2024-05-14T15:10:00,123Z",
            "+024-05-14T15:10:00Z",
            "2024-05-14 15:10:00Z",
        ];
        for text in left_to_the_general_parsers {
            assert_eq!(Timestamp::parse_plain_utc(text), None, "{text}");
        }
    }

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
