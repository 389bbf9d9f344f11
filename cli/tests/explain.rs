//! `pcr explain CODE` for each registry: a compiler error, a warning, a
//! data error of `pcr run`, and an unknown code.

use std::process::{Command, Output};

fn pcr(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pcr"))
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run pcr: {e}"))
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).to_string()
}

#[test]
fn an_error_a_warning_and_a_data_error_are_explained() {
    for (code, title) in [
        ("E0204", "# E0204: type error"),
        ("w0001", "# W0001: unused input"),
        ("D0101", "# D0101: missing input"),
        ("d0203", "# D0203: row of the wrong width"),
    ] {
        let out = pcr(&["explain", code]);
        let stdout = text(&out.stdout);
        assert_eq!(out.status.code(), Some(0), "{code}: {}", text(&out.stderr));
        assert!(stdout.starts_with(title), "{code}: {stdout}");
    }
}

#[test]
fn an_unknown_code_is_refused_with_the_list_of_codes() {
    let out = pcr(&["explain", "D9999"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stdout).is_empty());
    let stderr = text(&out.stderr);
    assert!(stderr.contains("no explanation for `D9999`"), "{stderr}");
    for code in ["E0001", "W0003", "D0101", "D0403"] {
        assert!(stderr.contains(code), "{code} not listed: {stderr}");
    }
}
