//! A sample plan, hand-lowered from the first rule of `docs/src/rules.md`
//! (`hot_rolled_coil`), for documentation, tests and benchmarks.

use std::collections::BTreeMap;

use crate::dimension::{Dimension, UnitTable};
use crate::format::*;

/// The prelude units the sample needs.
pub fn units() -> UnitTable {
    let mass = Dimension::base("Mass");
    let len = Dimension::base("Length");
    let energy = Dimension::from_pairs(&[("Mass", 1), ("Length", 2), ("Time", -2)]);
    let mut u = UnitTable::new();
    for (n, f) in [("kg", 1.0), ("g", 1e-3), ("t", 1e3), ("kt", 1e6)] {
        u.insert(n, f, mass.clone());
    }
    for (n, f) in [("m", 1.0), ("km", 1e3)] {
        u.insert(n, f, len.clone());
    }
    for (n, f) in [
        ("J", 1.0),
        ("kJ", 1e3),
        ("MJ", 1e6),
        ("GJ", 1e9),
        ("Wh", 3600.0),
        ("kWh", 3.6e6),
        ("MWh", 3.6e9),
        ("GWh", 3.6e12),
    ] {
        u.insert(n, f, energy.clone());
    }
    u.insert(
        "tkm",
        1e6,
        Dimension::from_pairs(&[("Mass", 1), ("Length", 1)]),
    );
    for (n, f) in [("kgCO2e", 1.0), ("gCO2e", 1e-3), ("tCO2e", 1e3)] {
        u.insert(n, f, Dimension::base("CO2e"));
    }
    for (n, f) in [("kgCO2", 1.0), ("tCO2", 1e3)] {
        u.insert(n, f, Dimension::base("CO2"));
    }
    u.insert("piece", 1.0, Dimension::base("Count"));
    u
}

fn quantity(units: &UnitTable, unit: &str) -> InputKind {
    let u = units.parse(unit).unwrap_or(crate::dimension::UnitValue {
        factor: f64::NAN,
        dimension: Dimension::none(),
    });
    InputKind::Quantity {
        dimension: u.dimension,
        unit: unit.into(),
        factor: u.factor,
    }
}

fn literal(units: &UnitTable, name: &str, unit: &str, value: f64, source: &str) -> Factor {
    let u = units.parse(unit).unwrap_or(crate::dimension::UnitValue {
        factor: f64::NAN,
        dimension: Dimension::none(),
    });
    Factor {
        name: name.into(),
        doc: None,
        unit: unit.into(),
        dimension: u.dimension,
        factor: u.factor,
        value: FactorValue::Literal {
            value: value * u.factor,
            value_in_unit: value,
            source: Some(source.into()),
        },
    }
}

fn nodes() -> Vec<Node> {
    use Node::*;
    vec![
        Input { input: 0 }, // 0 output
        Sum {
            list: 5,
            body: vec![Field { field: 1 }],
            result: 0,
        }, // 1 material_mass
        Sum {
            list: 5,
            body: vec![Field { field: 1 }, Field { field: 2 }, Mul { a: 0, b: 1 }],
            result: 2,
        }, // 2
        Div { a: 2, b: 0 }, // 3 materials
        Input { input: 4 }, // 4 distance
        Factor { factor: 2 }, // 5 truck
        Mul { a: 1, b: 4 }, // 6
        Mul { a: 6, b: 5 }, // 7
        Div { a: 7, b: 0 }, // 8 inbound_transport
        Input { input: 1 }, // 9 electricity
        Factor { factor: 0 }, // 10 grid
        Mul { a: 9, b: 10 }, // 11
        Div { a: 11, b: 0 }, // 12 electricity
        Input { input: 2 }, // 13 natural_gas
        Factor { factor: 1 }, // 14 gas_ef
        Mul { a: 13, b: 14 }, // 15
        Factor { factor: 3 }, // 16 gwp.CO2
        Mul { a: 15, b: 16 }, // 17
        Div { a: 17, b: 0 }, // 18 gas
    ]
}

