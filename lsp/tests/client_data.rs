//! What a client sends (positions, ranges, edits, URIs) never panics the
//! request modules, and what does not fit is refused, not guessed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use pcr_lsp::document::{apply_changes, read_source_file};
use pcr_lsp::stdlib::StdlibDir;
use pcr_lsp::{code_action, completion, definition, hover, inlay_hints, references, rename, State};
use std::str::FromStr;
use std::time::{Duration, Instant};
use tower_lsp_server::ls_types::{Position, Range, TextDocumentContentChangeEvent, Uri};

const RULE: &str = include_str!("../../tests/lsp/coil.pcr");

fn state() -> State {
    let dir = std::env::temp_dir().join("pcr-lsp-client-data-tests");
    State::with_stdlib(StdlibDir {
        root: StdlibDir::write_to(&dir).ok(),
    })
}

fn ranged(start: (u32, u32), end: (u32, u32), text: &str) -> TextDocumentContentChangeEvent {
    TextDocumentContentChangeEvent {
        range: Some(Range::new(
            Position::new(start.0, start.1),
            Position::new(end.0, end.1),
        )),
        range_length: None,
        text: text.to_string(),
    }
}

fn whole(text: &str) -> TextDocumentContentChangeEvent {
    TextDocumentContentChangeEvent {
        range: None,
        range_length: None,
        text: text.to_string(),
    }
}

#[test]
fn ranged_changes_count_utf16_units() {
    // "😀" is two UTF-16 units, "电" one: column 3 is after both.
    let text = "a😀电b\nsecond\n";
    let edited = apply_changes(text, vec![ranged((0, 4), (0, 5), "B")]).unwrap();
    assert_eq!(edited, "a😀电B\nsecond\n");
    // A column past the end of its line is the line's end.
    let edited = apply_changes(text, vec![ranged((1, 99), (1, 1000), "!")]).unwrap();
    assert_eq!(edited, "a😀电b\nsecond!\n");
    // The empty last line exists; changes apply in order.
    let edited = apply_changes(
        text,
        vec![
            whole("x\n"),
            ranged((1, 0), (1, 0), "y"),
            ranged((0, 0), (0, 1), ""),
        ],
    )
    .unwrap();
    assert_eq!(edited, "\ny");
}

#[test]
fn ranges_that_do_not_fit_are_refused() {
    let text = "one\ntwo\n";
    let past = apply_changes(text, vec![ranged((7, 0), (7, 1), "x")]);
    assert!(past.unwrap_err().contains("line 7 is past the end"));
    let reversed = apply_changes(text, vec![ranged((1, 2), (0, 1), "x")]);
    assert!(reversed.unwrap_err().contains("ends before it starts"));
    let huge = apply_changes(
        text,
        vec![ranged((u32::MAX, u32::MAX), (u32::MAX, u32::MAX), "x")],
    );
    assert!(huge.is_err());
}

#[test]
fn a_refused_edit_leaves_the_document_as_it_was() {
    let mut s = state();
    let uri = Uri::from_str("untitled:edit.pcr").unwrap();
    s.open(uri.clone(), RULE.to_string(), 1);
    let refused = s.edit(uri.clone(), vec![ranged((9_999, 0), (9_999, 1), "x")], 2);
    assert!(refused.is_err());
    let doc = s.docs.get(&uri).unwrap();
    assert_eq!((doc.text.as_str(), doc.version), (RULE, 1));
    // An edit of a document that is not open opens nothing.
    let other = Uri::from_str("untitled:never-opened.pcr").unwrap();
    assert!(s.edit(other.clone(), vec![whole("rule {")], 2).is_err());
    assert!(s.docs.get(&other).is_none());
}

#[test]
fn devices_and_folders_are_not_read() {
    let started = Instant::now();
    assert_eq!(read_source_file(std::path::Path::new("/dev/zero")), None);
    assert_eq!(read_source_file(&std::env::temp_dir()), None);
    let mut s = state();
    let zero = Uri::from_str("file:///dev/zero").unwrap();
    assert!(s.analyzed(&zero).is_none());
    assert!(hover::hover(&mut s, &zero, Position::new(0, 0)).is_none());
    // A named pipe with no writer: opening it would block for ever.
    let fifo = std::env::temp_dir().join(format!("pcr-lsp-fifo-{}.pcr", std::process::id()));
    let _ = std::fs::remove_file(&fifo);
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success());
    if made {
        assert_eq!(read_source_file(&fifo), None);
        let _ = std::fs::remove_file(&fifo);
    }
    // A kernel file that declares no size is not read.
    assert_eq!(
        read_source_file(std::path::Path::new("/proc/self/status")).as_deref(),
        if std::path::Path::new("/proc/self/status").exists() {
            Some("")
        } else {
            None
        }
    );
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[test]
fn every_request_at_absurd_positions() {
    let mut s = state();
    let text = RULE.replace("\"电炉\"", "\"电炉😀🏭\"");
    let uri = Uri::from_str("untitled:absurd.pcr").unwrap();
    s.open(uri.clone(), text.clone(), 1);
    let lines = text.lines().count() as u32;
    let mut positions = vec![
        Position::new(u32::MAX, u32::MAX),
        Position::new(lines, 0),
        Position::new(lines + 1, 7),
        Position::new(0, u32::MAX),
    ];
    // Every column of the line with the surrogate pairs, and one past it.
    let enum_line = text.lines().position(|l| l.contains("enum Route")).unwrap();
    let width = text.lines().nth(enum_line).unwrap().encode_utf16().count() as u32;
    positions.extend((0..width + 2).map(|c| Position::new(enum_line as u32, c)));
    for pos in positions {
        hover::hover(&mut s, &uri, pos);
        completion::completion(&mut s, &uri, pos);
        definition::definition(&mut s, &uri, pos);
        references::references(&mut s, &uri, pos, true);
        rename::prepare(&mut s, &uri, pos);
        let _ = rename::rename(&mut s, &uri, pos, "fresh");
        let range = Range::new(pos, Position::new(0, 0));
        inlay_hints::hints(&mut s, &uri, range);
        code_action::actions(&mut s, &uri, range, &[]);
    }
}
