//! Tables keyed by enums (the book, `docs/src/rules.md#tables`): a table's
//! key, value type and rows checked (every variant once, each value a
//! constant of the declared type), and reading a row, `name[key]`.

use super::{Checker, RuleName};
use crate::diagnostic::Code;
use crate::types::{CheckedTable, ConstValue, FieldDef, Location, RecordType, TExpr, TKind, Type};
use crate::world::WorldValue;
use pcr_lang::ast::{self, ExprKind, TableValueType};
use pcr_lang::Span;
use std::sync::Arc;

impl Checker<'_, '_> {
    /// Check a table declared in this checker's file; `None` when it has
    /// errors (each reported once; its reads are then errors, silently).
    pub fn check_table(&mut self, decl: &ast::TableDecl) -> Option<Arc<CheckedTable>> {
        let key = self.table_key(&decl.key);
        let value = self.table_value_type(decl);
        let (key, value) = (key?, value?);
        let rows = self.table_rows(decl, key, &value)?;
        Some(Arc::new(CheckedTable {
            name: decl.name.text.clone(),
            key,
            value: value.ty,
            rows,
            loc: Location {
                file: self.file,
                span: decl.name.span,
            },
        }))
    }

    /// The enum a table is keyed by (E0101 when there is none of that name).
    fn table_key(&mut self, key: &ast::Name) -> Option<usize> {
        if let Some(id) = self.world.enum_id(&key.text) {
            if let Some(def) = self.world.enums.get(id) {
                self.reference(key.span, def.loc);
            }
            return Some(id);
        }
        let enums: Vec<&str> = self.world.enums.iter().map(|e| e.name.as_str()).collect();
        let d = self
            .error(
                Code::UnknownName,
                key.span,
                format!("unknown enum `{}`: a table is keyed by an enum", key.text),
                "not an enum",
            )
            .did_you_mean(&key.text, enums.iter().copied());
        self.push(d);
        None
    }

    /// The type of a table's values: a quantity, or a record of quantities.
    fn table_value_type(&mut self, decl: &ast::TableDecl) -> Option<ValueType> {
        match &decl.value {
            TableValueType::Single(t) => {
                let (ty, unit) = self.world.resolve_type(t, self.file, &mut self.diags);
                if !self.quantity_type(&ty, t.span) {
                    return None;
                }
                Some(ValueType {
                    units: vec![unit.map(|(_, text)| text)],
                    ty,
                })
            }
            TableValueType::Record(fields, _) => {
                let mut defs: Vec<FieldDef> = Vec::new();
                let mut units = Vec::new();
                let mut ok = true;
                for f in fields {
                    let (ty, unit) = self.world.resolve_type(&f.ty, self.file, &mut self.diags);
                    ok &= self.quantity_type(&ty, f.ty.span);
                    if defs.iter().any(|d| d.name == f.name.text) {
                        let d = self.error(
                            Code::DuplicateDefinition,
                            f.name.span,
                            format!("field `{}` is defined twice", f.name.text),
                            "again here",
                        );
                        self.push(d);
                        ok = false;
                        continue;
                    }
                    units.push(unit.as_ref().map(|(_, text)| text.clone()));
                    defs.push(FieldDef {
                        name: f.name.text.clone(),
                        ty,
                        unit: unit.map(|(factor, text)| crate::types::UnitSpec {
                            text,
                            factor: factor.to_f64(),
                        }),
                        loc: Location {
                            file: self.file,
                            span: f.name.span,
                        },
                    });
                }
                ok.then(|| ValueType {
                    ty: Type::Record(Arc::new(RecordType { fields: defs })),
                    units,
                })
            }
        }
    }

    /// E0204 unless `ty` is a quantity (or an error, reported already).
    fn quantity_type(&mut self, ty: &Type, span: Span) -> bool {
        match ty {
            Type::Quantity(_) => true,
            Type::Error => false,
            other => {
                let d = self
                    .error(
                        Code::TypeError,
                        span,
                        format!(
                            "a table's values are quantities, not {}",
                            self.describe(other)
                        ),
                        "not a unit",
                    )
                    .with_help("declare the values with a unit, or `ratio` for shares");
                self.push(d);
                false
            }
        }
    }

