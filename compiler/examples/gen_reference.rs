//! Generates the two reference chapters that must never drift from the code:
//!
//! - `docs/src/diagnostics.md`, from the registries behind `pcr explain`
//!   (`pcr_compiler::diagnostic::Code` and `pcr_plan::DataCode`);
//! - `docs/src/prelude.md`, from the prelude as the compiler loads it
//!   (`stdlib-rules/std/*.pcr`, embedded): dimensions, units with their
//!   definitions and exact factors, GWP sets with values and sources,
//!   stages, boundaries and reporting categories.
//!
//! Run `cargo run -p pcr-compiler --example gen_reference` to update them;
//! `compiler/tests/reference_docs.rs` fails when the committed files differ.

use pcr_compiler::analysis::{analyze, DiskLoader, Options};
use pcr_compiler::diagnostic::{Code, Severity};
use pcr_compiler::explain::AnyCode;
use pcr_compiler::world::World;
use pcr_lang::ast::{Item, Labels, Module, UnitDefinition};
use pcr_lang::Span;
use pcr_plan::DataCode;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The command that regenerates the chapters, quoted in their headers.
pub const COMMAND: &str = "cargo run -p pcr-compiler --example gen_reference";

/// The generated chapters: (path under the workspace root, text).
pub fn chapters() -> Result<Vec<(&'static str, String)>, String> {
    Ok(vec![
        ("docs/src/diagnostics.md", diagnostics_md()),
        ("docs/src/prelude.md", prelude_md()?),
    ])
}

/// The workspace root (the parent of the compiler crate).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from(".."))
}

#[allow(dead_code)] // the test includes this file as a module and has its own entry point
fn main() -> ExitCode {
    let chapters = match chapters() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let root = workspace_root();
    for (path, text) in chapters {
        let target = root.join(path);
        if let Err(e) = std::fs::write(&target, text) {
            eprintln!("error: cannot write `{}`: {e}", target.display());
            return ExitCode::FAILURE;
        }
        println!("wrote {}", target.display());
    }
    ExitCode::SUCCESS
}

fn generated_header(from: &str) -> String {
    format!(
        "<!-- GENERATED from {from} by `{COMMAND}`. Do not edit by hand: \
         `compiler/tests/reference_docs.rs` fails when this file differs. -->\n\n"
    )
}

// ---------------------------------------------------------------- diagnostics

/// The diagnostics chapter: an index of every code of the two registries
/// (the compiler's diagnostics, then the data errors of `pcr run`), then
/// each code's explanation exactly as `pcr explain CODE` prints it
/// (headings one level down).
pub fn diagnostics_md() -> String {
    let mut out = generated_header(
        "the registries of `pcr explain` (`compiler/src/diagnostic/registry.rs` with \
         `compiler/explain/*.md`, `plan/src/data_code.rs` with `plan/explain/*.md`)",
    );
    out.push_str("# Static checks and diagnostics\n\n");
    out.push_str(
        "Every diagnostic has a stable code, a message, a primary span and, where it \
         helps, secondary labels, a note and a suggested fix. Codes starting with `E` \
         are errors (the rule is refused: `pcr check` exits with 1); codes starting \
         with `W` are warnings (reported, the rule is accepted; `pcr check --no-warnings` \
         hides them). `pcr explain CODE` prints the explanation of a code, with an \
         example of the mistake and its fix; this chapter holds the same texts.\n\n",
    );
    index(
        &mut out,
        AnyCode::all().filter(|c| matches!(c, AnyCode::Diagnostic(_))),
    );
    for code in Code::ALL {
        section(&mut out, AnyCode::Diagnostic(code));
    }
    out.push_str("\n## Data errors\n\n");
    out.push_str(
        "`pcr run` refuses activity data, factor databases and results it cannot \
         use, and reports every problem it finds before it stops (exit status 1). \
         Each data error has a stable code starting with `D`: `D01xx` a value of the \
         activity data, `D02xx` the data file as a whole, `D03xx` factors and factor \
         databases, `D04xx` results refused after evaluation. `pcr explain D0101` \
         prints the explanation of a data error, as for the codes above.\n\n",
    );
    index(
        &mut out,
        AnyCode::all().filter(|c| matches!(c, AnyCode::Data(_))),
    );
    for code in DataCode::ALL {
        section(&mut out, AnyCode::Data(code));
    }
    trim_end_to_one_newline(out)
}

