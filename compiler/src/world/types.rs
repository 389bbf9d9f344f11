//! Type expressions resolved: units, enums, `ratio`, `bool`, `text`,
//! products, powers and list records.

use super::{reported, World};
use crate::diagnostic::{Code, Diagnostic};
use crate::dimension::{BaseId, Dimension};
use crate::rational::Rational;
use crate::source::FileId;
use crate::suggest::closest;
use crate::types::Type;
use pcr_lang::ast::{self, TypeKind};
use std::sync::Arc;

/// A function's dimension parameters: each name with its base dimension.
pub type DimensionParams<'a> = &'a [(String, BaseId)];

impl World {
    /// The type of a type expression, with the unit's text and factor for quantities.
    pub fn resolve_type(
        &self,
        e: &ast::TypeExpr,
        file: FileId,
        diags: &mut Vec<Diagnostic>,
    ) -> (Type, Option<(Rational, String)>) {
        self.resolve_type_in(e, &[], file, diags)
    }

    /// The type of a type expression in a function's signature, where the
    /// function's dimension parameters (`D` of `fn share<D>(…)`) are
    /// dimensions too: each is its own base dimension, in canonical units.
    pub fn resolve_type_in(
        &self,
        e: &ast::TypeExpr,
        dims: DimensionParams<'_>,
        file: FileId,
        diags: &mut Vec<Diagnostic>,
    ) -> (Type, Option<(Rational, String)>) {
        match &e.kind {
            TypeKind::Named(n) => {
                if let Some((_, base)) = dims.iter().find(|(name, _)| *name == n.text) {
                    return (
                        Type::Quantity(Dimension::base(*base)),
                        Some((Rational::ONE, n.text.clone())),
                    );
                }
                self.named_type(n, file, diags)
            }
            TypeKind::Number(t) => match Rational::parse_decimal(t) {
                Some(r) => (Type::ratio(), Some((r, t.clone()))),
                None => (Type::Error, None),
            },
            TypeKind::Mul(a, b) | TypeKind::Div(a, b) => {
                self.product_type(e, a, b, dims, file, diags)
            }
            TypeKind::Pow(a, exp) => self.power_type(e, a, exp, dims, file, diags),
            TypeKind::List(fields) => self.list_type(fields, dims, file, diags),
            TypeKind::Error => (Type::Error, None),
        }
    }

    /// A named type: `ratio`, `bool`, `text`, an enum or a unit.
    fn named_type(
        &self,
        n: &ast::Name,
        file: FileId,
        diags: &mut Vec<Diagnostic>,
    ) -> (Type, Option<(Rational, String)>) {
        match n.text.as_str() {
            "ratio" => (Type::ratio(), Some((Rational::ONE, "1".to_string()))),
            "bool" => (Type::Bool, None),
            "text" => (Type::Text, None),
            _ => {
                if let Some(id) = self.enum_id(&n.text) {
                    return (Type::Enum(id), None);
                }
                if let Some(u) = self.units.get(&n.text) {
                    return (
                        Type::Quantity(u.dim.clone()),
                        Some((u.factor, n.text.clone())),
                    );
                }
                let candidates = self
                    .units
                    .keys()
                    .map(String::as_str)
                    .chain(["ratio", "bool", "text"])
                    .chain(self.enums.iter().map(|e| e.name.as_str()));
                let hint = closest(&n.text, candidates).map(str::to_string);
                let mut d = Diagnostic::new(
                    Code::UnknownName,
                    file,
                    n.span,
                    format!("unknown type or unit `{}`", n.text),
                    "not a unit, enum or type",
                );
                if let Some(h) = hint {
                    d = d.with_suggestion(&h);
                } else if self.dimensions.contains_key(&n.text) {
                    d = d.with_help(format!(
                        "`{}` is a dimension; a type position takes a unit of it",
                        n.text
                    ));
                }
                diags.push(d);
                (Type::Error, None)
            }
        }
    }

