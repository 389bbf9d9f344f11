//! The syntax tree. Every node carries its span; parse errors leave `Error` nodes.

use crate::span::Span;

/// A name as written, with its span.
#[derive(Debug, Clone, PartialEq)]
pub struct Name {
    pub text: String,
    pub span: Span,
}

/// A string literal (escapes resolved) with its span.
#[derive(Debug, Clone, PartialEq)]
pub struct Str {
    pub value: String,
    pub span: Span,
}

/// Chinese and English labels of a declaration: `"千克" "kilogram"`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Labels {
    pub zh: Option<Str>,
    pub en: Option<Str>,
}

/// One `.pcr` file.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Module {
    /// The `//!` comments of the file.
    pub doc: Option<String>,
    pub items: Vec<Item>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Import(Import),
    Dimension(DimensionDecl),
    Unit(UnitDecl),
    GwpSet(GwpSetDecl),
    Stage(StageDecl),
    Boundary(BoundaryDecl),
    Category(CategoryDecl),
    Enum(EnumDecl),
    Fn(FnDecl),
    Let(LetDecl),
    Table(TableDecl),
    Rule(Rule),
    Error(Span),
}

impl Item {
    pub fn span(&self) -> Span {
        match self {
            Item::Import(d) => d.span,
            Item::Dimension(d) => d.span,
            Item::Unit(d) => d.span,
            Item::GwpSet(d) => d.span,
            Item::Stage(d) => d.span,
            Item::Boundary(d) => d.span,
            Item::Category(d) => d.span,
            Item::Enum(d) => d.span,
            Item::Fn(d) => d.span,
            Item::Let(d) => d.span,
            Item::Table(d) => d.span,
            Item::Rule(d) => d.span,
            Item::Error(span) => *span,
        }
    }
}

/// `import a.b.c`
#[derive(Debug, Clone, PartialEq)]
pub struct Import {
    pub path: Vec<Name>,
    pub span: Span,
}

/// `dimension Mass` or `dimension Energy = Mass * Length^2 / Time^2`
#[derive(Debug, Clone, PartialEq)]
pub struct DimensionDecl {
    pub name: Name,
    pub definition: Option<TypeExpr>,
    pub labels: Labels,
    pub doc: Option<String>,
    pub span: Span,
}