/// A table of codes: code (linked to its section), kind, title.
fn index(out: &mut String, codes: impl Iterator<Item = AnyCode>) {
    out.push_str("| code | kind | title |\n|---|---|---|\n");
    for code in codes {
        let kind = match code {
            AnyCode::Diagnostic(c) if c.severity() == Severity::Warning => "warning",
            AnyCode::Diagnostic(_) => "error",
            AnyCode::Data(_) => "data error",
        };
        let name = code.code();
        let anchor = name.to_ascii_lowercase();
        let _ = writeln!(
            out,
            "| [{name}](#{anchor}) | {kind} | {} |",
            table_cell(code.title())
        );
    }
}

/// One code's explanation, headings one level down, behind an anchor.
fn section(out: &mut String, code: AnyCode) {
    out.push('\n');
    let mut lines = code.explanation().lines();
    // The first line is `# CODE: title`: an anchor keeps the index links stable.
    if let Some(first) = lines.next() {
        let title = first.trim_start_matches('#').trim();
        let _ = writeln!(
            out,
            "<a id=\"{}\"></a>\n\n## {title}",
            code.code().to_ascii_lowercase()
        );
    }
    let mut in_code = false;
    for line in lines {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
        }
        if !in_code && line.starts_with('#') {
            let _ = writeln!(out, "##{line}");
        } else {
            let _ = writeln!(out, "{line}");
        }
    }
}

// ---------------------------------------------------------------- prelude

/// The prelude chapter, from the compiler's own loaded prelude: the syntax
/// trees give the declarations in source order and as written, the world
/// gives what the compiler made of them (dimensions, exact factors).
pub fn prelude_md() -> Result<String, String> {
    let analysis = analyze(
        "<reference>",
        None,
        String::new(),
        &DiskLoader,
        &Options::default(),
    );
    if analysis.has_errors() {
        let messages: Vec<String> = analysis
            .diagnostics
            .iter()
            .map(|d| format!("{} {}", d.code, d.message))
            .collect();
        return Err(format!(
            "the prelude does not check: {}",
            messages.join("; ")
        ));
    }
    let world = &analysis.world;
    let prelude: Vec<(&str, &str, &Module)> = analysis
        .modules
        .iter()
        .filter(|(file, _)| world.is_prelude(*file))
        .map(|(file, module)| {
            let name = analysis.files.name(*file);
            let short = name.rsplit('/').next().unwrap_or(name);
            (short, analysis.files.text(*file), module)
        })
        .collect();

    let mut out = generated_header("the prelude, `stdlib-rules/std/*.pcr`");
    out.push_str("# The prelude\n\n");
    out.push_str(
        "The prelude is written in PCR itself, in `stdlib-rules/std/`, and is embedded \
         in the `pcr` binary: its names are in scope in every file without an `import`, \
         and a rule may not declare a name that shadows one of them (E0102). The \
         compiler hard-codes no unit, gas or stage: everything below is read from \
         these files. The declaration syntax is described in \
         [Files and modules](files-and-modules.md#prelude-declarations).\n\n",
    );
    out.push_str("Files: ");
    let files: Vec<String> = prelude
        .iter()
        .map(|(name, _, _)| format!("`stdlib-rules/std/{name}`"))
        .collect();
    out.push_str(&files.join(", "));
    out.push_str(".\n");

    dimensions_section(&mut out, world, &prelude);
    units_section(&mut out, world, &prelude);
    gwp_section(&mut out, world, &prelude);
    stages_section(&mut out, &prelude);
    boundaries_section(&mut out, &prelude);
    categories_section(&mut out, &prelude);
    other_section(&mut out, &prelude);
    Ok(trim_end_to_one_newline(out))
}

