//! The depth limit of expressions and types, enforced while they are built.
//!
//! Every later pass (checker, lowering, evaluation, the language server, and
//! the `Drop` of the tree) walks expressions recursively, so the parser never
//! builds one deeper than [`MAX_DEPTH`] levels: the grammar's actions build
//! each node with the depth of its subtree, and the node that would pass the
//! limit ends the parse of its declaration with an error at that place. The
//! deeper part of the input is never built, so a hostile file costs time and
//! memory in proportion to its length and no stack at all.

use crate::ast::{Expr, ExprKind, TypeExpr, TypeKind};
use crate::lexer::Token;
use crate::parser::UserError;
use crate::span::Span;
use lalrpop_util::ParseError;

/// The most levels an expression or type may have: a leaf is one level, each
/// operator, bracket, unary `-`/`not`, `if`, `match`, `sum(…)` or field
/// access around it one more, and a call [`CALL_LEVELS`] more. A sum
/// `a + b + …` of n terms has n levels.
///
/// Checking and lowering take up to about 13 KiB of stack per level in a
/// debug build (a `match` the most): about 150 levels fill the 2 MiB stack of
/// the language server's analysis thread, so 100 leave a margin of half as
/// much again (`compiler/tests/deep_expressions.rs` checks 100 levels of
/// every kind on a 2 MiB thread).
pub const MAX_DEPTH: u32 = 100;

/// The levels a call adds: checking and lowering go through the function's
/// body at each call, which takes about three times the stack of an operator.
pub const CALL_LEVELS: u32 = 4;

type Failure = ParseError<usize, Token, UserError>;

/// An expression being built and the number of levels of its tree.
#[derive(Debug)]
pub struct Deep {
    pub expr: Box<Expr>,
    pub depth: u32,
}

/// A type being built and the number of levels of its tree.
#[derive(Debug)]
pub struct DeepType {
    pub ty: TypeExpr,
    pub depth: u32,
}

fn too_deep(at: Span) -> Failure {
    ParseError::User {
        error: UserError {
            span: at,
            message: format!("expression nested too deeply: more than {MAX_DEPTH} levels"),
        },
    }
}

/// The depth of a node above children at most `below` levels deep.
fn level(below: u32, at: Span, cost: u32) -> Result<u32, Failure> {
    let depth = below.saturating_add(cost);
    if depth > MAX_DEPTH {
        Err(too_deep(at))
    } else {
        Ok(depth)
    }
}

/// A leaf expression: a name, a number, a quantity, a string.
pub fn leaf(kind: ExprKind, span: Span) -> Deep {
    Deep {
        expr: Box::new(Expr { kind, span }),
        depth: 1,
    }
}

/// An expression node over children at most `below` levels deep; an error
/// at `at` (the operator or the opening token) if it would be too deep.
pub fn node(kind: ExprKind, span: Span, at: Span, below: u32) -> Result<Deep, Failure> {
    let cost = match kind {
        ExprKind::Call(..) => CALL_LEVELS,
        _ => 1,
    };
    let depth = level(below, at, cost)?;
    Ok(Deep {
        expr: Box::new(Expr { kind, span }),
        depth,
    })
}

/// A binary operation `a op b`, `at` being the operator.
pub fn binary(
    op: crate::ast::BinOp,
    a: Deep,
    b: Deep,
    span: Span,
    at: Span,
) -> Result<Deep, Failure> {
    let below = a.depth.max(b.depth);
    node(ExprKind::Binary(op, a.expr, b.expr), span, at, below)
}

/// The expressions of a list, call or record, and the depth of the deepest.
pub fn all(items: Vec<Deep>) -> (Vec<Expr>, u32) {
    let depth = items.iter().map(|d| d.depth).max().unwrap_or(0);
    (items.into_iter().map(|d| *d.expr).collect(), depth)
}

/// Parts (match arms, record fields) with their depths, and the deepest.
pub fn parts<T>(items: Vec<(Box<T>, u32)>) -> (Vec<T>, u32) {
    let depth = items.iter().map(|(_, d)| *d).max().unwrap_or(0);
    (items.into_iter().map(|(p, _)| *p).collect(), depth)
}

/// A type node over children at most `below` levels deep.
pub fn type_node(kind: TypeKind, span: Span, at: Span, below: u32) -> Result<DeepType, Failure> {
    let depth = level(below, at, 1)?;
    Ok(DeepType {
        ty: TypeExpr { kind, span },
        depth,
    })
}

/// A type leaf: a name or a number.
pub fn type_leaf(kind: TypeKind, span: Span) -> DeepType {
    DeepType {
        ty: TypeExpr { kind, span },
        depth: 1,
    }
}
