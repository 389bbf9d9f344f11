//! The language server's message handling: a session of document opens,
//! edits and closes and requests at any position (past the end of a line or
//! of the document, inside a character) never panics or overflows the
//! stack. The server catches a panic in a request and answers nothing; here
//! any panic is a failure, since each one is a request that went unanswered.
//!
//! This drives the analysis state and request modules in process (see
//! `pcr_fuzz::lsp_script`); raw JSON-RPC frames are not fuzzed yet.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pcr_fuzz::lsp_script::Script;

fuzz_target!(|data: &[u8]| {
    pcr_fuzz::stack_overflow::report_stack_overflows();
    if let Some(script) = Script::from_bytes(data) {
        script.run();
    }
});
