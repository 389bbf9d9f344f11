//! A rule's declarations (inputs, factors, `let`s, functions) collected
//! into its scope, each name once and shadowing nothing (E0102), and the
//! clauses sorted by kind.

use super::functions::signature;
use crate::checker::{Checker, RuleFactor, RuleFn, RuleInput, RuleLet, RuleName, RuleScope, Slot};
use crate::diagnostic::Code;
use crate::rational::Rational;
use crate::types::Type;
use crate::world::WorldValue;
use crate::FastMap;
use pcr_lang::ast::{self, Clause, ExprKind};
use pcr_lang::Span;
use std::sync::Arc;

pub(super) struct RuleClauses<'r> {
    pub(super) titles: Vec<&'r ast::TitleClause>,
    pub(super) versions: Vec<&'r ast::TextClause>,
    pub(super) standards: Vec<&'r ast::TextClause>,
    pub(super) declared: Vec<&'r ast::DeclaredUnitClause>,
    pub(super) boundaries: Vec<&'r ast::NameClause>,
    pub(super) gwps: Vec<&'r ast::NameClause>,
    pub(super) cutoffs: Vec<&'r ast::CutoffClause>,
    pub(super) allocations: Vec<&'r ast::AllocationClause>,
    pub(super) grades: Vec<&'r ast::Grades>,
    /// The rule's tables, by their index in [`RuleName::Table`].
    pub(super) tables: Vec<&'r ast::TableDecl>,
}

/// The rule's declarations in its scope (names, inputs, factors, `let`s,
/// functions; types resolved), and its other clauses by kind.
pub(super) fn declare_all<'w, 'r>(
    checker: &mut Checker<'w, 'r>,
    rule: &'r ast::Rule,
) -> (RuleScope<'r>, RuleClauses<'r>) {
    let mut c = RuleClauses {
        titles: vec![],
        versions: vec![],
        standards: vec![],
        declared: vec![],
        boundaries: vec![],
        gwps: vec![],
        cutoffs: vec![],
        allocations: vec![],
        grades: vec![],
        tables: vec![],
    };
    let (mut n_inputs, mut n_factors, mut n_lets, mut n_fns) = (0, 0, 0, 0);
    for clause in &rule.clauses {
        match clause {
            Clause::Input(_) => n_inputs += 1,
            Clause::Factor(_) => n_factors += 1,
            Clause::Let(_) => n_lets += 1,
            Clause::Fn(_) => n_fns += 1,
            _ => {}
        }
    }
    let mut names = FastMap::default();
    names.reserve(n_inputs + n_factors + n_lets + n_fns);
    let mut rule_inputs = Vec::with_capacity(n_inputs);
    let mut rule_factors = Vec::with_capacity(n_factors);
    let mut rule_lets = Vec::with_capacity(n_lets);
    let mut rule_fns = Vec::with_capacity(n_fns);
    let mut types = TypeCache::default();
    for clause in &rule.clauses {
        match clause {
            Clause::Title(t) => c.titles.push(t),
            Clause::Version(t) => c.versions.push(t),
            Clause::Standard(t) => c.standards.push(t),
            Clause::DeclaredUnit(d) => c.declared.push(d),
            Clause::Boundary(b) => c.boundaries.push(b),
            Clause::Gwp(g) => c.gwps.push(g),
            Clause::Cutoff(x) => c.cutoffs.push(x),
            Clause::Allocation(a) => c.allocations.push(a),
            Clause::Grades(g) => c.grades.push(g),
            Clause::Input(i) => {
                let index = rule_inputs.len();
                if declare(checker, &mut names, &i.name, RuleName::Input(index)) {
                    let (ty, unit) = types.resolve(checker, &i.ty);
                    rule_inputs.push(RuleInput { decl: i, ty, unit });
                }
            }
            Clause::Factor(f) => {
                let index = rule_factors.len();
                if declare(checker, &mut names, &f.name, RuleName::Factor(index)) {
                    let (ty, unit) = types.resolve(checker, &f.ty);
                    if !matches!(ty, Type::Quantity(_) | Type::Error) {
                        let d = checker.error(
                            Code::TypeError,
                            f.ty.span,
                            "a factor is a quantity: declare it with a unit",
                            "not a unit",
                        );
                        checker.push(d);
                    }
                    rule_factors.push(RuleFactor { decl: f, ty, unit });
                }
            }
            Clause::Let(l) => {
                let index = rule_lets.len();
                if declare(checker, &mut names, &l.name, RuleName::Let(index)) {
                    let declared = l.ty.as_ref().map(|t| types.resolve(checker, t).0);
                    rule_lets.push(RuleLet {
                        decl: l,
                        declared,
                        slot: Slot::Pending,
                        used: false,
                    });
                }
            }
            Clause::Fn(f) => {
                let index = rule_fns.len();
                if declare(checker, &mut names, &f.name, RuleName::Fn(index)) {
                    let sig = signature(checker, f);
                    rule_fns.push(RuleFn {
                        decl: f,
                        sig,
                        body: None,
                    });
                }
            }
            Clause::Table(t) => {
                let index = c.tables.len();
                if declare(checker, &mut names, &t.name, RuleName::Table(index)) {
                    c.tables.push(t);
                }
            }
            Clause::Stage(_)
            | Clause::Result(_)
            | Clause::Exclude(_)
            | Clause::Example(_)
            | Clause::Error(_) => {}
        }
    }
    let scope = RuleScope {
        names: Arc::new(names),
        inputs_used: vec![false; rule_inputs.len()],
        factors_used: vec![false; rule_factors.len()],
        inputs: Arc::new(rule_inputs),
        factors: Arc::new(rule_factors),
        lets: rule_lets,
        fns: rule_fns,
        gwp: None,
        tables: Arc::new(Vec::new()),
        broken_words: Arc::new(broken_words(checker.text, rule)),
    };
    (scope, c)
}

