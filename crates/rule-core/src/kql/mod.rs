//! KQL (Kibana Query Language): parsing with Kibana's grammar and evaluation with
//! Elasticsearch keyword semantics.
//!
//! Parsing follows Kibana's grammar exactly, then compiles the query for evaluation. A
//! query that uses syntax the evaluator cannot run fails to parse, naming the construct and
//! its column, rather than running as something else: nested queries `field:{ ... }`,
//! wildcard field names `event.*: x`, free text without a field, an empty query, an
//! unquoted `null`, and values that the field's type cannot hold.
//!
//! Evaluation reads fields as [`crate::document`] does: a clause holds when any value of
//! the field passes, and a missing field fails every clause but `not`. Keyword fields are
//! all fields but a few typed ones (dates, numbers, IP addresses, booleans). On them,
//! values match exactly and case-sensitively, and an unquoted `*` matches any run of
//! characters, with the pattern anchored at both ends. Numbers and booleans match by the
//! text a keyword field indexes (`42`, `1.5`, `true`). A range on a keyword field,
//! including a field the type table does not know, compares text by its UTF-8 bytes, so
//! `"10" < "9"`.

mod ast;
mod eval;
mod field_types;
mod syntax;
mod wildcard;

#[cfg(test)]
mod tests;

use std::fmt;

use serde_json::{Map, Value};

use self::ast::{Clause, Node};
use self::field_types::FieldType;

/// A parsed KQL query.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    source: String,
    root: Node,
    /// The leaf clauses in query order; the tree's leaves index this list.
    clauses: Vec<Clause>,
}

/// The reason a query could not be parsed or cannot be run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} at column {column} of `{query}`")]
pub struct KqlError {
    pub message: String,
    /// One-based column in the query text, counted in characters from the start of the
    /// text; a line break counts as one character.
    pub column: usize,
    pub query: String,
}

/// The value of one leaf clause for one document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClauseValue {
    True,
    False,
    /// The field the clause reads is absent from the document, so the clause is false.
    /// (A clause that holds for a missing field, such as `field: (not a)`, is `True`.)
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
        let error = |message: String, column: usize| KqlError {
            message,
            column,
            query: text.to_string(),
        };

        let syntax = syntax::parse(text).map_err(|e| error(e.message, e.column))?;
        let Some(syntax) = syntax else {
            let message = "the query is empty; Kibana would match every event, so write at \
                           least one clause such as `event.action: DeleteFunction`";
            return Err(error(message.to_string(), 1));
        };

        let mut clauses = Vec::new();
        let root = ast::compile(&syntax, &mut clauses).map_err(|e| error(e.message, e.column))?;
        Ok(Query {
            source: text.to_string(),
            root,
            clauses,
        })
    }

    /// The query text as given.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Evaluates the query against an ECS document.
    pub fn matches(&self, doc: &Map<String, Value>) -> bool {
        self.root.evaluate(&self.clauses, doc)
    }

    /// Evaluates every leaf clause against `doc`, in query order.
    pub fn explain(&self, doc: &Map<String, Value>) -> Vec<ClauseOutcome> {
        self.clauses
            .iter()
            .map(|clause| ClauseOutcome {
                clause: clause.to_string(),
                field: clause.field.clone(),
                value: clause_value(clause, doc),
            })
            .collect()
    }

    /// The distinct fields the query reads, in query order.
    pub fn fields(&self) -> Vec<String> {
        let mut fields: Vec<String> = Vec::new();
        for clause in &self.clauses {
            if !fields.contains(&clause.field) {
                fields.push(clause.field.clone());
            }
        }
        fields
    }
}

fn clause_value(clause: &Clause, doc: &Map<String, Value>) -> ClauseValue {
    if clause.matches(doc) {
        ClauseValue::True
    } else if clause.has_value(doc) {
        ClauseValue::False
    } else {
        ClauseValue::MissingField
    }
}

/// Writes the query as KQL in a normal form: one space around operators, lowercase
/// keywords, and parentheses only where precedence needs them.
impl fmt::Display for Query {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut text = String::new();
        self.root.render(&self.clauses, &mut text);
        f.write_str(&text)
    }
}

/// Tells whether Elasticsearch maps `field` as an `ip` field, whose terms compare addresses
/// rather than text.
pub(crate) fn is_ip_field(field: &str) -> bool {
    FieldType::of(field) == FieldType::Ip
}

/// Reads a term on an `ip` field, an address or a CIDR block, as the first and last address
/// it covers. IPv4 addresses are read in their IPv4-mapped IPv6 form, as Elasticsearch
/// stores them.
pub(crate) fn ip_term_range(text: &str) -> Option<(u128, u128)> {
    field_types::parse_ip(text)
        .map(|address| (address, address))
        .or_else(|| field_types::parse_cidr(text))
}

/// Reads a document value of an `ip` field as Elasticsearch indexes it; `None` for a value
/// it would reject.
pub(crate) fn document_ip(value: &Value) -> Option<u128> {
    value.as_str().and_then(field_types::parse_ip)
}
