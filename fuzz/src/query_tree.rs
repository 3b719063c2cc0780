//! Query structure read from `Query`'s `Debug` output, for comparing two parses.
//!
//! `Query` keeps its syntax tree private, and printing changes two things that do not
//! change the meaning. It drops parentheses that precedence does not need, so
//! `a: (b or (c or d))` prints as `a: (b or c or d)` and parses to a flatter tree. And it
//! quotes unquoted text that would read back differently (a bound of only whitespace
//! prints as `""`), which changes how a value was written but not what it matches.
//!
//! [`structure`] turns the debug text into a tree, splices each `Or` or `And` list into an
//! enclosing list of the same operator and drops the `written` form of values. Any other
//! difference (a matcher, a field, an operator, a grouping that changes precedence)
//! remains.

use rule_core::kql::Query;

/// A node of the `Debug` output: a string literal, a bare word (an identifier, number or
/// `:`), or a bracketed group with the word before it, as in `Or([..])` or `Clause { .. }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tree {
    Text(String),
    Word(String),
    Group {
        head: Option<String>,
        open: char,
        items: Vec<Tree>,
    },
}

/// Returns the query's structure without its source text and the written form of values,
/// with `Or` and `And` lists flattened.
pub fn structure(query: &Query) -> Tree {
    let debug = format!("{query:?}");
    let source = format!("source: {:?}, ", query.source());
    let without_source = debug.replacen(&source, "", 1);

    let tokens = tokenize(&without_source);
    let mut position = 0;
    let items = parse_items(&tokens, &mut position, None);
    flatten(Tree::Group {
        head: None,
        open: ' ',
        items,
    })
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Text(String),
    Word(String),
    Open(char),
    Close(char),
}

/// Splits `Debug` text into string literals, words and brackets. Commas and spaces only
/// separate tokens.
fn tokenize(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut chars = text.chars().peekable();
    let mut word = String::new();

    while let Some(c) = chars.next() {
        let ends_word = c.is_whitespace() || "()[]{},:\"".contains(c);
        if ends_word && !word.is_empty() {
            tokens.push(Token::Word(std::mem::take(&mut word)));
        }
        match c {
            '"' => tokens.push(Token::Text(read_string(&mut chars))),
            '(' | '[' | '{' => tokens.push(Token::Open(c)),
            ')' | ']' | '}' => tokens.push(Token::Close(c)),
            ':' => tokens.push(Token::Word(":".to_string())),
            _ if ends_word => {}
            _ => word.push(c),
        }
    }
    if !word.is_empty() {
        tokens.push(Token::Word(word));
    }
    tokens
}

/// Reads a `Debug` string literal after its opening quote, keeping escapes as written.
fn read_string(chars: &mut impl Iterator<Item = char>) -> String {
    let mut text = String::new();
    while let Some(c) = chars.next() {
        match c {
            '"' => break,
            '\\' => {
                text.push(c);
                text.extend(chars.next());
            }
            _ => text.push(c),
        }
    }
    text
}

/// Parses items up to the bracket `close`, or to the end of the tokens.
fn parse_items(tokens: &[Token], position: &mut usize, close: Option<char>) -> Vec<Tree> {
    let mut items = Vec::new();
    while let Some(token) = tokens.get(*position) {
        *position += 1;
        match token {
            Token::Close(c) if Some(*c) == close => return items,
            Token::Close(c) => panic!("unbalanced `{c}` in the debug text of a query"),
            Token::Text(text) => items.push(Tree::Text(text.clone())),
            Token::Open(open) => items.push(parse_group(tokens, position, None, *open)),
            Token::Word(word) => match tokens.get(*position) {
                Some(Token::Open(open)) if word != ":" => {
                    *position += 1;
                    items.push(parse_group(tokens, position, Some(word.clone()), *open));
                }
                _ => items.push(Tree::Word(word.clone())),
            },
        }
    }
    items
}

fn parse_group(tokens: &[Token], position: &mut usize, head: Option<String>, open: char) -> Tree {
    let close = match open {
        '(' => ')',
        '[' => ']',
        _ => '}',
    };
    let items = parse_items(tokens, position, Some(close));
    Tree::Group { head, open, items }
}

/// Splices `Op([.. Op([x, y]) ..])` into `Op([.. x, y ..])` for `Or` and `And`.
fn flatten(tree: Tree) -> Tree {
    let Tree::Group { head, open, items } = tree else {
        return tree;
    };
    let items: Vec<Tree> = without_written(items).into_iter().map(flatten).collect();

    let operator = head.as_deref().filter(|head| matches!(*head, "Or" | "And"));
    let (
        Some(operator),
        [
            Tree::Group {
                head: None,
                open: '[',
                items: list,
            },
        ],
    ) = (operator, items.as_slice())
    else {
        return Tree::Group { head, open, items };
    };

    let mut spliced = Vec::new();
    for item in list {
        match operand_list(item, operator) {
            Some(inner) => spliced.extend(inner.iter().cloned()),
            None => spliced.push(item.clone()),
        }
    }
    let list = Tree::Group {
        head: None,
        open: '[',
        items: spliced,
    };
    Tree::Group {
        head,
        open,
        items: vec![list],
    }
}

/// Drops the field `written: ..` (a name, a colon and a value) from a group's items.
fn without_written(items: Vec<Tree>) -> Vec<Tree> {
    let mut kept = Vec::with_capacity(items.len());
    let mut items = items.into_iter().peekable();
    while let Some(item) = items.next() {
        if item == Tree::Word("written".to_string())
            && items.peek() == Some(&Tree::Word(":".to_string()))
        {
            items.next();
            items.next();
            continue;
        }
        kept.push(item);
    }
    kept
}

/// Returns the operands of `item` when it is a list of the same `operator`.
fn operand_list<'t>(item: &'t Tree, operator: &str) -> Option<&'t [Tree]> {
    let Tree::Group {
        head: Some(head),
        items,
        ..
    } = item
    else {
        return None;
    };
    if head != operator {
        return None;
    }
    match items.as_slice() {
        [
            Tree::Group {
                head: None,
                open: '[',
                items: list,
            },
        ] => Some(list),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::structure;
    use rule_core::kql::Query;

    fn same_structure(left: &str, right: &str) -> bool {
        let parse = |text: &str| Query::parse(text).expect("the test query parses");
        structure(&parse(left)) == structure(&parse(right))
    }

    #[test]
    fn regrouping_compares_equal() {
        let cases = [
            ("a: (b or (c or d))", "a: (b or c or d)"),
            ("a: ((b and c) and d)", "a: (b and c and d)"),
            ("(a: b or c: d) or e: f", "a: b or c: d or e: f"),
            ("a: b", "  a :   b "),
            ("a < \u{c}", "a < \"\""),
        ];
        for (left, right) in cases {
            assert!(same_structure(left, right), "{left:?} and {right:?}");
        }
    }

    #[test]
    fn other_queries_compare_unequal() {
        let cases = [
            ("a: (b or c)", "a: (b or d)"),
            ("a: (b \\or or c)", "a: (b or \\or c)"),
            ("(a: b or c: d) and e: f", "a: b or c: d and e: f"),
            ("a: ((b or c) and d)", "a: (b or c and d)"),
            ("a: b", "not a: b"),
            ("a < 5", "a <= 5"),
            ("a: \"b*\"", "a: b*"),
        ];
        for (left, right) in cases {
            assert!(!same_structure(left, right), "{left:?} and {right:?}");
        }
    }
}
