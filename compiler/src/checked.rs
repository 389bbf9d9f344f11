//! The checked IR: a rule after its checks ([`CheckedRule`] and its parts),
//! which lowering, the language server and the command line read.

use crate::checker::FnSig;
use crate::dimension::Dimension;
use crate::source::FileId;
use crate::types::{ConstValue, Location, TExpr, Type};
use pcr_lang::Span;

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

/// A reported result (`result NAME … = EXPR`): a value next to the
/// footprint, never summed into it.
#[derive(Debug, Clone)]
pub struct CheckedResult {
    pub name: String,
    pub zh: Option<String>,
    pub en: Option<String>,
    pub doc: Option<String>,
    /// The value, canonical, with the reported amounts bound as locals
    /// `0..` in the order of [`CheckedRule::reported`].
    pub value: TExpr,
    /// Whether the value is per declared unit (then multiplied by the
    /// declared amount) rather than already an amount.
    pub per_declared_unit: bool,
    /// The dimension of the reported amount.
    pub dim: Dimension,
    /// The unit of the reported amount as written, and its factor to
    /// canonical units; the dimension's canonical unit when not annotated.
    pub unit: Option<(String, f64)>,
    pub loc: Location,
}

/// An amount a result may read (`footprint`, `stage.NAME`, `category.NAME`,
/// `emission.NAME`), in kgCO2e per declared unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReportedAmount {
    Footprint,
    Stage(String),
    Category(String),
    Emission(String),
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
    /// A reported result.
    Result(String),
    /// A `let` of the rule (by index), computed from the example's givens.
    Value(String, usize),
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
    /// kgCO2e per declared unit, or the grade's name; a result's value is
    /// in the result's unit, a `let`'s in canonical units.
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
    /// The amounts results read, in the order of their locals.
    pub reported: Vec<ReportedAmount>,
    pub results: Vec<CheckedResult>,
    pub exclusions: Vec<CheckedExclusion>,
    pub grades: Vec<(String, f64)>,
    pub otherwise: Option<String>,
    pub examples: Vec<CheckedExample>,
    pub has_errors: bool,
}
