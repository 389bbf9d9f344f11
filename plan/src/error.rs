//! Data errors: bad activity data, bad factor databases, refused results.
//! Each carries the file it came from and a span, so the CLI renders it
//! with miette.

use std::fmt;
use std::sync::Arc;

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

/// Where a data error was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A position in a JSON file (1-based line and column, in characters).
    Line {
        /// Line.
        line: usize,
        /// Column.
        column: usize,
    },
    /// A cell of a CSV file (1-based; the header is row 1).
    Cell {
        /// Row.
        row: usize,
        /// Column.
        column: usize,
    },
    /// A whole CSV row (1-based; the header is row 1).
    Row {
        /// Row.
        row: usize,
    },
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Line { line, column } => write!(f, "line {line}, column {column}"),
            Location::Cell { row, column } => write!(f, "row {row}, column {column}"),
            Location::Row { row } => write!(f, "row {row}"),
        }
    }
}

/// What is wrong. Messages are lowercase, without a final period.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DataErrorKind {
    /// A required input is absent.
    #[error("missing required input `{input}`")]
    MissingInput {
        /// Input name.
        input: String,
    },
    /// A member or column that is no input of the rule.
    #[error("unknown input `{input}`")]
    UnknownInput {
        /// The name found.
        input: String,
        /// A close input name.
        suggestion: Option<String>,
    },
    /// A unit of the wrong dimension.
    #[error("input `{input}`: unit `{unit}` is {found}, expected {expected}")]
    WrongDimension {
        /// Input (or `input.field`).
        input: String,
        /// The unit found.
        unit: String,
        /// Its dimension.
        found: String,
        /// The input's dimension.
        expected: String,
    },
    /// A unit that cannot be read.
    #[error("input `{input}`: {reason}")]
    BadUnit {
        /// Input.
        input: String,
        /// The unit parser's message.
        reason: String,
    },
    /// A number that cannot be read.
    #[error("input `{input}`: malformed number `{text}`")]
    MalformedNumber {
        /// Input.
        input: String,
        /// The text.
        text: String,
    },
    /// NaN or infinity.
    #[error("input `{input}`: `{text}` is not a finite number")]
    NotFinite {
        /// Input.
        input: String,
        /// The text.
        text: String,
    },
    /// A negative quantity.
    #[error("input `{input}`: negative quantity `{text}`")]
    NegativeQuantity {
        /// Input.
        input: String,
        /// The text.
        text: String,
    },
    /// An enum value that is no variant.
    #[error("input `{input}`: unknown variant `{variant}` of `{enum_name}`, expected one of {}", list(.variants))]
    UnknownVariant {
        /// Input.
        input: String,
        /// The value found.
        variant: String,
        /// Enum name.
        enum_name: String,
        /// Its variants.
        variants: Vec<String>,
    },
    /// A JSON value of the wrong kind.
    #[error("input `{input}`: expected {expected}, found {found}")]
    WrongType {
        /// Input.
        input: String,
        /// What was expected.
        expected: String,
        /// What was found.
        found: String,
    },
    /// Unparseable JSON or CSV.
    #[error("malformed {format}: {reason}")]
    Syntax {
        /// `JSON` or `CSV`.
        format: String,
        /// Why.
        reason: String,
    },
    /// Bytes that are not UTF-8.
    #[error("`{file}` is not valid UTF-8 at byte {offset}")]
    Encoding {
        /// The file.
        file: String,
        /// Byte offset of the first invalid byte.
        offset: usize,
    },
    /// A CSV row with fewer or more cells than the header has columns.
    #[error("the row has {cells} cells, the header has {columns} columns")]
    CellCount {
        /// Cells in the row.
        cells: usize,
        /// Columns of the header.
        columns: usize,
    },
    /// A `db` factor whose key the database lacks.
    #[error("factor `{factor}`: key `{key}` not found in the factor database")]
    MissingFactorKey {
        /// Factor name.
        factor: String,
        /// The key.
        key: String,
        /// A close key.
        suggestion: Option<String>,
    },
    /// A database unit of the wrong dimension.
    #[error("factor `{factor}`: database unit `{unit}` is {found}, expected {expected}")]
    FactorDimension {
        /// Factor name.
        factor: String,
        /// Unit in the database.
        unit: String,
        /// Its dimension.
        found: String,
        /// The factor's dimension.
        expected: String,
    },
    /// A database problem: missing column, malformed value, unknown unit.
    #[error("factor database: {reason}")]
    FactorDb {
        /// Why.
        reason: String,
    },
    /// A negative emission outside `biogenic_removal`.
    #[error(
        "emission `{emission}` is negative ({value} kgCO2e) outside category `biogenic_removal`"
    )]
    NegativeEmission {
        /// Emission name.
        emission: String,
        /// Reported value.
        value: f64,
    },
    /// A stage, category or footprint total (or the primary data share)
    /// that is not finite although every emission is: the sum overflows.
    #[error("the {total} is not a finite number: the sum of the emissions overflows")]
    NonFiniteTotal {
        /// What overflowed: `footprint`, ``stage `production` ``,
        /// ``category `fossil` `` or `primary data share`.
        total: String,
    },
    /// A computed emission that is NaN or infinite (a division by zero).
    #[error("emission `{emission}` is not a finite number (a division by zero?)")]
    NonFiniteEmission {
        /// Emission name.
        emission: String,
    },
}

