//! The runnable form of a KQL query: boolean structure over leaf clauses whose values are
//! compiled for their field's type. Compiling rejects what the grammar accepts but the
//! evaluator cannot run, naming the construct and its column.

use std::fmt;

use super::field_types::{self, FieldType, Scalar};
use super::syntax::{self, Literal, LiteralKind, RangeOp, Syntax, Values};
use super::wildcard::Pattern;

/// Boolean structure; leaves index the query's clause list.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Node {
    Or(Vec<Node>),
    And(Vec<Node>),
    Not(Box<Node>),
    Clause(usize),
}

/// A leaf clause: one field and its test.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Clause {
    pub field: String,
    pub field_type: FieldType,
    pub test: Test,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Test {
    /// `field: value` or `field: (a or b and not c)`.
    Values(ValueTree),
    Range {
        op: RangeOp,
        bound: Bound,
        written: Written,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum ValueTree {
    Or(Vec<ValueTree>),
    And(Vec<ValueTree>),
    Not(Box<ValueTree>),
    Term(Term),
}

/// One value of a `field: value` test.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Term {
    pub written: Written,
    pub matcher: Matcher,
}

/// A term compiled for its field's type.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Matcher {
    /// `field: *`: the field has a value.
    Exists,
    /// The keyword form of a value equals this text.
    Exact(String),
    Wildcard(Pattern),
    /// A typed value equals this one.
    Equals(Scalar),
    /// An IP address lies in this inclusive range, from a CIDR block.
    IpRange(u128, u128),
    /// A query for which Elasticsearch returns no documents, such as `1.5` on a long field.
    Nothing,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Bound {
    Keyword(String),
    Scalar(Scalar),
}

/// A value as written in the query, kept to render clauses back to KQL.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Written {
    Quoted(String),
    /// Text around unquoted wildcards, as in [`LiteralKind::Unquoted`].
    Unquoted(Vec<String>),
    Bool(bool),
}

/// A construct the evaluator cannot run, or a value its field's type cannot hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct CompileError {
    pub message: String,
    pub column: usize,
}

fn reject<T>(column: usize, message: String) -> Result<T, CompileError> {
    Err(CompileError { message, column })
}

/// Compiles a parsed query, appending its leaf clauses to `clauses` in query order.
pub(super) fn compile(syntax: &Syntax, clauses: &mut Vec<Clause>) -> Result<Node, CompileError> {
    match syntax {
        Syntax::Or(items) => Ok(Node::Or(compile_all(items, clauses)?)),
        Syntax::And(items) => Ok(Node::And(compile_all(items, clauses)?)),
        Syntax::Not(item) => Ok(Node::Not(Box::new(compile(item, clauses)?))),
        Syntax::Nested { field, column } => reject(
            *column,
            format!(
                "the nested query `{}:{{ ... }}` is not supported: the evaluator reads plain \
                 fields only, so write the clauses on full field names",
                render_field(&field_text(field))
            ),
        ),
        Syntax::Is {
            field: None,
            values,
            column,
        } => reject(*column, free_text_message(values)),
        Syntax::Is {
            field: Some(field),
            values,
            column,
        } => {
            let Some(field) = field_name(field, *column)? else {
                return reject(*column, free_text_message(values));
            };
            let field_type = FieldType::of(&field);
            let tree = compile_values(values, &field, field_type)?;
            clauses.push(Clause {
                field,
                field_type,
                test: Test::Values(tree),
            });
            Ok(Node::Clause(clauses.len() - 1))
        }
        Syntax::Range {
            field,
            op,
            bound,
            column,
        } => {
            let Some(field) = field_name(field, *column)? else {
                return reject(
                    *column,
                    "a range needs a field name before the operator".into(),
                );
            };
            let field_type = FieldType::of(&field);
            let (bound, written) = compile_bound(bound, &field, field_type)?;
            clauses.push(Clause {
                field,
                field_type,
                test: Test::Range {
                    op: *op,
                    bound,
                    written,
                },
            });
            Ok(Node::Clause(clauses.len() - 1))
        }
    }
}

