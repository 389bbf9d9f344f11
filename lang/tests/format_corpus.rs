//! The formatter on every `.pcr` file of the repository, and on generated rules:
//! formatting is idempotent, keeps every token and comment, and yields a file
//! that parses.

use pcr_lang::format::{check_formatted, format_source};
use pcr_lang::lexer::{lex, CommentKind, Token};
use pcr_lang::parse;
use proptest::prelude::*;
use std::path::{Path, PathBuf};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn pcr_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if path.is_dir() {
            if !(name == "target"
                || name.starts_with("target-")
                || name.starts_with('.')
                || name == "node_modules")
            {
                pcr_files(&path, out);
            }
        } else if name.ends_with(".pcr") {
            out.push(path);
        }
    }
}

fn tokens(source: &str) -> Vec<Token> {
    lex(source).tokens.into_iter().map(|t| t.token).collect()
}

fn comments(source: &str) -> Vec<(CommentKind, String)> {
    lex(source)
        .comments
        .into_iter()
        .map(|c| (c.kind, c.text))
        .collect()
}

/// The three guarantees of the formatter, for one source that parses cleanly.
fn check_properties(what: &str, source: &str) -> Result<(), String> {
    let once = format_source(source).map_err(|e| format!("{what}: {e}"))?;
    let twice =
        format_source(&once).map_err(|e| format!("{what}: formatted output: {e}\n{once}"))?;
    if once != twice {
        return Err(format!(
            "{what}: not idempotent\n--- once ---\n{once}\n--- twice ---\n{twice}"
        ));
    }
    if tokens(source) != tokens(&once) {
        return Err(format!("{what}: tokens changed\n{once}"));
    }
    if comments(source) != comments(&once) {
        return Err(format!("{what}: comments changed\n{once}"));
    }
    let errors = parse(&once).errors;
    if !errors.is_empty() {
        return Err(format!("{what}: output does not parse: {errors:?}\n{once}"));
    }
    if check_formatted(&once) != Ok(true) {
        return Err(format!(
            "{what}: formatted output is not reported as formatted"
        ));
    }
    if once.lines().any(|l| l.ends_with(' ') || l.ends_with('\t')) {
        return Err(format!("{what}: trailing spaces\n{once}"));
    }
    if !once.is_empty() && (!once.ends_with('\n') || once.ends_with("\n\n")) {
        return Err(format!("{what}: not exactly one final newline"));
    }
    Ok(())
}

#[test]
fn every_pcr_file_in_the_repository_formats_stably() {
    let root = repo_root();
    let mut files = Vec::new();
    for dir in ["stdlib-rules", "tests", "editors"] {
        pcr_files(&root.join(dir), &mut files);
    }
    assert!(
        files
            .iter()
            .any(|f| f.ends_with("tests/rules/hot_rolled_coil.pcr")),
        "the corpus walk found no rules under {}",
        root.display()
    );
    let mut checked = 0;
    let mut failures = Vec::new();
    for file in &files {
        let Ok(source) = std::fs::read_to_string(file) else {
            continue;
        };
        if !parse(&source).errors.is_empty() {
            // Syntax-error cases (tests/ui) are refused, not formatted.
            assert!(format_source(&source).is_err(), "{}", file.display());
            continue;
        }
        checked += 1;
        if let Err(e) = check_properties(&file.display().to_string(), &source) {
            failures.push(e);
        }
    }
    assert!(checked > 0, "no parsable .pcr file found");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

// ------------------------------------------------------------ generated rules

/// Random whitespace between tokens: nothing (where that cannot merge two
/// tokens), spaces, newlines, blank lines.
fn gap() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => Just(" ".to_string()),
        1 => Just("   ".to_string()),
        1 => Just("\n".to_string()),
        1 => Just("\n\n\n".to_string()),
        1 => Just("\n\t  ".to_string()),
    ]
}

fn comment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(" // note\n".to_string()),
        Just("\n/// documented\n".to_string()),
        Just("\n// own line  \n\n".to_string()),
        Just("//! module\n".to_string()),
    ]
}

