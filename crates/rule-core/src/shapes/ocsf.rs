//! OCSF API Activity, as Amazon Security Lake writes CloudTrail management events.
//!
//! The OCSF record is turned back into the CloudTrail record it was mapped from, and that
//! record is mapped to ECS like any other, so the same query and alert fields apply. The
//! field correspondence is the one of the OCSF project's CloudTrail mappings (ocsf/examples,
//! `mappings/markdown/AWS/v1.1.0/CloudTrail/API Activity`). Two layouts are read:
//!
//! - OCSF 1.1, class 6003: `actor.user.uid` is the ARN, `uid_alt` the principal id,
//!   `actor.user.account.uid` the account, `actor.session.is_mfa`;
//! - OCSF 1.0.0-rc.2, class 3005: `actor.user.uid` is the principal id, `uuid` the ARN,
//!   `actor.user.account_uid` the account, `actor.session.mfa`.
//!
//! Samples mix the two (Elastic's Security Lake integration tests a class 6003 record with
//! the rc.2 actor), so every field is read in either layout, and the ARN is recognised by
//! its `arn:` prefix.

use serde_json::{Map, Value};

use super::{EcsEvent, RecordClass, Shape, cloudtrail, parse_embedded};
use crate::error::EventError;
use crate::json::Limits;
use crate::timestamp::Timestamp;

/// The shape, as error messages list it.
pub(super) const DESCRIPTION: &str = "an OCSF API Activity record (class_uid 6003 or 3005)";

const API_ACTIVITY_1_1: u64 = 6003;
const API_ACTIVITY_1_0_RC2: u64 = 3005;
const STATUS_FAILURE: u64 = 2;
const CLOUDTRAIL_PRODUCT: &str = "CloudTrail";

/// Tells whether `map` is an OCSF record of any class.
pub(super) fn is_ocsf(map: &Map<String, Value>) -> bool {
    map.contains_key("class_uid")
}

/// Rebuilds the CloudTrail record and maps it. A record whose `metadata.product.name` names
/// another product is classed `NotCloudTrail`, as it would not be in a CloudTrail index.
pub(super) fn normalize(
    ocsf: &Map<String, Value>,
    limits: &Limits,
) -> Result<EcsEvent, EventError> {
    let shape = match class_uid(ocsf) {
        Some(API_ACTIVITY_1_1) => Shape::Ocsf11,
        Some(API_ACTIVITY_1_0_RC2) => Shape::Ocsf10Rc2,
        _ => {
            let found = ocsf
                .get("class_uid")
                .map_or_else(String::new, Value::to_string);
            return Err(EventError::UnsupportedShape(format!(
                "OCSF class_uid {found} is not API Activity (6003 in OCSF 1.1, 3005 in \
                 1.0.0-rc.2), the only class CloudTrail API calls are written in"
            )));
        }
    };

    let record = rebuild_record(ocsf, limits)?;
    let mut event = cloudtrail::normalize_record(&record, shape);
    if !is_cloudtrail_product(ocsf) {
        event.class = RecordClass::NotCloudTrail;
    }
    Ok(event)
}

/// Reads `class_uid` as a number, also when it is written as text.
fn class_uid(ocsf: &Map<String, Value>) -> Option<u64> {
    match ocsf.get("class_uid")? {
        Value::Number(number) => number.as_u64(),
        Value::String(text) => text.parse().ok(),
        _ => None,
    }
}

fn is_cloudtrail_product(ocsf: &Map<String, Value>) -> bool {
    match lookup(ocsf, "metadata.product.name") {
        Some(Value::String(name)) => name == CLOUDTRAIL_PRODUCT,
        _ => true,
    }
}

