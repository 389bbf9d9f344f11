//! `pcr`: the command line of the PCR toolchain.
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]
#![cfg_attr(not(test), deny(clippy::panic, clippy::unreachable))]

#[macro_use]
mod stdout;

mod build;
mod check;
mod compile;
mod fmt;
mod inputs;
mod project;
mod run;
mod terminal;
mod test_cmd;

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

/// mimalloc: checking builds many small tree nodes, and mimalloc allocates
/// them about a third faster than the system allocator (bench_check).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "pcr",
    version,
    about = "Compiler and toolchain for product carbon-footprint category rules (PCRs)",
    after_help = "A project file, pcr.toml, in the current folder or one above it (or above the files given) \
                  sets the rule folders (`rules`) and factor databases (`factors`) that `check`, `test`, \
                  `build` and `run` use; command-line arguments override it. `-` reads a rule file (or \
                  `run --data -` the data) from stdin. When stdout is closed early (`| head`), pcr stops \
                  quietly with status 0."
)]
struct Cli {
    /// Read the prelude from this folder instead of the embedded one; it must hold every prelude file.
    #[arg(long, global = true, value_name = "DIR")]
    std: Option<PathBuf>,
    /// Colour in messages: `auto` (when stderr is a terminal and NO_COLOR is unset or empty), `always` or `never`.
    #[arg(
        long,
        global = true,
        value_enum,
        default_value = "auto",
        value_name = "WHEN"
    )]
    color: terminal::ColorChoice,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum MessageFormat {
    /// Rendered diagnostics on stderr.
    Human,
    /// One JSON object per diagnostic on stdout.
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum OutputFormat {
    /// One JSON object (JSON data), one JSON array of result objects (CSV data).
    Json,
    /// One JSON object per line.
    Jsonl,
    /// CSV: one product per row.
    Csv,
}

#[derive(Subcommand)]
enum Command {
    /// Check rules: syntax, names, units and dimensions, boundaries, cut-off, grades.
    Check {
        /// Files or folders (every `.pcr` below a folder is checked); `-` reads stdin.
        /// Default: the `rules` of pcr.toml.
        paths: Vec<PathBuf>,
        /// `human` (default) or `json`: one JSON object per diagnostic on stdout.
        #[arg(long, value_enum, default_value = "human")]
        message_format: MessageFormat,
        /// A factor database (CSV) to resolve `db` keys against (E0401, E0402); repeat the flag or
        /// separate files with commas for several. Default: the `factors` of pcr.toml.
        #[arg(long = "factors", value_name = "FILE", value_delimiter = ',')]
        factors: Vec<PathBuf>,
        /// Report only errors, not warnings (W codes).
        #[arg(long)]
        no_warnings: bool,
    },
    /// Format rules in the canonical style.
    Fmt {
        /// Files or folders to format in place (every `.pcr` below a folder); `-` formats stdin to stdout.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Change no file: list those that would change and exit 1.
        #[arg(long)]
        check: bool,
    },
    /// Compile a rule into a calculation plan (JSON).
    Build {
        /// The rule file; `-` reads stdin.
        file: PathBuf,
        /// The rule to build, when the file has several.
        #[arg(long, value_name = "NAME")]
        rule: Option<String>,
        /// Write the plan here instead of to stdout.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// A factor database to check `db` keys and units against (E0401, E0402); repeat the flag or
        /// separate files with commas for several. Default: the `factors` of pcr.toml.
        #[arg(long = "factors", value_name = "FILE", value_delimiter = ',')]
        factors: Vec<PathBuf>,
    },
    /// Calculate a footprint: run a plan (or a rule file) on activity data.
    Run {
        /// A plan (`.json`) or a rule file (`.pcr`); `-` reads a rule file from stdin.
        plan: PathBuf,
        /// Activity data: JSON for one product, CSV for a batch (one product per row); `-` reads stdin
        /// (JSON when it starts with `{`, CSV otherwise).
        #[arg(long, value_name = "FILE")]
        data: PathBuf,
        /// A factor database (CSV: key,value,unit,source,year,region); repeat the flag or separate files
        /// with commas for several; later files override earlier ones. Default: the `factors` of pcr.toml.
        #[arg(long = "factors", value_name = "FILE", value_delimiter = ',')]
        factors: Vec<PathBuf>,
        /// The rule to run, when a `.pcr` file has several.
        #[arg(long, value_name = "NAME")]
        rule: Option<String>,
        /// Output: `json` (default), `jsonl` or `csv`.
        #[arg(long, value_enum, default_value = "json")]
        format: OutputFormat,
    },
    /// Run the worked examples of rules; ends with `N passed, M failed`.
    Test {
        /// Files or folders. Default: the `rules` of pcr.toml, else the current folder.
        paths: Vec<PathBuf>,
        /// A factor database for `db` factors the examples do not give; repeat the flag or separate
        /// files with commas for several. Default: the `factors` of pcr.toml.
        #[arg(long = "factors", value_name = "FILE", value_delimiter = ',')]
        factors: Vec<PathBuf>,
    },
    /// Run the language server over stdio (for editors).
    Lsp,
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
            if e.kind() == clap::error::ErrorKind::UnknownArgument {
                if let Some(stray) = stray_factor_file() {
                    eprintln!(
                        "\n{}",
                        inputs::not_a_factor_file(&stray).err().unwrap_or_default()
                    );
                }
            }
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    terminal::init(cli.color);
    if let Some(dir) = &cli.std {
        if let Err(message) = pcr_compiler::prelude::check_std_dir(dir) {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    }
    let options = pcr_compiler::Options {
        record: false,
        std_dir: cli.std.clone(),
        sequential: false,
    };
    match cli.command {
        Command::Check {
            paths,
            message_format,
            factors,
            no_warnings,
        } => {
            let (paths, factors) = match project::settle(&paths, factors, false) {
                Ok(s) => s,
                Err(code) => return code,
            };
            check::run(&paths, message_format, &factors, !no_warnings, &options)
        }
        Command::Fmt { paths, check } => fmt::run(&paths, check),
        Command::Build {
            file,
            rule,
            output,
            factors,
        } => {
            let (_, factors) = match project::settle(std::slice::from_ref(&file), factors, false) {
                Ok(s) => s,
                Err(code) => return code,
            };
            build::run(&file, rule.as_deref(), output.as_ref(), &factors, &options)
        }
        Command::Run {
            plan,
            data,
            factors,
            rule,
            format,
        } => {
            let (_, factors) = match project::settle(std::slice::from_ref(&plan), factors, false) {
                Ok(s) => s,
                Err(code) => return code,
            };
            run_command(&plan, &data, &factors, rule.as_deref(), format, &options)
        }
        Command::Test { paths, factors } => {
            let (paths, factors) = match project::settle(&paths, factors, true) {
                Ok(s) => s,
                Err(code) => return code,
            };
            test_cmd::run(&paths, &factors, &options)
        }
        Command::Lsp => pcr_lsp::run_stdio(),
        Command::Explain { code } => explain(&code),
    }
}

/// A `.csv` argument that follows another `--factors` value (`--factors a.csv
/// b.csv`), for a hint on how to pass several factor databases.
fn stray_factor_file() -> Option<PathBuf> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    args.windows(3).find_map(|w| {
        let stray = w[0] == "--factors" && !w[2].starts_with('-') && w[2].ends_with(".csv");
        stray.then(|| PathBuf::from(&w[2]))
    })
}

fn explain(code: &str) -> ExitCode {
    match pcr_compiler::explain::explain(code) {
        Some(text) => {
            outln!("{text}");
            ExitCode::SUCCESS
        }
        None => {
            let codes: Vec<&str> = pcr_compiler::explain::AnyCode::all()
                .map(|c| c.code())
                .collect();
            eprintln!(
                "error: no explanation for `{code}`; the codes are {}",
                codes.join(", ")
            );
            ExitCode::from(2)
        }
    }
}

fn run_command(
    plan_path: &std::path::Path,
    data: &std::path::Path,
    factors: &[PathBuf],
    rule: Option<&str>,
    format: OutputFormat,
    options: &pcr_compiler::Options,
) -> ExitCode {
    let format = match format {
        OutputFormat::Json => run::RunFormat::Json,
        OutputFormat::Jsonl => run::RunFormat::Jsonl,
        OutputFormat::Csv => run::RunFormat::Csv,
    };
    if let Err(e) = inputs::not_a_factor_file(plan_path) {
        eprintln!("error: {e}");
        return ExitCode::from(2);
    }
    let is_rule = inputs::is_stdin(plan_path)
        || plan_path.extension().and_then(|e| e.to_str()) == Some("pcr");
    // The plan, and the bytes its provenance hash is taken of.
    let (plan, bytes) = if is_rule {
        match compile::plan(plan_path, rule, options, None, false) {
            Ok(p) => {
                let bytes = p.to_json_pretty().into_bytes();
                (p, bytes)
            }
            Err(code) => return code,
        }
    } else {
        let text = match std::fs::read_to_string(plan_path) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("error: cannot read plan `{}`: {e}", plan_path.display());
                return ExitCode::from(2);
            }
        };
        match pcr_plan::format::Plan::from_json(&text) {
            Ok(p) => (p, text.into_bytes()),
            Err(e) => {
                eprintln!("error: `{}` is not a usable plan: {e}", plan_path.display());
                return ExitCode::from(1);
            }
        }
    };
    if inputs::is_stdin(data) && is_rule && inputs::is_stdin(plan_path) {
        eprintln!(
            "error: stdin can give the rule or the data, not both: pass one of them as a file"
        );
        return ExitCode::from(2);
    }
    let data = match run::DataSource::open(data) {
        Ok(d) => d,
        Err(code) => return code,
    };
    run::run_plan(&plan, &bytes, &data, factors, format)
}