/// `unit kg: Mass "千克" "kilogram"` or `unit t = 1000 kg "吨" "tonne"`
#[derive(Debug, Clone, PartialEq)]
pub struct UnitDecl {
    pub name: Name,
    pub definition: UnitDefinition,
    pub labels: Labels,
    pub doc: Option<String>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum UnitDefinition {
    /// The base unit of a dimension (its canonical unit).
    Base(Name),
    /// A multiple of other units.
    Derived(Expr),
}

/// `gwp_set ar6 "source" { CO2 = 1 kgCO2e/kgCO2 … }`
#[derive(Debug, Clone, PartialEq)]
pub struct GwpSetDecl {
    pub name: Name,
    pub source: Option<Str>,
    pub entries: Vec<GwpEntry>,
    pub doc: Option<String>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct GwpEntry {
    pub gas: Name,
    pub value: Expr,
    pub source: Option<Str>,
    pub span: Span,
}

/// `stage production "生产" "production"`, `stage D "…" "…" separate`
#[derive(Debug, Clone, PartialEq)]
pub struct StageDecl {
    pub name: Name,
    pub labels: Labels,
    /// Reported separately and never summed into the footprint (EN 15804 module D).
    pub separate: bool,
    pub doc: Option<String>,
    pub span: Span,
}

/// `boundary cradle_to_gate = [raw_material_acquisition, production] "…" "…"`
#[derive(Debug, Clone, PartialEq)]
pub struct BoundaryDecl {
    pub name: Name,
    pub stages: Vec<Name>,
    pub labels: Labels,
    pub doc: Option<String>,
    pub span: Span,
}

/// `category biogenic "生物源" "biogenic"`
#[derive(Debug, Clone, PartialEq)]
pub struct CategoryDecl {
    pub name: Name,
    pub labels: Labels,
    pub doc: Option<String>,
    pub span: Span,
}

/// `enum Route { bf_bof "高炉-转炉", eaf "电炉" }`
#[derive(Debug, Clone, PartialEq)]
pub struct EnumDecl {
    pub name: Name,
    pub variants: Vec<Variant>,
    pub doc: Option<String>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    pub name: Name,
    pub labels: Labels,
    pub doc: Option<String>,
    pub span: Span,
}

/// `fn name(p: T, …) -> T = EXPR`
#[derive(Debug, Clone, PartialEq)]
pub struct FnDecl {
    pub name: Name,
    /// Dimension parameters (`fn share<D>(…)`): each stands for any
    /// dimension, fixed anew at every call.
    pub dimensions: Vec<Name>,
    pub params: Vec<Param>,
    pub ret: Option<TypeExpr>,
    pub body: Expr,
    pub doc: Option<String>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    pub name: Name,
    pub ty: TypeExpr,
    pub span: Span,
}

/// `let NAME [: TYPE] = EXPR`
#[derive(Debug, Clone, PartialEq)]
pub struct LetDecl {
    pub name: Name,
    pub ty: Option<TypeExpr>,
    pub value: Expr,
    pub doc: Option<String>,
    pub span: Span,
}

/// `result NAME ["zh" [en "en"]] [: UNIT] = EXPR`: a value reported next to
/// the footprint, never summed into it.
#[derive(Debug, Clone, PartialEq)]
pub struct ResultDecl {
    pub name: Name,
    pub zh: Option<Str>,
    pub en: Option<Str>,
    /// The unit of the reported amount.
    pub ty: Option<TypeExpr>,
    pub value: Expr,
    pub doc: Option<String>,
    pub span: Span,
}

/// `table NAME: Enum -> TYPE { variant => value, … }`: one value (or
/// record) per variant of an enum.
#[derive(Debug, Clone, PartialEq)]
pub struct TableDecl {
    pub name: Name,
    /// The enum whose variants key the rows.
    pub key: Name,
    pub value: TableValueType,
    pub rows: Vec<TableRow>,
    pub doc: Option<String>,
    pub span: Span,
}

/// The type of a table's values: one type, or a record of named fields.
#[derive(Debug, Clone, PartialEq)]
pub enum TableValueType {
    /// `-> kgCO2e/kWh`
    Single(TypeExpr),
    /// `-> { hfc125: ratio, hfc32: ratio }`, with the span of the braces.
    Record(Vec<FieldType>, Span),
}

/// `R404A => { hfc125: 44%, … }` or `north => 0.58 kgCO2e/kWh`
#[derive(Debug, Clone, PartialEq)]
pub struct TableRow {
    pub variant: Name,
    pub value: Expr,
    pub span: Span,
}

/// `rule NAME { clauses }`
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub name: Name,
    pub clauses: Vec<Clause>,
    pub doc: Option<String>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Clause {
    Title(TitleClause),
    Version(TextClause),
    Standard(TextClause),
    DeclaredUnit(DeclaredUnitClause),
    Boundary(NameClause),
    Gwp(NameClause),
    Cutoff(CutoffClause),
    Allocation(AllocationClause),
    Input(InputDecl),
    Factor(FactorDecl),
    Let(LetDecl),
    Fn(FnDecl),
    Stage(StageBlock),
    Result(ResultDecl),
    Table(TableDecl),
    Exclude(Exclusion),
    Grades(Grades),
    Example(Example),
    Error(Span),
}

impl Clause {
    pub fn span(&self) -> Span {
        match self {
            Clause::Title(c) => c.span,
            Clause::Version(c) | Clause::Standard(c) => c.span,
            Clause::DeclaredUnit(c) => c.span,
            Clause::Boundary(c) | Clause::Gwp(c) => c.span,
            Clause::Cutoff(c) => c.span,
            Clause::Allocation(c) => c.span,
            Clause::Input(c) => c.span,
            Clause::Factor(c) => c.span,
            Clause::Let(c) => c.span,
            Clause::Fn(c) => c.span,
            Clause::Stage(c) => c.span,
            Clause::Result(c) => c.span,
            Clause::Table(c) => c.span,
            Clause::Exclude(c) => c.span,
            Clause::Grades(c) => c.span,
            Clause::Example(c) => c.span,
            Clause::Error(span) => *span,
        }
    }

