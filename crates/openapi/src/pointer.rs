//! JSON pointers (RFC 6901): how every diagnostic names the place in a document it is about.

use std::fmt;

/// An RFC 6901 JSON pointer, built one reference token at a time.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pointer(String);

impl Pointer {
    /// The pointer to the whole document (the empty string).
    pub fn root() -> Self {
        Self(String::new())
    }

    /// Parses an already escaped pointer such as `/paths/~1pets/get`.
    pub fn parse(text: &str) -> Self {
        Self(text.to_owned())
    }

    /// This pointer extended by an object key.
    pub fn key(&self, key: &str) -> Self {
        let mut text = String::with_capacity(self.0.len() + key.len() + 1);
        text.push_str(&self.0);
        text.push('/');
        for c in key.chars() {
            match c {
                '~' => text.push_str("~0"),
                '/' => text.push_str("~1"),
                c => text.push(c),
            }
        }
        Self(text)
    }

    /// This pointer extended by an array index.
    pub fn index(&self, index: usize) -> Self {
        Self(format!("{}/{index}", self.0))
    }

    /// The escaped pointer text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The unescaped reference tokens.
    pub fn tokens(&self) -> impl Iterator<Item = String> + '_ {
        self.0
            .split('/')
            .skip(1)
            .map(|token| token.replace("~1", "/").replace("~0", "~"))
    }
}

impl fmt::Display for Pointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            f.write_str("/")
        } else {
            f.write_str(&self.0)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_escaped_and_tokens_unescaped() {
        let pointer = Pointer::root().key("paths").key("/v1/a~b").index(2);
        assert_eq!(pointer.as_str(), "/paths/~1v1~1a~0b/2");
        assert_eq!(
            pointer.tokens().collect::<Vec<_>>(),
            ["paths", "/v1/a~b", "2"]
        );
    }
}
