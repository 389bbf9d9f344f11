//! Rule checks: required clauses, boundary, stages, emissions per declared
//! unit, categories, cut-off, grades and worked examples (E0202, E03xx).

use crate::checker::{
    Checker, FnSig, Local, RuleFactor, RuleFn, RuleInput, RuleLet, RuleName, RuleScope, Slot,
};
use crate::diagnostic::Diagnostic;
use crate::dimension::Dimension;
use crate::rational::Rational;
use crate::source::FileId;
use crate::suggest::closest;
use crate::types::{ConstValue, Location, TExpr, Type};
use crate::world::WorldValue;
use crate::FastMap;
use pcr_lang::ast::{self, Clause, ExprKind, UnOp};
use pcr_lang::Span;
use std::sync::Arc;

const BOUNDARY_NOTE: &str = "GB/T 24067 and ISO 14067 require every stage inside the system boundary to be counted, or excluded with a reason within the cut-off criteria";
const CUTOFF_NOTE: &str = "GB/T 24067 and ISO 14067: exclusions are allowed only within the cut-off criteria the rule states, each one documented";

#[derive(Debug, Clone)]
pub struct DeclaredUnit {
    pub amount: f64,
    pub unit: String,
    pub dim: Dimension,
    /// The amount in canonical units.
    pub canonical: f64,
}

#[derive(Debug, Clone)]
pub struct CheckedInput {
    pub name: String,
    pub doc: Option<String>,
    pub ty: Type,
    /// The declared unit's text and factor to canonical units (quantities).
    pub unit: Option<(String, f64)>,
    pub default: Option<ConstValue>,
    pub loc: Location,
}

#[derive(Debug, Clone)]
pub enum CheckedFactorValue {
    /// The value in canonical units, and in the declared unit.
    Literal {
        canonical: f64,
        in_unit: f64,
    },
    Db {
        key: String,
    },
}

#[derive(Debug, Clone)]
pub struct CheckedFactor {
    pub name: String,
    pub doc: Option<String>,
    pub ty: Type,
    pub unit: Option<(String, f64)>,
    pub value: CheckedFactorValue,
    pub source: Option<String>,
    pub loc: Location,
}

#[derive(Debug, Clone)]
pub struct CheckedEmission {
    pub name: String,
    pub stage: String,
    pub category: String,
    pub value: TExpr,
    pub doc: Option<String>,
    pub loc: Location,
}

#[derive(Debug, Clone)]
pub struct CheckedExclusion {
    pub name: String,
    pub reason: String,
    pub share: f64,
    pub is_stage: bool,
}

#[derive(Debug, Clone)]
pub enum ExpectWhat {
    Footprint,
    Stage(String),
    Emission(String),
    Category(String),
    Grade,
}

#[derive(Debug, Clone)]
pub enum Tolerance {
    Relative(f64),
    /// In kgCO2e per declared unit.
    Absolute(f64),
}

#[derive(Debug, Clone)]
pub struct CheckedExpect {
    pub what: ExpectWhat,
    /// kgCO2e per declared unit, or the grade's name.
    pub value: Result<f64, String>,
    pub tolerance: Option<Tolerance>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct CheckedExample {
    pub name: String,
    pub givens: Vec<(String, ConstValue)>,
    pub expects: Vec<CheckedExpect>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct CheckedFn {
    pub sig: FnSig,
    pub body: Option<TExpr>,
}

/// A checked rule, ready to lower when it has no errors.
#[derive(Debug, Clone)]
pub struct CheckedRule {
    pub name: String,
    pub file: FileId,
    pub name_span: Span,
    pub span: Span,
    pub doc: Option<String>,
    pub title: Option<String>,
    pub title_en: Option<String>,
    pub version: Option<String>,
    pub standard: Option<String>,
    pub declared: Option<DeclaredUnit>,
    pub boundary: Option<String>,
    pub boundary_stages: Vec<String>,
    pub gwp: Option<String>,
    pub cutoff: Option<(f64, f64)>,
    pub allocation: Option<(String, Option<String>)>,
    pub inputs: Vec<CheckedInput>,
    pub factors: Vec<CheckedFactor>,
    pub lets: Vec<Option<TExpr>>,
    pub fns: Vec<CheckedFn>,
    pub emissions: Vec<CheckedEmission>,
    pub exclusions: Vec<CheckedExclusion>,
    pub grades: Vec<(String, f64)>,
    pub otherwise: Option<String>,
    pub examples: Vec<CheckedExample>,
    pub has_errors: bool,
}

fn single<'r, T>(
    checker: &mut Checker,
    rule: &ast::Rule,
    items: &[&'r T],
    keyword: &str,
    span_of: impl Fn(&T) -> Span,
) -> Option<&'r T> {
    if items.len() > 1 {
        let first = span_of(items[0]);
        for extra in &items[1..] {
            let d = checker
                .error(
                    "E0304",
                    span_of(extra),
                    format!("rule `{}` gives `{keyword}` twice", rule.name.text),
                    "given again here",
                )
                .with_label(checker.file, first, "first given here");
            checker.push(d);
        }
    }
    items.first().copied()
}

fn missing(checker: &mut Checker, rule: &ast::Rule, keyword: &str, example: &str) {
    let d = checker
        .error("E0304", rule.name.span, format!("rule `{}` has no `{keyword}` clause", rule.name.text), format!("`{keyword}` missing"))
        .with_help(format!("add a clause such as `{example}`"))
        .with_note("every rule states its title, version, declared unit, system boundary, GWP set and cut-off criteria (GB/T 24067, ISO 14067)");
    checker.push(d);
}

/// Whether an expression is a negative literal: `-5 kgCO2e/t`.
fn negative_literal(e: &ast::Expr) -> bool {
    match &e.kind {
        ExprKind::Unary(UnOp::Neg, inner) => {
            matches!(inner.kind, ExprKind::Number(_) | ExprKind::Quantity { .. })
                || literal_quotient(inner)
        }
        ExprKind::Paren(inner) => negative_literal(inner),
        ExprKind::Binary(ast::BinOp::Mul | ast::BinOp::Div, a, b) => {
            negative_literal(a) && is_literal(b) || is_literal(a) && negative_literal(b)
        }
        _ => false,
    }
}

fn is_literal(e: &ast::Expr) -> bool {
    match &e.kind {
        ExprKind::Number(_) | ExprKind::Quantity { .. } | ExprKind::Name(_) => true,
        ExprKind::Paren(inner) => is_literal(inner),
        _ => false,
    }
}

fn literal_quotient(e: &ast::Expr) -> bool {
    match &e.kind {
        ExprKind::Binary(ast::BinOp::Mul | ast::BinOp::Div, a, b) => {
            is_literal(a) && (is_literal(b) || literal_quotient(b))
                || literal_quotient(a) && is_literal(b)
        }
        ExprKind::Paren(inner) => literal_quotient(inner),
        _ => false,
    }
}

fn needs_parens(e: &ast::Expr) -> bool {
    matches!(
        e.kind,
        ExprKind::Binary(ast::BinOp::Add | ast::BinOp::Sub, ..)
            | ExprKind::If(..)
            | ExprKind::Unary(..)
    )
}

struct RuleClauses<'r> {
    titles: Vec<&'r ast::TitleClause>,
    versions: Vec<&'r ast::TextClause>,
    standards: Vec<&'r ast::TextClause>,
    declared: Vec<&'r ast::DeclaredUnitClause>,
    boundaries: Vec<&'r ast::NameClause>,
    gwps: Vec<&'r ast::NameClause>,
    cutoffs: Vec<&'r ast::CutoffClause>,
    allocations: Vec<&'r ast::AllocationClause>,
    grades: Vec<&'r ast::Grades>,
}

