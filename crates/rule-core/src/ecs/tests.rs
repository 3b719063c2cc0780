//! Whole-record mapping cases: each identity shape, source addresses, error fields,
//! function name forms and the full document of a deletion.

use serde_json::{Map, Value, json};

use super::from_cloudtrail;

/// Builds a successful DeleteFunction by an IAM user from a literal IPv4 address.
fn deletion() -> Value {
    json!({
        "eventVersion": "1.08",
        "userIdentity": {
            "type": "IAMUser",
            "principalId": "AIDAEXAMPLEPRINCIPAL1",
            "arn": "arn:aws:iam::111122223333:user/ops-user",
            "accountId": "111122223333",
            "accessKeyId": "AKIAEXAMPLEACCESSKEY",
            "userName": "ops-user"
        },
        "eventTime": "2026-01-02T03:00:00Z",
        "eventSource": "lambda.amazonaws.com",
        "eventName": "DeleteFunction20150331",
        "awsRegion": "us-east-1",
        "sourceIPAddress": "192.0.2.10",
        "userAgent": "aws-cli/2.15.0 Python/3.11.6 Linux/6.1 exe/x86_64",
        "requestParameters": { "functionName": "billing-export" },
        "responseElements": null,
        "requestID": "3c7d1f4e-0000-4000-8000-000000000001",
        "eventID": "9a8b7c6d-0000-4000-8000-000000000001",
        "readOnly": false,
        "eventType": "AwsApiCall",
        "managementEvent": true,
        "recipientAccountId": "111122223333",
        "eventCategory": "Management",
        "tlsDetails": {
            "tlsVersion": "TLSv1.3",
            "cipherSuite": "TLS_AES_128_GCM_SHA256",
            "clientProvidedHostHeader": "lambda.us-east-1.amazonaws.com"
        }
    })
}

fn map(record: &Value) -> Value {
    Value::Object(from_cloudtrail(
        record.as_object().expect("the record is an object"),
    ))
}

fn with(mut record: Value, pointer: &str, value: Value) -> Value {
    *record.pointer_mut(pointer).expect("the pointer exists") = value;
    record
}

fn without(mut record: Value, key: &str) -> Value {
    record.as_object_mut().expect("an object").remove(key);
    record
}

fn field<'a>(doc: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(doc, |value, key| value.get(key))
}

#[test]
fn deletion_document() {
    let expected = json!({
        "@timestamp": "2026-01-02T03:00:00.000Z",
        "aws": { "cloudtrail": {
            "event_category": "Management",
            "event_type": "AwsApiCall",
            "event_version": "1.08",
            "flattened": { "request_parameters": { "functionName": "billing-export" } },
            "management_event": true,
            "read_only": false,
            "recipient_account_id": "111122223333",
            "request_id": "3c7d1f4e-0000-4000-8000-000000000001",
            "request_parameters": "{functionName=billing-export}",
            "user_identity": {
                "access_key_id": "AKIAEXAMPLEACCESSKEY",
                "arn": "arn:aws:iam::111122223333:user/ops-user",
                "type": "IAMUser"
            }
        } },
        "cloud": { "account": { "id": "111122223333" }, "provider": "aws", "region": "us-east-1" },
        "data_stream": { "dataset": "aws.cloudtrail", "namespace": "default", "type": "logs" },
        "event": {
            "action": "DeleteFunction20150331",
            "dataset": "aws.cloudtrail",
            "id": "9a8b7c6d-0000-4000-8000-000000000001",
            "kind": "event",
            "module": "aws",
            "outcome": "success",
            "provider": "lambda.amazonaws.com",
            "type": ["info"]
        },
        "related": { "user": ["AIDAEXAMPLEPRINCIPAL1", "ops-user"] },
        "source": { "address": "192.0.2.10", "ip": "192.0.2.10" },
        "tls": {
            "cipher": "TLS_AES_128_GCM_SHA256",
            "client": { "server_name": "lambda.us-east-1.amazonaws.com" },
            "version": "1.3",
            "version_protocol": "tls"
        },
        "user": { "id": "AIDAEXAMPLEPRINCIPAL1", "name": "ops-user" },
        "user_agent": { "original": "aws-cli/2.15.0 Python/3.11.6 Linux/6.1 exe/x86_64" }
    });
    assert_eq!(map(&deletion()), expected);
}

