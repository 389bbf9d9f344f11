//! Lazily typed definitions: a rule's `let`s and the top-level constants,
//! typed on first use with an explicit stack; a cycle among them is E0103.

use super::free_names::names_used;
use super::{Checker, RuleLet, RuleName, Slot};
use crate::diagnostic::Code;
use crate::types::Type;
use crate::world::WorldValue;
use pcr_lang::Span;

impl Checker<'_, '_> {
    pub fn let_typed(&self, index: usize) -> bool {
        self.rule
            .as_ref()
            .and_then(|r| r.lets.get(index))
            .is_some_and(|l| matches!(l.slot, Slot::Done(_)))
    }

    pub fn let_type(&mut self, index: usize, use_span: Span) -> Type {
        let Some(slot) = self.rule.as_ref().and_then(|r| r.lets.get(index)) else {
            return Type::Error;
        };
        match &slot.slot {
            Slot::Done(t) => return slot.declared.clone().unwrap_or_else(|| t.ty.clone()),
            Slot::Visiting => {
                self.let_cycle(index, use_span);
                return Type::Error;
            }
            Slot::Pending => {}
        }
        if self.helper.is_some() {
            // A helper thread types one `let`; a use of another it has not
            // typed stops it (see `rule/values/`).
            self.set_let_slot(index, Slot::Visiting);
            self.let_path.push(index);
            self.type_let_value(index);
            self.let_path.pop();
        } else {
            self.type_lets_from(index);
        }
        match self.rule.as_ref().and_then(|r| r.lets.get(index)) {
            Some(RuleLet {
                slot: Slot::Done(t),
                declared,
                ..
            }) => declared.clone().unwrap_or_else(|| t.ty.clone()),
            _ => Type::Error,
        }
    }

    pub(super) fn set_let_slot(&mut self, index: usize, slot: Slot) {
        if let Some(l) = self.rule.as_mut().and_then(|r| r.lets.get_mut(index)) {
            l.slot = slot;
        }
    }

    pub(super) fn let_pending(&self, index: usize) -> bool {
        self.rule
            .as_ref()
            .and_then(|r| r.lets.get(index))
            .is_some_and(|l| matches!(l.slot, Slot::Pending))
    }

    /// Type `root` and the `let`s it depends on, dependencies first, with an
    /// explicit stack: a chain or cycle of 100,000 `let`s needs no deeper
    /// native stack than one `let`. Each `let` on the stack is `Visiting`, so
    /// a use of it while typing one it depends on closes a cycle (E0103).
    pub(super) fn type_lets_from(&mut self, root: usize) {
        let mut stack: Vec<(usize, Vec<usize>, usize)> = Vec::new();
        self.set_let_slot(root, Slot::Visiting);
        self.let_path.push(root);
        stack.push((root, self.let_dependencies(root), 0));
        while let Some((_, deps, next)) = stack.last_mut() {
            if let Some(dep) = deps.get(*next).copied() {
                *next += 1;
                if self.let_pending(dep) {
                    self.set_let_slot(dep, Slot::Visiting);
                    self.let_path.push(dep);
                    let deps = self.let_dependencies(dep);
                    stack.push((dep, deps, 0));
                }
                continue;
            }
            if let Some((index, _, _)) = stack.pop() {
                self.type_let_value(index);
                self.let_path.pop();
            }
        }
    }

    /// The rule `let`s that `let` number `index` names, in order of use (a
    /// name bound by an enclosing `sum` is not a `let`).
    pub(super) fn let_dependencies(&self, index: usize) -> Vec<usize> {
        let Some(rule) = self.rule.as_ref() else {
            return Vec::new();
        };
        let Some(l) = rule.lets.get(index) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let mut bound: Vec<&str> = Vec::new();
        names_used(&l.decl.value, &mut bound, &mut |name| {
            if let Some((RuleName::Let(i), _)) = rule.names.get(name) {
                out.push(*i);
            }
        });
        out
    }

    /// E0103: a use of a `let` being typed; names the cycle (its first few
    /// members when it is long).
    pub(super) fn let_cycle(&mut self, index: usize, use_span: Span) {
        const SHOWN: usize = 6;
        let name_of = |c: &Self, i: usize| {
            c.rule
                .as_ref()
                .and_then(|r| r.lets.get(i))
                .map(|l| l.decl.name.text.clone())
                .unwrap_or_default()
        };
        let name = name_of(self, index);
        let start = self.let_path.iter().rposition(|&i| i == index);
        let mut d = self
            .error(
                Code::CyclicDefinition,
                use_span,
                format!("`{name}` is defined in terms of itself"),
                "cyclic reference",
            )
            .with_note(
                "`let` definitions may refer to each other in any order, but not in a cycle",
            );
        if let Some(start) = start {
            let members = &self.let_path[start..];
            if members.len() > 1 {
                let mut chain: Vec<String> = members
                    .iter()
                    .take(SHOWN)
                    .map(|&i| format!("`{}`", name_of(self, i)))
                    .collect();
                if members.len() > SHOWN {
                    chain.push(format!("… ({} `let`s in all)", members.len()));
                }
                chain.push(format!("`{name}`"));
                d = d.with_note(format!("the cycle: {}", chain.join(" → ")));
            }
        }
        self.push(d);
    }

