//! Batch evaluation: CSV in; CSV, JSON lines or one JSON array out,
//! streaming in chunks so memory stays constant in the number of rows.
//! The calling thread reads
//! and parses chunks while a second thread evaluates and formats the one
//! before; output lines and errors come out in row order all the same.
//!
//! Input: one product per row, one column per input. A header may carry a
//! unit, `electricity [MWh]`: bare numbers in that column are in that unit;
//! a cell may also carry its own unit (`"450 MWh"`). An `id` column is copied
//! to the output. An empty cell means "not given" (the rule default, or an
//! error for a required input). A list input takes a JSON array of objects
//! in its cell, e.g. `"[{""name"": ""ore"", ""mass"": ""1600 t"", ""ef"": 0.02}]"`.
//! Text inputs are accepted and ignored.
//!
//! Output: rows with a data error are withheld (never a number); every
//! error is returned in [`BatchSummary::errors`] with its row and column
//! (the first [`BatchOptions::max_errors`], the rest counted).

use std::io::{self, BufRead, IsTerminal, Write};
use std::sync::mpsc;
use std::time::Instant;

use miette::SourceSpan;

use crate::columns::InputColumns;
use crate::data::suggest_within;
use crate::data::{cell_value, json_list};
use crate::dimension::{Dimension, UnitValue};
use crate::error::{DataError, DataErrorKind, DataErrors, DataSource, Location};
use crate::eval::Evaluator;
use crate::format::{InputKind, Plan};
use crate::json;
use crate::record::{InvalidUtf8, Record, RecordReader};
use crate::result::Provenance;

/// Output format of a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    /// CSV: `id` (if the input has one), `footprint`, then `stage.NAME` per
    /// stage with emissions, `category.NAME` per category with emissions in
    /// the footprint, `emission.NAME` per emission and `result.NAME` per
    /// result, then `grade` (if the rule has grades), `primary_data_share`.
    Csv,
    /// One JSON result object per line (the single-product result, plus `id`).
    Jsonl,
    /// One JSON document: an array of the result objects of `Jsonl`.
    Json,
}

/// Options of [`run_csv`].
#[derive(Debug, Clone)]
pub struct BatchOptions {
    /// Output format.
    pub format: OutputFormat,
    /// Rows per chunk (default 4096).
    pub chunk_rows: usize,
    /// Print a progress line on stderr (only when stderr is a terminal and
    /// the batch runs longer than a second).
    pub progress: bool,
    /// Provenance added to every JSON line.
    pub provenance: Option<Provenance>,
    /// Errors kept in the summary; further ones are only counted.
    pub max_errors: usize,
}

impl Default for BatchOptions {
    fn default() -> Self {
        BatchOptions {
            format: OutputFormat::Csv,
            chunk_rows: 4096,
            progress: false,
            provenance: None,
            max_errors: 1000,
        }
    }
}

/// What a batch run did.
#[derive(Debug)]
pub struct BatchSummary {
    /// Data rows read.
    pub rows: usize,
    /// Rows with a result written.
    pub written: usize,
    /// Rows withheld because of data errors.
    pub failed: usize,
    /// The errors (at most `max_errors`, at most [`DataErrors::MAX_KEPT`];
    /// its `omitted` counts the others).
    pub errors: DataErrors,
    /// Errors not kept.
    pub errors_omitted: usize,
}

/// A batch that could not run at all.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum BatchError {
    /// Reading or writing failed.
    #[error("i/o error: {0}")]
    Io(#[from] io::Error),
    /// The header, or the factors, are unusable.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Data(#[from] DataErrors),
}

#[derive(Debug)]
struct Column {
    input: usize,
    unit: Option<UnitValue>,
}

struct Header {
    id: Option<usize>,
    columns: Vec<Option<Column>>,
}

