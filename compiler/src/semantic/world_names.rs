//! The names the world's passes resolve: units, enums and dimensions in
//! type positions, a base unit's dimension, a derived dimension's
//! definition, a boundary's stages. `World::build` and `World::resolve_type`
//! resolve them before any checker exists and, for a type, sometimes more
//! than once (a signature, then its body); this pass records each such name
//! once, by the world's own lookups, for every module of the analysis.

use super::declarations::walk_expr;
use super::Recorder;
use crate::source::FileId;
use crate::types::Location;
use crate::world::World;
use pcr_lang::ast::{self, Clause, ExprKind, Item, TypeExpr, TypeKind, UnitDefinition};

/// Record the world-resolved names of one module.
pub(super) fn record(world: &World, file: FileId, module: &ast::Module, out: &mut Recorder) {
    let mut names = WorldNames { world, file, out };
    for item in &module.items {
        names.item(item);
    }
}

struct WorldNames<'a> {
    world: &'a World,
    file: FileId,
    out: &'a mut Recorder,
}

impl WorldNames<'_> {
    fn name(&mut self, name: &ast::Name, target: Option<Location>) {
        if let Some(target) = target {
            self.out.record(self.file, name.span, target);
        }
    }

    /// A name in a type position, looked up as `World::resolve_type` does
    /// (an enum, else a unit); in a dimension's definition, a dimension.
    fn type_expr(&mut self, t: &TypeExpr, dimensions: bool) {
        match &t.kind {
            TypeKind::Named(n) => {
                let world = self.world;
                let target = if dimensions {
                    world.dimensions.get(&n.text).map(|d| d.loc)
                } else {
                    world
                        .enum_id(&n.text)
                        .and_then(|i| world.enums.get(i))
                        .map(|e| e.loc)
                        .or_else(|| world.units.get(&n.text).map(|u| u.loc))
                };
                self.name(n, target);
            }
            TypeKind::Mul(a, b) | TypeKind::Div(a, b) => {
                self.type_expr(a, dimensions);
                self.type_expr(b, dimensions);
            }
            TypeKind::Pow(a, _) => self.type_expr(a, dimensions),
            TypeKind::List(fields) => {
                for f in fields {
                    self.type_expr(&f.ty, dimensions);
                }
            }
            TypeKind::Number(_) | TypeKind::Error => {}
        }
    }

    /// Units in a derived unit's definition (`unit t = 1000 kg`), which
    /// the world evaluates without a checker.
    fn unit_expr(&mut self, e: &ast::Expr) {
        let world = self.world;
        let mut found = Vec::new();
        walk_expr(e, &mut |e| match &e.kind {
            ExprKind::Quantity { unit: n, .. } | ExprKind::Name(n) => {
                if let Some(u) = world.units.get(&n.text) {
                    found.push((n.span, u.loc));
                }
            }
            _ => {}
        });
        for (span, target) in found {
            self.out.record(self.file, span, target);
        }
    }

    fn function(&mut self, f: &ast::FnDecl) {
        for p in &f.params {
            self.type_expr(&p.ty, false);
        }
        if let Some(r) = &f.ret {
            self.type_expr(r, false);
        }
    }

    /// A table's value type: units in a single type or a record's fields.
    fn table(&mut self, t: &ast::TableDecl) {
        match &t.value {
            ast::TableValueType::Single(ty) => self.type_expr(ty, false),
            ast::TableValueType::Record(fields, _) => {
                for f in fields {
                    self.type_expr(&f.ty, false);
                }
            }
        }
    }

    fn item(&mut self, item: &Item) {
        match item {
            Item::Dimension(d) => {
                if let Some(t) = &d.definition {
                    self.type_expr(t, true);
                }
            }
            Item::Unit(u) => match &u.definition {
                UnitDefinition::Base(n) => {
                    let target = self.world.dimensions.get(&n.text).map(|d| d.loc);
                    self.name(n, target);
                }
                UnitDefinition::Derived(e) => self.unit_expr(e),
            },
            Item::Boundary(b) => {
                for s in &b.stages {
                    let target = self.world.stages.get(&s.text).map(|d| d.loc);
                    self.name(s, target);
                }
            }
            Item::Fn(f) => self.function(f),
            Item::Table(t) => self.table(t),
            Item::Let(l) => {
                if let Some(t) = &l.ty {
                    self.type_expr(t, false);
                }
            }
            Item::Rule(r) => {
                for c in &r.clauses {
                    match c {
                        Clause::Input(i) => self.type_expr(&i.ty, false),
                        Clause::Factor(f) => self.type_expr(&f.ty, false),
                        Clause::Let(l) => {
                            if let Some(t) = &l.ty {
                                self.type_expr(t, false);
                            }
                        }
                        Clause::Fn(f) => self.function(f),
                        Clause::Table(t) => self.table(t),
                        _ => {}
                    }
                }
            }
            Item::Import(_)
            | Item::GwpSet(_)
            | Item::Stage(_)
            | Item::Category(_)
            | Item::Enum(_)
            | Item::Error(_) => {}
        }
    }
}
