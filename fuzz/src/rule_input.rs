//! How the rule targets read a fuzz input: a first byte 0 means "decode a
//! [`HostileRule`] from the rest and expand it"; anything else is the rule
//! text itself (UTF-8; other inputs are skipped).

use crate::hostile_rules::HostileRule;
use std::borrow::Cow;

/// The rule text for one fuzz input, if it has one.
pub fn rule_text(data: &[u8]) -> Option<Cow<'_, str>> {
    match data.split_first() {
        Some((0, rest)) => HostileRule::from_bytes(rest).map(|h| Cow::Owned(h.render())),
        _ => std::str::from_utf8(data).ok().map(Cow::Borrowed),
    }
}
