//! The column-wise evaluator.
//!
//! A plan is compiled once per factor set into a [`Program`]: constants and
//! factors are folded into scalars, every other node gets a column slot.
//! [`Program::run`] then evaluates a whole chunk of products with one tight
//! loop per node, reusing the buffers of a [`Workspace`] across chunks: no
//! per-row allocation and no name lookups.

use crate::columns::InputColumns;
use crate::format::{BinaryOp, GasGwp, InputKind, Node, Operation, Plan, UnaryOp};

/// Where a node's values live.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Loc {
    /// The same value for every product.
    Scalar(f64),
    /// An input column.
    Input(usize),
    /// A workspace slot.
    Slot(usize),
    /// A field column of the current list (inside a sum body).
    Field(usize),
}

#[derive(Debug, Clone, PartialEq)]
enum Instr {
    Un {
        op: UnaryOp,
        a: Loc,
        out: usize,
    },
    Bin {
        op: BinaryOp,
        a: Loc,
        b: Loc,
        out: usize,
    },
    If {
        c: Loc,
        t: Loc,
        e: Loc,
        out: usize,
    },
    Match {
        s: Loc,
        table: Vec<Loc>,
        default: Loc,
        out: usize,
    },
    Sum {
        list: usize,
        body: Box<Program>,
        result: Loc,
        sum: usize,
        out: usize,
    },
    Gather {
        from: Loc,
        out: usize,
    },
}

impl Instr {
    /// The slot the instruction writes.
    fn out(&self) -> usize {
        match self {
            Instr::Un { out, .. }
            | Instr::Bin { out, .. }
            | Instr::If { out, .. }
            | Instr::Match { out, .. }
            | Instr::Sum { out, .. }
            | Instr::Gather { out, .. } => *out,
        }
    }
}

/// A compiled node list.
#[derive(Debug, Clone, PartialEq)]
pub struct Program {
    instrs: Vec<Instr>,
    locs: Vec<Loc>,
    slots: usize,
    sums: usize,
}

/// Reusable buffers for [`Program::run`].
#[derive(Debug, Default, Clone)]
pub struct Workspace {
    slots: Vec<Vec<f64>>,
    sums: Vec<Workspace>,
    owner: Vec<usize>,
}

#[derive(Clone, Copy)]
enum Arg<'a> {
    S(f64),
    C(&'a [f64]),
}

impl Arg<'_> {
    /// The value of row `r`.
    #[inline]
    fn at(self, r: usize) -> f64 {
        match self {
            Arg::S(x) => x,
            Arg::C(c) => c[r],
        }
    }
}

/// A comparison, `min`, `max`, `and` or `or` of values one of which is not a
/// number (`ln` of a non-positive value, a gas without a GWP) is not a number
/// either: a choice made on such a value would be a silent wrong result, and
/// NaN reaches the emission, which is then refused as a data error.
fn decided(x: f64, y: f64, value: f64) -> f64 {
    if x.is_nan() || y.is_nan() {
        f64::NAN
    } else {
        value
    }
}

fn b2f(b: bool) -> f64 {
    if b {
        1.0
    } else {
        0.0
    }
}

#[inline(always)]
fn apply1(o: &mut [f64], a: Arg<'_>, f: impl Fn(f64) -> f64) {
    match a {
        Arg::C(a) => {
            for (o, a) in o.iter_mut().zip(a) {
                *o = f(*a);
            }
        }
        Arg::S(a) => o.fill(f(a)),
    }
}

#[inline(always)]
fn apply2(o: &mut [f64], a: Arg<'_>, b: Arg<'_>, f: impl Fn(f64, f64) -> f64) {
    match (a, b) {
        (Arg::C(a), Arg::C(b)) => {
            for ((o, a), b) in o.iter_mut().zip(a).zip(b) {
                *o = f(*a, *b);
            }
        }
        (Arg::C(a), Arg::S(b)) => {
            for (o, a) in o.iter_mut().zip(a) {
                *o = f(*a, b);
            }
        }
        (Arg::S(a), Arg::C(b)) => {
            for (o, b) in o.iter_mut().zip(b) {
                *o = f(a, *b);
            }
        }
        (Arg::S(a), Arg::S(b)) => o.fill(f(a, b)),
    }
}

fn run_un(op: UnaryOp, o: &mut [f64], a: Arg<'_>) {
    match op {
        UnaryOp::Neg => apply1(o, a, |x| -x),
        UnaryOp::Not => apply1(o, a, |x| if x.is_nan() { x } else { b2f(x == 0.0) }),
        UnaryOp::Abs => apply1(o, a, f64::abs),
        UnaryOp::Exp => apply1(o, a, f64::exp),
        UnaryOp::Ln => apply1(o, a, ln),
        UnaryOp::Sqrt => apply1(o, a, sqrt),

        UnaryOp::Pow(e) => {
            if e == 2.0 {
                apply1(o, a, |x| x * x)
            } else if e == 0.5 {
                // `sqrt`, but with `powf`'s answer for -∞ (+∞, where `sqrt` gives NaN).
                apply1(o, a, |x| {
                    if x == f64::NEG_INFINITY {
                        f64::INFINITY
                    } else {
                        x.sqrt()
                    }
                })
            } else if e.fract() == 0.0 && e.abs() < 64.0 {
                let n = e as i32;
                apply1(o, a, |x| x.powi(n))
            } else {
                apply1(o, a, |x| x.powf(e))
            }
        }
    }
}

/// The natural logarithm, not a number unless `x > 0` (`f64::ln` gives
/// -∞ at 0, which a comparison would take for a number).
fn ln(x: f64) -> f64 {
    if x > 0.0 {
        x.ln()
    } else {
        f64::NAN
    }
}