fn list(v: &[String]) -> String {
    v.iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A source file (or one row of it) for rendering.
///
/// `text` is a slice of the file starting at byte `offset` and line
/// `first_line` (0-based), so a batch error keeps only its own row while
/// spans stay in file coordinates.
#[derive(Debug, Clone)]
pub struct DataSource {
    name: Arc<str>,
    text: Arc<str>,
    offset: usize,
    first_line: usize,
}

impl DataSource {
    /// A whole file.
    pub fn file(name: &str, text: Arc<str>) -> DataSource {
        DataSource {
            name: name.into(),
            text,
            offset: 0,
            first_line: 0,
        }
    }

    /// An excerpt of a file starting at byte `offset`, line `first_line` (0-based).
    pub fn excerpt(name: &str, text: &str, offset: usize, first_line: usize) -> DataSource {
        DataSource {
            name: name.into(),
            text: text.into(),
            offset,
            first_line,
        }
    }

    /// The file name.
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl SourceCode for DataSource {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let start = span
            .offset()
            .checked_sub(self.offset)
            .ok_or(MietteError::OutOfBounds)?;
        let local = SourceSpan::new(start.into(), span.len());
        let c = self.text.as_ref().read_span(&local, before, after)?;
        let data = c.data();
        let cspan = SourceSpan::new((c.span().offset() + self.offset).into(), c.span().len());
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.to_string(),
            data,
            cspan,
            c.line() + self.first_line,
            c.column(),
            c.line_count(),
        )))
    }
}

/// One data error.
#[derive(Debug, Clone, thiserror::Error, miette::Diagnostic)]
#[error("{}{kind}", .location.as_ref().map(|l| format!("{l}: ")).unwrap_or_default())]
pub struct DataError {
    /// What is wrong.
    pub kind: DataErrorKind,
    /// Where, if it came from a file.
    pub location: Option<Location>,
    /// The file, for rendering.
    #[source_code]
    pub src: Option<DataSource>,
    /// The offending text.
    #[label("{label}")]
    pub span: Option<SourceSpan>,
    /// Label text.
    pub label: String,
    /// Help, e.g. "did you mean".
    #[help]
    pub help: Option<String>,
}

impl DataError {
    /// An error without a location.
    pub fn new(kind: DataErrorKind) -> DataError {
        let help = default_help(&kind);
        DataError {
            kind,
            location: None,
            src: None,
            span: None,
            label: String::new(),
            help,
        }
    }

    /// Attaches a location, file and span.
    pub fn at(
        mut self,
        location: Location,
        source: DataSource,
        span: SourceSpan,
        label: &str,
    ) -> DataError {
        self.location = Some(location);
        self.src = Some(source);
        self.span = Some(span);
        self.label = if label.is_empty() {
            default_label(&self.kind)
        } else {
            label.to_string()
        };
        self
    }