pub fn check_rule<'w, 'r>(checker: &mut Checker<'w, 'r>, rule: &'r ast::Rule) -> CheckedRule {
    let file = checker.file;
    let errors_before = checker.diags.iter().filter(|d| d.is_error()).count();
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
                            "E0204",
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
            Clause::Stage(_) | Clause::Exclude(_) | Clause::Example(_) | Clause::Error(_) => {}
        }
    }
    let mut scope = RuleScope {
        names: Arc::new(names),
        inputs_used: vec![false; rule_inputs.len()],
        factors_used: vec![false; rule_factors.len()],
        inputs: Arc::new(rule_inputs),
        factors: Arc::new(rule_factors),
        lets: rule_lets,
        fns: rule_fns,
        gwp: None,
        broken_words: Arc::new(broken_words(checker.text, rule)),
    };

    // A clause that did not parse was still written: it is not "missing".
    let broken: Vec<&str> = rule
        .clauses
        .iter()
        .filter_map(|c| match c {
            Clause::Error(span) => checker
                .text
                .get(span.range())
                .and_then(|t| t.split_whitespace().next()),
            _ => None,
        })
        .collect();
    let written = |k: &str| broken.contains(&k);
    let title = single(checker, rule, &c.titles, "title", |t| t.span);
    let version = single(checker, rule, &c.versions, "version", |t| t.span);
    let standard = single(checker, rule, &c.standards, "standard", |t| t.span);
    let declared_clause = single(checker, rule, &c.declared, "declared_unit", |t| t.span);
    let boundary_clause = single(checker, rule, &c.boundaries, "boundary", |t| t.span);
    let gwp_clause = single(checker, rule, &c.gwps, "gwp", |t| t.span);
    let cutoff_clause = single(checker, rule, &c.cutoffs, "cutoff", |t| t.span);
    let allocation = single(checker, rule, &c.allocations, "allocation", |t| t.span);
    let grades_clause = single(checker, rule, &c.grades, "grades", |t| t.span);
    let allocation = allocation.filter(|a| allocation_kind_known(checker, a));
    if title.is_none() && !written("title") {
        missing(checker, rule, "title", "title \"…\" en \"…\"");
    }
    if version.is_none() && !written("version") {
        missing(checker, rule, "version", "version \"0.1.0\"");
    }
    if declared_clause.is_none() && !written("declared_unit") {
        missing(checker, rule, "declared_unit", "declared_unit 1 t");
    }
    if boundary_clause.is_none() && !written("boundary") {
        missing(checker, rule, "boundary", "boundary cradle_to_gate");
    }
    if gwp_clause.is_none() && !written("gwp") {
        missing(checker, rule, "gwp", "gwp ar6");
    }
    if cutoff_clause.is_none() && !written("cutoff") {
        missing(checker, rule, "cutoff", "cutoff item 1% total 5%");
    }

    // The GWP set.
    let mut gwp = None;
    if let Some(g) = gwp_clause {
        if let Some(set) = checker.world.gwp_sets.get(&g.name.text) {
            let loc = set.loc;
            checker.refs.push(crate::checker::Reference {
                file,
                span: g.name.span,
                target: loc,
            });
            gwp = Some(g.name.text.clone());
        } else {
            let mut d = checker.error(
                "E0101",
                g.name.span,
                format!("unknown GWP set `{}`", g.name.text),
                "not a GWP set",
            );
            d = d.did_you_mean(
                &g.name.text,
                checker.world.gwp_sets.keys().map(String::as_str),
            );
            checker.push(d);
        }
    }
    scope.gwp = gwp.clone();
    checker.rule = Some(scope);

    // The declared unit.
    let declared = declared_clause.and_then(|d| declared_unit(checker, d));
    let emission_dim = match (&declared, checker.world.co2e()) {
        (Some(d), Some(co2e)) => {
            let dim = Dimension::base(co2e).div(&d.dim);
            if dim.is_none() {
                if let Some(clause) = declared_clause {
                    let d = crate::dimension::overflow(file, clause.amount.span);
                    checker.push(d);
                }
            }
            dim
        }
        _ => None,
    };

    // The boundary.
    let mut boundary_stages = Vec::new();
    let mut boundary = None;
    if let Some(b) = boundary_clause {
        match checker.world.boundaries.get(&b.name.text) {
            Some(def) => {
                boundary_stages = def.stages.clone();
                boundary = Some(def.name.clone());
                let loc = def.loc;
                checker.refs.push(crate::checker::Reference {
                    file,
                    span: b.name.span,
                    target: loc,
                });
            }
            None => {
                let mut d = checker.error(
                    "E0101",
                    b.name.span,
                    format!("unknown boundary `{}`", b.name.text),
                    "not a boundary",
                );
                d = d.did_you_mean(
                    &b.name.text,
                    checker.world.boundaries.keys().map(String::as_str),
                );
                checker.push(d);
            }
        }
    }

    // Cut-off criteria.
    let cutoff = cutoff_clause.and_then(|c| {
        let item = ratio_constant(checker, &c.item, "the item cut-off");
        let total = ratio_constant(checker, &c.total, "the total cut-off");
        Some((item?, total?))
    });

    // Input defaults, factor values, lets and emissions' values.
    let values = crate::values::type_values(checker, rule);
    let (inputs, factors) = (values.inputs, values.factors);

    let fn_count = checker.rule.as_ref().map(|r| r.fns.len()).unwrap_or(0);
    for i in 0..fn_count {
        let Some((decl, sig)) = checker
            .rule
            .as_ref()
            .map(|r| (r.fns[i].decl, r.fns[i].sig.clone()))
        else {
            continue;
        };
        let body = fn_body(checker, decl, &sig);
        if let Some(r) = checker.rule.as_mut() {
            r.fns[i].body = Some(body);
        }
    }

    // Stages and emissions.
    let emission_count = values.emissions.len();
    let mut typed_values = values.emissions.into_iter();
    let mut emissions: Vec<CheckedEmission> = Vec::with_capacity(emission_count);
    let mut stage_blocks: FastMap<&str, Span> = FastMap::default();
    // Stages with an emission, valid or not (an erroneous emission is reported once, not again as E0302).
    let mut counted_stages: FastMap<&str, ()> = FastMap::default();
    let mut emission_names: Vec<(&str, Location)> = Vec::with_capacity(emission_count);
    let mut seen_emissions: FastMap<&str, Location> = FastMap::default();
    seen_emissions.reserve(emission_count);
    let mut exclusions: Vec<CheckedExclusion> = Vec::new();
    let mut excluded_stages: FastMap<&str, Span> = FastMap::default();
    for clause in &rule.clauses {
        match clause {
            Clause::Stage(s) => {
                let known = stage_known(checker, &s.name);
                if known && boundary.is_some() && !boundary_stages.contains(&s.name.text) {
                    let d = checker
                        .error(
                            "E0301",
                            s.name.span,
                            format!("stage `{}` is outside the rule's boundary `{}`", s.name.text, boundary.clone().unwrap_or_default()),
                            "outside the boundary",
                        )
                        .with_note(format!("the boundary counts {}", boundary_stages.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ")))
                        .with_note("nothing outside the system boundary may be counted in the footprint (GB/T 24067, ISO 14067)");
                    checker.push(d);
                }
                if let Some(previous) = stage_blocks.get(s.name.text.as_str()) {
                    let d = checker
                        .error(
                            "E0102",
                            s.name.span,
                            format!("stage `{}` has two blocks", s.name.text),
                            "second block",
                        )
                        .with_label(file, *previous, "first block")
                        .with_help("put all emissions of a stage in one block");
                    checker.push(d);
                }
                stage_blocks.insert(&s.name.text, s.name.span);
                if !s.emissions.is_empty() {
                    counted_stages.insert(&s.name.text, ());
                }
                emission_names.extend(s.emissions.iter().map(|e| {
                    (
                        e.name.text.as_str(),
                        Location {
                            file,
                            span: e.name.span,
                        },
                    )
                }));
                for e in &s.emissions {
                    let typed = typed_values.next();
                    if let Some(emission) = check_emission(
                        checker,
                        e,
                        typed,
                        &s.name.text,
                        emission_dim.as_ref(),
                        declared.as_ref(),
                        &seen_emissions,
                    ) {
                        emissions.push(emission);
                    }
                    seen_emissions.entry(&e.name.text).or_insert(Location {
                        file,
                        span: e.name.span,
                    });
                }
            }
            Clause::Exclude(x) => {
                if x.is_stage {
                    let known = stage_known(checker, &x.name);
                    if known && boundary.is_some() && !boundary_stages.contains(&x.name.text) {
                        let d = checker
                            .error(
                                "E0301",
                                x.name.span,
                                format!("stage `{}` is not in the boundary `{}`, so there is nothing to exclude", x.name.text, boundary.clone().unwrap_or_default()),
                                "outside the boundary",
                            )
                            .with_help("remove this exclusion, or choose a boundary that contains the stage");
                        checker.push(d);
                    }
                    excluded_stages.insert(&x.name.text, x.name.span);
                }
                let share = ratio_constant(checker, &x.share, "an exclusion's share");
                if let Some(share) = share {
                    if share < 0.0 {
                        let d = checker.error(
                            "E0203",
                            x.share.span,
                            "an exclusion's share cannot be negative",
                            "negative share",
                        );
                        checker.push(d);
                    }
                    exclusions.push(CheckedExclusion {
                        name: x.name.text.clone(),
                        reason: x.reason.value.clone(),
                        share,
                        is_stage: x.is_stage,
                    });
                    if let (Some((item, _)), Some(c)) = (cutoff, cutoff_clause) {
                        if share > item + 1e-12 {
                            let d = checker
                                .error(
                                    "E0303",
                                    x.share.span,
                                    format!("exclusion `{}` is {} of the footprint, above the item cut-off of {}", x.name.text, percent(share), percent(item)),
                                    format!("{} > {}", percent(share), percent(item)),
                                )
                                .with_label(file, c.item.span, "the item cut-off")
                                .with_note(CUTOFF_NOTE);
                            checker.push(d);
                        }
                    }
                }
                if x.reason.value.trim().is_empty() {
                    let d = checker.error(
                        "E0303",
                        x.reason.span,
                        "an exclusion must give its reason",
                        "empty reason",
                    );
                    checker.push(d);
                }
            }
            _ => {}
        }
    }
    if let (Some((_, total)), Some(c)) = (cutoff, cutoff_clause) {
        let sum: f64 = exclusions.iter().map(|x| x.share).sum();
        if sum > total + 1e-12 {
            let shares: Vec<String> = exclusions.iter().map(|x| percent(x.share)).collect();
            let d = checker
                .error(
                    "E0303",
                    c.total.span,
                    format!(
                        "exclusions add up to {} of the footprint, above the total cut-off of {}",
                        percent(sum),
                        percent(total)
                    ),
                    format!(
                        "{} = {} > {}",
                        shares.join(" + "),
                        percent(sum),
                        percent(total)
                    ),
                )
                .with_note(CUTOFF_NOTE);
            checker.push(d);
        }
    }
    // Every boundary stage counted or excluded.
    if let Some(b) = boundary_clause {
        for stage in &boundary_stages {
            let counted = counted_stages.contains_key(stage.as_str());
            // A stage block or exclusion that did not parse was still written.
            let written_broken = checker
                .rule
                .as_ref()
                .is_some_and(|r| r.in_broken_text(stage));
            if !counted && !excluded_stages.contains_key(stage.as_str()) && !written_broken {
                let has_block = stage_blocks.contains_key(stage.as_str());
                let d = checker
                    .error(
                        "E0302",
                        b.name.span,
                        format!("stage `{stage}` of boundary `{}` is neither calculated nor excluded", b.name.text),
                        format!("`{stage}` is in this boundary"),
                    )
                    .with_help(if has_block {
                        format!("its block has no emission: add `emission …` to `stage {stage}`, or exclude it")
                    } else {
                        format!("add `stage {stage} {{ emission … }}`, or `exclude stage {stage} \"reason\" share 0.5%`")
                    })
                    .with_note(BOUNDARY_NOTE);
                checker.push(d);
            }
        }
    }

    // Grades.
    let mut grades = Vec::new();
    let mut otherwise = None;
    if let Some(g) = grades_clause {
        let co2e = checker
            .world
            .co2e()
            .map(Dimension::base)
            .map(Type::Quantity);
        let mut previous: Option<(f64, Span)> = None;
        for entry in &g.entries {
            let value = checker.expr(&entry.threshold);
            if let Some(ty) = &co2e {
                if !checker.expect_type(
                    &value,
                    ty,
                    Some("kgCO2e"),
                    format_args!("the threshold of grade `{}`", entry.name.text),
                ) {
                    continue;
                }
            }
            let Some(v) = constant_number(
                checker,
                &value,
                &format!(
                    "the threshold of grade `{}` must be a constant",
                    entry.name.text
                ),
            ) else {
                continue;
            };
            if let Some((p, pspan)) = previous {
                if v <= p {
                    let d = checker
                        .error(
                            "E0305",
                            entry.threshold.span,
                            "grade thresholds must be strictly increasing",
                            "not above the previous threshold",
                        )
                        .with_label(file, pspan, "previous threshold");
                    checker.push(d);
                }
            }
            if grades.iter().any(|(n, _)| n == &entry.name.text) {
                let d = checker.error(
                    "E0102",
                    entry.name.span,
                    format!("grade `{}` is defined twice", entry.name.text),
                    "again here",
                );
                checker.push(d);
            }
            previous = Some((v, entry.threshold.span));
            grades.push((entry.name.text.clone(), v));
        }
        match &g.otherwise {
            Some(o) => otherwise = Some(o.text.clone()),
            None => {
                let d = checker
                    .error("E0305", g.span, "grades have no `otherwise` grade", "no `otherwise`")
                    .with_help("end the grades with a catch-all such as `C otherwise`, so that every footprint has a grade");
                checker.push(d);
            }
        }
    }

    // Examples.
    let mut examples = Vec::new();
    for clause in &rule.clauses {
        if let Clause::Example(x) = clause {
            examples.push(check_example(
                checker,
                x,
                &emission_names,
                &boundary_stages,
                &grades,
                otherwise.as_deref(),
            ));
        }
    }

    // Unused names (a name written where the rule did not parse may be used there).
    let scope = checker.rule.take().unwrap_or_default();
    for (input, used) in scope.inputs.iter().zip(&scope.inputs_used) {
        if !used && !scope.in_broken_text(&input.decl.name.text) {
            let d = Diagnostic::warning(
                "W0001",
                file,
                input.decl.name.span,
                format!("input `{}` is never used", input.decl.name.text),
                "unused input",
            )
            .with_help("use it in an emission or a `let`, or remove it");
            checker.push(d);
        }
    }
    for (factor, used) in scope.factors.iter().zip(&scope.factors_used) {
        if !used && !scope.in_broken_text(&factor.decl.name.text) {
            let d = Diagnostic::warning(
                "W0002",
                file,
                factor.decl.name.span,
                format!("factor `{}` is never used", factor.decl.name.text),
                "unused factor",
            );
            checker.push(d);
        }
    }
    for l in &scope.lets {
        if !l.used && !scope.in_broken_text(&l.decl.name.text) {
            let d = Diagnostic::warning(
                "W0003",
                file,
                l.decl.name.span,
                format!("`{}` is never used", l.decl.name.text),
                "unused let",
            );
            checker.push(d);
        }
    }
    let lets = scope
        .lets
        .into_iter()
        .map(|l| match l.slot {
            Slot::Done(t) => Some(t),
            _ => None,
        })
        .collect();
    let fns = scope
        .fns
        .into_iter()
        .map(|f| CheckedFn {
            sig: f.sig,
            body: f.body,
        })
        .collect();
    let errors_after = checker.diags.iter().filter(|d| d.is_error()).count();
    CheckedRule {
        name: rule.name.text.clone(),
        file,
        name_span: rule.name.span,
        span: rule.span,
        doc: rule.doc.clone(),
        title: title.map(|t| t.zh.value.clone()),
        title_en: title.and_then(|t| t.en.as_ref().map(|e| e.value.clone())),
        version: version.map(|v| v.value.value.clone()),
        standard: standard.map(|v| v.value.value.clone()),
        declared,
        boundary,
        boundary_stages,
        gwp,
        cutoff,
        allocation: allocation.map(|a| {
            (
                a.kind.text.clone(),
                a.reason.as_ref().map(|r| r.value.clone()),
            )
        }),
        inputs,
        factors,
        lets,
        fns,
        emissions,
        exclusions,
        grades,
        otherwise,
        examples,
        has_errors: errors_after > errors_before,
    }
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

/// The value of a checked expression that must be a constant (the one
/// evaluator, [`crate::constant`]): E0204 saying why when it is not. An
/// erroneous expression was reported already and gives `None` silently.
fn constant(checker: &mut Checker, value: &TExpr, message: &str) -> Option<ConstValue> {
    if value.ty.is_error() {
        return None;
    }
    match crate::constant::evaluate(checker, value) {
        Ok(v) => Some(v),
        Err(why) => {
            let d = checker
                .error("E0204", value.span, message, "not a constant")
                .with_note(why.reason);
            checker.push(d);
            None
        }
    }
}

/// A constant number, as [`constant`].
fn constant_number(checker: &mut Checker, value: &TExpr, message: &str) -> Option<f64> {
    match constant(checker, value, message)? {
        ConstValue::Number(v) => Some(v),
        _ => None,
    }
}

/// The allocation kinds of `docs/src/rules.md`.
pub const ALLOCATION_KINDS: [&str; 4] = ["none", "physical", "economic", "system_expansion"];

/// Whether `allocation KIND` names a documented kind; E0101 listing them when not.
fn allocation_kind_known(checker: &mut Checker, a: &ast::AllocationClause) -> bool {
    if ALLOCATION_KINDS.contains(&a.kind.text.as_str()) {
        return true;
    }
    let kinds = ALLOCATION_KINDS
        .iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let d = checker
        .error(
            "E0101",
            a.kind.span,
            format!("unknown allocation kind `{}`", a.kind.text),
            "not an allocation kind",
        )
        .with_note(format!(
            "the allocation kinds are {kinds} (ISO 14044 4.3.4)"
        ))
        .did_you_mean(&a.kind.text, ALLOCATION_KINDS);
    checker.push(d);
    false
}

fn percent(v: f64) -> String {
    let p = v * 100.0;
    let s = format!("{p:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    format!("{s}%")
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
                    "E0102",
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
        };
        let prelude = if checker.world.is_prelude(loc.file) {
            "the prelude's "
        } else {
            "the "
        };
        let d = checker
            .error("E0102", name.span, format!("`{}` shadows {prelude}{what_is} `{}`", name.text, name.text), format!("shadows a {what_is}"))
            .with_label(loc.file, loc.span, format!("the {what_is} is declared here"))
            .with_help("choose another name: a rule's inputs, factors and lets share one namespace with units, constants, functions and enums");
        checker.push(d);
        return false;
    }
    slot.insert((what, name.span));
    true
}

pub fn signature(checker: &mut Checker, f: &ast::FnDecl) -> FnSig {
    let file = checker.file;
    let params = f
        .params
        .iter()
        .map(|p| {
            (
                p.name.text.clone(),
                checker
                    .world
                    .resolve_type(&p.ty, file, &mut checker.diags)
                    .0,
            )
        })
        .collect();
    let ret = f
        .ret
        .as_ref()
        .map(|t| checker.world.resolve_type(t, file, &mut checker.diags).0);
    FnSig { params, ret }
}

/// Check a function body with its parameters in scope.
pub fn fn_body(checker: &mut Checker, decl: &ast::FnDecl, sig: &FnSig) -> TExpr {
    let saved = std::mem::take(&mut checker.locals);
    for (p, (name, ty)) in decl.params.iter().zip(&sig.params) {
        checker.locals.push(Local {
            name: name.clone(),
            ty: ty.clone(),
            loc: Location {
                file: checker.file,
                span: p.name.span,
            },
        });
    }
    let body = checker.expr_with(&decl.body, sig.ret.as_ref());
    if let Some(ret) = &sig.ret {
        let unit = decl
            .ret
            .as_ref()
            .and_then(|t| {
                checker
                    .world
                    .resolve_type(t, checker.file, &mut Vec::new())
                    .1
            })
            .map(|u| u.1);
        checker.expect_type(
            &body,
            ret,
            unit.as_deref(),
            format_args!("the result of `{}`", decl.name.text),
        );
    }
    checker.locals = saved;
    body
}

fn stage_known(checker: &mut Checker, name: &ast::Name) -> bool {
    match checker.world.stages.get(&name.text) {
        Some(s) => {
            let loc = s.loc;
            checker.refs.push(crate::checker::Reference {
                file: checker.file,
                span: name.span,
                target: loc,
            });
            true
        }
        None => {
            let mut d = checker.error(
                "E0101",
                name.span,
                format!("unknown stage `{}`", name.text),
                "not a stage",
            );
            d = d.did_you_mean(&name.text, checker.world.stages.keys().map(String::as_str));
            checker.push(d);
            false
        }
    }
}

fn declared_unit(checker: &mut Checker, d: &ast::DeclaredUnitClause) -> Option<DeclaredUnit> {
    let value = checker.expr(&d.amount);
    let Type::Quantity(dim) = &value.ty else {
        if !value.ty.is_error() {
            let diag = checker.error(
                "E0203",
                d.amount.span,
                "the declared unit is a quantity, such as `1 t` or `1 kWh`",
                "not a quantity",
            );
            checker.push(diag);
        }
        return None;
    };
    let canonical = constant_number(
        checker,
        &value,
        "the declared unit must be a constant quantity",
    )?;
    if canonical <= 0.0 {
        let diag = checker.error(
            "E0203",
            d.amount.span,
            "the declared unit must be a positive amount",
            "not positive",
        );
        checker.push(diag);
        return None;
    }
    let (amount, unit) = match &d.amount.kind {
        ExprKind::Quantity {
            number,
            unit,
            power,
        } => {
            // The number was checked above (the quantity has a value); never a guessed amount.
            let n = crate::checker::literal_value(number).ok()?;
            let text = match power {
                Some(p) => format!("{}^{}", unit.text, p.num),
                None => unit.text.clone(),
            };
            (n, text)
        }
        _ => (canonical, checker.world.canonical_unit(dim)),
    };
    Some(DeclaredUnit {
        amount,
        unit,
        dim: dim.clone(),
        canonical,
    })
}

fn ratio_constant(checker: &mut Checker, e: &ast::Expr, what: &str) -> Option<f64> {
    let value = checker.expr(e);
    if !checker.expect_type(&value, &Type::ratio(), None, what) {
        return None;
    }
    constant_number(
        checker,
        &value,
        &format!("{what} must be a constant such as `1%`"),
    )
}

/// Input number `i` with its default checked.
pub(crate) fn input_default(checker: &mut Checker, i: usize) -> Option<CheckedInput> {
    let file = checker.file;
    let (decl, ty, unit) = checker
        .rule
        .as_ref()
        .and_then(|r| r.inputs.get(i))
        .map(|x| (x.decl, x.ty.clone(), x.unit.as_deref().cloned()))?;
    let default = decl.default.as_ref().and_then(|e| {
        let value = checker.expr_with(e, Some(&ty));
        if !checker.expect_type(
            &value,
            &ty,
            unit.as_ref().map(|u| u.1.as_str()),
            format_args!("input `{}`", decl.name.text),
        ) {
            return None;
        }
        let v = constant(checker, &value, "a default must be a constant value");
        if let Some(ConstValue::Number(n)) = v {
            if n < 0.0 {
                let d = checker.error(
                    "E0203",
                    e.span,
                    "an input's default cannot be negative",
                    "negative default",
                );
                checker.push(d);
            }
        }
        v
    });
    Some(CheckedInput {
        name: decl.name.text.clone(),
        doc: decl.doc.clone(),
        ty,
        unit: unit.map(|(f, t)| (t, f.to_f64())),
        default,
        loc: Location {
            file,
            span: decl.name.span,
        },
    })
}

/// Factor number `i` with its value checked.
pub(crate) fn factor_value(checker: &mut Checker, i: usize) -> Option<CheckedFactor> {
    let file = checker.file;
    let (decl, ty, unit) = checker
        .rule
        .as_ref()
        .and_then(|r| r.factors.get(i))
        .map(|x| (x.decl, x.ty.clone(), x.unit.as_deref().cloned()))?;
    let unit_factor = unit.as_ref().map(|u| u.0.to_f64()).unwrap_or(1.0);
    let value = match &decl.value {
        ast::FactorValue::Db(key) => CheckedFactorValue::Db {
            key: key.value.clone(),
        },
        ast::FactorValue::Literal(e) => {
            let value = checker.expr_with(e, Some(&ty));
            checker.expect_type(
                &value,
                &ty,
                unit.as_ref().map(|u| u.1.as_str()),
                format_args!("factor `{}`", decl.name.text),
            );
            match constant_number(
                checker,
                &value,
                "a factor's value must be a constant quantity",
            ) {
                Some(v) => CheckedFactorValue::Literal {
                    canonical: v,
                    in_unit: v / unit_factor,
                },
                // Reported: the rule has errors and is never lowered.
                None => CheckedFactorValue::Literal {
                    canonical: 0.0,
                    in_unit: 0.0,
                },
            }
        }
    };
    Some(CheckedFactor {
        name: decl.name.text.clone(),
        doc: decl.doc.clone(),
        ty,
        unit: unit.map(|(f, t)| (t, f.to_f64())),
        value,
        source: decl.source.as_ref().map(|s| s.value.clone()),
        loc: Location {
            file,
            span: decl.name.span,
        },
    })
}

/// Check one emission; `typed` is its value when already typed.
#[allow(clippy::too_many_arguments)]
fn check_emission(
    checker: &mut Checker,
    e: &ast::EmissionDecl,
    typed: Option<TExpr>,
    stage: &str,
    expected: Option<&Dimension>,
    declared: Option<&DeclaredUnit>,
    previous: &FastMap<&str, Location>,
) -> Option<CheckedEmission> {
    let file = checker.file;
    let mut ok = true;
    if let Some(p) = previous.get(e.name.text.as_str()) {
        let d = checker
            .error(
                "E0102",
                e.name.span,
                format!("emission `{}` is declared twice", e.name.text),
                "declared again here",
            )
            .with_label(p.file, p.span, "first declared here")
            .with_note("emission names label results, so each is unique within the rule");
        checker.push(d);
        ok = false;
    }
    let value = match typed {
        Some(value) => value,
        None => checker.expr(&e.value),
    };
    let category = match &e.category {
        Some(c) => match checker.world.categories.get(&c.text) {
            Some(def) => {
                let loc = def.loc;
                checker.refs.push(crate::checker::Reference {
                    file,
                    span: c.span,
                    target: loc,
                });
                c.text.clone()
            }
            None => {
                let mut d = checker.error(
                    "E0101",
                    c.span,
                    format!("unknown category `{}`", c.text),
                    "not a reporting category",
                );
                if let Some(h) =
                    closest(&c.text, checker.world.categories.keys().map(String::as_str))
                {
                    d = d.with_suggestion(h);
                }
                checker.push(d);
                ok = false;
                c.text.clone()
            }
        },
        None => "fossil".to_string(),
    };
    if category != "biogenic_removal" && negative_literal(&e.value) {
        let d = checker
            .error("E0306", e.value.span, format!("emission `{}` is negative, but only `biogenic_removal` may be negative", e.name.text), "negative value")
            .with_note("the footprint is the sum of declared emissions: offsets and credits cannot be netted in (ISO 14067)")
            .with_help("declare removals with `as biogenic_removal`, or report avoided burdens in module D");
        checker.push(d);
        ok = false;
    }
    if let (Some(expected), Type::Quantity(got)) = (expected, &value.ty) {
        if expected != got {
            emission_dimension_error(checker, e, &value, expected, got, declared);
            ok = false;
        }
    } else if !value.ty.is_error() && expected.is_some() {
        let d = checker.error(
            "E0202",
            e.value.span,
            format!(
                "emission `{}` must be a quantity, found {}",
                e.name.text,
                checker.describe(&value.ty)
            ),
            "not a quantity",
        );
        checker.push(d);
        ok = false;
    }
    if value.ty.is_error() {
        ok = false;
    }
    ok.then(|| CheckedEmission {
        name: e.name.text.clone(),
        stage: stage.to_string(),
        category,
        value,
        doc: e.doc.clone(),
        loc: Location {
            file,
            span: e.name.span,
        },
    })
}

fn emission_dimension_error(
    checker: &mut Checker,
    e: &ast::EmissionDecl,
    value: &TExpr,
    expected: &Dimension,
    got: &Dimension,
    declared: Option<&DeclaredUnit>,
) {
    let world = checker.world;
    let unit_text = declared
        .map(|d| format!("{} {}", fmt_amount(d.amount), d.unit))
        .unwrap_or_default();
    let declared_dim = declared.map(|d| d.dim.clone()).unwrap_or_default();
    let got_text = checker.describe(&value.ty);
    let expected_text = format!(
        "{} (kgCO2e per {})",
        world.dimension_name(expected),
        declared.map(|d| d.unit.clone()).unwrap_or_default()
    );
    let mut d = checker.error(
        "E0202",
        e.value.span,
        format!(
            "emission `{}` is {got_text}, not CO2e per declared unit",
            e.name.text
        ),
        format!("this is {got_text}"),
    );
    d = d.with_note(format!(
        "every emission is CO2e per declared unit (`{unit_text}`): {expected_text}"
    ));
    let missing = expected.div(got);
    if missing.is_some() && missing == Dimension::none().div(&declared_dim) {
        // A plant total: divide by the production quantity.
        let candidates: Vec<String> = checker
            .rule
            .as_ref()
            .map(|r| {
                r.inputs
                    .iter()
                    .filter(|i| matches!(&i.ty, Type::Quantity(dim) if *dim == declared_dim))
                    .map(|i| i.decl.name.text.clone())
                    .collect()
            })
            .unwrap_or_default();
        let dim_name = world.dimension_name(&declared_dim);
        match candidates.first() {
            Some(name) => {
                let source = checker
                    .text
                    .get(e.value.span.range())
                    .unwrap_or("")
                    .to_string();
                let replacement = if needs_parens(&e.value) {
                    format!("({source}) / {name}")
                } else {
                    format!("{source} / {name}")
                };
                d = d
                    .with_help(format!("this looks like a plant total: divide by the production quantity ({dim_name}), e.g. `/ {name}`"))
                    .with_fix(format!("divide by `{name}`"), e.value.span, replacement);
            }
            None => {
                d = d.with_help(format!("this looks like a plant total: divide by the production quantity ({dim_name}), declared as an input"));
            }
        }
    } else if let Some(help) = checker.gas_help(expected, got) {
        d = d.with_help(help);
    } else if let Some(missing) = &missing {
        d = d.with_help(format!(
            "multiply by a quantity of {}",
            world.dimension_name(missing)
        ));
    }
    checker.push(d);
}

fn fmt_amount(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

fn check_example(
    checker: &mut Checker,
    x: &ast::Example,
    emissions: &[(&str, Location)],
    stages: &[String],
    grades: &[(String, f64)],
    otherwise: Option<&str>,
) -> CheckedExample {
    let mut givens: Vec<(String, ConstValue)> = Vec::new();
    let mut expects = Vec::new();
    let co2e = checker
        .world
        .co2e()
        .map(Dimension::base)
        .map(Type::Quantity)
        .unwrap_or(Type::Error);
    for statement in &x.statements {
        match statement {
            ast::ExampleStatement::Given(g) => {
                let target = checker
                    .rule
                    .as_ref()
                    .and_then(|r| r.names.get(g.name.text.as_str()).copied());
                let declared = target.and_then(|(name, span)| {
                    let rule = checker.rule.as_ref()?;
                    let (ty, unit) = match name {
                        RuleName::Input(i) => (
                            rule.inputs[i].ty.clone(),
                            rule.inputs[i].unit.as_deref().cloned(),
                        ),
                        RuleName::Factor(i) => (
                            rule.factors[i].ty.clone(),
                            rule.factors[i].unit.as_deref().cloned(),
                        ),
                        RuleName::Let(_) | RuleName::Fn(_) => return None,
                    };
                    Some((ty, unit, span))
                });
                let (ty, unit) = match declared {
                    Some((ty, unit, span)) => {
                        checker.refs.push(crate::checker::Reference {
                            file: checker.file,
                            span: g.name.span,
                            target: Location {
                                file: checker.file,
                                span,
                            },
                        });
                        (ty, unit)
                    }
                    _ => {
                        let names: Vec<String> = checker
                            .rule
                            .as_ref()
                            .map(|r| {
                                r.inputs
                                    .iter()
                                    .map(|i| i.decl.name.text.clone())
                                    .chain(r.factors.iter().map(|f| f.decl.name.text.clone()))
                                    .collect()
                            })
                            .unwrap_or_default();
                        let mut d = checker
                            .error(
                                "E0101",
                                g.name.span,
                                format!("`{}` is not an input or factor of this rule", g.name.text),
                                "cannot be given",
                            )
                            .with_note("`given` supplies an input or overrides a factor");
                        d = d.did_you_mean(&g.name.text, names.iter().map(String::as_str));
                        checker.push(d);
                        continue;
                    }
                };
                let value = checker.expr_with(&g.value, Some(&ty));
                if !checker.expect_type(
                    &value,
                    &ty,
                    unit.as_ref().map(|u| u.1.as_str()),
                    format_args!("`{}`", g.name.text),
                ) {
                    continue;
                }
                if let Some(v) = constant(checker, &value, "a given value must be a constant") {
                    givens.push((g.name.text.clone(), v));
                }
            }
            ast::ExampleStatement::Expect(e) => {
                let what = match &e.target {
                    ast::ExpectTarget::Footprint(_) => Some(ExpectWhat::Footprint),
                    ast::ExpectTarget::Grade(_) => Some(ExpectWhat::Grade),
                    ast::ExpectTarget::Stage(n) => {
                        if stages.contains(&n.text) {
                            Some(ExpectWhat::Stage(n.text.clone()))
                        } else {
                            let mut d = checker.error(
                                "E0101",
                                n.span,
                                format!("stage `{}` is not in this rule's boundary", n.text),
                                "no such stage here",
                            );
                            d = d.did_you_mean(&n.text, stages.iter().map(String::as_str));
                            checker.push(d);
                            None
                        }
                    }
                    ast::ExpectTarget::Emission(n) => {
                        if let Some((_, loc)) =
                            emissions.iter().find(|(name, _)| *name == n.text.as_str())
                        {
                            let loc = *loc;
                            checker.refs.push(crate::checker::Reference {
                                file: checker.file,
                                span: n.span,
                                target: loc,
                            });
                            Some(ExpectWhat::Emission(n.text.clone()))
                        } else {
                            let mut d = checker.error(
                                "E0101",
                                n.span,
                                format!("no emission `{}` in this rule", n.text),
                                "unknown emission",
                            );
                            if let Some(h) =
                                closest(&n.text, emissions.iter().map(|(name, _)| *name))
                            {
                                d = d.with_suggestion(h);
                            }
                            checker.push(d);
                            None
                        }
                    }
                    ast::ExpectTarget::Category(n) => {
                        if checker.world.categories.contains_key(&n.text) {
                            Some(ExpectWhat::Category(n.text.clone()))
                        } else {
                            let mut d = checker.error(
                                "E0101",
                                n.span,
                                format!("unknown category `{}`", n.text),
                                "not a category",
                            );
                            d = d.did_you_mean(
                                &n.text,
                                checker.world.categories.keys().map(String::as_str),
                            );
                            checker.push(d);
                            None
                        }
                    }
                    ast::ExpectTarget::Unknown(n) => {
                        let d = checker
                            .error("E0101", n.span, format!("`expect {}` names nothing to check", n.text), "unknown expectation")
                            .with_help("expect `footprint`, `grade`, `stage NAME`, `emission NAME` or `category NAME`");
                        checker.push(d);
                        None
                    }
                };
                let Some(what) = what else { continue };
                let value = if matches!(what, ExpectWhat::Grade) {
                    match &e.value.kind {
                        ExprKind::Name(n)
                            if grades.iter().any(|(g, _)| g == &n.text)
                                || otherwise == Some(n.text.as_str()) =>
                        {
                            Err(n.text.clone())
                        }
                        _ => {
                            let d = checker.error(
                                "E0203",
                                e.value.span,
                                "`expect grade` takes one of the rule's grades",
                                "not a grade of this rule",
                            );
                            checker.push(d);
                            continue;
                        }
                    }
                } else {
                    let v = checker.expr(&e.value);
                    if !checker.expect_type(&v, &co2e, Some("kgCO2e"), "an expected value") {
                        continue;
                    }
                    // Never dropped: a value that cannot be evaluated is an error.
                    match constant_number(checker, &v, "an expected value must be a constant") {
                        Some(n) => Ok(n),
                        None => continue,
                    }
                };
                let tolerance = match &e.tolerance {
                    None => None,
                    Some(t) => {
                        let tv = checker.expr(t);
                        let relative = matches!(&tv.ty, Type::Quantity(d) if d.is_none());
                        let absolute =
                            !relative && !tv.ty.is_error() && checker.compatible(&tv.ty, &co2e);
                        if !relative && !absolute {
                            if !tv.ty.is_error() {
                                let d = checker.error("E0203", t.span, "a tolerance is a percentage (`0.1%`) or a CO2e quantity (`0.5 kgCO2e`)", "not a tolerance");
                                checker.push(d);
                            }
                            continue;
                        }
                        // An expectation whose tolerance cannot be evaluated is not run with another.
                        match constant_number(checker, &tv, "a tolerance must be a constant") {
                            Some(n) if relative => Some(Tolerance::Relative(n)),
                            Some(n) => Some(Tolerance::Absolute(n)),
                            None => continue,
                        }
                    }
                };
                expects.push(CheckedExpect {
                    what,
                    value,
                    tolerance,
                    span: e.span,
                });
            }
            ast::ExampleStatement::Error(_) => {}
        }
    }
    CheckedExample {
        name: x.name.value.clone(),
        givens,
        expects,
        span: x.span,
    }
}