/// The square root, not a number when `x < 0` (nor at -∞).
fn sqrt(x: f64) -> f64 {
    if x >= 0.0 {
        x.sqrt()
    } else {
        f64::NAN
    }
}

/// `op` applied to one value, as the evaluator applies it: the compiler
/// folds constants with it, so a folded constant is the value a plan
/// would compute.
pub fn apply_unary(op: UnaryOp, x: f64) -> f64 {
    fold_un(op, x)
}

fn run_bin(op: BinaryOp, o: &mut [f64], a: Arg<'_>, b: Arg<'_>) {
    match op {
        BinaryOp::Add => apply2(o, a, b, |x, y| x + y),
        BinaryOp::Sub => apply2(o, a, b, |x, y| x - y),
        BinaryOp::Mul => apply2(o, a, b, |x, y| x * y),
        BinaryOp::Div => apply2(o, a, b, |x, y| x / y),
        BinaryOp::Min => apply2(o, a, b, |x, y| decided(x, y, x.min(y))),
        BinaryOp::Max => apply2(o, a, b, |x, y| decided(x, y, x.max(y))),
        BinaryOp::Lt => apply2(o, a, b, |x, y| decided(x, y, b2f(x < y))),
        BinaryOp::Le => apply2(o, a, b, |x, y| decided(x, y, b2f(x <= y))),
        BinaryOp::Gt => apply2(o, a, b, |x, y| decided(x, y, b2f(x > y))),
        BinaryOp::Ge => apply2(o, a, b, |x, y| decided(x, y, b2f(x >= y))),
        BinaryOp::Eq => apply2(o, a, b, |x, y| decided(x, y, b2f(x == y))),
        BinaryOp::Ne => apply2(o, a, b, |x, y| decided(x, y, b2f(x != y))),
        BinaryOp::And => apply2(o, a, b, |x, y| decided(x, y, b2f(x != 0.0 && y != 0.0))),
        BinaryOp::Or => apply2(o, a, b, |x, y| decided(x, y, b2f(x != 0.0 || y != 0.0))),
        BinaryOp::Round => apply2(o, a, b, crate::round::round_to_step),
    }
}

/// `if c then t else e`, row by row: the one kernel of `if`.
fn run_if(o: &mut [f64], c: Arg<'_>, t: Arg<'_>, e: Arg<'_>) {
    for (r, o) in o.iter_mut().enumerate() {
        let c = c.at(r);
        *o = if c.is_nan() {
            f64::NAN
        } else if c != 0.0 {
            t.at(r)
        } else {
            e.at(r)
        };
    }
}

/// `match s { variant => table[variant] }`, row by row, `default` for a
/// variant without an arm: the one kernel of `match`.
fn run_match(o: &mut [f64], s: Arg<'_>, table: &[Arg<'_>], default: Arg<'_>) {
    for (r, o) in o.iter_mut().enumerate() {
        let v = s.at(r);
        if v.is_nan() {
            *o = f64::NAN;
            continue;
        }
        let src = if v >= 0.0 {
            table.get(v as usize).copied().unwrap_or(default)
        } else {
            default
        };
        *o = src.at(r);
    }
}

fn fold_un(op: UnaryOp, x: f64) -> f64 {
    let mut o = [0.0];
    run_un(op, &mut o, Arg::S(x));
    o[0]
}

fn fold_bin(op: BinaryOp, x: f64, y: f64) -> f64 {
    let mut o = [0.0];
    run_bin(op, &mut o, Arg::S(x), Arg::S(y));
    o[0]
}

fn at(locs: &[Loc], k: usize) -> Loc {
    locs.get(k).copied().unwrap_or(Loc::Scalar(f64::NAN))
}

/// Compilation context: where outer nodes live, when compiling a sum body.
struct Outer<'a> {
    locs: &'a [Loc],
}

impl Program {
    /// Compiles `plan`'s nodes with the given canonical factor values.
    pub fn compile(plan: &Plan, factor_values: &[f64]) -> Program {
        Program::compile_nodes(plan, &plan.nodes, factor_values, None)
    }

    fn compile_nodes(
        plan: &Plan,
        nodes: &[Node],
        factors: &[f64],
        outer: Option<Outer<'_>>,
    ) -> Program {
        let in_body = outer.is_some();
        let mut p = Program {
            instrs: Vec::new(),
            locs: Vec::with_capacity(nodes.len()),
            slots: 0,
            sums: 0,
        };
        for node in nodes {
            let loc = p.compile_node(plan, node, factors, outer.as_ref(), in_body);
            p.locs.push(loc);
        }
        p
    }

    fn slot(&mut self) -> usize {
        self.slots += 1;
        self.slots - 1
    }

    fn gather(&mut self, from: Loc) -> Loc {
        match from {
            Loc::Scalar(_) => from,
            _ => {
                let out = self.slot();
                self.instrs.push(Instr::Gather { from, out });
                Loc::Slot(out)
            }
        }
    }

    fn un(&mut self, op: UnaryOp, a: Loc) -> Loc {
        if let Loc::Scalar(x) = a {
            return Loc::Scalar(fold_un(op, x));
        }
        let out = self.slot();
        self.instrs.push(Instr::Un { op, a, out });
        Loc::Slot(out)
    }

    fn bin(&mut self, op: BinaryOp, a: Loc, b: Loc) -> Loc {
        if let (Loc::Scalar(x), Loc::Scalar(y)) = (a, b) {
            return Loc::Scalar(fold_bin(op, x, y));
        }
        let out = self.slot();
        self.instrs.push(Instr::Bin { op, a, b, out });
        Loc::Slot(out)
    }

