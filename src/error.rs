//! One error type for everything that stops a run; every variant exits with code 2.

use std::fmt;

/// Where in a user's file a problem is, so the `error:` line lets a person find it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Location {
    pub path: String,
    /// 1-based line in the file (for rules files and line-oriented formats).
    pub line: Option<usize>,
    /// 1-based data row (header not counted), as in `_row`.
    pub row: Option<usize>,
    /// Column header or key name.
    pub column: Option<String>,
}

impl Location {
    pub fn file(path: impl Into<String>) -> Self {
        Location {
            path: path.into(),
            ..Location::default()
        }
    }
    pub fn line(mut self, line: usize) -> Self {
        self.line = Some(line);
        self
    }
    pub fn row(mut self, row: usize) -> Self {
        self.row = Some(row);
        self
    }
    pub fn column(mut self, column: impl Into<String>) -> Self {
        self.column = Some(column.into());
        self
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path)?;
        if let Some(line) = self.line {
            write!(f, ": line {line}")?;
        }
        if let Some(row) = self.row {
            write!(f, ": row {row}")?;
        }
        if let Some(column) = &self.column {
            write!(f, ": column '{column}'")?;
        }
        Ok(())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad command-line arguments beyond what clap catches.
    #[error("{0}")]
    Usage(String),
    /// An input data file is missing, unreadable or malformed.
    #[error("{at}: {message}")]
    Input { at: Location, message: String },
    /// The rules file is invalid.
    #[error("{at}: {message}")]
    Rules { at: Location, message: String },
    /// Writing outputs failed.
    #[error("cannot write {path}: {message}")]
    Output { path: String, message: String },
    /// A failure inside the data engine; names the step so it can be reported.
    #[error("internal error during {step}: {message}")]
    Internal { step: String, message: String },
}

impl Error {
    pub fn input(at: Location, message: impl Into<String>) -> Self {
        Error::Input {
            at,
            message: message.into(),
        }
    }
    pub fn rules(at: Location, message: impl Into<String>) -> Self {
        Error::Rules {
            at,
            message: message.into(),
        }
    }
    pub fn output(path: impl fmt::Display, err: impl fmt::Display) -> Self {
        Error::Output {
            path: path.to_string(),
            message: err.to_string(),
        }
    }
    pub fn internal(step: &str, err: impl fmt::Display) -> Self {
        Error::Internal {
            step: step.to_string(),
            message: err.to_string(),
        }
    }

    /// Like [`Error::internal`], keeping the error's cause chain (tera nests the useful part).
    pub fn internal_chain(step: &str, err: &dyn std::error::Error) -> Self {
        let mut message = err.to_string();
        let mut cause = err.source();
        while let Some(c) = cause {
            message.push_str(": ");
            message.push_str(&c.to_string());
            cause = c.source();
        }
        Error::internal(step, message.replace('\n', " "))
    }

    /// Process exit code for this error (SPEC: 2 = could not run).
    pub fn exit_code(&self) -> i32 {
        2
    }
}

pub type Result<T> = std::result::Result<T, Error>;

/// Wraps a polars error with the pipeline step it happened in.
pub trait PolarsContext<T> {
    fn step(self, step: &str) -> Result<T>;
}

impl<T> PolarsContext<T> for polars::prelude::PolarsResult<T> {
    fn step(self, step: &str) -> Result<T> {
        self.map_err(|e| Error::internal(step, e))
    }
}
