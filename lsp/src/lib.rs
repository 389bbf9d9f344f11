//! `pcr-lsp`: the PCR language server.
//!
//! `pcr lsp` calls [`run_stdio`], which speaks the Language Server Protocol
//! over standard input and output. The server keeps the open documents and
//! their analyses on one analysis thread ([`engine`]), because the compiler's
//! analysis is not `Send`; request handlers ([`server`]) send it jobs and
//! await the answers. One module per request kind turns an analysis into the
//! protocol's answer; a panic in any of them is caught, logged and answered
//! with nothing, so the server never dies. Between the client and the
//! protocol machinery, [`transport`] reads and checks every message, so
//! that a malformed one is answered with an error instead of ending the
//! connection.
#![cfg_attr(not(test), deny(clippy::panic, clippy::unreachable))]

pub mod analysis_cache;
pub mod code_action;
pub mod completion;
pub mod convert;
pub mod decls;
pub mod definition;
pub mod diagnostics;
pub mod document;
pub mod engine;
pub mod formatting;
pub mod hover;
pub mod inlay_hints;
pub mod project;
pub mod references;
pub mod rename;
pub mod semantic_tokens;
pub mod server;
pub mod stdlib;
pub mod symbols;
pub mod transport;

pub use engine::{Engine, State};
pub use server::Backend;
pub use transport::{handle_raw_bytes_for_fuzzing, serve};

use std::process::ExitCode;

/// Serve the language server on stdin/stdout until the client says `exit`.
///
/// Returns success after a clean `shutdown`/`exit`, or when the client closes
/// the connection; failure only when the runtime cannot start.
pub fn run_stdio() -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("pcr lsp: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(serve(tokio::io::stdin(), tokio::io::stdout()));
    // Blocking reads of stdin may still be pending: do not wait for them.
    runtime.shutdown_background();
    ExitCode::SUCCESS
}
