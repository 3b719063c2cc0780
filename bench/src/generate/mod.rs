//! A deterministic generator of CloudTrail management events, one record per line.
//!
//! The same seed always gives the same bytes. Each record is built knowing whether the rule
//! must alert on it (a successful `DeleteFunction` or `DeleteFunction20150331` call to
//! Lambda), so the expected alert count comes from the construction, not from any rule
//! implementation.
//!
//! The mix: about 1% of records are Lambda calls and 0.05% are successful deletions. About
//! 6% of calls fail with an error code. Record sizes have a median near 1.3 KB and a long
//! tail up to about 20 KB. One record in 200 writes its non-ASCII text as `\uXXXX`
//! escapes, and a few Lambda records spell `eventSource` or `eventName` entirely in escapes,
//! which a byte-level shortcut must decode or leave to the full parser.
//!
//! Event times advance by 0 to 40 ms per record (about 50 records a second), so a
//! 5-minute window holds about 7 successful deletions, far below the rule's cap of 100
//! alerts per window, and every record has its own `eventID`: the detector's cap and
//! replay detection remove nothing, and every contender must count the same alerts.

mod catalog;
mod identity;
mod ids;
mod payload;
mod writer;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, LogNormal};
use time::OffsetDateTime;
use time::macros::{datetime, format_description};

use catalog::{ACCOUNTS, Api, DELETE_FUNCTION_NAMES, LAMBDA, REGIONS, SERVICES, Service};
use payload::Payload;
use writer::JsonWriter;

/// Successful deletions per million records.
const DELETIONS_PER_MILLION: u32 = 500;
/// Other Lambda records per million, so that Lambda is 1% in all.
const OTHER_LAMBDA_PER_MILLION: u32 = 9_500;
/// Failed calls per thousand, outside the forced failures of Lambda deletions.
const FAILURES_PER_THOUSAND: u32 = 60;
/// Median bytes of `requestParameters` and `responseElements` together.
const MEDIAN_PAYLOAD: f64 = 40.0;
/// Spread of the payload size, as the sigma of its logarithm.
const PAYLOAD_SIGMA: f64 = 1.7;
/// Largest payload budget, which keeps records under about 20 KB.
const MAX_PAYLOAD: usize = 18_500;
/// The first event time.
const START: OffsetDateTime = datetime!(2024-05-01 00:00:00 UTC);

/// One generated record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The record as one line of JSON, without the newline.
    pub line: String,
    /// Whether the rule must raise an alert for it.
    pub must_alert: bool,
}

/// A seeded stream of records.
pub struct Generator {
    rng: ChaCha8Rng,
    payload_size: LogNormal<f64>,
    /// Milliseconds since [`START`].
    clock_millis: i64,
}

impl Generator {
    /// Creates a generator; equal seeds give equal streams.
    pub fn new(seed: u64) -> Generator {
        let payload_size = LogNormal::new(MEDIAN_PAYLOAD.ln(), PAYLOAD_SIGMA)
            .expect("the median and sigma are finite and positive");
        Generator {
            rng: ChaCha8Rng::seed_from_u64(seed),
            payload_size,
            clock_millis: 0,
        }
    }

    /// Builds the next record.
    pub fn record(&mut self) -> Record {
        self.clock_millis += self.rng.random_range(0..40);
        let roll = self.rng.random_range(0..1_000_000);
        if roll < DELETIONS_PER_MILLION {
            return self.deletion();
        }
        if roll < DELETIONS_PER_MILLION + OTHER_LAMBDA_PER_MILLION {
            return self.other_lambda();
        }
        let service = catalog::pick_weighted(SERVICES, |s| s.weight, self.rng.random());
        let api = *catalog::pick_weighted(service.apis, |a| a.weight, self.rng.random());
        let failed = self.rng.random_range(0..1000) < FAILURES_PER_THOUSAND;
        let spelling = if self.rng.random_range(0..2000) == 0 {
            Spelling::EscapedSource
        } else {
            Spelling::Plain
        };
        self.build(service, api, failed, spelling)
    }

    fn deletion(&mut self) -> Record {
        let name = DELETE_FUNCTION_NAMES[self.rng.random_range(0..2)];
        let api = Api {
            name,
            weight: 1,
            read_only: false,
            payload: Payload::LambdaName,
        };
        let spelling = match self.rng.random_range(0..40) {
            0 => Spelling::EscapedName,
            1 => Spelling::EscapedSource,
            _ => Spelling::Plain,
        };
        let mut record = self.build(&LAMBDA, api, false, spelling);
        record.must_alert = true;
        record
    }

