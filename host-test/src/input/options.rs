//! Settings of the reader.

/// The default maximum event size: 1 MiB, four times CloudTrail's own 256 KB cap on an event.
pub const DEFAULT_MAX_EVENT_BYTES: usize = 1 << 20;

/// Settings for splitting and bounding the reader's input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReaderOptions {
    /// The largest event, in bytes of JSON text, the reader buffers. A larger value or
    /// container element becomes one `TooLarge` error, reported when it passes this size,
    /// and the reader skips it without holding it in memory. A line skipped after an error
    /// that goes on past this size is one more error.
    pub max_event_bytes: usize,
    /// The container documents split into their elements.
    pub containers: Containers,
}

impl Default for ReaderOptions {
    fn default() -> Self {
        Self {
            max_event_bytes: DEFAULT_MAX_EVENT_BYTES,
            containers: Containers::ALL,
        }
    }
}

/// The container documents the reader splits. A container that is not enabled passes
/// through whole, like any other JSON value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Containers {
    /// CloudTrail log files as delivered to S3: `{"Records": [...]}`.
    pub records: bool,
    /// The output of `aws cloudtrail lookup-events`: `{"Events": [...]}`.
    pub lookup_events: bool,
    /// CloudWatch Logs subscription payloads: `{"messageType": ..., "logEvents": [...]}`.
    pub cloudwatch_logs: bool,
}

impl Containers {
    /// Splits every container the reader recognises.
    pub const ALL: Self = Self {
        records: true,
        lookup_events: true,
        cloudwatch_logs: true,
    };

    /// Splits nothing: every top-level value is one event.
    pub const NONE: Self = Self {
        records: false,
        lookup_events: false,
        cloudwatch_logs: false,
    };
}
