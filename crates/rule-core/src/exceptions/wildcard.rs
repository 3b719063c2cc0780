//! Patterns of Elasticsearch's `wildcard` query, which `wildcard` exception entries use.

/// One step of a pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Literal(char),
    /// `?`: exactly one character.
    AnyChar,
    /// `*`: any run of characters, the empty run included.
    AnyRun,
}

/// A compiled wildcard pattern, matched case-sensitively against the whole value.
///
/// As in Lucene's `WildcardQuery`, `\` makes the next character literal and a `\` at the
/// end of the pattern is itself literal. Characters are Unicode scalar values, so `?`
/// matches one character, not one byte.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Wildcard {
    tokens: Vec<Token>,
}

impl Wildcard {
    /// Compiles `pattern`.
    pub(crate) fn new(pattern: &str) -> Wildcard {
        let mut tokens = Vec::new();
        let mut chars = pattern.chars();
        while let Some(c) = chars.next() {
            let token = match c {
                '*' => Token::AnyRun,
                '?' => Token::AnyChar,
                '\\' => Token::Literal(chars.next().unwrap_or('\\')),
                other => Token::Literal(other),
            };
            tokens.push(token);
        }
        Wildcard { tokens }
    }

    /// Tells whether the whole of `text` matches the pattern.
    pub(crate) fn matches(&self, text: &str) -> bool {
        let text: Vec<char> = text.chars().collect();
        let mut pattern_at = 0;
        let mut text_at = 0;

        // The pattern position just after the last `*` and the text position that `*`
        // resumes from. Moving it one character on at each mismatch tries every run length
        // without recursion, in O(pattern × text) time at worst.
        let mut last_star: Option<(usize, usize)> = None;

        while text_at < text.len() {
            match self.tokens.get(pattern_at) {
                Some(Token::AnyRun) => {
                    pattern_at += 1;
                    last_star = Some((pattern_at, text_at));
                    continue;
                }
                Some(Token::AnyChar) => {
                    pattern_at += 1;
                    text_at += 1;
                    continue;
                }
                Some(Token::Literal(c)) if *c == text[text_at] => {
                    pattern_at += 1;
                    text_at += 1;
                    continue;
                }
                _ => {}
            }

            let Some((resume_pattern, resume_text)) = last_star else {
                return false;
            };
            pattern_at = resume_pattern;
            text_at = resume_text + 1;
            last_star = Some((resume_pattern, text_at));
        }

        self.tokens[pattern_at..]
            .iter()
            .all(|token| *token == Token::AnyRun)
    }
}

#[cfg(test)]
mod tests {
    use super::Wildcard;

    #[test]
    fn wildcard_cases() {
        let cases = [
            ("*Terraform*", "APN/1.0 HashiCorp/1.0 Terraform/1.5.7", true),
            ("*Terraform*", "Terraform", true),
            ("*Terraform*", "terraform/1.5.7", false),
            (
                "arn:aws:sts::*:assumed-role/terraform-*",
                "arn:aws:sts::111122223333:assumed-role/terraform-ci/run-42",
                true,
            ),
            (
                "arn:aws:sts::*:assumed-role/terraform-*",
                "arn:aws:iam::111122223333:user/terraform-ci",
                false,
            ),
            ("DeleteFunction20??????", "DeleteFunction20150331", true),
            ("DeleteFunction20??????", "DeleteFunction2015033", false),
            ("DeleteFunction20??????", "DeleteFunction201503311", false),
            ("abc", "abc", true),
            ("abc", "abcd", false),
            ("abc", "xabc", false),
            ("", "", true),
            ("", "a", false),
            ("*", "", true),
            ("**", "anything", true),
            ("a*b*c", "aXbYbZc", true),
            ("a*b*c", "aXbYbZ", false),
            ("?", "é", true),
            ("?", "ab", false),
            (r"a\*b", "a*b", true),
            (r"a\*b", "aXb", false),
            (r"a\?", "a?", true),
            (r"a\?", "ab", false),
            (r"ends\", r"ends\", true),
        ];
        for (pattern, text, expected) in cases {
            let actual = Wildcard::new(pattern).matches(text);
            assert_eq!(actual, expected, "pattern {pattern:?} on {text:?}");
        }
    }
}
