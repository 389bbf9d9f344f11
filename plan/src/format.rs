//! The plan format `pcr-plan/2`: the types a compiler builds and a
//! calculator reads. All run-time values are `f64` in canonical units.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::dimension::{Dimension, UnitTable};

/// The format tag, serialised as the constant string `"pcr-plan/2"`;
/// deserialising any other string fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FormatVersion;

impl FormatVersion {
    /// The tag string.
    pub const TAG: &'static str = "pcr-plan/2";
}

impl Serialize for FormatVersion {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(Self::TAG)
    }
}

impl<'de> Deserialize<'de> for FormatVersion {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        if s == Self::TAG {
            Ok(FormatVersion)
        } else {
            Err(serde::de::Error::custom(format!(
                "unsupported plan format `{s}`, expected `{}`",
                Self::TAG
            )))
        }
    }
}

/// A compiled calculation plan.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Plan {
    /// Always `"pcr-plan/2"`.
    pub format: FormatVersion,
    /// The rule's identity.
    pub rule: RuleInfo,
    /// The declared (functional) unit.
    pub declared_unit: DeclaredUnit,
    /// Units needed to read activity data and factor databases.
    pub units: UnitTable,
    /// Activity data the company supplies, in order.
    pub inputs: Vec<Input>,
    /// Emission factors, in order.
    pub factors: Vec<Factor>,
    /// The operations, in topological order (a node references only earlier nodes).
    pub nodes: Vec<Node>,
    /// Life-cycle stages of the boundary, in order.
    pub stages: Vec<Stage>,
    /// Documented exclusions (cut-off).
    #[serde(default)]
    pub exclusions: Vec<Exclusion>,
    /// Emissions, in order.
    pub emissions: Vec<Emission>,
    /// Reporting category names.
    pub categories: Vec<String>,
    /// Reported results (`result NAME … = EXPR`): values next to the
    /// footprint, never summed into it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub results: Vec<ReportedResult>,
    /// The rule's `let`s that examples check (`expect value NAME`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checked_values: Vec<CheckedValue>,
    /// Grades on the footprint, if the rule has any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grades: Option<Grades>,
    /// Worked examples.
    #[serde(default)]
    pub examples: Vec<Example>,
}

/// The rule's identity and general clauses.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct RuleInfo {
    /// Rule name (identifier).
    pub name: String,
    /// Version string `x.y.z`.
    pub version: String,
    /// Chinese title.
    pub title: String,
    /// English title.
    pub title_en: String,
    /// Standard reference, if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub standard: Option<String>,
    /// SHA-256 (hex) of the rule's source text.
    pub source_sha256: String,
    /// Boundary name.
    pub boundary: String,
    /// GWP set name.
    pub gwp: String,
    /// Allocation, if declared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allocation: Option<Allocation>,
    /// Cut-off criteria.
    pub cutoff: Cutoff,
}

/// The allocation clause.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Allocation {
    /// `none`, `physical`, `economic` or `system_expansion`.
    pub kind: String,
    /// Why.
    pub reason: String,
}

/// Cut-off criteria as fractions (`0.01` for 1%).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Cutoff {
    /// Maximum share of one exclusion.
    pub item: f64,
    /// Maximum total share of exclusions.
    pub total: f64,
}

/// The declared unit, e.g. `1 t`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct DeclaredUnit {
    /// The amount as written.
    pub amount: f64,
    /// The unit as written.
    pub unit: String,
    /// Its dimension.
    pub dimension: Dimension,
    /// `amount` × the unit's factor: the declared unit in canonical units.
    pub canonical: f64,
}

/// A value in a plan (input default, example `given`), canonical units.
///
/// Untagged: a JSON bool, number, string (enum variant name or text) or an
/// array of objects (list elements, field name → value).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[serde(untagged)]
pub enum Value {
    /// A bool.
    Bool(bool),
    /// A number in canonical units (or a ratio).
    Number(f64),
    /// An enum variant name or a text.
    Text(String),
    /// List elements.
    List(Vec<BTreeMap<String, Value>>),
}

/// One activity-data input.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Input {
    /// Name (the member name in activity data, the column in CSV).
    pub name: String,
    /// Documentation, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
    /// What kind of value.
    pub kind: InputKind,
    /// Rule default (secondary data); `None` makes the input required.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<Value>,
}

impl Input {
    /// Whether the data must supply this input (it has no default).
    pub fn required(&self) -> bool {
        self.default.is_none()
    }
}

