//! The world of declarations a rule sees: the prelude's and imported modules'
//! dimensions, units, GWP sets, stages, boundaries, categories, enums,
//! functions and constants. Units and GWP values are evaluated exactly here.
//!
//! [`World::build`] runs the passes, one file each, in this order (each
//! uses only this file): `declarations` (collecting declarations, one
//! method per kind), `dimensions`, `units`, `gwp` (GWP sets and the
//! boundaries' stages). `types` resolves type expressions for the checker.

use crate::diagnostic::Diagnostic;
use crate::dimension::{format_product, BaseId, Dimension};
use crate::rational::Rational;
use crate::source::FileId;
use crate::types::Location;
use crate::FastMap;
use pcr_lang::ast::{self, Labels};
use pcr_lang::Span;
use std::sync::Arc;

mod declarations;
mod dimensions;
mod gwp;
mod types;
mod units;

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

/// A top-level table; checked by the program checker.
#[derive(Debug, Clone)]
pub struct TableDef {
    pub name: String,
    pub decl: Arc<ast::TableDecl>,
    pub file: FileId,
}

/// What a name in the world's value namespace is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorldValue {
    Unit,
    Const(usize),
    Fn(usize),
    Enum(usize),
    Table(usize),
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
    pub tables: Vec<TableDef>,
    /// The value namespace: units, constants, functions, enums, tables.
    pub values: FastMap<String, (WorldValue, Location)>,
    /// Files of the embedded prelude (declarations there may not be shadowed).
    pub prelude_files: Vec<FileId>,
    /// The base dimension of each name that a function uses as a dimension
    /// parameter (`D` of `fn share<D>(…)`), one per name: inside a body it is
    /// a dimension of its own, and each call fixes it anew.
    pub dimension_params: FastMap<String, crate::dimension::BaseId>,
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
        world.declare_dimension_params(modules);
        world.resolve_dimensions(&builder, diags);
        world.resolve_units(&builder, diags);
        world.resolve_gwp_sets(&builder, diags);
        world.check_boundaries(&builder, diags);
        world
    }
}

impl World {
    /// One base dimension per name written as a dimension parameter of a
    /// function, at top level or in a rule (after every declared base, so
    /// the declared ones keep their indexes).
    fn declare_dimension_params(&mut self, modules: &[ModuleInput<'_>]) {
        for m in modules {
            for item in &m.module.items {
                let fns: Vec<&ast::FnDecl> = match item {
                    ast::Item::Fn(f) => vec![f],
                    ast::Item::Rule(r) => r
                        .clauses
                        .iter()
                        .filter_map(|c| match c {
                            ast::Clause::Fn(f) => Some(f),
                            _ => None,
                        })
                        .collect(),
                    _ => Vec::new(),
                };
                for name in fns.iter().flat_map(|f| &f.dimensions) {
                    if self.dimension_params.contains_key(&name.text) {
                        continue;
                    }
                    self.bases.push(BaseDimension {
                        name: name.text.clone(),
                        unit: None,
                    });
                    let id = (self.bases.len() - 1) as crate::dimension::BaseId;
                    self.dimension_params.insert(name.text.clone(), id);
                }
            }
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