/// Builds the CloudTrail record that the OCSF record was mapped from, as far as OCSF kept
/// it. `unmapped` fills in what the mapping left out, such as `recipientAccountId`.
fn rebuild_record(
    ocsf: &Map<String, Value>,
    limits: &Limits,
) -> Result<Map<String, Value>, EventError> {
    let mut record = Map::new();

    for (ocsf_path, cloudtrail_key) in DIRECT_FIELDS {
        if let Some(value) = present(ocsf, ocsf_path) {
            record.insert(cloudtrail_key.to_owned(), value.clone());
        }
    }
    insert_some(&mut record, "eventTime", event_time(ocsf));
    insert_some(&mut record, "sourceIPAddress", source_address(ocsf));
    insert_some(
        &mut record,
        "userIdentity",
        user_identity(ocsf).map(Value::Object),
    );
    insert_some(&mut record, "resources", resources(ocsf));
    insert_data(
        &mut record,
        "requestParameters",
        ocsf,
        "api.request.data",
        limits,
    )?;
    insert_data(
        &mut record,
        "responseElements",
        ocsf,
        "api.response.data",
        limits,
    )?;
    insert_error(&mut record, ocsf);

    merge_unmapped(&mut record, ocsf);
    if !record.contains_key("recipientAccountId") {
        let account =
            present(ocsf, "cloud.account.uid").or_else(|| present(ocsf, "cloud.account_uid"));
        insert_some(&mut record, "recipientAccountId", account.cloned());
    }
    Ok(record)
}

/// OCSF fields copied verbatim to a top-level CloudTrail key.
const DIRECT_FIELDS: [(&str, &str); 11] = [
    ("metadata.product.version", "eventVersion"),
    ("metadata.uid", "eventID"),
    ("metadata.event_code", "eventType"),
    ("api.service.name", "eventSource"),
    ("api.operation", "eventName"),
    ("api.version", "apiVersion"),
    ("api.request.uid", "requestID"),
    ("api.response.message", "errorMessage"),
    ("cloud.region", "awsRegion"),
    ("http_request.user_agent", "userAgent"),
    ("src_endpoint.uid", "vpcEndpointId"),
];

/// Rebuilds `eventTime` from `time` (milliseconds since the epoch), else takes `time_dt` as
/// written. Whole seconds are written as CloudTrail writes them, without a fraction.
fn event_time(ocsf: &Map<String, Value>) -> Option<Value> {
    if let Some(text) = ocsf
        .get("time")
        .and_then(Value::as_i64)
        .and_then(format_millis)
    {
        return Some(Value::String(text));
    }
    present(ocsf, "time_dt").cloned()
}

/// Rebuilds `sourceIPAddress`. The mapping writes an address to `src_endpoint.ip` and a
/// service name such as `cloudformation.amazonaws.com` to `src_endpoint.domain`.
fn source_address(ocsf: &Map<String, Value>) -> Option<Value> {
    present(ocsf, "src_endpoint.ip")
        .or_else(|| present(ocsf, "src_endpoint.domain"))
        .cloned()
}

/// Builds `userIdentity` from `actor`. Returns `None` when the actor has no caller fields.
fn user_identity(ocsf: &Map<String, Value>) -> Option<Map<String, Value>> {
    let actor = lookup(ocsf, "actor")?.as_object()?;
    let mut identity = Map::new();

    if let Some(user) = actor.get("user").and_then(Value::as_object) {
        insert_user(&mut identity, user);
    }
    insert_some(
        &mut identity,
        "invokedBy",
        present(actor, "invoked_by").cloned(),
    );
    insert_some(
        &mut identity,
        "sessionContext",
        session_context(actor).map(Value::Object),
    );

    (!identity.is_empty()).then_some(identity)
}

fn insert_user(identity: &mut Map<String, Value>, user: &Map<String, Value>) {
    let ids: Vec<&str> = ["uid", "uuid"]
        .iter()
        .filter_map(|key| non_empty_str(user, key))
        .collect();
    let arn = ids.iter().find(|id| id.starts_with("arn:"));
    let principal_id = non_empty_str(user, "uid_alt")
        .or_else(|| ids.iter().find(|id| !id.starts_with("arn:")).copied());
    let account = present(user, "account.uid").or_else(|| present(user, "account_uid"));

    insert_some(identity, "type", present(user, "type").cloned());
    insert_some(identity, "principalId", principal_id.map(Value::from));
    insert_some(identity, "arn", arn.map(|arn| Value::from(*arn)));
    insert_some(identity, "accountId", account.cloned());
    insert_some(
        identity,
        "accessKeyId",
        present(user, "credential_uid").cloned(),
    );
    insert_some(identity, "userName", present(user, "name").cloned());
}