    /// The entry of `table` that variant `key` selects (NaN for any other
    /// value): folded when `key` is a scalar, else one `Match` instruction.
    fn constant_table(&mut self, key: Loc, table: Vec<Loc>) -> Loc {
        let default = Loc::Scalar(f64::NAN);
        match key {
            Loc::Scalar(s) => {
                if s >= 0.0 {
                    table.get(s as usize).copied().unwrap_or(default)
                } else {
                    default
                }
            }
            s => {
                let out = self.slot();
                self.instrs.push(Instr::Match {
                    s,
                    table,
                    default,
                    out,
                });
                Loc::Slot(out)
            }
        }
    }

    fn compile_node(
        &mut self,
        plan: &Plan,
        node: &Node,
        factors: &[f64],
        outer: Option<&Outer<'_>>,
        in_body: bool,
    ) -> Loc {
        match node {
            Node::Const { value } => Loc::Scalar(*value),
            Node::EnumConst { variant } => Loc::Scalar(*variant as f64),
            Node::Factor { factor } => {
                Loc::Scalar(factors.get(*factor).copied().unwrap_or(f64::NAN))
            }
            Node::Input { input } => {
                if in_body {
                    self.gather(Loc::Input(*input))
                } else {
                    Loc::Input(*input)
                }
            }
            Node::Field { field } => Loc::Field(*field),
            Node::Outer { node } => {
                let from = outer
                    .and_then(|o| o.locs.get(*node).copied())
                    .unwrap_or(Loc::Scalar(f64::NAN));
                self.gather(from)
            }
            Node::If {
                cond,
                then,
                otherwise,
            } => match at(&self.locs, *cond) {
                Loc::Scalar(c) => {
                    if c.is_nan() {
                        Loc::Scalar(f64::NAN)
                    } else if c != 0.0 {
                        at(&self.locs, *then)
                    } else {
                        at(&self.locs, *otherwise)
                    }
                }
                c => {
                    let out = self.slot();
                    self.instrs.push(Instr::If {
                        c,
                        t: at(&self.locs, *then),
                        e: at(&self.locs, *otherwise),
                        out,
                    });
                    Loc::Slot(out)
                }
            },
            Node::Match {
                scrutinee,
                arms,
                default,
            } => {
                let n = arms.iter().map(|a| a.variant + 1).max().unwrap_or(0);
                let default = default.map_or(Loc::Scalar(f64::NAN), |d| at(&self.locs, d));
                let mut table = vec![default; n];
                for a in arms {
                    table[a.variant] = at(&self.locs, a.node);
                }
                match at(&self.locs, *scrutinee) {
                    Loc::Scalar(s) if s.is_nan() => Loc::Scalar(f64::NAN),
                    Loc::Scalar(s) => {
                        if s >= 0.0 && (s as usize) < n {
                            table[s as usize]
                        } else {
                            default
                        }
                    }
                    s => {
                        let out = self.slot();
                        self.instrs.push(Instr::Match {
                            s,
                            table,
                            default,
                            out,
                        });
                        Loc::Slot(out)
                    }
                }
            }
            Node::Gwp { gas, gases, .. } => {
                // A `match` over the gases with the set's values; NaN for a
                // gas the set lacks (refused as a data error).
                let table: Vec<Loc> = gases
                    .iter()
                    .map(|g| Loc::Scalar(g.gwp.unwrap_or(f64::NAN)))
                    .collect();
                self.constant_table(at(&self.locs, *gas), table)
            }
            Node::Lookup { key, values } => {
                // A table's row read by index: one value per variant.
                let table: Vec<Loc> = values.iter().map(|v| Loc::Scalar(*v)).collect();
                self.constant_table(at(&self.locs, *key), table)
            }
            Node::Sum { list, body, result } => {
                let body =
                    Program::compile_nodes(plan, body, factors, Some(Outer { locs: &self.locs }));
                let result_loc = body
                    .locs
                    .get(*result)
                    .copied()
                    .unwrap_or(Loc::Scalar(f64::NAN));
                let out = self.slot();
                let sum = self.sums;
                self.sums += 1;
                self.instrs.push(Instr::Sum {
                    list: *list,
                    body: Box::new(body),
                    result: result_loc,
                    sum,
                    out,
                });
                Loc::Slot(out)
            }
            operator => match operator.operation() {
                Some(Operation::Unary(op, a)) => self.un(op, at(&self.locs, a)),
                Some(Operation::Binary(op, a, b)) => {
                    self.bin(op, at(&self.locs, a), at(&self.locs, b))
                }
                None => Loc::Scalar(f64::NAN),
            },
        }
    }

    /// Evaluates the program over every row of `inputs`.
    pub fn run(&self, inputs: &InputColumns, ws: &mut Workspace) {
        let n = inputs.rows();
        self.run_on(n, &inputs.values, &[], inputs, ws);
    }

