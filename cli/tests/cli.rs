//! End-to-end tests of the `pcr` binary: exit codes, diagnostics in both
//! forms, plans, runs on JSON and CSV data, bad data, examples.

use std::process::Command;

mod support;
use support::{pcr, root, temp, text};

const COIL: &str = "tests/rules/hot_rolled_coil.pcr";

#[test]
fn two_syntax_errors_with_lines_and_columns_in_both_forms() {
    let src = "rule r {\n    title \"t\"\n    input a t\n    input b: t = 1 +\n}\n";
    let file = temp("two_errors.pcr", src);
    let f = file.to_string_lossy().to_string();
    let human = pcr(&["check", &f]);
    assert_eq!(human.status.code(), Some(1));
    let err = text(&human.stderr);
    assert_eq!(err.matches("error[E0001]").count(), 2, "{err}");
    assert!(err.contains("two_errors.pcr:3:13"), "{err}");
    assert!(err.contains("two_errors.pcr:5:1"), "{err}");

    let json = pcr(&["check", "--message-format", "json", &f]);
    assert_eq!(json.status.code(), Some(1));
    let lines: Vec<serde_json::Value> = text(&json.stdout)
        .lines()
        .filter(|l| l.contains("E0001"))
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(
        (lines[0]["line"].as_u64(), lines[0]["column"].as_u64()),
        (Some(3), Some(13))
    );
    assert_eq!(
        (
            lines[0]["end_line"].as_u64(),
            lines[0]["end_column"].as_u64()
        ),
        (Some(3), Some(14))
    );
    assert_eq!(
        (lines[1]["line"].as_u64(), lines[1]["column"].as_u64()),
        (Some(5), Some(1))
    );
    for l in &lines {
        assert_eq!(l["severity"], "error");
        assert!(l["file"]
            .as_str()
            .is_some_and(|f| f.ends_with("two_errors.pcr")));
        assert!(l["message"]
            .as_str()
            .is_some_and(|m| m.contains("syntax error")));
    }
}

#[test]
fn exit_codes() {
    assert_eq!(pcr(&["check", COIL]).status.code(), Some(0));
    assert_eq!(pcr(&["check", "no/such/file.pcr"]).status.code(), Some(2));
    assert_eq!(pcr(&["frobnicate"]).status.code(), Some(2));
    assert_eq!(pcr(&["explain", "E9999"]).status.code(), Some(2));
    let explain = pcr(&["explain", "E0202"]);
    assert_eq!(explain.status.code(), Some(0));
    assert!(text(&explain.stdout).contains("```pcr"));
}

/// The reference rule's footprint, computed from the activity data of tests/data/coil.json.
fn coil_expected() -> (f64, f64, f64) {
    let output_t = 1000.0;
    let materials = 1600.0 * 1000.0 * 0.02 / output_t; // kgCO2e per t
    let transport = 1600.0 * 300.0 * 0.06 / output_t; // t * km * kgCO2e/tkm per t
    let electricity = 450_000.0 * 0.6205 / output_t; // kWh * kgCO2e/kWh per t
    let gas = 2000.0 * 56.1 * 1.0 / output_t; // GJ * kgCO2/GJ * GWP(CO2) per t
    let production = electricity + gas;
    (
        materials + transport + production,
        production,
        materials + transport,
    )
}

#[test]
fn build_and_run_on_json_data_gives_the_hand_calculation() {
    let plan = temp("coil.plan.json", "");
    let p = plan.to_string_lossy().to_string();
    let built = pcr(&["build", COIL, "-o", &p]);
    assert_eq!(built.status.code(), Some(0), "{}", text(&built.stderr));
    let plan_json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&plan).unwrap_or_default())
            .unwrap_or_default();
    assert_eq!(plan_json["format"], "pcr-plan/2");

    for source in [COIL, p.as_str()] {
        let run = pcr(&[
            "run",
            source,
            "--data",
            "tests/data/coil.json",
            "--factors",
            "tests/data/grid.csv",
        ]);
        assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
        let result: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap_or_default();
        let (footprint, production, raw) = coil_expected();
        let got = result["footprint"].as_f64().unwrap_or(f64::NAN);
        assert!(
            (got - footprint).abs() < 1e-6,
            "footprint {got} vs {footprint}"
        );
        assert!((result["stages"]["production"].as_f64().unwrap_or(0.0) - production).abs() < 1e-6);
        assert!(
            (result["stages"]["raw_material_acquisition"]
                .as_f64()
                .unwrap_or(0.0)
                - raw)
                .abs()
                < 1e-6
        );
        assert_eq!(result["grade"], "A");
        assert_eq!(result["unit"], "kgCO2e");
        assert_eq!(result["rule"]["name"], "hot_rolled_coil");
        assert_eq!(
            result["provenance"]["factors"][0]["key"],
            "CN.electricity.footprint.2023"
        );
        // `distance` fell back to its default: the transport emission is secondary data.
        let share = result["primary_data_share"].as_f64().unwrap_or(0.0);
        let transport = 1600.0 * 300.0 * 0.06 / 1000.0;
        assert!(
            (share - (footprint - transport) / footprint).abs() < 1e-9,
            "{share}"
        );
    }
}

