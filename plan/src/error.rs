//! Data errors: bad activity data, bad factor databases, refused results.
//! Each carries the file it came from and a span, so the CLI renders it
//! with miette.

use std::fmt;
use std::sync::{Arc, OnceLock};

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
    /// A `db` factor, and no factor database at all.
    #[error("factor `{factor}` (key {key}) needs a factor database: pass --factors FILE")]
    NoFactorDatabase {
        /// Factor name.
        factor: String,
        /// The key.
        key: String,
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
    /// A negative emission outside `biogenic_removal`, `credit` and the
    /// stages reported separately.
    #[error(
        "emission `{emission}` is negative ({value} kgCO2e): only `biogenic_removal`, `credit` and stages reported separately (module `D`) may be negative"
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
    /// A gas from the data that the rule's GWP set has no value for
    /// (`co2e(gas, mass)`).
    #[error("{input}: gas `{gas}` has no GWP in the rule's set `{set}`")]
    GasNotInGwpSet {
        /// Where the gas is: the input, or the list element and its field
        /// (`releases[2].gas`, counted from 0).
        input: String,
        /// The gas.
        gas: String,
        /// The GWP set's name.
        set: String,
    },
    /// A computed emission that is NaN or infinite (a division by zero,
    /// `ln` of a value that is not positive, …).
    #[error("emission `{emission}` is not a finite number: {cause}")]
    NonFiniteEmission {
        /// Emission name.
        emission: String,
        /// What in its computation can give no number, as the plan says:
        /// "`ln` of a value that is not positive, or a division by zero?".
        cause: String,
    },
}

/// Longest text from the data quoted in a message, in characters.
pub const MAX_QUOTED: usize = 100;

fn shorten(s: &mut String) {
    if let Some((cut, _)) = s.char_indices().nth(MAX_QUOTED) {
        s.truncate(cut);
        s.push('…');
    }
}

impl DataErrorKind {
    /// Cuts every text quoted from the data to [`MAX_QUOTED`] characters,
    /// so that a message stays short whatever the data.
    fn shorten(&mut self) {
        use DataErrorKind as K;
        match self {
            K::MissingInput { input } => shorten(input),
            K::UnknownInput { input, suggestion } => {
                shorten(input);
                if let Some(s) = suggestion {
                    shorten(s);
                }
            }
            K::WrongDimension {
                input,
                unit,
                found,
                expected,
            } => {
                for s in [input, unit, found, expected] {
                    shorten(s);
                }
            }
            K::BadUnit { input, reason } => {
                shorten(input);
                // A reason quotes the unit: keep room for the words around it.
                if reason.chars().count() > 3 * MAX_QUOTED {
                    if let Some((cut, _)) = reason.char_indices().nth(3 * MAX_QUOTED) {
                        reason.truncate(cut);
                        reason.push('…');
                    }
                }
            }
            K::MalformedNumber { input, text }
            | K::NotFinite { input, text }
            | K::NegativeQuantity { input, text } => {
                shorten(input);
                shorten(text);
            }
            K::UnknownVariant { input, variant, .. } => {
                shorten(input);
                shorten(variant);
            }
            K::WrongType {
                input,
                expected,
                found,
            } => {
                for s in [input, expected, found] {
                    shorten(s);
                }
            }
            K::Syntax { reason, .. } | K::FactorDb { reason } => {
                if let Some((cut, _)) = reason.char_indices().nth(3 * MAX_QUOTED) {
                    reason.truncate(cut);
                    reason.push('…');
                }
            }
            K::MissingFactorKey {
                key, suggestion, ..
            } => {
                shorten(key);
                if let Some(s) = suggestion {
                    shorten(s);
                }
            }
            K::NoFactorDatabase { key, .. } => shorten(key),
            K::FactorDimension { unit, .. } => shorten(unit),
            K::Encoding { file, .. } => shorten(file),
            K::CellCount { .. }
            | K::NegativeEmission { .. }
            | K::NonFiniteTotal { .. }
            | K::GasNotInGwpSet { .. }
            | K::NonFiniteEmission { .. } => {}
        }
    }
}

