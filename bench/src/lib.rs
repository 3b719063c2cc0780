//! The throughput benchmark of the AWS Lambda Function Deletion rule: a generator of
//! CloudTrail traffic, the contenders that run the rule over it, and the suite that measures
//! them. The `rule-bench` binary drives it.

pub mod contenders;
pub mod generate;
pub mod lines;
pub mod measure;
pub mod report;
pub mod suite;
pub mod threads;
