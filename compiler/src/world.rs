//! The world of declarations a rule sees: the prelude's and imported modules'
//! dimensions, units, GWP sets, stages, boundaries, categories, enums,
//! functions and constants. Units and GWP values are evaluated exactly here.

use crate::diagnostic::Diagnostic;
use crate::dimension::{format_product, BaseId, Dimension};
use crate::rational::Rational;
use crate::source::FileId;
use crate::suggest::closest;
use crate::types::{Location, Type};
use crate::FastMap;
use pcr_lang::ast::{self, BinOp, ExprKind, Labels, TypeKind, UnOp};
use pcr_lang::Span;
use std::collections::HashMap;
use std::sync::Arc;

/// Looks up a unit's exact factor and dimension while units are being resolved.
type UnitLookup<'a> =
    dyn FnMut(&mut World, &ast::Name, &mut Vec<Diagnostic>) -> Option<(Rational, Dimension)> + 'a;

#[derive(Debug, Clone)]
pub struct BaseDimension {
    pub name: String,
    /// The canonical unit of this base dimension (its `unit X: Dim` declaration).
    pub unit: Option<String>,
}

#[derive(Debug, Clone)]
pub struct DimensionDef {
    pub name: String,
    pub dim: Dimension,
    pub base: bool,
    pub loc: Location,
    pub doc: Option<String>,
}

#[derive(Debug, Clone)]
pub struct UnitDef {
    pub name: String,
    pub dim: Dimension,
    /// Exact factor to the canonical unit of `dim`.
    pub factor: Rational,
    pub zh: Option<String>,
    pub en: Option<String>,
    pub loc: Location,
    pub doc: Option<String>,
}

#[derive(Debug, Clone)]
pub struct GwpValue {
    pub gas: String,
    /// kgCO2e per kg of gas, exactly as transcribed.
    pub value: Rational,
    pub dim: Dimension,
    pub source: Option<String>,
    pub loc: Location,
}

#[derive(Debug, Clone)]
pub struct GwpSetDef {
    pub name: String,
    pub source: Option<String>,
    pub values: Vec<GwpValue>,
    pub loc: Location,
    pub doc: Option<String>,
}

#[derive(Debug, Clone)]
pub struct StageDef {
    pub name: String,
    pub zh: Option<String>,
    pub en: Option<String>,
    pub separate: bool,
    pub loc: Location,
    pub doc: Option<String>,
}

#[derive(Debug, Clone)]
pub struct BoundaryDef {
    pub name: String,
    pub stages: Vec<String>,
    pub zh: Option<String>,
    pub en: Option<String>,
    pub loc: Location,
    pub doc: Option<String>,
}

#[derive(Debug, Clone)]
pub struct CategoryDef {
    pub name: String,
    pub zh: Option<String>,
    pub en: Option<String>,
    pub loc: Location,
    pub doc: Option<String>,
}

#[derive(Debug, Clone)]
pub struct VariantDef {
    pub name: String,
    pub zh: Option<String>,
    pub en: Option<String>,
    pub loc: Location,
}

#[derive(Debug, Clone)]
pub struct EnumDef {
    pub name: String,
    pub variants: Vec<VariantDef>,
    pub loc: Location,
    pub doc: Option<String>,
}

impl EnumDef {
    pub fn variant(&self, name: &str) -> Option<usize> {
        self.variants.iter().position(|v| v.name == name)
    }
}

/// A top-level function; its body is checked by the program checker.
#[derive(Debug, Clone)]
pub struct FnDef {
    pub name: String,
    pub decl: Arc<ast::FnDecl>,
    pub file: FileId,
}

/// A top-level `let` constant.
#[derive(Debug, Clone)]
pub struct ConstDef {
    pub name: String,
    pub decl: Arc<ast::LetDecl>,
    pub file: FileId,
}

/// What a name in the world's value namespace is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorldValue {
    Unit,
    Const(usize),
    Fn(usize),
    Enum(usize),
}

