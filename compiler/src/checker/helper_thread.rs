//! A checker's one part in typing a long rule's values on two threads (the
//! machinery itself is `rule/values/`): on the helper thread, a use of a
//! rule `let` the helper has not typed stops the value being typed, and the
//! main thread types that value again.

/// The state of a checker running on the helper thread.
#[derive(Debug, Default)]
pub struct HelperThread {
    /// Set when a use of an untyped `let` stopped the value being typed.
    pub stopped: bool,
}
