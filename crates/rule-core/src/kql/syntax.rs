//! A KQL parser that follows Kibana's PEG grammar (`grammar.peggy` in the `kbn-es-query`
//! package) rule by rule, ordered choice and backtracking included, so that every text
//! parses here exactly as it parses in Kibana. It builds a syntax tree of everything the
//! grammar accepts; [`super::ast`] then rejects what the evaluator cannot run.
//!
//! Grammar facts that decide real queries:
//! - `or`, `and` and `not` are keywords in any case. `or` and `and` need whitespace on both
//!   sides, `not` needs whitespace after it, and `not` binds tighter than `and`, which binds
//!   tighter than `or`.
//! - An unquoted value may contain spaces. It ends at a special character `\():<>"*{}` or
//!   where a keyword starts, and is then trimmed. An unquoted `*` is a wildcard; `\*` is a
//!   literal asterisk; exactly `true`, `false` or `null` become typed literals.
//! - A quoted value is a literal phrase: `*` inside quotes is an asterisk, and only `\\`,
//!   `\"`, `\t`, `\r`, `\n` and `\uXXXX` are escapes there.

/// A literal as written: a field name, a value or a range bound.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Literal {
    pub kind: LiteralKind,
    /// One-based column of the literal's first character.
    pub column: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum LiteralKind {
    Quoted(String),
    /// The text between unquoted wildcards: one piece when there is no wildcard, and an
    /// empty piece before, between or after wildcards that touch the ends or each other.
    Unquoted(Vec<String>),
    Bool(bool),
    Null,
}

/// A range operator: `<`, `<=`, `>` or `>=`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum RangeOp {
    Lt,
    Lte,
    Gt,
    Gte,
}

impl RangeOp {
    pub fn as_str(self) -> &'static str {
        match self {
            RangeOp::Lt => "<",
            RangeOp::Lte => "<=",
            RangeOp::Gt => ">",
            RangeOp::Gte => ">=",
        }
    }
}

/// A query as the grammar reads it.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Syntax {
    Or(Vec<Syntax>),
    And(Vec<Syntax>),
    Not(Box<Syntax>),
    /// `field: { query }`, a query on Elasticsearch nested documents.
    Nested {
        field: Literal,
        column: usize,
    },
    /// `field: values`, or a value with no field (free text) when `field` is `None`.
    Is {
        field: Option<Literal>,
        values: Values,
        column: usize,
    },
    Range {
        field: Literal,
        op: RangeOp,
        bound: Literal,
        column: usize,
    },
}

/// The values of `field: values`: one value, or a parenthesised list combined with `or`,
/// `and` and `not`.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Values {
    Or(Vec<Values>),
    And(Vec<Values>),
    Not(Box<Values>),
    Value(Literal),
}

/// Why the text does not parse: the furthest point the grammar reached and what it
/// expected there, as Kibana reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct SyntaxError {
    pub message: String,
    /// One-based column.
    pub column: usize,
}

/// Parses `text` with Kibana's grammar. Returns `Ok(None)` for an empty query.
pub(super) fn parse(text: &str) -> Result<Option<Syntax>, SyntaxError> {
    let mut parser = Parser::new(text);
    parser.spaces();
    let query = parser.or_query();
    parser.spaces();
    if let Some(error) = parser.nesting_error.take() {
        return Err(error);
    }
    if parser.pos < parser.chars.len() {
        parser.expected("end of input");
        return Err(parser.syntax_error());
    }
    if let Some(error) = parser.escape_error.take() {
        return Err(error);
    }
    Ok(query)
}

/// The deepest nesting of parenthesised queries, value lists and nested-field braces that
/// parses. Each level costs stack frames here and again when the query is compiled,
/// printed and evaluated, so the bound keeps hostile text from overflowing the stack
/// (about 10,000 levels did in a release build on an 8 MiB stack).
const MAX_NESTING: usize = 100;

/// Characters that end an unquoted literal unless escaped with `\`.
const SPECIAL: &[char] = &['\\', '(', ')', ':', '<', '>', '"', '*', '{', '}'];