fn declare<'r>(
    checker: &mut Checker,
    names: &mut FastMap<&'r str, (RuleName, Span)>,
    name: &'r ast::Name,
    what: RuleName,
) -> bool {
    let slot = match names.entry(name.text.as_str()) {
        std::collections::hash_map::Entry::Vacant(slot) => slot,
        std::collections::hash_map::Entry::Occupied(previous) => {
            let d = checker
                .error(
                    Code::DuplicateDefinition,
                    name.span,
                    format!("`{}` is defined twice in this rule", name.text),
                    "defined again here",
                )
                .with_label(checker.file, previous.get().1, "first defined here");
            checker.push(d);
            return false;
        }
    };
    if let Some((kind, loc)) = checker.world.values.get(&name.text).copied() {
        let what_is = match kind {
            WorldValue::Unit => "unit",
            WorldValue::Const(_) => "constant",
            WorldValue::Fn(_) => "function",
            WorldValue::Enum(_) => "enum",
            WorldValue::Table(_) => "table",
        };
        let prelude = if checker.world.is_prelude(loc.file) {
            "the prelude's "
        } else {
            "the "
        };
        let d = checker
            .error(Code::DuplicateDefinition, name.span, format!("`{}` shadows {prelude}{what_is} `{}`", name.text, name.text), format!("shadows a {what_is}"))
            .with_label(loc.file, loc.span, format!("the {what_is} is declared here"))
            .with_help("choose another name: a rule's inputs, factors and lets share one namespace with units, constants, functions and enums");
        checker.push(d);
        return false;
    }
    slot.insert((what, name.span));
    true
}

/// The words (names, keywords) written in the parts of `rule` that did not
/// parse: clauses, declarations, emissions and example statements.
fn broken_words(text: &str, rule: &ast::Rule) -> FastMap<String, ()> {
    let mut spans: Vec<Span> = Vec::new();
    let is_error = |e: &ast::Expr| matches!(e.kind, ExprKind::Error);
    for clause in &rule.clauses {
        match clause {
            Clause::Error(span) => spans.push(*span),
            Clause::Input(i) if matches!(i.ty.kind, ast::TypeKind::Error) => spans.push(i.span),
            Clause::Factor(f) => {
                if matches!(&f.value, ast::FactorValue::Literal(e) if is_error(e)) {
                    spans.push(f.span);
                }
            }
            Clause::Let(l) if is_error(&l.value) => spans.push(l.span),
            Clause::Stage(s) => {
                spans.extend(
                    s.emissions
                        .iter()
                        .filter(|e| is_error(&e.value))
                        .map(|e| e.span),
                );
            }
            Clause::Example(x) => {
                spans.extend(x.statements.iter().filter_map(|s| match s {
                    ast::ExampleStatement::Error(span) => Some(*span),
                    _ => None,
                }));
            }
            _ => {}
        }
    }
    let mut words = FastMap::default();
    for span in spans {
        let Some(part) = text.get(span.range()) else {
            continue;
        };
        for word in part.split(|c: char| !(c.is_alphanumeric() || c == '_')) {
            if !word.is_empty() {
                words.insert(word.to_string(), ());
            }
        }
    }
    words
}

/// Declared types by their text: a rule declares many inputs and factors of
/// the same few units. Only types resolved without a diagnostic are kept,
/// and no list types (each list input has its own record type).
#[derive(Default)]
struct TypeCache<'w> {
    map: FastMap<&'w str, Resolved>,
}

/// A resolved type and, for a quantity, its unit's factor and text.
type Resolved = (Type, Option<Arc<(Rational, String)>>);

impl<'w> TypeCache<'w> {
    fn resolve(&mut self, checker: &mut Checker<'w, '_>, ty: &ast::TypeExpr) -> Resolved {
        let key = checker.text.get(ty.span.range());
        if let Some(hit) = key.and_then(|k| self.map.get(k)) {
            return hit.clone();
        }
        let before = checker.diags.len();
        let (resolved_ty, unit) = checker
            .world
            .resolve_type(ty, checker.file, &mut checker.diags);
        let resolved = (resolved_ty, unit.map(Arc::new));
        if let Some(k) = key {
            if checker.diags.len() == before && !matches!(resolved.0, Type::List(_)) {
                self.map.insert(k, resolved.clone());
            }
        }
        resolved
    }
}
