//! Types and the typed tree the checker produces for lowering and hover.

use crate::dimension::Dimension;
use crate::source::FileId;
use pcr_lang::ast::{BinOp, UnOp};
use pcr_lang::Span;
use std::sync::Arc;

/// Where something is declared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Location {
    pub file: FileId,
    pub span: Span,
}

/// A record type: the element of a `list { … }` input.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordType {
    pub fields: Vec<FieldDef>,
}

#[derive(Debug, Clone)]
pub struct FieldDef {
    pub name: String,
    pub ty: Type,
    /// The field's declared unit and its factor to canonical units (quantities only).
    pub unit: Option<UnitSpec>,
    /// Where the field is declared (go to definition); not part of the type.
    pub loc: Location,
}

/// Two record types with the same fields are the same type, wherever declared.
impl PartialEq for FieldDef {
    fn eq(&self, other: &FieldDef) -> bool {
        self.name == other.name && self.ty == other.ty && self.unit == other.unit
    }
}

impl RecordType {
    pub fn field(&self, name: &str) -> Option<(usize, &FieldDef)> {
        self.fields.iter().enumerate().find(|(_, f)| f.name == name)
    }
}

/// A declared unit in a type position: its text and factor to canonical units.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitSpec {
    pub text: String,
    pub factor: f64,
}

/// A table keyed by an enum, checked: one row per variant, in the enum's
/// order, each row's values in canonical units.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedTable {
    pub name: String,
    /// The enum whose variants key the rows.
    pub key: usize,
    /// A quantity, or a record of quantities.
    pub value: Type,
    /// Per variant, one value per field (one value for a table of quantities).
    pub rows: Vec<Vec<f64>>,
    pub loc: Location,
}