#[test]
fn bad_data_is_refused_naming_every_fault() {
    let run = pcr(&[
        "run",
        COIL,
        "--data",
        "tests/data/coil_bad.json",
        "--factors",
        "tests/data/grid.csv",
    ]);
    assert_eq!(run.status.code(), Some(1));
    assert!(
        run.stdout.is_empty(),
        "no number on bad data: {}",
        text(&run.stdout)
    );
    let err = text(&run.stderr);
    for needle in ["output", "electricity", "natural_gas", "colour"] {
        assert!(err.contains(needle), "missing `{needle}` in:\n{err}");
    }
}

#[test]
fn a_missing_factor_key_is_refused() {
    let db = temp("empty.csv", "key,value,unit,source,year,region\n");
    let run = pcr(&[
        "run",
        COIL,
        "--data",
        "tests/data/coil.json",
        "--factors",
        &db.to_string_lossy(),
    ]);
    assert_eq!(run.status.code(), Some(1));
    assert!(text(&run.stderr).contains("CN.electricity.footprint.2023"));
}

#[test]
fn batch_csv_gives_one_row_per_product() {
    let run = pcr(&[
        "run",
        COIL,
        "--data",
        "tests/data/coil_batch.csv",
        "--factors",
        "tests/data/grid.csv",
        "--format",
        "csv",
    ]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    let out = text(&run.stdout);
    let rows: Vec<&str> = out.lines().collect();
    assert_eq!(rows.len(), 3, "{out}");
    assert!(rows[1].starts_with("plant-a,"));
    let (footprint, _, _) = coil_expected();
    let first: f64 = rows[1]
        .split(',')
        .nth(1)
        .and_then(|v| v.parse().ok())
        .unwrap_or(f64::NAN);
    assert!((first - footprint).abs() < 1e-6, "{first}");
}

#[test]
fn check_with_a_factor_database_reports_missing_keys_and_wrong_units() {
    let empty = temp(
        "keys.csv",
        "key,value,unit,source,year,region\nother,1,kgCO2e/kWh,x,2023,CN\n",
    );
    let missing = pcr(&["check", COIL, "--factors", &empty.to_string_lossy()]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(text(&missing.stderr).contains("E0401"));
    let wrong = pcr(&["check", COIL, "--factors", "tests/data/grid_wrong_unit.csv"]);
    assert_eq!(wrong.status.code(), Some(1));
    assert!(text(&wrong.stderr).contains("E0402"));
}

#[test]
fn examples_run_as_tests() {
    let ok = pcr(&["test", COIL]);
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok.stderr));
    assert!(text(&ok.stdout).lines().any(|l| l == "1 passed, 0 failed"));

    let source = std::fs::read_to_string(root().join(COIL)).unwrap_or_default();
    let broken = source.replace(
        "expect footprint == 452.225 kgCO2e",
        "expect footprint == 500 kgCO2e",
    );
    assert_ne!(broken, source);
    let file = temp("failing.pcr", &broken);
    let failed = pcr(&["test", &file.to_string_lossy()]);
    assert_eq!(failed.status.code(), Some(1));
    assert!(text(&failed.stdout)
        .lines()
        .any(|l| l == "0 passed, 1 failed"));
    let err = text(&failed.stderr);
    assert!(err.contains("E0501"), "{err}");
    assert!(err.contains("expected footprint 500 kgCO2e"), "{err}");
}

#[test]
fn fmt_check_lists_files_that_would_change() {
    let file = temp("messy.pcr", "rule  r{title \"t\"\n version    \"1\"}\n");
    let f = file.to_string_lossy().to_string();
    let check = pcr(&["fmt", "--check", &f]);
    assert_eq!(check.status.code(), Some(1));
    assert!(text(&check.stdout).contains("messy.pcr"));
    assert_eq!(pcr(&["fmt", &f]).status.code(), Some(0));
    assert_eq!(pcr(&["fmt", "--check", &f]).status.code(), Some(0));
}

