//! End-to-end tests of the command line's usage: the project file, factor
//! files, empty inputs, long rule lists, colour, stdin, closed pipes, `--std`
//! and the CI script.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn pcr_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pcr"))
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .output()
        .unwrap_or_else(|e| panic!("cannot run pcr: {e}"))
}

fn pcr(args: &[&str]) -> Output {
    pcr_in(&root(), args)
}

/// pcr with `input` on stdin.
fn pcr_stdin(args: &[&str], input: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_pcr"))
        .args(args)
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run pcr: {e}"));
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(input.as_bytes())
            .unwrap_or_else(|e| panic!("{e}"));
    }
    child.wait_with_output().unwrap_or_else(|e| panic!("{e}"))
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).to_string()
}

/// A fresh folder under the system's temporary folder (no pcr.toml above it).
fn folder(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("pcr-usage-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    dir
}

fn write(path: &Path, contents: &str) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{e}"));
    }
    std::fs::write(path, contents).unwrap_or_else(|e| panic!("{e}"));
}

const COIL: &str = "tests/rules/hot_rolled_coil.pcr";

/// A rule with one `db` factor, `key`, and one example that does not give it.
fn db_rule(name: &str, key: &str) -> String {
    format!(
        "rule {name} {{
    title \"t\" en \"t\"
    version \"0.1.0\"
    declared_unit 1 t
    boundary gate_to_gate
    gwp ar6
    cutoff item 1% total 5%
    input output: t
    input electricity: MWh
    factor grid: kgCO2e/kWh = db \"{key}\"
    stage production {{
        emission electricity = electricity * grid / output
    }}
    exclude capital_goods \"Capital goods\" share 0.5%
    example \"e\" {{
        given output = 1000 t
        given electricity = 450 MWh
        expect footprint == 279.225 kgCO2e within 0.1%
    }}
}}
"
    )
}

fn project_with_typo() -> PathBuf {
    let dir = folder("project");
    write(
        &dir.join("pcr.toml"),
        "rules = [\"rules\"]\nfactors = [\"factors/grid.csv\"]\n",
    );
    let grid = std::fs::read_to_string(root().join("tests/data/grid.csv")).unwrap_or_default();
    write(&dir.join("factors/grid.csv"), &grid);
    write(
        &dir.join("rules/plant.pcr"),
        &db_rule("plant", "CN.electricity.footprint.2032"),
    );
    dir
}

