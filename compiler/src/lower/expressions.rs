//! Lowering of checked expressions: each expression form becomes plan
//! nodes, outside a `sum` or in its per-element body; `let`s and constants
//! are lowered once, functions are inlined.

use super::LowerError;
use crate::analysis::Analysis;
use crate::checked::CheckedRule;
use crate::types::{Builtin, FnRef, TExpr, TKind, Type};
use pcr_lang::ast::{BinOp, UnOp};
use pcr_plan::format as plan;
use std::collections::HashMap;

#[derive(Clone, Copy, Debug, PartialEq)]
enum NodeRef {
    Outer(usize),
    Body(usize),
}

/// A rule `let` or a top-level constant, lowered once to an outer node.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Named {
    Let(usize),
    Const(usize),
}

/// The `let`s and constants an expression names directly, in order.
fn named_in(e: &TExpr) -> Vec<Named> {
    fn walk(e: &TExpr, out: &mut Vec<Named>) {
        match &e.kind {
            TKind::Let(i) => out.push(Named::Let(*i)),
            TKind::GlobalConst(i) => out.push(Named::Const(*i)),
            _ => e.for_each_child(&mut |c| walk(c, out)),
        }
    }
    let mut out = Vec::new();
    walk(e, &mut out);
    out
}

#[derive(Clone, Copy, Debug)]
enum Binding {
    Value(NodeRef),
    Element,
}

pub(super) struct Lowerer<'a> {
    analysis: &'a Analysis,
    rule: &'a CheckedRule,
    pub(super) outer: Vec<plan::Node>,
    body: Option<Vec<plan::Node>>,
    /// Outer nodes already referenced from the current body.
    outer_in_body: HashMap<usize, usize>,
    lets: HashMap<usize, usize>,
    consts: HashMap<usize, usize>,
    consts_outer: HashMap<u64, usize>,
    depth: usize,
}

impl<'a> Lowerer<'a> {
    pub(super) fn new(analysis: &'a Analysis, rule: &'a CheckedRule) -> Self {
        Lowerer {
            analysis,
            rule,
            outer: Vec::new(),
            body: None,
            outer_in_body: HashMap::new(),
            lets: HashMap::new(),
            consts: HashMap::new(),
            consts_outer: HashMap::new(),
            depth: 0,
        }
    }

    fn err<T>(&self, e: &TExpr, message: impl Into<String>) -> Result<T, LowerError> {
        Err(LowerError {
            message: message.into(),
            span: e.span,
        })
    }

    fn emit_outer(&mut self, node: plan::Node) -> NodeRef {
        if let plan::Node::Const { value } = node {
            let key = value.to_bits();
            if let Some(i) = self.consts_outer.get(&key) {
                return NodeRef::Outer(*i);
            }
            self.outer.push(node);
            self.consts_outer.insert(key, self.outer.len() - 1);
            return NodeRef::Outer(self.outer.len() - 1);
        }
        self.outer.push(node);
        NodeRef::Outer(self.outer.len() - 1)
    }

    fn emit_body(&mut self, node: plan::Node) -> NodeRef {
        NodeRef::Body(self.push_body(node))
    }

    fn push_body(&mut self, node: plan::Node) -> usize {
        let body = self.body.get_or_insert_with(Vec::new);
        body.push(node);
        body.len() - 1
    }

    /// An index usable in the list where a node combining `refs` goes.
    fn place(&mut self, r: NodeRef, in_body: bool) -> usize {
        match (r, in_body) {
            (NodeRef::Outer(i), false) | (NodeRef::Body(i), true) => i,
            (NodeRef::Outer(i), true) => {
                if let Some(j) = self.outer_in_body.get(&i) {
                    return *j;
                }
                let j = self.push_body(plan::Node::Outer { node: i });
                self.outer_in_body.insert(i, j);
                j
            }
            (NodeRef::Body(i), false) => i,
        }
    }

    fn combine(&mut self, refs: &[NodeRef], make: impl FnOnce(&[usize]) -> plan::Node) -> NodeRef {
        let in_body = refs.iter().any(|r| matches!(r, NodeRef::Body(_)));
        let idx: Vec<usize> = refs.iter().map(|r| self.place(*r, in_body)).collect();
        let node = make(&idx);
        if in_body {
            self.emit_body(node)
        } else {
            self.emit_outer(node)
        }
    }

