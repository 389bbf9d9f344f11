//! The one keyword list (`pcr_lang::lexer::KEYWORDS`) and the places that
//! must spell the same words: the book's lexical structure and the fuzz
//! dictionary.

use pcr_lang::lexer::KEYWORDS;

fn read(path: &str) -> String {
    let full = format!("{}/../{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{full}: {e}"))
}

#[test]
fn the_book_lists_every_keyword_and_no_other() {
    let book = read("docs/src/lexical-structure.md");
    let section = book
        .split("## Keywords")
        .nth(1)
        .and_then(|s| s.split("## ").next())
        .unwrap_or_default();
    let reserved = section
        .split("```text")
        .nth(1)
        .and_then(|s| s.split("```").next())
        .unwrap_or_default();
    let clause_words = section
        .split("The clause words `")
        .nth(1)
        .and_then(|s| s.split('`').next())
        .unwrap_or_default();
    let mut in_book: Vec<&str> = reserved
        .split_whitespace()
        .chain(clause_words.split_whitespace())
        .collect();
    in_book.sort_unstable();
    let mut listed = KEYWORDS.to_vec();
    listed.sort_unstable();
    assert_eq!(in_book, listed);
}

#[test]
fn the_fuzz_dictionary_has_every_keyword() {
    let dict = read("fuzz/pcr.dict");
    let entries: Vec<&str> = dict
        .lines()
        .filter_map(|l| l.split_once('=').map(|(_, v)| v.trim_matches('"')))
        .collect();
    let missing: Vec<&&str> = KEYWORDS.iter().filter(|k| !entries.contains(k)).collect();
    assert!(missing.is_empty(), "fuzz/pcr.dict lacks {missing:?}");
}