    /// The keyword that starts the clause, for messages.
    pub fn keyword(&self) -> &'static str {
        match self {
            Clause::Title(_) => "title",
            Clause::Version(_) => "version",
            Clause::Standard(_) => "standard",
            Clause::DeclaredUnit(_) => "declared_unit",
            Clause::Boundary(_) => "boundary",
            Clause::Gwp(_) => "gwp",
            Clause::Cutoff(_) => "cutoff",
            Clause::Allocation(_) => "allocation",
            Clause::Input(_) => "input",
            Clause::Factor(_) => "factor",
            Clause::Let(_) => "let",
            Clause::Fn(_) => "fn",
            Clause::Stage(_) => "stage",
            Clause::Result(_) => "result",
            Clause::Table(_) => "table",
            Clause::Exclude(_) => "exclude",
            Clause::Grades(_) => "grades",
            Clause::Example(_) => "example",
            Clause::Error(_) => "",
        }
    }
}

/// `title "zh" en "en"`
#[derive(Debug, Clone, PartialEq)]
pub struct TitleClause {
    pub zh: Str,
    pub en: Option<Str>,
    pub doc: Option<String>,
    pub span: Span,
}

/// `version "…"`, `standard "…"`
#[derive(Debug, Clone, PartialEq)]
pub struct TextClause {
    pub value: Str,
    pub doc: Option<String>,
    pub span: Span,
}

/// `boundary NAME`, `gwp NAME`
#[derive(Debug, Clone, PartialEq)]
pub struct NameClause {
    pub name: Name,
    pub doc: Option<String>,
    pub span: Span,
}

/// `declared_unit 1 t`
#[derive(Debug, Clone, PartialEq)]
pub struct DeclaredUnitClause {
    pub amount: Expr,
    pub doc: Option<String>,
    pub span: Span,
}

/// `cutoff item 1% total 5%`
#[derive(Debug, Clone, PartialEq)]
pub struct CutoffClause {
    pub item: Expr,
    pub total: Expr,
    pub doc: Option<String>,
    pub span: Span,
}

/// `allocation physical "why"`
#[derive(Debug, Clone, PartialEq)]
pub struct AllocationClause {
    pub kind: Name,
    pub reason: Option<Str>,
    pub doc: Option<String>,
    pub span: Span,
}

/// `input NAME: TYPE [= DEFAULT]`
#[derive(Debug, Clone, PartialEq)]
pub struct InputDecl {
    pub name: Name,
    pub ty: TypeExpr,
    pub default: Option<Expr>,
    pub doc: Option<String>,
    pub span: Span,
}

/// `factor NAME: UNIT = EXPR [source "…"]` or `= db "KEY"`
#[derive(Debug, Clone, PartialEq)]
pub struct FactorDecl {
    pub name: Name,
    pub ty: TypeExpr,
    pub value: FactorValue,
    pub source: Option<Str>,
    pub doc: Option<String>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum FactorValue {
    Literal(Expr),
    Db(Str),
}

/// `stage NAME { emission … }`
#[derive(Debug, Clone, PartialEq)]
pub struct StageBlock {
    pub name: Name,
    pub emissions: Vec<EmissionDecl>,
    pub doc: Option<String>,
    pub span: Span,
}

/// `emission NAME = EXPR [as CATEGORY]`
#[derive(Debug, Clone, PartialEq)]
pub struct EmissionDecl {
    pub name: Name,
    pub value: Expr,
    pub category: Option<Name>,
    pub doc: Option<String>,
    pub span: Span,
}

/// `exclude [stage] NAME "reason" share P`
#[derive(Debug, Clone, PartialEq)]
pub struct Exclusion {
    pub is_stage: bool,
    pub name: Name,
    pub reason: Str,
    pub share: Expr,
    pub doc: Option<String>,
    pub span: Span,
}

/// `grades { A <= 1.6 tCO2e … C otherwise }`
#[derive(Debug, Clone, PartialEq)]
pub struct Grades {
    pub entries: Vec<GradeEntry>,
    pub otherwise: Option<Name>,
    pub doc: Option<String>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct GradeEntry {
    pub name: Name,
    pub threshold: Expr,
    pub span: Span,
}

/// `example "name" { given … expect … }`
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    pub name: Str,
    pub statements: Vec<ExampleStatement>,
    pub doc: Option<String>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExampleStatement {
    Given(Given),
    Expect(Expectation),
    Error(Span),
}

/// `given NAME = VALUE`
#[derive(Debug, Clone, PartialEq)]
pub struct Given {
    pub name: Name,
    pub value: Expr,
    pub span: Span,
}

/// `expect TARGET == VALUE [within TOLERANCE]`
#[derive(Debug, Clone, PartialEq)]
pub struct Expectation {
    pub target: ExpectTarget,
    pub value: Expr,
    pub tolerance: Option<Expr>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExpectTarget {
    Footprint(Span),
    Grade(Span),
    Stage(Name),
    Emission(Name),
    Category(Name),
    /// `expect result NAME`: a reported result.
    Result(Name),
    /// `expect value NAME`: a `let` of the rule.
    Value(Name),
    /// A word that names no target; reported by the parser.
    Unknown(Name),
}

/// A type position: a unit expression, `ratio`, `bool`, `text`, an enum name, or `list { … }`.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeExpr {
    pub kind: TypeKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TypeKind {
    Named(Name),
    /// A plain number in a unit expression, as the `1` of `1/kg`.
    Number(String),
    Mul(Box<TypeExpr>, Box<TypeExpr>),
    Div(Box<TypeExpr>, Box<TypeExpr>),
    Pow(Box<TypeExpr>, Exponent),
    List(Vec<FieldType>),
    Error,
}

/// An exact exponent `num/den` as written (`^2`, `^-1`, `^(1/2)`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exponent {
    pub num: i64,
    pub den: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FieldType {
    pub name: Name,
    pub ty: TypeExpr,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Pow,
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
    And,
    Or,
}

impl BinOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Pow => "^",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::And => "and",
            BinOp::Or => "or",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnOp {
    Neg,
    Not,
}

/// A number literal as written, kept exact.
#[derive(Debug, Clone, PartialEq)]
pub struct NumberLit {
    /// The digits as written (underscores kept), without `%`.
    pub text: String,
    /// Written with `%`: the value is divided by 100.
    pub percent: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    Number(NumberLit),
    /// `450 MWh`, `3 m^2`: a number times one unit atom.
    Quantity {
        number: NumberLit,
        unit: Name,
        power: Option<Exponent>,
    },
    Str(String),
    Bool(bool),
    Name(Name),
    /// `x.field`, `Route.eaf`
    Field(Box<Expr>, Name),
    /// `table[key]`: a row of a table.
    Index(Box<Expr>, Box<Expr>),
    /// `gwp.CH4`: the factor of a gas in the rule's GWP set.
    Gwp(Name),
    Call(Name, Vec<Expr>),
    Unary(UnOp, Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    Match(Box<Expr>, Vec<MatchArm>),
    /// `sum(var in list [if filter]: body)`: `body` added over the elements
    /// of `list` for which `filter` (a bool) holds.
    Sum {
        var: Name,
        list: Box<Expr>,
        filter: Option<Box<Expr>>,
        body: Box<Expr>,
    },
    List(Vec<Expr>),
    Record(Vec<RecordField>),
    Paren(Box<Expr>),
    Error,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RecordField {
    pub name: Name,
    pub value: Expr,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MatchArm {
    pub pattern: Pattern,
    pub value: Expr,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Pattern {
    /// `eaf`
    Variant(Name),
    /// `Route.eaf`
    Qualified(Name, Name),
    /// `_`
    Wildcard(Span),
}

impl Pattern {
    pub fn span(&self) -> Span {
        match self {
            Pattern::Variant(n) => n.span,
            Pattern::Qualified(a, b) => a.span.to(b.span),
            Pattern::Wildcard(s) => *s,
        }
    }
}