/// The kind of an input or a list field.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum InputKind {
    /// A quantity; values are stored canonical.
    Quantity {
        /// Its dimension.
        dimension: Dimension,
        /// The declared unit (display), used for bare numbers.
        unit: String,
        /// Factor of `unit` to canonical.
        factor: f64,
    },
    /// A dimensionless fraction (`0.05`, `"5%"`).
    Ratio,
    /// `true`/`false` (1.0/0.0 at run time).
    Bool,
    /// A text, never computed with.
    Text,
    /// An enum value (the variant index at run time).
    Enum {
        /// The enum's name.
        name: String,
        /// Variant names, in order.
        variants: Vec<String>,
    },
    /// A list of records.
    List {
        /// The record fields (none of kind `list`).
        fields: Vec<ListField>,
    },
}

/// A field of a list input.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct ListField {
    /// Field name.
    pub name: String,
    /// Field kind (not a list).
    pub kind: InputKind,
}

/// An emission factor.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Factor {
    /// Name.
    pub name: String,
    /// Documentation, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
    /// Declared unit (display), e.g. `kgCO2e/kWh`.
    pub unit: String,
    /// Dimension of the factor.
    pub dimension: Dimension,
    /// Factor of `unit` to canonical.
    pub factor: f64,
    /// Where the value comes from.
    pub value: FactorValue,
}

/// A factor's value: a literal in the rule, or a factor-database key.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FactorValue {
    /// A literal value.
    Literal {
        /// Canonical value.
        value: f64,
        /// The value in the factor's declared unit (as written).
        value_in_unit: f64,
        /// Source citation.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        source: Option<String>,
    },
    /// Looked up in the factor database.
    Db {
        /// The database key.
        key: String,
    },
}