/// A random expression over the rule's names, as a list of tokens.
fn expr() -> impl Strategy<Value = Vec<String>> {
    let leaf = prop_oneof![
        Just(vec!["a".to_string()]),
        Just(vec!["b".to_string()]),
        Just(vec!["2".to_string()]),
        Just(vec!["450".to_string(), "MWh".to_string()]),
        Just(vec!["5%".to_string()]),
        Just(vec!["gwp".to_string(), ".".to_string(), "CO2".to_string()]),
        Just(vec![
            "3".to_string(),
            "m".to_string(),
            "^".to_string(),
            "2".to_string()
        ]),
        Just(vec![
            "0.6205".to_string(),
            "kgCO2e".to_string(),
            "/".to_string(),
            "kWh".to_string()
        ]),
        Just(vec!["\"a \\\"quoted\\\" text\"".to_string()]),
    ];
    leaf.prop_recursive(4, 24, 3, |inner| {
        prop_oneof![
            (
                inner.clone(),
                prop_oneof![
                    Just("+"),
                    Just("-"),
                    Just("*"),
                    Just("/"),
                    Just("<="),
                    Just("=="),
                    Just("and")
                ],
                inner.clone()
            )
                .prop_map(|(mut a, op, b)| {
                    a.push(op.to_string());
                    a.extend(b);
                    a
                }),
            inner.clone().prop_map(|e| {
                let mut v = vec!["(".to_string()];
                v.extend(e);
                v.push(")".to_string());
                v
            }),
            inner.clone().prop_map(|e| {
                let mut v = vec!["-".to_string(), "(".to_string()];
                v.extend(e);
                v.push(")".to_string());
                v
            }),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| {
                let mut v = vec!["max".to_string(), "(".to_string()];
                v.extend(a);
                v.push(",".to_string());
                v.extend(b);
                v.push(")".to_string());
                v
            }),
            (inner.clone(), inner.clone(), inner.clone()).prop_map(|(c, a, b)| {
                let mut v = vec!["if".to_string()];
                v.extend(c);
                v.push("then".to_string());
                v.extend(a);
                v.push("else".to_string());
                v.extend(b);
                v
            }),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| {
                let mut v: Vec<String> =
                    ["[", "{", "x", ":"].iter().map(|s| s.to_string()).collect();
                v.extend(a);
                v.extend([",", "y", ":"].iter().map(|s| s.to_string()));
                v.extend(b);
                v.extend(["}", "]"].iter().map(|s| s.to_string()));
                v
            }),
            (inner.clone(), inner).prop_map(|(a, b)| {
                let mut v: Vec<String> = ["match", "r", "{", "p", "=>"]
                    .iter()
                    .map(|s| s.to_string())
                    .collect();
                v.extend(a);
                v.extend([",", "q", "=>"].iter().map(|s| s.to_string()));
                v.extend(b);
                v.push("}".to_string());
                v
            }),
        ]
    })
}

fn words(text: &str) -> Vec<String> {
    text.split_whitespace().map(str::to_string).collect()
}

/// A valid rule with three random expressions, as tokens.
fn rule_tokens() -> impl Strategy<Value = Vec<String>> {
    (expr(), expr(), expr()).prop_map(|(e1, e2, e3)| {
        let mut v = words(
            "enum R { p \"甲\" , q } rule r { title \"t\" en \"T\" version \"0.1\" declared_unit 1 t \
             boundary cradle_to_gate gwp ar6 cutoff item 1% total 5% \
             input a : t input b : list { n : text , m : t * km } = [ ] \
             factor f : kgCO2e / kWh = db \"K\" let l =",
        );
        v.extend(e1);
        v.extend(words("stage production { emission e ="));
        v.extend(e2);
        v.extend(words("as fossil emission g = - 1 kgCO2e / t } exclude stage use \"none\" share 0.5% grades { A <= 1 tCO2e B otherwise } example \"x\" { given a ="));
        v.extend(e3);
        v.extend(words("expect footprint == 1 kgCO2e within 1% expect grade == A } }"));
        v
    })
}

/// Join tokens with random gaps and comments; `0` means no gap where that is safe.
fn soup() -> impl Strategy<Value = String> {
    rule_tokens().prop_flat_map(|toks| {
        let n = toks.len();
        (
            Just(toks),
            proptest::collection::vec(gap(), n),
            proptest::collection::vec(proptest::option::weighted(0.05, comment()), n),
            proptest::collection::vec(proptest::bool::weighted(0.3), n),
        )
            .prop_map(|(toks, gaps, comments, tight)| {
                let mut out = String::new();
                for (i, tok) in toks.iter().enumerate() {
                    if i > 0 {
                        let prev = &toks[i - 1];
                        let word = |s: &str| {
                            s.chars()
                                .next()
                                .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '"')
                                || s.ends_with('%')
                        };
                        // Tokens that could merge are always separated.
                        let merges = (word(prev) && word(tok))
                            || ["=", "<", ">", "-", "!", "/"].contains(&prev.as_str())
                            || matches!(tok.as_str(), "=" | ">" | "/");
                        // A number and its unit share a line (a line break
                        // ends a quantity literal, §11).
                        let unit_of_number = prev.starts_with(|c: char| c.is_ascii_digit())
                            && !prev.ends_with('%')
                            && tok.starts_with(|c: char| c.is_alphabetic());
                        if unit_of_number {
                            out.push(' ');
                        } else if let Some(c) = &comments[i] {
                            out.push_str(c);
                        } else if !tight[i] || merges {
                            out.push_str(&gaps[i]);
                        }
                    }
                    out.push_str(tok);
                }
                out
            })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn generated_rules_format_stably(source in soup()) {
        let parsed = parse(&source);
        prop_assume!(parsed.errors.is_empty());
        if let Err(e) = check_properties("generated", &source) {
            return Err(TestCaseError::fail(format!("{e}\n--- source ---\n{source}")));
        }
    }
}
