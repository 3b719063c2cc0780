use serde_json::Value;

use super::{Detector, NoMatchReason, Stats, Verdict, evaluate_stateless};
use crate::config::Config;
use crate::rule::Rule;
use crate::timestamp::Timestamp;

/// 2024-05-01T12:00:00Z, the start of a 5-minute window.
const BASE: i64 = 1_714_564_800;

/// A successful `DeleteFunction20150331` as CloudTrail writes it, with placeholders for
/// the parts the tests vary.
const DELETION: &str = r#"{"eventVersion":"1.08","userIdentity":{"type":"AssumedRole","principalId":"AROAEXAMPLEROLEID:session","arn":"PRINCIPAL_ARN","accountId":"111122223333","accessKeyId":"ASIAEXAMPLEKEY00001","sessionContext":{"sessionIssuer":{"type":"Role","principalId":"AROAEXAMPLEROLEID","arn":"arn:aws:iam::111122223333:role/admin","accountId":"111122223333","userName":"admin"},"attributes":{"creationDate":"2024-05-01T11:00:00Z","mfaAuthenticated":"false"}}},"eventTime":"EVENT_TIME","eventSource":"lambda.amazonaws.com","eventName":"DeleteFunction20150331","awsRegion":"us-east-1","sourceIPAddress":"192.0.2.10","userAgent":"USER_AGENT","requestParameters":{"functionName":"orders-FUNCTION_SUFFIX"},"responseElements":null,"requestID":"1e5c9a2b-7f3d-4c8e-9b1a-REQUESTSUFFIX","eventID":"EVENT_ID","readOnly":false,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333","eventCategory":"Management"}"#;

/// A deletion's fields that the tests vary.
struct Deletion<'a> {
    event_id: &'a str,
    seconds_after_base: i64,
    principal_arn: &'a str,
    user_agent: &'a str,
}

impl Default for Deletion<'_> {
    fn default() -> Self {
        Deletion {
            event_id: "00000000-0000-4000-8000-000000000001",
            seconds_after_base: 0,
            principal_arn: "arn:aws:sts::111122223333:assumed-role/admin/alice",
            user_agent: "aws-cli/2.15.0 Python/3.11.6",
        }
    }
}

impl Deletion<'_> {
    fn text(&self) -> String {
        let time = Timestamp::from_unix(BASE + self.seconds_after_base, 0).unwrap();
        DELETION
            .replace("PRINCIPAL_ARN", self.principal_arn)
            .replace("EVENT_TIME", &time.to_string())
            .replace("USER_AGENT", self.user_agent)
            .replace("FUNCTION_SUFFIX", self.event_id)
            .replace("REQUESTSUFFIX", self.event_id)
            .replace("EVENT_ID", self.event_id)
    }
}

/// Returns the text of deletion number `n` (distinct event ids) at `seconds` after `BASE`.
fn deletion(n: u32, seconds: i64) -> String {
    let event_id = format!("00000000-0000-4000-8000-{n:012}");
    Deletion {
        event_id: &event_id,
        seconds_after_base: seconds,
        ..Deletion::default()
    }
    .text()
}

fn now() -> Timestamp {
    Timestamp::from_unix(BASE + 3600, 0).unwrap()
}

fn detector(config_json: &str) -> Detector {
    Detector::new(Rule::bundled(), Config::from_json(config_json).unwrap())
}

fn verdict(detector: &mut Detector, text: &str) -> Verdict {
    detector.evaluate(text, now()).unwrap()
}

fn alert_uuid(verdict: &Verdict) -> &str {
    match verdict {
        Verdict::Alert(alert) => &alert.uuid,
        other => panic!("expected an alert, found {other:?}"),
    }
}

fn kind(verdict: &Verdict) -> &'static str {
    match verdict {
        Verdict::Alert(_) => "alert",
        Verdict::NoMatch(_) => "no_match",
        Verdict::Excepted(_) => "excepted",
        Verdict::Suppressed(_) => "suppressed",
        Verdict::Duplicate(_) => "duplicate",
        Verdict::Skipped(_) => "skipped",
    }
}

