//! Property test: the column-wise evaluator agrees with a straightforward
//! per-row recursive evaluation, on random DAGs and random data.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;

use pcr_plan::columns::InputColumns;
use pcr_plan::eval::{Program, Workspace};
use pcr_plan::format::*;
use pcr_plan::{Dimension, FactorDb, UnitTable};
use proptest::prelude::*;

fn base_plan(nodes: Vec<Node>) -> Plan {
    let q = |n: &str| Input {
        name: n.into(),
        doc: None,
        kind: InputKind::Quantity {
            dimension: Dimension::base("Mass"),
            unit: "kg".into(),
            factor: 1.0,
        },
        default: None,
    };
    let mut units = UnitTable::new();
    units.insert("kg", 1.0, Dimension::base("Mass"));
    Plan {
        format: FormatVersion,
        rule: RuleInfo {
            name: "p".into(),
            version: "0".into(),
            title: "p".into(),
            title_en: "p".into(),
            standard: None,
            source_sha256: String::new(),
            boundary: "b".into(),
            gwp: "ar6".into(),
            allocation: None,
            cutoff: Cutoff {
                item: 0.01,
                total: 0.05,
            },
        },
        declared_unit: DeclaredUnit {
            amount: 1.0,
            unit: "kg".into(),
            dimension: Dimension::base("Mass"),
            canonical: 1.0,
        },
        units,
        inputs: vec![
            q("x0"),
            q("x1"),
            Input {
                name: "r".into(),
                doc: None,
                kind: InputKind::Ratio,
                default: Some(Value::Number(0.5)),
            },
            Input {
                name: "route".into(),
                doc: None,
                kind: InputKind::Enum {
                    name: "Route".into(),
                    variants: vec!["a".into(), "b".into(), "c".into()],
                },
                default: None,
            },
            Input {
                name: "items".into(),
                doc: None,
                kind: InputKind::List {
                    fields: vec![
                        ListField {
                            name: "m".into(),
                            kind: InputKind::Quantity {
                                dimension: Dimension::base("Mass"),
                                unit: "kg".into(),
                                factor: 1.0,
                            },
                        },
                        ListField {
                            name: "k".into(),
                            kind: InputKind::Ratio,
                        },
                    ],
                },
                default: None,
            },
        ],
        factors: vec![Factor {
            name: "f".into(),
            doc: None,
            unit: "kg".into(),
            dimension: Dimension::base("Mass"),
            factor: 1.0,
            value: FactorValue::Literal {
                value: 2.5,
                value_in_unit: 2.5,
                source: None,
            },
        }],
        nodes,
        stages: vec![],
        exclusions: vec![],
        emissions: vec![],
        categories: vec!["fossil".into()],
        results: vec![],
        checked_values: vec![],
        grades: None,
        examples: vec![],
    }
}

/// Per-row data.
#[derive(Debug, Clone)]
struct Row {
    x: [f64; 3],
    route: usize,
    items: Vec<(f64, f64)>,
}