impl CheckedTable {
    /// The values of field `field` (`0` for a table of quantities), one per variant.
    pub fn column(&self, field: usize) -> Vec<f64> {
        self.rows
            .iter()
            .map(|row| row.get(field).copied().unwrap_or(f64::NAN))
            .collect()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Type {
    /// A quantity of a dimension; `ratio` is the empty dimension.
    Quantity(Dimension),
    Bool,
    Text,
    Enum(usize),
    List(Arc<RecordType>),
    Record(Arc<RecordType>),
    /// The type of an erroneous expression: unifies with everything, reports nothing more.
    Error,
}

impl Type {
    pub fn ratio() -> Type {
        Type::Quantity(Dimension::none())
    }

    pub fn is_error(&self) -> bool {
        matches!(self, Type::Error)
    }

    pub fn dimension(&self) -> Option<&Dimension> {
        match self {
            Type::Quantity(d) => Some(d),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Builtin {
    Min,
    Max,
    Abs,
    /// `round(q, step)`: to the nearest multiple of `step`, ties to even.
    Round,
    /// `co2e(gas, mass)`: a mass of a prelude `Gas` characterised with the
    /// rule's GWP set.
    Co2e,
    /// `exp(x)`: of a dimensionless value.
    Exp,
    /// `ln(x)`: the natural logarithm of a positive dimensionless value.
    Ln,
    /// `sqrt(x)`: of a value that is not negative, dimensionless or with
    /// even exponents (`sqrt(area)` is a length).
    Sqrt,
}

impl Builtin {
    /// The built-in called `name`, if any.
    pub fn named(name: &str) -> Option<Builtin> {
        Some(match name {
            "min" => Builtin::Min,
            "max" => Builtin::Max,
            "abs" => Builtin::Abs,
            "round" => Builtin::Round,
            "co2e" => Builtin::Co2e,
            "exp" => Builtin::Exp,
            "ln" => Builtin::Ln,
            "sqrt" => Builtin::Sqrt,
            _ => return None,
        })
    }

    /// Its name in rule text.
    pub fn name(self) -> &'static str {
        match self {
            Builtin::Min => "min",
            Builtin::Max => "max",
            Builtin::Abs => "abs",
            Builtin::Round => "round",
            Builtin::Co2e => "co2e",
            Builtin::Exp => "exp",
            Builtin::Ln => "ln",
            Builtin::Sqrt => "sqrt",
        }
    }

    /// `exp`, `ln` or `sqrt`: one argument, a real function of it.
    pub fn is_math(self) -> bool {
        matches!(self, Builtin::Exp | Builtin::Ln | Builtin::Sqrt)
    }
}

/// A checked expression: its kind, type and span. Quantities are in canonical units.
#[derive(Debug, Clone, PartialEq)]
pub struct TExpr {
    pub kind: TKind,
    pub ty: Type,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TKind {
    /// A number in canonical units.
    Const(f64),
    Bool(bool),
    Text(String),
    Variant(usize, usize),
    Input(usize),
    Factor(usize),
    Let(usize),
    /// A top-level `let` constant.
    GlobalConst(usize),
    /// A function parameter or a `sum` variable, by its index in the local stack.
    Local(usize),
    Field(Box<TExpr>, usize),
    /// `table[key]`: the row of a table for the variant `key` gives.
    Row(Arc<CheckedTable>, Box<TExpr>),
    Unary(UnOp, Box<TExpr>),
    /// Both operands in one allocation.
    Binary(BinOp, Box<(TExpr, TExpr)>),
    /// Power with a literal exponent.
    Pow(Box<TExpr>, f64),
    If(Box<TExpr>, Box<TExpr>, Box<TExpr>),
    /// Arms by variant index (`None` for `_`).
    Match(Box<TExpr>, Vec<(Option<usize>, TExpr)>),
    Sum(Box<TExpr>, Box<TExpr>),
    /// A call of a prelude/module function (`Global`) or a rule function (`Local`).
    Call(FnRef, Vec<TExpr>),
    Builtin(Builtin, Vec<TExpr>),
    List(Vec<TExpr>),
    Record(Vec<(usize, TExpr)>),
    Error,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FnRef {
    Global(usize),
    Rule(usize),
}

impl TExpr {
    pub fn error(span: Span) -> TExpr {
        TExpr {
            kind: TKind::Error,
            ty: Type::Error,
            span,
        }
    }
}

/// A constant value, as `given`, defaults and literal factors need it.
#[derive(Debug, Clone, PartialEq)]
pub enum ConstValue {
    Number(f64),
    Bool(bool),
    Text(String),
    Variant(usize, usize),
    List(Vec<ConstValue>),
    Record(Vec<(usize, ConstValue)>),
}

/// The unit of a quantity literal as its author wrote it: `kgCO2/kWh` in
/// `0.5 kgCO2/kWh`, `m^2` in `3 m^2`. `None` unless `source` is a number
/// followed only by units (as `is_unit` says), `*`, `/` and `^` powers, so
/// messages and hovers can show `kgCO2/kWh` rather than the canonical `kgCO2/J`.
pub fn written_unit(source: &str, is_unit: impl Fn(&str) -> bool) -> Option<&str> {
    use pcr_lang::lexer::{lex, written, Token};
    let source = source.trim();
    let lexed = lex(source);
    if !lexed.errors.is_empty() {
        return None;
    }
    let (first, rest) = lexed.tokens.split_first()?;
    if first.token != Token::Number || rest.is_empty() {
        return None;
    }
    // What may follow each token: a unit, then an operator or a power.
    let mut prev = Token::Star;
    for t in rest {
        let ok = match t.token {
            Token::Ident => {
                matches!(prev, Token::Star | Token::Slash) && is_unit(written(source, t))
            }
            Token::Star | Token::Slash | Token::Caret => {
                matches!(prev, Token::Ident | Token::Number)
            }
            Token::Minus => prev == Token::Caret,
            Token::Number => matches!(prev, Token::Caret | Token::Minus),
            _ => false,
        };
        if !ok {
            return None;
        }
        prev = t.token;
    }
    if !matches!(prev, Token::Ident | Token::Number) {
        return None;
    }
    source.get(first.end()..).map(str::trim)
}

#[cfg(test)]
mod written_unit_tests {
    use super::written_unit;

    fn units(name: &str) -> bool {
        ["kgCO2", "kWh", "m", "s", "t"].contains(&name)
    }

    #[test]
    fn the_unit_of_a_literal_as_written() {
        assert_eq!(written_unit("0.5 kgCO2/kWh", units), Some("kgCO2/kWh"));
        assert_eq!(written_unit(" 3 m^2 ", units), Some("m^2"));
        assert_eq!(written_unit("2 m*s^-1", units), Some("m*s^-1"));
    }

    #[test]
    fn not_a_literal_with_units_only() {
        assert_eq!(written_unit("0.5", units), None);
        assert_eq!(written_unit("0.5 kgCO2 / output", units), None);
        assert_eq!(written_unit("x * 2 t", units), None);
        assert_eq!(written_unit("2 t +", units), None);
        assert_eq!(written_unit("2 t / ", units), None);
    }
}