    fn lower(&mut self, e: &TExpr, env: &[Binding]) -> Result<NodeRef, LowerError> {
        match &e.kind {
            TKind::Const(v) => Ok(self.emit_outer(plan::Node::Const { value: *v })),
            TKind::Bool(b) => Ok(self.emit_outer(plan::Node::Const {
                value: if *b { 1.0 } else { 0.0 },
            })),
            TKind::Variant(_, v) => Ok(self.emit_outer(plan::Node::EnumConst { variant: *v })),
            TKind::Text(_) => self.err(e, "text cannot be computed with"),
            TKind::Input(i) => self.lower_input(e, *i),
            TKind::Factor(i) => Ok(self.emit_outer(plan::Node::Factor { factor: *i })),
            TKind::Let(i) => Ok(NodeRef::Outer(self.lower_named(Named::Let(*i), e)?)),
            TKind::GlobalConst(i) => Ok(NodeRef::Outer(self.lower_named(Named::Const(*i), e)?)),
            TKind::Local(i) => self.lower_local(e, *i, env),
            TKind::Field(base, field) => self.lower_field(e, base, *field, env),
            TKind::Row(table, key) => {
                if matches!(table.value, Type::Record(_)) {
                    return self.err(
                        e,
                        "a row of records is read one field at a time: `table[key].field`",
                    );
                }
                self.lower_lookup(table.column(0), key, env)
            }
            TKind::Unary(op, a) => self.lower_unary(*op, a, env),
            TKind::Binary(op, ab) => self.lower_binary(e, *op, &ab.0, &ab.1, env),
            TKind::Pow(a, p) => self.lower_pow(a, *p, env),
            TKind::If(c, a, b) => self.lower_if(c, a, b, env),
            TKind::Match(s, arms) => self.lower_match(s, arms, env),
            TKind::Sum(list, body) => self.lower_sum(e, list, body, env),
            TKind::Builtin(b, args) => self.lower_builtin(*b, args, env),
            TKind::Call(f, args) => self.lower_call(e, f, args, env),
            TKind::List(_) | TKind::Record(_) => {
                self.err(e, "list literals are only values of `given`")
            }
            TKind::Error => self.err(e, "this expression has errors"),
        }
    }

    /// A scalar input of the rule (a list input is only summed over).
    fn lower_input(&mut self, e: &TExpr, input: usize) -> Result<NodeRef, LowerError> {
        if matches!(
            self.rule.inputs.get(input).map(|x| &x.ty),
            Some(Type::List(_))
        ) {
            return self.err(e, "a list input can only be summed over with `sum`");
        }
        Ok(self.emit_outer(plan::Node::Input { input }))
    }

    /// A function parameter, bound to its argument's node.
    fn lower_local(&mut self, e: &TExpr, i: usize, env: &[Binding]) -> Result<NodeRef, LowerError> {
        match env.get(i) {
            Some(Binding::Value(r)) => Ok(*r),
            Some(Binding::Element) => self.err(e, "a list element is used only through its fields"),
            None => self.err(e, "internal: unbound local"),
        }
    }

    /// A field of the element of a `sum`.
    fn lower_field(
        &mut self,
        e: &TExpr,
        base: &TExpr,
        field: usize,
        env: &[Binding],
    ) -> Result<NodeRef, LowerError> {
        match &base.kind {
            TKind::Local(i) if matches!(env.get(*i), Some(Binding::Element)) => {
                Ok(self.emit_body(plan::Node::Field { field }))
            }
            TKind::Row(table, key) => self.lower_lookup(table.column(field), key, env),
            _ => self.err(
                e,
                "fields are read from the element of a `sum` or a table's row",
            ),
        }
    }

    /// A table's column read by the variant `key` gives: one `lookup` node
    /// (never a `match` per field).
    fn lower_lookup(
        &mut self,
        values: Vec<f64>,
        key: &TExpr,
        env: &[Binding],
    ) -> Result<NodeRef, LowerError> {
        let k = self.lower(key, env)?;
        Ok(self.combine(&[k], |x| plan::Node::Lookup { key: x[0], values }))
    }

    fn lower_unary(&mut self, op: UnOp, a: &TExpr, env: &[Binding]) -> Result<NodeRef, LowerError> {
        let a = self.lower(a, env)?;
        Ok(match op {
            UnOp::Neg => self.combine(&[a], |x| plan::Node::Neg { a: x[0] }),
            UnOp::Not => self.combine(&[a], |x| plan::Node::Not { a: x[0] }),
        })
    }

