//! The README's table of allowed differences names every rule the comparison applies.

use refactor_openapi::compare::RULES;

#[test]
fn every_comparison_rule_is_documented_in_the_readme() {
    let readme = include_str!("../../README.md");
    for rule in RULES {
        assert!(
            readme.contains(&format!("`{}`", rule.name)),
            "README.md does not list `{}`",
            rule.name
        );
    }
}
