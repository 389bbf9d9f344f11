//! Requests answered from the compiler's semantic API: imported modules'
//! errors placed at the import from the compiler's import edges, each
//! reference once, definitions of names the server used to resolve itself.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use pcr_lsp::stdlib::StdlibDir;
use pcr_lsp::{definition, diagnostics, references, rename, State};
use std::path::PathBuf;
use tower_lsp_server::ls_types::{GotoDefinitionResponse, Position, Uri};

const RULE: &str = include_str!("../../tests/rules/hot_rolled_coil.pcr");

fn folder(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("pcr-lsp-semantic-{name}"));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn state() -> State {
    let root = StdlibDir::write_to(&folder("stdlib")).ok();
    State::with_stdlib(StdlibDir { root })
}

fn pos(text: &str, needle: &str, delta: usize) -> Position {
    let at = text.find(needle).unwrap() + delta;
    let line = text[..at].matches('\n').count() as u32;
    let col = text[..at]
        .rsplit('\n')
        .next()
        .unwrap()
        .encode_utf16()
        .count() as u32;
    Position::new(line, col)
}

#[test]
fn an_error_in_a_module_imported_through_another_is_shown_at_the_import() {
    let dir = folder("imports");
    std::fs::write(dir.join("outer.pcr"), "import inner\n").unwrap();
    std::fs::write(
        dir.join("inner.pcr"),
        "fn broken(x: t) -> t = x * 2 furlongs\n",
    )
    .unwrap();
    let text = format!("import outer\n{RULE}");
    let uri = Uri::from_file_path(dir.join("rule.pcr")).unwrap();
    let mut s = state();
    let affected = s.open(uri, text, 1);
    let published = diagnostics::check(&mut s, &affected);
    let shown: Vec<_> = published[0]
        .1
        .iter()
        .filter(|d| d.message.contains("in imported module"))
        .collect();
    assert_eq!(shown.len(), 1, "{shown:?}");
    assert!(
        shown[0].message.contains("inner.pcr"),
        "{}",
        shown[0].message
    );
    assert_eq!(shown[0].range.start, Position::new(0, 0));
    assert_eq!(shown[0].range.end, Position::new(0, 12));
}

#[test]
fn a_stage_is_referred_to_by_its_block_and_its_expectation_once_each() {
    let uri = Uri::from_file_path(folder("stages").join("rule.pcr")).unwrap();
    let mut s = state();
    s.open(uri.clone(), RULE.to_string(), 1);
    let at = pos(RULE, "stage production {", 7);
    let found = references::references(&mut s, &uri, at, false).expect("references");
    let in_rule: Vec<_> = found.iter().filter(|l| l.uri == uri).collect();
    assert_eq!(in_rule.len(), 2, "{in_rule:?}");
    assert!(in_rule
        .iter()
        .any(|l| l.range.start == pos(RULE, "expect stage production", 13)));
    assert!(in_rule
        .iter()
        .any(|l| l.range.start == pos(RULE, "stage production {", 6)));
}

#[test]
fn a_unit_in_a_type_position_goes_to_its_declaration() {
    let uri = Uri::from_file_path(folder("units").join("rule.pcr")).unwrap();
    let mut s = state();
    s.open(uri.clone(), RULE.to_string(), 1);
    let at = pos(RULE, "electricity: MWh", 14);
    let Some(GotoDefinitionResponse::Scalar(loc)) = definition::definition(&mut s, &uri, at) else {
        panic!("no definition");
    };
    assert!(loc.uri.as_str().ends_with(".pcr"), "{loc:?}");
    assert_ne!(loc.uri, uri);
}

#[test]
fn an_import_goes_to_its_module_and_is_not_renamed() {
    let dir = folder("rename");
    std::fs::write(dir.join("helpers.pcr"), "let two = 2\n").unwrap();
    let text = format!("import helpers\n{RULE}");
    let uri = Uri::from_file_path(dir.join("rule.pcr")).unwrap();
    let mut s = state();
    s.open(uri.clone(), text.clone(), 1);
    let at = pos(&text, "helpers", 2);
    let Some(GotoDefinitionResponse::Scalar(loc)) = definition::definition(&mut s, &uri, at) else {
        panic!("no definition");
    };
    assert!(loc.uri.as_str().ends_with("helpers.pcr"), "{loc:?}");
    assert!(rename::prepare(&mut s, &uri, at).is_none());
    assert!(rename::rename(&mut s, &uri, at, "other").is_err());
}
