//! The Elastic Security rule "AWS Lambda Function Deletion" as a pure Rust library.
//!
//! The pipeline for one event is: strict JSON parsing ([`json`]), detection of the input
//! shape and normalisation to the ECS document Elastic's AWS integration would index
//! ([`shapes`], [`ecs`]), evaluation of the rule's KQL query ([`kql`]) over that document
//! ([`document`]), then the Kibana alert document ([`alert`]). A [`Detector`] adds the
//! configuration and state of an execution: exceptions, the alert cap, replay detection
//! and burst counts.
//!
//! Nothing here does I/O or reads a clock: callers pass the processing time in.

pub mod alert;
pub mod config;
pub mod detector;
pub mod document;
pub mod ecs;
pub mod error;
pub mod evaluate;
pub mod exceptions;
pub mod explain;
pub mod json;
pub mod kql;
pub mod prefilter;
pub mod rule;
pub mod shapes;
pub mod timestamp;

pub use alert::Alert;
pub use config::Config;
pub use detector::{Detector, NoMatchReason, Stats, Suppression, Verdict};
pub use error::{ConfigError, EventError, RuleError};
pub use evaluate::{Evaluation, evaluate};
pub use rule::{Rule, RuleInfo, Severity, Technique};
pub use timestamp::Timestamp;
