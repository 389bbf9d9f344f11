//! Whether messages on stderr are coloured: `--color auto|always|never`.
//! `auto` colours when stderr is a terminal, unless `NO_COLOR` is set and
//! not empty (<https://no-color.org>); `always` colours even then.

use clap::ValueEnum;
use std::io::IsTerminal;
use std::sync::OnceLock;

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq, Debug)]
pub enum ColorChoice {
    /// Colour when stderr is a terminal and NO_COLOR is unset or empty.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

static COLOUR: OnceLock<bool> = OnceLock::new();

/// Decide once, at start, for the whole process (miette's reports included).
pub fn init(choice: ColorChoice) {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let colour = match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => !no_color && std::io::stderr().is_terminal(),
    };
    let _ = COLOUR.set(colour);
    let _ = miette::set_hook(Box::new(move |_| {
        Box::new(miette::MietteHandlerOpts::new().color(colour).build())
    }));
}

/// Whether to colour messages on stderr.
pub fn colour() -> bool {
    *COLOUR.get_or_init(|| false)
}
