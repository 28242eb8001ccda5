//! Which operation a request was for, from its method and path, so that metrics count requests
//! by operation (a few values) rather than by URL (one per run).

use std::sync::Arc;

use serde_json::Value;

/// The label of a request that matched no route (the router's 404 or 405).
pub const UNMATCHED: &str = "unmatched";

/// One route: a method, a path template's segments (`None` for a `{variable}`) and its name.
#[derive(Debug, Clone)]
struct Route {
    method: String,
    segments: Vec<Option<String>>,
    name: Arc<str>,
}

/// The server's routes.
#[derive(Debug, Clone)]
pub struct Operations {
    routes: Vec<Route>,
    unmatched: Arc<str>,
}

impl Operations {
    /// The operations of an OpenAPI document (by `operationId`) and `extra` routes, each a
    /// method, a path template and a name.
    pub fn new<'a>(
        document: &Value,
        extra: impl IntoIterator<Item = (&'a str, &'a str, &'a str)>,
    ) -> Self {
        let mut routes = Vec::new();
        if let Some(paths) = document.get("paths").and_then(Value::as_object) {
            for (path, item) in paths {
                let Some(item) = item.as_object() else {
                    continue;
                };
                for (method, operation) in item {
                    if let Some(id) = operation.get("operationId").and_then(Value::as_str) {
                        routes.push(Route::new(method, path, id));
                    }
                }
            }
        }
        routes.extend(
            extra
                .into_iter()
                .map(|(method, path, name)| Route::new(method, path, name)),
        );
        Self {
            routes,
            unmatched: Arc::from(UNMATCHED),
        }
    }

    /// The operation `method` and `uri` (path and query) name, or [`UNMATCHED`].
    pub fn name(&self, method: &str, uri: &str) -> Arc<str> {
        let path = uri.split(['?', '#']).next().unwrap_or_default();
        let path = path
            .strip_suffix('/')
            .filter(|p| !p.is_empty())
            .unwrap_or(path);
        self.routes
            .iter()
            .find(|route| route.matches(method, path))
            .map_or_else(
                || Arc::clone(&self.unmatched),
                |route| Arc::clone(&route.name),
            )
    }
}

impl Route {
    fn new(method: &str, template: &str, name: &str) -> Self {
        let segments = template
            .split('/')
            .skip(1)
            .map(|segment| {
                let variable = segment.starts_with('{') && segment.ends_with('}');
                (!variable).then(|| segment.to_owned())
            })
            .collect();
        Self {
            method: method.to_ascii_uppercase(),
            segments,
            name: Arc::from(name),
        }
    }

    fn matches(&self, method: &str, path: &str) -> bool {
        if !self.method.eq_ignore_ascii_case(method) {
            return false;
        }
        let mut segments = path.split('/').skip(1);
        for expected in &self.segments {
            match (expected, segments.next()) {
                (_, None) => return false,
                (None, Some("")) => return false,
                (None, Some(_)) => {}
                (Some(literal), Some(segment)) if literal == segment => {}
                (Some(_), Some(_)) => return false,
            }
        }
        segments.next().is_none()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn operations() -> Operations {
        let document = json!({"paths": {
            "/v1/run/{id}/gold-labels": {"get": {"operationId": "list_run_gold_labels"}}
        }});
        Operations::new(&document, [("GET", "/healthz", "healthz")])
    }

    #[test]
    fn requests_are_named_by_their_route() {
        let operations = operations();
        let run = "/v1/run/0d3e0000-0000-4000-8000-000000000001/gold-labels";
        assert_eq!(&*operations.name("GET", run), "list_run_gold_labels");
        assert_eq!(
            &*operations.name("GET", &format!("{run}?x=1")),
            "list_run_gold_labels"
        );
        assert_eq!(&*operations.name("GET", "/healthz"), "healthz");
    }

    #[test]
    fn anything_else_is_unmatched() {
        let operations = operations();
        for (method, uri) in [
            ("POST", "/healthz"),
            ("GET", "/v1/run//gold-labels"),
            ("GET", "/v1/run/x/gold-labels/more"),
            ("GET", "/v1/run/x"),
            ("GET", "/"),
        ] {
            assert_eq!(&*operations.name(method, uri), UNMATCHED, "{method} {uri}");
        }
    }
}