#[test]
fn cap_suppresses_101st_in_window() {
    let mut detector = detector("{}");
    let verdicts: Vec<Verdict> = (0..101)
        .map(|n| verdict(&mut detector, &deletion(n, i64::from(n))))
        .collect();

    let alerts = verdicts.iter().filter(|v| kind(v) == "alert").count();
    assert_eq!(alerts, 100);
    let Verdict::Suppressed(suppression) = &verdicts[100] else {
        panic!(
            "expected the 101st to be suppressed, found {:?}",
            verdicts[100]
        );
    };
    assert_eq!(suppression.window_start, "2024-05-01T12:00:00.000Z");
    assert_eq!(detector.stats().suppressed, 1);

    let next_window = verdict(&mut detector, &deletion(101, 300));
    assert_eq!(kind(&next_window), "alert");
}

#[test]
fn timeless_event_keeps_old_windows() {
    // One deletion without an event time comes first, then 101 deletions in one window of
    // an archive an hour older than the processing time. The time-less event must not move
    // the watermark to the processing time, because the cap and replay state would be lost.
    let mut detector = detector("{}");
    let timeless = deletion(999, 0).replace(
        &format!(
            "\"eventTime\":\"{}\",",
            Timestamp::from_unix(BASE, 0).unwrap()
        ),
        "",
    );
    assert!(
        !timeless.contains("eventTime"),
        "the event time was removed"
    );
    assert_eq!(kind(&verdict(&mut detector, &timeless)), "alert");

    let kinds: Vec<_> = (0..101)
        .map(|n| kind(&verdict(&mut detector, &deletion(n, 10))))
        .collect();
    assert_eq!(kinds.iter().filter(|k| **k == "alert").count(), 100);
    assert_eq!(kinds.last(), Some(&"suppressed"));
    assert_eq!(kind(&verdict(&mut detector, &deletion(0, 20))), "duplicate");
}