    fn lower_binary(
        &mut self,
        e: &TExpr,
        op: BinOp,
        a: &TExpr,
        b: &TExpr,
        env: &[Binding],
    ) -> Result<NodeRef, LowerError> {
        let make: fn(usize, usize) -> plan::Node = match op {
            BinOp::Add => |a, b| plan::Node::Add { a, b },
            BinOp::Sub => |a, b| plan::Node::Sub { a, b },
            BinOp::Mul => |a, b| plan::Node::Mul { a, b },
            BinOp::Div => |a, b| plan::Node::Div { a, b },
            BinOp::Lt => |a, b| plan::Node::Lt { a, b },
            BinOp::Le => |a, b| plan::Node::Le { a, b },
            BinOp::Gt => |a, b| plan::Node::Gt { a, b },
            BinOp::Ge => |a, b| plan::Node::Ge { a, b },
            BinOp::Eq => |a, b| plan::Node::Eq { a, b },
            BinOp::Ne => |a, b| plan::Node::Ne { a, b },
            BinOp::And => |a, b| plan::Node::And { a, b },
            BinOp::Or => |a, b| plan::Node::Or { a, b },
            // The checker types `^` as `TKind::Pow`, with its literal exponent.
            BinOp::Pow => return self.err(e, "internal: a power without its literal exponent"),
        };
        let a = self.lower(a, env)?;
        let b = self.lower(b, env)?;
        Ok(self.combine(&[a, b], |x| make(x[0], x[1])))
    }

    /// A power with its literal exponent.
    fn lower_pow(
        &mut self,
        a: &TExpr,
        exponent: f64,
        env: &[Binding],
    ) -> Result<NodeRef, LowerError> {
        let a = self.lower(a, env)?;
        Ok(self.combine(&[a], |x| plan::Node::Pow {
            base: x[0],
            exponent,
        }))
    }

    fn lower_if(
        &mut self,
        c: &TExpr,
        a: &TExpr,
        b: &TExpr,
        env: &[Binding],
    ) -> Result<NodeRef, LowerError> {
        let c = self.lower(c, env)?;
        let a = self.lower(a, env)?;
        let b = self.lower(b, env)?;
        Ok(self.combine(&[c, a, b], |x| plan::Node::If {
            cond: x[0],
            then: x[1],
            otherwise: x[2],
        }))
    }

    /// A `match` over an enum: its arms by variant, and its default arm.
    fn lower_match(
        &mut self,
        s: &TExpr,
        arms: &[(Option<usize>, TExpr)],
        env: &[Binding],
    ) -> Result<NodeRef, LowerError> {
        let mut refs = vec![self.lower(s, env)?];
        let mut variants = Vec::new();
        let mut default_at = None;
        for (v, value) in arms {
            let r = self.lower(value, env)?;
            match v {
                Some(v) => variants.push(*v),
                None => default_at = Some(refs.len()),
            }
            refs.push(r);
        }
        Ok(self.combine(&refs, |x| {
            let mut arms = Vec::new();
            let mut k = 1;
            let mut vi = 0;
            let mut default = None;
            while k < x.len() {
                if Some(k) == default_at {
                    default = Some(x[k]);
                } else {
                    arms.push(plan::MatchArm {
                        variant: variants[vi],
                        node: x[k],
                    });
                    vi += 1;
                }
                k += 1;
            }
            plan::Node::Match {
                scrutinee: x[0],
                arms,
                default,
            }
        }))
    }

    /// A `sum` over a list input: its body becomes the nodes run per element.
    fn lower_sum(
        &mut self,
        e: &TExpr,
        list: &TExpr,
        body: &TExpr,
        env: &[Binding],
    ) -> Result<NodeRef, LowerError> {
        let TKind::Input(list_input) = list.kind else {
            return self.err(list, "`sum` goes over a list input of the rule");
        };
        if self.body.is_some() {
            return self.err(
                e,
                "a `sum` inside another `sum` cannot be expressed in a plan yet",
            );
        }
        self.body = Some(Vec::new());
        self.outer_in_body.clear();
        let mut inner_env = env.to_vec();
        inner_env.push(Binding::Element);
        let r = self.lower(body, &inner_env);
        let nodes = self.body.take().unwrap_or_default();
        self.outer_in_body.clear();
        let r = r?;
        let (nodes, result) = match r {
            NodeRef::Body(i) => (nodes, i),
            NodeRef::Outer(i) => {
                // The body does not depend on the element: sum of a constant.
                let mut nodes = nodes;
                nodes.push(plan::Node::Outer { node: i });
                let n = nodes.len() - 1;
                (nodes, n)
            }
        };
        Ok(self.emit_outer(plan::Node::Sum {
            list: list_input,
            body: nodes,
            result,
        }))
    }

