//! The generated reference chapters (`docs/src/diagnostics.md`,
//! `docs/src/prelude.md`) are what the generator makes of the code today:
//! regenerate them in memory and compare with the committed files.

#[path = "../examples/gen_reference.rs"]
mod gen_reference;

use gen_reference::{chapters, workspace_root, COMMAND};

#[test]
fn generated_chapters_match_the_code() {
    let chapters = match chapters() {
        Ok(c) => c,
        Err(e) => panic!("cannot generate the reference: {e}"),
    };
    let root = workspace_root();
    let mut stale = Vec::new();
    for (path, expected) in &chapters {
        let committed = std::fs::read_to_string(root.join(path)).unwrap_or_default();
        if committed != *expected {
            let line = first_difference(&committed, expected);
            stale.push(format!("`{path}` (first difference at line {line})"));
        }
    }
    assert!(
        stale.is_empty(),
        "out of date: {}; run `{COMMAND}` to update",
        stale.join(", ")
    );
}

#[test]
fn every_diagnostic_code_and_prelude_name_is_in_the_reference() {
    let diagnostics = gen_reference::diagnostics_md();
    for code in pcr_compiler::explain::AnyCode::all().map(|c| c.code()) {
        assert!(
            diagnostics.contains(&format!("## {code}: ")),
            "{code} has no section in the diagnostics chapter"
        );
    }
    let prelude = match gen_reference::prelude_md() {
        Ok(p) => p,
        Err(e) => panic!("cannot generate the prelude chapter: {e}"),
    };
    // Names the language reference makes normative, read back from the chapter.
    for name in [
        "`Mass`",
        "`CO2e`",
        "`Energy`",
        "`kWh`",
        "`tkm`",
        "`kgCO2e`",
        "`ar6`",
        "`CH4_fossil`",
        "`cradle_to_gate`",
        "`en15804_a_c_d`",
        "`biogenic_removal`",
        "`D`",
    ] {
        assert!(
            prelude.contains(name),
            "{name} is missing from the prelude chapter"
        );
    }
    // Exact factors come from the compiler, not from the text: kWh is 3.6 MJ.
    assert!(
        prelude.contains("| `kWh` | `1000 Wh` | `Energy` | `3600000 J` |"),
        "the kWh row does not show its exact factor in joules"
    );
}

fn first_difference(a: &str, b: &str) -> usize {
    a.lines()
        .zip(b.lines())
        .position(|(x, y)| x != y)
        .unwrap_or_else(|| a.lines().count().min(b.lines().count()))
        + 1
}

/// Chapters whose PCR is specified but not accepted yet (`version-1.md`)
/// and generated ones whose examples show mistakes on purpose.
const UNCHECKED_CHAPTERS: &[&str] = &["version-1.md", "diagnostics.md", "prelude.md"];

/// The `pcr` blocks of a chapter: (info string, code).
fn pcr_blocks(text: &str) -> Vec<(String, String)> {
    let mut blocks = Vec::new();
    let mut current: Option<(String, String)> = None;
    for line in text.lines() {
        let trimmed = line.trim_start();
        match current.take() {
            None => {
                if let Some(info) = trimmed.strip_prefix("```pcr") {
                    current = Some((format!("pcr{info}"), String::new()));
                }
            }
            Some((info, mut code)) => {
                if trimmed.starts_with("```") {
                    blocks.push((info, code));
                } else {
                    code.push_str(line);
                    code.push('\n');
                    current = Some((info, code));
                }
            }
        }
    }
    blocks
}

/// Serves the modules the book's examples import: `lib/transport.pcr` is
/// the block of the rules chapter that starts with `/// Road freight`.
struct BookModules {
    transport: String,
}

impl pcr_compiler::SourceLoader for BookModules {
    fn load(&self, path: &std::path::Path) -> Option<String> {
        path.ends_with("lib/transport.pcr")
            .then(|| self.transport.clone())
    }
}

/// Every complete `pcr` example of the hand-written chapters checks without
/// an error or a warning, and every line of every `pcr,fragment` block is a
/// line of one of those examples (so fragments are valid PCR in context).
#[test]
fn every_example_in_the_book_checks() {
    let src = workspace_root().join("docs/src");
    let Ok(entries) = std::fs::read_dir(&src) else {
        panic!("cannot read `{}`", src.display())
    };
    let mut chapters: Vec<(String, String)> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .filter_map(|p| {
            let name = p.file_name()?.to_string_lossy().to_string();
            let text = std::fs::read_to_string(&p).ok()?;
            Some((name, text))
        })
        .filter(|(name, _)| !UNCHECKED_CHAPTERS.contains(&name.as_str()))
        .collect();
    chapters.sort();
    let all_blocks: Vec<(String, String, String)> = chapters
        .iter()
        .flat_map(|(name, text)| {
            pcr_blocks(text)
                .into_iter()
                .map(move |(info, code)| (name.clone(), info, code))
        })
        .collect();
    let Some(transport) = all_blocks
        .iter()
        .find(|(_, info, code)| info == "pcr" && code.starts_with("/// Road freight"))
        .map(|(_, _, code)| code.clone())
    else {
        panic!("the rules chapter no longer shows `lib/transport.pcr`")
    };
    let loader = BookModules { transport };
    let mut failures = Vec::new();
    let mut complete_lines = std::collections::HashSet::new();
    let mut complete = 0;
    for (chapter, info, code) in &all_blocks {
        if info != "pcr" {
            continue;
        }
        complete += 1;
        let analysis = pcr_compiler::analyze(
            chapter,
            Some(std::path::Path::new("/book-example/example.pcr")),
            code.clone(),
            &loader,
            &pcr_compiler::Options::default(),
        );
        for d in &analysis.diagnostics {
            failures.push(format!(
                "{chapter}: {} {} in the example starting `{}`",
                d.code,
                d.message,
                code.lines().next().unwrap_or("")
            ));
        }
        complete_lines.extend(code.lines().map(|l| l.trim().to_string()));
    }
    assert!(complete >= 10, "only {complete} complete examples found");
    for (chapter, info, code) in &all_blocks {
        if info != "pcr,fragment" {
            continue;
        }
        for line in code.lines().map(str::trim).filter(|l| !l.is_empty()) {
            if !complete_lines.contains(line) {
                failures.push(format!(
                    "{chapter}: fragment line `{line}` is in no complete example"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