fn compile_all(items: &[Syntax], clauses: &mut Vec<Clause>) -> Result<Vec<Node>, CompileError> {
    items.iter().map(|item| compile(item, clauses)).collect()
}

fn free_text_message(values: &Values) -> String {
    let text = match values {
        Values::Value(literal) => render_written(&written(literal)),
        _ => "value".to_string(),
    };
    format!(
        "the free-text query `{text}` has no field name, and searching every field is not \
         supported; write `field: {text}`"
    )
}

/// The field name of a literal; `None` for the unquoted `null`, which Kibana reads as no
/// field (a free-text query).
fn field_name(literal: &Literal, column: usize) -> Result<Option<String>, CompileError> {
    match &literal.kind {
        LiteralKind::Unquoted(pieces) if pieces.len() > 1 => reject(
            column,
            format!(
                "the wildcard field name `{}` is not supported: Kibana expands it against the \
                 data view's field list, which this evaluator does not have; name each field",
                pieces.join("*")
            ),
        ),
        LiteralKind::Null => Ok(None),
        _ => Ok(Some(field_text(literal))),
    }
}

fn field_text(literal: &Literal) -> String {
    match &literal.kind {
        LiteralKind::Quoted(text) => text.clone(),
        LiteralKind::Unquoted(pieces) => pieces.join("*"),
        LiteralKind::Bool(flag) => flag.to_string(),
        LiteralKind::Null => "null".to_string(),
    }
}

fn compile_values(
    values: &Values,
    field: &str,
    field_type: FieldType,
) -> Result<ValueTree, CompileError> {
    let compile_each = |items: &[Values]| -> Result<Vec<ValueTree>, CompileError> {
        items
            .iter()
            .map(|item| compile_values(item, field, field_type))
            .collect()
    };
    match values {
        Values::Or(items) => Ok(ValueTree::Or(compile_each(items)?)),
        Values::And(items) => Ok(ValueTree::And(compile_each(items)?)),
        Values::Not(item) => Ok(ValueTree::Not(Box::new(compile_values(
            item, field, field_type,
        )?))),
        Values::Value(literal) => compile_term(literal, field, field_type).map(ValueTree::Term),
    }
}

fn compile_term(
    literal: &Literal,
    field: &str,
    field_type: FieldType,
) -> Result<Term, CompileError> {
    let column = literal.column;
    let matcher = match (&literal.kind, field_type) {
        (LiteralKind::Null, _) => return reject(column, null_message(field, "value")),
        (LiteralKind::Unquoted(pieces), _) if pieces.len() > 1 => {
            let pattern = Pattern::new(pieces.clone());
            match field_type {
                // Kibana sends a lone `*` as an `exists` query.
                _ if pieces.iter().all(String::is_empty) && pieces.len() == 2 => Matcher::Exists,
                FieldType::Keyword => Matcher::Wildcard(pattern),
                _ if pattern.matches_everything() => Matcher::Exists,
                _ => {
                    return reject(
                        column,
                        format!(
                            "the wildcard value `{}` on the {} field `{field}` is not supported: \
                             wildcards apply to keyword fields",
                            pieces.join("*"),
                            field_type.name()
                        ),
                    );
                }
            }
        }
        (_, FieldType::Keyword) => Matcher::Exact(plain_text(&literal.kind)),
        (kind, FieldType::Ip) if field_types::parse_cidr(&plain_text(kind)).is_some() => {
            let (first, last) = field_types::parse_cidr(&plain_text(kind)).expect("checked above");
            Matcher::IpRange(first, last)
        }
        (kind, _) => typed_matcher(&plain_text(kind), field, field_type, column)?,
    };
    Ok(Term {
        written: written(literal),
        matcher,
    })
}

fn typed_matcher(
    text: &str,
    field: &str,
    field_type: FieldType,
    column: usize,
) -> Result<Matcher, CompileError> {
    let scalar = field_types::parse_scalar(field_type, text)
        .or_else(|hint| reject(column, invalid_value_message(text, field, field_type, hint)))?;
    if field_type == FieldType::Long && field_types::is_fractional(scalar) {
        return Ok(Matcher::Nothing);
    }
    Ok(Matcher::Equals(scalar))
}