struct Parser {
    chars: Vec<char>,
    pos: usize,
    /// The furthest position where a rule failed, and what was expected there.
    furthest: usize,
    expectations: Vec<&'static str>,
    /// Above zero inside a named rule, whose name replaces its inner expectations.
    silenced: u32,
    /// A `\uXXXX` escape that names half of a UTF-16 surrogate pair with no other half.
    escape_error: Option<SyntaxError>,
    /// Open parentheses and braces around the current position.
    nesting: usize,
    /// The first place nesting went past [`MAX_NESTING`].
    nesting_error: Option<SyntaxError>,
}

impl Parser {
    fn new(text: &str) -> Parser {
        Parser {
            chars: text.chars().collect(),
            pos: 0,
            furthest: 0,
            expectations: Vec::new(),
            silenced: 0,
            escape_error: None,
            nesting: 0,
            nesting_error: None,
        }
    }

    // Failure bookkeeping, as a PEG parser keeps it for its error message.

    fn expected(&mut self, what: &'static str) {
        if self.silenced > 0 || self.pos < self.furthest {
            return;
        }
        if self.pos > self.furthest {
            self.furthest = self.pos;
            self.expectations.clear();
        }
        if !self.expectations.contains(&what) {
            self.expectations.push(what);
        }
    }

    /// Runs a named rule: on failure the name is the expectation, at the rule's start.
    fn named<T>(
        &mut self,
        name: &'static str,
        rule: impl FnOnce(&mut Self) -> Option<T>,
    ) -> Option<T> {
        let start = self.pos;
        self.silenced += 1;
        let result = rule(self);
        self.silenced -= 1;
        if result.is_none() {
            self.pos = start;
            self.expected(name);
        }
        result
    }

    fn syntax_error(&self) -> SyntaxError {
        let found = match self.chars.get(self.furthest) {
            Some(c) => format!("`{c}`"),
            None => "end of input".to_string(),
        };
        let mut expected = self.expectations.clone();
        expected.sort_unstable();
        let message = match self.unterminated_quote() {
            Some(column) => format!("unterminated quoted string starting at column {column}"),
            None => format!("expected {} but found {found}", expected.join(", ")),
        };
        SyntaxError {
            message,
            column: self.furthest + 1,
        }
    }

    /// The column of a `"` at the failure point that has no closing quote.
    fn unterminated_quote(&self) -> Option<usize> {
        if self.chars.get(self.furthest) != Some(&'"') {
            return None;
        }
        let mut at = self.furthest + 1;
        while at < self.chars.len() {
            match self.chars[at] {
                '"' => return None,
                '\\' => at += 2,
                _ => at += 1,
            }
        }
        Some(self.furthest + 1)
    }

    // Terminals.

    fn peek_at(&self, at: usize) -> Option<char> {
        self.chars.get(at).copied()
    }

    fn eat(&mut self, c: char, label: &'static str) -> bool {
        if self.peek_at(self.pos) == Some(c) {
            self.pos += 1;
            true
        } else {
            self.expected(label);
            false
        }
    }

    fn is_space_at(&self, at: usize) -> bool {
        matches!(self.peek_at(at), Some(' ' | '\t' | '\r' | '\n' | '\u{a0}'))
    }

    /// `Space*`.
    fn spaces(&mut self) -> usize {
        let start = self.pos;
        while self.is_space_at(self.pos) {
            self.pos += 1;
        }
        self.expected("whitespace");
        self.pos - start
    }

    /// Matches `word` in any ASCII case at `at`.
    fn word_at(&self, at: usize, word: &str) -> bool {
        word.chars().enumerate().all(|(i, w)| {
            self.peek_at(at + i)
                .is_some_and(|c| c.eq_ignore_ascii_case(&w))
        })
    }

    /// `Space+ word Space+`, the `or` and `and` separators.
    fn binary_keyword(&mut self, word: &'static str, name: &'static str) -> bool {
        self.named(name, |p| {
            if p.spaces() == 0 || !p.word_at(p.pos, word) {
                return None;
            }
            p.pos += word.len();
            (p.spaces() > 0).then_some(())
        })
        .is_some()
    }

    /// `'not'i Space+`.
    fn not_keyword(&mut self) -> bool {
        self.named("NOT", |p| {
            if !p.word_at(p.pos, "not") {
                return None;
            }
            p.pos += 3;
            (p.spaces() > 0).then_some(())
        })
        .is_some()
    }