    fn other_lambda(&mut self) -> Record {
        let api = *catalog::pick_weighted(LAMBDA.apis, |a| a.weight, self.rng.random());
        // Deletions drawn here always fail: the successful ones are drawn at their own rate.
        let failed = DELETE_FUNCTION_NAMES.contains(&api.name)
            || self.rng.random_range(0..1000) < FAILURES_PER_THOUSAND;
        let spelling = match self.rng.random_range(0..50) {
            0 => Spelling::EscapedName,
            1 => Spelling::EscapedSource,
            _ => Spelling::Plain,
        };
        self.build(&LAMBDA, api, failed, spelling)
    }

    fn build(&mut self, service: &Service, api: Api, failed: bool, spelling: Spelling) -> Record {
        let rng = &mut self.rng;
        let account = ACCOUNTS[usize::from(rng.random_range(0..10) == 0)];
        let region = catalog::pick_weighted(REGIONS, |r| r.1, rng.random()).0;
        let escape_non_ascii = rng.random_range(0..200) == 0;
        let mut w = JsonWriter::new(escape_non_ascii);

        w.begin_object().field("eventVersion", "1.09");
        let caller = identity::write(&mut w, rng, account);
        w.field("eventTime", &event_time(self.clock_millis));
        w.key("eventSource");
        match spelling {
            Spelling::EscapedSource => w.escaped_string(service.source),
            _ => w.string(service.source),
        };
        w.key("eventName");
        match spelling {
            Spelling::EscapedName => w.escaped_string(api.name),
            _ => w.string(api.name),
        };
        w.field("awsRegion", region)
            .field("sourceIPAddress", &caller.source_ip)
            .field("userAgent", &caller.user_agent);

        if failed {
            write_error(&mut w, rng, service, api.name);
        }

        let budget = self.payload_size.sample(rng) as usize;
        let context = payload::Context {
            account,
            region,
            failed,
            budget: budget.min(MAX_PAYLOAD),
        };
        payload::write(api.payload, &mut w, rng, &context);

        w.field("requestID", &ids::uuid(rng))
            .field("eventID", &ids::uuid(rng))
            .key("readOnly")
            .bool(api.read_only);
        let event_type = if api.name == "ConsoleLogin" {
            "AwsConsoleSignIn"
        } else {
            "AwsApiCall"
        };
        w.field("eventType", event_type)
            .key("managementEvent")
            .bool(true)
            .field("recipientAccountId", account)
            .field("eventCategory", "Management");
        if caller.invoked_by.is_none() {
            write_tls(&mut w, service, region);
        }
        w.end_object();

        Record {
            line: w.finish(),
            must_alert: false,
        }
    }
}

/// The spelling of `eventSource` and `eventName` in the JSON text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Spelling {
    Plain,
    /// `eventSource` written entirely as `\uXXXX` escapes.
    EscapedSource,
    /// `eventName` written entirely as `\uXXXX` escapes.
    EscapedName,
}

fn event_time(clock_millis: i64) -> String {
    let time = START + time::Duration::milliseconds(clock_millis);
    let format = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    time.format(&format)
        .expect("the format has only date and time fields")
}

fn write_error(w: &mut JsonWriter, rng: &mut ChaCha8Rng, service: &Service, name: &str) {
    let code = if service.errors.is_empty() {
        "AccessDenied"
    } else {
        service.errors[rng.random_range(0..service.errors.len())]
    };
    let message = format!(
        "User is not authorized to perform: {}:{} because no identity-based policy allows the action ({code})",
        service.endpoint.trim_start_matches("api."),
        name
    );
    w.field("errorCode", code).field("errorMessage", &message);
}

fn write_tls(w: &mut JsonWriter, service: &Service, region: &str) {
    w.key("tlsDetails")
        .begin_object()
        .field("tlsVersion", "TLSv1.3")
        .field("cipherSuite", "TLS_AES_128_GCM_SHA256")
        .field(
            "clientProvidedHostHeader",
            &format!("{}.{region}.amazonaws.com", service.endpoint),
        )
        .end_object();
}

/// Counts over a generated stream.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub records: u64,
    pub must_alert: u64,
    pub bytes: u64,
    /// Record sizes in bytes, sorted, for the percentiles.
    pub sizes: Vec<u32>,
}

impl Summary {
    pub fn add(&mut self, record: &Record) {
        self.records += 1;
        self.must_alert += u64::from(record.must_alert);
        self.bytes += record.line.len() as u64 + 1;
        self.sizes.push(record.line.len() as u32);
    }

    /// Returns the record sizes at the median, the 99th percentile and the largest.
    pub fn size_percentiles(&mut self) -> SizePercentiles {
        self.sizes.sort_unstable();
        let at = |fraction: f64| {
            let index = ((self.sizes.len() as f64 - 1.0) * fraction).round() as usize;
            self.sizes.get(index).copied().unwrap_or(0)
        };
        SizePercentiles {
            median: at(0.5),
            p99: at(0.99),
            max: at(1.0),
        }
    }
}

/// Record sizes in bytes, newline excluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SizePercentiles {
    pub median: u32,
    pub p99: u32,
    pub max: u32,
}

#[cfg(test)]
mod tests;
