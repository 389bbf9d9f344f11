//! Collecting declarations, one method per kind: each name declared once
//! (E0102), units and GWP sets kept for the later passes.

use super::{
    labels, BaseDimension, BoundaryDef, Builder, CategoryDef, ConstDef, DimensionDef, EnumDef,
    FnDef, GwpSetDef, StageDef, TableDef, UnitDef, VariantDef, World, WorldValue,
};
use crate::diagnostic::{Code, Diagnostic};
use crate::dimension::{BaseId, Dimension};
use crate::rational::Rational;
use crate::source::FileId;
use crate::types::Location;
use pcr_lang::ast;
use pcr_lang::Span;
use std::sync::Arc;

impl World {
    pub(super) fn clash(
        &self,
        kind: &str,
        name: &ast::Name,
        file: FileId,
        previous: Location,
        diags: &mut Vec<Diagnostic>,
    ) {
        let message = if self.is_prelude(previous.file) && !self.is_prelude(file) {
            format!(
                "`{}` shadows the prelude's {kind} of the same name",
                name.text
            )
        } else {
            format!("`{}` is defined twice", name.text)
        };
        diags.push(
            Diagnostic::new(
                Code::DuplicateDefinition,
                file,
                name.span,
                message,
                "defined again here",
            )
            .with_label(previous.file, previous.span, "first defined here")
            .with_help("choose another name"),
        );
    }

    pub(super) fn declare_value(
        &mut self,
        file: FileId,
        name: &ast::Name,
        value: WorldValue,
        diags: &mut Vec<Diagnostic>,
    ) -> bool {
        let loc = Location {
            file,
            span: name.span,
        };
        if let Some((_, previous)) = self.values.get(&name.text) {
            let previous = *previous;
            self.clash("declaration", name, file, previous, diags);
            return false;
        }
        self.values.insert(name.text.clone(), (value, loc));
        true
    }

    pub(super) fn declare(
        &mut self,
        file: FileId,
        item: &ast::Item,
        builder: &mut Builder,
        diags: &mut Vec<Diagnostic>,
    ) {
        match item {
            ast::Item::Dimension(d) => self.declare_dimension(file, d, builder, diags),
            ast::Item::Unit(u) => self.declare_unit(file, u, builder, diags),
            ast::Item::GwpSet(g) => self.declare_gwp_set(file, g, builder, diags),
            ast::Item::Stage(s) => self.declare_stage(file, s, diags),
            ast::Item::Boundary(b) => self.declare_boundary(file, b, builder, diags),
            ast::Item::Category(c) => self.declare_category(file, c, diags),
            ast::Item::Enum(e) => self.declare_enum(file, e, diags),
            ast::Item::Fn(f) => self.declare_fn(file, f, diags),
            ast::Item::Let(l) => self.declare_const(file, l, diags),
            ast::Item::Table(t) => {
                let id = self.tables.len();
                if self.declare_value(file, &t.name, WorldValue::Table(id), diags) {
                    self.tables.push(TableDef {
                        name: t.name.text.clone(),
                        decl: Arc::new(t.clone()),
                        file,
                    });
                }
            }
            ast::Item::Import(_) | ast::Item::Rule(_) | ast::Item::Error(_) => {}
        }
    }

    /// Declare a dimension (E0102 when its name is taken).
    pub(super) fn declare_dimension(
        &mut self,
        file: FileId,
        d: &ast::DimensionDecl,
        builder: &mut Builder,
        diags: &mut Vec<Diagnostic>,
    ) {
        let at = |span: Span| Location { file, span };
        if let Some(previous) = self.dimensions.get(&d.name.text) {
            let previous = previous.loc;
            self.clash("dimension", &d.name, file, previous, diags);
            return;
        }
        let base = d.definition.is_none();
        let dim = if base {
            self.bases.push(BaseDimension {
                name: d.name.text.clone(),
                unit: None,
            });
            Dimension::base((self.bases.len() - 1) as BaseId)
        } else {
            builder
                .dimension_defs
                .push((d.name.text.clone(), file, d.definition.clone()));
            Dimension::none()
        };
        self.dimensions.insert(
            d.name.text.clone(),
            DimensionDef {
                name: d.name.text.clone(),
                dim,
                base,
                loc: at(d.name.span),
                doc: d.doc.clone(),
            },
        );
    }

    /// Declare a unit (E0102 when its name is taken).
    pub(super) fn declare_unit(
        &mut self,
        file: FileId,
        u: &ast::UnitDecl,
        builder: &mut Builder,
        diags: &mut Vec<Diagnostic>,
    ) {
        let at = |span: Span| Location { file, span };
        if self.declare_value(file, &u.name, WorldValue::Unit, diags) {
            let (zh, en) = labels(&u.labels);
            self.units.insert(
                u.name.text.clone(),
                UnitDef {
                    name: u.name.text.clone(),
                    dim: Dimension::none(),
                    factor: Rational::ONE,
                    zh,
                    en,
                    loc: at(u.name.span),
                    doc: u.doc.clone(),
                },
            );
            builder
                .unit_defs
                .push((u.name.text.clone(), file, u.definition.clone()));
        }
    }