    fn run_on(
        &self,
        n: usize,
        inputs: &[Vec<f64>],
        fields: &[Vec<f64>],
        cols: &InputColumns,
        ws: &mut Workspace,
    ) {
        if ws.slots.len() < self.slots {
            ws.slots.resize_with(self.slots, Vec::new);
        }
        for s in &mut ws.slots[..self.slots] {
            if s.len() < n {
                s.resize(n, 0.0);
            }
        }
        if ws.sums.len() < self.sums {
            ws.sums.resize_with(self.sums, Workspace::default);
        }
        for instr in &self.instrs {
            let out = instr.out();
            let (lo, hi) = ws.slots.split_at_mut(out);
            let o = &mut hi[0][..n];
            let arg = |l: Loc| -> Arg<'_> {
                match l {
                    Loc::Scalar(x) => Arg::S(x),
                    Loc::Input(i) => Arg::C(&inputs[i][..n]),
                    Loc::Slot(s) => Arg::C(&lo[s][..n]),
                    Loc::Field(f) => Arg::C(&fields[f][..n]),
                }
            };
            match instr {
                Instr::Un { op, a, .. } => run_un(*op, o, arg(*a)),
                Instr::Bin { op, a, b, .. } => run_bin(*op, o, arg(*a), arg(*b)),
                Instr::If { c, t, e, .. } => run_if(o, arg(*c), arg(*t), arg(*e)),
                Instr::Match {
                    s, table, default, ..
                } => {
                    let table: Vec<Arg<'_>> = table.iter().map(|l| arg(*l)).collect();
                    run_match(o, arg(*s), &table, arg(*default));
                }
                Instr::Gather { from, .. } => {
                    // Inside a body: `inputs` are the outer columns, `owner` maps element → row.
                    match arg(*from) {
                        Arg::S(x) => o.fill(x),
                        Arg::C(src) => {
                            for (o, &r) in o.iter_mut().zip(&ws.owner) {
                                *o = src[r];
                            }
                        }
                    }
                }
                Instr::Sum {
                    list,
                    body,
                    result,
                    sum,
                    ..
                } => {
                    let lc = &cols.lists[*list];
                    let base = lc.offsets[0];
                    let m = lc.offsets[n] - base;
                    let bws = &mut ws.sums[*sum];
                    bws.owner.clear();
                    for r in 0..n {
                        let len = lc.offsets[r + 1] - lc.offsets[r];
                        bws.owner.extend(std::iter::repeat_n(r, len));
                    }
                    body.run_body(m, inputs, lo, &lc.fields, base, cols, bws);
                    let res = match *result {
                        Loc::Scalar(x) => Arg::S(x),
                        Loc::Slot(s) => Arg::C(&bws.slots[s][..m]),
                        Loc::Field(f) => Arg::C(&lc.fields[f][base..base + m]),
                        Loc::Input(_) => Arg::S(f64::NAN),
                    };
                    for (r, o) in o.iter_mut().enumerate() {
                        let (a, b) = (lc.offsets[r] - base, lc.offsets[r + 1] - base);
                        *o = match res {
                            Arg::S(x) => x * (b - a) as f64,
                            Arg::C(v) => v[a..b].iter().sum(),
                        };
                    }
                }
            }
        }
    }

    /// Runs a sum body over `m` elements. `Gather` reads outer input
    /// columns and outer slots through `owner`.
    #[allow(clippy::too_many_arguments)]
    fn run_body(
        &self,
        m: usize,
        outer_inputs: &[Vec<f64>],
        outer_slots: &[Vec<f64>],
        fields: &[Vec<f64>],
        base: usize,
        cols: &InputColumns,
        ws: &mut Workspace,
    ) {
        if ws.slots.len() < self.slots {
            ws.slots.resize_with(self.slots, Vec::new);
        }
        for s in &mut ws.slots[..self.slots] {
            if s.len() < m {
                s.resize(m, 0.0);
            }
        }
        let _ = cols;
        for instr in &self.instrs {
            let out = instr.out();
            let (lo, hi) = ws.slots.split_at_mut(out);
            let o = &mut hi[0][..m];
            let arg = |l: Loc| -> Arg<'_> {
                match l {
                    Loc::Scalar(x) => Arg::S(x),
                    Loc::Slot(s) => Arg::C(&lo[s][..m]),
                    Loc::Field(f) => Arg::C(&fields[f][base..base + m]),
                    Loc::Input(_) => Arg::S(f64::NAN),
                }
            };
            match instr {
                Instr::Gather { from, .. } => {
                    let src: &[f64] = match *from {
                        Loc::Scalar(x) => {
                            o.fill(x);
                            continue;
                        }
                        Loc::Input(i) => &outer_inputs[i],
                        Loc::Slot(s) => &outer_slots[s],
                        Loc::Field(_) => {
                            o.fill(f64::NAN);
                            continue;
                        }
                    };
                    for (o, &r) in o.iter_mut().zip(&ws.owner) {
                        *o = src[r];
                    }
                }
                Instr::Un { op, a, .. } => run_un(*op, o, arg(*a)),
                Instr::Bin { op, a, b, .. } => run_bin(*op, o, arg(*a), arg(*b)),
                Instr::If { c, t, e, .. } => run_if(o, arg(*c), arg(*t), arg(*e)),
                Instr::Match {
                    s, table, default, ..
                } => {
                    let table: Vec<Arg<'_>> = table.iter().map(|l| arg(*l)).collect();
                    run_match(o, arg(*s), &table, arg(*default));
                }
                Instr::Sum { .. } => o.fill(f64::NAN),
            }
        }
    }

    /// The values of node `node` after [`Program::run`]: calls `f` with
    /// either a scalar (same for all rows) or the column.
    pub fn node_values<'a>(
        &self,
        node: usize,
        inputs: &'a InputColumns,
        ws: &'a Workspace,
    ) -> NodeValues<'a> {
        let n = inputs.rows();
        match self
            .locs
            .get(node)
            .copied()
            .unwrap_or(Loc::Scalar(f64::NAN))
        {
            Loc::Scalar(x) => NodeValues::Scalar(x),
            Loc::Input(i) => NodeValues::Column(&inputs.values[i][..n]),
            Loc::Slot(s) => NodeValues::Column(&ws.slots[s][..n]),
            Loc::Field(_) => NodeValues::Scalar(f64::NAN),
        }
    }
}

