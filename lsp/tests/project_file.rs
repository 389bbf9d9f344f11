//! The project file (`pcr.toml`) in the editor: its factor databases check
//! `db` keys (E0401) as `pcr check` does, `[lsp] warnings = false` hides W
//! codes, a broken file is reported, and edits of it are picked up; driven
//! on the analysis state directly, with projects in temporary folders.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use pcr_lsp::stdlib::StdlibDir;
use pcr_lsp::{diagnostics, State};
use std::path::{Path, PathBuf};
use tower_lsp_server::ls_types::{Diagnostic, DiagnosticSeverity, NumberOrString, Uri};

const FACTORS: &str = "key,value,unit,source,year,region
CN.electricity.footprint.2023,0.6205,kgCO2e/kWh,\"illustrative\",2023,CN
";

/// A rule with one `db` factor and an unused input (W0001).
fn rule(key: &str) -> String {
    format!(
        "rule steel {{
    title \"钢\" en \"Steel\"
    version \"0.1.0\"
    declared_unit 1 t
    boundary cradle_to_gate
    gwp ar6
    cutoff item 1% total 5%

    input output: t
    input water: m3
    input electricity: MWh
    factor grid: kgCO2e/kWh = db \"{key}\"

    stage raw_material_acquisition {{
        emission ore = 20 kgCO2e/t
    }}
    stage production {{
        emission power = electricity * grid / output
    }}
}}
"
    )
}

const PRESENT: &str = "CN.electricity.footprint.2023";
const MISSING: &str = "CN.electricity.footprint.1999";