fn parse_header(plan: &Plan, rec: &Record, src: &DataSource) -> Result<Header, DataErrors> {
    let mut errors = DataErrors::new();
    let mut id = None;
    let mut columns = Vec::with_capacity(rec.fields.len());
    let mut seen = vec![false; plan.inputs.len()];
    let mut suggestions = DataErrors::MAX_KEPT;
    for c in 0..rec.fields.len() {
        let text = rec.field(c);
        let (o, l) = rec.span(c);
        let err = |kind: DataErrorKind| {
            DataError::new(kind).at(
                Location::Cell {
                    row: 1,
                    column: c + 1,
                },
                src.clone(),
                SourceSpan::new(o.into(), l),
                "",
            )
        };
        let (name, unit) = match text.find('[') {
            Some(p) if text.ends_with(']') => {
                (text[..p].trim(), Some(text[p + 1..text.len() - 1].trim()))
            }
            _ => (text.trim(), None),
        };
        if name.eq_ignore_ascii_case("id") && unit.is_none() {
            id = Some(c);
            columns.push(None);
            continue;
        }
        let Some(i) = plan.input_index(name) else {
            let suggestion = suggest_within(
                &mut suggestions,
                name,
                plan.inputs.iter().map(|i| i.name.as_str()),
            );
            errors.push(err(DataErrorKind::UnknownInput {
                input: name.into(),
                suggestion,
            }));
            columns.push(None);
            continue;
        };
        if seen[i] {
            errors.push(err(DataErrorKind::Syntax {
                format: "CSV".into(),
                reason: format!("duplicate column for input `{name}`"),
            }));
            columns.push(None);
            continue;
        }
        seen[i] = true;
        let input = &plan.inputs[i];
        let unit = match unit {
            None => None,
            Some(u) => {
                let expected = match &input.kind {
                    InputKind::Quantity { dimension, .. } => Some(dimension.clone()),
                    InputKind::Ratio => Some(Dimension::none()),
                    _ => None,
                };
                let Some(expected) = expected else {
                    errors.push(err(DataErrorKind::BadUnit {
                        input: name.into(),
                        reason: format!(
                            "a column of kind {} takes no unit",
                            kind_name(&input.kind)
                        ),
                    }));
                    columns.push(None);
                    continue;
                };
                match plan.units.parse(u) {
                    Err(e) => {
                        errors.push(err(DataErrorKind::BadUnit {
                            input: name.into(),
                            reason: e.to_string(),
                        }));
                        columns.push(None);
                        continue;
                    }
                    Ok(uv) if uv.dimension != expected => {
                        errors.push(err(DataErrorKind::WrongDimension {
                            input: name.into(),
                            unit: u.into(),
                            found: uv.dimension.to_string(),
                            expected: expected.to_string(),
                        }));
                        columns.push(None);
                        continue;
                    }
                    Ok(uv) => Some(uv),
                }
            }
        };
        columns.push(Some(Column { input: i, unit }));
    }
    for (i, input) in plan.inputs.iter().enumerate() {
        if !seen[i] && input.required() && !matches!(input.kind, InputKind::Text) {
            errors.push(
                DataError::new(DataErrorKind::MissingInput {
                    input: input.name.clone(),
                })
                .at(
                    Location::Cell {
                        row: 1,
                        column: rec.fields.len() + 1,
                    },
                    src.clone(),
                    SourceSpan::new(rec.offset.into(), rec.raw.len()),
                    &format!("no column `{}` in this header", input.name),
                ),
            );
        }
    }
    errors.into_result(Header { id, columns })
}

fn kind_name(k: &InputKind) -> &'static str {
    match k {
        InputKind::Quantity { .. } => "quantity",
        InputKind::Ratio => "ratio",
        InputKind::Bool => "bool",
        InputKind::Text => "text",
        InputKind::Enum { .. } => "enum",
        InputKind::List { .. } => "list",
    }
}

struct Errors {
    kept: DataErrors,
    omitted: usize,
    max: usize,
}

impl Errors {
    fn push(&mut self, e: impl FnOnce() -> DataError) {
        if self.kept.errors.len() < self.max {
            self.kept.push(e());
        } else {
            self.omitted += 1;
        }
    }
}

