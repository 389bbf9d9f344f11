//! Finding and reading the rule files named on the command line; `-` is stdin.

use std::io::Read;
use std::path::{Path, PathBuf};

/// The name messages give to text read from stdin.
pub const STDIN_NAME: &str = "<stdin>";

/// Whether a path argument is `-`, stdin.
pub fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// The name of a rule file in messages (`<stdin>` for `-`).
pub fn display_name(path: &Path) -> String {
    if is_stdin(path) {
        STDIN_NAME.to_string()
    } else {
        path.display().to_string()
    }
}

/// The path a rule file's imports are resolved from: stdin's are resolved
/// against the current folder.
pub fn import_base(path: &Path) -> &Path {
    if is_stdin(path) {
        Path::new(STDIN_NAME)
    } else {
        path
    }
}

/// The largest rule file pcr reads: checking takes about 35 bytes of memory
/// per byte of rule, and a committee's rule of thousands of lines is well
/// under 1 MiB, so 64 MiB (the language server's bound too) leaves room
/// for generated rules while a mistaken input stops with a message instead
/// of filling the memory.
pub const MAX_RULE_BYTES: u64 = 64 << 20;

/// Read a rule file, or stdin for `-`, of at most [`MAX_RULE_BYTES`].
pub fn read_source(path: &Path) -> Result<String, String> {
    read_bounded(path, MAX_RULE_BYTES)
}

fn read_bounded(path: &Path, limit: u64) -> Result<String, String> {
    let name = display_name(path);
    let mut bytes = Vec::new();
    let read = if is_stdin(path) {
        std::io::stdin().take(limit + 1).read_to_end(&mut bytes)
    } else {
        std::fs::File::open(path).and_then(|f| f.take(limit + 1).read_to_end(&mut bytes))
    };
    let shown = if is_stdin(path) {
        name.clone()
    } else {
        format!("`{name}`")
    };
    read.map_err(|e| format!("cannot read {shown}: {e}"))?;
    if bytes.len() as u64 > limit {
        return Err(format!(
            "{shown} is larger than {} MiB, the most pcr reads as a rule file (a rule of thousands of lines is well under 1 MiB)",
            limit >> 20
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "cannot read {shown}: it is not UTF-8 text (invalid bytes at byte {})",
            e.utf8_error().valid_up_to()
        )
    })
}

/// A factor database given where a rule is expected (`--factors a.csv b.csv`
/// leaves `b.csv` to the rules) is refused, with how to pass several.
pub fn not_a_factor_file(path: &Path) -> Result<(), String> {
    let is_csv = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    if is_csv {
        return Err(format!(
            "`{}` is a CSV file, not a rule: factor databases go after `--factors`, one per flag \
             (`--factors a.csv --factors b.csv`) or separated by commas (`--factors a.csv,b.csv`)",
            path.display()
        ));
    }
    Ok(())
}

/// Expand files and folders to `.pcr` files, sorted; a missing path, a CSV
/// file or `-` given twice is an error. `-` (stdin) is kept as it is.
pub fn pcr_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    if paths.iter().filter(|p| is_stdin(p)).count() > 1 {
        return Err("`-` (stdin) can be given only once".to_string());
    }
    for path in paths {
        not_a_factor_file(path)?;
        if is_stdin(path) {
            out.push(path.clone());
        } else if path.is_dir() {
            walk(path, &mut out);
        } else if path.is_file() {
            out.push(path.clone());
        } else {
            return Err(format!("no such file or folder: `{}`", path.display()));
        }
    }
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
    paths.sort();
    for p in paths {
        let hidden = p
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('.') || n == "target" || n == "node_modules");
        if hidden {
            continue;
        }
        if p.is_dir() {
            walk(&p, out);
        } else if p.extension().and_then(|e| e.to_str()) == Some("pcr") {
            out.push(p);
        }
    }
}

/// `1234567` as `1,234,567`.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    // A comma goes before each digit whose place, counted from the right, is a multiple of three.
    let group_start = digits.len() % 3;
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && i % 3 == group_start {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_grouped_by_commas() {
        let cases = [(0, "0"), (999, "999"), (1_000, "1,000"), (8_784, "8,784")];
        for (n, shown) in cases {
            assert_eq!(thousands(n), shown);
        }
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(thousands(123_456), "123,456");
    }

    #[test]
    fn a_csv_file_is_not_a_rule() {
        assert!(not_a_factor_file(Path::new("b.CSV")).is_err());
        assert!(not_a_factor_file(Path::new("b.pcr")).is_ok());
        assert!(pcr_files(&[PathBuf::from("-"), PathBuf::from("-")]).is_err());
    }

    #[test]
    fn a_rule_file_over_the_limit_is_refused_with_its_size() {
        let dir = std::env::temp_dir().join(format!("pcr-inputs-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("big.pcr");
        std::fs::write(&path, vec![b' '; 2 << 20]).unwrap();
        let err = read_bounded(&path, 1 << 20).unwrap_err();
        assert!(
            err.contains("big.pcr") && err.contains("larger than 1 MiB"),
            "{err}"
        );
        assert_eq!(read_bounded(&path, 2 << 20).unwrap().len(), 2 << 20);
        std::fs::write(&path, [b'a', 0xff, b'b']).unwrap();
        let err = read_bounded(&path, 1 << 20).unwrap_err();
        assert!(err.contains("not UTF-8") && err.contains("byte 1"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
