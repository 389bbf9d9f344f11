//! `pcr run` gives the same output for the same activity data whether it is
//! read from a file or from stdin (`--data -`): one run path (issue 13).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const COIL: &str = "tests/rules/hot_rolled_coil.pcr";
const FACTORS: &str = "tests/data/grid.csv";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// `pcr run COIL --factors FACTORS --data DATA EXTRA…`, with `input` on stdin
/// when given.
fn pcr_run(data: &str, extra: &[&str], input: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_pcr"))
        .args(["run", COIL, "--factors", FACTORS, "--data", data])
        .args(extra)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run pcr: {e}"));
    if let (Some(mut stdin), Some(input)) = (child.stdin.take(), input) {
        stdin.write_all(input).unwrap_or_else(|e| panic!("{e}"));
    }
    child.wait_with_output().unwrap_or_else(|e| panic!("{e}"))
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).to_string()
}

/// A batch file under the system's temporary folder.
fn batch_file(name: &str, contents: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("pcr-run-sources-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap_or_else(|e| panic!("{e}"));
    path
}

fn path_arg(p: &Path) -> &str {
    p.to_str()
        .unwrap_or_else(|| panic!("non-UTF-8 temp path {p:?}"))
}

#[test]
fn csv_on_stdin_with_format_json_prints_the_same_json_array_as_a_file() {
    let batch = "tests/data/coil_batch.csv";
    let bytes = std::fs::read(root().join(batch)).unwrap_or_else(|e| panic!("{e}"));
    let from_file = pcr_run(batch, &["--format", "json"], None);
    let from_stdin = pcr_run("-", &["--format", "json"], Some(&bytes));
    assert_eq!(
        from_file.status.code(),
        Some(0),
        "{}",
        text(&from_file.stderr)
    );
    assert_eq!(
        from_stdin.status.code(),
        Some(0),
        "{}",
        text(&from_stdin.stderr)
    );
    let array: serde_json::Value = serde_json::from_slice(&from_file.stdout)
        .unwrap_or_else(|e| panic!("a file's batch is one JSON value: {e}"));
    assert_eq!(array.as_array().map(Vec::len), Some(2), "{array}");
    let on_stdin: serde_json::Value =
        serde_json::from_slice(&from_stdin.stdout).unwrap_or_else(|e| {
            panic!(
                "stdin's batch is not one JSON value ({e}):\n{}",
                text(&from_stdin.stdout)
            )
        });
    // The data's hash is of the same bytes, so even the provenance agrees.
    assert_eq!(on_stdin, array);
}

#[test]
fn csv_on_stdin_with_format_jsonl_prints_the_same_lines_as_a_file() {
    let batch = "tests/data/coil_batch.csv";
    let bytes = std::fs::read(root().join(batch)).unwrap_or_else(|e| panic!("{e}"));
    let from_file = pcr_run(batch, &["--format", "jsonl"], None);
    let from_stdin = pcr_run("-", &["--format", "jsonl"], Some(&bytes));
    assert_eq!(
        from_file.status.code(),
        Some(0),
        "{}",
        text(&from_file.stderr)
    );
    assert_eq!(text(&from_stdin.stdout), text(&from_file.stdout));
    assert_eq!(text(&from_file.stdout).lines().count(), 2);
}

/// The lines of a report that summarise it rather than describe one error.
fn summary_lines(stderr: &str) -> Vec<String> {
    stderr
        .lines()
        .map(str::trim)
        .filter(|l| l.contains("more errors") || l.contains("withheld"))
        .map(str::to_string)
        .collect()
}

#[test]
fn error_summary_lines_are_the_same_for_a_file_and_stdin() {
    // 30 rows with a bad output, more than the 20 errors rendered.
    let mut csv = std::fs::read_to_string(root().join("tests/data/coil_batch.csv"))
        .unwrap_or_else(|e| panic!("{e}"));
    for i in 0..30 {
        csv.push_str(&format!("bad-{i},lots,300,900,\"[]\"\n"));
    }
    let path = batch_file("many_errors.csv", &csv);
    let from_file = pcr_run(path_arg(&path), &["--format", "jsonl"], None);
    let from_stdin = pcr_run("-", &["--format", "jsonl"], Some(csv.as_bytes()));
    assert_eq!(
        from_file.status.code(),
        Some(1),
        "{}",
        text(&from_file.stderr)
    );
    assert_eq!(from_stdin.status.code(), Some(1));
    let file_summary = summary_lines(&text(&from_file.stderr));
    assert_eq!(
        file_summary,
        vec![
            "help: … and 10 more errors".to_string(),
            "error: 30 of 32 rows withheld because of data errors".to_string()
        ],
        "{}",
        text(&from_file.stderr)
    );
    assert_eq!(
        summary_lines(&text(&from_stdin.stderr)),
        file_summary,
        "{}",
        text(&from_stdin.stderr)
    );
    assert_eq!(text(&from_stdin.stdout), text(&from_file.stdout));
    let _ = std::fs::remove_file(path);
}

#[test]
fn bad_bytes_in_json_on_stdin_are_a_data_error_naming_stdin_as_for_a_file() {
    let mut json = std::fs::read(root().join("tests/data/coil.json")).unwrap_or_default();
    json[5] = 0xfe;
    let out = pcr_run("-", &[], Some(&json));
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("<stdin>"), "{stderr}");
    assert!(stderr.contains('5'), "names the byte: {stderr}");
}

#[test]
fn json_on_stdin_after_a_byte_order_mark_is_one_product_as_from_a_file() {
    let data = "tests/data/coil.json";
    let bytes = std::fs::read(root().join(data)).unwrap_or_else(|e| panic!("{e}"));
    let from_file = pcr_run(data, &[], None);
    assert_eq!(
        from_file.status.code(),
        Some(0),
        "{}",
        text(&from_file.stderr)
    );
    let mut with_bom = b"\xEF\xBB\xBF".to_vec();
    with_bom.extend_from_slice(&bytes);
    let from_stdin = pcr_run("-", &[], Some(&with_bom));
    assert_eq!(
        from_stdin.status.code(),
        Some(0),
        "{}",
        text(&from_stdin.stderr)
    );
    let footprint = |out: &Output| -> serde_json::Value {
        let v: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", text(&out.stdout)));
        v["footprint"].clone()
    };
    assert_eq!(footprint(&from_stdin), footprint(&from_file));
}