fn compile_bound(
    literal: &Literal,
    field: &str,
    field_type: FieldType,
) -> Result<(Bound, Written), CompileError> {
    let column = literal.column;
    match &literal.kind {
        LiteralKind::Null => return reject(column, null_message(field, "range bound")),
        LiteralKind::Unquoted(pieces) if pieces.len() > 1 => {
            return reject(
                column,
                format!(
                    "the range bound `{}` contains a wildcard, which a range cannot use; \
                     escape it as `\\*` for a literal asterisk",
                    pieces.join("*")
                ),
            );
        }
        _ => {}
    }
    let text = plain_text(&literal.kind);
    let bound = match field_type {
        FieldType::Keyword => Bound::Keyword(text),
        _ => match field_types::parse_scalar(field_type, &text) {
            Ok(scalar) => Bound::Scalar(scalar),
            Err(hint) => {
                return reject(
                    column,
                    invalid_value_message(&text, field, field_type, hint),
                );
            }
        },
    };
    Ok((bound, written(literal)))
}

fn invalid_value_message(text: &str, field: &str, field_type: FieldType, hint: &str) -> String {
    format!(
        "`{text}` is not a valid {} value for `{field}`: {hint}",
        field_type.name()
    )
}

/// Kibana sends an unquoted `null` to Elasticsearch as a JSON null, which Elasticsearch
/// rejects in a term or match query ("No text specified for text query") and reads as no
/// bound at all in a range, so neither has a meaning worth copying.
fn null_message(field: &str, role: &str) -> String {
    format!(
        "an unquoted `null` {role} for `{field}` is not supported, because Elasticsearch \
         rejects a null query value; write `\"null\"` to match the text null, or `not {field}: *` \
         to match a missing field"
    )
}

/// The text of a literal without wildcards.
fn plain_text(kind: &LiteralKind) -> String {
    match kind {
        LiteralKind::Quoted(text) => text.clone(),
        LiteralKind::Unquoted(pieces) => pieces.concat(),
        LiteralKind::Bool(flag) => flag.to_string(),
        LiteralKind::Null => "null".to_string(),
    }
}

fn written(literal: &Literal) -> Written {
    match &literal.kind {
        LiteralKind::Quoted(text) => Written::Quoted(text.clone()),
        LiteralKind::Unquoted(pieces) => Written::Unquoted(pieces.clone()),
        LiteralKind::Bool(flag) => Written::Bool(*flag),
        LiteralKind::Null => Written::Unquoted(vec!["null".to_string()]),
    }
}

// Rendering back to KQL text that parses to the same clause.

impl Node {
    pub fn render(&self, clauses: &[Clause], out: &mut String) {
        match self {
            Node::Clause(index) => out.push_str(&clauses[*index].to_string()),
            Node::Or(items) => {
                render_joined(items, " or ", out, |item, out| item.render(clauses, out))
            }
            Node::And(items) => render_joined(items, " and ", out, |item, out| match item {
                Node::Or(_) => render_grouped(out, |out| item.render(clauses, out)),
                _ => item.render(clauses, out),
            }),
            Node::Not(item) => {
                out.push_str("not ");
                match **item {
                    Node::Clause(_) => item.render(clauses, out),
                    _ => render_grouped(out, |out| item.render(clauses, out)),
                }
            }
        }
    }
}

impl fmt::Display for Clause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let field = render_field(&self.field);
        match &self.test {
            Test::Range { op, written, .. } => {
                write!(f, "{field} {} {}", op.as_str(), render_written(written))
            }
            Test::Values(ValueTree::Term(term)) => {
                write!(f, "{field}: {}", render_written(&term.written))
            }
            Test::Values(tree) => {
                let mut values = String::new();
                tree.render(&mut values);
                write!(f, "{field}: ({values})")
            }
        }
    }
}

