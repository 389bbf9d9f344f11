//! The request modules, driven on the analysis state directly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use pcr_lsp::stdlib::StdlibDir;
use pcr_lsp::{code_action, completion, definition, diagnostics, hover, inlay_hints, State};
use tower_lsp_server::ls_types::{
    CodeActionOrCommand, CompletionResponse, GotoDefinitionResponse, HoverContents, InlayHintLabel,
    Position, Range, Uri,
};

const RULE: &str = include_str!("../../tests/rules/hot_rolled_coil.pcr");

fn state() -> State {
    let dir = std::env::temp_dir().join("pcr-lsp-unit-tests");
    let root = StdlibDir::write_to(&dir).ok();
    State::with_stdlib(StdlibDir { root })
}

fn uri() -> Uri {
    let path = std::env::temp_dir().join("pcr-lsp-unit-tests/rule.pcr");
    Uri::from_file_path(path).unwrap()
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

fn hover_text(s: &mut State, text: &str, needle: &str, delta: usize) -> String {
    let h = hover::hover(s, &uri(), pos(text, needle, delta)).expect("hover");
    match h.contents {
        HoverContents::Markup(m) => m.value,
        _ => String::new(),
    }
}

#[test]
fn clean_rule_has_no_errors() {
    let mut s = state();
    let affected = s.open(uri(), RULE.to_string(), 1);
    let published = diagnostics::check(&mut s, &affected);
    assert_eq!(published.len(), 1);
    for d in &published[0].1 {
        println!("{:?} {:?} {}", d.code, d.range, d.message);
    }
    assert!(published[0]
        .1
        .iter()
        .all(|d| d.severity != Some(tower_lsp_server::ls_types::DiagnosticSeverity::ERROR)));
}

#[test]
fn hovers() {
    let mut s = state();
    s.open(uri(), RULE.to_string(), 1);
    let h = hover_text(&mut s, RULE, "emission electricity", 10);
    println!("{h}");
    assert!(h.contains("CO2e/Mass · kgCO2e/kg"), "{h}");
    let h = hover_text(&mut s, RULE, "gwp.CO2", 5);
    println!("{h}");
    assert!(h.contains("ar6"), "{h}");
    let h = hover_text(&mut s, RULE, "input distance", 7);
    println!("{h}");
    assert!(h.contains("300 km"), "{h}");
    let h = hover_text(&mut s, RULE, "declared_unit 1 t", 16);
    println!("{h}");
    assert!(h.contains("tonne"), "{h}");
    let h = hover_text(&mut s, RULE, "electricity * grid", 13);
    println!("{h}");
    let h = hover_text(&mut s, RULE, "factor grid", 8);
    println!("{h}");
    let h = hover_text(&mut s, RULE, "m.mass * m.ef", 8);
    println!("{h}");
}

#[test]
fn definition_into_prelude() {
    let mut s = state();
    s.open(uri(), RULE.to_string(), 1);
    let d = definition::definition(&mut s, &uri(), pos(RULE, "boundary cradle_to_gate", 10))
        .expect("def");
    println!("{d:?}");
    let d = definition::definition(&mut s, &uri(), pos(RULE, "/ output", 3)).expect("def");
    println!("{d:?}");
}

#[test]
fn completions() {
    let mut s = state();
    let cases = [
        (
            "stage raw_material_acquisition {",
            "stage ",
            "raw_material_acquisition",
        ),
        ("gwp.CO2", "gwp.", "CH4"),
        ("as fossil", "", ""),
    ];
    let _ = cases;
    let text = RULE.replace(
        "emission gas = natural_gas * gas_ef * gwp.CO2 / output",
        "emission gas = natural_gas * gas_ef * gwp.",
    );
    s.open(uri(), text.clone(), 2);
    let items = completion::completion(&mut s, &uri(), pos(&text, "gwp.\n", 4)).expect("c");
    let labels: Vec<String> = match items {
        tower_lsp_server::ls_types::CompletionResponse::Array(v) => {
            v.into_iter().map(|i| i.label).collect()
        }
        _ => vec![],
    };
    println!("{labels:?}");
    assert!(labels.contains(&"CH4".to_string()));
    let text = RULE.replace(
        "let material_mass = sum(m in materials: m.mass)",
        "let material_mass = sum(m in materials: m.",
    );
    s.change(uri(), text.clone(), 3);
    let items = completion::completion(&mut s, &uri(), pos(&text, "m.\n", 2)).expect("c");
    let labels: Vec<String> = match items {
        tower_lsp_server::ls_types::CompletionResponse::Array(v) => {
            v.into_iter().map(|i| i.label).collect()
        }
        _ => vec![],
    };
    println!("{labels:?}");
    assert!(labels.contains(&"mass".to_string()));
}

#[tokio::test]
async fn a_panicking_job_is_caught_and_the_engine_lives_on() {
    let engine = pcr_lsp::Engine::start();
    let answer: Result<(), String> = engine
        .run(|_state| panic!("deliberate panic in a handler"))
        .await;
    assert_eq!(answer, Err("deliberate panic in a handler".to_string()));
    let uri = uri();
    let text = RULE.to_string();
    let published = engine
        .run(move |s| {
            let affected = s.open(uri, text, 1);
            diagnostics::check(s, &affected).len()
        })
        .await;
    assert_eq!(published, Ok(1));
}

#[test]
fn garbage_never_panics() {
    let mut s = state();
    let mut text = String::new();
    let mut x: u32 = 6;
    for _ in 0..3000 {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
        text.push(char::from_u32((x >> 16) % 0x3000).unwrap_or('?'));
    }
    for end in (0..RULE.len()).step_by(61) {
        if !RULE.is_char_boundary(end) {
            continue;
        }
        for t in [&RULE[..end], text.as_str()] {
            let affected = s.change(uri(), t.to_string(), end as i32);
            let _ = diagnostics::check(&mut s, &affected);
            let p = Position::new(t.matches('\n').count() as u32, 2);
            let _ = hover::hover(&mut s, &uri(), p);
            let _ = completion::completion(&mut s, &uri(), p);
            let _ = definition::definition(&mut s, &uri(), p);
        }
    }
}

fn labels_at(s: &mut State, text: &str, needle: &str, delta: usize) -> Vec<String> {
    match completion::completion(s, &uri(), pos(text, needle, delta)).expect("completion") {
        CompletionResponse::Array(v) => v.into_iter().map(|i| i.label).collect(),
        CompletionResponse::List(l) => l.items.into_iter().map(|i| i.label).collect(),
    }
}

#[test]
fn given_offers_the_variants_of_the_inputs_enum() {
    let mut s = state();
    let text = RULE.replace(
        "        given grid = 0.6205 kgCO2e/kWh\n",
        "        given grid = 0.6205 kgCO2e/kWh\n        given route = \n",
    );
    s.open(uri(), text.clone(), 1);
    let labels = labels_at(&mut s, &text, "given route = \n", 14);
    println!("{labels:?}");
    assert_eq!(labels, vec!["bf_bof".to_string(), "eaf".to_string()]);
}

#[test]
fn expect_stage_offers_only_the_boundarys_stages() {
    let mut s = state();
    let text = RULE.replace(
        "        expect grade == A\n",
        "        expect grade == A\n        expect stage \n",
    );
    s.open(uri(), text.clone(), 1);
    let labels = labels_at(&mut s, &text, "expect stage \n", 13);
    println!("{labels:?}");
    assert!(labels.contains(&"production".to_string()), "{labels:?}");
    assert!(!labels.contains(&"end_of_life".to_string()), "{labels:?}");
    assert!(!labels.contains(&"B6".to_string()), "{labels:?}");
}

#[test]
fn units_complete_as_values_in_expressions() {
    let mut s = state();
    let text = RULE.replace(
        "emission electricity = electricity * grid / output",
        "emission electricity = electricity * grid / output * kW",
    );
    s.open(uri(), text.clone(), 1);
    let labels = labels_at(&mut s, &text, "output * kW", 11);
    println!("{labels:?}");
    assert!(labels.contains(&"kWh".to_string()), "{labels:?}");
}

/// The quick fixes offered for the diagnostic whose range starts at `needle`.
fn quick_fixes(s: &mut State, text: &str, needle: &str) -> Vec<(String, String)> {
    static VERSION: std::sync::atomic::AtomicI32 = std::sync::atomic::AtomicI32::new(1);
    let version = VERSION.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let affected = s.open(uri(), text.to_string(), version);
    for (_, published, _) in diagnostics::check(s, &affected) {
        for d in published {
            println!("{:?} {:?} {}", d.code, d.range, d.message);
        }
    }
    let at = pos(text, needle, 0);
    let actions = code_action::actions(s, &uri(), Range::new(at, at), &[]).expect("code actions");
    actions
        .into_iter()
        .filter_map(|a| match a {
            CodeActionOrCommand::CodeAction(a) => Some(a),
            CodeActionOrCommand::Command(_) => None,
        })
        .flat_map(|a| {
            let edits = a.edit.and_then(|e| e.changes).unwrap_or_default();
            let title = a.title.clone();
            edits
                .into_values()
                .flatten()
                .map(move |e| (title.clone(), e.new_text))
        })
        .collect()
}

#[test]
fn a_misspelt_unit_has_a_quick_fix() {
    let mut s = state();
    let text = RULE.replace("input electricity: MWh", "input electricity: MWH");
    let fixes = quick_fixes(&mut s, &text, "MWH");
    println!("{fixes:?}");
    assert_eq!(
        fixes,
        vec![("replace with `MWh`".to_string(), "MWh".to_string())]
    );
}

#[test]
fn a_misspelt_stage_variant_and_gas_have_quick_fixes() {
    let mut s = state();
    let text = RULE.replace("expect stage production ==", "expect stage productoin ==");
    let fixes = quick_fixes(&mut s, &text, "productoin");
    assert_eq!(
        fixes,
        vec![(
            "replace with `production`".to_string(),
            "production".to_string()
        )]
    );
    let text = RULE.replace(
        "input route: Route = bf_bof",
        "input route: Route = Route.bf_bfo",
    );
    let fixes = quick_fixes(&mut s, &text, "bf_bfo");
    assert_eq!(
        fixes,
        vec![("replace with `bf_bof`".to_string(), "bf_bof".to_string())]
    );
    let text = RULE.replace("gwp.CO2 / output", "gwp.CO22 / output");
    let fixes = quick_fixes(&mut s, &text, "CO22");
    assert_eq!(
        fixes,
        vec![("replace with `gwp.CO2`".to_string(), "CO2".to_string())]
    );
    let text = RULE.replace("stage production {", "stage prodution {");
    let fixes = quick_fixes(&mut s, &text, "prodution");
    assert_eq!(
        fixes,
        vec![(
            "replace with `production`".to_string(),
            "production".to_string()
        )]
    );
}

#[test]
fn hover_shows_units_as_written_and_dimensions_by_name() {
    let mut s = state();
    s.open(uri(), RULE.to_string(), 1);
    let h = hover_text(&mut s, RULE, "electricity * grid", 16);
    println!("{h}");
    assert!(h.contains("CO2e/Energy · kgCO2e/kWh"), "{h}");
    let h = hover_text(&mut s, RULE, "electricity * grid", 3);
    println!("{h}");
    assert!(h.contains("Energy · MWh"), "{h}");
    let h = hover_text(&mut s, RULE, "= 300 km", 3);
    println!("{h}");
    assert!(h.contains("`Length · km`"), "{h}");
}

#[test]
fn inlay_hints_show_a_literals_unit_as_written() {
    let mut s = state();
    let text = RULE.replace(
        "let material_mass =",
        "let base_load = 3 MWh\n    let material_mass =",
    );
    s.open(uri(), text.clone(), 1);
    let everything = Range::new(Position::new(0, 0), Position::new(10_000, 0));
    let hints = inlay_hints::hints(&mut s, &uri(), everything).expect("hints");
    let labels: Vec<String> = hints
        .into_iter()
        .filter_map(|h| match h.label {
            InlayHintLabel::String(l) => Some(l),
            InlayHintLabel::LabelParts(_) => None,
        })
        .collect();
    println!("{labels:?}");
    assert!(labels.contains(&": Energy · MWh".to_string()), "{labels:?}");
}

#[test]
fn definition_into_the_prelude_opens_the_workspaces_stdlib_rules() {
    let workspace = std::env::temp_dir().join(format!("pcr-lsp-workspace-{}", std::process::id()));
    for (path, text) in pcr_compiler::prelude::EMBEDDED {
        let file = workspace.join("stdlib-rules").join(path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, text).unwrap();
    }
    let rule = workspace.join("rules/rule.pcr");
    std::fs::create_dir_all(rule.parent().unwrap()).unwrap();
    std::fs::write(&rule, RULE).unwrap();
    let rule_uri = Uri::from_file_path(&rule).unwrap();
    let mut s = state();
    s.open(rule_uri.clone(), RULE.to_string(), 1);
    let d = definition::definition(&mut s, &rule_uri, pos(RULE, "boundary cradle_to_gate", 10))
        .expect("definition");
    let GotoDefinitionResponse::Scalar(location) = d else {
        panic!("one location: {d:?}");
    };
    let path = location.uri.to_file_path().unwrap().into_owned();
    println!("{path:?}");
    assert!(
        path.starts_with(workspace.join("stdlib-rules/std")),
        "{path:?}"
    );
    // A workspace copy that differs from the embedded text is not used (its
    // spans would be wrong).
    for (path, text) in pcr_compiler::prelude::EMBEDDED {
        std::fs::write(
            workspace.join("stdlib-rules").join(path),
            format!("// edited\n{text}"),
        )
        .unwrap();
    }
    let d = definition::definition(&mut s, &rule_uri, pos(RULE, "boundary cradle_to_gate", 10))
        .expect("definition");
    let GotoDefinitionResponse::Scalar(location) = d else {
        panic!("one location: {d:?}");
    };
    let path = location.uri.to_file_path().unwrap().into_owned();
    assert!(!path.starts_with(&workspace), "{path:?}");
    let _ = std::fs::remove_dir_all(&workspace);
}
