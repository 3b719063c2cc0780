//! KQL wildcard patterns, compiled once when the query is parsed.

/// A pattern whose only wildcard is `*`, matching any run of characters, the empty run
/// included. It is anchored at both ends, as an Elasticsearch `wildcard` query on a keyword
/// field is. KQL has no single-character wildcard: Kibana escapes `?` before it sends the
/// query, so `?` here is an ordinary character.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Pattern {
    /// The literal text around the wildcards; at least two pieces.
    pieces: Vec<String>,
    /// The length of all pieces together, the shortest text that can match.
    min_len: usize,
}

impl Pattern {
    /// Builds a pattern from the text between its wildcards.
    pub fn new(pieces: Vec<String>) -> Pattern {
        assert!(
            pieces.len() >= 2,
            "a wildcard pattern has a piece on each side of a `*`"
        );
        let min_len = pieces.iter().map(String::len).sum();
        Pattern { pieces, min_len }
    }

    /// True for `*`, `**` and the like, which match every text.
    pub fn matches_everything(&self) -> bool {
        self.min_len == 0
    }

    /// Tests `text` against the whole pattern.
    pub fn matches(&self, text: &str) -> bool {
        let (first, rest) = self.pieces.split_first().expect("at least two pieces");
        let (last, middle) = rest.split_last().expect("at least two pieces");
        if text.len() < self.min_len
            || !text.starts_with(first.as_str())
            || !text.ends_with(last.as_str())
        {
            return false;
        }

        // Taking each middle piece at its leftmost place leaves the most room for the rest,
        // so a greedy scan decides the match without backtracking.
        let mut window = &text[first.len()..text.len() - last.len()];
        for piece in middle {
            match window.find(piece.as_str()) {
                Some(at) => window = &window[at + piece.len()..],
                None => return false,
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pattern(text: &str) -> Pattern {
        Pattern::new(text.split('*').map(str::to_string).collect())
    }

    #[test]
    fn wildcard_cases() {
        let cases = [
            ("DeleteFunction20*", "DeleteFunction20150331", true),
            ("DeleteFunction20*", "DeleteFunction20", true),
            ("DeleteFunction20*", "DeleteFunction", false),
            (
                "DeleteFunction20*",
                "DeleteFunctionConcurrency20171031",
                false,
            ),
            ("DeleteFunction20*", "DeleteFunctionUrlConfig", false),
            ("DeleteFunction20*", "deletefunction20150331", false),
            ("DeleteFunction20*", "xDeleteFunction20150331", false),
            ("*Function", "DeleteFunction", true),
            ("*Function", "DeleteFunctions", false),
            ("a*b*c", "abc", true),
            ("a*b*c", "aXbYc", true),
            ("a*b*c", "acb", false),
            ("a*b*c", "abcbc", true),
            ("ab*ba", "aba", false),
            ("ab*ba", "abba", true),
            ("a*a*a", "aa", false),
            ("a*a*a", "aaa", true),
            ("*", "", true),
            ("**", "anything", true),
            ("a?c*", "abc", false),
            ("a?c*", "a?cd", true),
            ("é*ü", "éxü", true),
            ("*ü", "xu", false),
        ];
        for (pattern_text, text, expected) in cases {
            assert_eq!(
                pattern(pattern_text).matches(text),
                expected,
                "{pattern_text} on {text}"
            );
        }
    }

    #[test]
    fn matches_everything_only_for_stars() {
        assert!(pattern("*").matches_everything());
        assert!(pattern("***").matches_everything());
        assert!(!pattern("a*").matches_everything());
    }
}