    /// Declare a gwpset (E0102 when its name is taken).
    pub(super) fn declare_gwp_set(
        &mut self,
        file: FileId,
        g: &ast::GwpSetDecl,
        builder: &mut Builder,
        diags: &mut Vec<Diagnostic>,
    ) {
        let at = |span: Span| Location { file, span };
        if let Some(previous) = self.gwp_sets.get(&g.name.text) {
            let previous = previous.loc;
            self.clash("GWP set", &g.name, file, previous, diags);
            return;
        }
        self.gwp_sets.insert(
            g.name.text.clone(),
            GwpSetDef {
                name: g.name.text.clone(),
                source: g.source.as_ref().map(|s| s.value.clone()),
                values: Vec::new(),
                loc: at(g.name.span),
                doc: g.doc.clone(),
            },
        );
        builder
            .gwp_defs
            .push((g.name.text.clone(), file, g.entries.clone()));
    }

    /// Declare a stage (E0102 when its name is taken).
    pub(super) fn declare_stage(
        &mut self,
        file: FileId,
        s: &ast::StageDecl,
        diags: &mut Vec<Diagnostic>,
    ) {
        let at = |span: Span| Location { file, span };
        if let Some(previous) = self.stages.get(&s.name.text) {
            let previous = previous.loc;
            self.clash("stage", &s.name, file, previous, diags);
            return;
        }
        let (zh, en) = labels(&s.labels);
        self.stage_order.push(s.name.text.clone());
        self.stages.insert(
            s.name.text.clone(),
            StageDef {
                name: s.name.text.clone(),
                zh,
                en,
                separate: s.separate,
                loc: at(s.name.span),
                doc: s.doc.clone(),
            },
        );
    }

    /// Declare a boundary (E0102 when its name is taken).
    pub(super) fn declare_boundary(
        &mut self,
        file: FileId,
        b: &ast::BoundaryDecl,
        builder: &mut Builder,
        diags: &mut Vec<Diagnostic>,
    ) {
        let at = |span: Span| Location { file, span };
        if let Some(previous) = self.boundaries.get(&b.name.text) {
            let previous = previous.loc;
            self.clash("boundary", &b.name, file, previous, diags);
            return;
        }
        let (zh, en) = labels(&b.labels);
        builder.boundary_stage_refs.push((file, b.stages.clone()));
        self.boundaries.insert(
            b.name.text.clone(),
            BoundaryDef {
                name: b.name.text.clone(),
                stages: b.stages.iter().map(|s| s.text.clone()).collect(),
                zh,
                en,
                loc: at(b.name.span),
                doc: b.doc.clone(),
            },
        );
    }

    /// Declare a category (E0102 when its name is taken).
    pub(super) fn declare_category(
        &mut self,
        file: FileId,
        c: &ast::CategoryDecl,
        diags: &mut Vec<Diagnostic>,
    ) {
        let at = |span: Span| Location { file, span };
        if let Some(previous) = self.categories.get(&c.name.text) {
            let previous = previous.loc;
            self.clash("category", &c.name, file, previous, diags);
            return;
        }
        let (zh, en) = labels(&c.labels);
        self.categories.insert(
            c.name.text.clone(),
            CategoryDef {
                name: c.name.text.clone(),
                zh,
                en,
                loc: at(c.name.span),
                doc: c.doc.clone(),
            },
        );
    }

    /// Declare a enum (E0102 when its name is taken).
    pub(super) fn declare_enum(
        &mut self,
        file: FileId,
        e: &ast::EnumDecl,
        diags: &mut Vec<Diagnostic>,
    ) {
        let at = |span: Span| Location { file, span };
        let id = self.enums.len();
        if self.declare_value(file, &e.name, WorldValue::Enum(id), diags) {
            let mut variants: Vec<VariantDef> = Vec::new();
            for v in &e.variants {
                if let Some(previous) = variants.iter().find(|p| p.name == v.name.text) {
                    let previous = previous.loc;
                    self.clash("variant", &v.name, file, previous, diags);
                    continue;
                }
                let (zh, en) = labels(&v.labels);
                variants.push(VariantDef {
                    name: v.name.text.clone(),
                    zh,
                    en,
                    loc: at(v.name.span),
                });
            }
            self.enums.push(EnumDef {
                name: e.name.text.clone(),
                variants,
                loc: at(e.name.span),
                doc: e.doc.clone(),
            });
        }
    }

    /// Declare a fn (E0102 when its name is taken).
    pub(super) fn declare_fn(
        &mut self,
        file: FileId,
        f: &ast::FnDecl,
        diags: &mut Vec<Diagnostic>,
    ) {
        let id = self.fns.len();
        if self.declare_value(file, &f.name, WorldValue::Fn(id), diags) {
            self.fns.push(FnDef {
                name: f.name.text.clone(),
                decl: Arc::new(f.clone()),
                file,
            });
        }
    }

    /// Declare a let (E0102 when its name is taken).
    pub(super) fn declare_const(
        &mut self,
        file: FileId,
        l: &ast::LetDecl,
        diags: &mut Vec<Diagnostic>,
    ) {
        let id = self.consts.len();
        if self.declare_value(file, &l.name, WorldValue::Const(id), diags) {
            self.consts.push(ConstDef {
                name: l.name.text.clone(),
                decl: Arc::new(l.clone()),
                file,
            });
        }
    }
}
