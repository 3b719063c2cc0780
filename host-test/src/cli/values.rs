//! Parsers for the numeric flags and `--index`. Each one rejects a value outside its accepted
//! range with a message that states the range or rule, and clap adds the flag and the value in
//! front of it.

use std::num::IntErrorKind;
use std::time::Duration;

/// The largest linear memory a 32-bit WebAssembly instance can have: 65536 pages of 64 KiB.
/// No event larger than that can be copied into the component.
const WASM32_MAX_MEMORY: u64 = 4 << 30;

/// One WebAssembly page, the unit linear memory grows in, so a smaller cap cannot hold any
/// memory at all.
const WASM_PAGE_BYTES: u64 = 64 << 10;

/// The largest per-call time limit. A call that needs more than a day is a hung component.
const MAX_TIMEOUT: Duration = Duration::from_secs(24 * 60 * 60);

/// The deepest nesting the rule component can parse. It parses events with serde_json, which
/// stops at 128 nested levels, so 127 is the deepest that parses.
pub const MAX_DEPTH: u32 = 127;

/// Parses `--max-event-bytes`: 1 byte to 4GiB.
pub fn event_size(text: &str) -> Result<u64, String> {
    size_within(text, 1, WASM32_MAX_MEMORY)
}

/// Parses `--max-memory`: one 64KiB page to 4GiB.
pub fn memory_size(text: &str) -> Result<u64, String> {
    size_within(text, WASM_PAGE_BYTES, WASM32_MAX_MEMORY)
}

/// Parses `--timeout`: a number with `ms` or `s`, from 1ms to 86400s (one day).
pub fn timeout(text: &str) -> Result<Duration, String> {
    let (number, unit) = if let Some(millis) = text.strip_suffix("ms") {
        (millis, Duration::from_millis(1))
    } else if let Some(seconds) = text.strip_suffix('s') {
        (seconds, Duration::from_secs(1))
    } else {
        return Err(format!(
            "invalid duration {text:?}: expected a number with ms or s, such as 500ms or 2s"
        ));
    };

    let range = format!(
        "the accepted range is 1ms to {}s (one day)",
        MAX_TIMEOUT.as_secs()
    );
    let count = match parse_u64(number) {
        Ok(count) => count,
        Err(NumberError::TooLarge) => return Err(range),
        Err(NumberError::Invalid) => {
            return Err(format!(
                "invalid duration {text:?}: expected a whole number with ms or s, such as 500ms \
                 or 2s"
            ));
        }
    };
    let duration = u32::try_from(count)
        .ok()
        .and_then(|count| unit.checked_mul(count));
    match duration {
        Some(duration) if !duration.is_zero() && duration <= MAX_TIMEOUT => Ok(duration),
        _ => Err(range),
    }
}

/// Parses `--fuel`: 1 to 18446744073709551615.
pub fn fuel(text: &str) -> Result<u64, String> {
    let range = || format!("the accepted range is 1 to {}", u64::MAX);
    match parse_u64(text) {
        Ok(0) | Err(NumberError::TooLarge) => Err(range()),
        Ok(fuel) => Ok(fuel),
        Err(NumberError::Invalid) => Err(format!("invalid fuel {text:?}: expected a whole number")),
    }
}

/// Parses `--max-depth`: 1 to 127.
pub fn depth(text: &str) -> Result<u32, String> {
    let range = || format!("the accepted range is 1 to {MAX_DEPTH} (deeper JSON cannot be parsed)");
    match parse_u64(text) {
        Ok(depth) if (1..=u64::from(MAX_DEPTH)).contains(&depth) => Ok(depth as u32),
        Ok(_) | Err(NumberError::TooLarge) => Err(range()),
        Err(NumberError::Invalid) => Err(format!(
            "invalid depth {text:?}: expected a whole number of levels"
        )),
    }
}

/// The maximum length of an Elasticsearch index name, in bytes of UTF-8.
const MAX_INDEX_NAME_BYTES: usize = 255;

/// Characters Elasticsearch forbids anywhere in an index name. The colon is forbidden
/// since Elasticsearch 7.0.
const INDEX_NAME_FORBIDDEN: &[char] =
    &['"', '*', '\\', '<', '|', ',', '>', '/', '?', ' ', '#', ':'];

