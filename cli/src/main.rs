//! `pcr`: the command line of the PCR toolchain.

mod check;
mod fmt;
mod inputs;

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "pcr",
    version,
    about = "Compiler and toolchain for product carbon-footprint category rules (PCRs)"
)]
struct Cli {
    /// Read the prelude from this folder instead of the embedded one.
    #[arg(long, global = true, value_name = "DIR")]
    std: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum MessageFormat {
    Human,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Check rules: syntax, names, units and dimensions, boundaries, cut-off, grades.
    Check {
        /// Files or folders (every `.pcr` below a folder is checked).
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// `human` (default) or `json`: one JSON object per diagnostic on stdout.
        #[arg(long, value_enum, default_value = "human")]
        message_format: MessageFormat,
        /// Factor databases (CSV) to resolve `db` keys against (E0401, E0402).
        #[arg(long = "factors", value_name = "FILE")]
        factors: Vec<PathBuf>,
        /// Report warnings as well as errors (on by default).
        #[arg(long)]
        no_warnings: bool,
    },
    /// Format rules in the canonical style.
    Fmt {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Change no file: list those that would change and exit 1.
        #[arg(long)]
        check: bool,
    },
    /// Explain a diagnostic code, with an example of the mistake and its fix.
    Explain {
        /// A code such as `E0202`.
        code: String,
    },
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let options = pcr_compiler::Options {
        record: false,
        std_dir: cli.std.clone(),
    };
    match cli.command {
        Command::Check {
            paths,
            message_format,
            factors,
            no_warnings,
        } => check::run(&paths, message_format, &factors, !no_warnings, &options),
        Command::Fmt { paths, check } => fmt::run(&paths, check),
        Command::Explain { code } => explain(&code),
    }
}

fn explain(code: &str) -> ExitCode {
    let _ = code;
    eprintln!("error: explanations are not available in this build");
    ExitCode::from(2)
}
