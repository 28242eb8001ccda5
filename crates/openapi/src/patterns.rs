//! A string that matches a `pattern`, for the example values of the conformance harness.
//!
//! The pattern is parsed (`regex-syntax`) and walked, taking the plainest way through it: each
//! repetition its fewest times (then once more, and so on, until the string is long enough),
//! each alternation's first branch, each class's most readable member (`a`, then `0`, then its
//! first). The result is checked with `regress`, the ECMA-262 engine typify's newtypes check
//! patterns with, so a pattern the two read differently gives no string rather than a wrong one.

use regex_syntax::hir::{Class, Hir, HirKind};

/// The most extra repetitions tried to reach a minimum length.
const MAX_EXTRA: u32 = 64;

/// A string matching `pattern` (ECMA-262, unanchored as JSON Schema reads it) whose length in
/// characters is within `min..=max`.
pub fn matching_string(pattern: &str, min: u64, max: u64) -> Option<String> {
    let checker = regress::Regex::new(pattern).ok()?;
    let hir = regex_syntax::ParserBuilder::new()
        .utf8(true)
        .build()
        .parse(pattern)
        .ok()?;
    let fits = |text: &str| {
        let length = text.chars().count() as u64;
        (min..=max).contains(&length) && checker.find(text).is_some()
    };
    (0..=MAX_EXTRA)
        .filter_map(|extra| walk(&hir, extra))
        .find(|candidate| fits(candidate))
}

/// The plainest string `hir` matches, with each repetition `extra` times more than its minimum
/// (within its maximum).
fn walk(hir: &Hir, extra: u32) -> Option<String> {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => Some(String::new()),
        HirKind::Literal(literal) => String::from_utf8(literal.0.to_vec()).ok(),
        HirKind::Class(class) => class_member(class).map(String::from),
        HirKind::Repetition(repetition) => {
            let wanted = repetition.min.saturating_add(extra);
            let count = repetition.max.map_or(wanted, |max| wanted.min(max));
            let once = walk(&repetition.sub, extra)?;
            Some(once.repeat(usize::try_from(count).ok()?))
        }
        HirKind::Capture(capture) => walk(&capture.sub, extra),
        HirKind::Concat(parts) => parts.iter().map(|part| walk(part, extra)).collect(),
        HirKind::Alternation(branches) => branches.iter().find_map(|branch| walk(branch, extra)),
    }
}

/// `a`, `0` or the first member of a class; `None` for an empty class.
fn class_member(class: &Class) -> Option<char> {
    match class {
        Class::Unicode(class) => {
            let contains = |c: char| {
                class
                    .ranges()
                    .iter()
                    .any(|r| r.start() <= c && c <= r.end())
            };
            ['a', '0', 'A', 'x']
                .into_iter()
                .find(|c| contains(*c))
                .or_else(|| class.ranges().first().map(|range| range.start()))
        }
        Class::Bytes(class) => {
            let contains = |b: u8| {
                class
                    .ranges()
                    .iter()
                    .any(|r| r.start() <= b && b <= r.end())
            };
            [b'a', b'0', b'A']
                .into_iter()
                .find(|b| contains(*b))
                .or_else(|| class.ranges().first().map(|range| range.start()))
                .filter(u8::is_ascii)
                .map(char::from)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchored_patterns_get_a_full_match() {
        assert_eq!(
            matching_string("^[a-z][a-z0-9_-]*$", 1, 64).as_deref(),
            Some("a")
        );
        assert_eq!(
            matching_string("^[A-Z]{3}-\\d{4}$", 0, u64::MAX).as_deref(),
            Some("AAA-0000")
        );
    }

    #[test]
    fn a_minimum_length_takes_more_repetitions() {
        assert_eq!(matching_string("^[a-z]+$", 5, 10).as_deref(), Some("aaaaa"));
    }

    #[test]
    fn alternations_take_the_first_branch_that_fits() {
        assert_eq!(
            matching_string("^(draft|final)$", 0, u64::MAX).as_deref(),
            Some("draft")
        );
    }

    #[test]
    fn impossible_lengths_give_nothing() {
        assert_eq!(matching_string("^a{2}$", 3, 3), None);
    }
}