/// Parses `--index`: a name that Elasticsearch's create index API (7.x and later) accepts.
/// It rejects each broken rule with a message naming it, since Elasticsearch would
/// otherwise reject every action that names the index.
///
/// NOTE: date math names such as `<alerts-{now/d}>` contain `<` and are rejected too,
/// although Elasticsearch resolves them in an action's `_index`.
pub fn index_name(text: &str) -> Result<String, String> {
    let rule = if text.is_empty() {
        "an index name must not be empty".to_owned()
    } else if text.to_lowercase() != text {
        "index names must be lowercase".to_owned()
    } else if let Some(c) = text.chars().find(|c| INDEX_NAME_FORBIDDEN.contains(c)) {
        format!(
            "index names must not contain {c:?}; the forbidden characters are \
             \" * \\ < | , > / ? # : and space"
        )
    } else if text.starts_with(['-', '_', '+']) {
        "index names must not start with -, _ or +".to_owned()
    } else if text == "." || text == ".." {
        "an index name must not be . or ..".to_owned()
    } else if text.len() > MAX_INDEX_NAME_BYTES {
        format!(
            "index names must be at most {MAX_INDEX_NAME_BYTES} bytes long, and this one has {}",
            text.len()
        )
    } else {
        return Ok(text.to_owned());
    };
    Err(format!("invalid index name {text:?}: {rule}"))
}

/// Parses a byte size, a number with an optional KiB, MiB or GiB suffix, from `min` to `max`
/// bytes.
fn size_within(text: &str, min: u64, max: u64) -> Result<u64, String> {
    let units = [
        ("GiB", 1u64 << 30),
        ("MiB", 1 << 20),
        ("KiB", 1 << 10),
        ("", 1),
    ];
    let (number, unit) = units
        .iter()
        .find_map(|(suffix, unit)| text.strip_suffix(suffix).map(|number| (number, *unit)))
        .expect("the empty suffix always matches");

    let range = || {
        format!(
            "the accepted range is {} to {}",
            describe_size(min),
            describe_size(max)
        )
    };
    let count = match parse_u64(number) {
        Ok(count) => count,
        Err(NumberError::TooLarge) => return Err(range()),
        Err(NumberError::Invalid) => {
            return Err(format!(
                "invalid size {text:?}: expected a number of bytes, or one with KiB, MiB or GiB, \
                 such as 64MiB"
            ));
        }
    };
    match count.checked_mul(unit) {
        Some(bytes) if (min..=max).contains(&bytes) => Ok(bytes),
        _ => Err(range()),
    }
}

/// Writes a size the way the flags take it: `1 byte`, `64KiB`, `4GiB`.
fn describe_size(bytes: u64) -> String {
    let units = [("GiB", 1u64 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)];
    for (suffix, unit) in units {
        if bytes >= unit && bytes.is_multiple_of(unit) {
            return format!("{}{suffix}", bytes / unit);
        }
    }
    if bytes == 1 {
        "1 byte".to_owned()
    } else {
        format!("{bytes} bytes")
    }
}

/// The reason a whole number did not parse.
enum NumberError {
    /// It is larger than a u64 holds.
    TooLarge,
    /// It is not a whole number.
    Invalid,
}