    /// The grammar's `Keyword` lookahead, which ends an unquoted literal.
    fn keyword_at(&self, at: usize) -> bool {
        let spaced = |word: &str| {
            self.is_space_at(at)
                && self.word_at(at + 1, word)
                && self.is_space_at(at + 1 + word.len())
        };
        spaced("or") || spaced("and") || (self.word_at(at, "not") && self.is_space_at(at + 3))
    }

    fn range_operator(&mut self) -> Option<RangeOp> {
        let op = match (self.peek_at(self.pos), self.peek_at(self.pos + 1)) {
            (Some('<'), Some('=')) => RangeOp::Lte,
            (Some('>'), Some('=')) => RangeOp::Gte,
            (Some('<'), _) => RangeOp::Lt,
            (Some('>'), _) => RangeOp::Gt,
            _ => {
                self.expected("range operator");
                return None;
            }
        };
        self.pos += op.as_str().len();
        Some(op)
    }

    /// Runs `rule` inside one more level of parentheses or braces, failing past
    /// [`MAX_NESTING`] levels.
    fn nested<T>(&mut self, rule: fn(&mut Self) -> Option<T>) -> Option<T> {
        if self.nesting == MAX_NESTING {
            let message = format!(
                "the query nests parentheses or braces deeper than {MAX_NESTING} levels, so \
                 remove redundant ones or split the query"
            );
            let column = self.pos + 1;
            self.nesting_error
                .get_or_insert(SyntaxError { message, column });
            return None;
        }
        self.nesting += 1;
        let result = rule(self);
        self.nesting -= 1;
        result
    }

    // Queries.

    fn or_query(&mut self) -> Option<Syntax> {
        let head = self.and_query()?;
        let mut nodes = vec![head];
        loop {
            let save = self.pos;
            if self.binary_keyword("or", "OR")
                && let Some(node) = self.and_query()
            {
                nodes.push(node);
                continue;
            }
            self.pos = save;
            break;
        }
        Some(if nodes.len() == 1 {
            nodes.pop()?
        } else {
            Syntax::Or(nodes)
        })
    }

    fn and_query(&mut self) -> Option<Syntax> {
        let head = self.not_query()?;
        let mut nodes = vec![head];
        loop {
            let save = self.pos;
            if self.binary_keyword("and", "AND")
                && let Some(node) = self.not_query()
            {
                nodes.push(node);
                continue;
            }
            self.pos = save;
            break;
        }
        Some(if nodes.len() == 1 {
            nodes.pop()?
        } else {
            Syntax::And(nodes)
        })
    }

    fn not_query(&mut self) -> Option<Syntax> {
        let save = self.pos;
        if self.not_keyword()
            && let Some(query) = self.sub_query()
        {
            return Some(Syntax::Not(Box::new(query)));
        }
        self.pos = save;
        self.sub_query()
    }

    fn sub_query(&mut self) -> Option<Syntax> {
        let save = self.pos;
        if self.eat('(', "`(`") {
            self.spaces();
            if let Some(query) = self.nested(Self::or_query) {
                self.spaces();
                if self.eat(')', "`)`") {
                    return Some(query);
                }
            }
        }
        self.pos = save;
        self.nested_query()
    }

    fn nested_query(&mut self) -> Option<Syntax> {
        let save = self.pos;
        if let Some(field) = self.field() {
            self.spaces();
            if self.eat(':', "`:`") {
                self.spaces();
                if self.eat('{', "`{`") {
                    self.spaces();
                    if self.nested(Self::or_query).is_some() {
                        self.spaces();
                        if self.eat('}', "`}`") {
                            return Some(Syntax::Nested {
                                field,
                                column: save + 1,
                            });
                        }
                    }
                }
            }
        }
        self.pos = save;
        self.expression()
    }

    fn expression(&mut self) -> Option<Syntax> {
        let start = self.pos;
        if let Some(range) = self.range_expression() {
            return Some(range);
        }
        self.pos = start;
        if let Some(is) = self.field_value_expression() {
            return Some(is);
        }
        self.pos = start;
        let value = self.value()?;
        Some(Syntax::Is {
            field: None,
            values: Values::Value(value),
            column: start + 1,
        })
    }

    fn field(&mut self) -> Option<Literal> {
        self.named("field name", Self::literal)
    }

