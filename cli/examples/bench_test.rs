//! `pcr test` on one file of 1,000 / 4,000 / 8,000 generated rules, each with
//! one worked example: prints the time per run and per rule, which stays
//! flat when `pcr test` is linear in the number of rules.
//!
//! Runs the `pcr` binary built beside this example, so build both first:
//! `cargo build --release -p pcr --examples && cargo run --release -p pcr --example bench_test`
//! (or set `PCR_BIN`).

use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

fn rule(i: usize) -> String {
    format!(
        "rule r{i} {{
    title \"t{i}\" en \"t{i}\"
    version \"0.1.0\"
    declared_unit 1 t
    boundary gate_to_gate
    gwp ar6
    cutoff item 1% total 5%
    input output: t
    input electricity: MWh
    factor grid: kgCO2e/kWh = 0.5 kgCO2e/kWh source \"illustrative\"
    stage production {{
        emission electricity = electricity * grid / output
    }}
    exclude capital_goods \"Capital goods\" share 0.5%
    example \"e\" {{
        given output = 1000 t
        given electricity = 450 MWh
        expect footprint == 225 kgCO2e within 0.1%
    }}
}}
"
    )
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let pcr = match std::env::var_os("PCR_BIN") {
        Some(p) => PathBuf::from(p),
        None => {
            let exe = std::env::current_exe()?;
            let dir = exe
                .parent()
                .and_then(|examples| examples.parent())
                .ok_or("cannot find the target folder")?;
            dir.join("pcr")
        }
    };
    if !pcr.is_file() {
        return Err(format!(
            "no pcr binary at {} (build it, or set PCR_BIN)",
            pcr.display()
        )
        .into());
    }
    let dir = std::env::temp_dir().join(format!("pcr-bench-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    println!(
        "pcr test, one file of N rules, one example each ({})",
        pcr.display()
    );
    for n in [1_000, 4_000, 8_000] {
        let path = dir.join(format!("rules_{n}.pcr"));
        std::fs::write(&path, (0..n).map(rule).collect::<String>())?;
        let start = Instant::now();
        let out = Command::new(&pcr).arg("test").arg(&path).output()?;
        let seconds = start.elapsed().as_secs_f64();
        let summary = String::from_utf8_lossy(&out.stdout)
            .lines()
            .last()
            .unwrap_or_default()
            .to_string();
        if summary != format!("{n} passed, 0 failed") {
            return Err(format!("{n} rules: unexpected summary `{summary}`").into());
        }
        println!(
            "{n:>5} rules: {seconds:7.3} s, {:6.1} µs per rule",
            seconds * 1e6 / n as f64
        );
    }
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}