#[derive(Debug, Default)]
pub struct World {
    pub bases: Vec<BaseDimension>,
    pub dimensions: FastMap<String, DimensionDef>,
    pub units: FastMap<String, UnitDef>,
    pub gwp_sets: FastMap<String, GwpSetDef>,
    pub stages: FastMap<String, StageDef>,
    /// Stage names in declaration order.
    pub stage_order: Vec<String>,
    pub boundaries: FastMap<String, BoundaryDef>,
    pub categories: FastMap<String, CategoryDef>,
    pub enums: Vec<EnumDef>,
    pub fns: Vec<FnDef>,
    pub consts: Vec<ConstDef>,
    /// The value namespace: units, constants, functions, enums.
    pub values: FastMap<String, (WorldValue, Location)>,
    /// Files of the embedded prelude (declarations there may not be shadowed).
    pub prelude_files: Vec<FileId>,
}

/// A parsed module handed to the world builder.
pub struct ModuleInput<'a> {
    pub file: FileId,
    pub module: &'a ast::Module,
}

fn labels(l: &Labels) -> (Option<String>, Option<String>) {
    (
        l.zh.as_ref().map(|s| s.value.clone()),
        l.en.as_ref().map(|s| s.value.clone()),
    )
}

#[derive(Clone, Copy, PartialEq)]
enum State {
    Pending,
    Visiting,
    Done,
}

impl World {
    pub fn is_prelude(&self, file: FileId) -> bool {
        self.prelude_files.contains(&file)
    }

    pub fn base_id(&self, name: &str) -> Option<BaseId> {
        self.bases
            .iter()
            .position(|b| b.name == name)
            .map(|i| i as BaseId)
    }

    pub fn enum_id(&self, name: &str) -> Option<usize> {
        match self.values.get(name) {
            Some((WorldValue::Enum(i), _)) => Some(*i),
            _ => None,
        }
    }

    /// A dimension in the prelude's words: `CO2e/Mass`, `Energy`.
    pub fn dimension_name(&self, dim: &Dimension) -> String {
        if dim.is_none() {
            return "ratio".to_string();
        }
        if let Some(base) = dim.single_base() {
            return self.base_name(base);
        }
        let mut named: Vec<&DimensionDef> = self.dimensions.values().filter(|d| !d.base).collect();
        named.sort_by(|a, b| a.name.cmp(&b.name));
        if let Some(d) = named.iter().find(|d| &d.dim == dim) {
            return d.name.clone();
        }
        // X / Named, where X is a base or named dimension: `CO2e/Energy`.
        for d in &named {
            let Some(top) = dim.mul(&d.dim) else {
                continue;
            };
            if let Some(t) = named.iter().find(|n| n.dim == top) {
                return format!("{}/{}", t.name, d.name);
            }
            if let Some(base) = top.single_base() {
                return format!("{}/{}", self.base_name(base), d.name);
            }
        }
        let atoms: Vec<(String, Rational)> =
            dim.factors().map(|(b, e)| (self.base_name(b), e)).collect();
        format_product(&atoms, "·")
    }

    fn base_name(&self, id: BaseId) -> String {
        self.bases
            .get(id as usize)
            .map(|b| b.name.clone())
            .unwrap_or_else(|| "?".to_string())
    }

    /// The canonical unit of a dimension, written with base units: `kgCO2e/kg`.
    pub fn canonical_unit(&self, dim: &Dimension) -> String {
        if dim.is_none() {
            return "1".to_string();
        }
        let mut named: Vec<&UnitDef> = self
            .units
            .values()
            .filter(|u| &u.dim == dim && u.factor == Rational::ONE)
            .collect();
        named.sort_by(|a, b| a.name.len().cmp(&b.name.len()).then(a.name.cmp(&b.name)));
        if let Some(u) = named.first() {
            return u.name.clone();
        }
        // `kgCO2/J`: a canonical unit over another canonical unit.
        let mut canonical: Vec<&UnitDef> = self
            .units
            .values()
            .filter(|u| u.factor == Rational::ONE && !u.dim.is_none())
            .collect();
        canonical.sort_by(|a, b| a.name.len().cmp(&b.name.len()).then(a.name.cmp(&b.name)));
        for below in &canonical {
            let Some(top) = dim.mul(&below.dim) else {
                continue;
            };
            if let Some(above) = canonical.iter().find(|u| u.dim == top) {
                return format!("{}/{}", above.name, below.name);
            }
        }
        let atoms: Vec<(String, Rational)> = dim
            .factors()
            .map(|(b, e)| {
                let base = self.bases.get(b as usize);
                let name = base
                    .and_then(|b| b.unit.clone())
                    .unwrap_or_else(|| self.base_name(b));
                (name, e)
            })
            .collect();
        format_product(&atoms, "*")
    }

