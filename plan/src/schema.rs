//! The JSON Schema of the plan format, committed as `plan/plan.schema.json`
//! and kept in sync with serialisation by this module's tests.

/// The schema text.
pub const SCHEMA_JSON: &str = include_str!("../plan.schema.json");

/// The schema as a JSON value.
pub fn schema() -> serde_json::Value {
    serde_json::from_str(SCHEMA_JSON).unwrap_or(serde_json::Value::Null)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use serde_json::Value;

    use super::*;
    use crate::format::*;
    use crate::sample::hot_rolled_coil;

    fn keys(v: &Value) -> BTreeSet<String> {
        v.as_object().unwrap().keys().cloned().collect()
    }

    fn def<'a>(schema: &'a Value, path: &[&str]) -> &'a Value {
        let mut v = schema;
        for p in path {
            v = &v[*p];
        }
        v
    }

    /// Checks `obj`'s members against the schema object `s`: every member is
    /// a listed property, every required property is present, and (with
    /// `all_present`) every listed property is produced.
    fn check(what: &str, s: &Value, obj: &Value, all_present: bool) {
        let props = keys(&s["properties"]);
        let got = keys(obj);
        assert!(
            got.is_subset(&props),
            "{what}: members {:?} not in the schema",
            got.difference(&props).collect::<Vec<_>>()
        );
        let required: BTreeSet<String> = s["required"]
            .as_array()
            .map(|a| a.iter().map(|x| x.as_str().unwrap().to_string()).collect())
            .unwrap_or_default();
        assert!(
            required.is_subset(&got),
            "{what}: required {:?} missing",
            required.difference(&got).collect::<Vec<_>>()
        );
        if all_present {
            assert_eq!(
                props, got,
                "{what}: the schema lists properties that serialisation never produces"
            );
        }
    }

    #[test]
    fn schema_matches_serialisation() {
        let schema = schema();
        assert_eq!(schema["properties"]["format"]["const"], FormatVersion::TAG);
        let mut plan = hot_rolled_coil();
        plan.factors[0].doc = Some("grid electricity".into());
        plan.results.push(crate::format::ReportedResult {
            name: "carbon".into(),
            title_zh: Some("碳含量".into()),
            title_en: Some("carbon content".into()),
            unit: "kgC".into(),
            dimension: crate::dimension::Dimension::base("C"),
            node: 0,
        });
        plan.checked_values.push(crate::format::CheckedValue {
            name: "mass".into(),
            node: 0,
        });
        let v = serde_json::to_value(&plan).unwrap();
        let d = |n: &str| def(&schema, &["$defs", n]);
        check("plan", &schema, &v, true);
        check("rule", d("rule"), &v["rule"], true);
        check(
            "allocation",
            &d("rule")["properties"]["allocation"],
            &v["rule"]["allocation"],
            true,
        );
        check(
            "cutoff",
            &d("rule")["properties"]["cutoff"],
            &v["rule"]["cutoff"],
            true,
        );
        check(
            "declared_unit",
            d("declared_unit"),
            &v["declared_unit"],
            true,
        );
        for u in v["units"].as_object().unwrap().values() {
            check("unit", d("unit"), u, true);
        }
        let mut input_keys = BTreeSet::new();
        for i in v["inputs"].as_array().unwrap() {
            check("input", d("input"), i, false);
            input_keys.extend(keys(i));
            let kind_props = keys(&d("kind")["properties"]);
            assert!(
                keys(&i["kind"]).is_subset(&kind_props),
                "kind {:?}",
                i["kind"]
            );
        }
        assert_eq!(input_keys, keys(&d("input")["properties"]));
        let mut factor_keys = BTreeSet::new();
        for f in v["factors"].as_array().unwrap() {
            check("factor", d("factor"), f, false);
            factor_keys.extend(keys(f));
        }
        assert_eq!(factor_keys, keys(&d("factor")["properties"]));
        let node_ops: BTreeSet<String> = d("node")["properties"]["op"]["enum"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_str().unwrap().to_string())
            .collect();
        let node_props = keys(&d("node")["properties"]);
        let every_node = vec![
            Node::Const { value: 1.0 },
            Node::Input { input: 0 },
            Node::Factor { factor: 0 },
            Node::EnumConst { variant: 0 },
            Node::Neg { a: 0 },
            Node::Not { a: 0 },
            Node::Abs { a: 0 },
            Node::Exp { a: 0 },
            Node::Ln { a: 0 },
            Node::Sqrt { a: 0 },
            Node::Add { a: 0, b: 0 },
            Node::Sub { a: 0, b: 0 },
            Node::Mul { a: 0, b: 0 },
            Node::Div { a: 0, b: 0 },
            Node::Pow {
                base: 0,
                exponent: 2.0,
            },
            Node::Min { a: 0, b: 0 },
            Node::Max { a: 0, b: 0 },
            Node::Lt { a: 0, b: 0 },
            Node::Le { a: 0, b: 0 },
            Node::Gt { a: 0, b: 0 },
            Node::Ge { a: 0, b: 0 },
            Node::Eq { a: 0, b: 0 },
            Node::Ne { a: 0, b: 0 },
            Node::And { a: 0, b: 0 },
            Node::Or { a: 0, b: 0 },
            Node::If {
                cond: 0,
                then: 0,
                otherwise: 0,
            },
            Node::Match {
                scrutinee: 0,
                arms: vec![MatchArm {
                    variant: 0,
                    node: 0,
                }],
                default: Some(0),
            },
            Node::Round { value: 0, step: 0 },
            Node::Gwp {
                gas: 0,
                set: "ar6".into(),
                source: Some("IPCC".into()),
                gases: vec![GasGwp {
                    gas: "CO2".into(),
                    gwp: Some(1.0),
                }],
            },
            Node::Lookup {
                key: 0,
                values: vec![0.5, 0.25],
            },
            Node::Sum {
                list: 0,
                body: vec![Node::Field { field: 0 }, Node::Outer { node: 0 }],
                result: 0,
            },
            Node::Field { field: 0 },
            Node::Outer { node: 0 },
        ];
        let mut seen_ops = BTreeSet::new();
        let mut seen_props = BTreeSet::new();
        for n in &every_node {
            let nv = serde_json::to_value(n).unwrap();
            seen_ops.insert(nv["op"].as_str().unwrap().to_string());
            let k = keys(&nv);
            assert!(k.is_subset(&node_props), "node {nv}");
            seen_props.extend(k);
        }
        assert_eq!(seen_ops, node_ops);
        assert_eq!(seen_props, node_props);
        for s in v["stages"].as_array().unwrap() {
            check("stage", d("stage"), s, true);
        }
        for s in v["exclusions"].as_array().unwrap() {
            check("exclusion", d("exclusion"), s, true);
        }
        for s in v["emissions"].as_array().unwrap() {
            check("emission", d("emission"), s, true);
        }
        check("grades", d("grades"), &v["grades"], true);
        for s in v["results"].as_array().unwrap() {
            check("result", d("result"), s, true);
        }
        for s in v["checked_values"].as_array().unwrap() {
            check("checked value", d("checked_value"), s, true);
        }
        let kinds = &d("expectation")["properties"]["target"]["properties"]["kind"]["enum"];
        for target in [
            crate::format::Target::Result("r".into()),
            crate::format::Target::Value("v".into()),
        ] {
            let t = serde_json::to_value(&target).unwrap();
            assert!(kinds.as_array().unwrap().contains(&t["kind"]), "target {t}");
        }
        for e in v["examples"].as_array().unwrap() {
            check("example", d("example"), e, true);
            for x in e["expects"].as_array().unwrap() {
                check("expectation", d("expectation"), x, true);
            }
        }
    }
}