    /// Every row checked; one row per variant in the enum's order, or `None`
    /// after E0101 (unknown variant), E0102 (a variant twice), E0203 (a
    /// value of another type) or E0204 (a variant missing, a value not constant).
    fn table_rows(
        &mut self,
        decl: &ast::TableDecl,
        key: usize,
        value: &ValueType,
    ) -> Option<Vec<Vec<f64>>> {
        let def = self.world.enums.get(key)?;
        let (enum_name, variants) = (def.name.clone(), def.variants.clone());
        let mut rows: Vec<Option<Vec<f64>>> = vec![None; variants.len()];
        let mut first: Vec<Option<Span>> = vec![None; variants.len()];
        let mut ok = true;
        for row in &decl.rows {
            let Some(v) = variants.iter().position(|x| x.name == row.variant.text) else {
                let d = self
                    .error(
                        Code::UnknownName,
                        row.variant.span,
                        format!("enum `{enum_name}` has no variant `{}`", row.variant.text),
                        "unknown variant",
                    )
                    .did_you_mean(&row.variant.text, variants.iter().map(|x| x.name.as_str()));
                self.push(d);
                ok = false;
                continue;
            };
            self.reference(row.variant.span, variants[v].loc);
            if let Some(previous) = first[v] {
                let d = self
                    .error(
                        Code::DuplicateDefinition,
                        row.variant.span,
                        format!(
                            "table `{}` has two rows for `{}`",
                            decl.name.text, row.variant.text
                        ),
                        "again here",
                    )
                    .with_label(self.file, previous, "first row here");
                self.push(d);
                ok = false;
                continue;
            }
            first[v] = Some(row.variant.span);
            match self.row_values(decl, row, value) {
                Some(values) => rows[v] = Some(values),
                None => ok = false,
            }
        }
        let missing: Vec<usize> = (0..variants.len())
            .filter(|v| first[*v].is_none())
            .collect();
        if !missing.is_empty() {
            self.missing_rows(decl, &enum_name, &variants, &missing, value);
            return None;
        }
        if !ok {
            return None;
        }
        rows.into_iter().collect()
    }

    /// One row's values, in field order (E0203, E0101, E0204 as they fail).
    fn row_values(
        &mut self,
        decl: &ast::TableDecl,
        row: &ast::TableRow,
        value: &ValueType,
    ) -> Option<Vec<f64>> {
        let what = format!(
            "the row `{}` of table `{}`",
            row.variant.text, decl.name.text
        );
        match &value.ty {
            Type::Record(record) => {
                let ExprKind::Record(fields) = &row.value.kind else {
                    let d = self.error(
                        Code::DeclaredTypeMismatch,
                        row.value.span,
                        format!("{what} is a record `{{ … }}` of the table's fields"),
                        "not a record",
                    );
                    self.push(d);
                    return None;
                };
                let mut values: Vec<Option<f64>> = vec![None; record.fields.len()];
                let mut ok = true;
                for f in fields {
                    let Some((index, field)) = record.field(&f.name.text) else {
                        let d = self
                            .error(
                                Code::UnknownName,
                                f.name.span,
                                format!(
                                    "table `{}` has no field `{}`",
                                    decl.name.text, f.name.text
                                ),
                                "unknown field",
                            )
                            .did_you_mean(
                                &f.name.text,
                                record.fields.iter().map(|x| x.name.as_str()),
                            );
                        self.push(d);
                        ok = false;
                        continue;
                    };
                    let unit = field.unit.as_ref().map(|u| u.text.clone());
                    let field_what = format!("field `{}` of {what}", f.name.text);
                    match self.row_value(&f.value, &field.ty, unit.as_deref(), &field_what) {
                        Some(v) => values[index] = Some(v),
                        None => ok = false,
                    }
                }
                let missing: Vec<String> = record
                    .fields
                    .iter()
                    .zip(&values)
                    .filter(|(_, v)| v.is_none())
                    .map(|(f, _)| format!("`{}`", f.name))
                    .collect();
                if ok && !missing.is_empty() {
                    let d = self.error(
                        Code::DeclaredTypeMismatch,
                        row.value.span,
                        format!("{what} lacks {}", missing.join(", ")),
                        "incomplete row",
                    );
                    self.push(d);
                    return None;
                }
                if !ok {
                    return None;
                }
                values.into_iter().collect()
            }
            ty => {
                let unit = value.units.first().cloned().flatten();
                let ty = ty.clone();
                self.row_value(&row.value, &ty, unit.as_deref(), &what)
                    .map(|v| vec![v])
            }
        }
    }