/// Rebuilds `sessionContext` from `actor.session`. OCSF keeps only the issuer's ARN, so the
/// issuer's type, account and name are derived from the ARN, which determines them.
fn session_context(actor: &Map<String, Value>) -> Option<Map<String, Value>> {
    let session = actor.get("session")?.as_object()?;
    let mut context = Map::new();

    let mut attributes = Map::new();
    let mfa = present(session, "is_mfa").or_else(|| present(session, "mfa"));
    insert_some(&mut attributes, "mfaAuthenticated", mfa.map(bool_as_text));
    insert_some(&mut attributes, "creationDate", session_created(session));
    if !attributes.is_empty() {
        context.insert("attributes".to_owned(), Value::Object(attributes));
    }
    if let Some(issuer) = non_empty_str(session, "issuer") {
        context.insert(
            "sessionIssuer".to_owned(),
            Value::Object(issuer_from_arn(issuer)),
        );
    }

    (!context.is_empty()).then_some(context)
}

/// Converts a boolean to the text `"true"` or `"false"`, as CloudTrail writes
/// `mfaAuthenticated`.
fn bool_as_text(value: &Value) -> Value {
    match value {
        Value::Bool(flag) => Value::String(flag.to_string()),
        other => other.clone(),
    }
}

fn session_created(session: &Map<String, Value>) -> Option<Value> {
    if let Some(text) = present(session, "created_time_dt") {
        return Some(text.clone());
    }
    match present(session, "created_time")? {
        Value::Number(millis) => millis.as_i64().and_then(format_millis).map(Value::String),
        other => Some(other.clone()),
    }
}

/// Returns the `sessionIssuer` fields that an IAM ARN (`arn:PARTITION:iam::ACCOUNT:role/PATH/NAME`)
/// determines. The name is the last path segment, like CloudTrail's `userName`.
fn issuer_from_arn(arn: &str) -> Map<String, Value> {
    let mut issuer = Map::from_iter([("arn".to_owned(), Value::from(arn))]);
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let [_, _, _, _, account, resource] = parts[..] else {
        return issuer;
    };

    let (issuer_type, named) = match resource.split_once('/') {
        Some(("role", _)) => ("Role", true),
        Some(("user", _)) => ("IAMUser", true),
        _ if resource == "root" => ("Root", false),
        _ => return issuer,
    };
    issuer.insert("type".to_owned(), Value::from(issuer_type));
    if !account.is_empty() {
        issuer.insert("accountId".to_owned(), Value::from(account));
    }
    if let Some(name) = resource.rsplit('/').next().filter(|_| named) {
        issuer.insert("userName".to_owned(), Value::from(name));
    }
    issuer
}

/// Rebuilds `resources` from OCSF `resources[]`. `uid` is the ARN, and the account is in
/// `account.uid` (1.1) or `account_uid` (1.0.0-rc.2).
fn resources(ocsf: &Map<String, Value>) -> Option<Value> {
    let items = ocsf.get("resources")?.as_array()?;
    let rebuilt: Vec<Value> = items
        .iter()
        .filter_map(Value::as_object)
        .map(|item| {
            let mut resource = Map::new();
            insert_some(&mut resource, "ARN", present(item, "uid").cloned());
            let account = present(item, "account.uid").or_else(|| present(item, "account_uid"));
            insert_some(&mut resource, "accountId", account.cloned());
            insert_some(&mut resource, "type", present(item, "type").cloned());
            Value::Object(resource)
        })
        .collect();
    (!rebuilt.is_empty()).then_some(Value::Array(rebuilt))
}