fn naive(
    nodes: &[Node],
    k: usize,
    row: &Row,
    factors: &[f64],
    elem: Option<(f64, f64)>,
    outer: &dyn Fn(usize) -> f64,
) -> f64 {
    let v = |i: usize| naive(nodes, i, row, factors, elem, outer);
    let b = |x: bool| if x { 1.0 } else { 0.0 };
    // A decision on a value that is not a number is not a number.
    let nan_or = |x: f64, y: f64, value: f64| {
        if x.is_nan() || y.is_nan() {
            f64::NAN
        } else {
            value
        }
    };
    match &nodes[k] {
        Node::Const { value } => *value,
        Node::Input { input } => match input {
            0..=2 => row.x[*input],
            3 => row.route as f64,
            _ => f64::NAN,
        },
        Node::Factor { factor } => factors[*factor],
        Node::EnumConst { variant } => *variant as f64,
        Node::Neg { a } => -v(*a),
        Node::Not { a } => nan_or(v(*a), 0.0, b(v(*a) == 0.0)),
        Node::Abs { a } => v(*a).abs(),
        Node::Exp { a } => v(*a).exp(),
        Node::Ln { a } => {
            let x = v(*a);
            if x > 0.0 {
                x.ln()
            } else {
                f64::NAN
            }
        }
        Node::Sqrt { a } => {
            let x = v(*a);
            if x >= 0.0 {
                x.sqrt()
            } else {
                f64::NAN
            }
        }
        Node::Pow { base, exponent } => v(*base).powf(*exponent),
        Node::Add { a, b } => v(*a) + v(*b),
        Node::Sub { a, b } => v(*a) - v(*b),
        Node::Mul { a, b } => v(*a) * v(*b),
        Node::Div { a, b } => v(*a) / v(*b),
        Node::Min { a, b } => nan_or(v(*a), v(*b), v(*a).min(v(*b))),
        Node::Max { a, b } => nan_or(v(*a), v(*b), v(*a).max(v(*b))),
        Node::Lt { a, b: c } => nan_or(v(*a), v(*c), b(v(*a) < v(*c))),
        Node::Le { a, b: c } => nan_or(v(*a), v(*c), b(v(*a) <= v(*c))),
        Node::Gt { a, b: c } => nan_or(v(*a), v(*c), b(v(*a) > v(*c))),
        Node::Ge { a, b: c } => nan_or(v(*a), v(*c), b(v(*a) >= v(*c))),
        Node::Eq { a, b: c } => nan_or(v(*a), v(*c), b(v(*a) == v(*c))),
        Node::Ne { a, b: c } => nan_or(v(*a), v(*c), b(v(*a) != v(*c))),
        Node::And { a, b: c } => nan_or(v(*a), v(*c), b(v(*a) != 0.0 && v(*c) != 0.0)),
        Node::Or { a, b: c } => nan_or(v(*a), v(*c), b(v(*a) != 0.0 || v(*c) != 0.0)),
        Node::If {
            cond,
            then,
            otherwise,
        } => {
            if v(*cond).is_nan() {
                f64::NAN
            } else if v(*cond) != 0.0 {
                v(*then)
            } else {
                v(*otherwise)
            }
        }
        Node::Match {
            scrutinee,
            arms,
            default,
        } => {
            if v(*scrutinee).is_nan() {
                return f64::NAN;
            }
            let s = v(*scrutinee) as usize;
            match arms.iter().find(|a| a.variant == s) {
                Some(a) => v(a.node),
                None => default.map_or(f64::NAN, v),
            }
        }
        Node::Round { value, step } => pcr_plan::round::round_to_step(v(*value), v(*step)),
        Node::Gwp { gas, gases, .. } => {
            let s = v(*gas);
            if s >= 0.0 {
                gases
                    .get(s as usize)
                    .and_then(|g| g.gwp)
                    .unwrap_or(f64::NAN)
            } else {
                f64::NAN
            }
        }
        Node::Lookup { key, values } => values.get(v(*key) as usize).copied().unwrap_or(f64::NAN),
        Node::Sum { body, result, .. } => {
            let outer_here = |i: usize| v(i);
            row.items
                .iter()
                .map(|e| naive(body, *result, row, factors, Some(*e), &outer_here))
                .sum()
        }
        Node::Field { field } => elem.map_or(f64::NAN, |(m, kk)| if *field == 0 { m } else { kk }),
        Node::Outer { node } => outer(*node),
    }
}

fn op(code: u8, a: usize, b: usize, c: usize) -> Node {
    match code % 24 {
        0 => Node::Neg { a },
        1 => Node::Not { a },
        2 => Node::Abs { a },
        3 => Node::Pow {
            base: a,
            exponent: 2.0,
        },
        4 => Node::Add { a, b },
        5 => Node::Sub { a, b },
        6 => Node::Mul { a, b },
        7 => Node::Div { a, b },
        8 => Node::Min { a, b },
        9 => Node::Max { a, b },
        10 => Node::Lt { a, b },
        11 => Node::Ge { a, b },
        12 => Node::Eq { a, b },
        13 => Node::Ne { a, b },
        14 => Node::And { a, b },
        15 => Node::Or { a, b },
        16 => Node::If {
            cond: a,
            then: b,
            otherwise: c,
        },
        17 => Node::Le { a, b },
        18 => Node::Gt { a, b },
        19 => Node::Pow {
            base: a,
            exponent: 0.5,
        },
        20 => Node::Exp { a },
        21 => Node::Ln { a },
        22 => Node::Sqrt { a },
        _ => Node::Round { value: a, step: b },
    }
}

