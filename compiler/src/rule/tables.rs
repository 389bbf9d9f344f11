//! A rule's own tables, checked once its scope is known (top-level tables
//! are checked with the program, in `analysis`); reading a row is the
//! checker's (`checker/tables.rs`).

use crate::checker::Checker;
use pcr_lang::ast;
use std::sync::Arc;

/// Check each of the rule's tables and keep them in its scope, in the
/// order of their [`crate::checker::RuleName::Table`] indexes.
pub(super) fn check_tables(checker: &mut Checker, tables: &[&ast::TableDecl]) {
    let checked: Vec<_> = tables.iter().map(|t| checker.check_table(t)).collect();
    if let Some(rule) = checker.rule.as_mut() {
        rule.tables = Arc::new(checked);
    }
}