fn dimensions_section(out: &mut String, world: &World, prelude: &[(&str, &str, &Module)]) {
    out.push_str("\n## Dimensions\n\n");
    out.push_str(
        "A dimension is a product of base dimensions with rational exponents. A base \
         dimension has exactly one canonical unit, in which plans compute; `ratio` is \
         the dimensionless type.\n\n",
    );
    out.push_str(
        "### Base dimensions\n\n| dimension | canonical unit | description |\n|---|---|---|\n",
    );
    for (_, _, module) in prelude {
        for item in &module.items {
            if let Item::Dimension(d) = item {
                if d.definition.is_some() {
                    continue;
                }
                let unit = world
                    .bases
                    .iter()
                    .find(|b| b.name == d.name.text)
                    .and_then(|b| b.unit.clone())
                    .map(|u| format!("`{u}`"))
                    .unwrap_or_default();
                let _ = writeln!(
                    out,
                    "| `{}` | {unit} | {} |",
                    d.name.text,
                    doc_cell(d.doc.as_deref())
                );
            }
        }
    }
    out.push_str("\n### Derived dimensions\n\n| dimension | definition | canonical unit | description |\n|---|---|---|---|\n");
    for (_, text, module) in prelude {
        for item in &module.items {
            if let Item::Dimension(d) = item {
                let Some(definition) = &d.definition else {
                    continue;
                };
                let unit = world
                    .dimensions
                    .get(&d.name.text)
                    .map(|def| format!("`{}`", world.canonical_unit(&def.dim)))
                    .unwrap_or_default();
                let _ = writeln!(
                    out,
                    "| `{}` | `{}` | {unit} | {} |",
                    d.name.text,
                    source_text(text, definition.span),
                    doc_cell(d.doc.as_deref())
                );
            }
        }
    }
}

fn units_section(out: &mut String, world: &World, prelude: &[(&str, &str, &Module)]) {
    out.push_str("\n## Units\n\n");
    out.push_str(
        "A unit is either the base unit of a dimension (`unit kg: Mass`) or an exact \
         multiple of other units (`unit t = 1000 kg`). The factor column is the exact \
         rational the compiler derives, in the canonical unit of the unit's dimension; \
         plans carry it as a 64-bit float.\n\n",
    );
    out.push_str("| unit | definition | dimension | exact factor | 中文 | English |\n|---|---|---|---|---|---|\n");
    for (_, text, module) in prelude {
        for item in &module.items {
            let Item::Unit(u) = item else {
                continue;
            };
            let definition = match &u.definition {
                UnitDefinition::Base(dim) => format!("base unit of `{}`", dim.text),
                UnitDefinition::Derived(e) => format!("`{}`", source_text(text, e.span)),
            };
            let (dimension, factor) = match world.units.get(&u.name.text) {
                Some(def) => (
                    format!("`{}`", world.dimension_name(&def.dim)),
                    format!("{} {}", def.factor, world.canonical_unit(&def.dim)),
                ),
                None => (String::new(), String::new()),
            };
            let (zh, en) = label_cells(&u.labels);
            let _ = writeln!(
                out,
                "| `{}` | {definition} | {dimension} | `{}` | {zh} | {en} |",
                u.name.text,
                table_cell(&factor)
            );
        }
    }
}

fn gwp_section(out: &mut String, world: &World, prelude: &[(&str, &str, &Module)]) {
    out.push_str("\n## GWP sets\n\n");
    out.push_str(
        "A rule chooses one set with its `gwp` clause; inside the rule, `gwp.X` is the \
         set's factor for gas `X`, in `kgCO2e/kgX` (for `CH4_fossil` and \
         `CH4_non_fossil`, `kgCO2e/kgCH4`). A gas the set lacks is an unknown name \
         (E0101).\n",
    );
    for (_, text, module) in prelude {
        // The file's own notes say how the values were transcribed.
        if module.items.iter().any(|i| matches!(i, Item::GwpSet(_))) {
            if let Some(doc) = &module.doc {
                out.push_str("\n### How the values were transcribed\n\n");
                out.push_str(doc.trim_end());
                out.push('\n');
            }
        }
        for item in &module.items {
            let Item::GwpSet(set) = item else {
                continue;
            };
            let _ = writeln!(out, "\n### `{}`\n", set.name.text);
            if let Some(doc) = &set.doc {
                let _ = writeln!(out, "{}\n", one_paragraph(doc));
            }
            if let Some(source) = &set.source {
                let _ = writeln!(out, "Source: {}.\n", source.value);
            }
            out.push_str("| gas | value | exact value (kgCO2e per kg of gas) | source |\n|---|---|---|---|\n");
            let exact = world.gwp_sets.get(&set.name.text);
            for entry in &set.entries {
                let value = exact
                    .and_then(|s| s.values.iter().find(|v| v.gas == entry.gas.text))
                    .map(|v| v.value.to_string())
                    .unwrap_or_default();
                let source = entry
                    .source
                    .as_ref()
                    .map(|s| table_cell(&s.value))
                    .unwrap_or_default();
                let _ = writeln!(
                    out,
                    "| `{}` | `{}` | {value} | {source} |",
                    entry.gas.text,
                    source_text(text, entry.value.span)
                );
            }
        }
    }
}