fn build_nodes(ops: &[(u8, usize, usize, usize)]) -> Vec<Node> {
    let mut nodes = vec![
        Node::Input { input: 0 },
        Node::Input { input: 1 },
        Node::Input { input: 2 },
        Node::Input { input: 3 },
        Node::Factor { factor: 0 },
        Node::Const { value: 3.0 },
        Node::EnumConst { variant: 1 },
    ];
    for &(code, a, b, c) in ops {
        let n = nodes.len();
        let (a, b, c) = (a % n, b % n, c % n);
        match code % 26 {
            24 | 25 => nodes.push(Node::Lookup {
                key: if code % 2 == 0 { 3 } else { 6 },
                values: vec![1.5, 0.25, 40.0],
            }),
            20 | 21 => nodes.push(Node::Match {
                scrutinee: 3,
                arms: vec![
                    MatchArm {
                        variant: 0,
                        node: a,
                    },
                    MatchArm {
                        variant: 2,
                        node: b,
                    },
                ],
                default: Some(c),
            }),
            22 | 23 => nodes.push(Node::Sum {
                list: 4,
                body: vec![
                    Node::Field { field: 0 },
                    Node::Field { field: 1 },
                    Node::Outer { node: a },
                    Node::Mul { a: 0, b: 2 },
                    op(code / 24, 3, 1, 2),
                ],
                result: if code % 2 == 0 { 3 } else { 4 },
            }),
            _ => nodes.push(op(code, a, b, c)),
        }
    }
    nodes
}

fn row_strategy() -> impl Strategy<Value = Row> {
    (
        prop::array::uniform3(prop_oneof![Just(0.0), 0.0..100.0f64]),
        0usize..3,
        prop::collection::vec((0.0..50.0f64, 0.0..1.0f64), 0..4),
    )
        .prop_map(|(x, route, items)| Row { x, route, items })
}

fn same(a: f64, b: f64) -> bool {
    (a.is_nan() && b.is_nan()) || a == b || (a - b).abs() <= 1e-9 * a.abs().max(b.abs())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn columnar_matches_per_row(
        ops in prop::collection::vec((any::<u8>(), any::<usize>(), any::<usize>(), any::<usize>()), 1..25),
        rows in prop::collection::vec(row_strategy(), 1..40),
        chunk in 1usize..17,
    ) {
        let plan = base_plan(build_nodes(&ops));
        plan.validate().unwrap();
        let factors = FactorDb::new().resolve(&plan, &BTreeMap::new()).unwrap();
        let program = Program::compile(&plan, &factors.values);
        let mut ws = Workspace::default();
        let mut cols = InputColumns::new(&plan);
        for part in rows.chunks(chunk) {
            cols.clear();
            for r in part {
                cols.start_row();
                cols.set(0, r.x[0]);
                cols.set(1, r.x[1]);
                cols.set(2, r.x[2]);
                cols.set(3, r.route as f64);
                cols.give_list(4);
                for (m, k) in &r.items {
                    cols.push_element(4, &[*m, *k]);
                }
                cols.finish_row();
            }
            program.run(&cols, &mut ws);
            for k in 0..plan.nodes.len() {
                let got = program.node_values(k, &cols, &ws);
                for (i, r) in part.iter().enumerate() {
                    let want = naive(&plan.nodes, k, r, &factors.values, None, &|_| f64::NAN);
                    prop_assert!(same(got.get(i), want), "node {k} {:?} row {i}: {} vs {want}", plan.nodes[k], got.get(i));
                }
            }
        }
    }
}
