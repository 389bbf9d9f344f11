//! `pcr run`: evaluate a plan over activity data (JSON: one product; CSV:
//! a streaming batch) with a factor database.

use std::fs::File;
use std::io::{self, BufReader, Read, Write};
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

/// Runs `plan` (whose file bytes are `plan_bytes`) on `data` with the factor
/// files `factors`. Exit codes: 0 success, 1 data errors, 2 usage problems
/// (a file that cannot be read).
pub fn run_plan(
    plan: &Plan,
    plan_bytes: &[u8],
    data: &Path,
    factors: &[PathBuf],
    format: RunFormat,
) -> ExitCode {
    if let Err(e) = File::open(data) {
        return usage(&format!("cannot read data file `{}`: {e}", data.display()));
    }
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
    // One path for both kinds of data: the factors are resolved once, one
    // evaluator is built, the plan is hashed from its bytes once.
    let plan_sha = sha256_hex(plan_bytes);
    let is_csv = data
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    let name = data.display().to_string();
    let mut evaluator = Evaluator::new(plan, resolved);
    if is_csv {
        run_batch(&mut evaluator, &db, &plan_sha, data, &name, format)
    } else {
        run_single(&mut evaluator, &db, &plan_sha, data, &name, format)
    }
}

/// One product's JSON activity data.
fn run_single(
    evaluator: &mut Evaluator<'_>,
    db: &FactorDb,
    plan_sha: &str,
    data: &Path,
    name: &str,
    format: RunFormat,
) -> ExitCode {
    let bytes = match std::fs::read(data) {
        Ok(b) => b,
        Err(e) => return usage(&format!("cannot read data file `{name}`: {e}")),
    };
    let activity = match ActivityData::from_json_bytes(&bytes, evaluator.plan(), name) {
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
    data: &Path,
    name: &str,
    format: RunFormat,
) -> ExitCode {
    let data_sha = match hash_file(data) {
        Ok(h) => h,
        Err(e) => return usage(&format!("cannot read data file `{name}`: {e}")),
    };
    let file = match File::open(data) {
        Ok(f) => f,
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
    let result = run_csv(
        evaluator,
        BufReader::with_capacity(1 << 16, file),
        name,
        stdout.lock(),
        &options,
    );
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

/// [`run_plan`] on activity data read from stdin (`--data -`): JSON when its
/// first non-blank character is `{`, CSV otherwise. The data is read whole
/// first, for its hash (the CSV path of `run_plan` hashes the file, then
/// streams it); messages name it `<stdin>`.
pub fn run_plan_on_stdin(
    plan: &Plan,
    plan_bytes: &[u8],
    factors: &[PathBuf],
    format: RunFormat,
) -> ExitCode {
    let name = crate::inputs::STDIN_NAME;
    let mut bytes = Vec::new();
    if let Err(e) = io::stdin().lock().read_to_end(&mut bytes) {
        return usage(&format!("cannot read the data from stdin: {e}"));
    }
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
    let is_json = bytes
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|b| *b == b'{');
    if is_json {
        let text = match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => return usage(&format!("the data on stdin is not UTF-8: {e}")),
        };
        let activity = match ActivityData::from_json(&text, plan, name) {
            Ok(a) => a,
            Err(e) => {
                render(&e);
                return ExitCode::from(1);
            }
        };
        // The factors resolved above and the plan's hash from its bytes: the
        // same evaluator as every other path, nothing resolved or hashed twice.
        let mut evaluator = Evaluator::new(plan, resolved);
        let mut result = match evaluator.evaluate_product(&activity) {
            Ok(r) => r,
            Err(e) => {
                render(&e);
                return ExitCode::from(1);
            }
        };
        result.provenance = Some(evaluator.provenance(&plan_sha, &activity.sha256, &db.sha256()));
        return match write_single(&result, format) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => crate::stdout::failed(&e),
        };
    }
    let data_sha = sha256_hex(&bytes);
    let mut evaluator = Evaluator::new(plan, resolved);
    let out_format = match format {
        RunFormat::Csv => OutputFormat::Csv,
        RunFormat::Json | RunFormat::Jsonl => OutputFormat::Jsonl,
    };
    let provenance = evaluator.provenance(&plan_sha, &data_sha, &db.sha256());
    let options = BatchOptions {
        format: out_format,
        progress: true,
        provenance: Some(provenance),
        ..BatchOptions::default()
    };
    let stdout = io::stdout();
    match run_csv(
        &mut evaluator,
        io::Cursor::new(bytes),
        name,
        stdout.lock(),
        &options,
    ) {
        Ok(summary) if summary.errors.is_empty() => ExitCode::SUCCESS,
        Ok(summary) => {
            render(&summary.errors);
            let mut err = io::stderr().lock();
            if summary.errors_omitted > 0 {
                let _ = writeln!(err, "… and {} more errors", summary.errors_omitted);
            }
            let _ = writeln!(
                err,
                "error: {} of {} rows withheld because of data errors",
                summary.failed, summary.rows
            );
            ExitCode::from(1)
        }
        Err(BatchError::Data(e)) => {
            render(&e);
            ExitCode::from(1)
        }
        Err(BatchError::Io(e)) => crate::stdout::failed(&e),
    }
}
