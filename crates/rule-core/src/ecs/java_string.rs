//! The Java `toString()` text that Elastic stores in `aws.cloudtrail.request_parameters` and
//! its siblings.
//!
//! Elasticsearch's `json` processor parses the record into `java.util.HashMap`s and
//! `ArrayList`s, and the integration's script calls `toString()` on them. So the text is
//! `{key=value, key2=value2}` with lists as `[a, b]`, strings unquoted, and the keys in the
//! HashMap's iteration order: by bucket, the bucket being the low bits of the spread
//! `String.hashCode()`. This module reproduces that order, which matches the strings in
//! Elastic's own pipeline test expectations. Java orders two keys of the same bucket by
//! insertion, which is the JSON key order. Here they are sorted instead, so the text depends
//! on the set of keys and not on how the record was serialised.

use serde_json::{Map, Number, Value};

use super::cleanup::is_blank;

/// Writes `value` as Java's `toString()` writes the object Elasticsearch parsed it into,
/// skipping what the integration's cleanup removes (null, empty strings, and containers
/// left empty).
pub fn to_java_string(value: &Value) -> String {
    let mut text = String::new();
    write_value(value, &mut text);
    text
}

/// Orders `keys` as a `java.util.HashMap` with `entries` keys iterates them.
///
/// `entries` sizes the table and counts every key ever inserted: removing keys never shrinks
/// a HashMap, so a key the cleanup dropped still counts.
// NOTE: Java grows a table early when one bucket contains more than 8 keys. That rare case
// is not modelled, so such maps may list their keys in another order than Elastic does.
pub(crate) fn hash_map_order<'a>(
    keys: impl IntoIterator<Item = &'a str>,
    entries: usize,
) -> Vec<&'a str> {
    let table = table_size(entries);
    let mut ordered: Vec<(usize, &str)> = keys
        .into_iter()
        .map(|key| (bucket(key, table), key))
        .collect();
    ordered.sort_unstable();
    ordered.into_iter().map(|(_, key)| key).collect()
}

fn write_value(value: &Value, text: &mut String) {
    match value {
        Value::Null => text.push_str("null"),
        Value::Bool(flag) => text.push_str(if *flag { "true" } else { "false" }),
        Value::Number(number) => text.push_str(&java_number(number)),
        Value::String(string) => text.push_str(string),
        Value::Array(items) => write_list(items, text),
        Value::Object(map) => write_map(map, text),
    }
}

fn write_list(items: &[Value], text: &mut String) {
    text.push('[');
    let present = items.iter().filter(|item| !is_blank(item));
    for (index, item) in present.enumerate() {
        if index > 0 {
            text.push_str(", ");
        }
        write_value(item, text);
    }
    text.push(']');
}

fn write_map(map: &Map<String, Value>, text: &mut String) {
    let present = map
        .iter()
        .filter(|(_, value)| !is_blank(value))
        .map(|(key, _)| key.as_str());
    text.push('{');
    for (index, key) in hash_map_order(present, map.len()).into_iter().enumerate() {
        if index > 0 {
            text.push_str(", ");
        }
        text.push_str(key);
        text.push('=');
        write_value(&map[key], text);
    }
    text.push('}');
}

/// Returns the capacity of a HashMap's table after `entries` insertions: 16, doubled whenever the
/// entries pass three quarters of it.
fn table_size(entries: usize) -> usize {
    let mut size = 16;
    while entries > size / 4 * 3 {
        size *= 2;
    }
    size
}

fn bucket(key: &str, table: usize) -> usize {
    let hash = java_string_hash(key);
    let spread = hash ^ (hash >> 16);
    spread as usize & (table - 1)
}

/// Computes `java.lang.String.hashCode()`: a polynomial in 31 over the UTF-16 code units, wrapping.
fn java_string_hash(key: &str) -> u32 {
    key.encode_utf16().fold(0u32, |hash, unit| {
        hash.wrapping_mul(31).wrapping_add(u32::from(unit))
    })
}

/// Writes `number` as Java writes the object Jackson parsed it into: a JSON integer becomes
/// an `Integer`, `Long` or `BigInteger`, written as plain digits, and any other number a
/// `Double`.
// NOTE: serde_json reads integers beyond 64 bits as f64, so their text is a double's text
// here, where Java would keep every digit.
fn java_number(number: &Number) -> String {
    if number.is_i64() || number.is_u64() {
        return number.to_string();
    }
    number
        .as_f64()
        .map(java_double)
        .unwrap_or_else(|| number.to_string())
}

/// Writes `value` as `Double.toString()` does: the shortest digits that read back as the same double, written as
/// `123.45` from 10^-3 up to 10^7 and as `1.2345E-5` outside that range.
fn java_double(value: f64) -> String {
    if value == 0.0 {
        return if value.is_sign_negative() {
            "-0.0"
        } else {
            "0.0"
        }
        .to_string();
    }
    let sign = if value < 0.0 { "-" } else { "" };

    // Rust's `{:e}` gives the same shortest round-trip digits, as `d.ddde-N`.
    let scientific = format!("{:e}", value.abs());
    let (mantissa, exponent) = scientific
        .split_once('e')
        .expect("`{:e}` always writes an exponent");
    let exponent: i32 = exponent.parse().expect("`{:e}` writes an integer exponent");
    let digits = mantissa.replace('.', "");

    let body = if (-3..7).contains(&exponent) {
        decimal_notation(&digits, exponent)
    } else {
        let fraction = if digits.len() > 1 { &digits[1..] } else { "0" };
        format!("{}.{fraction}E{exponent}", &digits[..1])
    };
    format!("{sign}{body}")
}