#[test]
fn document_has_no_dotted_keys() {
    fn dotted_keys(value: &Value, found: &mut Vec<String>) {
        if let Value::Object(map) = value {
            found.extend(map.keys().filter(|key| key.contains('.')).cloned());
            map.values().for_each(|child| dotted_keys(child, found));
        }
    }
    let mut found = Vec::new();
    dotted_keys(&map(&deletion()), &mut found);
    assert!(found.is_empty(), "{found:?}");
}

struct IdentityCase {
    name: &'static str,
    identity: Option<Value>,
    user_name: Option<&'static str>,
    user_id: Option<&'static str>,
    arn: Option<&'static str>,
    account: &'static str,
}

fn identity_cases() -> Vec<IdentityCase> {
    vec![
        IdentityCase {
            name: "IAMUser",
            identity: Some(json!({
                "type": "IAMUser",
                "principalId": "AIDAEXAMPLEPRINCIPAL1",
                "arn": "arn:aws:iam::111122223333:user/ops-user",
                "accountId": "111122223333",
                "userName": "ops-user"
            })),
            user_name: Some("ops-user"),
            user_id: Some("AIDAEXAMPLEPRINCIPAL1"),
            arn: Some("arn:aws:iam::111122223333:user/ops-user"),
            account: "111122223333",
        },
        IdentityCase {
            name: "AssumedRole",
            identity: Some(json!({
                "type": "AssumedRole",
                "principalId": "AROAEXAMPLEROLE:deploy-session",
                "arn": "arn:aws:sts::111122223333:assumed-role/deployer/deploy-session",
                "accountId": "111122223333",
                "accessKeyId": "ASIAEXAMPLESESSION",
                "sessionContext": {
                    "sessionIssuer": {
                        "type": "Role",
                        "principalId": "AROAEXAMPLEROLE",
                        "arn": "arn:aws:iam::111122223333:role/deployer",
                        "accountId": "111122223333",
                        "userName": "deployer"
                    },
                    "webIdFederationData": {},
                    "attributes": { "creationDate": "2026-01-02T02:00:00Z", "mfaAuthenticated": "false" }
                }
            })),
            user_name: Some("deployer"),
            user_id: Some("AROAEXAMPLEROLE:deploy-session"),
            arn: Some("arn:aws:sts::111122223333:assumed-role/deployer/deploy-session"),
            account: "111122223333",
        },
        IdentityCase {
            name: "Role",
            identity: Some(json!({
                "type": "Role",
                "principalId": "AROAEXAMPLEROLE",
                "arn": "arn:aws:iam::111122223333:role/deployer",
                "accountId": "111122223333"
            })),
            user_name: None,
            user_id: Some("AROAEXAMPLEROLE"),
            arn: Some("arn:aws:iam::111122223333:role/deployer"),
            account: "111122223333",
        },
        IdentityCase {
            name: "Root without userName",
            identity: Some(json!({
                "type": "Root",
                "principalId": "111122223333",
                "arn": "arn:aws:iam::111122223333:root",
                "accountId": "111122223333",
                "accessKeyId": "ASIAEXAMPLEROOT"
            })),
            user_name: None,
            user_id: Some("111122223333"),
            arn: Some("arn:aws:iam::111122223333:root"),
            account: "111122223333",
        },
        IdentityCase {
            name: "FederatedUser",
            identity: Some(json!({
                "type": "FederatedUser",
                "principalId": "111122223333:alice",
                "arn": "arn:aws:sts::111122223333:federated-user/alice",
                "accountId": "111122223333",
                "sessionContext": {
                    "sessionIssuer": {
                        "type": "IAMUser",
                        "principalId": "AIDAEXAMPLEFEDERATOR",
                        "arn": "arn:aws:iam::111122223333:user/federator",
                        "accountId": "111122223333",
                        "userName": "federator"
                    }
                }
            })),
            user_name: Some("federator"),
            user_id: Some("111122223333:alice"),
            arn: Some("arn:aws:sts::111122223333:federated-user/alice"),
            account: "111122223333",
        },
        IdentityCase {
            name: "AWSService with invokedBy",
            identity: Some(
                json!({ "type": "AWSService", "invokedBy": "cloudformation.amazonaws.com" }),
            ),
            user_name: None,
            user_id: None,
            arn: None,
            account: "111122223333",
        },
        IdentityCase {
            name: "AWSAccount without arn",
            identity: Some(json!({
                "type": "AWSAccount",
                "principalId": "AIDAEXAMPLEOTHER",
                "accountId": "444455556666"
            })),
            user_name: None,
            user_id: Some("AIDAEXAMPLEOTHER"),
            arn: None,
            account: "444455556666",
        },
        IdentityCase {
            name: "IdentityCenterUser",
            identity: Some(json!({
                "type": "IdentityCenterUser",
                "accountId": "111122223333",
                "onBehalfOf": {
                    "userId": "544894e8-0000-4000-8000-000000000001",
                    "identityStoreArn": "arn:aws:identitystore::111122223333:identitystore/d-0000000000"
                },
                "credentialId": "EXAMPLECREDENTIAL"
            })),
            user_name: None,
            user_id: None,
            arn: None,
            account: "111122223333",
        },
        IdentityCase {
            name: "no userIdentity",
            identity: None,
            user_name: None,
            user_id: None,
            arn: None,
            account: "111122223333",
        },
    ]
}