#[test]
fn cap_keeps_first_arrivals() {
    let mut detector = detector(r#"{"max_alerts_per_execution": 2}"#);
    let late_first = verdict(&mut detector, &deletion(1, 250));
    let early_second = verdict(&mut detector, &deletion(2, 10));
    let earliest_third = verdict(&mut detector, &deletion(3, 0));
    assert_eq!(kind(&late_first), "alert");
    assert_eq!(kind(&early_second), "alert");
    assert_eq!(kind(&earliest_third), "suppressed");
}

#[test]
fn suppression_names_would_be_uuid() {
    let mut detector = detector(r#"{"max_alerts_per_execution": 1}"#);
    verdict(&mut detector, &deletion(1, 0));
    let suppressed = verdict(&mut detector, &deletion(2, 1));

    let mut fresh = Detector::new(Rule::bundled(), Config::default());
    let would_be = verdict(&mut fresh, &deletion(2, 1));
    let Verdict::Suppressed(suppression) = suppressed else {
        panic!("expected a suppression, found {suppressed:?}");
    };
    assert_eq!(suppression.uuid, alert_uuid(&would_be));
}

#[test]
fn replay_within_lookback_is_duplicate() {
    let mut detector = detector("{}");
    let first = verdict(&mut detector, &deletion(1, 0));
    let copy = verdict(&mut detector, &deletion(1, 0));
    assert_eq!(copy, Verdict::Duplicate(alert_uuid(&first).to_string()));
    assert_eq!(detector.stats().duplicates, 1);
}

#[test]
fn replay_at_lookback_edge_is_duplicate() {
    let mut detector = detector("{}");
    verdict(&mut detector, &deletion(1, 0));
    verdict(&mut detector, &deletion(2, 360));
    let copy = verdict(&mut detector, &deletion(1, 0));
    assert_eq!(kind(&copy), "duplicate");
}

#[test]
fn replay_after_lookback_alerts_again() {
    let mut detector = detector("{}");
    let first = verdict(&mut detector, &deletion(1, 0));
    verdict(&mut detector, &deletion(2, 361));
    let copy = verdict(&mut detector, &deletion(1, 0));
    assert_eq!(alert_uuid(&copy), alert_uuid(&first));
}

#[test]
fn late_copy_behind_lookback_alerts_again() {
    // The late deletion is more than a look-back behind the watermark, so the state it
    // adds is trimmed at the next event although the watermark stays where it is.
    let mut detector = detector("{}");
    verdict(&mut detector, &deletion(2, 400));
    let late = verdict(&mut detector, &deletion(1, 0));
    let read = deletion(3, 400).replace("DeleteFunction20150331", "GetFunction20150331v2");
    let no_match = verdict(&mut detector, &read);
    let copy = verdict(&mut detector, &deletion(1, 0));
    assert_eq!(no_match, Verdict::NoMatch(NoMatchReason::Query));
    assert_eq!(kind(&late), "alert");
    assert_eq!(alert_uuid(&copy), alert_uuid(&late));
}

#[test]
fn non_matching_events_move_watermark() {
    let mut detector = detector("{}");
    let first = verdict(&mut detector, &deletion(1, 0));
    let later_read = deletion(2, 400).replace("DeleteFunction20150331", "GetFunction20150331v2");
    let no_match = verdict(&mut detector, &later_read);
    let copy = verdict(&mut detector, &deletion(1, 0));
    assert_eq!(no_match, Verdict::NoMatch(NoMatchReason::Query));
    assert_eq!(alert_uuid(&copy), alert_uuid(&first));
}

#[test]
fn replay_detection_off_alerts_again() {
    let mut detector = detector(r#"{"replay_detection": false}"#);
    let first = verdict(&mut detector, &deletion(1, 0));
    let copy = verdict(&mut detector, &deletion(1, 0));
    assert_eq!(alert_uuid(&copy), alert_uuid(&first));
    assert_eq!(detector.stats().duplicates, 0);
}

#[test]
fn replay_detection_off_still_caps() {
    let mut detector = detector(r#"{"replay_detection": false, "max_alerts_per_execution": 1}"#);
    verdict(&mut detector, &deletion(1, 0));
    let copy = verdict(&mut detector, &deletion(1, 0));
    assert_eq!(kind(&copy), "suppressed");
}

/// Returns the burst count the detector has for `principal` at `seconds` after `BASE`.
fn burst_count(detector: &Detector, principal: &str, seconds: i64) -> u64 {
    let time = Timestamp::from_unix(BASE + seconds, 0).unwrap();
    detector.burst(principal.to_string(), time).count
}

const ALICE: &str = "arn:aws:sts::111122223333:assumed-role/admin/alice";
const BOB: &str = "arn:aws:sts::111122223333:assumed-role/admin/bob";

#[test]
fn burst_counts_principal_deletions() {
    let mut detector = detector("{}");
    for (n, seconds) in [(1, 0), (2, 60), (3, 120)] {
        verdict(&mut detector, &deletion(n, seconds));
    }
    let bob = Deletion {
        event_id: "b0b",
        seconds_after_base: 130,
        principal_arn: BOB,
        ..Deletion::default()
    };
    verdict(&mut detector, &bob.text());

    assert_eq!(burst_count(&detector, ALICE, 120), 3);
    assert_eq!(burst_count(&detector, ALICE, 60), 2);
    assert_eq!(burst_count(&detector, BOB, 130), 1);
    assert_eq!(burst_count(&detector, ALICE, 120 + 361), 0);
}

#[test]
fn burst_counts_suppressed_not_duplicates() {
    let mut detector = detector(r#"{"max_alerts_per_execution": 1}"#);
    let first = verdict(&mut detector, &deletion(1, 0));
    let suppressed = verdict(&mut detector, &deletion(2, 10));
    let duplicate = verdict(&mut detector, &deletion(1, 0));
    assert_eq!(kind(&first), "alert");
    assert_eq!(kind(&suppressed), "suppressed");
    assert_eq!(kind(&duplicate), "duplicate");
    assert_eq!(burst_count(&detector, ALICE, 10), 2);
}

#[test]
fn burst_counts_excepted_deletions() {
    let config = r#"{"exceptions": [{"name": "terraform", "entries": [{"type": "wildcard",
        "field": "user_agent.original", "operator": "included", "value": "*Terraform*"}]}]}"#;
    let mut detector = detector(config);
    let terraform = Deletion {
        event_id: "7e44af09-0000-4000-8000-00000000000a",
        user_agent: "APN/1.0 HashiCorp/1.0 Terraform/1.5.7",
        ..Deletion::default()
    };
    let excepted = verdict(&mut detector, &terraform.text());
    let alerted = verdict(&mut detector, &deletion(2, 30));
    assert_eq!(excepted, Verdict::Excepted("terraform".to_string()));
    assert_eq!(kind(&alerted), "alert");
    assert_eq!(burst_count(&detector, ALICE, 30), 2);
}