/// Reads one data row into `cols`.
fn read_row(
    plan: &Plan,
    header: &Header,
    rec: &Record,
    row: usize,
    file: &str,
    cols: &mut InputColumns,
    errors: &mut Errors,
) {
    cols.start_row();
    let mut bad = false;
    let mut src: Option<DataSource> = None;
    let (cells, columns) = (rec.fields.len(), header.columns.len());
    if cells != columns {
        // Never fill the missing cells with defaults, never drop extra ones.
        let c = cells.min(columns);
        // Underline the first extra cell, or the last cell of a short row.
        let (o, l) = rec.span(if cells < columns {
            cells.saturating_sub(1)
        } else {
            c
        });
        errors.push(|| {
            DataError::new(DataErrorKind::CellCount { cells, columns }).at(
                Location::Cell { row, column: c + 1 },
                DataSource::excerpt(file, &rec.raw, rec.offset, rec.line),
                SourceSpan::new(o.into(), l),
                "",
            )
        });
        cols.finish_row();
        cols.mark_bad();
        return;
    }
    for (c, col) in header.columns.iter().enumerate() {
        let Some(col) = col else { continue };
        let input = &plan.inputs[col.input];
        let text = rec.field(c);
        let mut report = |kind: DataErrorKind, o: usize, l: usize| {
            bad = true;
            let s = src
                .get_or_insert_with(|| DataSource::excerpt(file, &rec.raw, rec.offset, rec.line))
                .clone();
            errors.push(|| {
                DataError::new(kind).at(
                    Location::Cell { row, column: c + 1 },
                    s,
                    SourceSpan::new(o.into(), l),
                    "",
                )
            });
        };
        let (o, l) = rec.span(c);
        if text.is_empty() {
            if input.required() && !matches!(input.kind, InputKind::Text) {
                report(
                    DataErrorKind::MissingInput {
                        input: input.name.clone(),
                    },
                    o,
                    l,
                );
            }
            continue;
        }
        match &input.kind {
            InputKind::Text => {}
            InputKind::List { fields } => {
                // Offsets inside the cell map to the file approximately (quotes are undone).
                let base = o + usize::from(rec.raw[o - rec.offset..].starts_with('"'));
                match json::parse(&text) {
                    Err(e) => report(
                        DataErrorKind::Syntax {
                            format: "JSON in CSV cell".into(),
                            reason: format!("input `{}`: {}", input.name, e.reason),
                        },
                        o,
                        l,
                    ),
                    Ok(v) => {
                        let mut cell_report = |k: DataErrorKind, a: usize, b: usize| {
                            let (a, b) = ((base + a).min(o + l), (base + b).min(o + l));
                            report(k, a, b.saturating_sub(a));
                        };
                        json_list(
                            &plan.units,
                            col.input,
                            &input.name,
                            fields,
                            &v,
                            cols,
                            &mut cell_report,
                        );
                    }
                }
            }
            kind => match cell_value(&plan.units, kind, &input.name, col.unit.as_ref(), &text) {
                Ok(x) => cols.set(col.input, x),
                Err(k) => report(k, o, l),
            },
        }
    }
    cols.finish_row();
    if bad {
        cols.mark_bad();
    }
}

struct Writer {
    prefix: Vec<u8>,
    suffix: Vec<u8>,
    stage_keys: Vec<Vec<u8>>,
    category_keys: Vec<(usize, Vec<u8>)>,
    emission_keys: Vec<Vec<u8>>,
    /// Per result: `"NAME":{"value":` and `,"unit":"UNIT"}`.
    result_keys: Vec<(Vec<u8>, Vec<u8>)>,
}

fn num(buf: &mut Vec<u8>, x: f64) {
    // 15 significant digits, shortest form; integers keep a `.0`-free form.
    crate::number::write_number(buf, x);
}

fn csv_text(buf: &mut Vec<u8>, s: &str) {
    if s.contains([',', '"', '\n', '\r']) {
        buf.push(b'"');
        buf.extend_from_slice(s.replace('"', "\"\"").as_bytes());
        buf.push(b'"');
    } else {
        buf.extend_from_slice(s.as_bytes());
    }
}

