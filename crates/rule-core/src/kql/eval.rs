//! Evaluation of compiled queries with Elasticsearch's semantics: a clause holds when any
//! value of its field passes, values of a keyword field compare as exact, case-sensitive
//! text, and typed fields compare in their type.

use std::cmp::Ordering;
use std::ops::ControlFlow;

use serde_json::{Map, Value};

use super::ast::{Bound, Clause, Matcher, Node, Test, ValueTree};
use super::field_types::{self, FieldType, Scalar};
use super::syntax::RangeOp;
use crate::document::visit_field_values;

impl Node {
    pub fn evaluate(&self, clauses: &[Clause], doc: &Map<String, Value>) -> bool {
        match self {
            Node::Or(items) => items.iter().any(|item| item.evaluate(clauses, doc)),
            Node::And(items) => items.iter().all(|item| item.evaluate(clauses, doc)),
            Node::Not(item) => !item.evaluate(clauses, doc),
            Node::Clause(index) => clauses[*index].matches(doc),
        }
    }
}

impl Clause {
    pub fn matches(&self, doc: &Map<String, Value>) -> bool {
        match &self.test {
            Test::Values(tree) => self.tree_matches(tree, doc),
            Test::Range { op, bound, .. } => {
                self.any_value(doc, |value| range_holds(*op, bound, self.field_type, value))
            }
        }
    }

    /// True when the field has at least one value other than null.
    pub fn has_value(&self, doc: &Map<String, Value>) -> bool {
        self.any_value(doc, |_| true)
    }

    fn tree_matches(&self, tree: &ValueTree, doc: &Map<String, Value>) -> bool {
        match tree {
            ValueTree::Term(term) => self.any_value(doc, |value| {
                term_holds(&term.matcher, self.field_type, value)
            }),
            // A list of plain values, the common case, needs one pass over the field.
            ValueTree::Or(items) if items.iter().all(|item| matches!(item, ValueTree::Term(_))) => {
                self.any_value(doc, |value| {
                    items.iter().any(|item| match item {
                        ValueTree::Term(term) => term_holds(&term.matcher, self.field_type, value),
                        _ => false,
                    })
                })
            }
            ValueTree::Or(items) => items.iter().any(|item| self.tree_matches(item, doc)),
            ValueTree::And(items) => items.iter().all(|item| self.tree_matches(item, doc)),
            ValueTree::Not(item) => !self.tree_matches(item, doc),
        }
    }

    fn any_value(&self, doc: &Map<String, Value>, mut test: impl FnMut(&Value) -> bool) -> bool {
        let flow = visit_field_values(doc, &self.field, &mut |value| {
            if test(value) {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        });
        flow.is_break()
    }
}

fn term_holds(matcher: &Matcher, field_type: FieldType, value: &Value) -> bool {
    match matcher {
        Matcher::Exists => has_leaf(value),
        Matcher::Exact(text) => {
            field_types::with_keyword(value, |keyword| keyword == text) == Some(true)
        }
        Matcher::Wildcard(pattern) => {
            field_types::with_keyword(value, |keyword| pattern.matches(keyword)) == Some(true)
        }
        Matcher::Equals(expected) => field_types::document_scalar(field_type, value)
            .is_some_and(|found| found.compare(*expected) == Some(Ordering::Equal)),
        Matcher::IpRange(first, last) => matches!(
            field_types::document_scalar(field_type, value),
            Some(Scalar::Ip(address)) if (*first..=*last).contains(&address)
        ),
        Matcher::Nothing => false,
    }
}

fn range_holds(op: RangeOp, bound: &Bound, field_type: FieldType, value: &Value) -> bool {
    let ordering = match bound {
        // Lucene orders keywords by their UTF-8 bytes, as `str` does.
        Bound::Keyword(bound) => {
            field_types::with_keyword(value, |keyword| keyword.cmp(bound.as_str()))
        }
        Bound::Scalar(bound) => {
            field_types::document_scalar(field_type, value).and_then(|found| found.compare(*bound))
        }
    };
    ordering.is_some_and(|ordering| match op {
        RangeOp::Lt => ordering == Ordering::Less,
        RangeOp::Lte => ordering != Ordering::Greater,
        RangeOp::Gt => ordering == Ordering::Greater,
        RangeOp::Gte => ordering != Ordering::Less,
    })
}

/// True when `value` would index something: Elasticsearch's `exists` on an object field
/// matches when any field beneath it has a value.
fn has_leaf(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Array(items) => items.iter().any(has_leaf),
        Value::Object(object) => object.values().any(has_leaf),
        _ => true,
    }
}