    /// `abs`, `min` and `max` (folded pairwise), `round`, and `co2e` (a
    /// GWP table read at the gas, times the mass).
    fn lower_builtin(
        &mut self,
        b: Builtin,
        args: &[TExpr],
        env: &[Binding],
    ) -> Result<NodeRef, LowerError> {
        let refs: Vec<NodeRef> = args
            .iter()
            .map(|a| self.lower(a, env))
            .collect::<Result<_, _>>()?;
        Ok(match b {
            Builtin::Abs => self.combine(&refs[..1], |x| plan::Node::Abs { a: x[0] }),
            Builtin::Exp | Builtin::Ln | Builtin::Sqrt => self.lower_math(b, refs[0]),
            Builtin::Round => self.combine(&refs[..2], |x| plan::Node::Round {
                value: x[0],
                step: x[1],
            }),
            Builtin::Co2e => {
                let node = self.gwp_table(&args[0])?;
                let gwp = self.combine(&refs[..1], |x| {
                    let mut node = node;
                    if let plan::Node::Gwp { gas, .. } = &mut node {
                        *gas = x[0];
                    }
                    node
                });
                self.combine(&[gwp, refs[1]], |x| plan::Node::Mul { a: x[0], b: x[1] })
            }
            Builtin::Min | Builtin::Max => {
                let mut acc = refs[0];
                for r in &refs[1..] {
                    let is_min = b == Builtin::Min;
                    acc = self.combine(&[acc, *r], |x| {
                        if is_min {
                            plan::Node::Min { a: x[0], b: x[1] }
                        } else {
                            plan::Node::Max { a: x[0], b: x[1] }
                        }
                    });
                }
                acc
            }
        })
    }

    /// `exp`, `ln`, `sqrt` of a node; of a constant, the constant it gives
    /// (the checker refused a constant outside the function's domain).
    fn lower_math(&mut self, b: Builtin, a: NodeRef) -> NodeRef {
        let op = match b {
            Builtin::Ln => plan::UnaryOp::Ln,
            Builtin::Sqrt => plan::UnaryOp::Sqrt,
            _ => plan::UnaryOp::Exp,
        };
        if let NodeRef::Outer(i) = a {
            if let Some(plan::Node::Const { value }) = self.outer.get(i) {
                let folded = pcr_plan::eval::apply_unary(op, *value);
                if folded.is_finite() {
                    return self.emit_outer(plan::Node::Const { value: folded });
                }
            }
        }
        self.combine(&[a], |x| match op {
            plan::UnaryOp::Ln => plan::Node::Ln { a: x[0] },
            plan::UnaryOp::Sqrt => plan::Node::Sqrt { a: x[0] },
            _ => plan::Node::Exp { a: x[0] },
        })
    }

    /// The rule's GWP set as a [`plan::Node::Gwp`] over the prelude's
    /// `Gas` (its `gas` operand set by the caller).
    fn gwp_table(&self, gas: &TExpr) -> Result<plan::Node, LowerError> {
        let world = &self.analysis.world;
        let Type::Enum(gas_enum) = gas.ty else {
            return self.err(gas, "internal: `co2e` without a gas");
        };
        let Some(gases) = world.enums.get(gas_enum) else {
            return self.err(gas, "internal: unknown enum of gases");
        };
        let Some(set) = self.rule.gwp.as_ref().and_then(|s| world.gwp_sets.get(s)) else {
            return self.err(gas, "`co2e` needs the rule's GWP set");
        };
        Ok(plan::Node::Gwp {
            gas: 0,
            set: set.name.clone(),
            source: set.source.clone(),
            gases: gases
                .variants
                .iter()
                .map(|v| plan::GasGwp {
                    gas: v.name.clone(),
                    gwp: set
                        .values
                        .iter()
                        .find(|g| g.gas == v.name)
                        .map(|g| g.value.to_f64()),
                })
                .collect(),
        })
    }