/// Comparison and arithmetic operations of the plan DAG.
///
/// Operands are indexes of earlier nodes of the same node list. Booleans are
/// `1.0`/`0.0`, enum values are variant indexes as `f64`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Node {
    /// A constant (canonical).
    Const {
        /// The value.
        value: f64,
    },
    /// The value of input `input` (not a list or text input).
    Input {
        /// Index into `Plan::inputs`.
        input: usize,
    },
    /// The canonical value of factor `factor`.
    Factor {
        /// Index into `Plan::factors`.
        factor: usize,
    },
    /// An enum variant constant.
    EnumConst {
        /// Variant index.
        variant: usize,
    },
    /// `-a`
    Neg {
        /// Operand.
        a: usize,
    },
    /// `not a`
    Not {
        /// Operand.
        a: usize,
    },
    /// `abs(a)`
    Abs {
        /// Operand.
        a: usize,
    },
    /// `exp(a)` (`a` dimensionless).
    Exp {
        /// Operand.
        a: usize,
    },
    /// `ln(a)` (`a` dimensionless); not a number unless `a > 0`, so an
    /// emission that uses it is refused as a data error.
    Ln {
        /// Operand.
        a: usize,
    },
    /// `sqrt(a)`; not a number when `a < 0`, so an emission that uses it
    /// is refused as a data error.
    Sqrt {
        /// Operand.
        a: usize,
    },
    /// `a + b`
    Add {
        /// Left.
        a: usize,
        /// Right.
        b: usize,
    },
    /// `a - b`
    Sub {
        /// Left.
        a: usize,
        /// Right.
        b: usize,
    },
    /// `a * b`
    Mul {
        /// Left.
        a: usize,
        /// Right.
        b: usize,
    },
    /// `a / b`
    Div {
        /// Left.
        a: usize,
        /// Right.
        b: usize,
    },
    /// `base ^ exponent`
    Pow {
        /// Base node.
        base: usize,
        /// Constant exponent.
        exponent: f64,
    },
    /// `min(a, b)`
    Min {
        /// Left.
        a: usize,
        /// Right.
        b: usize,
    },
    /// `max(a, b)`
    Max {
        /// Left.
        a: usize,
        /// Right.
        b: usize,
    },
    /// `a < b`
    Lt {
        /// Left.
        a: usize,
        /// Right.
        b: usize,
    },
    /// `a <= b`
    Le {
        /// Left.
        a: usize,
        /// Right.
        b: usize,
    },
    /// `a > b`
    Gt {
        /// Left.
        a: usize,
        /// Right.
        b: usize,
    },
    /// `a >= b`
    Ge {
        /// Left.
        a: usize,
        /// Right.
        b: usize,
    },
    /// `a == b`
    Eq {
        /// Left.
        a: usize,
        /// Right.
        b: usize,
    },
    /// `a != b`
    Ne {
        /// Left.
        a: usize,
        /// Right.
        b: usize,
    },
    /// `a and b`
    And {
        /// Left.
        a: usize,
        /// Right.
        b: usize,
    },
    /// `a or b`
    Or {
        /// Left.
        a: usize,
        /// Right.
        b: usize,
    },
    /// `if cond then then else otherwise`
    If {
        /// Condition (bool).
        cond: usize,
        /// Value when true.
        then: usize,
        /// Value when false.
        #[serde(rename = "else")]
        otherwise: usize,
    },
    /// `match scrutinee { variant => node, … }`
    Match {
        /// An enum-valued node.
        scrutinee: usize,
        /// Arms.
        arms: Vec<MatchArm>,
        /// Value for variants without an arm.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        default: Option<usize>,
    },
    /// `round(value, step)`: the nearest multiple of `step`, ties to even,
    /// decided on decimal values ([`crate::round`]); a `step` that is not
    /// positive gives a non-finite value, refused as a data error.
    Round {
        /// The value rounded.
        value: usize,
        /// The step (same dimension, canonical).
        step: usize,
    },
    /// The GWP of the gas that node `gas` holds (a variant index of the
    /// prelude's `Gas`), from the rule's GWP set: kgCO2e per kg of gas.
    Gwp {
        /// A `Gas`-valued node.
        gas: usize,
        /// The GWP set's name (`ar6`).
        set: String,
        /// The GWP set's source.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        source: Option<String>,
        /// Per variant of `Gas`, in order: its name and GWP (`None` where
        /// the set has no value for the gas: a data error when met).
        gases: Vec<GasGwp>,
    },
    /// A row of a table keyed by an enum (`blend[r].hfc125`, `grid_ef[p]`):
    /// the value for the variant `key` gives, read in one step.
    Lookup {
        /// An enum-valued node.
        key: usize,
        /// One value per variant, in the enum's order (canonical).
        values: Vec<f64>,
    },
    /// `sum(x in list: body)`: `body` is evaluated once per element.
    Sum {
        /// Index of the list input.
        list: usize,
        /// The body's own node list; it may use `Field` and `Outer`.
        body: Vec<Node>,
        /// Index of the result node in `body`.
        result: usize,
    },
    /// Inside a `Sum` body: field `field` of the current element.
    Field {
        /// Field index in the list's fields.
        field: usize,
    },
    /// Inside a `Sum` body: node `node` of the enclosing node list.
    Outer {
        /// Index in the enclosing node list.
        node: usize,
    },
}

/// One row of a [`Node::Gwp`] table.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct GasGwp {
    /// The gas (the variant's name).
    pub gas: String,
    /// Its GWP in kgCO2e per kg, if the set has one.
    #[serde(default)]
    pub gwp: Option<f64>,
}

/// An operator with one operand.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum UnaryOp {
    /// `-a`
    Neg,
    /// `not a`
    Not,
    /// `abs(a)`
    Abs,
    /// `exp(a)`
    Exp,
    /// `ln(a)`: not a number unless `a > 0`
    Ln,
    /// `sqrt(a)`: not a number when `a < 0`
    Sqrt,
    /// `a ^ exponent`
    Pow(f64),
}

/// An operator with two operands.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum BinaryOp {
    /// `a + b`
    Add,
    /// `a - b`
    Sub,
    /// `a * b`
    Mul,
    /// `a / b`
    Div,
    /// `min(a, b)`
    Min,
    /// `max(a, b)`
    Max,
    /// `a < b`
    Lt,
    /// `a <= b`
    Le,
    /// `a > b`
    Gt,
    /// `a >= b`
    Ge,
    /// `a == b`
    Eq,
    /// `a != b`
    Ne,
    /// `a and b`
    And,
    /// `a or b`
    Or,
    /// `round(a, b)`: `a` to the nearest multiple of `b`, ties to even
    /// ([`crate::round`]).
    Round,
}

/// An operator node seen as its operator and operands: the one place that
/// lists the operator variants of [`Node`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Operation {
    /// `op a`
    Unary(UnaryOp, usize),
    /// `a op b`
    Binary(BinaryOp, usize, usize),
}