    /// A constant of type `ty` (E0203 for another type, E0204 when not constant).
    fn row_value(
        &mut self,
        e: &ast::Expr,
        ty: &Type,
        unit: Option<&str>,
        what: &str,
    ) -> Option<f64> {
        let value = self.expr_with(e, Some(ty));
        if value.ty.is_error() || !self.expect_type(&value, ty, unit, what) {
            return None;
        }
        match crate::constant::evaluate(self, &value) {
            Ok(ConstValue::Number(v)) => Some(v),
            Ok(_) => None,
            Err(why) => {
                let d = self
                    .error(
                        Code::TypeError,
                        value.span,
                        format!("{what} must be a constant"),
                        "not a constant",
                    )
                    .with_note(why.reason);
                self.push(d);
                None
            }
        }
    }

    /// E0204 naming the variants without a row, with a quick fix that
    /// inserts a row of zeros for each (for the author to fill in).
    fn missing_rows(
        &mut self,
        decl: &ast::TableDecl,
        enum_name: &str,
        variants: &[crate::world::VariantDef],
        missing: &[usize],
        value: &ValueType,
    ) {
        let names: Vec<String> = missing
            .iter()
            .filter_map(|v| variants.get(*v))
            .map(|v| format!("`{}`", v.name))
            .collect();
        let zero = |unit: &Option<String>| match unit.as_deref() {
            Some("1") | None => "0".to_string(),
            Some(u) => format!("0 {u}"),
        };
        let row_value = match &value.ty {
            Type::Record(record) => {
                let fields: Vec<String> = record
                    .fields
                    .iter()
                    .zip(&value.units)
                    .map(|(f, u)| format!("{}: {}", f.name, zero(u)))
                    .collect();
                format!("{{ {} }}", fields.join(", "))
            }
            _ => zero(value.units.first().unwrap_or(&None)),
        };
        let new_rows: Vec<String> = missing
            .iter()
            .filter_map(|v| variants.get(*v))
            .map(|v| format!("{} => {row_value}", v.name))
            .collect();
        // After the last row: on a line of its own in a table laid out one
        // row per line, else after a comma.
        let (at, text) = match decl.rows.last() {
            Some(last) => {
                let line_start = self
                    .text
                    .get(..last.span.start as usize)
                    .and_then(|t| t.rfind('\n'))
                    .map_or(0, |i| i + 1);
                let indent: String = self
                    .text
                    .get(line_start..last.span.start as usize)
                    .unwrap_or("")
                    .chars()
                    .take_while(|c| c.is_whitespace())
                    .collect();
                let own_line = self
                    .text
                    .get(line_start..last.span.start as usize)
                    .is_some_and(|t| t.trim().is_empty());
                let text = if own_line && matches!(value.ty, Type::Record(_)) {
                    new_rows
                        .iter()
                        .map(|r| format!("\n{indent}{r}"))
                        .collect::<String>()
                } else {
                    new_rows
                        .iter()
                        .map(|r| format!(", {r}"))
                        .collect::<String>()
                };
                (last.span.end, text)
            }
            None => {
                let close = decl.span.end.saturating_sub(1);
                (close, format!(" {} ", new_rows.join(", ")))
            }
        };
        let d = self
            .error(
                Code::TypeError,
                decl.name.span,
                format!(
                    "table `{}` has no row for {} of enum `{enum_name}`",
                    decl.name.text,
                    names.join(", ")
                ),
                "not exhaustive",
            )
            .with_help("a table has one row for every variant of its enum")
            .with_fix("add the missing rows", Span { start: at, end: at }, text);
        self.push(d);
    }

