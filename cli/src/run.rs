//! `pcr run`: evaluate a plan over activity data (JSON: one product; CSV:
//! a streaming batch) with a factor database. A data file and data on stdin
//! take the same path and give the same output.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme};
use pcr_plan::batch::{run_csv, BatchError, BatchOptions, OutputFormat};
use pcr_plan::data::ActivityData;
use pcr_plan::eval::Evaluator;
use pcr_plan::factors::{sha256_hex, FactorDb};
use pcr_plan::result::ProductResult;
use pcr_plan::Plan;

/// Output format of `pcr run`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunFormat {
    /// One pretty JSON object (JSON data); one JSON array for CSV data.
    Json,
    /// One JSON object per line.
    Jsonl,
    /// CSV: id, footprint, one column per stage, grade, primary_data_share.
    Csv,
}

fn render(diag: &dyn Diagnostic) {
    let theme = if crate::terminal::colour() {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme);
    let mut s = String::new();
    if handler.render_report(&mut s, diag).is_err() {
        s = diag.to_string();
    }
    let _ = writeln!(io::stderr().lock(), "{s}");
}

fn usage(message: &str) -> ExitCode {
    let _ = writeln!(io::stderr().lock(), "error: {message}");
    ExitCode::from(2)
}

fn hash_file(path: &Path) -> io::Result<String> {
    use pcr_plan::factors::Sha256Stream;
    let mut f = File::open(path)?;
    let mut h = Sha256Stream::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(h.finish_hex())
}

/// Where `pcr run` reads the activity data from.
pub enum DataSource {
    /// A data file: JSON for one product, CSV (by its extension) for a batch.
    /// A batch file is hashed, then streamed.
    File(PathBuf),
    /// The bytes read from stdin (`--data -`): JSON when the first non-blank
    /// character is `{`, CSV otherwise. Messages name it `<stdin>`.
    Stdin(Vec<u8>),
}

impl DataSource {
    /// The source `--data PATH` names: stdin (read whole, for its hash) for
    /// `-`, otherwise the file, which must be readable. Err is the exit code
    /// of a usage problem, already reported.
    pub fn open(path: &Path) -> Result<DataSource, ExitCode> {
        if crate::inputs::is_stdin(path) {
            let mut bytes = Vec::new();
            return match io::stdin().lock().read_to_end(&mut bytes) {
                Ok(_) => Ok(DataSource::Stdin(bytes)),
                Err(e) => Err(usage(&format!("cannot read the data from stdin: {e}"))),
            };
        }
        match File::open(path) {
            Ok(_) => Ok(DataSource::File(path.to_path_buf())),
            Err(e) => Err(usage(&format!(
                "cannot read data file `{}`: {e}",
                path.display()
            ))),
        }
    }

    /// The name messages and results give the data.
    fn name(&self) -> String {
        match self {
            DataSource::File(path) => path.display().to_string(),
            DataSource::Stdin(_) => crate::inputs::STDIN_NAME.to_string(),
        }
    }

    /// Whether the data is a CSV batch (otherwise one product's JSON).
    fn is_batch(&self) -> bool {
        match self {
            DataSource::File(path) => path
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| e.eq_ignore_ascii_case("csv")),
            DataSource::Stdin(bytes) => {
                // A byte-order mark may come first, as in a file.
                let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
                text.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{')
            }
        }
    }

    /// All the data's bytes (one product's JSON).
    fn bytes(&self) -> io::Result<std::borrow::Cow<'_, [u8]>> {
        match self {
            DataSource::File(path) => std::fs::read(path).map(std::borrow::Cow::Owned),
            DataSource::Stdin(bytes) => Ok(std::borrow::Cow::Borrowed(bytes)),
        }
    }

    /// The SHA-256 of the data's bytes, without holding a file in memory.
    fn sha256(&self) -> io::Result<String> {
        match self {
            DataSource::File(path) => hash_file(path),
            DataSource::Stdin(bytes) => Ok(sha256_hex(bytes)),
        }
    }

    /// A buffered reader over the data, for streaming a batch.
    fn reader(&self) -> io::Result<Box<dyn BufRead + '_>> {
        match self {
            DataSource::File(path) => Ok(Box::new(BufReader::with_capacity(
                1 << 16,
                File::open(path)?,
            ))),
            DataSource::Stdin(bytes) => Ok(Box::new(io::Cursor::new(bytes.as_slice()))),
        }
    }
}

