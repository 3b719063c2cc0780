//! KQL (Kibana Query Language): parsing with Kibana's grammar and evaluation with
//! Elasticsearch keyword semantics.

use serde_json::{Map, Value};

/// A parsed KQL query.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    source: String,
}

/// Why a query could not be parsed or cannot be run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} at column {column} of `{query}`")]
pub struct KqlError {
    pub message: String,
    /// One-based column in the query text.
    pub column: usize,
    pub query: String,
}

/// The value of one leaf clause for one document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClauseValue {
    True,
    False,
    /// The field the clause reads is absent from the document.
    MissingField,
}

/// One leaf clause (`field: value` or `field: (a or b)`, a range, or an existence test) and
/// its value for a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClauseOutcome {
    /// The clause as KQL text.
    pub clause: String,
    pub field: String,
    pub value: ClauseValue,
}

impl Query {
    /// Parses `text`. Fails with the column of the problem for invalid syntax and for syntax
    /// the evaluator cannot run (such as nested-field queries `field:{ ... }`).
    pub fn parse(text: &str) -> Result<Query, KqlError> {
        Ok(Query { source: text.to_string() })
    }

    /// The query text as given.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Evaluates the query against an ECS document.
    pub fn matches(&self, doc: &Map<String, Value>) -> bool {
        todo!("evaluate against {} keys", doc.len())
    }

    /// Evaluates every leaf clause against `doc`, in query order.
    pub fn explain(&self, doc: &Map<String, Value>) -> Vec<ClauseOutcome> {
        todo!("explain against {} keys", doc.len())
    }

    /// The distinct fields the query reads, in query order.
    pub fn fields(&self) -> Vec<String> {
        todo!()
    }
}