#[test]
fn nested_exception_on_raw_record() {
    let resources = r#""resources":[{"accountId":"111122223333","type":"AWS::Lambda::Function","ARN":"arn:aws:lambda:us-east-1:111122223333:function:scratch-1"},{"accountId":"111122223333","type":"AWS::IAM::Role","ARN":"arn:aws:iam::111122223333:role/scratch-exec"}],"eventType""#;
    let text = deletion(1, 0).replace(r#""eventType""#, resources);
    let nested = |type_value: &str, arn_pattern: &str| {
        let entry = serde_json::json!({
            "type": "nested",
            "field": "aws.cloudtrail.resources",
            "entries": [
                {"type": "match", "field": "type", "operator": "included", "value": type_value},
                {"type": "match_any", "field": "arn", "operator": "included", "value": [arn_pattern]}
            ]
        });
        let config =
            serde_json::json!({ "exceptions": [{ "name": "scratch", "entries": [entry] }] });
        detector(&config.to_string())
    };

    let function_arn = "arn:aws:lambda:us-east-1:111122223333:function:scratch-1";
    let role_arn = "arn:aws:iam::111122223333:role/scratch-exec";
    let same_element = verdict(&mut nested("AWS::Lambda::Function", function_arn), &text);
    let split_elements = verdict(&mut nested("AWS::Lambda::Function", role_arn), &text);
    assert_eq!(same_element, Verdict::Excepted("scratch".to_string()));
    assert_eq!(kind(&split_elements), "alert");
}

#[test]
fn burst_falls_back_to_access_key() {
    let text = deletion(1, 0).replace(
        r#""arn":"arn:aws:sts::111122223333:assumed-role/admin/alice","#,
        "",
    );
    let mut detector = detector("{}");
    assert_eq!(kind(&verdict(&mut detector, &text)), "alert");
    assert_eq!(burst_count(&detector, "ASIAEXAMPLEKEY00001", 0), 1);
}

/// Parses the alert document of `verdict`.
fn alert_document(verdict: &Verdict) -> Value {
    match verdict {
        Verdict::Alert(alert) => serde_json::from_str(&alert.document).unwrap(),
        other => panic!("expected an alert, found {other:?}"),
    }
}

#[test]
fn alert_carries_burst() {
    let mut detector = detector("{}");
    verdict(&mut detector, &deletion(1, 0));
    let second = verdict(&mut detector, &deletion(2, 60));
    let burst = &alert_document(&second)["detection"]["burst"];
    assert_eq!(burst["count"], 2);
    assert_eq!(burst["principal"], ALICE);
    assert_eq!(burst["lookback_seconds"], 360);
}

#[test]
fn pinned_processing_time_stamps_alert() {
    let mut detector = detector(r#"{"processing_time": "2024-05-01T13:30:00Z"}"#);
    let alert = verdict(&mut detector, &deletion(1, 0));
    let document = alert_document(&alert);
    assert_eq!(document["@timestamp"], "2024-05-01T13:30:00.000Z");
}

#[test]
fn unpinned_alert_takes_now() {
    let mut detector = detector("{}");
    let alert = verdict(&mut detector, &deletion(1, 0));
    let document = alert_document(&alert);
    assert_eq!(document["@timestamp"], "2024-05-01T13:00:00.000Z");
}

#[test]
fn timeless_event_uses_processing_time() {
    let config = r#"{"processing_time": "2024-05-01T13:31:00Z", "max_alerts_per_execution": 1}"#;
    let mut detector = detector(config);
    let without_time =
        |n: u32| deletion(n, 0).replace(r#""eventTime":"2024-05-01T12:00:00.000Z","#, "");
    let first = verdict(&mut detector, &without_time(1));
    let second = verdict(&mut detector, &without_time(2));
    assert_eq!(kind(&first), "alert");
    let Verdict::Suppressed(suppression) = second else {
        panic!("expected a suppression, found {second:?}");
    };
    assert_eq!(suppression.window_start, "2024-05-01T13:30:00.000Z");
}

/// Events of every verdict and error, in one stream.
fn mixed_stream() -> Vec<String> {
    let failed = deletion(50, 5).replace(
        r#""responseElements":null"#,
        r#""errorCode":"AccessDenied","errorMessage":"User is not authorized to perform: lambda:DeleteFunction","responseElements":null"#,
    );
    let sibling = deletion(51, 6).replace(
        "DeleteFunction20150331",
        "DeleteFunctionConcurrency20171031",
    );
    let insight = r#"{"eventVersion":"1.08","eventTime":"2024-05-01T12:00:00Z","awsRegion":"us-east-1","eventID":"5c8b7d9e-0a12-4f1c-8d2b-0000000000a1","eventType":"AwsCloudTrailInsight","recipientAccountId":"111122223333","sharedEventID":"5c8b7d9e-0a12-4f1c-8d2b-0000000000a2","insightDetails":{"state":"Start","eventSource":"lambda.amazonaws.com","eventName":"DeleteFunction20150331","insightType":"ApiCallRateInsight","insightContext":{"statistics":{"baseline":{"average":0.01},"insight":{"average":5.0}}}},"eventCategory":"Insight"}"#;
    let other_dataset = r#"{"@timestamp":"2024-05-01T12:00:07Z","data_stream":{"dataset":"aws.vpcflow","namespace":"default","type":"logs"},"event":{"action":"DeleteFunction20150331","provider":"lambda.amazonaws.com","outcome":"success","ingested":"2024-05-01T12:02:00Z"}}"#;
    let digest = r#"{"awsAccountId":"111122223333","digestStartTime":"2024-05-01T11:00:00Z","digestEndTime":"2024-05-01T12:00:00Z","digestS3Bucket":"example-trail-bucket","digestS3Object":"AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2024/05/01/111122223333_CloudTrail-Digest_us-east-1_trail_us-east-1_20240501T120000Z.json.gz","digestPublicKeyFingerprint":"0123456789abcdef0123456789abcdef","digestSignatureAlgorithm":"SHA256withRSA","newestEventTime":"2024-05-01T11:59:59Z","oldestEventTime":"2024-05-01T11:00:01Z","previousDigestS3Bucket":null,"previousDigestS3Object":null,"previousDigestHashValue":null,"previousDigestHashAlgorithm":null,"previousDigestSignature":null,"logFiles":[]}"#;
    let terraform = Deletion {
        event_id: "7e44af09-0000-4000-8000-00000000000b",
        seconds_after_base: 8,
        user_agent: "APN/1.0 HashiCorp/1.0 Terraform/1.5.7",
        ..Deletion::default()
    };
    vec![
        deletion(1, 0),
        deletion(2, 1),
        deletion(3, 2),
        deletion(1, 0),
        failed,
        sibling,
        insight.to_string(),
        other_dataset.to_string(),
        terraform.text(),
        digest.to_string(),
        "{\"eventName\": ".to_string(),
        "[1, 2]".to_string(),
        format!("{{\"Records\": [{}]}}", deletion(60, 9)),
    ]
}

#[test]
fn stats_identity_after_mixed_stream() {
    let config = r#"{"max_alerts_per_execution": 2, "exceptions": [{"name": "terraform",
        "entries": [{"type": "wildcard", "field": "user_agent.original", "operator": "included",
        "value": "*Terraform*"}]}]}"#;
    let mut detector = detector(config);
    for text in mixed_stream() {
        let _ = detector.evaluate(&text, now());
    }

    let stats = detector.stats();
    let expected = Stats {
        events: 13,
        alerts: 2,
        no_match: 4,
        no_match_insight: 1,
        no_match_not_cloudtrail: 1,
        excepted: 1,
        suppressed: 1,
        duplicates: 1,
        skipped: 1,
        errors: 3,
    };
    assert_eq!(stats, expected);
    let sum = stats.alerts
        + stats.no_match
        + stats.excepted
        + stats.suppressed
        + stats.duplicates
        + stats.skipped
        + stats.errors;
    assert_eq!(stats.events, sum);
}