#[test]
fn check_without_arguments_uses_the_project_file_and_checks_db_keys() {
    let dir = project_with_typo();
    let out = pcr_in(&dir, &["check"]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("E0401"), "{err}");
    assert!(err.contains("CN.electricity.footprint.2032"), "{err}");
    // From a folder below the project, and for `build` too.
    let out = pcr_in(&dir.join("rules"), &["build", "plant.pcr"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("E0401"));
    // A command-line flag overrides the project's factors.
    let out = pcr_in(
        &dir,
        &[
            "check",
            "rules",
            "--factors",
            &root()
                .join("stdlib-rules/factors/all.csv")
                .to_string_lossy(),
        ],
    );
    assert!(
        text(&out.stderr).contains("all.csv"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn the_repository_project_checks_with_factors() {
    let out = pcr(&["check"]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(!err.contains("not checked"), "{err}");
    assert!(err.contains("checked "), "{err}");
}

#[test]
fn a_broken_project_file_names_the_file_line_and_key() {
    let dir = folder("broken-project");
    write(
        &dir.join("pcr.toml"),
        "rules = []\n\n[lsp]\nwarning = true\n",
    );
    let out = pcr_in(&dir, &["check"]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("pcr.toml:4"), "{err}");
    assert!(err.contains("lsp.warning"), "{err}");
}

#[test]
fn check_without_factors_says_how_many_keys_went_unchecked() {
    let dir = folder("unchecked");
    write(
        &dir.join("a.pcr"),
        &db_rule("a", "CN.electricity.footprint.2032"),
    );
    let out = pcr_in(&dir, &["check", "a.pcr"]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains(
            "1 factor key was not checked: no factor database \
             (pass --factors FILE or set factors in pcr.toml)"
        ),
        "{err}"
    );
}

#[test]
fn test_without_factors_says_there_is_no_factor_database() {
    let dir = folder("test-no-factors");
    write(
        &dir.join("a.pcr"),
        &db_rule("a", "CN.electricity.footprint.2023"),
    );
    let out = pcr_in(&dir, &["test", "a.pcr"]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("no factor database was given"), "{err}");
    assert!(err.contains("`grid`"), "{err}");
    assert!(!err.contains("not found"), "{err}");
    let grid = root().join("tests/data/grid.csv");
    let out = pcr_in(
        &dir,
        &["test", "a.pcr", "--factors", &grid.to_string_lossy()],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

#[test]
fn a_csv_file_among_the_rules_is_refused_with_how_to_pass_several() {
    let out = pcr(&[
        "check",
        COIL,
        "--factors",
        "tests/data/grid.csv",
        "stdlib-rules/factors/illustrative.csv",
    ]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("illustrative.csv"), "{err}");
    assert!(err.contains("--factors a.csv --factors b.csv"), "{err}");
    let out = pcr(&[
        "check",
        COIL,
        "--factors",
        "tests/data/grid.csv,stdlib-rules/factors/illustrative.csv",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let out = pcr(&["build", "tests/data/grid.csv"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
}

#[test]
fn a_folder_without_rules_or_examples_fails() {
    let empty = folder("empty");
    let out = pcr_in(&empty, &["check", "."]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("no rule files"));
    let out = pcr_in(&empty, &["test", "."]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("no rule files"));

    let no_examples = folder("no-examples");
    let rule = db_rule("a", "k");
    let without = &rule[..rule.find("    example").unwrap_or(rule.len())];
    write(&no_examples.join("a.pcr"), &format!("{without}}}\n"));
    let out = pcr_in(&no_examples, &["check", "."]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let out = pcr_in(&no_examples, &["test", "."]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("no worked examples"), "{err}");
}

#[test]
fn build_of_a_file_of_many_rules_lists_a_few_and_tells_how_to_pick() {
    let dir = folder("many-rules");
    let rules: String = (0..30).map(|i| db_rule(&format!("r{i}"), "k")).collect();
    write(&dir.join("many.pcr"), &rules);
    let out = pcr_in(&dir, &["build", "many.pcr"]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("30 rules"), "{err}");
    assert!(err.contains("\n    r0\n"), "{err}");
    assert!(!err.contains("r29"), "{err}");
    assert!(err.contains("… and 20 more"), "{err}");
    assert!(err.contains("--rule NAME"), "{err}");
    assert!(err.lines().all(|l| l.len() < 200), "{err}");
    let out = pcr_in(&dir, &["build", "many.pcr", "--rule", "r29"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

#[test]
fn colour_follows_the_color_flag_and_no_color() {
    let dir = folder("colour");
    write(&dir.join("bad.pcr"), "rule r {\n    input a t\n}\n");
    let escape = |o: &Output| text(&o.stderr).contains('\u{1b}');
    let always = pcr_in(&dir, &["--color", "always", "check", "bad.pcr"]);
    assert_eq!(always.status.code(), Some(1));
    assert!(escape(&always), "{}", text(&always.stderr));
    let never = pcr_in(&dir, &["check", "--color", "never", "bad.pcr"]);
    assert!(!escape(&never), "{}", text(&never.stderr));
    let with_no_color = Command::new(env!("CARGO_BIN_EXE_pcr"))
        .args(["--color", "always", "check", "bad.pcr"])
        .current_dir(&dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(escape(&with_no_color), "always wins over NO_COLOR");
    let out = pcr_in(&dir, &["--color", "sometimes", "check", "bad.pcr"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_dash_reads_rules_and_data_from_stdin() {
    let coil = std::fs::read_to_string(root().join(COIL)).unwrap_or_default();
    let out = pcr_stdin(&["check", "-"], "rule r {\n    input a t\n}\n");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("<stdin>:2"),
        "{}",
        text(&out.stderr)
    );

    let out = pcr_stdin(&["fmt", "-"], &coil);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), coil);
    let out = pcr_stdin(
        &["fmt", "-"],
        &coil.replace("    input output", "input  output"),
    );
    assert_eq!(text(&out.stdout), coil);

    let out = pcr_stdin(&["build", "-"], &coil);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("pcr-plan/2"));

    let args = [
        "run",
        "-",
        "--data",
        "tests/data/coil.json",
        "--factors",
        "tests/data/grid.csv",
    ];
    let out = pcr_stdin(&args, &coil);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let by_file: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
    assert!(
        by_file["footprint"].as_f64().is_some(),
        "{}",
        text(&out.stdout)
    );

    let data = std::fs::read_to_string(root().join("tests/data/coil.json")).unwrap_or_default();
    let out = pcr_stdin(
        &[
            "run",
            COIL,
            "--data",
            "-",
            "--factors",
            "tests/data/grid.csv",
        ],
        &data,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let by_stdin: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
    assert_eq!(by_stdin["footprint"], by_file["footprint"]);

    let batch =
        std::fs::read_to_string(root().join("tests/data/coil_batch.csv")).unwrap_or_default();
    let out = pcr_stdin(
        &[
            "run",
            COIL,
            "--data",
            "-",
            "--factors",
            "tests/data/grid.csv",
            "--format",
            "csv",
        ],
        &batch,
    );
    let from_file = pcr(&[
        "run",
        COIL,
        "--data",
        "tests/data/coil_batch.csv",
        "--factors",
        "tests/data/grid.csv",
        "--format",
        "csv",
    ]);
    assert_eq!(out.status.code(), from_file.status.code());
    assert_eq!(text(&out.stdout), text(&from_file.stdout));
}

#[test]
fn every_command_and_argument_has_help() {
    for command in ["check", "fmt", "build", "run", "test", "lsp", "explain"] {
        let out = pcr(&[command, "-h"]);
        let help = text(&out.stdout);
        assert_eq!(out.status.code(), Some(0), "{help}");
        let lines: Vec<&str> = help.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let t = line.trim();
            let is_argument = |t: &str| t.starts_with('<') || t.starts_with('-');
            // An argument line (`<PATHS>...`, `--check`, `-o, --output <FILE>`) must say what it
            // is, on the line or (long names) on the next.
            if is_argument(t) {
                let next = lines.get(i + 1).map_or("", |l| l.trim());
                let described = t.split("  ").filter(|p| !p.trim().is_empty()).count() > 1
                    || (!next.is_empty() && !is_argument(next));
                assert!(described, "`pcr {command}`: no help for `{t}`\n{help}");
            }
        }
    }
}

/// pcr with its stdout closed before it writes anything.
fn closed_stdout(args: &[&str], input: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_pcr"))
        .args(args)
        .current_dir(root())
        .stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run pcr: {e}"));
    drop(child.stdout.take());
    if let (Some(mut stdin), Some(input)) = (child.stdin.take(), input) {
        let _ = stdin.write_all(input.as_bytes());
    }
    child.wait_with_output().unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn a_closed_stdout_ends_every_command_quietly() {
    let dir = folder("pipe");
    write(&dir.join("bad.pcr"), "rule r {\n    input a t\n}\n");
    let bad = dir.join("bad.pcr").to_string_lossy().to_string();
    let coil = std::fs::read_to_string(root().join(COIL)).unwrap_or_default();
    let cases: Vec<(Vec<&str>, Option<&str>)> = vec![
        (vec!["check", "--message-format", "json", &bad], None),
        (vec!["build", COIL], None),
        (
            vec![
                "run",
                COIL,
                "--data",
                "tests/data/coil.json",
                "--factors",
                "tests/data/grid.csv",
            ],
            None,
        ),
        (
            vec![
                "run",
                COIL,
                "--data",
                "tests/data/coil_batch.csv",
                "--factors",
                "tests/data/grid.csv",
            ],
            None,
        ),
        (vec!["test", "stdlib-rules", "tests/rules"], None),
        (vec!["explain", "E0202"], None),
        (vec!["fmt", "-"], Some(coil.as_str())),
    ];
    for (args, input) in cases {
        let out = closed_stdout(&args, input);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "pcr {args:?}: {err}");
        assert!(!err.contains("panicked"), "pcr {args:?}: {err}");
        assert!(!err.contains("Broken pipe"), "pcr {args:?}: {err}");
    }
}

#[test]
fn std_must_be_a_complete_prelude_folder() {
    let out = pcr(&["check", "--std", "/nonexistent", COIL]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("/nonexistent"), "{err}");
    assert!(!err.contains("E0"), "{err}");

    let partial = folder("partial-std");
    let units =
        std::fs::read_to_string(root().join("stdlib-rules/std/units.pcr")).unwrap_or_default();
    write(&partial.join("units.pcr"), &units);
    let out = pcr(&["check", "--std", &partial.to_string_lossy(), COIL]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("dimensions.pcr"), "{err}");

    let out = pcr(&["check", "--std", "stdlib-rules/std", COIL]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

#[test]
fn a_users_std_folder_does_not_replace_the_prelude() {
    let dir = folder("user-std");
    write(&dir.join("std/units.pcr"), &db_rule("mine", "k"));
    let out = pcr_in(&dir, &["check", "std/units.pcr"]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    // The prelude's own files still check on their own.
    let out = pcr(&["check", "stdlib-rules/std/units.pcr"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

#[test]
fn the_ci_script_asks_cargo_where_the_binary_is_and_lints() {
    let script = std::fs::read_to_string(root().join(".ci/run")).unwrap_or_default();
    assert!(!script.contains("target/debug"), "{script}");
    assert!(script.contains("cargo fmt --all --check"), "{script}");
    assert!(
        script.contains("cargo clippy --workspace --all-targets -- -D warnings"),
        "{script}"
    );
    assert!(script.contains("\"executable\""), "{script}");
}

#[test]
fn a_rule_defined_twice_points_at_its_first_definition() {
    let dir = folder("twice");
    let rules = [db_rule("a", "k"), db_rule("b", "k"), db_rule("a", "k")].concat();
    write(&dir.join("twice.pcr"), &rules);
    let out = pcr_in(&dir, &["check", "--message-format", "json", "twice.pcr"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let twice: Vec<&str> = stdout
        .lines()
        .filter(|l| l.contains("rule `a` is defined twice"))
        .collect();
    assert_eq!(twice.len(), 1, "{stdout}");
    let second_line = 1 + 2 * db_rule("a", "k").lines().count() as u64;
    let d: serde_json::Value = serde_json::from_str(twice[0]).unwrap_or_default();
    assert_eq!(d["line"].as_u64(), Some(second_line), "{}", twice[0]);
    let human = text(&pcr_in(&dir, &["check", "twice.pcr"]).stderr);
    assert!(
        human.contains(&format!("twice.pcr:{second_line}:6")),
        "{human}"
    );
    assert!(
        human.contains(" 1 │ rule a {\n   │      - first defined here"),
        "{human}"
    );
}

#[test]
fn run_with_two_factor_files_after_one_flag_tells_how_to_pass_several() {
    let out = pcr(&[
        "run",
        COIL,
        "--data",
        "tests/data/coil.json",
        "--factors",
        "tests/data/grid.csv",
        "stdlib-rules/factors/illustrative.csv",
    ]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("--factors a.csv,b.csv"), "{err}");
}

#[test]
fn a_file_of_the_std_folder_replaces_its_prelude_file() {
    let out = pcr(&[
        "check",
        "--std",
        "stdlib-rules/std",
        "stdlib-rules/std/units.pcr",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}
