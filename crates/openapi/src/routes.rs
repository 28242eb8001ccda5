//! How paths map onto dropshot's router.
//!
//! dropshot keeps one tree of path segments, and at each position the tree holds either literal
//! segments or one variable, never both (dropshot issue #199), with one name for that variable
//! across every route through it. Real APIs put a literal beside a variable
//! (`/customers/search` beside `/customers/{id}`), and every mainstream router prefers the
//! literal. So each path gets a *host*: the route dropshot registers for it. A path with a
//! literal where the tree has a variable is served through the variable's route, with the
//! literal as a *constraint* a dispatcher checks (that route wins over the variable one); a path
//! whose variable is named differently from the tree's gets the tree's name.

use std::collections::BTreeMap;

/// Where a path is served in dropshot's route tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteHost {
    /// The route dropshot registers, with the tree's variable names.
    pub pattern: String,
    /// The path's literal segments that sit where the tree has a variable: `(variable, literal)`,
    /// in path order. Empty when the path is a route of its own.
    pub constraints: Vec<(String, String)>,
    /// The path's own variables that the tree names differently: `(own name, tree's name)`.
    pub renames: Vec<(String, String)>,
}

impl RouteHost {
    /// Whether the path is served through another route's host (a literal beside a variable).
    pub fn is_dispatched(&self) -> bool {
        !self.constraints.is_empty()
    }
}

/// A path segment dropshot cannot match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnroutableSegment {
    /// The path.
    pub path: String,
    /// The segment.
    pub segment: String,
}

/// One segment of a path template.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Literal(String),
    Variable(String),
}

fn segments(path: &str) -> Result<Vec<Segment>, UnroutableSegment> {
    path.split('/')
        .filter(|s| !s.is_empty())
        .map(
            |text| match text.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
                Some(name) if !name.contains(['{', '}']) => Ok(Segment::Variable(name.to_owned())),
                None if !text.contains(['{', '}']) => Ok(Segment::Literal(text.to_owned())),
                _ => Err(UnroutableSegment {
                    path: path.to_owned(),
                    segment: text.to_owned(),
                }),
            },
        )
        .collect()
}

/// One position of the tree of every path, as written.
#[derive(Default)]
struct Node {
    literals: BTreeMap<String, usize>,
    /// The variable's name (of the first path through it), its node, and that path's index.
    variable: Option<(String, usize, usize)>,
}

/// The host of every path, in the order given (the first path through a variable position names
/// it); a path with a segment that mixes text and a variable is an error.
pub fn route_hosts<'a>(
    paths: impl IntoIterator<Item = &'a str>,
) -> Result<Vec<(String, RouteHost)>, UnroutableSegment> {
    let parsed: Vec<(String, Vec<Segment>)> = paths
        .into_iter()
        .map(|path| Ok((path.to_owned(), segments(path)?)))
        .collect::<Result<_, UnroutableSegment>>()?;
    let mut nodes = vec![Node::default()];
    for (index, (_, path)) in parsed.iter().enumerate() {
        let mut at = 0;
        for segment in path {
            at = match segment {
                Segment::Literal(literal) => match nodes[at].literals.get(literal) {
                    Some(next) => *next,
                    None => {
                        nodes.push(Node::default());
                        let next = nodes.len() - 1;
                        nodes[at].literals.insert(literal.clone(), next);
                        next
                    }
                },
                Segment::Variable(name) => match &nodes[at].variable {
                    Some((_, next, _)) => *next,
                    None => {
                        nodes.push(Node::default());
                        let next = nodes.len() - 1;
                        nodes[at].variable = Some((name.clone(), next, index));
                        next
                    }
                },
            };
        }
    }
    Ok(parsed
        .iter()
        .map(|(path, segments)| (path.clone(), host(&nodes, segments)))
        .collect())
}

/// The host of one path: walks the tree with every route merged that dropshot would reach
/// through the same variable.
fn host(nodes: &[Node], path: &[Segment]) -> RouteHost {
    let mut set = vec![0];
    let mut pattern = String::new();
    let mut constraints = Vec::new();
    let mut renames = Vec::new();
    for segment in path {
        let variable = set
            .iter()
            .filter_map(|at| nodes[*at].variable.as_ref())
            .min_by_key(|(_, _, first)| *first);
        match variable {
            Some((name, _, _)) => {
                match segment {
                    Segment::Literal(literal) => constraints.push((name.clone(), literal.clone())),
                    Segment::Variable(own) if own != name => {
                        renames.push((own.clone(), name.clone()));
                    }
                    Segment::Variable(_) => {}
                }
                pattern.push_str(&format!("/{{{name}}}"));
                let mut next: Vec<usize> = set
                    .iter()
                    .flat_map(|at| {
                        let node = &nodes[*at];
                        node.variable
                            .iter()
                            .map(|(_, next, _)| *next)
                            .chain(node.literals.values().copied())
                    })
                    .collect();
                next.sort_unstable();
                next.dedup();
                set = next;
            }
            None => {
                let Segment::Literal(literal) = segment else {
                    // Every path is in the tree: a variable segment has a variable edge.
                    continue;
                };
                pattern.push('/');
                pattern.push_str(literal);
                set = set
                    .iter()
                    .filter_map(|at| nodes[*at].literals.get(literal).copied())
                    .collect();
            }
        }
    }
    if pattern.is_empty() {
        pattern.push('/');
    }
    RouteHost {
        pattern,
        constraints,
        renames,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hosts(paths: &[&str]) -> BTreeMap<String, RouteHost> {
        route_hosts(paths.iter().copied())
            .expect("routable")
            .into_iter()
            .collect()
    }

    #[test]
    fn a_literal_beside_a_variable_is_served_through_the_variable() {
        let hosts = hosts(&["/items/{id}", "/items/search"]);
        assert_eq!(hosts["/items/{id}"].pattern, "/items/{id}");
        assert!(!hosts["/items/{id}"].is_dispatched());
        let search = &hosts["/items/search"];
        assert_eq!(search.pattern, "/items/{id}");
        assert_eq!(search.constraints, [("id".to_owned(), "search".to_owned())]);
    }

    #[test]
    fn deeper_routes_under_a_literal_follow_the_variable_subtree() {
        let hosts = hosts(&[
            "/collections/{name}/points/{id}",
            "/collections/{name}/points/search",
            "/collections/aliases",
            "/collections/{name}",
        ]);
        assert_eq!(
            hosts["/collections/{name}/points/search"].pattern,
            "/collections/{name}/points/{id}"
        );
        assert_eq!(hosts["/collections/aliases"].pattern, "/collections/{name}");
    }

    #[test]
    fn variables_take_the_name_of_the_first_path_through_them() {
        let hosts = hosts(&["/pets/{petId}", "/pets/{id}/toys", "/pets/mine/toys"]);
        let toys = &hosts["/pets/{id}/toys"];
        assert_eq!(toys.pattern, "/pets/{petId}/toys");
        assert_eq!(toys.renames, [("id".to_owned(), "petId".to_owned())]);
        assert_eq!(hosts["/pets/mine/toys"].pattern, "/pets/{petId}/toys");
    }

    #[test]
    fn literal_only_trees_are_routes_of_their_own() {
        let hosts = hosts(&["/a/b", "/a/c"]);
        assert_eq!(hosts["/a/c"].pattern, "/a/c");
        assert!(!hosts["/a/c"].is_dispatched());
    }

    #[test]
    fn a_mixed_segment_is_unroutable() {
        let error = route_hosts(["/files/{name}.json"]).expect_err("mixed");
        assert_eq!(error.segment, "{name}.json");
    }
}