    fn range_expression(&mut self) -> Option<Syntax> {
        let column = self.pos + 1;
        let field = self.field()?;
        self.spaces();
        let op = self.range_operator()?;
        self.spaces();
        let bound = self.named("literal", Self::literal)?;
        Some(Syntax::Range {
            field,
            op,
            bound,
            column,
        })
    }

    fn field_value_expression(&mut self) -> Option<Syntax> {
        let column = self.pos + 1;
        let field = self.field()?;
        self.spaces();
        if !self.eat(':', "`:`") {
            return None;
        }
        self.spaces();
        let values = self.list_of_values()?;
        Some(Syntax::Is {
            field: Some(field),
            values,
            column,
        })
    }

    // Value lists.

    fn list_of_values(&mut self) -> Option<Values> {
        let save = self.pos;
        if self.eat('(', "`(`") {
            self.spaces();
            if let Some(values) = self.nested(Self::or_list) {
                self.spaces();
                if self.eat(')', "`)`") {
                    return Some(values);
                }
            }
        }
        self.pos = save;
        self.value().map(Values::Value)
    }

    fn or_list(&mut self) -> Option<Values> {
        let head = self.and_list()?;
        let mut items = vec![head];
        loop {
            let save = self.pos;
            if self.binary_keyword("or", "OR")
                && let Some(item) = self.and_list()
            {
                items.push(item);
                continue;
            }
            self.pos = save;
            break;
        }
        Some(if items.len() == 1 {
            items.pop()?
        } else {
            Values::Or(items)
        })
    }

    fn and_list(&mut self) -> Option<Values> {
        let head = self.not_list()?;
        let mut items = vec![head];
        loop {
            let save = self.pos;
            if self.binary_keyword("and", "AND")
                && let Some(item) = self.not_list()
            {
                items.push(item);
                continue;
            }
            self.pos = save;
            break;
        }
        Some(if items.len() == 1 {
            items.pop()?
        } else {
            Values::And(items)
        })
    }

    fn not_list(&mut self) -> Option<Values> {
        let save = self.pos;
        if self.not_keyword()
            && let Some(values) = self.list_of_values()
        {
            return Some(Values::Not(Box::new(values)));
        }
        self.pos = save;
        self.list_of_values()
    }

    fn value(&mut self) -> Option<Literal> {
        self.named("value", Self::literal)
    }

    // Literals.

    fn literal(&mut self) -> Option<Literal> {
        self.quoted_string().or_else(|| self.unquoted_literal())
    }

    fn quoted_string(&mut self) -> Option<Literal> {
        let start = self.pos;
        if !self.eat('"', "`\"`") {
            return None;
        }
        let mut text = String::new();
        loop {
            match self.peek_at(self.pos) {
                None => {
                    self.expected("`\"`");
                    self.pos = start;
                    return None;
                }
                Some('"') => break,
                Some('\\') => self.quoted_escape(&mut text),
                Some(c) => {
                    text.push(c);
                    self.pos += 1;
                }
            }
        }
        self.pos += 1;
        Some(Literal {
            kind: LiteralKind::Quoted(text),
            column: start + 1,
        })
    }

    /// Reads one `\` sequence inside quotes. Anything but a known escape is a literal `\`.
    fn quoted_escape(&mut self, text: &mut String) {
        if let Some(c) = self.escaped_whitespace().or_else(|| self.unicode_escape()) {
            text.push(c);
            return;
        }
        match self.peek_at(self.pos + 1) {
            Some(c @ ('\\' | '"')) => {
                text.push(c);
                self.pos += 2;
            }
            _ => {
                text.push('\\');
                self.pos += 1;
            }
        }
    }

    fn unquoted_literal(&mut self) -> Option<Literal> {
        let start = self.pos;
        let mut pieces = vec![String::new()];
        while let Some(piece) = self.unquoted_character() {
            match piece {
                Piece::Wildcard => pieces.push(String::new()),
                Piece::Text(text) => pieces.last_mut()?.push_str(&text),
            }
        }
        if self.pos == start {
            self.expected("literal");
            return None;
        }
        Some(Literal {
            kind: unquoted_kind(pieces),
            column: start + 1,
        })
    }