    /// `table[key]`: the row of a table (E0101 for an unknown name, E0204
    /// for a name that is not a table or a key of another type).
    pub(super) fn table_row(&mut self, table: &ast::Expr, key: &ast::Expr, span: Span) -> TExpr {
        let ExprKind::Name(n) = &table.kind else {
            let base = self.expr(table);
            if !base.ty.is_error() {
                let d = self.error(
                    Code::TypeError,
                    table.span,
                    "only a table is read with `[…]`: write `table_name[key]`",
                    "not a table",
                );
                self.push(d);
            }
            self.expr(key);
            return TExpr::error(span);
        };
        let Some(found) = self.find_table(n) else {
            self.expr(key);
            return TExpr::error(span);
        };
        let Some(checked) = found else {
            self.expr(key);
            return TExpr::error(span);
        };
        self.reference(n.span, checked.loc);
        let expected = Type::Enum(checked.key);
        let k = self.expr_with(key, Some(&expected));
        match &k.ty {
            Type::Error => return TExpr::error(span),
            Type::Enum(id) if *id == checked.key => {}
            other => {
                let enum_name = self
                    .world
                    .enums
                    .get(checked.key)
                    .map_or("?", |e| e.name.as_str());
                let d = self.error(
                    Code::TypeError,
                    k.span,
                    format!(
                        "table `{}` is keyed by enum `{enum_name}`, but this key is {}",
                        checked.name,
                        self.describe(other)
                    ),
                    format!("not a `{enum_name}`"),
                );
                self.push(d);
                return TExpr::error(span);
            }
        }
        let ty = checked.value.clone();
        self.done(TKind::Row(checked, Box::new(k)), ty, span)
    }

    /// E0204 for a table named where a value belongs.
    pub(super) fn table_as_value(&mut self, n: &ast::Name) {
        let d = self
            .error(
                Code::TypeError,
                n.span,
                format!("`{}` is a table, not a value", n.text),
                "table used as a value",
            )
            .with_help(format!("read a row with `{}[key]`", n.text));
        self.push(d);
    }

    /// The table a name means: `Some(None)` for a table with errors, `None`
    /// after reporting a name that is not a table.
    fn find_table(&mut self, n: &ast::Name) -> Option<Option<Arc<CheckedTable>>> {
        let shadowed = self.locals.iter().any(|l| l.name == n.text);
        let in_rule = self
            .rule
            .as_ref()
            .and_then(|r| r.names.get(n.text.as_str()).copied());
        if !shadowed {
            if let Some((RuleName::Table(i), _)) = in_rule {
                let checked = self.rule.as_ref().and_then(|r| r.tables.get(i).cloned());
                return Some(checked.flatten());
            }
            if in_rule.is_none() {
                if let Some((WorldValue::Table(i), _)) = self.world.values.get(&n.text).copied() {
                    return Some(self.globals.tables.borrow().get(i).cloned().flatten());
                }
            }
        }
        let value = self.name(n, None);
        if !value.ty.is_error() {
            let d = self
                .error(
                    Code::TypeError,
                    n.span,
                    format!(
                        "`{}` is {}, not a table: only a table is read with `[…]`",
                        n.text,
                        self.describe(&value.ty)
                    ),
                    "not a table",
                )
                .with_help("declare a `table NAME: Enum -> TYPE { variant => value, … }`");
            self.push(d);
        }
        None
    }
}

/// A table's value type, with the units as written (per field for records).
struct ValueType {
    ty: Type,
    units: Vec<Option<String>>,
}