/// Inserts request or response data, given either as JSON text (as in the OCSF project's
/// CloudTrail samples) or as an object.
fn insert_data(
    record: &mut Map<String, Value>,
    key: &str,
    ocsf: &Map<String, Value>,
    path: &str,
    limits: &Limits,
) -> Result<(), EventError> {
    let value = match present(ocsf, path) {
        Some(Value::String(text)) => parse_embedded(text, path, limits)?,
        Some(other) => other.clone(),
        None => return Ok(()),
    };
    record.insert(key.to_owned(), value);
    Ok(())
}

/// Sets `errorCode` from `api.response.error`. A failure (`status_id` 2) without one still gets
/// an error code, taken from `status_detail` or `status`, so that its outcome stays a
/// failure.
///
/// NOTE: `status_id` 99 ("Other") is not read as a failure. OCSF defines it as a status the
/// producer did not map, so only `api.response.error` marks such a record as failed.
fn insert_error(record: &mut Map<String, Value>, ocsf: &Map<String, Value>) {
    if let Some(code) = present(ocsf, "api.response.error") {
        record.insert("errorCode".to_owned(), code.clone());
        return;
    }
    if lookup(ocsf, "status_id").and_then(Value::as_u64) != Some(STATUS_FAILURE) {
        return;
    }
    let code = non_empty_str(ocsf, "status_detail")
        .or_else(|| non_empty_str(ocsf, "status"))
        .unwrap_or("Failure");
    record.insert("errorCode".to_owned(), Value::from(code));
}

/// Adds the fields of `unmapped` that the record does not have yet. Security Lake
/// 1.0.0-rc.2 flattens them to dotted keys (`requestParameters.functionName`), which are
/// expanded back into objects.
fn merge_unmapped(record: &mut Map<String, Value>, ocsf: &Map<String, Value>) {
    let Some(Value::Object(unmapped)) = ocsf.get("unmapped") else {
        return;
    };
    for (key, value) in unmapped {
        if !value.is_null() {
            insert_dotted(record, key, value);
        }
    }
}

/// Inserts `value` at the dotted path `key`, creating objects on the way. An existing value
/// wins, and a path that runs into a non-object is left out.
fn insert_dotted(record: &mut Map<String, Value>, key: &str, value: &Value) {
    let mut target = record;
    let mut segments = key.split('.').peekable();
    while let Some(segment) = segments.next() {
        if segments.peek().is_none() {
            target.entry(segment).or_insert_with(|| value.clone());
            return;
        }
        let next = target
            .entry(segment)
            .or_insert_with(|| Value::Object(Map::new()));
        let Value::Object(next) = next else {
            return;
        };
        target = next;
    }
}

fn insert_some(map: &mut Map<String, Value>, key: &str, value: Option<Value>) {
    if let Some(value) = value {
        map.insert(key.to_owned(), value);
    }
}

/// Returns the value at the nested path `path`, such as `api.service.name`.
fn lookup<'a>(map: &'a Map<String, Value>, path: &str) -> Option<&'a Value> {
    let mut segments = path.split('.');
    let mut value = map.get(segments.next()?)?;
    for segment in segments {
        value = value.as_object()?.get(segment)?;
    }
    Some(value)
}

/// Returns the value at `path` unless it is null or an empty string. The OCSF mappings
/// write those for fields that the CloudTrail record did not have.
fn present<'a>(map: &'a Map<String, Value>, path: &str) -> Option<&'a Value> {
    lookup(map, path).filter(|value| match value {
        Value::Null => false,
        Value::String(text) => !text.is_empty(),
        _ => true,
    })
}

fn non_empty_str<'a>(map: &'a Map<String, Value>, path: &str) -> Option<&'a str> {
    present(map, path)?.as_str()
}

/// Writes milliseconds since the epoch as CloudTrail's `eventTime`: UTC, with a fraction
/// only when there are milliseconds.
fn format_millis(millis: i64) -> Option<String> {
    let seconds = millis.div_euclid(1000);
    let nanos = u32::try_from(millis.rem_euclid(1000) * 1_000_000).ok()?;
    let text = Timestamp::from_unix(seconds, nanos)?.to_string();
    Some(match text.strip_suffix(".000Z") {
        Some(whole_seconds) => format!("{whole_seconds}Z"),
        None => text,
    })
}

#[cfg(test)]
mod tests {
    use serde_json::{Map, Value, json};