    /// The input (or factor, or emission) the error names, if any.
    pub fn subject(&self) -> Option<&str> {
        use DataErrorKind as K;
        match &self.kind {
            K::MissingInput { input }
            | K::UnknownInput { input, .. }
            | K::WrongDimension { input, .. }
            | K::BadUnit { input, .. }
            | K::MalformedNumber { input, .. }
            | K::NotFinite { input, .. }
            | K::NegativeQuantity { input, .. }
            | K::UnknownVariant { input, .. }
            | K::WrongType { input, .. } => Some(input),
            K::MissingFactorKey { factor, .. } | K::FactorDimension { factor, .. } => Some(factor),
            K::NegativeEmission { emission, .. } | K::NonFiniteEmission { emission } => {
                Some(emission)
            }
            K::Syntax { .. }
            | K::FactorDb { .. }
            | K::CellCount { .. }
            | K::NonFiniteTotal { .. }
            | K::Encoding { .. } => None,
        }
    }
}

fn default_label(kind: &DataErrorKind) -> String {
    use DataErrorKind as K;
    match kind {
        K::MissingInput { input } => format!("`{input}` is missing here"),
        K::UnknownInput { .. } => "not an input of this rule".into(),
        K::WrongDimension { expected, .. } => format!("expected a unit of {expected}"),
        K::BadUnit { .. } => "unreadable unit".into(),
        K::MalformedNumber { .. } => "not a number".into(),
        K::NotFinite { .. } => "not finite".into(),
        K::NegativeQuantity { .. } => "negative".into(),
        K::UnknownVariant { .. } => "not a variant".into(),
        K::WrongType { expected, .. } => format!("expected {expected}"),
        K::Syntax { .. } => "here".into(),
        K::Encoding { .. } => "not UTF-8".into(),
        K::CellCount { cells, columns } if cells < columns => "the row ends here".into(),
        K::CellCount { .. } => "a cell without a column".into(),
        K::MissingFactorKey { .. } => "unknown key".into(),
        K::FactorDimension { expected, .. } => format!("expected a unit of {expected}"),
        K::FactorDb { .. } => "here".into(),
        K::NegativeEmission { .. } => "negative emission".into(),
        K::NonFiniteEmission { .. } | K::NonFiniteTotal { .. } => "not finite".into(),
    }
}

fn default_help(kind: &DataErrorKind) -> Option<String> {
    match kind {
        DataErrorKind::UnknownInput {
            suggestion: Some(s),
            ..
        }
        | DataErrorKind::MissingFactorKey {
            suggestion: Some(s),
            ..
        } => Some(format!("did you mean `{s}`?")),
        _ => None,
    }
}

/// Every data error of one run.
#[derive(Debug, Clone, thiserror::Error, miette::Diagnostic)]
#[error("{} in the data", count(.errors.len()))]
pub struct DataErrors {
    /// The errors, in file order.
    #[related]
    pub errors: Vec<DataError>,
}

fn count(n: usize) -> String {
    if n == 1 {
        "1 error".to_string()
    } else {
        format!("{n} errors")
    }
}

impl DataErrors {
    /// No errors yet.
    pub fn new() -> DataErrors {
        DataErrors { errors: Vec::new() }
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// Adds one.
    pub fn push(&mut self, e: DataError) {
        self.errors.push(e);
    }

    /// `Ok(v)` when empty.
    pub fn into_result<T>(self, v: T) -> Result<T, DataErrors> {
        if self.errors.is_empty() {
            Ok(v)
        } else {
            Err(self)
        }
    }
}

impl Default for DataErrors {
    fn default() -> Self {
        DataErrors::new()
    }
}

impl From<DataError> for DataErrors {
    fn from(e: DataError) -> Self {
        DataErrors { errors: vec![e] }
    }
}

/// 1-based line and column (in characters) of byte `offset` in `text`.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text.as_bytes()[..offset];
    let line = before.iter().filter(|b| **b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |p| p + 1);
    // Characters are counted as the bytes that do not continue one; a
    // leading byte-order mark is no column.
    let bom = usize::from(line_start == 0 && text.starts_with('\u{feff}') && offset >= 3);
    let column = before[line_start..]
        .iter()
        .filter(|b| (**b & 0xC0) != 0x80)
        .count()
        - bom
        + 1;
    (line, column)
}
