//! What an operation's security means on the wire: the `WWW-Authenticate` challenge its 401
//! responses carry (RFC 9110 section 11.6.1). The generator emits it and the conformance
//! comparison checks it, from this one reading.

use serde_json::{Map, Value};

/// The security requirements that apply to `operation`: its own `security`, else the
/// document's. `None` when neither says anything.
pub fn effective_requirements<'a>(
    document: &'a Value,
    operation: &'a Map<String, Value>,
) -> Option<&'a Vec<Value>> {
    operation
        .get("security")
        .or_else(|| document.get("security"))?
        .as_array()
}

/// The challenge a 401 of `operation` carries: the scheme of the first requirement that names an
/// HTTP `bearer` or `basic` scheme, or an OAuth 2.0 or OpenID Connect scheme (whose access tokens
/// are bearer tokens, RFC 6750). `None` for a public operation (`security: []`), one that names
/// no security, or one that accepts only schemes without a challenge (API keys).
pub fn challenge(document: &Value, operation: &Map<String, Value>) -> Option<String> {
    let requirements = effective_requirements(document, operation)?;
    let schemes = document
        .pointer("/components/securitySchemes")?
        .as_object()?;
    requirements
        .iter()
        .filter_map(Value::as_object)
        .flat_map(|requirement| requirement.keys())
        .filter_map(|name| schemes.get(name))
        .find_map(scheme_challenge)
}

fn scheme_challenge(scheme: &Value) -> Option<String> {
    match scheme.get("type")?.as_str()? {
        "http" => match scheme
            .get("scheme")?
            .as_str()?
            .to_ascii_lowercase()
            .as_str()
        {
            "bearer" => Some("Bearer".to_owned()),
            "basic" => Some("Basic".to_owned()),
            _ => None,
        },
        "oauth2" | "openIdConnect" => Some("Bearer".to_owned()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn document(scheme: Value, operation_security: Option<Value>) -> (Value, Map<String, Value>) {
        let document = json!({
            "security": [{"Auth": []}],
            "components": {"securitySchemes": {"Auth": scheme}}
        });
        let mut operation = Map::new();
        if let Some(security) = operation_security {
            operation.insert("security".to_owned(), security);
        }
        (document, operation)
    }

    #[test]
    fn an_inherited_bearer_scheme_challenges_with_bearer() {
        let (document, operation) = document(json!({"type": "http", "scheme": "bearer"}), None);
        assert_eq!(challenge(&document, &operation).as_deref(), Some("Bearer"));
    }

    #[test]
    fn a_public_operation_has_no_challenge() {
        let (document, operation) =
            document(json!({"type": "http", "scheme": "bearer"}), Some(json!([])));
        assert_eq!(challenge(&document, &operation), None);
    }

    #[test]
    fn an_api_key_has_no_challenge() {
        let (document, operation) = document(
            json!({"type": "apiKey", "in": "header", "name": "X-Key"}),
            None,
        );
        assert_eq!(challenge(&document, &operation), None);
    }

    #[test]
    fn oauth_tokens_are_bearer_tokens() {
        let (document, operation) = document(json!({"type": "oauth2", "flows": {}}), None);
        assert_eq!(challenge(&document, &operation).as_deref(), Some("Bearer"));
    }
}
