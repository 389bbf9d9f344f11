//! The request modules, driven on the analysis state directly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use pcr_lsp::stdlib::StdlibDir;
use pcr_lsp::{completion, definition, diagnostics, hover, State};
use tower_lsp_server::ls_types::{HoverContents, Position, Uri};

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