fn list(v: &[String]) -> String {
    v.iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A source file (or one row of it, or a window of either) for rendering.
///
/// `text` is a slice of the file starting at byte `offset`, on line
/// `first_line` (0-based) and byte column `first_column`, so a batch error
/// keeps only its own row, and an error in a long line only a window
/// around it, while spans stay in file coordinates.
#[derive(Debug, Clone)]
pub struct DataSource {
    name: Arc<str>,
    text: Arc<str>,
    offset: usize,
    first_line: usize,
    first_column: usize,
    /// Offsets (in `text`) of its line starts after the first, built once
    /// when a window is first cut.
    line_starts: Arc<OnceLock<Vec<usize>>>,
}

/// Bytes of context kept on each side of an error's span when its source
/// is cut to a window.
pub const EXCERPT_CONTEXT: usize = 120;
/// Longest span a label underlines, in bytes.
pub const MAX_LABEL: usize = 80;
/// Sources longer than this are cut to a window around each error.
const WHOLE_SOURCE_MAX: usize = 4096;

fn floor_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

impl DataSource {
    /// A whole file.
    pub fn file(name: &str, text: Arc<str>) -> DataSource {
        DataSource {
            name: name.into(),
            text,
            offset: 0,
            first_line: 0,
            first_column: 0,
            line_starts: Arc::default(),
        }
    }

    /// An excerpt of a file starting at byte `offset`, line `first_line`
    /// (0-based), at the start of that line.
    pub fn excerpt(name: &str, text: &str, offset: usize, first_line: usize) -> DataSource {
        DataSource {
            name: name.into(),
            text: text.into(),
            offset,
            first_line,
            first_column: 0,
            line_starts: Arc::default(),
        }
    }

    /// The file name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The text kept.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The span clipped to this source and to [`MAX_LABEL`] bytes, on
    /// character boundaries.
    fn clip(&self, span: SourceSpan) -> SourceSpan {
        let text: &str = &self.text;
        let start = span.offset().saturating_sub(self.offset).min(text.len());
        let start = floor_boundary(text, start);
        let end = start.saturating_add(span.len().min(MAX_LABEL));
        let end = floor_boundary(text, end.min(text.len())).max(start);
        SourceSpan::new((start + self.offset).into(), end - start)
    }

    /// A window of at most about `2 × EXCERPT_CONTEXT + MAX_LABEL` bytes
    /// around `span` (already clipped), within its line, or `self` when it
    /// is short.
    fn window(&self, span: SourceSpan) -> DataSource {
        let text: &str = &self.text;
        if text.len() <= WHOLE_SOURCE_MAX {
            return self.clone();
        }
        let start = span.offset() - self.offset;
        let end = start + span.len();
        let lo = floor_boundary(text, start.saturating_sub(EXCERPT_CONTEXT));
        let a = text[lo..start].rfind('\n').map_or(lo, |p| lo + p + 1);
        let hi = ceil_boundary(text, end.saturating_add(EXCERPT_CONTEXT));
        let b = text[end..hi].find('\n').map_or(hi, |p| end + p);
        let starts = self.line_starts.get_or_init(|| {
            text.bytes()
                .enumerate()
                .filter(|(_, c)| *c == b'\n')
                .map(|(i, _)| i + 1)
                .collect()
        });
        // Line of `a` (0-based within `text`) and where that line starts.
        let k = starts.partition_point(|s| *s <= a);
        let line_start = if k == 0 { 0 } else { starts[k - 1] };
        let first_column = if k == 0 {
            self.first_column + a
        } else {
            a - line_start
        };
        DataSource {
            name: self.name.clone(),
            text: text[a..b].into(),
            offset: self.offset + a,
            first_line: self.first_line + k,
            first_column,
            line_starts: Arc::default(),
        }
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
        // Columns on the first line of a window count from the line's start.
        let column = if c.line() == 0 {
            c.column() + self.first_column
        } else {
            c.column()
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.to_string(),
            data,
            cspan,
            c.line() + self.first_line,
            column,
            c.line_count(),
        )))
    }
}

/// One data error.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{}{kind}", .location.as_ref().map(|l| format!("{l}: ")).unwrap_or_default())]
pub struct DataError {
    /// What is wrong.
    pub kind: DataErrorKind,
    /// Where, if it came from a file.
    pub location: Option<Location>,
    /// The file, for rendering.
    pub src: Option<DataSource>,
    /// The offending text.
    pub span: Option<SourceSpan>,
    /// Label text.
    pub label: String,
    /// Help, e.g. "did you mean".
    pub help: Option<String>,
}

/// Rendered with its registered code (`D0101`), so `pcr explain` can be
/// asked about it; the file, the label under the span, and the help.
impl miette::Diagnostic for DataError {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.kind.code()))
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.src.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        let span = self.span?;
        let label = miette::LabeledSpan::new_with_span(Some(self.label.clone()), span);
        Some(Box::new(std::iter::once(label)))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display + 'a>)
    }
}

