//! Writing results to stdout. When the reader closes the pipe early
//! (`pcr test | head -1`), pcr stops at once, quietly, with status 0: the
//! reader has what it wanted, as with `git log | head` or ripgrep.
//! Any other write error is reported and ends the command with status 1.

use std::io::{self, Write};

/// Write formatted text to stdout, or end the process as described above.
pub fn write(args: std::fmt::Arguments<'_>) {
    let mut out = io::stdout().lock();
    if let Err(e) = out.write_fmt(args) {
        failed(&e);
    }
}

/// Flush stdout, or end the process as described above.
pub fn flush() {
    if let Err(e) = io::stdout().lock().flush() {
        failed(&e);
    }
}

/// End the process after a failed write to stdout.
pub fn failed(e: &io::Error) -> ! {
    if e.kind() == io::ErrorKind::BrokenPipe {
        std::process::exit(0);
    }
    eprintln!("error: cannot write to stdout: {e}");
    std::process::exit(1);
}

/// `println!` to stdout that ends quietly on a closed pipe.
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::stdout::write(format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// `print!` to stdout that ends quietly on a closed pipe.
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::stdout::write(format_args!($($arg)*))
    };
}