fn json_str(s: &str) -> Vec<u8> {
    serde_json::to_vec(s).unwrap_or_else(|_| b"\"\"".to_vec())
}

/// Rows read and parsed, on their way to the evaluating thread.
struct Chunk {
    cols: InputColumns,
    ids: String,
    id_ends: Vec<usize>,
    row_numbers: Vec<usize>,
    /// The errors found reading these rows, added to the summary in order.
    read_errors: Errors,
}

impl Chunk {
    fn new(plan: &Plan, rows: usize) -> Chunk {
        Chunk {
            cols: InputColumns::new(plan),
            ids: String::new(),
            id_ends: Vec::with_capacity(rows),
            row_numbers: Vec::with_capacity(rows),
            read_errors: Errors {
                kept: DataErrors::new(),
                omitted: 0,
                max: 0,
            },
        }
    }

    /// Empty, keeping the buffers; at most `max_errors` errors are kept.
    fn clear(&mut self, max_errors: usize) {
        self.cols.clear();
        self.ids.clear();
        self.id_ends.clear();
        self.row_numbers.clear();
        self.read_errors = Errors {
            kept: DataErrors::new(),
            omitted: 0,
            max: max_errors,
        };
    }
}

/// A chunk evaluated: its output lines and what went wrong.
struct Evaluated {
    chunk: Chunk,
    text: Vec<u8>,
    /// Refused products: (row, why).
    refused: Vec<(usize, DataErrorKind)>,
    written: usize,
    failed: usize,
}

fn worker_failed() -> BatchError {
    BatchError::Io(io::Error::other("the evaluating thread stopped"))
}

/// Evaluate a chunk and format its results (on the evaluating thread).
fn evaluate_chunk(
    evaluator: &mut Evaluator<'_>,
    w: &Writer,
    chunk: Chunk,
    has_id: bool,
    stages: &[usize],
    grade_names: &[String],
    format: OutputFormat,
) -> Evaluated {
    let has_grades = evaluator.plan().grades.is_some();
    let res = evaluator.evaluate_batch(&chunk.cols);
    let refused = res
        .errors
        .iter()
        .map(|(r, kind)| (chunk.row_numbers[*r], kind.clone()))
        .collect();
    let (mut written, mut failed) = (0, 0);
    let mut text = Vec::with_capacity(chunk.cols.rows() * 64);
    let n = chunk.cols.rows();
    for r in 0..n {
        if !res.ok[r] {
            failed += 1;
            continue;
        }
        written += 1;
        let id = if has_id {
            let a = if r == 0 { 0 } else { chunk.id_ends[r - 1] };
            Some(&chunk.ids[a..chunk.id_ends[r]])
        } else {
            None
        };
        match format {
            OutputFormat::Csv => {
                if let Some(id) = id {
                    csv_text(&mut text, id);
                    text.push(b',');
                }
                num(&mut text, res.footprint[r]);
                for s in stages {
                    text.push(b',');
                    num(&mut text, res.stages[*s][r]);
                }
                for (c, _) in &w.category_keys {
                    text.push(b',');
                    num(&mut text, res.categories[*c][r]);
                }
                for e in &res.emissions {
                    text.push(b',');
                    num(&mut text, e[r]);
                }
                for x in &res.results {
                    text.push(b',');
                    num(&mut text, x[r]);
                }
                if has_grades {
                    text.push(b',');
                    csv_text(&mut text, &grade_names[res.grade[r]]);
                }
                text.push(b',');
                num(&mut text, res.primary_data_share[r]);
                text.push(b'\n');
            }
            OutputFormat::Jsonl | OutputFormat::Json => {
                if format == OutputFormat::Json {
                    // Every element is preceded by `,\n`; the first one's
                    // comma is dropped when written (see `take`).
                    text.extend_from_slice(b",\n");
                }
                text.push(b'{');
                if let Some(id) = id {
                    text.extend_from_slice(b"\"id\":");
                    text.extend_from_slice(&json_str(id));
                    text.push(b',');
                }
                text.extend_from_slice(&w.prefix);
                num(&mut text, res.footprint[r]);
                text.extend_from_slice(b",\"stages\":{");
                for (k, s) in stages.iter().enumerate() {
                    if k > 0 {
                        text.push(b',');
                    }
                    text.extend_from_slice(&w.stage_keys[k]);
                    text.push(b':');
                    num(&mut text, res.stages[*s][r]);
                }
                text.extend_from_slice(b"},\"categories\":{");
                for (k, (c, key)) in w.category_keys.iter().enumerate() {
                    if k > 0 {
                        text.push(b',');
                    }
                    text.extend_from_slice(key);
                    text.push(b':');
                    num(&mut text, res.categories[*c][r]);
                }
                text.extend_from_slice(b"},\"emissions\":{");
                for (e, key) in w.emission_keys.iter().enumerate() {
                    if e > 0 {
                        text.push(b',');
                    }
                    text.extend_from_slice(key);
                    text.push(b':');
                    num(&mut text, res.emissions[e][r]);
                }
                text.push(b'}');
                if !w.result_keys.is_empty() {
                    text.extend_from_slice(b",\"results\":{");
                    for (x, (key, unit)) in w.result_keys.iter().enumerate() {
                        if x > 0 {
                            text.push(b',');
                        }
                        text.extend_from_slice(key);
                        num(&mut text, res.results[x][r]);
                        text.extend_from_slice(unit);
                    }
                    text.push(b'}');
                }
                if has_grades {
                    text.extend_from_slice(b",\"grade\":");
                    text.extend_from_slice(&json_str(&grade_names[res.grade[r]]));
                }
                text.extend_from_slice(b",\"primary_data_share\":");
                num(&mut text, res.primary_data_share[r]);
                text.extend_from_slice(&w.suffix);
                text.push(b'}');
                if format == OutputFormat::Jsonl {
                    text.push(b'\n');
                }
            }
        }
    }
    Evaluated {
        chunk,
        text,
        refused,
        written,
        failed,
    }
}

