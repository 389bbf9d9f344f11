//! Embeds the standard library (`stdlib-rules/std` and `stdlib-rules/general`) in the compiler.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    // The manifest folder at run time: a build script compiled for one
    // checkout may be reused for another with the same target folder.
    let manifest = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".to_string());
    let root = Path::new(&manifest).join("../stdlib-rules");
    let mut out = String::from("/// Embedded standard library files: (path under stdlib-rules/, text).\npub static EMBEDDED: &[(&str, &str)] = &[\n");
    for folder in ["std", "general"] {
        let dir = root.join(folder);
        println!("cargo:rerun-if-changed={}", dir.display());
        let Ok(entries) = std::fs::read_dir(&dir) else {
            // A compiler without its prelude would reject every rule: stop here.
            eprintln!("cannot read the standard library folder {}", dir.display());
            std::process::exit(1);
        };
        let mut paths: Vec<_> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
        paths.sort();
        for path in paths {
            if path.extension().and_then(|e| e.to_str()) != Some("pcr") {
                continue;
            }
            println!("cargo:rerun-if-changed={}", path.display());
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "    ({:?}, include_str!({:?})),",
                format!("{folder}/{name}"),
                path.display().to_string()
            );
        }
    }
    out.push_str("];\n");
    let out_dir = std::env::var("OUT_DIR").unwrap_or_else(|_| ".".to_string());
    if let Err(e) = std::fs::write(Path::new(&out_dir).join("embedded.rs"), out) {
        eprintln!("cannot write embedded.rs: {e}");
        std::process::exit(1);
    }
}