/// The values of one node over a chunk.
#[derive(Debug, Clone, Copy)]
pub enum NodeValues<'a> {
    /// Same for every row.
    Scalar(f64),
    /// One per row.
    Column(&'a [f64]),
}

impl NodeValues<'_> {
    /// Value of row `r`.
    #[inline]
    pub fn get(&self, r: usize) -> f64 {
        match self {
            NodeValues::Scalar(x) => *x,
            NodeValues::Column(c) => c[r],
        }
    }
}

/// For each node, the inputs it depends on (transitively), as sorted indexes.
pub fn node_dependencies(plan: &Plan) -> Vec<Vec<usize>> {
    fn deps_of(nodes: &[Node], outer: &[Vec<usize>], list: Option<usize>) -> Vec<Vec<usize>> {
        let mut out: Vec<Vec<usize>> = Vec::with_capacity(nodes.len());
        for node in nodes {
            let mut d: Vec<usize> = Vec::new();
            let mut add = |v: &[usize]| d.extend_from_slice(v);
            match node {
                Node::Const { .. } | Node::EnumConst { .. } | Node::Factor { .. } => {}
                Node::Input { input } => add(&[*input]),
                Node::Field { .. } => {
                    if let Some(l) = list {
                        add(&[l]);
                    }
                }
                Node::Outer { node } => add(outer.get(*node).map_or(&[][..], Vec::as_slice)),
                Node::Sum {
                    list: l,
                    body,
                    result,
                } => {
                    add(&[*l]);
                    let inner = deps_of(body, &out, Some(*l));
                    add(inner.get(*result).map_or(&[][..], Vec::as_slice));
                }
                operator_if_or_match => {
                    operator_if_or_match.for_each_operand(|o| add(&out[o]));
                }
            }
            d.sort_unstable();
            d.dedup();
            out.push(d);
        }
        out
    }
    deps_of(&plan.nodes, &[], None)
}

/// What, among the nodes node `root` of `nodes` is computed from (sum
/// bodies included), can give a value that is not a number: `ln` of a
/// value that is not positive, `sqrt` of a negative one, `exp` or a power
/// too large, a division by zero, a `round` step that is not positive; a
/// phrase for [`DataErrorKind::NonFiniteEmission`] naming each function.
pub fn non_finite_causes(nodes: &[Node], root: usize) -> String {
    const CAUSES: [&str; 6] = [
        "`ln` of a value that is not positive",
        "`sqrt` of a negative value",
        "`exp` of a value too large",
        "a power too large",
        "a division by zero",
        "a `round` step that is not positive",
    ];
    fn visit(nodes: &[Node], root: usize, found: &mut [bool; 6]) {
        let mut seen = vec![false; nodes.len()];
        let mut stack = vec![root];
        while let Some(i) = stack.pop() {
            let Some(node) = nodes.get(i) else { continue };
            if std::mem::replace(&mut seen[i], true) {
                continue;
            }
            let cause = match node {
                Node::Ln { .. } => Some(0),
                Node::Sqrt { .. } => Some(1),
                Node::Exp { .. } => Some(2),
                Node::Pow { .. } => Some(3),
                // Only a divisor computed from data or factors may be zero.
                Node::Div { b, .. } if !matches!(nodes.get(*b), Some(Node::Const { .. })) => {
                    Some(4)
                }
                Node::Round { .. } => Some(5),
                _ => None,
            };
            if let Some(c) = cause {
                found[c] = true;
            }
            match node {
                Node::Sum { body, result, .. } => {
                    // A body reads the enclosing list only through `Outer`.
                    visit(body, *result, found);
                    for n in body {
                        if let Node::Outer { node } = n {
                            stack.push(*node);
                        }
                    }
                }
                _ => node.for_each_operand(|o| stack.push(o)),
            }
        }
    }
    let mut found = [false; 6];
    visit(nodes, root, &mut found);
    let named: Vec<&str> = CAUSES
        .iter()
        .zip(found)
        .filter(|(_, f)| *f)
        .map(|(c, _)| *c)
        .collect();
    match named.as_slice() {
        [] => "a value too large".to_string(),
        [one] => format!("{one}?"),
        [init @ .., last] => format!("{}, or {last}?", init.join(", ")),
    }
}

/// True if `plan` has a list input (used to pick code paths).
pub fn has_lists(plan: &Plan) -> bool {
    plan.inputs
        .iter()
        .any(|i| matches!(i.kind, InputKind::List { .. }))
}

// ---------------------------------------------------------------------------
// The evaluator: program + aggregation into footprint, stages, categories,
// grade and primary data share, column-wise.

use crate::error::DataErrorKind;
use crate::factors::ResolvedFactors;
use crate::number::tidy;
use crate::result::{
    DeclaredUnitRef, OrderedMap, ProductResult, Provenance, ReportedValue, RuleRef,
};

/// Results of one chunk, column-wise, kgCO2e per declared unit.
#[derive(Debug, Clone, Default)]
pub struct BatchResults {
    /// Number of rows.
    pub rows: usize,
    /// Per emission (plan order): reported values.
    pub emissions: Vec<Vec<f64>>,
    /// Footprint per row.
    pub footprint: Vec<f64>,
    /// Per plan stage: totals (all zero for stages without emissions).
    pub stages: Vec<Vec<f64>>,
    /// Per plan category: totals over footprint stages.
    pub categories: Vec<Vec<f64>>,
    /// Per plan result: reported values, in the result's unit (may be negative).
    pub results: Vec<Vec<f64>>,
    /// Per plan checked value (`expect value`): the `let`'s value, canonical.
    pub values: Vec<Vec<f64>>,
    /// Primary data share per row.
    pub primary_data_share: Vec<f64>,
    /// Grade per row: index into [`Evaluator::grade_names`].
    pub grade: Vec<usize>,
    /// Whether the row has a result (no data error).
    pub ok: Vec<bool>,
    /// Refusals: `(row, error)` for negative or non-finite emissions.
    pub errors: Vec<(usize, DataErrorKind)>,
}