/// Add an evaluated chunk to the summary (its reading errors and refused
/// products, in row order) and write its lines; the chunk comes back for reuse.
fn take(
    done: Evaluated,
    errors: &mut Errors,
    written: &mut usize,
    failed: &mut usize,
    out: &mut impl Write,
) -> Result<Chunk, BatchError> {
    let Evaluated {
        mut chunk,
        text,
        refused,
        written: w,
        failed: f,
    } = done;
    // In row order: a row with a reading error is not evaluated, so the two
    // lists never share a row.
    let mut read = std::mem::take(&mut chunk.read_errors.kept.errors)
        .into_iter()
        .peekable();
    let mut refused = refused.into_iter().peekable();
    let row_of = |e: &DataError| match e.location {
        Some(Location::Cell { row, .. } | Location::Row { row }) => row,
        _ => 0,
    };
    loop {
        let reading_error_first = match (read.peek(), refused.peek()) {
            (Some(e), Some((row, _))) => row_of(e) < *row,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => break,
        };
        if reading_error_first {
            if let Some(e) = read.next() {
                errors.push(|| e);
            }
        } else if let Some((row, kind)) = refused.next() {
            errors.push(|| {
                let mut e = DataError::new(kind);
                e.location = Some(Location::Row { row });
                e
            });
        }
    }
    errors.omitted += chunk.read_errors.omitted;
    // In a JSON array, the first element overall has no comma before it.
    let text = match text.split_first() {
        Some((b',', rest)) if *written == 0 => rest,
        _ => &text[..],
    };
    *written += w;
    *failed += f;
    out.write_all(text)?;
    Ok(chunk)
}

/// Reads the next record; bytes that are not UTF-8 are a data error
/// naming the file and the byte offset.
fn next_record<R: BufRead>(
    reader: &mut RecordReader<R>,
    rec: &mut Record,
    file: &str,
) -> Result<bool, BatchError> {
    reader
        .read(rec)
        .map_err(|e| match InvalidUtf8::offset_of(&e) {
            Some(offset) => BatchError::Data(
                DataError::new(DataErrorKind::Encoding {
                    file: file.into(),
                    offset,
                })
                .into(),
            ),
            None => BatchError::Io(e),
        })
}

