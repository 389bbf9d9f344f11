//! The prelude against the sources: GWP values as the IPCC gives them, every
//! required unit with labels, and exact conversions.

use pcr_compiler::rational::Rational;
use pcr_compiler::{analyze, Analysis, Options, SourceLoader};
use proptest::prelude::*;
use std::path::Path;

struct NoFiles;

impl SourceLoader for NoFiles {
    fn load(&self, _: &Path) -> Option<String> {
        None
    }
}

fn prelude() -> Analysis {
    let a = analyze("empty.pcr", None, "", &NoFiles, &Options::default());
    assert!(
        a.diagnostics.is_empty(),
        "the prelude has diagnostics: {:?}",
        a.diagnostics
    );
    a
}

/// GWP100 values, kgCO2e per kg of gas, kept here independently of the prelude.
/// AR6: IPCC AR6 WG1 Chapter 7 Supplementary Material, Table 7.SM.7; fossil and
/// non-fossil methane from AR6 WG1 Table 7.15. AR5: IPCC AR5 WG1 Table 8.A.1
/// (without climate-carbon feedbacks); fossil methane from its Table 8.A.1 notes.
/// AR4: IPCC AR4 WG1 Table 2.14.
const GWP: &[(&str, &[(&str, f64)])] = &[
    (
        "ar6",
        &[
            ("CO2", 1.0),
            ("CH4", 27.9),
            ("CH4_fossil", 29.8),
            ("CH4_non_fossil", 27.0),
            ("N2O", 273.0),
            ("SF6", 25200.0),
            ("NF3", 17400.0),
            ("HFC23", 14600.0),
            ("HFC32", 771.0),
            ("HFC125", 3740.0),
            ("HFC134a", 1530.0),
            ("HFC143a", 5810.0),
            ("CF4", 7380.0),
            ("C2F6", 12400.0),
        ],
    ),
    (
        "ar5",
        &[
            ("CO2", 1.0),
            ("CH4", 28.0),
            ("CH4_fossil", 30.0),
            ("N2O", 265.0),
            ("SF6", 23500.0),
            ("NF3", 16100.0),
            ("HFC23", 12400.0),
            ("HFC32", 677.0),
            ("HFC125", 3170.0),
            ("HFC134a", 1300.0),
            ("HFC143a", 4800.0),
            ("CF4", 6630.0),
            ("C2F6", 11100.0),
        ],
    ),
    (
        "ar4",
        &[
            ("CO2", 1.0),
            ("CH4", 25.0),
            ("N2O", 298.0),
            ("SF6", 22800.0),
            ("NF3", 17200.0),
            ("HFC23", 14800.0),
            ("HFC32", 675.0),
            ("HFC125", 3500.0),
            ("HFC134a", 1430.0),
            ("HFC143a", 4470.0),
            ("CF4", 7390.0),
            ("C2F6", 12200.0),
        ],
    ),
];

#[test]
fn gwp_values_match_the_ipcc_tables() {
    let a = prelude();
    for (set, values) in GWP {
        let Some(def) = a.world.gwp_sets.get(*set) else {
            panic!("no GWP set `{set}`")
        };
        for (gas, expected) in *values {
            let Some(v) = def.values.iter().find(|v| v.gas == *gas) else {
                panic!("`{set}` has no `{gas}`")
            };
            assert_eq!(v.value.to_f64(), *expected, "{set}.{gas}");
            assert!(
                v.source.as_deref().is_some_and(|s| !s.is_empty()) || def.source.is_some(),
                "{set}.{gas} has no source"
            );
        }
    }
}

#[test]
fn every_required_unit_exists_with_labels() {
    let a = prelude();
    let required = "kg g t kt Mt J kJ MJ GJ TJ Wh kWh MWh GWh m km m2 km2 m3 L s h d yr tkm piece kgCO2e gCO2e tCO2e kgCO2 tCO2 kgCH4 tCH4 kgN2O tN2O kgSF6 kgNF3 kgHFC23 kgHFC32 kgHFC125 kgHFC134a kgHFC143a kgCF4 kgC2F6 kgC tC CNY USD EUR";
    for name in required.split_whitespace() {
        let Some(u) = a.world.units.get(name) else {
            panic!("missing unit `{name}`")
        };
        assert!(
            u.zh.is_some() && u.en.is_some(),
            "unit `{name}` lacks bilingual labels"
        );
    }
    let exact = |name: &str| {
        a.world
            .units
            .get(name)
            .map(|u| u.factor)
            .unwrap_or(Rational::ZERO)
    };
    assert_eq!(
        exact("kWh"),
        Rational::new(3_600_000, 1).unwrap_or(Rational::ZERO)
    );
    assert_eq!(exact("kWh").div(exact("MJ")), Rational::new(18, 5));
    assert_eq!(exact("t"), Rational::integer(1000));
    assert_eq!(exact("tkm"), Rational::integer(1_000_000));
    assert_eq!(
        Some(a.world.units["tkm"].dim.clone()),
        a.world.units["t"].dim.mul(&a.world.units["km"].dim)
    );
    for (gas, unit) in [
        ("CO2e", "kgCO2e"),
        ("CO2", "kgCO2"),
        ("CH4", "kgCH4"),
        ("C", "kgC"),
    ] {
        assert_eq!(a.world.canonical_unit(&a.world.dimensions[gas].dim), unit);
    }
}

proptest! {
    /// Converting a quantity to another unit of the same dimension and back is exact.
    #[test]
    fn unit_round_trips_are_exact(value_num in 1i64..10_000_000, value_den in 1i64..10_000, pick in 0usize..1000) {
        let a = prelude();
        let mut units: Vec<_> = a.world.units.values().collect();
        units.sort_by(|x, y| x.name.cmp(&y.name));
        let from = units[pick % units.len()];
        let same: Vec<_> = units.iter().filter(|u| u.dim == from.dim).collect();
        let to = same[(pick / 7) % same.len()];
        let q = Rational::new(value_num as i128, value_den as i128).unwrap_or(Rational::ONE);
        let there = q.mul(from.factor).and_then(|c| c.div(to.factor));
        prop_assert!(there.is_some());
        let back = there.and_then(|x| x.mul(to.factor)).and_then(|c| c.div(from.factor));
        prop_assert_eq!(back, Some(q));
    }
}
