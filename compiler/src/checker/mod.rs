//! The expression checker: names bound, every expression typed with a
//! dimension, errors reported once (an erroneous expression has the `Error`
//! type, which unifies with everything).
//!
//! One file per kind of expression; every one is a method of [`Checker`]
//! and calls back into [`Checker::expr`] for its parts (the recursion of the
//! grammar). Besides that, the files depend one way: `literals`,
//! `free_names` and `expectations` use only this file; `definitions` (lazily
//! typed `let`s and constants) uses `free_names`; the forms (`names`,
//! `arithmetic`, `calls`, `matching`) use `expectations` and `literals`;
//! `expressions` dispatches to them.

mod arithmetic;
mod calls;
mod definitions;
mod dimension_params;
mod expectations;
mod expressions;
mod free_names;
mod helper_thread;
mod literals;
mod matching;
mod names;
mod tables;

pub use helper_thread::HelperThread;
pub use literals::literal_value;

use crate::diagnostic::{Code, Diagnostic};
use crate::rational::Rational;
use crate::source::FileId;
use crate::types::{CheckedTable, Location, TExpr, TKind, Type};
use crate::world::World;
use crate::FastMap;
use pcr_lang::ast;
use pcr_lang::Span;
use std::sync::{Arc, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

/// A function's signature: parameter names and types, and the return type.
#[derive(Debug, Clone)]
pub struct FnSig {
    /// Dimension parameters (`D` of `fn share<D>(…)`) and their base
    /// dimensions, which each call replaces with its arguments' dimensions.
    pub dimensions: Vec<(String, crate::dimension::BaseId)>,
    pub params: Vec<(String, Type)>,
    pub ret: Option<Type>,
}

/// Lazily typed definitions (`let`s, constants): detects cycles.
#[derive(Debug, Clone)]
pub enum Slot {
    Pending,
    Visiting,
    Done(TExpr),
}

/// A cell that threads may share: the prelude's functions and constants are
/// typed lazily on one thread, then read by the threads that check a long
/// rule's emissions. (A poisoned lock only means another thread panicked;
/// the data is still what it wrote.)
#[derive(Debug, Default)]
pub struct Shared<T>(RwLock<T>);

impl<T> Shared<T> {
    pub fn new(value: T) -> Shared<T> {
        Shared(RwLock::new(value))
    }

    pub fn borrow(&self) -> RwLockReadGuard<'_, T> {
        self.0.read().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn borrow_mut(&self) -> RwLockWriteGuard<'_, T> {
        self.0.write().unwrap_or_else(PoisonError::into_inner)
    }
}

/// What the checker learnt of the prelude's and modules' functions and constants.
#[derive(Debug)]
pub struct Globals {
    pub fn_sigs: Vec<FnSig>,
    pub fn_bodies: Shared<Vec<Option<TExpr>>>,
    pub consts: Shared<Vec<Slot>>,
    /// The world's tables, checked (`None` where a table has errors).
    pub tables: Shared<Vec<Option<Arc<CheckedTable>>>>,
}

/// What a name in a rule's scope is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RuleName {
    Input(usize),
    Factor(usize),
    Let(usize),
    Fn(usize),
    Table(usize),
}

#[derive(Debug)]
pub struct RuleInput<'a> {
    pub decl: &'a ast::InputDecl,
    pub ty: Type,
    /// The declared unit's factor and text, shared by every name declared
    /// with the same type. Both threads of a long rule read it: borrow it
    /// (`as_deref`) rather than clone the `Arc`, whose count they would share.
    pub unit: Option<Arc<(Rational, String)>>,
}

#[derive(Debug)]
pub struct RuleFactor<'a> {
    pub decl: &'a ast::FactorDecl,
    pub ty: Type,
    /// As for [`RuleInput::unit`].
    pub unit: Option<Arc<(Rational, String)>>,
}

#[derive(Debug)]
pub struct RuleLet<'a> {
    pub decl: &'a ast::LetDecl,
    pub declared: Option<Type>,
    pub slot: Slot,
    pub used: bool,
}

#[derive(Debug)]
pub struct RuleFn<'a> {
    pub decl: &'a ast::FnDecl,
    pub sig: FnSig,
    pub body: Option<TExpr>,
}