impl Node {
    /// The operator and operands of an operator node (`Neg` … `Or`, `Pow`);
    /// `None` for every other node.
    pub fn operation(&self) -> Option<Operation> {
        use BinaryOp as B;
        use Operation::{Binary, Unary};
        Some(match *self {
            Node::Neg { a } => Unary(UnaryOp::Neg, a),
            Node::Not { a } => Unary(UnaryOp::Not, a),
            Node::Abs { a } => Unary(UnaryOp::Abs, a),
            Node::Exp { a } => Unary(UnaryOp::Exp, a),
            Node::Ln { a } => Unary(UnaryOp::Ln, a),
            Node::Sqrt { a } => Unary(UnaryOp::Sqrt, a),
            Node::Pow { base, exponent } => Unary(UnaryOp::Pow(exponent), base),
            Node::Add { a, b } => Binary(B::Add, a, b),
            Node::Sub { a, b } => Binary(B::Sub, a, b),
            Node::Mul { a, b } => Binary(B::Mul, a, b),
            Node::Div { a, b } => Binary(B::Div, a, b),
            Node::Min { a, b } => Binary(B::Min, a, b),
            Node::Max { a, b } => Binary(B::Max, a, b),
            Node::Lt { a, b } => Binary(B::Lt, a, b),
            Node::Le { a, b } => Binary(B::Le, a, b),
            Node::Gt { a, b } => Binary(B::Gt, a, b),
            Node::Ge { a, b } => Binary(B::Ge, a, b),
            Node::Eq { a, b } => Binary(B::Eq, a, b),
            Node::Ne { a, b } => Binary(B::Ne, a, b),
            Node::And { a, b } => Binary(B::And, a, b),
            Node::Or { a, b } => Binary(B::Or, a, b),
            Node::Round { value, step } => Binary(B::Round, value, step),
            Node::Const { .. }
            | Node::Input { .. }
            | Node::Factor { .. }
            | Node::EnumConst { .. }
            | Node::If { .. }
            | Node::Match { .. }
            | Node::Gwp { .. }
            | Node::Lookup { .. }
            | Node::Sum { .. }
            | Node::Field { .. }
            | Node::Outer { .. } => return None,
        })
    }

    /// Calls `f` with each node of the same node list this node reads, in
    /// order (not a `Sum`'s body, not the enclosing list of an `Outer`).
    pub fn for_each_operand(&self, mut f: impl FnMut(usize)) {
        match self {
            Node::If {
                cond,
                then,
                otherwise,
            } => {
                f(*cond);
                f(*then);
                f(*otherwise);
            }
            Node::Match {
                scrutinee,
                arms,
                default,
            } => {
                f(*scrutinee);
                arms.iter().for_each(|a| f(a.node));
                default.iter().for_each(|d| f(*d));
            }
            Node::Gwp { gas, .. } => f(*gas),
            Node::Lookup { key, .. } => f(*key),
            node => match node.operation() {
                Some(Operation::Unary(_, a)) => f(a),
                Some(Operation::Binary(_, a, b)) => {
                    f(a);
                    f(b);
                }
                None => {}
            },
        }
    }

    /// The nodes of the same node list this node reads ([`Node::for_each_operand`]).
    pub fn operands(&self) -> Vec<usize> {
        let mut v = Vec::new();
        self.for_each_operand(|o| v.push(o));
        v
    }
}

/// One arm of a [`Node::Match`].
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct MatchArm {
    /// Variant index.
    pub variant: usize,
    /// Node giving the value.
    pub node: usize,
}

/// A life-cycle stage of the boundary.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Stage {
    /// Stage name.
    pub name: String,
    /// Chinese title.
    pub title_zh: String,
    /// English title.
    pub title_en: String,
    /// Whether its emissions count in the footprint (EN 15804 `D` does not).
    pub in_footprint: bool,
}

/// A documented exclusion.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Exclusion {
    /// Name of the excluded item or stage.
    pub name: String,
    /// Why.
    pub reason: String,
    /// Estimated share of the footprint (fraction).
    pub share: f64,
    /// Whether a whole stage is excluded.
    pub stage: bool,
}

/// One emission of a stage.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Emission {
    /// Emission name.
    pub name: String,
    /// Stage name (one of `Plan::stages`).
    pub stage: String,
    /// Reporting category (one of `Plan::categories`).
    pub category: String,
    /// Node whose value is kgCO2e per canonical declared-unit dimension.
    pub node: usize,
}