    /// The gas a GWP entry characterises: `CH4_fossil` → `CH4`.
    pub fn gwp_gas_base(&self, gas: &str) -> Option<BaseId> {
        self.base_id(gas).or_else(|| {
            let stem = gas.split('_').next()?;
            self.base_id(stem)
        })
    }

    pub fn co2e(&self) -> Option<BaseId> {
        self.base_id("CO2e")
    }

    /// Every name in the value namespace, for suggestions.
    pub fn value_names(&self) -> impl Iterator<Item = &str> {
        self.values.keys().map(String::as_str)
    }

    /// Build the world from the prelude's and the modules' declarations.
    pub fn build(
        modules: &[ModuleInput<'_>],
        prelude_files: Vec<FileId>,
        diags: &mut Vec<Diagnostic>,
    ) -> World {
        let mut world = World {
            prelude_files,
            ..World::default()
        };
        let mut builder = Builder::default();
        for m in modules {
            for item in &m.module.items {
                world.declare(m.file, item, &mut builder, diags);
            }
        }
        world.resolve_dimensions(&builder, diags);
        world.resolve_units(&builder, diags);
        world.resolve_gwp_sets(&builder, diags);
        world.check_boundaries(&builder, diags);
        world
    }

    fn clash(
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
            Diagnostic::error("E0102", file, name.span, message, "defined again here")
                .with_label(previous.file, previous.span, "first defined here")
                .with_help("choose another name"),
        );
    }