#[test]
fn identity_shapes() {
    for case in identity_cases() {
        let record = match case.identity {
            Some(identity) => with(deletion(), "/userIdentity", identity),
            None => without(deletion(), "userIdentity"),
        };
        let doc = map(&record);
        let text = |path| field(&doc, path).and_then(Value::as_str);
        assert_eq!(
            text("user.name"),
            case.user_name,
            "{}: user.name",
            case.name
        );
        assert_eq!(text("user.id"), case.user_id, "{}: user.id", case.name);
        assert_eq!(
            text("aws.cloudtrail.user_identity.arn"),
            case.arn,
            "{}: arn",
            case.name
        );
        assert_eq!(
            text("cloud.account.id"),
            Some(case.account),
            "{}: cloud.account.id",
            case.name
        );
        assert_eq!(
            text("event.outcome"),
            Some("success"),
            "{}: event.outcome",
            case.name
        );
    }
}

#[test]
fn assumed_role_session_context() {
    let identity = identity_cases()
        .swap_remove(1)
        .identity
        .expect("the AssumedRole identity");
    let doc = map(&with(deletion(), "/userIdentity", identity));
    let expected = json!({
        "access_key_id": "ASIAEXAMPLESESSION",
        "arn": "arn:aws:sts::111122223333:assumed-role/deployer/deploy-session",
        "session_context": {
            "creation_date": "2026-01-02T02:00:00.000Z",
            "mfa_authenticated": "false",
            "session_issuer": {
                "account_id": "111122223333",
                "arn": "arn:aws:iam::111122223333:role/deployer",
                "principal_id": "AROAEXAMPLEROLE",
                "type": "Role"
            }
        },
        "type": "AssumedRole"
    });
    assert_eq!(field(&doc, "aws.cloudtrail.user_identity"), Some(&expected));
}

#[test]
fn aws_service_invoked_by() {
    let identity = json!({ "type": "AWSService", "invokedBy": "cloudformation.amazonaws.com" });
    let doc = map(&with(deletion(), "/userIdentity", identity));
    let invoked_by = field(&doc, "aws.cloudtrail.user_identity.invoked_by");
    assert_eq!(invoked_by, Some(&json!("cloudformation.amazonaws.com")));
    assert_eq!(field(&doc, "related"), None);
}

