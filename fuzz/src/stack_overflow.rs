//! Stack overflows reported as crashes, with their input saved.
//!
//! Under cargo-fuzz the program's `main` is libFuzzer's, so Rust's own
//! stack-overflow handler is never installed, and libFuzzer's SIGSEGV
//! handler (without a sanitizer) runs on the overflowed stack: the process
//! dies silently and the input is lost. Giving the fuzzing thread an
//! alternate signal stack and libFuzzer's handler the `SA_ONSTACK` flag
//! makes it report "deadly signal" and write the `crash-…` file as for any
//! other crash. This is the fuzz crate's only unsafe code; the crates
//! under test forbid it.

#![allow(unsafe_code)]

use std::sync::Once;

/// Size of the alternate signal stack (libFuzzer's crash handler prints,
/// hashes and writes the input on it).
const ALT_STACK: usize = 1 << 20;

/// Call at the start of every input (it acts once, on the fuzzing thread,
/// after libFuzzer has installed its signal handlers).
pub fn report_stack_overflows() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let stack: &'static mut [u8] = Box::leak(vec![0u8; ALT_STACK].into_boxed_slice());
        // SAFETY: `stack` lives for the rest of the process; the structures
        // passed to the libc calls are fully initialised.
        unsafe {
            let ss = libc::stack_t {
                ss_sp: stack.as_mut_ptr().cast(),
                ss_flags: 0,
                ss_size: ALT_STACK,
            };
            if libc::sigaltstack(&ss, std::ptr::null_mut()) != 0 {
                return;
            }
            for signal in [libc::SIGSEGV, libc::SIGBUS] {
                let mut action: libc::sigaction = std::mem::zeroed();
                if libc::sigaction(signal, std::ptr::null(), &mut action) != 0 {
                    continue;
                }
                if action.sa_sigaction == libc::SIG_DFL || action.sa_sigaction == libc::SIG_IGN {
                    continue;
                }
                action.sa_flags |= libc::SA_ONSTACK;
                libc::sigaction(signal, &action, std::ptr::null_mut());
            }
        }
    });
}