/// Runs `plan` over CSV `input` (named `file` in errors), writing one
/// result per good row to `output`. Factors are resolved once, up front.
pub fn run_csv<R: BufRead, W: Write>(
    evaluator: &mut Evaluator<'_>,
    input: R,
    file: &str,
    output: W,
    options: &BatchOptions,
) -> Result<BatchSummary, BatchError> {
    let plan = evaluator.plan();
    let mut out = io::BufWriter::with_capacity(1 << 16, output);
    let mut reader = RecordReader::new(input);
    let mut rec = Record::default();
    if !next_record(&mut reader, &mut rec, file)? {
        return Err(DataErrors::from(DataError::new(DataErrorKind::Syntax {
            format: "CSV".into(),
            reason: format!("`{file}` has no header"),
        }))
        .into());
    }
    let header_src = DataSource::excerpt(file, &rec.raw, rec.offset, rec.line);
    let header = parse_header(plan, &rec, &header_src)?;
    let grade_names: Vec<String> = evaluator.grade_names().to_vec();
    let stages: Vec<usize> = evaluator.stages_with_emissions().to_vec();
    // Prepare the output's constant parts.
    let mut w = Writer {
        prefix: Vec::new(),
        suffix: Vec::new(),
        stage_keys: Vec::new(),
        category_keys: Vec::new(),
        emission_keys: Vec::new(),
        result_keys: Vec::new(),
    };
    // The categories reported: those with emissions counted in the footprint.
    w.category_keys = plan
        .categories
        .iter()
        .enumerate()
        .filter(|(_, name)| {
            plan.emissions.iter().any(|e| {
                e.category == **name
                    && plan
                        .stages
                        .iter()
                        .any(|s| s.name == e.stage && s.in_footprint)
            })
        })
        .map(|(c, name)| (c, json_str(name)))
        .collect();
    match options.format {
        OutputFormat::Csv => {
            let mut h = Vec::new();
            if header.id.is_some() {
                h.extend_from_slice(b"id,");
            }
            h.extend_from_slice(b"footprint");
            let names = stages
                .iter()
                .map(|s| format!("stage.{}", plan.stages[*s].name))
                .chain(
                    w.category_keys
                        .iter()
                        .map(|(c, _)| format!("category.{}", plan.categories[*c])),
                )
                .chain(
                    plan.emissions
                        .iter()
                        .map(|e| format!("emission.{}", e.name)),
                )
                .chain(plan.results.iter().map(|x| format!("result.{}", x.name)));
            for name in names {
                h.push(b',');
                csv_text(&mut h, &name);
            }
            if plan.grades.is_some() {
                h.extend_from_slice(b",grade");
            }
            h.extend_from_slice(b",primary_data_share\n");
            out.write_all(&h)?;
        }
        OutputFormat::Jsonl | OutputFormat::Json => {
            if options.format == OutputFormat::Json {
                out.write_all(b"[")?;
            }
            let rule = serde_json::json!({"name": plan.rule.name, "version": plan.rule.version});
            let du = serde_json::json!({"amount": plan.declared_unit.amount, "unit": plan.declared_unit.unit});
            w.prefix = format!(
                "\"rule\":{rule},\"declared_unit\":{du},\"unit\":\"kgCO2e\",\"footprint\":"
            )
            .into_bytes();
            w.stage_keys = stages
                .iter()
                .map(|s| json_str(&plan.stages[*s].name))
                .collect();
            w.emission_keys = plan.emissions.iter().map(|e| json_str(&e.name)).collect();
            w.result_keys = plan
                .results
                .iter()
                .map(|x| {
                    let mut key = json_str(&x.name);
                    key.extend_from_slice(b":{\"value\":");
                    let mut unit = b",\"unit\":".to_vec();
                    unit.extend_from_slice(&json_str(&x.unit));
                    unit.push(b'}');
                    (key, unit)
                })
                .collect();
            if let Some(p) = &options.provenance {
                w.suffix = format!(
                    ",\"provenance\":{}",
                    serde_json::to_string(p).unwrap_or_else(|_| "null".into())
                )
                .into_bytes();
            }
        }
    }
    let chunk_rows = options.chunk_rows.max(1);
    let has_id = header.id.is_some();
    let max_errors = options.max_errors.min(DataErrors::MAX_KEPT);
    let mut errors = Errors {
        kept: DataErrors::new(),
        omitted: 0,
        max: max_errors,
    };
    let mut summary_rows = 0usize;
    let mut written = 0usize;
    let mut failed = 0usize;
    let mut row = 1usize;
    let start = Instant::now();
    let show_progress = options.progress && io::stderr().is_terminal();
    let mut last_progress = start;
    let mut printed = false;
    let format = options.format;
    // Two stages on two threads: this one reads and parses chunk k+1 (and
    // writes chunk k-1's lines) while the other evaluates and formats chunk k.
    let streamed = std::thread::scope(|scope| -> Result<(), BatchError> {
        let (to_worker, chunks) = mpsc::sync_channel::<Chunk>(1);
        let (to_reader, results) = mpsc::sync_channel::<Evaluated>(1);
        scope.spawn(move || {
            for chunk in chunks {
                let done =
                    evaluate_chunk(evaluator, &w, chunk, has_id, &stages, &grade_names, format);
                if to_reader.send(done).is_err() {
                    break;
                }
            }
        });
        let mut spare: Option<Chunk> = None;
        let mut in_flight = false;
        loop {
            let mut chunk = spare.take().unwrap_or_else(|| Chunk::new(plan, chunk_rows));
            chunk.clear(max_errors.saturating_sub(errors.kept.errors.len()));
            let mut eof = false;
            while chunk.cols.rows() < chunk_rows {
                if !next_record(&mut reader, &mut rec, file)? {
                    eof = true;
                    break;
                }
                row += 1;
                read_row(
                    plan,
                    &header,
                    &rec,
                    row,
                    file,
                    &mut chunk.cols,
                    &mut chunk.read_errors,
                );
                if let Some(c) = header.id {
                    chunk.ids.push_str(&rec.field(c));
                }
                chunk.id_ends.push(chunk.ids.len());
                chunk.row_numbers.push(row);
            }
            if in_flight {
                in_flight = false;
                let done = results.recv().map_err(|_| worker_failed())?;
                spare = Some(take(
                    done,
                    &mut errors,
                    &mut written,
                    &mut failed,
                    &mut out,
                )?);
            }
            if chunk.cols.rows() > 0 {
                summary_rows += chunk.cols.rows();
                to_worker.send(chunk).map_err(|_| worker_failed())?;
                in_flight = true;
            }
            if show_progress {
                let now = Instant::now();
                if now.duration_since(start).as_secs_f64() > 1.0
                    && now.duration_since(last_progress).as_secs_f64() > 0.2
                {
                    last_progress = now;
                    printed = true;
                    let rate = summary_rows as f64 / now.duration_since(start).as_secs_f64();
                    eprint!("\r{summary_rows} rows, {rate:.0} rows/s ");
                }
            }
            if eof {
                break;
            }
        }
        if in_flight {
            let done = results.recv().map_err(|_| worker_failed())?;
            take(done, &mut errors, &mut written, &mut failed, &mut out)?;
        }
        Ok(())
    });
    // A JSON array is closed even when a fatal error stops the batch, so
    // what was written stays one document.
    if format == OutputFormat::Json {
        out.write_all(b"\n]\n")?;
    }
    out.flush()?;
    streamed?;
    if printed {
        let secs = start.elapsed().as_secs_f64();
        eprintln!(
            "\r{summary_rows} rows in {secs:.2} s, {:.0} rows/s ",
            summary_rows as f64 / secs.max(1e-9)
        );
    }
    let mut kept = errors.kept;
    kept.omitted = errors.omitted;
    Ok(BatchSummary {
        rows: summary_rows,
        written,
        failed,
        errors: kept,
        errors_omitted: errors.omitted,
    })
}