/// Places the decimal point in `digits` (`d.ddd` times 10^`exponent`), keeping at least one
/// digit on each side as Java does.
fn decimal_notation(digits: &str, exponent: i32) -> String {
    if exponent < 0 {
        let zeros = "0".repeat((-exponent - 1) as usize);
        return format!("0.{zeros}{digits}");
    }
    let point = exponent as usize + 1;
    if digits.len() > point {
        format!("{}.{}", &digits[..point], &digits[point..])
    } else {
        format!("{digits}{}.0", "0".repeat(point - digits.len()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lambda_delete_parameters() {
        let cases = [
            (
                json!({ "functionName": "billing-export" }),
                "{functionName=billing-export}",
            ),
            (
                json!({ "functionName": "billing-export:7" }),
                "{functionName=billing-export:7}",
            ),
            (
                json!({ "functionName": "arn:aws:lambda:us-east-1:111122223333:function:billing-export" }),
                "{functionName=arn:aws:lambda:us-east-1:111122223333:function:billing-export}",
            ),
            (
                json!({ "functionName": "111122223333:function:billing-export" }),
                "{functionName=111122223333:function:billing-export}",
            ),
            (
                json!({ "functionName": "billing-export", "qualifier": "3" }),
                "{functionName=billing-export, qualifier=3}",
            ),
        ];
        for (value, expected) in cases {
            assert_eq!(to_java_string(&value), expected, "{value}");
        }
    }

    #[test]
    fn hash_order_matches_elastic_expectation() {
        // The keys of a CreateFunction20150331 record in Elastic's pipeline tests; its
        // expected document lists them in this order.
        let value = json!({
            "code": {},
            "environment": {},
            "functionName": "f",
            "handler": "h",
            "publish": false,
            "role": "r",
            "runtime": "nodejs20.x"
        });
        assert_eq!(
            to_java_string(&value),
            "{handler=h, role=r, functionName=f, publish=false, runtime=nodejs20.x}"
        );
    }

    #[test]
    fn hash_order_does_not_depend_on_key_order() {
        let keys = ["principal", "functionName", "statementId", "action"];
        let reversed: Vec<&str> = keys.iter().rev().copied().collect();
        assert_eq!(
            hash_map_order(keys, 4),
            ["principal", "functionName", "statementId", "action"]
        );
        assert_eq!(
            hash_map_order(reversed, 4),
            ["principal", "functionName", "statementId", "action"]
        );
    }

    #[test]
    fn nested_maps_and_lists() {
        let value = json!({
            "vpcConfig": { "subnetIds": ["subnet-1", "subnet-2"], "securityGroupIds": ["sg-1"] }
        });
        assert_eq!(
            to_java_string(&value),
            "{vpcConfig={securityGroupIds=[sg-1], subnetIds=[subnet-1, subnet-2]}}"
        );
    }

    #[test]
    fn lists_of_maps_skip_blank_items() {
        let value = json!([{ "a": 1 }, null, "", {}, ["x"]]);
        assert_eq!(to_java_string(&value), "[{a=1}, [x]]");
    }

    #[test]
    fn inner_json_strings_stay_verbatim() {
        let value = json!({ "statement": "{\"Sid\":\"sns\"}" });
        assert_eq!(to_java_string(&value), "{statement={\"Sid\":\"sns\"}}");
    }

    #[test]
    fn scalars() {
        let cases = [
            (json!(true), "true"),
            (json!(false), "false"),
            (json!(1018083), "1018083"),
            (json!(-5), "-5"),
            (json!(u64::MAX), "18446744073709551615"),
            (json!("plain text"), "plain text"),
        ];
        for (value, expected) in cases {
            assert_eq!(to_java_string(&value), expected, "{value}");
        }
    }

    #[test]
    fn doubles_as_java_writes_them() {
        let cases = [
            (1.0, "1.0"),
            (100.0, "100.0"),
            (123.456, "123.456"),
            (0.001, "0.001"),
            (0.0001, "1.0E-4"),
            (1.5e-7, "1.5E-7"),
            (9_999_999.0, "9999999.0"),
            (10_000_000.0, "1.0E7"),
            (1.2345e20, "1.2345E20"),
            (-2.5, "-2.5"),
            (0.0, "0.0"),
            (-0.0, "-0.0"),
        ];
        for (value, expected) in cases {
            assert_eq!(java_double(value), expected, "{value}");
        }
    }

    #[test]
    fn string_hash_matches_java() {
        // Values of "".hashCode(), "a".hashCode() and "functionName".hashCode() in Java.
        assert_eq!(java_string_hash(""), 0);
        assert_eq!(java_string_hash("a"), 97);
        assert_eq!(java_string_hash("functionName") as i32, -211_372_413);
    }

    #[test]
    fn table_grows_past_three_quarters() {
        assert_eq!(table_size(0), 16);
        assert_eq!(table_size(12), 16);
        assert_eq!(table_size(13), 32);
        assert_eq!(table_size(24), 32);
        assert_eq!(table_size(25), 64);
    }
}
