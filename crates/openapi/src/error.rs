//! What can go wrong reading a spec, and the warnings a degraded construct leaves behind.

use std::fmt;
use std::path::PathBuf;

use crate::pointer::Pointer;

/// A spec that could not be read, parsed or normalized.
#[derive(Debug, thiserror::Error)]
pub enum SpecError {
    /// The file could not be read.
    #[error("failed to read {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not valid YAML or JSON.
    #[error("{}:{line}:{column}: {message}", path.display())]
    Syntax {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// The parser's message.
        message: String,
    },
    /// The document is valid YAML/JSON but uses a construct the generator cannot express.
    #[error("{}: {problem}", location_prefix(path.as_ref(), *line))]
    Unsupported {
        /// The file, once known (normalization itself works on values).
        path: Option<PathBuf>,
        /// The line of `problem.pointer`, once known.
        line: Option<usize>,
        /// What and where.
        problem: Problem,
    },
}

impl SpecError {
    /// An unsupported construct at `pointer`, before the file is known.
    pub fn unsupported(
        pointer: &Pointer,
        construct: impl Into<String>,
        reason: impl Into<String>,
    ) -> Self {
        Self::Unsupported {
            path: None,
            line: None,
            problem: Problem {
                pointer: pointer.clone(),
                construct: construct.into(),
                detail: reason.into(),
            },
        }
    }

    /// The problem, for errors about a place in the document.
    pub fn problem(&self) -> Option<&Problem> {
        match self {
            Self::Unsupported { problem, .. } => Some(problem),
            Self::Read { .. } | Self::Syntax { .. } => None,
        }
    }

    /// Attaches the file and, through `line_of`, the line of the pointer.
    pub fn located(self, file: PathBuf, line_of: impl Fn(&str) -> Option<usize>) -> Self {
        match self {
            Self::Unsupported { problem, .. } => Self::Unsupported {
                line: line_of(problem.pointer.as_str()),
                path: Some(file),
                problem,
            },
            other => other,
        }
    }
}

fn location_prefix(path: Option<&PathBuf>, line: Option<usize>) -> String {
    match (path, line) {
        (Some(path), Some(line)) => format!("{}:{line}", path.display()),
        (Some(path), None) => path.display().to_string(),
        (None, _) => "<spec>".to_owned(),
    }
}

/// A construct at a place in the document, and what about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where.
    pub pointer: Pointer,
    /// The construct, as the spec spells it (`patternProperties`, `responses`, ...).
    pub construct: String,
    /// Why it is refused, or what was done instead.
    pub detail: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "at {}: `{}`: {}",
            self.pointer, self.construct, self.detail
        )
    }
}

/// A construct that was degraded to something the generator can express; the spec still generates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning(pub Problem);

impl Warning {
    /// A warning about `construct` at `pointer`, saying what was done.
    pub fn new(pointer: &Pointer, construct: impl Into<String>, action: impl Into<String>) -> Self {
        Self(Problem {
            pointer: pointer.clone(),
            construct: construct.into(),
            detail: action.into(),
        })
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}