#[test]
fn batch_format_json_prints_one_array_document() {
    let run = pcr(&[
        "run",
        COIL,
        "--data",
        "tests/data/coil_batch.csv",
        "--factors",
        "tests/data/grid.csv",
        "--format",
        "json",
    ]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    let out = text(&run.stdout);
    let doc: serde_json::Value =
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    let items = doc
        .as_array()
        .unwrap_or_else(|| panic!("not an array: {out}"));
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["id"], "plant-a");
    let lines = pcr(&[
        "run",
        COIL,
        "--data",
        "tests/data/coil_batch.csv",
        "--factors",
        "tests/data/grid.csv",
        "--format",
        "jsonl",
    ]);
    assert_eq!(text(&lines.stdout).lines().count(), 2);
}

#[test]
fn run_without_a_factor_file_says_that_one_is_needed() {
    // Outside the repository, so that no `pcr.toml` supplies the factors.
    let rule = temp(
        "no_factors.pcr",
        &std::fs::read_to_string(root().join(COIL)).unwrap_or_default(),
    );
    let data = temp(
        "no_factors.json",
        &std::fs::read_to_string(root().join("tests/data/coil.json")).unwrap_or_default(),
    );
    let run = Command::new(env!("CARGO_BIN_EXE_pcr"))
        .args([
            "run",
            &rule.to_string_lossy(),
            "--data",
            &data.to_string_lossy(),
        ])
        .current_dir(std::env::temp_dir())
        .output()
        .unwrap_or_else(|e| panic!("cannot run pcr: {e}"));
    assert_eq!(run.status.code(), Some(1));
    let err = text(&run.stderr);
    assert!(
        err.contains(
            "factor `grid` (key CN.electricity.footprint.2023) needs a factor database: pass --factors FILE"
        ),
        "{err}"
    );
    assert!(!err.contains("not found"), "{err}");
}

#[test]
fn bad_bytes_in_data_exit_1_naming_file_and_byte_for_json_and_csv() {
    let mut json = std::fs::read(root().join("tests/data/coil.json")).unwrap_or_default();
    json[5] = 0xff;
    let mut csv = std::fs::read(root().join("tests/data/coil_batch.csv")).unwrap_or_default();
    csv[70] = 0xfe;
    for (name, bytes, offset) in [("bad_bytes.json", json, 5), ("bad_bytes.csv", csv, 70)] {
        let path = temp(name, "");
        std::fs::write(&path, bytes).unwrap_or_else(|e| panic!("{e}"));
        let run = pcr(&[
            "run",
            COIL,
            "--data",
            &path.to_string_lossy(),
            "--factors",
            "tests/data/grid.csv",
        ]);
        assert_eq!(run.status.code(), Some(1), "{name}: {}", text(&run.stderr));
        let err = text(&run.stderr);
        assert!(err.contains(name), "{err}");
        assert!(
            err.contains(&format!("is not valid UTF-8 at byte {offset}")),
            "{err}"
        );
        assert!(run.stdout.is_empty() || !text(&run.stdout).contains("plant-b"));
    }
}

#[test]
fn json_data_with_a_byte_order_mark_runs() {
    let data = std::fs::read_to_string(root().join("tests/data/coil.json")).unwrap_or_default();
    let path = temp("bom.json", &format!("\u{feff}{data}"));
    let run = pcr(&[
        "run",
        COIL,
        "--data",
        &path.to_string_lossy(),
        "--factors",
        "tests/data/grid.csv",
    ]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
}

#[test]
fn a_short_batch_row_is_refused_not_defaulted() {
    let path = temp(
        "short_row.csv",
        "id,output [t],electricity [MWh],natural_gas [GJ],materials\nplant-a,1000,450\n",
    );
    let run = pcr(&[
        "run",
        COIL,
        "--data",
        &path.to_string_lossy(),
        "--factors",
        "tests/data/grid.csv",
        "--format",
        "csv",
    ]);
    assert_eq!(run.status.code(), Some(1));
    assert!(!text(&run.stdout).contains("plant-a"));
    assert!(
        text(&run.stderr).contains("row 2, column 4"),
        "{}",
        text(&run.stderr)
    );
}

// Issue 12, "Results people can trust": constants, long `let` chains, plans.

#[test]
fn pcr_test_fails_when_a_top_level_let_expectation_is_wrong() {
    let source = std::fs::read_to_string(root().join(COIL)).unwrap_or_default();
    let with_let = |expected: &str| {
        format!("let expected = {expected}\n{source}").replace(
            "expect footprint == 452.225 kgCO2e within 0.1%",
            "expect footprint == expected within 0.1%",
        )
    };
    let wrong = with_let("270 kgCO2e");
    assert!(wrong.contains("== expected within"));
    let file = temp("wrong_expected_let.pcr", &wrong);
    let failed = pcr(&["test", &file.to_string_lossy()]);
    assert_eq!(failed.status.code(), Some(1), "{}", text(&failed.stderr));
    assert!(
        text(&failed.stdout)
            .lines()
            .any(|l| l == "0 passed, 1 failed"),
        "{}",
        text(&failed.stdout)
    );
    assert!(text(&failed.stderr).contains("E0501"));

    let file = temp("right_expected_let.pcr", &with_let("452.225 kgCO2e"));
    let ok = pcr(&["test", &file.to_string_lossy()]);
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok.stderr));
    assert!(text(&ok.stdout).lines().any(|l| l == "1 passed, 0 failed"));
}