    /// Type the value of `let` number `index` (marked `Visiting`), whose
    /// dependencies are typed or being typed.
    pub(super) fn type_let_value(&mut self, index: usize) {
        let Some((decl, declared)) = self
            .rule
            .as_ref()
            .and_then(|r| r.lets.get(index))
            .map(|l| (l.decl, l.declared.clone()))
        else {
            return;
        };
        let saved_locals = std::mem::take(&mut self.locals);
        let value = self.expr_with(&decl.value, declared.as_ref());
        self.locals = saved_locals;
        if let (Some(declared), Some(ty)) = (&declared, &decl.ty) {
            let unit = self
                .world
                .resolve_type(ty, self.file, &mut Vec::new())
                .1
                .map(|u| u.1);
            self.expect_type(
                &value,
                declared,
                unit.as_deref(),
                format_args!("`{}`", decl.name.text),
            );
        }
        self.set_let_slot(index, Slot::Done(value));
    }

    /// The type of a top-level constant, checking it on first use.
    pub fn const_type(&mut self, index: usize, use_span: Span) -> Type {
        let state = match self.globals.consts.borrow().get(index) {
            Some(Slot::Done(t)) => return t.ty.clone(),
            Some(Slot::Visiting) => Slot::Visiting,
            Some(Slot::Pending) => Slot::Pending,
            None => return Type::Error,
        };
        if let Slot::Visiting = state {
            let d = self.error(
                Code::CyclicDefinition,
                use_span,
                "this constant is defined in terms of itself",
                "cyclic reference",
            );
            self.push(d);
            return Type::Error;
        }
        self.type_consts_from(index);
        match self.globals.consts.borrow().get(index) {
            Some(Slot::Done(t)) => t.ty.clone(),
            _ => Type::Error,
        }
    }

    pub(super) fn set_const_slot(&self, index: usize, slot: Slot) {
        if let Some(s) = self.globals.consts.borrow_mut().get_mut(index) {
            *s = slot;
        }
    }

    /// As [`Checker::type_lets_from`], for top-level constants.
    pub(super) fn type_consts_from(&mut self, root: usize) {
        let deps_of = |c: &Self, index: usize| -> Vec<usize> {
            let Some(def) = c.world.consts.get(index) else {
                return Vec::new();
            };
            let mut out = Vec::new();
            names_used(&def.decl.value, &mut Vec::new(), &mut |name| {
                if let Some((WorldValue::Const(i), _)) = c.world.values.get(name) {
                    out.push(*i);
                }
            });
            out
        };
        let pending =
            |c: &Self, i: usize| matches!(c.globals.consts.borrow().get(i), Some(Slot::Pending));
        let mut stack: Vec<(usize, Vec<usize>, usize)> = Vec::new();
        self.set_const_slot(root, Slot::Visiting);
        stack.push((root, deps_of(self, root), 0));
        while let Some((_, deps, next)) = stack.last_mut() {
            if let Some(dep) = deps.get(*next).copied() {
                *next += 1;
                if pending(self, dep) {
                    self.set_const_slot(dep, Slot::Visiting);
                    let deps = deps_of(self, dep);
                    stack.push((dep, deps, 0));
                }
                continue;
            }
            if let Some((index, _, _)) = stack.pop() {
                self.type_const_value(index);
            }
        }
    }

    /// Type top-level constant number `index` (marked `Visiting`).
    pub(super) fn type_const_value(&mut self, index: usize) {
        let Some(def) = self.world.consts.get(index) else {
            return;
        };
        let saved_file = std::mem::replace(&mut self.file, def.file);
        let saved_locals = std::mem::take(&mut self.locals);
        let saved_rule = self.rule.take();
        let declared = def
            .decl
            .ty
            .as_ref()
            .map(|t| self.world.resolve_type(t, def.file, &mut self.diags));
        let value = self.expr_with(&def.decl.value, declared.as_ref().map(|d| &d.0));
        if let Some((ty, unit)) = &declared {
            self.expect_type(
                &value,
                ty,
                unit.as_ref().map(|u| u.1.as_str()),
                format_args!("`{}`", def.name),
            );
        }
        self.rule = saved_rule;
        self.locals = saved_locals;
        self.file = saved_file;
        let ty = declared.map(|d| d.0).unwrap_or_else(|| value.ty.clone());
        let mut stored = value;
        stored.ty = ty;
        self.set_const_slot(index, Slot::Done(stored));
    }
}