impl DataError {
    /// An error without a location.
    pub fn new(mut kind: DataErrorKind) -> DataError {
        kind.shorten();
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
        // Bounded rendering: a label of at most `MAX_LABEL` bytes and a
        // source of at most a window around it, whatever the line length.
        let span = source.clip(span);
        self.location = Some(location);
        self.src = Some(source.window(span));
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
            | K::GasNotInGwpSet { input, .. }
            | K::WrongType { input, .. } => Some(input),
            K::MissingFactorKey { factor, .. }
            | K::NoFactorDatabase { factor, .. }
            | K::FactorDimension { factor, .. } => Some(factor),
            K::NegativeEmission { emission, .. } | K::NonFiniteEmission { emission, .. } => {
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
        K::MissingFactorKey { .. } | K::NoFactorDatabase { .. } => "unknown key".into(),
        K::FactorDimension { expected, .. } => format!("expected a unit of {expected}"),
        K::FactorDb { .. } => "here".into(),
        K::NegativeEmission { .. } => "negative emission".into(),
        K::GasNotInGwpSet { set, .. } => format!("not in GWP set `{set}`"),
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

/// Every data error of one run: at most [`DataErrors::MAX_KEPT`] are kept
/// (the others are counted), at most [`DataErrors::MAX_SHOWN`] are rendered,
/// then "… and N more errors".
#[derive(Debug, Clone, thiserror::Error)]
#[error("{} in the data", count(.errors.len() + .omitted))]
pub struct DataErrors {
    /// The errors, in file order.
    pub errors: Vec<DataError>,
    /// Errors found but not kept.
    pub omitted: usize,
}

fn count(n: usize) -> String {
    if n == 1 {
        "1 error".to_string()
    } else {
        format!("{n} errors")
    }
}

impl miette::Diagnostic for DataErrors {
    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        Some(Box::new(
            self.errors
                .iter()
                .take(DataErrors::MAX_SHOWN)
                .map(|e| e as &dyn miette::Diagnostic),
        ))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        let more = self.not_shown();
        (more > 0).then(|| {
            Box::new(format!(
                "… and {} more {}",
                more,
                if more == 1 { "error" } else { "errors" }
            )) as Box<dyn fmt::Display>
        })
    }
}

impl DataErrors {
    /// Errors kept; further ones are only counted.
    pub const MAX_KEPT: usize = 1000;
    /// Errors rendered; the rest are summed up in one line.
    pub const MAX_SHOWN: usize = 20;

    /// No errors yet.
    pub fn new() -> DataErrors {
        DataErrors {
            errors: Vec::new(),
            omitted: 0,
        }
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.errors.is_empty() && self.omitted == 0
    }

    /// Whether a further error would only be counted.
    pub fn is_full(&self) -> bool {
        self.errors.len() >= DataErrors::MAX_KEPT
    }

    /// Adds one (or counts it, past [`DataErrors::MAX_KEPT`]).
    pub fn push(&mut self, e: DataError) {
        if self.is_full() {
            self.omitted += 1;
        } else {
            self.errors.push(e);
        }
    }

    /// Errors found but not rendered.
    pub fn not_shown(&self) -> usize {
        self.errors.len().saturating_sub(DataErrors::MAX_SHOWN) + self.omitted
    }

    /// `Ok(v)` when empty.
    pub fn into_result<T>(self, v: T) -> Result<T, DataErrors> {
        if self.is_empty() {
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
        DataErrors {
            errors: vec![e],
            omitted: 0,
        }
    }
}

/// 1-based line and column (in characters) of byte `offset` in `text`.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    LineLocator::new(text).locate(offset)
}

/// Line and column of byte offsets of one text, computed incrementally:
/// locating increasing offsets costs one pass over the text in all.
#[derive(Debug, Clone)]
pub struct LineLocator<'t> {
    text: &'t str,
    at: usize,
    line: usize,
    column: usize,
}

impl<'t> LineLocator<'t> {
    /// A locator at the start of `text`.
    pub fn new(text: &'t str) -> LineLocator<'t> {
        LineLocator {
            text,
            at: 0,
            line: 1,
            column: 0,
        }
    }

    /// 1-based line and column (in characters; a leading byte-order mark
    /// is no column) of byte `offset`.
    pub fn locate(&mut self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        if offset < self.at {
            *self = LineLocator::new(self.text);
        }
        for b in &self.text.as_bytes()[self.at..offset] {
            if *b == b'\n' {
                self.line += 1;
                self.column = 0;
            } else if (*b & 0xC0) != 0x80 {
                self.column += 1;
            }
        }
        self.at = offset;
        let bom = usize::from(self.line == 1 && offset >= 3 && self.text.starts_with('\u{feff}'));
        (self.line, self.column - bom + 1)
    }
}
