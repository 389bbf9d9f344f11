//! Generates the parser from `grammar/pcr.lalrpop` at the workspace root.

fn main() {
    println!("cargo:rerun-if-changed=../grammar/pcr.lalrpop");
    let result = lalrpop::Configuration::new()
        .set_in_dir("../grammar")
        .use_cargo_dir_conventions()
        .set_in_dir("../grammar")
        .emit_rerun_directives(true)
        .process();
    if let Err(error) = result {
        eprintln!("lalrpop failed: {error}");
        std::process::exit(1);
    }
}