    use super::{format_millis, issuer_from_arn, normalize, rebuild_record};
    use crate::error::EventError;
    use crate::json::Limits;
    use crate::shapes::{RecordClass, Shape};

    const EVENT_ID: &str = "0d6c3c5e-8f0a-4b8e-9a51-2f3e7c1d9b40";

    fn object(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            other => panic!("test input must be an object, got {other}"),
        }
    }

    /// Builds a DeleteFunction call in the OCSF 1.1 layout, with request data as an object.
    fn api_activity_1_1() -> Map<String, Value> {
        object(json!({
            "class_uid": 6003,
            "category_uid": 6,
            "activity_id": 4,
            "type_uid": 600304,
            "severity_id": 1,
            "status": "Success",
            "status_id": 1,
            "time": 1_715_678_497_000_i64,
            "time_dt": "2024-05-14T09:21:37.000Z",
            "metadata": {
                "uid": EVENT_ID,
                "event_code": "AwsApiCall",
                "version": "1.1.0",
                "product": {"name": "CloudTrail", "vendor_name": "AWS", "version": "1.09"}
            },
            "api": {
                "operation": "DeleteFunction20150331",
                "version": "2015-03-31",
                "service": {"name": "lambda.amazonaws.com"},
                "request": {"uid": "9f3b2a6c-1d4e-4f5a-8b7c-6d5e4f3a2b1c", "data": {"functionName": "invoice-renderer"}},
                "response": {}
            },
            "actor": {
                "user": {
                    "type": "IAMUser",
                    "uid": "arn:aws:iam::111122223333:user/ops-user",
                    "uid_alt": "AIDACKCEVSQ6C2EXAMPLE",
                    "name": "ops-user",
                    "credential_uid": "AKIAIOSFODNN7EXAMPLE",
                    "account": {"uid": "111122223333"}
                }
            },
            "src_endpoint": {"ip": "192.0.2.10"},
            "http_request": {"user_agent": "aws-cli/2.15.30"},
            "cloud": {"provider": "AWS", "region": "us-east-1", "account": {"uid": "111122223333"}}
        }))
    }

    /// Builds the same call in the OCSF 1.0.0-rc.2 layout, with request parameters
    /// flattened into `unmapped`.
    fn api_activity_1_0_rc2() -> Map<String, Value> {
        object(json!({
            "class_uid": 3005,
            "category_uid": 3,
            "status": "Success",
            "status_id": 1,
            "time": 1_715_678_497_000_i64,
            "metadata": {
                "uid": EVENT_ID,
                "version": "1.0.0-rc.2",
                "product": {"name": "CloudTrail", "vendor_name": "AWS", "version": "1.09"}
            },
            "api": {
                "operation": "DeleteFunction20150331",
                "service": {"name": "lambda.amazonaws.com"},
                "request": {"uid": "9f3b2a6c-1d4e-4f5a-8b7c-6d5e4f3a2b1c"},
                "response": {}
            },
            "actor": {
                "user": {
                    "type": "IAMUser",
                    "uid": "AIDACKCEVSQ6C2EXAMPLE",
                    "uuid": "arn:aws:iam::111122223333:user/ops-user",
                    "name": "ops-user",
                    "credential_uid": "AKIAIOSFODNN7EXAMPLE",
                    "account_uid": "111122223333"
                }
            },
            "src_endpoint": {"ip": "192.0.2.10"},
            "http_request": {"user_agent": "aws-cli/2.15.30"},
            "cloud": {"provider": "AWS", "region": "us-east-1"},
            "unmapped": {
                "eventType": "AwsApiCall",
                "recipientAccountId": "111122223333",
                "requestParameters.functionName": "invoice-renderer"
            }
        }))
    }

    fn rebuild(ocsf: &Map<String, Value>) -> Map<String, Value> {
        rebuild_record(ocsf, &Limits::default()).expect("the record rebuilds")
    }

    fn expected_record() -> Value {
        json!({
            "eventVersion": "1.09",
            "eventID": EVENT_ID,
            "eventType": "AwsApiCall",
            "eventSource": "lambda.amazonaws.com",
            "eventName": "DeleteFunction20150331",
            "eventTime": "2024-05-14T09:21:37Z",
            "awsRegion": "us-east-1",
            "sourceIPAddress": "192.0.2.10",
            "userAgent": "aws-cli/2.15.30",
            "requestID": "9f3b2a6c-1d4e-4f5a-8b7c-6d5e4f3a2b1c",
            "requestParameters": {"functionName": "invoice-renderer"},
            "recipientAccountId": "111122223333",
            "userIdentity": {
                "type": "IAMUser",
                "principalId": "AIDACKCEVSQ6C2EXAMPLE",
                "arn": "arn:aws:iam::111122223333:user/ops-user",
                "accountId": "111122223333",
                "accessKeyId": "AKIAIOSFODNN7EXAMPLE",
                "userName": "ops-user"
            }
        })
    }

    #[test]
    fn rebuilds_1_1_layout() {
        let mut expected = object(expected_record());
        expected.insert("apiVersion".to_owned(), json!("2015-03-31"));

        assert_eq!(rebuild(&api_activity_1_1()), expected);
    }

    #[test]
    fn rebuilds_1_0_rc2_layout() {
        assert_eq!(rebuild(&api_activity_1_0_rc2()), object(expected_record()));
    }

    #[test]
    fn both_layouts_normalize_alike() {
        let limits = Limits::default();
        let newer = normalize(&api_activity_1_1(), &limits).expect("6003 normalises");
        let older = normalize(&api_activity_1_0_rc2(), &limits).expect("3005 normalises");

        assert_eq!(newer.shape, Shape::Ocsf11);
        assert_eq!(older.shape, Shape::Ocsf10Rc2);
        assert_eq!(newer.class, RecordClass::Event);
        assert_eq!(older.class, RecordClass::Event);
        assert_eq!(newer.record_event_id.as_deref(), Some(EVENT_ID));
        assert_eq!(older.record_event_id.as_deref(), Some(EVENT_ID));
        assert_eq!(
            newer.doc,
            crate::ecs::from_cloudtrail(&rebuild(&api_activity_1_1()))
        );
    }

    #[test]
    fn request_data_text_parsed() {
        let mut ocsf = api_activity_1_1();
        ocsf["api"]["request"]["data"] =
            json!("{\"functionName\":\"invoice-renderer\",\"qualifier\":\"3\"}");

        let record = rebuild(&ocsf);

        assert_eq!(
            record["requestParameters"],
            json!({"functionName": "invoice-renderer", "qualifier": "3"})
        );
    }

    #[test]
    fn response_data_text_parsed() {
        let mut ocsf = api_activity_1_1();
        ocsf["api"]["response"]["data"] = json!("{\"statusCode\":204}");

        assert_eq!(
            rebuild(&ocsf)["responseElements"],
            json!({"statusCode": 204})
        );
    }

    #[test]
    fn invalid_request_data_names_field() {
        let mut ocsf = api_activity_1_1();
        ocsf["api"]["request"]["data"] = json!("{\"functionName\":");

        match rebuild_record(&ocsf, &Limits::default()) {
            Err(EventError::InvalidJson(message)) => {
                assert!(message.contains("api.request.data"), "{message}")
            }
            other => panic!("expected invalid JSON, got {other:?}"),
        }
    }

    #[test]
    fn error_code_from_response_error() {
        let mut ocsf = api_activity_1_1();
        ocsf["status_id"] = json!(2);
        ocsf["status"] = json!("Failure");
        ocsf["api"]["response"] =
            json!({"error": "AccessDenied", "message": "User is not authorized"});

        let record = rebuild(&ocsf);

        assert_eq!(record["errorCode"], json!("AccessDenied"));
        assert_eq!(record["errorMessage"], json!("User is not authorized"));
    }

    #[test]
    fn failure_status_without_error_sets_code() {
        let cases = [
            (
                json!({"status_id": 2, "status": "Failure", "status_detail": "ResourceNotFoundException"}),
                "ResourceNotFoundException",
            ),
            (json!({"status_id": 2, "status": "Failure"}), "Failure"),
            (json!({"status_id": 2}), "Failure"),
        ];
        for (status, expected) in cases {
            let mut ocsf = api_activity_1_1();
            ocsf.remove("status");
            ocsf.extend(object(status.clone()));
            assert_eq!(
                rebuild(&ocsf).get("errorCode"),
                Some(&json!(expected)),
                "{status}"
            );
        }
    }

    #[test]
    fn non_failure_status_sets_no_code() {
        let cases = [json!(1), json!(99), json!(0), json!(null)];
        for status_id in cases {
            let mut ocsf = api_activity_1_1();
            ocsf["status_id"] = status_id.clone();
            ocsf["api"]["response"] = json!({"error": ""});
            assert_eq!(
                rebuild(&ocsf).get("errorCode"),
                None,
                "status_id {status_id}"
            );
        }
    }

    #[test]
    fn domain_source_used_without_ip() {
        let mut ocsf = api_activity_1_1();
        ocsf["src_endpoint"] = json!({"domain": "cloudformation.amazonaws.com"});

        assert_eq!(
            rebuild(&ocsf)["sourceIPAddress"],
            json!("cloudformation.amazonaws.com")
        );
    }

    #[test]
    fn time_dt_used_without_time() {
        let mut ocsf = api_activity_1_1();
        ocsf.remove("time");

        assert_eq!(
            rebuild(&ocsf)["eventTime"],
            json!("2024-05-14T09:21:37.000Z")
        );
    }

    #[test]
    fn millis_formatted_like_event_time() {
        assert_eq!(
            format_millis(1_715_678_497_000).as_deref(),
            Some("2024-05-14T09:21:37Z")
        );
        assert_eq!(
            format_millis(1_715_678_497_042).as_deref(),
            Some("2024-05-14T09:21:37.042Z")
        );
        assert_eq!(
            format_millis(-1).as_deref(),
            Some("1969-12-31T23:59:59.999Z")
        );
    }

    #[test]
    fn assumed_role_session_rebuilt() {
        let mut ocsf = api_activity_1_1();
        ocsf["actor"] = json!({
            "user": {
                "type": "AssumedRole",
                "uid": "arn:aws:sts::111122223333:assumed-role/deploy-pipeline/build-42",
                "uid_alt": "AROACKCEVSQ6C2EXAMPLE:build-42",
                "account": {"uid": "111122223333"},
                "credential_uid": "ASIAIOSFODNN7EXAMPLE"
            },
            "session": {
                "issuer": "arn:aws:iam::111122223333:role/service-role/deploy-pipeline",
                "is_mfa": false,
                "created_time_dt": "2024-05-14T09:00:00Z"
            },
            "invoked_by": "codebuild.amazonaws.com"
        });

        let identity = &rebuild(&ocsf)["userIdentity"];

        assert_eq!(
            identity["principalId"],
            json!("AROACKCEVSQ6C2EXAMPLE:build-42")
        );
        assert_eq!(identity["invokedBy"], json!("codebuild.amazonaws.com"));
        assert_eq!(
            identity["sessionContext"],
            json!({
                "attributes": {"mfaAuthenticated": "false", "creationDate": "2024-05-14T09:00:00Z"},
                "sessionIssuer": {
                    "arn": "arn:aws:iam::111122223333:role/service-role/deploy-pipeline",
                    "type": "Role",
                    "accountId": "111122223333",
                    "userName": "deploy-pipeline"
                }
            })
        );
    }

    #[test]
    fn issuer_fields_from_arn() {
        let cases = [
            (
                "arn:aws:iam::111122223333:role/admin",
                json!({"type": "Role", "accountId": "111122223333", "userName": "admin"}),
            ),
            (
                "arn:aws:iam::111122223333:user/dev/ops-user",
                json!({"type": "IAMUser", "accountId": "111122223333", "userName": "ops-user"}),
            ),
            (
                "arn:aws:iam::111122223333:root",
                json!({"type": "Root", "accountId": "111122223333"}),
            ),
            ("arn:aws:iam::111122223333:group/dev", json!({})),
            ("not-an-arn", json!({})),
        ];
        for (arn, expected) in cases {
            let mut expected = object(expected);
            expected.insert("arn".to_owned(), json!(arn));
            assert_eq!(issuer_from_arn(arn), expected, "{arn}");
        }
    }

    #[test]
    fn actor_without_user_fields() {
        let mut ocsf = api_activity_1_1();
        ocsf["actor"] = json!({"invoked_by": "cloudformation.amazonaws.com"});
        let mut no_actor = api_activity_1_1();
        no_actor.remove("actor");

        assert_eq!(
            rebuild(&ocsf)["userIdentity"],
            json!({"invokedBy": "cloudformation.amazonaws.com"})
        );
        assert_eq!(rebuild(&no_actor).get("userIdentity"), None);
    }

    #[test]
    fn recipient_account_prefers_unmapped() {
        let mut ocsf = api_activity_1_1();
        ocsf.insert(
            "unmapped".to_owned(),
            json!({"recipientAccountId": "444455556666"}),
        );
        let mut rc2 = api_activity_1_0_rc2();
        rc2["unmapped"]
            .as_object_mut()
            .map(|unmapped| unmapped.remove("recipientAccountId"));
        rc2["cloud"]["account_uid"] = json!("777788889999");

        assert_eq!(rebuild(&ocsf)["recipientAccountId"], json!("444455556666"));
        assert_eq!(rebuild(&rc2)["recipientAccountId"], json!("777788889999"));
    }

    #[test]
    fn unmapped_never_overrides_mapped_fields() {
        let mut ocsf = api_activity_1_1();
        ocsf.insert(
            "unmapped".to_owned(),
            json!({
                "eventName": "GetFunction",
                "requestParameters.functionName": "other",
                "requestParameters.qualifier": "5",
                "eventName.inner": "x",
                "readOnly": "false"
            }),
        );

        let record = rebuild(&ocsf);

        assert_eq!(record["eventName"], json!("DeleteFunction20150331"));
        assert_eq!(
            record["requestParameters"],
            json!({"functionName": "invoice-renderer", "qualifier": "5"})
        );
        assert_eq!(record["readOnly"], json!("false"));
    }

    #[test]
    fn resources_rebuilt() {
        let mut ocsf = api_activity_1_1();
        ocsf.insert(
            "resources".to_owned(),
            json!([{"uid": "arn:aws:lambda:us-east-1:111122223333:function:invoice-renderer", "type": "AWS::Lambda::Function", "account": {"uid": "111122223333"}}]),
        );

        assert_eq!(
            rebuild(&ocsf)["resources"],
            json!([{"ARN": "arn:aws:lambda:us-east-1:111122223333:function:invoice-renderer", "accountId": "111122223333", "type": "AWS::Lambda::Function"}])
        );
    }

    #[test]
    fn other_classes_rejected() {
        let cases = [json!(4001), json!("6003x"), json!(null)];
        for class_uid in cases {
            let mut ocsf = api_activity_1_1();
            ocsf["class_uid"] = class_uid.clone();
            match normalize(&ocsf, &Limits::default()) {
                Err(EventError::UnsupportedShape(message)) => {
                    assert!(message.contains("API Activity"), "{message}")
                }
                other => {
                    panic!("class_uid {class_uid}: expected an unsupported shape, got {other:?}")
                }
            }
        }
    }

    #[test]
    fn class_uid_as_text_accepted() {
        let mut ocsf = api_activity_1_1();
        ocsf["class_uid"] = json!("6003");

        let event = normalize(&ocsf, &Limits::default()).expect("text class_uid normalises");

        assert_eq!(event.shape, Shape::Ocsf11);
    }

    #[test]
    fn other_product_not_cloudtrail() {
        let mut ocsf = api_activity_1_1();
        ocsf["metadata"]["product"]["name"] = json!("Example Gateway");

        let event = normalize(&ocsf, &Limits::default()).expect("the record normalises");

        assert_eq!(event.class, RecordClass::NotCloudTrail);
    }
}
