//! Completion offers every built-in function with what it does, `round`
//! and `co2e` included.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use pcr_lsp::stdlib::StdlibDir;
use pcr_lsp::{completion, State};
use tower_lsp_server::ls_types::{CompletionResponse, Documentation, Position, Uri};

const RULE: &str = include_str!("../../tests/rules/refrigerant_releases.pcr");

#[test]
fn builtins_are_completed_with_their_meaning() {
    let dir = std::env::temp_dir().join("pcr-lsp-builtin-completion");
    let root = StdlibDir::write_to(&dir).ok();
    let mut s = State::with_stdlib(StdlibDir { root });
    let uri = Uri::from_file_path(dir.join("rule.pcr")).unwrap();
    for (version, name) in ["round", "co2e", "min", "max", "abs"]
        .into_iter()
        .enumerate()
    {
        // The name's first letter typed where a value goes.
        let typed = format!("emission electricity = {}", &name[..1]);
        let text = RULE.replace("emission electricity = electricity * grid / output", &typed);
        s.open(uri.clone(), text.clone(), version as i32 + 1);
        let at = text.find(&typed).unwrap() + typed.len();
        let line = text[..at].matches('\n').count() as u32;
        let col = text[..at]
            .rsplit('\n')
            .next()
            .unwrap()
            .encode_utf16()
            .count() as u32;
        let items = match completion::completion(&mut s, &uri, Position::new(line, col)).expect("c")
        {
            CompletionResponse::Array(v) => v,
            CompletionResponse::List(l) => l.items,
        };
        let item = items
            .iter()
            .find(|i| i.label == name)
            .unwrap_or_else(|| panic!("no completion `{name}`"));
        let doc = match &item.documentation {
            Some(Documentation::MarkupContent(m)) => m.value.clone(),
            Some(Documentation::String(s)) => s.clone(),
            None => String::new(),
        };
        assert!(doc.contains(&format!("`{name}(")), "{name}: {doc}");
    }
}
