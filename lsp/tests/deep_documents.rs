//! Documents whose analysis recurses deeply (long sums, nested parentheses,
//! cycles of `let`s) get diagnostics on the analysis thread, and the thread
//! lives on: a stack overflow there cannot be caught and would kill the server.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use pcr_lsp::{diagnostics, hover, Engine};
use std::str::FromStr;
use tower_lsp_server::ls_types::{HoverContents, Position, Uri};

const HEADER: &str = "rule deep {
    title \"深\" en \"Deep\"
    version \"0.1.0\"
    declared_unit 1 t
    boundary cradle_to_gate
    gwp ar6
    cutoff item 1% total 5%
    input output: t
";

fn rule(body: &str) -> String {
    format!(
        "{HEADER}{body}
    stage raw_material_acquisition {{
        emission none = 0 kgCO2e / output
    }}
    stage production {{
        emission e = mass * 1 kgCO2e/kg / output
    }}
}}
"
    )
}

/// A sum of 600 terms.
pub fn long_sum() -> String {
    let terms = vec!["1 kg"; 600].join(" + ");
    rule(&format!("    let mass = {terms}\n"))
}

/// 800 nested parentheses.
pub fn nested_parentheses() -> String {
    let open = "(".repeat(800);
    let close = ")".repeat(800);
    rule(&format!("    let mass = {open}1 kg{close}\n"))
}

/// 250 `let`s, each using the next, the last using the first.
pub fn let_cycle() -> String {
    let mut body = String::from("    let mass = a0\n");
    for i in 0..250 {
        body.push_str(&format!("    let a{i} = a{} + 1 kg\n", (i + 1) % 250));
    }
    rule(&body)
}

#[tokio::test]
async fn deep_documents_get_diagnostics_and_the_analysis_thread_survives() {
    let engine = Engine::start();
    let documents = [
        ("long-sum", long_sum()),
        ("nested-parentheses", nested_parentheses()),
        ("let-cycle", let_cycle()),
    ];
    for (name, text) in documents {
        assert!(text.len() <= 8 * 1024, "{name}: {} bytes", text.len());
        let uri = Uri::from_str(&format!("untitled:{name}.pcr")).unwrap();
        let target = uri.clone();
        let published = engine
            .run(move |s| {
                let affected = s.open(target, text, 1);
                diagnostics::check(s, &affected)
            })
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(published.len(), 1, "{name}");
        assert_eq!(published[0].0, uri, "{name}");
        assert_eq!(published[0].2, Some(1), "{name}");
        if name == "let-cycle" {
            assert!(
                !published[0].1.is_empty(),
                "{name}: a cycle of lets is reported"
            );
        }
    }
    // The thread still answers: a hover on a fresh, small document.
    let text = rule("    let mass = 2 kg\n");
    let at = text.find("emission e").unwrap() + "emission ".len();
    let line = text[..at].matches('\n').count() as u32;
    let column = (at - text[..at].rfind('\n').unwrap() - 1) as u32;
    let uri = Uri::from_str("untitled:small.pcr").unwrap();
    let shown = engine
        .run(move |s| {
            s.open(uri.clone(), text, 1);
            hover::hover(s, &uri, Position::new(line, column))
        })
        .await
        .expect("the analysis thread answers")
        .expect("a hover");
    let HoverContents::Markup(m) = shown.contents else {
        panic!("markup hover");
    };
    assert!(m.value.contains("CO2e/Mass"), "{}", m.value);
}