fn parse_u64(text: &str) -> Result<u64, NumberError> {
    text.trim()
        .parse()
        .map_err(|error: std::num::ParseIntError| {
            if *error.kind() == IntErrorKind::PosOverflow {
                NumberError::TooLarge
            } else {
                NumberError::Invalid
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_accept_units() {
        let cases = [
            ("4096", 4096),
            ("64MiB", 64 << 20),
            ("2KiB", 2048),
            ("1GiB", 1 << 30),
            ("4GiB", 4 << 30),
        ];
        for (text, expected) in cases {
            assert_eq!(event_size(text), Ok(expected), "{text}");
        }
    }

    #[test]
    fn sizes_reject_garbage() {
        for text in ["", "64MB", "-1", "1.5MiB", "MiB"] {
            let error = event_size(text).expect_err(text);
            assert!(error.starts_with("invalid size"), "{text}: {error}");
        }
    }

    #[test]
    fn sizes_out_of_range_state_range() {
        type Parser = fn(&str) -> Result<u64, String>;
        let cases: [(Parser, &str, &str); 5] = [
            (event_size, "0", "1 byte to 4GiB"),
            (event_size, "5GiB", "1 byte to 4GiB"),
            (event_size, "99999999999999GiB", "1 byte to 4GiB"),
            (event_size, "99999999999999999999999", "1 byte to 4GiB"),
            (memory_size, "0", "64KiB to 4GiB"),
        ];
        for (parse, text, range) in cases {
            let error = parse(text).expect_err(text);
            assert_eq!(error, format!("the accepted range is {range}"), "{text}");
        }
    }

    #[test]
    fn memory_takes_one_page() {
        assert_eq!(memory_size("64KiB"), Ok(65536));
        assert!(memory_size("65535").is_err());
    }

    #[test]
    fn timeout_needs_unit() {
        assert_eq!(timeout("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(timeout("2s"), Ok(Duration::from_secs(2)));
        assert_eq!(timeout("86400s"), Ok(MAX_TIMEOUT));
        let error = timeout("5").expect_err("no unit");
        assert!(error.starts_with("invalid duration"), "{error}");
    }

    #[test]
    fn timeout_out_of_range_states_range() {
        let range = "the accepted range is 1ms to 86400s (one day)";
        for text in [
            "0s",
            "0ms",
            "86401s",
            "99999999999999s",
            "99999999999999999999999s",
            "18446744073709551615ms",
        ] {
            assert_eq!(timeout(text), Err(range.to_owned()), "{text}");
        }
    }

    #[test]
    fn fuel_rejects_zero_and_overflow() {
        assert_eq!(fuel("1"), Ok(1));
        let range = format!("the accepted range is 1 to {}", u64::MAX);
        assert_eq!(fuel("0"), Err(range.clone()));
        assert_eq!(fuel("18446744073709551616"), Err(range));
        assert!(fuel("lots").is_err());
    }

    #[test]
    fn index_name_accepts_valid_names() {
        for text in [
            "alerts-lambda",
            ".alerts-security.alerts-default",
            "a",
            "caf\u{e9}-2024",
        ] {
            assert_eq!(index_name(text), Ok(text.to_owned()), "{text}");
        }
        let longest = "a".repeat(255);
        assert_eq!(index_name(&longest), Ok(longest.clone()));
    }

    #[test]
    fn index_name_rejects_each_rule() {
        let too_long = "a".repeat(256);
        let multibyte = "\u{e9}".repeat(128);
        let cases = [
            ("", "must not be empty"),
            ("Alerts", "must be lowercase"),
            ("alerts-\u{c9}t\u{e9}", "must be lowercase"),
            ("a\"b", "must not contain '\"'"),
            ("a*b", "must not contain '*'"),
            ("a\\b", "must not contain '\\\\'"),
            ("a<b", "must not contain '<'"),
            ("a|b", "must not contain '|'"),
            ("a,b", "must not contain ','"),
            ("a>b", "must not contain '>'"),
            ("a/b", "must not contain '/'"),
            ("a?b", "must not contain '?'"),
            ("a b", "must not contain ' '"),
            ("a#b", "must not contain '#'"),
            ("a:b", "must not contain ':'"),
            ("-alerts", "must not start with -, _ or +"),
            ("_alerts", "must not start with -, _ or +"),
            ("+alerts", "must not start with -, _ or +"),
            (".", "must not be . or .."),
            ("..", "must not be . or .."),
            (&too_long, "at most 255 bytes long, and this one has 256"),
            (&multibyte, "at most 255 bytes long, and this one has 256"),
        ];
        for (text, rule) in cases {
            let error = index_name(text).expect_err(text);
            assert!(error.contains(rule), "{text:?}: {error}");
            assert!(
                error.starts_with(&format!("invalid index name {text:?}")),
                "{error}"
            );
        }
    }

    #[test]
    fn depth_accepts_what_the_parser_can() {
        assert_eq!(depth("1"), Ok(1));
        assert_eq!(depth("127"), Ok(127));
        for text in ["0", "128", "4294967296", "99999999999999999999"] {
            let error = depth(text).expect_err(text);
            assert!(error.contains("1 to 127"), "{text}: {error}");
        }
    }
}
