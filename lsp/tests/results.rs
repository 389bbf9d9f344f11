//! Results (`result NAME … = EXPR`) in the editor: hover, definition,
//! references, rename, completion and document symbols, all answered from
//! the compiler's semantic API.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use pcr_lsp::stdlib::StdlibDir;
use pcr_lsp::{completion, definition, hover, references, rename, symbols, State};
use std::path::PathBuf;
use tower_lsp_server::ls_types::{
    CompletionResponse, DocumentSymbolResponse, GotoDefinitionResponse, HoverContents, Position,
    Uri,
};

const RULE: &str = r#"rule steel {
    title "钢" en "Steel"
    version "0.1.0"
    declared_unit 1 t
    boundary cradle_to_gate
    gwp ar6
    cutoff item 1% total 5%

    input output: t
    input electricity: MWh
    factor grid: kgCO2e/kWh = 0.5 kgCO2e/kWh source "illustrative"

    let power_per_t = electricity / output

    stage raw_material_acquisition {
        emission ore = 20 kgCO2e/t
    }
    stage production {
        emission power = electricity * grid / output
    }
    /// The share of production in the footprint.
    result production_share "生产占比" en "Production share": ratio = stage.production / footprint
    result rounded = round(emission.power, 1 kgCO2e)
    example "plant" {
        given output = 1 t
        given electricity = 1 MWh
        expect result rounded == 500 kgCO2e
        expect value power_per_t == 1 MWh/t
    }
}
"#;

fn folder(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("pcr-lsp-results-{name}"));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn open(name: &str, text: &str) -> (State, Uri) {
    let root = StdlibDir::write_to(&folder("stdlib")).ok();
    let mut s = State::with_stdlib(StdlibDir { root });
    let uri = Uri::from_file_path(folder(name).join("rule.pcr")).unwrap();
    s.open(uri.clone(), text.to_string(), 1);
    (s, uri)
}

fn pos(text: &str, needle: &str, delta: usize) -> Position {
    let at = text.find(needle).expect(needle) + delta;
    let line = text[..at].matches('\n').count() as u32;
    let col = text[..at]
        .rsplit('\n')
        .next()
        .unwrap()
        .encode_utf16()
        .count() as u32;
    Position::new(line, col)
}

fn hover_text(s: &mut State, uri: &Uri, needle: &str, delta: usize) -> String {
    let h = hover::hover(s, uri, pos(RULE, needle, delta)).expect(needle);
    match h.contents {
        HoverContents::Markup(m) => m.value,
        other => panic!("{other:?}"),
    }
}

fn labels(r: Option<CompletionResponse>) -> Vec<String> {
    match r {
        Some(CompletionResponse::Array(items)) => items.into_iter().map(|i| i.label).collect(),
        other => panic!("{other:?}"),
    }
}

#[test]
fn hover_on_a_result_shows_its_labels_doc_unit_and_that_it_is_reported() {
    let (mut s, uri) = open("hover", RULE);
    let text = hover_text(&mut s, &uri, "result production_share", 8);
    assert!(text.contains("result production_share: ratio"), "{text}");
    assert!(text.contains("生产占比 · Production share"), "{text}");
    assert!(text.contains("The share of production"), "{text}");
    assert!(text.contains("never summed into the footprint"), "{text}");
    // From `expect result`, the same declaration.
    let text = hover_text(&mut s, &uri, "expect result rounded", 15);
    assert!(text.contains("result rounded"), "{text}");
    assert!(text.contains("CO2e"), "{text}");
}

#[test]
fn hover_on_reported_amounts_and_builtins_explains_them() {
    let (mut s, uri) = open("words", RULE);
    let text = hover_text(&mut s, &uri, "/ footprint", 4);
    assert!(text.contains("footprint per declared unit"), "{text}");
    let text = hover_text(&mut s, &uri, "stage.production /", 2);
    assert!(text.contains("each stage of the boundary"), "{text}");
    // `stage.production` names the stage.
    let text = hover_text(&mut s, &uri, "stage.production /", 8);
    assert!(text.contains("stage production"), "{text}");
    let text = hover_text(&mut s, &uri, "round(", 2);
    assert!(text.contains("round(q, step)"), "{text}");
}

#[test]
fn a_result_goes_to_its_declaration_and_renames_with_its_expectation() {
    let (mut s, uri) = open("rename", RULE);
    let at = pos(RULE, "expect result rounded", 16);
    let Some(GotoDefinitionResponse::Scalar(loc)) = definition::definition(&mut s, &uri, at) else {
        panic!("no definition");
    };
    assert_eq!(loc.range.start, pos(RULE, "result rounded", 7));
    let found = references::references(&mut s, &uri, at, true).expect("references");
    assert_eq!(found.len(), 2, "{found:?}");
    let edit = rename::rename(&mut s, &uri, at, "rounded_power")
        .expect("renamed")
        .expect("an edit");
    let edits = edit.changes.expect("changes");
    assert_eq!(edits.get(&uri).map(Vec::len), Some(2), "{edits:?}");
    // An `expect value` goes to its `let`.
    let at = pos(RULE, "expect value power_per_t", 14);
    let Some(GotoDefinitionResponse::Scalar(loc)) = definition::definition(&mut s, &uri, at) else {
        panic!("no definition");
    };
    assert_eq!(loc.range.start, pos(RULE, "let power_per_t", 4));
}

#[test]
fn completion_offers_results_lets_and_reported_amounts() {
    let with = |line: &str| RULE.replace("        expect value power_per_t == 1 MWh/t\n", line);
    let text = with("        expect result \n");
    let (mut s, uri) = open("complete-result", &text);
    let got = labels(completion::completion(
        &mut s,
        &uri,
        pos(&text, "expect result \n", 14),
    ));
    assert!(got.contains(&"production_share".to_string()), "{got:?}");
    assert!(got.contains(&"rounded".to_string()), "{got:?}");
    let text = with("        expect value \n");
    let (mut s, uri) = open("complete-value", &text);
    let got = labels(completion::completion(
        &mut s,
        &uri,
        pos(&text, "expect value \n", 13),
    ));
    assert_eq!(got, vec!["power_per_t".to_string()]);
    for (word, want) in [
        ("stage.", "production"),
        ("category.", "fossil"),
        ("emission.", "ore"),
    ] {
        let text = RULE.replace("round(emission.power, 1 kgCO2e)", word);
        let (mut s, uri) = open(&format!("complete-{word}"), &text);
        let at = pos(&text, &format!("rounded = {word}"), 10 + word.len());
        let got = labels(completion::completion(&mut s, &uri, at));
        assert!(got.contains(&want.to_string()), "{word}: {got:?}");
    }
}

#[test]
fn results_are_document_symbols_of_their_rule() {
    let (mut s, uri) = open("symbols", RULE);
    let Some(DocumentSymbolResponse::Nested(top)) = symbols::document_symbols(&mut s, &uri) else {
        panic!("no symbols");
    };
    let rule = top.iter().find(|d| d.name == "steel").expect("the rule");
    let children = rule.children.as_ref().expect("children");
    assert!(
        children.iter().any(|c| c.name == "production_share"),
        "{children:?}"
    );
}