/// Per row of a batch: absolute emissions counted in the footprint, those
/// computed from given data only, and how many emissions those are.
#[derive(Debug, Clone, Default)]
struct Shares {
    abs_total: Vec<f64>,
    abs_primary: Vec<f64>,
    primary_count: Vec<usize>,
}

/// Where the gas of a `co2e` comes straight from the data, and which gases
/// its GWP set lacks: checked per row, so the error names the row and field.
#[derive(Debug, Clone)]
struct GasCheck {
    /// The input: a scalar `Gas` input, or a list input whose field `field`
    /// holds the gas.
    input: usize,
    field: Option<usize>,
    /// Per variant: its name when the set lacks it.
    missing: Vec<Option<String>>,
    set: String,
}

impl GasCheck {
    /// The checks of every `Gwp` node reading an input or a list field.
    fn of_plan(plan: &Plan) -> Vec<GasCheck> {
        fn check(gases: &[GasGwp], set: &str, input: usize, field: Option<usize>) -> GasCheck {
            GasCheck {
                input,
                field,
                missing: gases
                    .iter()
                    .map(|g| g.gwp.is_none().then(|| g.gas.clone()))
                    .collect(),
                set: set.to_string(),
            }
        }
        let mut out = Vec::new();
        for node in &plan.nodes {
            match node {
                Node::Gwp {
                    gas, set, gases, ..
                } => {
                    if let Some(Node::Input { input }) = plan.nodes.get(*gas) {
                        out.push(check(gases, set, *input, None));
                    }
                }
                Node::Sum { list, body, .. } => {
                    for b in body {
                        if let Node::Gwp {
                            gas, set, gases, ..
                        } = b
                        {
                            if let Some(Node::Field { field }) = body.get(*gas) {
                                out.push(check(gases, set, *list, Some(*field)));
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        out.retain(|c| c.missing.iter().any(Option::is_some));
        out
    }

    /// The gas the set lacks at variant index `v`, if it lacks it.
    fn missing_at(&self, v: f64) -> Option<&str> {
        if v >= 0.0 {
            self.missing.get(v as usize)?.as_deref()
        } else {
            None
        }
    }

    /// Refuses every row of `inputs` whose gas the set lacks.
    fn refuse(
        &self,
        plan: &Plan,
        inputs: &InputColumns,
        ok: &mut [bool],
        errors: &mut Vec<(usize, DataErrorKind)>,
    ) {
        let name = plan.inputs.get(self.input).map_or("", |i| i.name.as_str());
        let error = |input: String, gas: &str| DataErrorKind::GasNotInGwpSet {
            input,
            gas: gas.to_string(),
            set: self.set.clone(),
        };
        match self.field {
            None => {
                let Some(col) = inputs.values.get(self.input) else {
                    return;
                };
                for (r, v) in col.iter().enumerate().take(ok.len()) {
                    if let (true, Some(gas)) = (ok[r], self.missing_at(*v)) {
                        errors.push((r, error(name.to_string(), gas)));
                        ok[r] = false;
                    }
                }
            }
            Some(field) => {
                let Some(list) = inputs.lists.get(self.input) else {
                    return;
                };
                let Some(col) = list.fields.get(field) else {
                    return;
                };
                let field_name = match plan.inputs.get(self.input).map(|i| &i.kind) {
                    Some(InputKind::List { fields }) => {
                        fields.get(field).map_or("", |f| f.name.as_str())
                    }
                    _ => "",
                };
                for (r, row_ok) in ok.iter_mut().enumerate() {
                    let (Some(&from), Some(&to)) = (list.offsets.get(r), list.offsets.get(r + 1))
                    else {
                        break;
                    };
                    for k in from..to {
                        let gas = col.get(k).and_then(|v| self.missing_at(*v));
                        if let (true, Some(gas)) = (*row_ok, gas) {
                            let place = format!("{name}[{}].{field_name}", k - from);
                            errors.push((r, error(place, gas)));
                            *row_ok = false;
                        }
                    }
                }
            }
        }
    }
}

/// A plan compiled with its factors, ready to evaluate chunks of products.
#[derive(Debug, Clone)]
pub struct Evaluator<'p> {
    plan: &'p Plan,
    program: Program,
    factors: ResolvedFactors,
    ws: Workspace,
    out: BatchResults,
    /// Per row: the sums behind the primary data share (kept between batches).
    shares: Shares,
    emission_stage: Vec<usize>,
    emission_category: Vec<usize>,
    in_footprint: Vec<bool>,
    may_be_negative: Vec<bool>,
    gas_checks: Vec<GasCheck>,
    /// Per emission: inputs with a default it depends on.
    defaultable_deps: Vec<Vec<usize>>,
    /// Per emission: what can make it no number ([`non_finite_causes`]).
    non_finite_causes: Vec<String>,
    stages_with_emissions: Vec<usize>,
    grade_names: Vec<String>,
}

impl<'p> Evaluator<'p> {
    /// Compiles `plan` with resolved factor values.
    pub fn new(plan: &'p Plan, factors: ResolvedFactors) -> Evaluator<'p> {
        let program = Program::compile(plan, &factors.values);
        let deps = node_dependencies(plan);
        let stage_of = |n: &str| plan.stages.iter().position(|s| s.name == n).unwrap_or(0);
        let emission_stage: Vec<usize> =
            plan.emissions.iter().map(|e| stage_of(&e.stage)).collect();
        let emission_category = plan
            .emissions
            .iter()
            .map(|e| {
                plan.categories
                    .iter()
                    .position(|c| *c == e.category)
                    .unwrap_or(0)
            })
            .collect();
        let in_footprint: Vec<bool> = emission_stage
            .iter()
            .map(|s| plan.stages.get(*s).is_some_and(|s| s.in_footprint))
            .collect();
        // Removals and credits may be negative, and so may every emission
        // of a stage reported separately (EN 15804 module `D`).
        let may_be_negative = plan
            .emissions
            .iter()
            .zip(&in_footprint)
            .map(|(e, counted)| {
                !counted || e.category == "biogenic_removal" || e.category == "credit"
            })
            .collect();
        let defaultable_deps = plan
            .emissions
            .iter()
            .map(|e| {
                deps.get(e.node)
                    .map(|d| {
                        d.iter()
                            .copied()
                            .filter(|i| plan.inputs[*i].default.is_some())
                            .collect()
                    })
                    .unwrap_or_default()
            })
            .collect();
        let stages_with_emissions = (0..plan.stages.len())
            .filter(|s| emission_stage.contains(s))
            .collect();
        let grade_names = plan
            .grades
            .as_ref()
            .map(|g| {
                g.classes
                    .iter()
                    .map(|c| c.name.clone())
                    .chain([g.otherwise.clone()])
                    .collect()
            })
            .unwrap_or_default();
        Evaluator {
            plan,
            program,
            factors,
            ws: Workspace::default(),
            out: BatchResults::default(),
            shares: Shares::default(),
            emission_stage,
            emission_category,
            in_footprint,
            may_be_negative,
            gas_checks: GasCheck::of_plan(plan),
            defaultable_deps,
            non_finite_causes: plan
                .emissions
                .iter()
                .map(|e| non_finite_causes(&plan.nodes, e.node))
                .collect(),
            stages_with_emissions,
            grade_names,
        }
    }

    /// The plan.
    pub fn plan(&self) -> &'p Plan {
        self.plan
    }

    /// The factors used.
    pub fn factors(&self) -> &ResolvedFactors {
        &self.factors
    }

    /// Grade names: the classes, then `otherwise` (empty without grades).
    pub fn grade_names(&self) -> &[String] {
        &self.grade_names
    }

    /// Indexes of the stages that have emissions, in plan order.
    pub fn stages_with_emissions(&self) -> &[usize] {
        &self.stages_with_emissions
    }

    /// Evaluates every row of `inputs`, column-wise. Rows already marked bad
    /// by the reader are computed but not `ok`.
    pub fn evaluate_batch(&mut self, inputs: &InputColumns) -> &BatchResults {
        let n = inputs.rows();
        self.program.run(inputs, &mut self.ws);
        let plan = self.plan;
        let du = plan.declared_unit.canonical;
        let out = &mut self.out;
        out.rows = n;
        out.errors.clear();
        let ne = plan.emissions.len();
        let resize = |v: &mut Vec<Vec<f64>>, k: usize| {
            v.resize_with(k, Vec::new);
            for c in v.iter_mut() {
                c.clear();
                c.resize(n, 0.0);
            }
        };
        resize(&mut out.emissions, ne);
        resize(&mut out.stages, plan.stages.len());
        resize(&mut out.categories, plan.categories.len());
        resize(&mut out.results, plan.results.len());
        resize(&mut out.values, plan.checked_values.len());
        out.footprint.clear();
        out.footprint.resize(n, 0.0);
        out.ok.clear();
        out.ok.extend_from_slice(&inputs.bad[..n]);
        for b in &mut out.ok {
            *b = !*b;
        }
        // Reported emissions and sums: one pass over the rows per emission
        // after scaling (measured faster than a pass per sum).
        let Shares {
            abs_total,
            abs_primary,
            primary_count,
        } = &mut self.shares;
        for v in [&mut *abs_total, &mut *abs_primary] {
            v.clear();
            v.resize(n, 0.0);
        }
        primary_count.clear();
        primary_count.resize(n, 0);
        let mut fp_count = 0usize;
        let BatchResults {
            emissions,
            footprint,
            stages,
            categories,
            ok,
            errors,
            ..
        } = out;
        for check in &self.gas_checks {
            check.refuse(plan, inputs, &mut ok[..n], errors);
        }
        for (e, em) in plan.emissions.iter().enumerate() {
            let vals = self.program.node_values(em.node, inputs, &self.ws);
            let col = &mut emissions[e][..n];
            match vals {
                NodeValues::Scalar(x) => col.fill(x * du),
                NodeValues::Column(c) => {
                    for (o, x) in col.iter_mut().zip(c) {
                        *o = x * du;
                    }
                }
            }
            let may_be_negative = self.may_be_negative[e];
            let st = &mut stages[self.emission_stage[e]][..n];
            let counted = self.in_footprint[e];
            fp_count += usize::from(counted);
            let cat = &mut categories[self.emission_category[e]][..n];
            let deps = &self.defaultable_deps[e];
            for r in 0..n {
                let v = col[r];
                if !v.is_finite() {
                    if ok[r] {
                        errors.push((
                            r,
                            DataErrorKind::NonFiniteEmission {
                                emission: em.name.clone(),
                                cause: self.non_finite_causes[e].clone(),
                            },
                        ));
                    }
                    ok[r] = false;
                } else if v < 0.0 && !may_be_negative {
                    if ok[r] {
                        errors.push((
                            r,
                            DataErrorKind::NegativeEmission {
                                emission: em.name.clone(),
                                value: v,
                            },
                        ));
                    }
                    ok[r] = false;
                }
                st[r] += v;
                if counted {
                    footprint[r] += v;
                    cat[r] += v;
                    abs_total[r] += v.abs();
                    if deps.iter().all(|i| !inputs.defaulted[*i][r]) {
                        abs_primary[r] += v.abs();
                        primary_count[r] += 1;
                    }
                }
            }
        }
        // Reported results and checked values: the nodes' values, never summed.
        let columns = plan
            .results
            .iter()
            .map(|x| x.node)
            .zip(out.results.iter_mut())
            .chain(
                plan.checked_values
                    .iter()
                    .map(|x| x.node)
                    .zip(out.values.iter_mut()),
            );
        for (node, col) in columns {
            match self.program.node_values(node, inputs, &self.ws) {
                NodeValues::Scalar(x) => col[..n].fill(x),
                NodeValues::Column(c) => col[..n].copy_from_slice(&c[..n]),
            }
        }
        let BatchResults {
            footprint,
            stages,
            categories,
            ok,
            errors,
            results,
            ..
        } = out;
        // Finite emissions may still sum to an infinity: never report one.
        let overflow = |total: String| DataErrorKind::NonFiniteTotal { total };
        for r in 0..n {
            if !ok[r] {
                continue;
            }
            let mut refuse = |total: String| {
                errors.push((r, overflow(total)));
                ok[r] = false;
            };
            for (s, stage) in plan.stages.iter().enumerate() {
                if !stages[s][r].is_finite() {
                    refuse(format!("stage `{}`", stage.name));
                }
            }
            for (c, category) in plan.categories.iter().enumerate() {
                if !categories[c][r].is_finite() {
                    refuse(format!("category `{category}`"));
                }
            }
            if !footprint[r].is_finite() {
                refuse("footprint".into());
            }
            for (x, result) in plan.results.iter().enumerate() {
                if !results[x][r].is_finite() {
                    refuse(format!("result `{}`", result.name));
                }
            }
            if !abs_total[r].is_finite() {
                refuse("primary data share".into());
            }
        }
        out.primary_data_share.clear();
        out.primary_data_share.extend((0..n).map(|r| {
            if abs_total[r] > 0.0 {
                abs_primary[r] / abs_total[r]
            } else if fp_count > 0 {
                primary_count[r] as f64 / fp_count as f64
            } else {
                1.0
            }
        }));
        out.grade.clear();
        if let Some(g) = &plan.grades {
            out.grade.extend(out.footprint.iter().map(|f| {
                g.classes
                    .iter()
                    .position(|c| *f <= c.max)
                    .unwrap_or(g.classes.len())
            }));
        } else {
            out.grade.resize(n, 0);
        }
        // Errors in row order.
        out.errors.sort_by_key(|(r, _)| *r);
        &self.out
    }

    /// The last batch's results.
    pub fn results(&self) -> &BatchResults {
        &self.out
    }

    /// Row `r` of the last batch as a [`ProductResult`] (without id and
    /// provenance), its numbers rounded as printed ([`crate::number`]).
    pub fn product_result(&self, r: usize) -> ProductResult {
        let plan = self.plan;
        let out = &self.out;
        ProductResult {
            id: None,
            rule: RuleRef {
                name: plan.rule.name.clone(),
                version: plan.rule.version.clone(),
            },
            declared_unit: DeclaredUnitRef {
                amount: plan.declared_unit.amount,
                unit: plan.declared_unit.unit.clone(),
            },
            unit: "kgCO2e".into(),
            footprint: tidy(out.footprint[r]),
            stages: OrderedMap(
                self.stages_with_emissions
                    .iter()
                    .map(|s| (plan.stages[*s].name.clone(), tidy(out.stages[*s][r])))
                    .collect(),
            ),
            categories: OrderedMap(
                plan.categories
                    .iter()
                    .enumerate()
                    .filter(|(c, _)| {
                        plan.emissions
                            .iter()
                            .enumerate()
                            .any(|(e, _)| self.in_footprint[e] && self.emission_category[e] == *c)
                    })
                    .map(|(c, name)| (name.clone(), tidy(out.categories[c][r])))
                    .collect(),
            ),
            emissions: OrderedMap(
                plan.emissions
                    .iter()
                    .enumerate()
                    .map(|(e, em)| (em.name.clone(), tidy(out.emissions[e][r])))
                    .collect(),
            ),
            results: OrderedMap(
                plan.results
                    .iter()
                    .enumerate()
                    .map(|(x, result)| {
                        (
                            result.name.clone(),
                            ReportedValue {
                                value: tidy(out.results[x][r]),
                                unit: result.unit.clone(),
                            },
                        )
                    })
                    .collect(),
            ),
            grade: plan
                .grades
                .as_ref()
                .map(|_| self.grade_names[out.grade[r]].clone()),
            primary_data_share: tidy(out.primary_data_share[r]),
            provenance: None,
        }
    }

    /// Provenance for results of this evaluator.
    pub fn provenance(
        &self,
        plan_sha256: &str,
        data_sha256: &str,
        factors_sha256: &str,
    ) -> Provenance {
        Provenance {
            plan_sha256: plan_sha256.into(),
            data_sha256: data_sha256.into(),
            factors_sha256: factors_sha256.into(),
            factors: self.factors.provenance.clone(),
        }
    }
}