fn stages_section(out: &mut String, prelude: &[(&str, &str, &Module)]) {
    out.push_str("\n## Stages\n\n");
    out.push_str(
        "Stages are named only in `stage` blocks, `exclude stage` and `expect stage`. \
         A stage marked *separate* is reported under `stages` but never summed into \
         the footprint or the categories.\n\n",
    );
    out.push_str("| stage | 中文 | English | separate | description |\n|---|---|---|---|---|\n");
    for (_, _, module) in prelude {
        for item in &module.items {
            if let Item::Stage(s) = item {
                let (zh, en) = label_cells(&s.labels);
                let separate = if s.separate { "yes" } else { "" };
                let _ = writeln!(
                    out,
                    "| `{}` | {zh} | {en} | {separate} | {} |",
                    s.name.text,
                    doc_cell(s.doc.as_deref())
                );
            }
        }
    }
}

fn boundaries_section(out: &mut String, prelude: &[(&str, &str, &Module)]) {
    out.push_str("\n## Boundaries\n\n");
    out.push_str(
        "A rule names one boundary; every stage of it must be calculated (a `stage` \
         block with an emission) or excluded (`exclude stage`).\n\n",
    );
    out.push_str("| boundary | stages | 中文 | English | description |\n|---|---|---|---|---|\n");
    for (_, _, module) in prelude {
        for item in &module.items {
            if let Item::Boundary(b) = item {
                let (zh, en) = label_cells(&b.labels);
                let stages: Vec<String> =
                    b.stages.iter().map(|s| format!("`{}`", s.text)).collect();
                let _ = writeln!(
                    out,
                    "| `{}` | {} | {zh} | {en} | {} |",
                    b.name.text,
                    stages.join(", "),
                    doc_cell(b.doc.as_deref())
                );
            }
        }
    }
}

fn categories_section(out: &mut String, prelude: &[(&str, &str, &Module)]) {
    out.push_str("\n## Reporting categories\n\n");
    out.push_str(
        "Every emission belongs to exactly one category: the one named after `as`, or \
         `fossil`.\n\n",
    );
    out.push_str("| category | 中文 | English | description |\n|---|---|---|---|\n");
    for (_, _, module) in prelude {
        for item in &module.items {
            if let Item::Category(c) = item {
                let (zh, en) = label_cells(&c.labels);
                let _ = writeln!(
                    out,
                    "| `{}` | {zh} | {en} | {} |",
                    c.name.text,
                    doc_cell(c.doc.as_deref())
                );
            }
        }
    }
}

/// Enums, functions and constants of the prelude, as written (none today).
fn other_section(out: &mut String, prelude: &[(&str, &str, &Module)]) {
    let mut items = Vec::new();
    for (_, text, module) in prelude {
        for item in &module.items {
            if matches!(item, Item::Enum(_) | Item::Fn(_) | Item::Let(_)) {
                items.push(source_text(text, item.span()).to_string());
            }
        }
    }
    if items.is_empty() {
        return;
    }
    out.push_str("\n## Enums, functions and constants\n\n```pcr\n");
    for item in items {
        out.push_str(&item);
        out.push('\n');
    }
    out.push_str("```\n");
}

// ---------------------------------------------------------------- text helpers

fn source_text(text: &str, span: Span) -> &str {
    text.get(span.start as usize..span.end as usize)
        .unwrap_or("")
}

fn label_cells(labels: &Labels) -> (String, String) {
    (
        labels
            .zh
            .as_ref()
            .map(|s| table_cell(&s.value))
            .unwrap_or_default(),
        labels
            .en
            .as_ref()
            .map(|s| table_cell(&s.value))
            .unwrap_or_default(),
    )
}

/// A doc comment on one line, for a table cell.
fn doc_cell(doc: Option<&str>) -> String {
    doc.map(|d| table_cell(&one_paragraph(d)))
        .unwrap_or_default()
}

fn one_paragraph(doc: &str) -> String {
    doc.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn table_cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

fn trim_end_to_one_newline(mut text: String) -> String {
    while text.ends_with('\n') {
        text.pop();
    }
    text.push('\n');
    text
}
