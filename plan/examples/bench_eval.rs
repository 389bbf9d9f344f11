//! Evaluator throughput: `cargo run -p pcr-plan --release --example bench_eval [rows]`.
//!
//! Builds a 10-emission plan in code, writes a CSV of N rows (default
//! 1,000,000) to a temporary file, and prints end-to-end CSV → CSV
//! products/s, evaluator-only products/s, a hand-written Rust version of
//! the same rule, and peak memory (VmHWM).

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::time::Instant;

use pcr_plan::batch::{run_csv, BatchOptions, OutputFormat};
use pcr_plan::columns::InputColumns;
use pcr_plan::format::*;
use pcr_plan::{Dimension, Evaluator, FactorDb, UnitTable};

/// The allocator the `pcr` binary uses, so that the figures are the binary's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const N_EM: usize = 10;

fn plan() -> Plan {
    let energy = Dimension::from_pairs(&[("Mass", 1), ("Length", 2), ("Time", -2)]);
    let mut units = UnitTable::new();
    units.insert("kg", 1.0, Dimension::base("Mass"));
    units.insert("t", 1e3, Dimension::base("Mass"));
    units.insert("kWh", 3.6e6, energy.clone());
    units.insert("MWh", 3.6e9, energy.clone());
    units.insert("kgCO2e", 1.0, Dimension::base("CO2e"));
    let q = |u: &str, f: f64, d: &Dimension| InputKind::Quantity {
        dimension: d.clone(),
        unit: u.into(),
        factor: f,
    };
    let mut inputs = vec![Input {
        name: "output".into(),
        doc: None,
        kind: q("t", 1e3, &Dimension::base("Mass")),
        default: None,
    }];
    let mut factors = Vec::new();
    let mut nodes = vec![Node::Input { input: 0 }];
    let mut emissions = Vec::new();
    let fdim = Dimension::base("CO2e").div(&energy).unwrap_or_default();
    for i in 0..N_EM {
        inputs.push(Input {
            name: format!("a{i}"),
            doc: None,
            kind: q("MWh", 3.6e9, &energy),
            default: None,
        });
        let v = 0.1 + 0.05 * i as f64;
        factors.push(Factor {
            name: format!("f{i}"),
            doc: None,
            unit: "kgCO2e/kWh".into(),
            dimension: fdim.clone(),
            factor: 1.0 / 3.6e6,
            value: FactorValue::Literal {
                value: v / 3.6e6,
                value_in_unit: v,
                source: None,
            },
        });
        let base = nodes.len();
        nodes.push(Node::Input { input: i + 1 });
        nodes.push(Node::Factor { factor: i });
        nodes.push(Node::Mul {
            a: base,
            b: base + 1,
        });
        nodes.push(Node::Div { a: base + 2, b: 0 });
        emissions.push(Emission {
            name: format!("e{i}"),
            stage: if i < 3 {
                "raw_material_acquisition".into()
            } else {
                "production".into()
            },
            category: "fossil".into(),
            node: base + 3,
        });
    }
    let stage = |n: &str| Stage {
        name: n.into(),
        title_zh: n.into(),
        title_en: n.into(),
        in_footprint: true,
    };
    Plan {
        format: FormatVersion,
        rule: RuleInfo {
            name: "bench".into(),
            version: "1.0.0".into(),
            title: "基准".into(),
            title_en: "bench".into(),
            standard: None,
            source_sha256: String::new(),
            boundary: "cradle_to_gate".into(),
            gwp: "ar6".into(),
            allocation: None,
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
        stages: vec![stage("raw_material_acquisition"), stage("production")],
        exclusions: vec![],
        emissions,
        categories: vec!["fossil".into(), "biogenic_removal".into()],
        results: vec![],
        checked_values: vec![],
        grades: Some(Grades {
            classes: vec![
                GradeClass {
                    name: "A".into(),
                    max: 1000.0,
                },
                GradeClass {
                    name: "B".into(),
                    max: 2000.0,
                },
            ],
            otherwise: "C".into(),
        }),
        examples: vec![],
    }
}

/// A tiny deterministic generator (xorshift).
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn vm_hwm_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(str::to_string)
        })
        .and_then(|l| {
            l.split_whitespace()
                .nth(1)
                .and_then(|k| k.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

/// The same rule written by hand: per product, emissions → footprint,
/// stages, grade; writes into the given output columns.
#[allow(clippy::too_many_arguments)]
fn hand_written(
    output: &[f64],
    a: &[Vec<f64>],
    f: &[f64],
    fp: &mut [f64],
    s0: &mut [f64],
    s1: &mut [f64],
    grade: &mut [u8],
) -> usize {
    let mut refused = 0;
    for r in 0..output.len() {
        let (mut t0, mut t1) = (0.0, 0.0);
        let mut bad = false;
        for i in 0..N_EM {
            let e = a[i][r] * f[i] / output[r] * 1000.0;
            bad |= !e.is_finite() || e < 0.0;
            if i < 3 {
                t0 += e;
            } else {
                t1 += e;
            }
        }
        refused += usize::from(bad);
        s0[r] = t0;
        s1[r] = t1;
        fp[r] = t0 + t1;
        grade[r] = if fp[r] <= 1000.0 {
            0
        } else if fp[r] <= 2000.0 {
            1
        } else {
            2
        };
    }
    refused
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let rows: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let plan = plan();
    plan.validate()?;
    let dir = std::env::temp_dir().join(format!("pcr-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let input = dir.join("data.csv");
    let output = dir.join("out.csv");
    {
        let mut w = BufWriter::new(File::create(&input)?);
        write!(w, "id,output [t]")?;
        for i in 0..N_EM {
            write!(w, ",a{i} [MWh]")?;
        }
        writeln!(w)?;
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        for r in 0..rows {
            write!(w, "p{r},{:.3}", 100.0 + 1000.0 * rng.next())?;
            for _ in 0..N_EM {
                write!(w, ",{:.3}", 500.0 * rng.next())?;
            }
            writeln!(w)?;
        }
    }
    let size = std::fs::metadata(&input)?.len();
    let resolved = FactorDb::new()
        .resolve(&plan, &BTreeMap::new())
        .map_err(|e| e.to_string())?;

    // End to end, CSV → CSV.
    let mut ev = Evaluator::new(&plan, resolved.clone());
    let t = Instant::now();
    let summary = run_csv(
        &mut ev,
        BufReader::with_capacity(1 << 16, File::open(&input)?),
        "data.csv",
        File::create(&output)?,
        &BatchOptions {
            format: OutputFormat::Csv,
            ..BatchOptions::default()
        },
    )?;
    let e2e = t.elapsed().as_secs_f64();
    assert_eq!(summary.written, rows, "{:?}", summary.errors);

    // Evaluator only: columns already in memory, chunks of 4096.
    let chunk = 4096;
    let mut cols = InputColumns::new(&plan);
    let mut rng = Rng(42);
    for _ in 0..chunk {
        cols.start_row();
        cols.set(0, (100.0 + 1000.0 * rng.next()) * 1e3);
        for i in 0..N_EM {
            cols.set(i + 1, 500.0 * rng.next() * 3.6e9);
        }
        cols.finish_row();
    }
    let reps = rows.div_ceil(chunk);
    let t = Instant::now();
    let mut check = 0.0;
    for _ in 0..reps {
        let res = ev.evaluate_batch(&cols);
        check += res.footprint[chunk - 1];
    }
    let eval_only = t.elapsed().as_secs_f64();

    // Hand-written over the same columns.
    let f: Vec<f64> = resolved.values.clone();
    let a: Vec<Vec<f64>> = (0..N_EM).map(|i| cols.values[i + 1].clone()).collect();
    let out0 = cols.values[0].clone();
    let (mut fp, mut s0, mut s1, mut grade) = (
        vec![0.0; chunk],
        vec![0.0; chunk],
        vec![0.0; chunk],
        vec![0u8; chunk],
    );
    let t = Instant::now();
    let mut hand_check = 0.0;
    for _ in 0..reps {
        let refused = hand_written(&out0, &a, &f, &mut fp, &mut s0, &mut s1, &mut grade);
        hand_check += fp[chunk - 1] + refused as f64;
        std::hint::black_box((&fp, &s0, &s1, &grade));
    }
    let hand = t.elapsed().as_secs_f64();
    assert!(
        (check - hand_check).abs() <= 1e-6 * check.abs(),
        "{check} vs {hand_check}"
    );

    let n_eval = (reps * chunk) as f64;
    println!(
        "rows: {rows} ({:.1} MiB of CSV), {N_EM} emissions",
        size as f64 / 1048576.0
    );
    println!(
        "end to end CSV -> CSV: {:>12.0} products/s ({e2e:.3} s)",
        rows as f64 / e2e
    );
    println!(
        "evaluator only:        {:>12.0} products/s",
        n_eval / eval_only
    );
    println!(
        "hand-written Rust:     {:>12.0} products/s (evaluator takes {:.2}x its time)",
        n_eval / hand,
        eval_only / hand
    );
    println!("peak memory (VmHWM):   {:>12.1} MiB", vm_hwm_mib());
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
