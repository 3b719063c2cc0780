//! Mapping of a raw CloudTrail record to the ECS document Elastic's AWS integration indexes
//! for it.
//!
//! The mapping follows the integration's ingest pipeline for the `aws.cloudtrail` data
//! stream, plus what the Elastic Agent and Fleet add (`data_stream.*`, `event.dataset`,
//! `event.module`). It writes nested objects, never dotted keys.
//!
//! Fields of Elastic's documents left out here:
//!
//! - `event.created` and `event.ingested`, which come from the agent's and the ingest
//!   node's clocks, and `event.original`;
//! - `source.geo.*` and `source.as.*`, which need GeoIP databases, and the parsed
//!   `user_agent.*` fields other than `original`;
//! - `ecs.version`, `cloud.service.name`, `user.email`, `related.entity` and the
//!   `actor.*`/`target.*` entity fields, which vary between package versions;
//! - the `event.category` table of some IAM and S3 actions (it has no Lambda entry), the
//!   IAM fields `group.*` and `user.target.*`, and the fields of CloudTrail digest files.

mod cleanup;
mod envelope;
mod identity;
mod java_string;
mod network;
mod path;
mod payload;

#[cfg(test)]
mod tests;

use serde_json::{Map, Value};

pub use cleanup::remove_empty_values;
pub use java_string::to_java_string;

/// Maps one CloudTrail record to its ECS document, as the integration's ingest pipeline
/// and Fleet would write it.
///
/// The record is first cleaned with [`remove_empty_values`], so an empty or null
/// `errorCode` counts as success. Then it writes:
///
/// - `@timestamp` from `eventTime` as `YYYY-MM-DDTHH:MM:SS.mmmZ`, absent when `eventTime`
///   is missing or unparseable;
/// - `event.id`, `event.provider`, `event.action` (verbatim, version suffix kept),
///   `event.outcome`, `event.kind: event`, `event.type: [info]`, `event.dataset`,
///   `event.module` and `data_stream.*`;
/// - `cloud.provider`, `cloud.region`, `cloud.account.id` (the caller's account, else
///   `recipientAccountId`);
/// - `source.address`, and `source.ip` when the address is a literal IP address;
///   `user_agent.original`; `tls.*`;
/// - `user.name`, `user.id`, `related.user` and `aws.cloudtrail.user_identity.*`;
/// - the payloads as Java text ([`to_java_string`]) and structured under
///   `aws.cloudtrail.flattened`, and the scalar `aws.cloudtrail.*` fields.
///
/// Wrappers of other shapes (EventBridge, OCSF, CloudWatch Logs) reach the same document by
/// rebuilding the CloudTrail record they carry and calling this function.
pub fn from_cloudtrail(record: &Map<String, Value>) -> Map<String, Value> {
    let cleaned = remove_empty_values(record);
    let mut doc = Map::new();

    envelope::map_envelope(&cleaned, &mut doc);
    identity::map_identity(&cleaned, &mut doc);
    network::map_network(&cleaned, &mut doc);
    payload::map_payloads(record, &cleaned, &mut doc);

    doc
}
