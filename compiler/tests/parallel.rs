//! A long rule is parsed and its emissions checked on two threads; the
//! result must be exactly what one thread gives, errors and warnings included.

use pcr_compiler::{analyze, Options, SourceLoader};
use std::fmt::Write as _;
use std::path::Path;

struct NoFiles;

impl SourceLoader for NoFiles {
    fn load(&self, _: &Path) -> Option<String> {
        None
    }
}

/// A rule with `n` emissions; some inputs and factors are unused, some
/// factors are wrong, and every 997th emission or default has a mistake of
/// its own kind. Some lets use lets from the other end of the rule, some
/// defaults use lets, and with `cycle` two lets in the middle use each
/// other. Long enough that the values are checked on two threads.
fn long_rule(n: usize, cycle: bool) -> String {
    let mut s = String::from(
        "rule long {\n    title \"长\" en \"Long\"\n    version \"1.0.0\"\n    declared_unit 1 t\n    boundary cradle_to_gate\n    gwp ar6\n    cutoff item 1% total 5%\n    input output: t\n    stage raw_material_acquisition {\n        emission base = 1 kgCO2e/t\n    }\n    stage production {\n",
    );
    for i in 0..n {
        let value = match i % 997 {
            1 => format!("l{i} + missing_{i}"),
            2 => format!("e{i} / output"),
            3 => format!("-{i} kgCO2e/t"),
            4 => format!("l{i} + 2 kgCO2/t"),
            _ => format!("l{i} + 0.5 * e{i} * 0.6 kgCO2e/kWh / output"),
        };
        let _ = writeln!(s, "        emission x{i} = {value}");
        if i % 50 == 7 {
            let _ = writeln!(s, "        emission y{i} = c{i} + l{i}");
        }
        if cycle && i == n / 4 {
            // Reached early by the first thread, from its end of the cycle.
            let _ = writeln!(s, "        emission z{i} = cyc_b + l{i}");
        }
    }
    s.push_str("    }\n");
    for i in 0..n {
        if i % 997 == 5 {
            let _ = writeln!(s, "    input e{i}: MWh = 5 kg");
        } else {
            let _ = writeln!(s, "    input e{i}: MWh = {} MWh", i % 97 + 1);
        }
        if i % 97 == 0 {
            // The classic mistake: a CO2 factor declared as CO2e (E0203).
            let _ = writeln!(
                s,
                "    factor f{i}: kgCO2e/kWh = 0.5 kgCO2/kWh source \"x\""
            );
        }
        let _ = writeln!(s, "    input unused{i}: kg",);
        let _ = writeln!(s, "    let l{i} = e{i} * 56.1 kgCO2/GJ * gwp.CO2 / output");
        if i % 50 == 7 {
            // A let using a let from the other end, and one using that.
            let _ = writeln!(s, "    let c{i} = b{i} * 2");
            let _ = writeln!(s, "    let b{i} = l{} + l{i}", n - 1 - i);
        }
        if i % 997 == 6 {
            let _ = writeln!(s, "    input d{i}: kgCO2e/t = l{i}");
        }
        if cycle && i == 2 * n / 3 {
            let _ = writeln!(s, "    let cyc_a = cyc_b * 2");
            let _ = writeln!(s, "    let cyc_b = cyc_a + l{i}");
        }
    }
    s.push_str("}\n");
    s
}

#[test]
fn two_threads_give_what_one_gives() {
    same_either_way(&long_rule(6_000, false));
}

#[test]
fn a_cycle_is_reported_as_one_thread_reports_it() {
    let text = long_rule(6_000, true);
    same_either_way(&text);
    let a = analyze("long.pcr", None, &text, &NoFiles, &Options::default());
    assert_eq!(
        a.diagnostics
            .iter()
            .filter(|d| d.code.code() == "E0103")
            .count(),
        1,
        "one cycle, reported once"
    );
}

fn same_either_way(text: &str) {
    let check = |sequential: bool, record: bool| {
        let options = Options {
            record,
            std_dir: None,
            sequential,
        };
        analyze("long.pcr", None, text, &NoFiles, &options)
    };
    for record in [false, true] {
        let one = check(true, record);
        let two = check(false, record);
        assert_eq!(one.diagnostics, two.diagnostics);
        let errors = one.diagnostics.iter().filter(|d| d.is_error()).count();
        let warnings = one.diagnostics.len() - errors;
        // Five kinds of mistake in about 6 of the 6,000 emissions or
        // defaults each, and 62 wrong factors.
        assert!(errors >= 80, "{errors} errors");
        assert!(one.diagnostics.iter().any(|d| d.code.code() == "E0203"));
        // Every `unused` input, and the lets and inputs the mistakes leave unused.
        assert!(warnings > 6_000, "{warnings} warnings");
        assert_eq!(format!("{:?}", one.rules), format!("{:?}", two.rules));
        assert_eq!(one.types.len(), two.types.len());
        assert_eq!(one.refs.len(), two.refs.len());
        let mut refs_one: Vec<String> = one.refs.iter().map(|r| format!("{r:?}")).collect();
        let mut refs_two: Vec<String> = two.refs.iter().map(|r| format!("{r:?}")).collect();
        refs_one.sort();
        refs_two.sort();
        assert_eq!(refs_one, refs_two);
    }
}