    /// Reads one `UnquotedCharacter`, trying the grammar's alternatives in its order.
    fn unquoted_character(&mut self) -> Option<Piece> {
        let c = self.peek_at(self.pos)?;
        if c == '\\' {
            return self.unquoted_escape();
        }
        if c == '*' {
            self.pos += 1;
            return Some(Piece::Wildcard);
        }
        if SPECIAL.contains(&c) || self.keyword_at(self.pos) {
            return None;
        }
        self.pos += 1;
        Some(Piece::Text(c.to_string()))
    }

    /// Reads a `\` sequence outside quotes. Escaped whitespace comes first, so `\not`
    /// reads as a newline and `ot`, exactly as in Kibana; `\NOT` escapes the keyword.
    fn unquoted_escape(&mut self) -> Option<Piece> {
        if let Some(c) = self.escaped_whitespace() {
            return Some(Piece::Text(c.to_string()));
        }
        let next = self.peek_at(self.pos + 1);
        if let Some(c) = next.filter(|c| SPECIAL.contains(c)) {
            self.pos += 2;
            return Some(Piece::Text(c.to_string()));
        }
        if let Some(c) = self.unicode_escape() {
            return Some(Piece::Text(c.to_string()));
        }
        for word in ["or", "and", "not"] {
            if self.word_at(self.pos + 1, word) {
                let text: String = self.chars[self.pos + 1..self.pos + 1 + word.len()]
                    .iter()
                    .collect();
                self.pos += 1 + word.len();
                return Some(Piece::Text(text));
            }
        }
        None
    }

    fn escaped_whitespace(&mut self) -> Option<char> {
        let c = match self.peek_at(self.pos + 1)? {
            't' => '\t',
            'r' => '\r',
            'n' => '\n',
            _ => return None,
        };
        self.pos += 2;
        Some(c)
    }

    /// Reads `\uXXXX` at the current position. Kibana builds JavaScript strings out of
    /// UTF-16 code units, so a surrogate pair written as two escapes is one character.
    /// A lone surrogate has no Rust form, so it is recorded as an error.
    fn unicode_escape(&mut self) -> Option<char> {
        let first = self.hex_unit(self.pos)?;
        let column = self.pos + 1;
        self.pos += 6;
        if let Some(c) = char::from_u32(first) {
            return Some(c);
        }
        let second = self
            .hex_unit(self.pos)
            .filter(|unit| (0xdc00..0xe000).contains(unit));
        if let (0xd800..0xdc00, Some(low)) = (first, second) {
            self.pos += 6;
            return char::from_u32(0x10000 + ((first - 0xd800) << 10) + (low - 0xdc00));
        }
        if self.escape_error.is_none() {
            self.escape_error = Some(SyntaxError {
                message: format!(
                    "`\\u{first:04x}` is half of a UTF-16 surrogate pair without its other half; \
                     write the character itself or both halves"
                ),
                column,
            });
        }
        Some(char::REPLACEMENT_CHARACTER)
    }

    /// The code unit of `\uXXXX` at `at`, if there is one.
    fn hex_unit(&self, at: usize) -> Option<u32> {
        if self.peek_at(at) != Some('\\') || self.peek_at(at + 1) != Some('u') {
            return None;
        }
        let digits = self.chars.get(at + 2..at + 6)?;
        digits
            .iter()
            .try_fold(0, |unit, c| Some(unit * 16 + c.to_digit(16)?))
    }
}

enum Piece {
    Text(String),
    Wildcard,
}

/// Builds an unquoted literal from its pieces as Kibana does: trim the whole text, then
/// read exactly `null`, `true` and `false` as typed literals.
fn unquoted_kind(mut pieces: Vec<String>) -> LiteralKind {
    if let Some(first) = pieces.first_mut() {
        *first = first.trim_start_matches(is_js_whitespace).to_string();
    }
    if let Some(last) = pieces.last_mut() {
        *last = last.trim_end_matches(is_js_whitespace).to_string();
    }
    if let [only] = pieces.as_slice() {
        match only.as_str() {
            "null" => return LiteralKind::Null,
            "true" => return LiteralKind::Bool(true),
            "false" => return LiteralKind::Bool(false),
            _ => {}
        }
    }
    LiteralKind::Unquoted(pieces)
}

/// The characters JavaScript's `String.prototype.trim` removes.
pub(super) fn is_js_whitespace(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{b}' | '\u{c}' | '\r' | ' ' | '\u{a0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200a}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202f}'
                | '\u{205f}'
                | '\u{3000}'
                | '\u{feff}'
    )
}