    fn declare_value(
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

    fn declare(
        &mut self,
        file: FileId,
        item: &ast::Item,
        builder: &mut Builder,
        diags: &mut Vec<Diagnostic>,
    ) {
        let at = |span: Span| Location { file, span };
        match item {
            ast::Item::Dimension(d) => {
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
            ast::Item::Unit(u) => {
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
            ast::Item::GwpSet(g) => {
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
            ast::Item::Stage(s) => {
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
            ast::Item::Boundary(b) => {
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
            ast::Item::Category(c) => {
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
            ast::Item::Enum(e) => {
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
            ast::Item::Fn(f) => {
                let id = self.fns.len();
                if self.declare_value(file, &f.name, WorldValue::Fn(id), diags) {
                    self.fns.push(FnDef {
                        name: f.name.text.clone(),
                        decl: Arc::new(f.clone()),
                        file,
                    });
                }
            }
            ast::Item::Let(l) => {
                let id = self.consts.len();
                if self.declare_value(file, &l.name, WorldValue::Const(id), diags) {
                    self.consts.push(ConstDef {
                        name: l.name.text.clone(),
                        decl: Arc::new(l.clone()),
                        file,
                    });
                }
            }
            ast::Item::Import(_) | ast::Item::Rule(_) | ast::Item::Error(_) => {}
        }
    }

    fn resolve_dimensions(&mut self, builder: &Builder, diags: &mut Vec<Diagnostic>) {
        let defs: HashMap<&str, (FileId, &Option<ast::TypeExpr>)> = builder
            .dimension_defs
            .iter()
            .map(|(n, f, d)| (n.as_str(), (*f, d)))
            .collect();
        let mut state: HashMap<String, State> = defs
            .keys()
            .map(|k| (k.to_string(), State::Pending))
            .collect();
        let names: Vec<String> = builder
            .dimension_defs
            .iter()
            .map(|(n, _, _)| n.clone())
            .collect();
        for name in names {
            self.dimension_of(&name, &defs, &mut state, diags);
        }
    }

    fn dimension_of(
        &mut self,
        name: &str,
        defs: &HashMap<&str, (FileId, &Option<ast::TypeExpr>)>,
        state: &mut HashMap<String, State>,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<Dimension> {
        match state.get(name) {
            None | Some(State::Done) => return self.dimensions.get(name).map(|d| d.dim.clone()),
            Some(State::Visiting) => return None,
            Some(State::Pending) => {}
        }
        state.insert(name.to_string(), State::Visiting);
        let (file, Some(expr)) = defs.get(name).copied()? else {
            return None;
        };
        let dim = self.dimension_expr(expr, file, defs, state, diags);
        state.insert(name.to_string(), State::Done);
        if let (Some(dim), Some(def)) = (&dim, self.dimensions.get_mut(name)) {
            def.dim = dim.clone();
        }
        dim
    }

    fn dimension_expr(
        &mut self,
        e: &ast::TypeExpr,
        file: FileId,
        defs: &HashMap<&str, (FileId, &Option<ast::TypeExpr>)>,
        state: &mut HashMap<String, State>,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<Dimension> {
        match &e.kind {
            TypeKind::Named(n) => {
                if state.get(&n.text) == Some(&State::Visiting) {
                    diags.push(Diagnostic::error(
                        "E0103",
                        file,
                        n.span,
                        format!("dimension `{}` is defined in terms of itself", n.text),
                        "cyclic reference",
                    ));
                    return None;
                }
                if !self.dimensions.contains_key(&n.text) {
                    let hint = closest(&n.text, self.dimensions.keys().map(String::as_str))
                        .map(str::to_string);
                    let mut d = Diagnostic::error(
                        "E0101",
                        file,
                        n.span,
                        format!("unknown dimension `{}`", n.text),
                        "not a dimension",
                    );
                    if let Some(h) = hint {
                        d = d.with_suggestion(&h);
                    }
                    diags.push(d);
                    return None;
                }
                self.dimension_of(&n.text, defs, state, diags)
            }
            TypeKind::Number(t) if t == "1" => Some(Dimension::none()),
            TypeKind::Mul(a, b) | TypeKind::Div(a, b) => {
                let x = self.dimension_expr(a, file, defs, state, diags)?;
                let y = self.dimension_expr(b, file, defs, state, diags)?;
                let product = if matches!(e.kind, TypeKind::Mul(..)) {
                    x.mul(&y)
                } else {
                    x.div(&y)
                };
                reported(product, file, e.span, diags)
            }
            TypeKind::Pow(a, exp) => {
                let r = Rational::new(exp.num as i128, exp.den as i128)?;
                let x = self.dimension_expr(a, file, defs, state, diags)?;
                reported(x.pow(r), file, e.span, diags)
            }
            _ => {
                diags.push(Diagnostic::error(
                    "E0204",
                    file,
                    e.span,
                    "a dimension is a product of dimensions with exponents",
                    "not a dimension expression",
                ));
                None
            }
        }
    }

    fn resolve_units(&mut self, builder: &Builder, diags: &mut Vec<Diagnostic>) {
        let defs: HashMap<&str, (FileId, &ast::UnitDefinition)> = builder
            .unit_defs
            .iter()
            .map(|(n, f, d)| (n.as_str(), (*f, d)))
            .collect();
        let mut state: HashMap<String, State> = defs
            .keys()
            .map(|k| (k.to_string(), State::Pending))
            .collect();
        for (name, _, _) in &builder.unit_defs {
            self.unit_of(name, &defs, &mut state, diags);
        }
    }

    fn unit_of(
        &mut self,
        name: &str,
        defs: &HashMap<&str, (FileId, &ast::UnitDefinition)>,
        state: &mut HashMap<String, State>,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<(Rational, Dimension)> {
        match state.get(name) {
            None | Some(State::Done) => {
                return self.units.get(name).map(|u| (u.factor, u.dim.clone()))
            }
            Some(State::Visiting) => return None,
            Some(State::Pending) => {}
        }
        state.insert(name.to_string(), State::Visiting);
        let (file, def) = defs.get(name).copied()?;
        let value = match def {
            ast::UnitDefinition::Base(dim) => match self.dimensions.get(&dim.text) {
                Some(d) => {
                    let d = d.dim.clone();
                    if let Some(base) = d.single_base() {
                        let base = base as usize;
                        if let Some(b) = self.bases.get_mut(base) {
                            if b.unit.is_none() {
                                b.unit = Some(name.to_string());
                            }
                        }
                    }
                    Some((Rational::ONE, d))
                }
                None => {
                    let hint = closest(&dim.text, self.dimensions.keys().map(String::as_str))
                        .map(str::to_string);
                    let mut d = Diagnostic::error(
                        "E0101",
                        file,
                        dim.span,
                        format!("unknown dimension `{}`", dim.text),
                        "not a dimension",
                    );
                    if let Some(h) = hint {
                        d = d.with_suggestion(&h);
                    }
                    diags.push(d);
                    None
                }
            },
            ast::UnitDefinition::Derived(expr) => self.exact_reported(
                expr,
                file,
                &mut |w, n, diags| {
                    if state.get(&n.text) == Some(&State::Visiting) {
                        diags.push(Diagnostic::error(
                            "E0103",
                            file,
                            n.span,
                            format!("unit `{}` is defined in terms of itself", n.text),
                            "cyclic reference",
                        ));
                        return None;
                    }
                    w.unit_of(&n.text, defs, state, diags)
                },
                diags,
            ),
        };
        state.insert(name.to_string(), State::Done);
        if let (Some((factor, dim)), Some(u)) = (&value, self.units.get_mut(name)) {
            u.factor = *factor;
            u.dim = dim.clone();
        }
        value
    }

    /// [`World::exact`], and E0204 when it fails without saying why (a
    /// number, an exponent or a product beyond exact arithmetic, an unknown
    /// unit in a GWP value): a value is never silently left out.
    fn exact_reported(
        &mut self,
        e: &ast::Expr,
        file: FileId,
        unit: &mut UnitLookup<'_>,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<(Rational, Dimension)> {
        let before = diags.len();
        let value = self.exact(e, file, unit, diags);
        if value.is_none() && diags.len() == before {
            diags.push(Diagnostic::error(
                "E0204",
                file,
                e.span,
                "this value cannot be evaluated exactly: a number, an exponent or a product is out of range, or a unit is unknown",
                "not an exact value",
            ));
        }
        value
    }

    /// Evaluate a constant unit expression exactly: numbers, units, `* / ^`, `+ -` of like quantities.
    fn exact(
        &mut self,
        e: &ast::Expr,
        file: FileId,
        unit: &mut UnitLookup<'_>,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<(Rational, Dimension)> {
        let number = |n: &ast::NumberLit| -> Option<Rational> {
            let v = Rational::parse_decimal(&n.text)?;
            if n.percent {
                v.div(Rational::integer(100))
            } else {
                Some(v)
            }
        };
        match &e.kind {
            ExprKind::Number(n) => Some((number(n)?, Dimension::none())),
            ExprKind::Quantity {
                number: n,
                unit: u,
                power,
            } => {
                let v = number(n)?;
                let (f, d) = self.exact_unit(u, file, unit, diags)?;
                let (f, d) = match power {
                    Some(p) if p.den == 1 => (
                        f.pow(i32::try_from(p.num).ok()?)?,
                        reported(d.pow(Rational::integer(p.num)), file, e.span, diags)?,
                    ),
                    Some(_) => return self.inexact(e, file, diags),
                    None => (f, d),
                };
                Some((v.mul(f)?, d))
            }
            ExprKind::Name(n) => self.exact_unit(n, file, unit, diags),
            ExprKind::Paren(a) => self.exact(a, file, unit, diags),
            ExprKind::Unary(UnOp::Neg, a) => {
                self.exact(a, file, unit, diags).map(|(v, d)| (v.neg(), d))
            }
            ExprKind::Binary(op, a, b) => {
                let (x, dx) = self.exact(a, file, unit, diags)?;
                match op {
                    BinOp::Pow => {
                        let (p, dp) = self.exact(b, file, unit, diags)?;
                        if !dp.is_none() || !p.is_integer() {
                            return self.inexact(b, file, diags);
                        }
                        let p = i32::try_from(p.num()).ok()?;
                        let dp =
                            reported(dx.pow(Rational::integer(p as i64)), file, e.span, diags)?;
                        Some((x.pow(p)?, dp))
                    }
                    _ => {
                        let (y, dy) = self.exact(b, file, unit, diags)?;
                        match op {
                            BinOp::Mul => {
                                Some((x.mul(y)?, reported(dx.mul(&dy), file, e.span, diags)?))
                            }
                            BinOp::Div => {
                                Some((x.div(y)?, reported(dx.div(&dy), file, e.span, diags)?))
                            }
                            BinOp::Add | BinOp::Sub => {
                                if dx != dy {
                                    diags.push(Diagnostic::error(
                                        "E0201",
                                        file,
                                        e.span,
                                        format!(
                                            "cannot {} {} and {}",
                                            if *op == BinOp::Add { "add" } else { "subtract" },
                                            self.dimension_name(&dx),
                                            self.dimension_name(&dy)
                                        ),
                                        "incompatible dimensions",
                                    ));
                                    return None;
                                }
                                let v = if *op == BinOp::Add {
                                    x.add(y)?
                                } else {
                                    x.sub(y)?
                                };
                                Some((v, dx))
                            }
                            _ => self.inexact(e, file, diags),
                        }
                    }
                }
            }
            ExprKind::Error => None,
            _ => self.inexact(e, file, diags),
        }
    }

    fn exact_unit(
        &mut self,
        n: &ast::Name,
        file: FileId,
        unit: &mut UnitLookup<'_>,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<(Rational, Dimension)> {
        if !self.units.contains_key(&n.text) {
            let hint = closest(&n.text, self.units.keys().map(String::as_str)).map(str::to_string);
            let mut d = Diagnostic::error(
                "E0101",
                file,
                n.span,
                format!("unknown unit `{}`", n.text),
                "not a unit",
            );
            if let Some(h) = hint {
                d = d.with_suggestion(&h);
            }
            diags.push(d);
            return None;
        }
        unit(self, n, diags)
    }

    fn inexact(
        &self,
        e: &ast::Expr,
        file: FileId,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<(Rational, Dimension)> {
        diags.push(Diagnostic::error(
            "E0204",
            file,
            e.span,
            "a unit or GWP value must be an exact product of numbers and units",
            "not an exact unit expression",
        ));
        None
    }

    fn resolve_gwp_sets(&mut self, builder: &Builder, diags: &mut Vec<Diagnostic>) {
        let co2e = self.co2e();
        for (set, file, entries) in &builder.gwp_defs {
            let mut values: Vec<GwpValue> = Vec::new();
            for entry in entries {
                let Some((value, dim)) = self.exact_reported(
                    &entry.value,
                    *file,
                    &mut |w, n, _| w.units.get(&n.text).map(|u| (u.factor, u.dim.clone())),
                    diags,
                ) else {
                    continue;
                };
                let Some(gas) = self.gwp_gas_base(&entry.gas.text) else {
                    diags.push(Diagnostic::error(
                        "E0101",
                        *file,
                        entry.gas.span,
                        format!("unknown gas `{}`", entry.gas.text),
                        "no dimension of this name",
                    ).with_help("a GWP entry is named after a gas dimension, such as `CH4`, or `CH4_fossil`"));
                    continue;
                };
                let expected = co2e
                    .and_then(|c| Dimension::base(c).div(&Dimension::base(gas)))
                    .unwrap_or_default();
                if dim != expected {
                    diags.push(Diagnostic::error(
                        "E0203",
                        *file,
                        entry.value.span,
                        format!(
                            "the GWP of `{}` must be {}, found {}",
                            entry.gas.text,
                            self.dimension_name(&expected),
                            self.dimension_name(&dim)
                        ),
                        "wrong dimension",
                    ));
                    continue;
                }
                if values.iter().any(|v| v.gas == entry.gas.text) {
                    diags.push(Diagnostic::error(
                        "E0102",
                        *file,
                        entry.gas.span,
                        format!("`{}` is given twice in this set", entry.gas.text),
                        "again here",
                    ));
                    continue;
                }
                values.push(GwpValue {
                    gas: entry.gas.text.clone(),
                    value,
                    dim,
                    source: entry.source.as_ref().map(|s| s.value.clone()),
                    loc: Location {
                        file: *file,
                        span: entry.gas.span,
                    },
                });
            }
            if let Some(s) = self.gwp_sets.get_mut(set) {
                s.values = values;
            }
        }
    }

    fn check_boundaries(&self, builder: &Builder, diags: &mut Vec<Diagnostic>) {
        for (file, stages) in &builder.boundary_stage_refs {
            for stage in stages {
                if !self.stages.contains_key(&stage.text) {
                    let mut d = Diagnostic::error(
                        "E0101",
                        *file,
                        stage.span,
                        format!("unknown stage `{}`", stage.text),
                        "not a stage",
                    );
                    d = d.did_you_mean(&stage.text, self.stages.keys().map(String::as_str));
                    diags.push(d);
                }
            }
        }
    }

    /// The type of a type expression, with the unit's text and factor for quantities.
    pub fn resolve_type(
        &self,
        e: &ast::TypeExpr,
        file: FileId,
        diags: &mut Vec<Diagnostic>,
    ) -> (Type, Option<(Rational, String)>) {
        match &e.kind {
            TypeKind::Named(n) => match n.text.as_str() {
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
                    let mut d = Diagnostic::error(
                        "E0101",
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
            },
            TypeKind::Number(t) => match Rational::parse_decimal(t) {
                Some(r) => (Type::ratio(), Some((r, t.clone()))),
                None => (Type::Error, None),
            },
            TypeKind::Mul(a, b) | TypeKind::Div(a, b) => {
                let (ta, ua) = self.resolve_type(a, file, diags);
                let (tb, ub) = self.resolve_type(b, file, diags);
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
                        diags.push(Diagnostic::error(
                            "E0204",
                            file,
                            e.span,
                            "only units can be multiplied or divided in a type",
                            "not a unit expression",
                        ));
                        (Type::Error, None)
                    }
                }
            }
            TypeKind::Pow(a, exp) => {
                let (ta, ua) = self.resolve_type(a, file, diags);
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
                        diags.push(Diagnostic::error(
                            "E0204",
                            file,
                            e.span,
                            "only a unit can be raised to a power in a type",
                            "not a unit",
                        ));
                        (Type::Error, None)
                    }
                }
            }
            TypeKind::List(fields) => {
                let mut defs: Vec<crate::types::FieldDef> = Vec::new();
                for f in fields {
                    let (ty, unit) = self.resolve_type(&f.ty, file, diags);
                    if matches!(ty, Type::List(_)) {
                        diags.push(Diagnostic::error(
                            "E0204",
                            file,
                            f.ty.span,
                            "a list field cannot itself be a list",
                            "nested list",
                        ));
                    }
                    if defs.iter().any(|d| d.name == f.name.text) {
                        diags.push(Diagnostic::error(
                            "E0102",
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
                    });
                }
                (
                    Type::List(Arc::new(crate::types::RecordType { fields: defs })),
                    None,
                )
            }
            TypeKind::Error => (Type::Error, None),
        }
    }
}

/// A dimension, or E0204 reported at `span` when an exponent overflowed.
fn reported(
    dim: Option<Dimension>,
    file: FileId,
    span: Span,
    diags: &mut Vec<Diagnostic>,
) -> Option<Dimension> {
    if dim.is_none() {
        diags.push(crate::dimension::overflow(file, span));
    }
    dim
}

#[derive(Default)]
struct Builder {
    dimension_defs: Vec<(String, FileId, Option<ast::TypeExpr>)>,
    unit_defs: Vec<(String, FileId, ast::UnitDefinition)>,
    gwp_defs: Vec<(String, FileId, Vec<ast::GwpEntry>)>,
    boundary_stage_refs: Vec<(FileId, Vec<ast::Name>)>,
}
