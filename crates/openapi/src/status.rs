//! The keys of a Responses Object: one definition of what is a status, shared by the normalizer
//! (which drops every other key but extensions, with a warning) and the generators.

/// Whether `key` is a specification extension (`x-...`), which may stand beside the statuses
/// of a Responses Object (and the fields of any object) without being one.
pub fn is_extension(key: &str) -> bool {
    key.starts_with("x-")
}

/// A response key: an HTTP status code, a range of them, or `default`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// One status code from 100 to 599, e.g. `404`.
    Code(u16),
    /// A range such as `4XX`: its first digit, 1 to 5.
    Range(u8),
    /// `default`.
    Default,
}

impl Status {
    /// Reads a response key: `default`, an HTTP status code (100 to 599, RFC 9110 section 15)
    /// or a range `1XX` to `5XX` (any case, as openapiv3 reads them); `None` for anything else,
    /// specification extensions (`x-...`) included.
    pub fn parse(key: &str) -> Option<Self> {
        if key == "default" {
            return Some(Self::Default);
        }
        match key.as_bytes() {
            [b'1'..=b'5', b'0'..=b'9', b'0'..=b'9'] => key.parse().ok().map(Self::Code),
            [first @ b'1'..=b'5', b'X' | b'x', b'X' | b'x'] => Some(Self::Range(first - b'0')),
            _ => None,
        }
    }

    /// Whether a response with this key is a success (2xx).
    pub fn is_success(self) -> bool {
        matches!(self, Self::Code(200..=299) | Self::Range(2))
    }

    /// Whether a response with this key reports an error (4xx or 5xx).
    pub fn is_error(self) -> bool {
        matches!(self, Self::Code(400..=599) | Self::Range(4 | 5))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_ranges_and_default_are_read() {
        assert_eq!(Status::parse("404"), Some(Status::Code(404)));
        assert_eq!(Status::parse("100"), Some(Status::Code(100)));
        assert_eq!(Status::parse("599"), Some(Status::Code(599)));
        assert_eq!(Status::parse("4XX"), Some(Status::Range(4)));
        assert_eq!(Status::parse("2xx"), Some(Status::Range(2)));
        assert_eq!(Status::parse("default"), Some(Status::Default));
    }

    #[test]
    fn anything_else_is_not_a_status() {
        for key in [
            "600", "099", "6XX", "0XX", "60", "4YY", "+20", "x-note", "Default", "2000",
        ] {
            assert_eq!(Status::parse(key), None, "{key}");
        }
    }

    #[test]
    fn successes_and_errors() {
        assert!(Status::Code(204).is_success() && Status::Range(2).is_success());
        assert!(!Status::Default.is_success() && !Status::Default.is_error());
        assert!(Status::Code(404).is_error() && Status::Range(5).is_error());
        assert!(!Status::Code(302).is_error() && !Status::Code(302).is_success());
    }
}