#[test]
fn no_match_reasons() {
    let stream = mixed_stream();
    let mut detector = detector("{}");
    let reasons: Vec<Verdict> = [4, 5, 6, 7]
        .iter()
        .map(|i| verdict(&mut detector, &stream[*i]))
        .collect();
    assert_eq!(reasons[0], Verdict::NoMatch(NoMatchReason::Query));
    assert_eq!(reasons[1], Verdict::NoMatch(NoMatchReason::Query));
    assert_eq!(reasons[2], Verdict::NoMatch(NoMatchReason::Insight));
    assert_eq!(reasons[3], Verdict::NoMatch(NoMatchReason::NotCloudTrail));
}

#[test]
fn own_alert_is_no_match() {
    let mut detector = detector("{}");
    let alert = verdict(&mut detector, &deletion(1, 0));
    let Verdict::Alert(alert) = alert else {
        panic!("expected an alert, found {alert:?}");
    };
    let again = verdict(&mut detector, &alert.document);
    assert_eq!(again, Verdict::NoMatch(NoMatchReason::OwnAlert));
}

#[test]
fn state_stays_bounded() {
    let mut detector = detector("{}");
    let principals = [ALICE, BOB, "arn:aws:iam::111122223333:user/carol"];
    let mut largest = 0;
    for n in 0..2_500_u32 {
        let event_id = format!("00000000-0000-4000-8000-{n:012}");
        let principal_index = usize::try_from(n).unwrap() % principals.len();
        let event = Deletion {
            event_id: &event_id,
            seconds_after_base: i64::from(n) * 5,
            principal_arn: principals[principal_index],
            ..Deletion::default()
        };
        let _ = verdict(&mut detector, &event.text());
        if n % 7 == 0 {
            // A replay of the record just seen adds nothing.
            let _ = verdict(&mut detector, &event.text());
        }
        largest = largest.max(detector.state_len());
    }

    // A look-back of 360 s contains at most 73 records 5 s apart; each sits in three indexes,
    // and at most three windows overlap the look-back.
    assert!(largest <= 73 * 3 + 3, "state grew to {largest} entries");
    assert!(detector.state_len() > 0);
}

#[test]
fn errors_are_counted_and_returned() {
    let mut detector = detector("{}");
    let error = detector.evaluate("{\"eventName\": ", now());
    assert!(error.is_err());
    assert_eq!(detector.stats().errors, 1);
    assert_eq!(detector.stats().events, 1);
}

#[test]
fn stateless_evaluation_alerts() {
    let rule = Rule::bundled();
    let alert = evaluate_stateless(&rule, &deletion(1, 0), now()).unwrap();
    assert!(alert.is_some());
    let none = evaluate_stateless(&rule, &mixed_stream()[5], now()).unwrap();
    assert_eq!(none, None);
}