    /// A call: the function's body, lowered with its parameters bound to
    /// the arguments' nodes (inlined).
    fn lower_call(
        &mut self,
        e: &TExpr,
        f: &FnRef,
        args: &[TExpr],
        env: &[Binding],
    ) -> Result<NodeRef, LowerError> {
        self.depth += 1;
        if self.depth > 64 {
            return self.err(e, "functions call each other too deeply");
        }
        let arg_refs: Vec<Binding> = args
            .iter()
            .map(|a| self.lower(a, env).map(Binding::Value))
            .collect::<Result<_, _>>()?;
        let body = match f {
            FnRef::Global(i) => self
                .analysis
                .globals
                .fn_bodies
                .borrow()
                .get(*i)
                .cloned()
                .flatten(),
            FnRef::Rule(i) => self.rule.fns.get(*i).and_then(|f| f.body.clone()),
        };
        let Some(body) = body else {
            return self.err(e, "this function has errors");
        };
        let r = self.lower(&body, &arg_refs);
        self.depth -= 1;
        r
    }

    /// The node of a `let` or constant, lowering it (and what it depends
    /// on, dependencies first, with an explicit stack: a chain of 100,000
    /// `let`s needs no deeper native stack than one) on first use.
    fn lower_named(&mut self, root: Named, at: &TExpr) -> Result<usize, LowerError> {
        if let Some(n) = self.lowered(root) {
            return Ok(n);
        }
        let mut stack: Vec<(Named, TExpr, Vec<Named>, usize)> = Vec::new();
        let mut on_stack: HashMap<Named, ()> = HashMap::new();
        let value = self.named_value(root, at)?;
        let deps = named_in(&value);
        stack.push((root, value, deps, 0));
        on_stack.insert(root, ());
        while let Some((_, _, deps, next)) = stack.last_mut() {
            if let Some(dep) = deps.get(*next).copied() {
                *next += 1;
                if self.lowered(dep).is_some() {
                    continue;
                }
                if on_stack.contains_key(&dep) {
                    return self.err(at, "internal: a cycle among `let`s reached lowering");
                }
                let value = self.named_value(dep, at)?;
                let deps = named_in(&value);
                stack.push((dep, value, deps, 0));
                on_stack.insert(dep, ());
                continue;
            }
            if let Some((named, value, _, _)) = stack.pop() {
                let r = self.lower_outer(&value)?;
                match named {
                    Named::Let(i) => self.lets.insert(i, r),
                    Named::Const(i) => self.consts.insert(i, r),
                };
                on_stack.remove(&named);
            }
        }
        match self.lowered(root) {
            Some(n) => Ok(n),
            None => self.err(at, "internal: a value was not lowered"),
        }
    }

    fn lowered(&self, named: Named) -> Option<usize> {
        match named {
            Named::Let(i) => self.lets.get(&i).copied(),
            Named::Const(i) => self.consts.get(&i).copied(),
        }
    }

    /// The checked value of a `let` or constant.
    fn named_value(&self, named: Named, at: &TExpr) -> Result<TExpr, LowerError> {
        match named {
            Named::Let(i) => match self.rule.lets.get(i) {
                Some(Some(value)) => Ok(value.clone()),
                _ => self.err(at, "this value has errors"),
            },
            Named::Const(i) => match self.analysis.globals.consts.borrow().get(i) {
                Some(crate::checker::Slot::Done(v)) => Ok(v.clone()),
                _ => self.err(at, "this constant has errors"),
            },
        }
    }

    pub(super) fn lower_outer(&mut self, e: &TExpr) -> Result<usize, LowerError> {
        self.lower_outer_bound(e, &[])
    }

    /// [`Self::lower_outer`] with locals `0..bound.len()` bound to outer
    /// nodes (a result's reported amounts).
    pub(super) fn lower_outer_bound(
        &mut self,
        e: &TExpr,
        bound: &[usize],
    ) -> Result<usize, LowerError> {
        let env: Vec<Binding> = bound
            .iter()
            .map(|i| Binding::Value(NodeRef::Outer(*i)))
            .collect();
        let saved_body = self.body.take();
        let saved_map = std::mem::take(&mut self.outer_in_body);
        let r = self.lower(e, &env);
        self.body = saved_body;
        self.outer_in_body = saved_map;
        match r? {
            NodeRef::Outer(i) => Ok(i),
            NodeRef::Body(_) => self.err(
                e,
                "internal: a value depends on a list element outside `sum`",
            ),
        }
    }
}