/// The names a rule declares. Names, inputs and factors are fixed once
/// declared and shared with the thread that helps check a long rule; each
/// thread keeps its own used flags and `let` slots.
#[derive(Debug, Default)]
pub struct RuleScope<'a> {
    pub names: Arc<FastMap<&'a str, (RuleName, Span)>>,
    pub inputs: Arc<Vec<RuleInput<'a>>>,
    pub factors: Arc<Vec<RuleFactor<'a>>>,
    /// By input index: is it used.
    pub inputs_used: Vec<bool>,
    /// By factor index: is it used.
    pub factors_used: Vec<bool>,
    pub lets: Vec<RuleLet<'a>>,
    pub fns: Vec<RuleFn<'a>>,
    /// The rule's GWP set, for `gwp.X`.
    pub gwp: Option<String>,
    /// The rule's tables, checked (`None` where a table has errors).
    pub tables: Arc<Vec<Option<Arc<CheckedTable>>>>,
    /// The words written in the rule's parts that did not parse: a name
    /// among them may be declared or used there, so it is never reported
    /// as unknown or unused (no cascade after a syntax error).
    pub broken_words: Arc<FastMap<String, ()>>,
}

impl RuleScope<'_> {
    /// Whether `name` is written in a part of the rule that did not parse.
    pub fn in_broken_text(&self, name: &str) -> bool {
        self.broken_words.contains_key(name)
    }
}

/// A use of a name and where it was declared (go to definition, references).
#[derive(Debug, Clone, PartialEq)]
pub struct Reference {
    pub file: FileId,
    pub span: Span,
    pub target: Location,
}

#[derive(Debug, Clone)]
pub struct Local {
    pub name: String,
    pub ty: Type,
    pub loc: Location,
}

pub struct Checker<'w, 'a> {
    pub world: &'w World,
    pub globals: &'w Globals,
    pub file: FileId,
    /// The text of `file`, for suggested fixes.
    pub text: &'w str,
    pub diags: Vec<Diagnostic>,
    pub locals: Vec<Local>,
    pub rule: Option<RuleScope<'a>>,
    /// Record every expression's type (hover) and every use of a name (go to
    /// definition, rename); off in the command line.
    pub record: bool,
    pub types: Vec<(FileId, Span, Type)>,
    pub refs: Vec<Reference>,
    /// Set on a helper thread's checker (see [`HelperThread`]).
    pub helper: Option<HelperThread>,
    /// The rule `let`s being typed, outermost first: a use of one of them
    /// closes a cycle, named from this path.
    pub let_path: Vec<usize>,
}

impl<'w, 'a> Checker<'w, 'a> {
    pub fn new(world: &'w World, globals: &'w Globals, file: FileId, text: &'w str) -> Self {
        Checker {
            world,
            globals,
            file,
            text,
            diags: Vec::new(),
            locals: Vec::new(),
            rule: None,
            record: false,
            types: Vec::new(),
            refs: Vec::new(),
            helper: None,
            let_path: Vec::new(),
        }
    }

    pub fn error(
        &mut self,
        code: Code,
        span: Span,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic::new(code, self.file, span, message, label)
    }

    pub fn push(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    /// `CO2e/Energy · kgCO2e/J`-style description of a type.
    pub fn describe(&self, ty: &Type) -> String {
        match ty {
            Type::Quantity(d) => {
                let name = self.world.dimension_name(d);
                let unit = self.world.canonical_unit(d);
                if d.is_none() {
                    "ratio".to_string()
                } else if name == unit {
                    name
                } else {
                    format!("{name} ({unit})")
                }
            }
            Type::Bool => "bool".to_string(),
            Type::Text => "text".to_string(),
            Type::Enum(i) => self
                .world
                .enums
                .get(*i)
                .map(|e| format!("enum `{}`", e.name))
                .unwrap_or_default(),
            Type::List(_) => "a list".to_string(),
            Type::Record(_) => "a record".to_string(),
            Type::Error => "an erroneous value".to_string(),
        }
    }

    /// Note a use of a name (editors only: go to definition, rename).
    pub(crate) fn reference(&mut self, span: Span, target: Location) {
        if !self.record {
            return;
        }
        self.refs.push(Reference {
            file: self.file,
            span,
            target,
        });
    }

    fn done(&mut self, kind: TKind, ty: Type, span: Span) -> TExpr {
        if self.record {
            self.types.push((self.file, span, ty.clone()));
        }
        TExpr { kind, ty, span }
    }
}