/// The `hot_rolled_coil` rule of `docs/src/rules.md` as a plan.
pub fn hot_rolled_coil() -> Plan {
    let units = units();
    let grid_unit = units
        .parse("kgCO2e/kWh")
        .unwrap_or(crate::dimension::UnitValue {
            factor: f64::NAN,
            dimension: Dimension::none(),
        });
    let inputs = vec![
        Input {
            name: "output".into(),
            doc: Some("Coil produced in the reference period.".into()),
            kind: quantity(&units, "t"),
            default: None,
        },
        Input {
            name: "electricity".into(),
            doc: None,
            kind: quantity(&units, "MWh"),
            default: None,
        },
        Input {
            name: "natural_gas".into(),
            doc: None,
            kind: quantity(&units, "GJ"),
            default: None,
        },
        Input {
            name: "route".into(),
            doc: None,
            kind: InputKind::Enum {
                name: "Route".into(),
                variants: vec!["bf_bof".into(), "eaf".into()],
            },
            default: Some(Value::Text("bf_bof".into())),
        },
        Input {
            name: "distance".into(),
            doc: Some("Rule default, used where the company has no measured distance.".into()),
            kind: quantity(&units, "km"),
            default: Some(Value::Number(300_000.0)),
        },
        Input {
            name: "materials".into(),
            doc: None,
            kind: InputKind::List {
                fields: vec![
                    ListField {
                        name: "name".into(),
                        kind: InputKind::Text,
                    },
                    ListField {
                        name: "mass".into(),
                        kind: quantity(&units, "t"),
                    },
                    ListField {
                        name: "ef".into(),
                        kind: quantity(&units, "kgCO2e/kg"),
                    },
                ],
            },
            default: None,
        },
    ];
    let factors = vec![
        Factor {
            name: "grid".into(),
            doc: None,
            unit: "kgCO2e/kWh".into(),
            dimension: grid_unit.dimension,
            factor: grid_unit.factor,
            value: FactorValue::Db {
                key: "CN.electricity.footprint.2023".into(),
            },
        },
        literal(
            &units,
            "gas_ef",
            "kgCO2/GJ",
            56.1,
            "IPCC 2006 Vol.2 Table 2.2",
        ),
        literal(&units, "truck", "kgCO2e/tkm", 0.06, "illustrative"),
        literal(
            &units,
            "gwp.CO2",
            "kgCO2e/kgCO2",
            1.0,
            "IPCC AR6 WG1 Table 7.SM.7",
        ),
    ];
    let nodes = nodes();
    let emission = |name: &str, stage: &str, node: usize| Emission {
        name: name.into(),
        stage: stage.into(),
        category: "fossil".into(),
        node,
    };
    let mut given = BTreeMap::new();
    given.insert("output".to_string(), Value::Number(1000.0 * 1e3));
    given.insert("electricity".to_string(), Value::Number(450.0 * 3.6e9));
    given.insert("natural_gas".to_string(), Value::Number(2000.0 * 1e9));
    let mut ore = BTreeMap::new();
    ore.insert("name".to_string(), Value::Text("iron ore".into()));
    ore.insert("mass".to_string(), Value::Number(1600.0 * 1e3));
    ore.insert("ef".to_string(), Value::Number(0.02));
    given.insert("materials".to_string(), Value::List(vec![ore]));
    given.insert("grid".to_string(), Value::Number(0.6205 / 3.6e6));
    Plan {
        format: FormatVersion,
        rule: RuleInfo {
            name: "hot_rolled_coil".into(),
            version: "0.1.0".into(),
            title: "热轧钢卷产品碳足迹核算规则".into(),
            title_en: "Carbon footprint rules for hot-rolled coil".into(),
            standard: Some("T/EXAMPLE 001-2026".into()),
            source_sha256: "0".repeat(64),
            boundary: "cradle_to_gate".into(),
            gwp: "ar6".into(),
            allocation: Some(Allocation {
                kind: "physical".into(),
                reason: "Mass allocation between coil and slag".into(),
            }),
            cutoff: Cutoff {
                item: 0.01,
                total: 0.05,
            },
        },
        declared_unit: DeclaredUnit {
            amount: 1.0,
            unit: "t".into(),
            dimension: Dimension::base("Mass"),
            canonical: 1000.0,
        },
        units,
        inputs,
        factors,
        nodes,
        stages: vec![
            Stage {
                name: "raw_material_acquisition".into(),
                title_zh: "原材料获取".into(),
                title_en: "raw material acquisition".into(),
                in_footprint: true,
            },
            Stage {
                name: "production".into(),
                title_zh: "生产".into(),
                title_en: "production".into(),
                in_footprint: true,
            },
        ],
        exclusions: vec![Exclusion {
            name: "capital_goods".into(),
            reason: "Capital goods, per the general rule".into(),
            share: 0.005,
            stage: false,
        }],
        emissions: vec![
            emission("materials", "raw_material_acquisition", 3),
            emission("inbound_transport", "raw_material_acquisition", 8),
            emission("electricity", "production", 12),
            emission("gas", "production", 18),
        ],
        categories: ["fossil", "biogenic", "biogenic_removal", "dluc", "aircraft"]
            .iter()
            .map(|s| s.to_string())
            .collect(),
        results: Vec::new(),
        checked_values: Vec::new(),
        grades: Some(Grades {
            classes: vec![
                GradeClass {
                    name: "A".into(),
                    max: 1600.0,
                },
                GradeClass {
                    name: "B".into(),
                    max: 2000.0,
                },
            ],
            otherwise: "C".into(),
        }),
        examples: vec![Example {
            name: "integrated plant".into(),
            given,
            expects: vec![
                Expectation {
                    target: Target::Footprint,
                    value: Expected::Number(452.225),
                    tolerance: Tolerance::Relative(0.001),
                },
                Expectation {
                    target: Target::Stage("production".into()),
                    value: Expected::Number(391.425),
                    tolerance: Tolerance::Relative(0.001),
                },
                Expectation {
                    target: Target::Grade,
                    value: Expected::Grade("A".into()),
                    tolerance: Tolerance::default(),
                },
            ],
        }],
    }
}