/// A reported result.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct ReportedResult {
    /// Result name.
    pub name: String,
    /// Chinese title, if the rule gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title_zh: Option<String>,
    /// English title, if the rule gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title_en: Option<String>,
    /// The unit of the reported amount.
    pub unit: String,
    /// The dimension of the reported amount.
    pub dimension: Dimension,
    /// Node whose value is the reported amount per declared unit, in `unit`
    /// (already scaled by the declared amount where the rule's expression
    /// is per declared unit).
    pub node: usize,
}

/// A `let` an example checks (`expect value NAME`).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct CheckedValue {
    /// The `let`'s name.
    pub name: String,
    /// Node whose value is the `let`'s, in canonical units.
    pub node: usize,
}

/// Graded classes on the footprint.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Grades {
    /// Classes with strictly increasing `max`.
    pub classes: Vec<GradeClass>,
    /// Class when the footprint exceeds every `max`.
    pub otherwise: String,
}

/// A graded class: footprint `<= max`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct GradeClass {
    /// Class name.
    pub name: String,
    /// Maximum reported footprint, kgCO2e per declared unit.
    pub max: f64,
}

impl Grades {
    /// The first class whose `max` the footprint does not exceed, else `otherwise`.
    pub fn grade(&self, footprint: f64) -> &str {
        self.classes
            .iter()
            .find(|c| footprint <= c.max)
            .map_or(self.otherwise.as_str(), |c| c.name.as_str())
    }
}

/// A worked example.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Example {
    /// Its name.
    pub name: String,
    /// Input values and factor overrides (canonical numbers, variant names, lists).
    #[serde(default)]
    pub given: BTreeMap<String, Value>,
    /// Expectations.
    pub expects: Vec<Expectation>,
}

/// One `expect` of an example.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Expectation {
    /// What is compared.
    pub target: Target,
    /// Expected value (kgCO2e per declared unit) or grade name.
    pub value: Expected,
    /// Tolerance; relative `1e-9` when absent.
    #[serde(default)]
    pub tolerance: Tolerance,
}

/// What an expectation compares.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[serde(tag = "kind", content = "name", rename_all = "snake_case")]
pub enum Target {
    /// The footprint.
    Footprint,
    /// A stage total.
    Stage(String),
    /// One emission.
    Emission(String),
    /// A category total.
    Category(String),
    /// The grade.
    Grade,
    /// A reported result (expected value in the result's unit).
    Result(String),
    /// A `let` of `Plan::checked_values` (expected value in canonical units).
    Value(String),
}

/// An expected value.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[serde(untagged)]
pub enum Expected {
    /// kgCO2e per declared unit.
    Number(f64),
    /// A grade name.
    Grade(String),
}

/// A tolerance.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq)]
#[serde(rename_all = "snake_case")]
pub enum Tolerance {
    /// `|actual - expected| <= r × |expected|`.
    Relative(f64),
    /// `|actual - expected| <= a` (kgCO2e).
    Absolute(f64),
}

impl Default for Tolerance {
    fn default() -> Self {
        Tolerance::Relative(1e-9)
    }
}

impl Tolerance {
    /// Whether `actual` is within this tolerance of `expected`.
    pub fn accepts(&self, expected: f64, actual: f64) -> bool {
        let d = (actual - expected).abs();
        match *self {
            Tolerance::Relative(r) => d <= r * expected.abs() || d == 0.0,
            Tolerance::Absolute(a) => d <= a,
        }
    }
}

/// A plan that cannot be used.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum PlanError {
    /// Not a valid plan JSON.
    #[error("invalid plan: {0}")]
    #[diagnostic(code(plan::json))]
    Json(#[from] serde_json::Error),
    /// Structurally inconsistent.
    #[error("invalid plan: {0}")]
    #[diagnostic(code(plan::invalid))]
    Invalid(String),
}

impl Plan {
    /// Reads a plan from JSON and checks it with [`Plan::validate`].
    pub fn from_json(text: &str) -> Result<Plan, PlanError> {
        let plan: Plan = serde_json::from_str(text)?;
        plan.validate()?;
        Ok(plan)
    }

    /// Pretty JSON.
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Index of the input named `name`.
    pub fn input_index(&self, name: &str) -> Option<usize> {
        self.inputs.iter().position(|i| i.name == name)
    }

    /// Index of the factor named `name`.
    pub fn factor_index(&self, name: &str) -> Option<usize> {
        self.factors.iter().position(|f| f.name == name)
    }
}