fn long_rule(lets: &str, emission: &str) -> String {
    format!(
        "rule long {{\n    title \"长\" en \"Long\"\n    version \"1.0.0\"\n    declared_unit 1 t\n    boundary cradle_to_gate\n    gwp ar6\n    cutoff item 1% total 5%\n    input output: t\n{lets}    stage raw_material_acquisition {{\n        emission m = {emission}\n    }}\n    exclude stage production \"not modelled\" share 0.5%\n}}\n"
    )
}

#[test]
fn long_let_chains_build_and_long_cycles_are_e0103_not_a_crash() {
    let n = 20_000;
    let mut lets = String::from("    let x1 = 1 kg\n");
    for k in 2..=n {
        lets.push_str(&format!("    let x{k} = x{} + 1 kg\n", k - 1));
    }
    let file = temp(
        "long_chain.pcr",
        &long_rule(&lets, &format!("x{n} * 1 kgCO2e/kg / output")),
    );
    let plan = std::env::temp_dir().join(format!("pcr-long-chain-{}.json", std::process::id()));
    let built = pcr(&[
        "build",
        &file.to_string_lossy(),
        "-o",
        &plan.to_string_lossy(),
    ]);
    assert_eq!(built.status.code(), Some(0), "{}", text(&built.stderr));
    assert!(plan.exists());

    let n = 5_000;
    let mut lets = String::new();
    for k in 1..=n {
        let next = if k == n { 1 } else { k + 1 };
        lets.push_str(&format!("    let a{k}: kg = a{next}\n"));
    }
    let file = temp(
        "long_cycle.pcr",
        &long_rule(&lets, "a1 * 1 kgCO2e/kg / output"),
    );
    let checked = pcr(&["check", &file.to_string_lossy()]);
    assert_eq!(checked.status.code(), Some(1));
    let err = text(&checked.stderr);
    assert_eq!(err.matches("error[E0103]").count(), 1, "{err}");
    assert!(
        err.contains("`a1` → `a2`") && err.contains("5000 `let`s in all"),
        "{err}"
    );
}

#[test]
fn unknown_allocation_kinds_and_unrepresentable_literals_are_refused() {
    let source = std::fs::read_to_string(root().join(COIL)).unwrap_or_default();
    let bananas = source.replace("allocation physical", "allocation bananas");
    assert_ne!(bananas, source);
    let file = temp("bananas.pcr", &bananas);
    let plan = std::env::temp_dir().join(format!("pcr-bananas-{}.json", std::process::id()));
    let built = pcr(&[
        "build",
        &file.to_string_lossy(),
        "-o",
        &plan.to_string_lossy(),
    ]);
    assert_eq!(built.status.code(), Some(1));
    let err = text(&built.stderr);
    assert!(err.contains("unknown allocation kind `bananas`"), "{err}");
    assert!(err.contains("`system_expansion`"), "{err}");
    assert!(!plan.exists());

    for (literal, problem) in [("1e-999", "underflows to 0"), ("1e999", "overflows")] {
        let odd = source.replace(
            "0.06 kgCO2e/tkm source",
            &format!("{literal} kgCO2e/tkm source"),
        );
        assert_ne!(odd, source);
        let file = temp("odd_literal.pcr", &odd);
        let checked = pcr(&["check", &file.to_string_lossy()]);
        assert_eq!(checked.status.code(), Some(1));
        let err = text(&checked.stderr);
        assert!(
            err.contains("E0204") && err.contains(literal) && err.contains(problem),
            "{err}"
        );
    }
}

#[test]
fn a_dimension_a_plan_cannot_write_is_refused_not_rounded() {
    let rule = long_rule(
        "    input huge: m^9223372036854775807 * m^9223372036854775807\n",
        "output / output * 1 kgCO2e/t",
    );
    let file = temp("huge_exponent.pcr", &rule);
    let plan = std::env::temp_dir().join(format!("pcr-huge-{}.json", std::process::id()));
    let built = pcr(&[
        "build",
        &file.to_string_lossy(),
        "-o",
        &plan.to_string_lossy(),
    ]);
    assert_eq!(built.status.code(), Some(1), "{}", text(&built.stdout));
    let err = text(&built.stderr);
    assert!(err.contains("huge") && err.contains("too large"), "{err}");
    assert!(!plan.exists());
}