/// Runs `plan` (whose file bytes are `plan_bytes`) on the activity data from
/// `data` with the factor files `factors`: the one run path for every data
/// source. The factors are loaded and resolved once, the plan hashed from its
/// bytes once, one evaluator built. Exit codes: 0 success, 1 data errors, 2
/// usage problems (a file that cannot be read).
pub fn run_plan(
    plan: &Plan,
    plan_bytes: &[u8],
    data: &DataSource,
    factors: &[PathBuf],
    format: RunFormat,
) -> ExitCode {
    for f in factors {
        if let Err(e) = File::open(f) {
            return usage(&format!("cannot read factor file `{}`: {e}", f.display()));
        }
    }
    let db = match FactorDb::from_csv_files(factors) {
        Ok(db) => db,
        Err(e) => {
            render(&e);
            return ExitCode::from(1);
        }
    };
    let resolved = match db.resolve(plan, &Default::default()) {
        Ok(r) => r,
        Err(e) => {
            render(&e);
            return ExitCode::from(1);
        }
    };
    let plan_sha = sha256_hex(plan_bytes);
    let mut evaluator = Evaluator::new(plan, resolved);
    if data.is_batch() {
        run_batch(&mut evaluator, &db, &plan_sha, data, format)
    } else {
        run_single(&mut evaluator, &db, &plan_sha, data, format)
    }
}

/// One product's JSON activity data.
fn run_single(
    evaluator: &mut Evaluator<'_>,
    db: &FactorDb,
    plan_sha: &str,
    data: &DataSource,
    format: RunFormat,
) -> ExitCode {
    let name = data.name();
    let bytes = match data.bytes() {
        Ok(b) => b,
        Err(e) => return usage(&format!("cannot read data file `{name}`: {e}")),
    };
    let activity = match ActivityData::from_json_bytes(&bytes, evaluator.plan(), &name) {
        Ok(a) => a,
        Err(e) => {
            render(&e);
            return ExitCode::from(1);
        }
    };
    let mut result = match evaluator.evaluate_product(&activity) {
        Ok(r) => r,
        Err(e) => {
            render(&e);
            return ExitCode::from(1);
        }
    };
    result.provenance = Some(evaluator.provenance(plan_sha, &activity.sha256, &db.sha256()));
    match write_single(&result, format) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            let _ = writeln!(io::stderr().lock(), "error: writing the result failed: {e}");
            ExitCode::from(1)
        }
    }
}

/// A batch of products, one CSV row each, streamed.
fn run_batch(
    evaluator: &mut Evaluator<'_>,
    db: &FactorDb,
    plan_sha: &str,
    data: &DataSource,
    format: RunFormat,
) -> ExitCode {
    let name = data.name();
    let data_sha = match data.sha256() {
        Ok(h) => h,
        Err(e) => return usage(&format!("cannot read data file `{name}`: {e}")),
    };
    let input = match data.reader() {
        Ok(r) => r,
        Err(e) => return usage(&format!("cannot read data file `{name}`: {e}")),
    };
    let out_format = match format {
        RunFormat::Csv => OutputFormat::Csv,
        RunFormat::Json => OutputFormat::Json,
        RunFormat::Jsonl => OutputFormat::Jsonl,
    };
    let provenance = evaluator.provenance(plan_sha, &data_sha, &db.sha256());
    let options = BatchOptions {
        format: out_format,
        progress: true,
        provenance: Some(provenance),
        ..BatchOptions::default()
    };
    let stdout = io::stdout();
    let result = run_csv(evaluator, input, &name, stdout.lock(), &options);
    match result {
        Ok(summary) => {
            if summary.errors.is_empty() {
                return ExitCode::SUCCESS;
            }
            // At most `DataErrors::MAX_SHOWN` rendered, then "… and N more errors".
            render(&summary.errors);
            let _ = writeln!(
                io::stderr().lock(),
                "error: {} of {} rows withheld because of data errors",
                summary.failed,
                summary.rows
            );
            ExitCode::from(1)
        }
        Err(BatchError::Data(e)) => {
            render(&e);
            ExitCode::from(1)
        }
        Err(BatchError::Io(e)) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(BatchError::Io(e)) => {
            let _ = writeln!(
                io::stderr().lock(),
                "error: reading `{name}` or writing the results failed: {e}"
            );
            ExitCode::from(1)
        }
    }
}

fn write_single(r: &ProductResult, format: RunFormat) -> io::Result<()> {
    let mut out = io::stdout().lock();
    match format {
        RunFormat::Json => {
            serde_json::to_writer_pretty(&mut out, r)?;
            writeln!(out)?;
        }
        RunFormat::Jsonl => {
            serde_json::to_writer(&mut out, r)?;
            writeln!(out)?;
        }
        RunFormat::Csv => {
            let mut header = vec!["footprint".to_string()];
            let mut row = vec![r.footprint.to_string()];
            for (s, v) in &r.stages.0 {
                header.push(s.clone());
                row.push(v.to_string());
            }
            if let Some(g) = &r.grade {
                header.push("grade".into());
                row.push(g.clone());
            }
            header.push("primary_data_share".into());
            row.push(r.primary_data_share.to_string());
            writeln!(out, "{}", header.join(","))?;
            writeln!(out, "{}", row.join(","))?;
        }
    }
    out.flush()
}