#[test]
fn source_address_forms() {
    let cases = [
        ("192.0.2.10", Some("192.0.2.10")),
        ("2001:db8::10", Some("2001:db8::10")),
        ("cloudformation.amazonaws.com", None),
        ("AWS Internal", None),
    ];
    for (address, ip) in cases {
        let doc = map(&with(deletion(), "/sourceIPAddress", json!(address)));
        assert_eq!(
            field(&doc, "source.address"),
            Some(&json!(address)),
            "{address}"
        );
        assert_eq!(
            field(&doc, "source.ip").and_then(Value::as_str),
            ip,
            "{address}"
        );
    }
}

#[test]
fn error_fields_decide_outcome() {
    let cases = [
        ("errorCode empty", json!({ "errorCode": "" }), "success"),
        ("errorCode null", json!({ "errorCode": null }), "success"),
        ("errorCode absent", json!({}), "success"),
        (
            "errorCode present",
            json!({ "errorCode": "ResourceNotFoundException" }),
            "failure",
        ),
        (
            "errorMessage only",
            json!({ "errorMessage": "Function not found" }),
            "failure",
        ),
        (
            "both empty",
            json!({ "errorCode": "", "errorMessage": "" }),
            "success",
        ),
    ];
    for (name, errors, outcome) in cases {
        let mut record = deletion();
        let fields = record.as_object_mut().expect("an object");
        fields.extend(errors.as_object().cloned().unwrap_or_default());
        let doc = map(&record);
        assert_eq!(
            field(&doc, "event.outcome"),
            Some(&json!(outcome)),
            "{name}"
        );
    }
}

#[test]
fn error_fields_copied() {
    let mut record = deletion();
    record["errorCode"] = json!("AccessDenied");
    record["errorMessage"] = json!("not authorized");
    let doc = map(&record);
    assert_eq!(
        field(&doc, "aws.cloudtrail.error_code"),
        Some(&json!("AccessDenied"))
    );
    assert_eq!(
        field(&doc, "aws.cloudtrail.error_message"),
        Some(&json!("not authorized"))
    );
}

#[test]
fn function_name_forms() {
    let cases = [
        (
            json!({ "functionName": "billing-export" }),
            "{functionName=billing-export}",
        ),
        (
            json!({ "functionName": "billing-export:live" }),
            "{functionName=billing-export:live}",
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
            json!({ "qualifier": "7", "functionName": "billing-export" }),
            "{functionName=billing-export, qualifier=7}",
        ),
    ];
    for (parameters, expected) in cases {
        let doc = map(&with(deletion(), "/requestParameters", parameters.clone()));
        let text = field(&doc, "aws.cloudtrail.request_parameters");
        assert_eq!(text, Some(&json!(expected)), "{parameters}");
        let structured = field(&doc, "aws.cloudtrail.flattened.request_parameters");
        assert_eq!(structured, Some(&parameters), "{parameters}");
    }
}

#[test]
fn response_elements_null_dropped() {
    let doc = map(&deletion());
    assert_eq!(field(&doc, "aws.cloudtrail.response_elements"), None);
    assert_eq!(
        field(&doc, "aws.cloudtrail.flattened.response_elements"),
        None
    );
}

#[test]
fn minimal_record_without_event_time() {
    // Elastic's pipeline tests include a record with only a source, a name and a response.
    let record = json!({
        "eventSource": "lambda.amazonaws.com",
        "eventName": "UpdateFunctionCode20150331v2",
        "responseElements": { "vpcConfig": { "subnetIds": ["subnet-1", "subnet-2"], "securityGroupIds": ["sg-1"] } }
    });
    let doc = map(&record);
    assert_eq!(field(&doc, "@timestamp"), None);
    assert_eq!(field(&doc, "event.outcome"), Some(&json!("success")));
    assert_eq!(field(&doc, "cloud.account"), None);
    assert_eq!(
        field(&doc, "aws.cloudtrail.response_elements"),
        Some(&json!(
            "{vpcConfig={securityGroupIds=[sg-1], subnetIds=[subnet-1, subnet-2]}}"
        ))
    );
}

#[test]
fn empty_record_maps_constants_only() {
    let doc = from_cloudtrail(&Map::new());
    let keys: Vec<&str> = doc.keys().map(String::as_str).collect();
    assert_eq!(keys, ["cloud", "data_stream", "event"]);
}