    /// `a*b` or `a/b` of units.
    fn product_type(
        &self,
        e: &ast::TypeExpr,
        a: &ast::TypeExpr,
        b: &ast::TypeExpr,
        dims: DimensionParams<'_>,
        file: FileId,
        diags: &mut Vec<Diagnostic>,
    ) -> (Type, Option<(Rational, String)>) {
        let (ta, ua) = self.resolve_type_in(a, dims, file, diags);
        let (tb, ub) = self.resolve_type_in(b, dims, file, diags);
        match (ta, tb, ua, ub) {
            (Type::Quantity(da), Type::Quantity(db), Some((fa, sa)), Some((fb, sb))) => {
                let is_mul = matches!(e.kind, TypeKind::Mul(..));
                let wrap = |s: String, inner: &ast::TypeExpr| {
                    if matches!(inner.kind, TypeKind::Mul(..) | TypeKind::Div(..)) {
                        format!("({s})")
                    } else {
                        s
                    }
                };
                let (f, dim, text) = if is_mul {
                    (
                        fa.mul(fb).unwrap_or(fa),
                        da.mul(&db),
                        format!("{sa}*{}", wrap(sb, b)),
                    )
                } else {
                    (
                        fa.div(fb).unwrap_or(fa),
                        da.div(&db),
                        format!("{sa}/{}", wrap(sb, b)),
                    )
                };
                match reported(dim, file, e.span, diags) {
                    Some(dim) => (Type::Quantity(dim), Some((f, text))),
                    None => (Type::Error, None),
                }
            }
            (Type::Error, ..) | (_, Type::Error, ..) => (Type::Error, None),
            _ => {
                diags.push(Diagnostic::new(
                    Code::TypeError,
                    file,
                    e.span,
                    "only units can be multiplied or divided in a type",
                    "not a unit expression",
                ));
                (Type::Error, None)
            }
        }
    }

    /// A unit raised to a rational power.
    fn power_type(
        &self,
        e: &ast::TypeExpr,
        a: &ast::TypeExpr,
        exp: &ast::Exponent,
        dims: DimensionParams<'_>,
        file: FileId,
        diags: &mut Vec<Diagnostic>,
    ) -> (Type, Option<(Rational, String)>) {
        let (ta, ua) = self.resolve_type_in(a, dims, file, diags);
        match (ta, ua, Rational::new(exp.num as i128, exp.den as i128)) {
            (Type::Quantity(d), Some((f, s)), Some(r)) => {
                let factor = if r.is_integer() {
                    f.pow(r.num() as i32).unwrap_or(f)
                } else {
                    Rational::ONE
                };
                let text = if r.is_integer() {
                    format!("{s}^{r}")
                } else {
                    format!("{s}^({r})")
                };
                match reported(d.pow(r), file, e.span, diags) {
                    Some(d) => (Type::Quantity(d), Some((factor, text))),
                    None => (Type::Error, None),
                }
            }
            (Type::Error, ..) => (Type::Error, None),
            _ => {
                diags.push(Diagnostic::new(
                    Code::TypeError,
                    file,
                    e.span,
                    "only a unit can be raised to a power in a type",
                    "not a unit",
                ));
                (Type::Error, None)
            }
        }
    }

    /// A list input's record type (E0102 for a field given twice).
    fn list_type(
        &self,
        fields: &[ast::FieldType],
        dims: DimensionParams<'_>,
        file: FileId,
        diags: &mut Vec<Diagnostic>,
    ) -> (Type, Option<(Rational, String)>) {
        let mut defs: Vec<crate::types::FieldDef> = Vec::new();
        for f in fields {
            let (ty, unit) = self.resolve_type_in(&f.ty, dims, file, diags);
            if matches!(ty, Type::List(_)) {
                diags.push(Diagnostic::new(
                    Code::TypeError,
                    file,
                    f.ty.span,
                    "a list field cannot itself be a list",
                    "nested list",
                ));
            }
            if defs.iter().any(|d| d.name == f.name.text) {
                diags.push(Diagnostic::new(
                    Code::DuplicateDefinition,
                    file,
                    f.name.span,
                    format!("field `{}` is defined twice", f.name.text),
                    "again here",
                ));
                continue;
            }
            defs.push(crate::types::FieldDef {
                name: f.name.text.clone(),
                ty,
                unit: unit.map(|(factor, text)| crate::types::UnitSpec {
                    text,
                    factor: factor.to_f64(),
                }),
                loc: crate::types::Location {
                    file,
                    span: f.name.span,
                },
            });
        }
        (
            Type::List(Arc::new(crate::types::RecordType { fields: defs })),
            None,
        )
    }
}