/// A fresh project folder holding `pcr.toml` and `grid.csv`.
fn project(name: &str, toml: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("pcr-lsp-project-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("rules")).unwrap();
    std::fs::write(dir.join("grid.csv"), FACTORS).unwrap();
    std::fs::write(dir.join("pcr.toml"), toml).unwrap();
    dir
}

fn state() -> State {
    let dir = std::env::temp_dir().join("pcr-lsp-unit-tests");
    let root = StdlibDir::write_to(&dir).ok();
    State::with_stdlib(StdlibDir { root })
}

fn uri(path: &Path) -> Uri {
    Uri::from_file_path(path).unwrap()
}

/// The diagnostics published for `uri` after `affected` were checked.
fn published(s: &mut State, affected: &[Uri], uri: &Uri) -> Vec<Diagnostic> {
    let all = diagnostics::check(s, affected);
    all.into_iter()
        .find(|(u, _, _)| u == uri)
        .map(|(_, d, _)| d)
        .unwrap_or_else(|| panic!("nothing published for {}", uri.as_str()))
}

/// Open a rule in the project's `rules/` folder: its diagnostics.
fn open_rule(s: &mut State, dir: &Path, text: &str) -> (Uri, Vec<Diagnostic>) {
    let u = uri(&dir.join("rules/steel.pcr"));
    let affected = s.open(u.clone(), text.to_string(), 1);
    let d = published(s, &affected, &u);
    (u, d)
}

fn codes(diags: &[Diagnostic]) -> Vec<String> {
    diags
        .iter()
        .filter_map(|d| match &d.code {
            Some(NumberOrString::String(c)) => Some(c.clone()),
            _ => None,
        })
        .collect()
}

fn has(diags: &[Diagnostic], code: &str) -> bool {
    codes(diags).iter().any(|c| c == code)
}

const CHECKED: &str = "factors = [\"grid.csv\"]\n\n[lsp]\ncheck_factors = true\n";

#[test]
fn a_db_key_missing_from_the_project_factors_is_e0401() {
    let dir = project("e0401", CHECKED);
    let mut s = state();
    let (_, found) = open_rule(&mut s, &dir, &rule(PRESENT));
    assert!(!has(&found, "E0401"), "{found:?}");
    assert!(
        found
            .iter()
            .all(|d| d.severity != Some(DiagnosticSeverity::ERROR)),
        "{found:?}"
    );

    let mut s = state();
    let (_, found) = open_rule(&mut s, &dir, &rule(MISSING));
    let e0401: Vec<_> = found
        .iter()
        .filter(|d| has(std::slice::from_ref(*d), "E0401"))
        .collect();
    assert_eq!(e0401.len(), 1, "{found:?}");
    // As `pcr check` says it, run in the project's folder.
    assert!(
        e0401[0].message.starts_with(&format!(
            "factor `grid`: key `{MISSING}` is not in the factor database\nnote: looked in `grid.csv`"
        )),
        "{}",
        e0401[0].message
    );
    // On the factor's declaration, line 12 (0-based 11).
    assert_eq!(e0401[0].range.start.line, 11, "{:?}", e0401[0].range);
}

#[test]
fn check_factors_false_or_no_project_checks_no_keys() {
    let dir = project(
        "unchecked",
        "factors = [\"grid.csv\"]\n[lsp]\ncheck_factors = false\n",
    );
    let mut s = state();
    let (_, found) = open_rule(&mut s, &dir, &rule(MISSING));
    assert!(!has(&found, "E0401"), "{found:?}");

    // An untitled document has no project.
    let mut s = state();
    let u: Uri = "untitled:steel.pcr".parse().unwrap();
    let affected = s.open(u.clone(), rule(MISSING), 1);
    let found = published(&mut s, &affected, &u);
    assert!(!has(&found, "E0401"), "{found:?}");
}

#[test]
fn warnings_false_hides_w_codes() {
    let dir = project("warnings-on", CHECKED);
    let mut s = state();
    let (_, found) = open_rule(&mut s, &dir, &rule(PRESENT));
    assert!(has(&found, "W0001"), "{found:?}");

    let dir = project(
        "warnings-off",
        "factors = [\"grid.csv\"]\n[lsp]\nwarnings = false\n",
    );
    let mut s = state();
    let (_, found) = open_rule(&mut s, &dir, &rule(MISSING));
    assert!(!has(&found, "W0001"), "{found:?}");
    // Errors are still shown.
    assert!(has(&found, "E0401"), "{found:?}");
}

#[test]
fn a_broken_project_file_is_reported_on_the_rule_the_file_and_once_to_the_user() {
    let dir = project(
        "broken",
        "factors = [\"grid.csv\"]\n\n[lsp]\nwarning = false\n",
    );
    let toml = dir.join("pcr.toml");
    let mut s = state();
    let (rule_uri, found) = open_rule(&mut s, &dir, &rule(PRESENT));
    let first = found
        .iter()
        .find(|d| d.message.contains("project file"))
        .unwrap_or_else(|| panic!("no project diagnostic: {found:?}"));
    assert_eq!(first.range.start.line, 0, "{first:?}");
    assert_eq!(first.severity, Some(DiagnosticSeverity::ERROR));
    assert!(first.message.contains("pcr.toml:4"), "{}", first.message);
    assert!(
        first.message.contains("key `lsp.warning`"),
        "{}",
        first.message
    );
    assert!(
        first.message.contains("unknown field `warning`"),
        "{}",
        first.message
    );

    // One message for the user, not one per check.
    let messages = s.projects.take_messages();
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert!(messages[0].contains("lsp.warning"), "{messages:?}");
    let again = published(&mut s, std::slice::from_ref(&rule_uri), &rule_uri);
    assert!(
        again.iter().any(|d| d.message.contains("project file")),
        "{again:?}"
    );
    assert!(s.projects.take_messages().is_empty());

    // The file itself, opened: the diagnostic on its line 4.
    let toml_uri = uri(&toml);
    let text = std::fs::read_to_string(&toml).unwrap();
    let affected = s.open(toml_uri.clone(), text, 1);
    assert!(affected.contains(&rule_uri), "{affected:?}");
    let on_file = published(&mut s, &affected, &toml_uri);
    assert_eq!(on_file.len(), 1, "{on_file:?}");
    assert_eq!(on_file[0].range.start.line, 3, "{on_file:?}");
    assert!(on_file[0].message.contains("lsp.warning"), "{on_file:?}");
}

#[test]
fn a_missing_or_unreadable_factor_file_is_reported() {
    let dir = project("missing-path", "factors = [\"no/such.csv\"]\n");
    let mut s = state();
    let (_, found) = open_rule(&mut s, &dir, &rule(PRESENT));
    assert!(
        found.iter().any(|d| d.range.start.line == 0
            && d.message.contains("key `factors`")
            && d.message.contains("no/such.csv")),
        "{found:?}"
    );

    let dir = project("bad-csv", CHECKED);
    std::fs::write(dir.join("grid.csv"), "key,value\nA,not a number\n").unwrap();
    let mut s = state();
    let (_, found) = open_rule(&mut s, &dir, &rule(PRESENT));
    assert!(
        found
            .iter()
            .any(|d| d.range.start.line == 0 && d.message.contains("factor database `grid.csv`")),
        "{found:?}"
    );
}

#[test]
fn edits_of_the_project_file_are_picked_up() {
    let dir = project(
        "edited",
        "factors = [\"grid.csv\"]\n[lsp]\ncheck_factors = false\n",
    );
    let toml = dir.join("pcr.toml");
    let mut s = state();
    let (rule_uri, found) = open_rule(&mut s, &dir, &rule(MISSING));
    assert!(!has(&found, "E0401"), "{found:?}");

    // Written on disk by another program: the watcher's notice re-checks the rule.
    std::fs::write(&toml, CHECKED).unwrap();
    let affected = s.disk_changed(&uri(&toml));
    assert!(affected.contains(&rule_uri), "{affected:?}");
    let found = published(&mut s, &affected, &rule_uri);
    assert!(has(&found, "E0401"), "{found:?}");

    // Edited, unsaved, in the editor: the open text counts.
    let toml_uri = uri(&toml);
    s.open(toml_uri.clone(), CHECKED.to_string(), 1);
    let affected = s.change(
        toml_uri.clone(),
        "factors = [\"grid.csv\"]\n[lsp]\ncheck_factors = false\n".to_string(),
        2,
    );
    assert!(affected.contains(&rule_uri), "{affected:?}");
    let found = published(&mut s, &affected, &rule_uri);
    assert!(!has(&found, "E0401"), "{found:?}");

    // Closed without saving: the text on disk again.
    let affected = s.close(&toml_uri);
    let found = published(&mut s, &affected, &rule_uri);
    assert!(has(&found, "E0401"), "{found:?}");
}

#[test]
fn a_changed_factor_file_is_read_again() {
    let dir = project("refactored", CHECKED);
    let mut s = state();
    let (rule_uri, found) = open_rule(&mut s, &dir, &rule(MISSING));
    assert!(has(&found, "E0401"), "{found:?}");
    let more = format!("{FACTORS}{MISSING},0.9,kgCO2e/kWh,\"illustrative\",1999,CN\n");
    std::fs::write(dir.join("grid.csv"), more).unwrap();
    let affected = s.disk_changed(&uri(&dir.join("grid.csv")));
    assert!(affected.contains(&rule_uri), "{affected:?}");
    let found = published(&mut s, &affected, &rule_uri);
    assert!(!has(&found, "E0401"), "{found:?}");
}