impl ValueTree {
    fn render(&self, out: &mut String) {
        match self {
            ValueTree::Term(term) => out.push_str(&render_written(&term.written)),
            ValueTree::Or(items) => render_joined(items, " or ", out, ValueTree::render),
            ValueTree::And(items) => render_joined(items, " and ", out, |item, out| match item {
                ValueTree::Or(_) => render_grouped(out, |out| item.render(out)),
                _ => item.render(out),
            }),
            ValueTree::Not(item) => {
                out.push_str("not ");
                match **item {
                    ValueTree::Term(_) => item.render(out),
                    _ => render_grouped(out, |out| item.render(out)),
                }
            }
        }
    }
}

fn render_joined<T>(
    items: &[T],
    separator: &str,
    out: &mut String,
    mut render: impl FnMut(&T, &mut String),
) {
    for (index, item) in items.iter().enumerate() {
        if index > 0 {
            out.push_str(separator);
        }
        render(item, out);
    }
}

fn render_grouped(out: &mut String, render: impl FnOnce(&mut String)) {
    out.push('(');
    render(out);
    out.push(')');
}

fn render_field(field: &str) -> String {
    render_unquoted(&[field.to_string()])
}

pub(super) fn render_written(written: &Written) -> String {
    match written {
        Written::Bool(flag) => flag.to_string(),
        Written::Quoted(text) => render_quoted(text),
        Written::Unquoted(pieces) => render_unquoted(pieces),
    }
}

fn render_quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\n' => out.push_str("\\n"),
            _ => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Writes unquoted text with the escapes that make it parse back to the same pieces.
fn render_unquoted(pieces: &[String]) -> String {
    let text = pieces.concat();
    let is_trimmed = |c: char| syntax::is_js_whitespace(c);
    let reads_differently = matches!(text.as_str(), "" | "true" | "false" | "null")
        || text.starts_with(is_trimmed)
        || text.ends_with(is_trimmed);
    if pieces.len() == 1 && reads_differently {
        // Unquoted, these would read back as nothing, as a typed literal or trimmed.
        return render_quoted(&text);
    }
    let mut out = String::new();
    for (index, piece) in pieces.iter().enumerate() {
        if index > 0 {
            out.push('*');
        }
        let ends_text = index + 1 == pieces.len();
        escape_unquoted(piece, ends_text, &mut out);
    }
    out
}

/// Escapes one piece of unquoted text. When the piece `ends_text`, the renderer may write a
/// space right after it (`field < 5`, `a: x and b: y`), so a keyword at its end is escaped
/// as if a space followed: `x or` is written `x \or`.
fn escape_unquoted(piece: &str, ends_text: bool, out: &mut String) {
    let chars: Vec<char> = piece.chars().collect();
    let is_space = |at: usize| {
        matches!(chars.get(at), Some(' ' | '\u{a0}')) || (ends_text && at == chars.len())
    };
    let word_at = |at: usize, word: &str| {
        word.chars().enumerate().all(|(i, w)| {
            chars
                .get(at + i)
                .is_some_and(|c| c.eq_ignore_ascii_case(&w))
        })
    };
    let mut at = 0;
    while at < chars.len() {
        let c = chars[at];
        if at > 0
            && is_space(at - 1)
            && let Some(word) = ["or", "and"]
                .into_iter()
                .find(|w| word_at(at, w) && is_space(at + w.len()))
        {
            out.push('\\');
            out.extend(&chars[at..at + word.len()]);
            at += word.len();
            continue;
        }
        if word_at(at, "not") && is_space(at + 3) {
            // `\not` would read as a newline and `ot`, so a lowercase n is spelled `\u006e`.
            out.push_str(if c == 'n' { "\\u006e" } else { "\\" });
            if c != 'n' {
                out.push(c);
            }
            at += 1;
            continue;
        }
        match c {
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\n' => out.push_str("\\n"),
            _ if syntax_special(c) => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
        at += 1;
    }
}

fn syntax_special(c: char) -> bool {
    matches!(
        c,
        '\\' | '(' | ')' | ':' | '<' | '>' | '"' | '*' | '{' | '}'
    )
}
