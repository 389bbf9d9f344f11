//! A CSV batch against plans built from the repository's rules: the batch
//! never panics, every output cell that holds a number holds a finite one,
//! every JSON line is valid JSON with numbers where numbers go, and rendered
//! errors stay in proportion to the data.
//!
//! Input: a selector byte (low 7 bits: the plan; high bit: generate hostile
//! data from the rest), an options byte (bit 0: JSON, as lines unless bit 4;
//! bits 1-3: rows per chunk), then the CSV text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pcr_fuzz::finite::{assert_finite_cell, assert_json_result, assert_json_value};
use pcr_fuzz::hostile_data::HostileData;
use pcr_fuzz::render::render_data_errors;
use pcr_fuzz::stdlib_plans::stdlib;
use pcr_plan::batch::{run_csv, BatchError, BatchOptions, OutputFormat};
use pcr_plan::{Evaluator, Plan};
use std::borrow::Cow;

const CHUNK_ROWS: [usize; 8] = [1, 2, 3, 7, 64, 1000, 4096, 4097];

fuzz_target!(|data: &[u8]| {
    pcr_fuzz::stack_overflow::report_stack_overflows();
    let [selector, options, rest @ ..] = data else {
        return;
    };
    let stdlib = stdlib();
    let built = stdlib.pick(selector & 0x7f);
    let text: Cow<str> = if selector & 0x80 != 0 {
        match HostileData::from_bytes(rest) {
            Some(h) => Cow::Owned(h.csv(&built.plan)),
            None => return,
        }
    } else {
        match std::str::from_utf8(rest) {
            Ok(t) => Cow::Borrowed(t),
            Err(_) => return,
        }
    };
    let format = match (options & 1, options & 16) {
        (0, _) => OutputFormat::Csv,
        (_, 0) => OutputFormat::Jsonl,
        _ => OutputFormat::Json,
    };
    let batch = BatchOptions {
        format,
        chunk_rows: CHUNK_ROWS[usize::from((options >> 1) & 7)],
        progress: false,
        provenance: None,
        max_errors: 1000,
    };
    let mut evaluator = Evaluator::new(&built.plan, built.resolved.clone());
    let mut out = Vec::new();
    match run_csv(
        &mut evaluator,
        text.as_bytes(),
        "data.csv",
        &mut out,
        &batch,
    ) {
        Ok(summary) => {
            let out = match String::from_utf8(out) {
                Ok(o) => o,
                Err(e) => panic!("batch output is not UTF-8: {e}"),
            };
            match format {
                OutputFormat::Csv => check_csv(&out, &built.plan),
                OutputFormat::Jsonl => out.lines().for_each(assert_json_result),
                OutputFormat::Json => check_json_array(&out),
            }
            if !summary.errors.is_empty() {
                render_data_errors(&summary.errors, text.len());
            }
        }
        Err(BatchError::Data(e)) => {
            render_data_errors(&e, text.len());
        }
        Err(BatchError::Io(e)) => panic!("i/o error on in-memory data: {e}"),
    }
});

/// One JSON array of result objects, each checked like a JSON line.
fn check_json_array(out: &str) {
    let value: serde_json::Value = match serde_json::from_str(out) {
        Ok(v) => v,
        Err(e) => panic!("batch JSON output is not one JSON document: {e}"),
    };
    let Some(items) = value.as_array() else {
        panic!("batch JSON output is not an array");
    };
    for item in items {
        assert_json_value(item, out);
    }
}

/// Columns: `id`?, `footprint`, one per stage, `grade`?, `primary_data_share`.
fn check_csv(out: &str, plan: &Plan) {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(out.as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        Some(Ok(h)) => h,
        Some(Err(e)) => panic!("batch output header is not CSV: {e}"),
        None => return,
    };
    let names: Vec<String> = header.iter().map(str::to_string).collect();
    let has_id = names.first().is_some_and(|n| n == "id");
    let grade = plan.grades.is_some().then(|| names.len().saturating_sub(2));
    for record in records {
        let record = match record {
            Ok(r) => r,
            Err(e) => panic!("batch output is not CSV: {e}"),
        };
        assert_eq!(
            record.len(),
            names.len(),
            "a result row of another width than its header"
        );
        for (i, cell) in record.iter().enumerate() {
            if (has_id && i == 0) || Some(i) == grade {
                continue;
            }
            assert_finite_cell(cell, &names[i]);
        }
    }
}
