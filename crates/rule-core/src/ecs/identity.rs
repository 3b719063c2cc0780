//! The caller's identity: `user.*`, `related.user`, `cloud.account.id` and
//! `aws.cloudtrail.user_identity.*`.
//!
//! Every `userIdentity` shape maps field by field, taking what it has: an `AWSAccount` has
//! no `arn`, `Root` no `userName`, `AWSService` only `invokedBy`, and a record without
//! `userIdentity` at all (some service events) gets only `cloud.account.id` from
//! `recipientAccountId`.

use serde_json::{Map, Value, json};

use super::path;
use crate::timestamp::Timestamp;

/// `userIdentity` keys copied unchanged, with their ECS names.
const COPIED: [(&str, &str); 9] = [
    ("type", "aws.cloudtrail.user_identity.type"),
    ("principalId", "user.id"),
    ("arn", "aws.cloudtrail.user_identity.arn"),
    ("accessKeyId", "aws.cloudtrail.user_identity.access_key_id"),
    ("invokedBy", "aws.cloudtrail.user_identity.invoked_by"),
    (
        "sessionContext.attributes.mfaAuthenticated",
        "aws.cloudtrail.user_identity.session_context.mfa_authenticated",
    ),
    (
        "sessionContext.sessionIssuer.type",
        "aws.cloudtrail.user_identity.session_context.session_issuer.type",
    ),
    (
        "sessionContext.sessionIssuer.principalId",
        "aws.cloudtrail.user_identity.session_context.session_issuer.principal_id",
    ),
    (
        "sessionContext.sessionIssuer.arn",
        "aws.cloudtrail.user_identity.session_context.session_issuer.arn",
    ),
];

const ISSUER_ACCOUNT: (&str, &str) = (
    "sessionContext.sessionIssuer.accountId",
    "aws.cloudtrail.user_identity.session_context.session_issuer.account_id",
);

/// Maps the identity of a cleaned record into `doc`.
pub(super) fn map_identity(record: &Map<String, Value>, doc: &mut Map<String, Value>) {
    let empty = Map::new();
    let identity = record
        .get("userIdentity")
        .and_then(Value::as_object)
        .unwrap_or(&empty);

    for (from, to) in COPIED.into_iter().chain([ISSUER_ACCOUNT]) {
        path::copy(identity, from, doc, to);
    }

    let creation = path::get_str(identity, "sessionContext.attributes.creationDate")
        .and_then(Timestamp::parse);
    if let Some(creation) = creation {
        let to = "aws.cloudtrail.user_identity.session_context.creation_date";
        path::insert(doc, to, json!(creation.to_string()));
    }

    // The pipeline renames the session issuer's name onto `user.name` after `userName`, and
    // that rename fails when `user.name` exists, so the issuer only fills a missing name.
    let user_name = identity
        .get("userName")
        .or_else(|| path::get(identity, "sessionContext.sessionIssuer.userName"));
    if let Some(user_name) = user_name {
        path::insert(doc, "user.name", user_name.clone());
    }

    let account = identity
        .get("accountId")
        .or_else(|| record.get("recipientAccountId"));
    if let Some(account) = account {
        path::insert(doc, "cloud.account.id", account.clone());
    }

    let related = related_users(identity, record);
    if !related.is_empty() {
        path::insert(doc, "related.user", Value::Array(related));
    }
}

/// Lists `related.user` as current versions of the integration do: the principal id, the
/// caller's `userName`, then the `userName` and `newUserName` request parameters of IAM
/// calls, each value once.
fn related_users(identity: &Map<String, Value>, record: &Map<String, Value>) -> Vec<Value> {
    let candidates = [
        identity.get("principalId"),
        identity.get("userName"),
        path::get(record, "requestParameters.userName"),
        path::get(record, "requestParameters.newUserName"),
    ];
    let mut users: Vec<Value> = Vec::new();
    for candidate in candidates.into_iter().flatten() {
        if !users.contains(candidate) {
            users.push(candidate.clone());
        }
    }
    users
}

#[cfg(test)]
mod tests {
    use super::*;

    fn identity_doc(record: Value) -> Value {
        let mut doc = Map::new();
        map_identity(record.as_object().expect("an object"), &mut doc);
        Value::Object(doc)
    }

    #[test]
    fn issuer_name_fills_only_missing_user_name() {
        let issuer = json!({ "sessionContext": { "sessionIssuer": { "userName": "deployer" } } });
        let mut both = issuer.clone();
        both["userName"] = json!("ops-user");

        assert_eq!(
            identity_doc(json!({ "userIdentity": issuer }))["user"]["name"],
            json!("deployer")
        );
        assert_eq!(
            identity_doc(json!({ "userIdentity": both }))["user"]["name"],
            json!("ops-user")
        );
    }

    #[test]
    fn account_falls_back_to_recipient() {
        let own = json!({ "userIdentity": { "accountId": "111122223333" }, "recipientAccountId": "444455556666" });
        let service =
            json!({ "userIdentity": { "invokedBy": "x" }, "recipientAccountId": "444455556666" });
        assert_eq!(
            identity_doc(own)["cloud"]["account"]["id"],
            json!("111122223333")
        );
        assert_eq!(
            identity_doc(service)["cloud"]["account"]["id"],
            json!("444455556666")
        );
    }

    #[test]
    fn related_users_deduplicated_in_order() {
        let record = json!({
            "userIdentity": { "principalId": "AIDAEXAMPLE", "userName": "ops-user" },
            "requestParameters": { "userName": "ops-user", "newUserName": "ops-user-2" }
        });
        assert_eq!(
            identity_doc(record)["related"]["user"],
            json!(["AIDAEXAMPLE", "ops-user", "ops-user-2"])
        );
    }

    #[test]
    fn creation_date_normalised_or_dropped() {
        let valid = json!({ "userIdentity": { "sessionContext": { "attributes": { "creationDate": "2026-01-02T02:00:00Z" } } } });
        let invalid = json!({ "userIdentity": { "sessionContext": { "attributes": { "creationDate": "soon" } } } });
        let context =
            |doc: Value| doc["aws"]["cloudtrail"]["user_identity"]["session_context"].clone();
        assert_eq!(
            context(identity_doc(valid))["creation_date"],
            json!("2026-01-02T02:00:00.000Z")
        );
        assert_eq!(context(identity_doc(invalid)), Value::Null);
    }

    #[test]
    fn non_object_identity_maps_nothing_of_it() {
        let doc = identity_doc(json!({ "userIdentity": "root" }));
        assert_eq!(doc, json!({}));
    }
}
