//! Plans built once per fuzzing process from the repository's rules
//! (`stdlib-rules/sectors`, `tests/rules`), with the standard factor
//! database, for the activity-data and plan targets.

use pcr_compiler::{analyze, DiskLoader, Options};
use pcr_plan::{FactorDb, Plan, ResolvedFactors};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// A plan whose factors all resolve against [`Stdlib::factors`].
pub struct BuiltPlan {
    pub plan: Plan,
    pub resolved: ResolvedFactors,
}

/// The plans and the factor database.
pub struct Stdlib {
    pub plans: Vec<BuiltPlan>,
    pub factors: FactorDb,
}

impl Stdlib {
    /// The plan chosen by a fuzz input's selector byte.
    pub fn pick(&self, selector: u8) -> &BuiltPlan {
        &self.plans[usize::from(selector) % self.plans.len()]
    }
}

/// The repository's root (the fuzz crate lives in `fuzz/`).
pub fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from(".."))
}

/// Build the plans once. Panics (at fuzzer start, not per input) when no
/// rule of the repository builds: the target would test nothing.
pub fn stdlib() -> &'static Stdlib {
    static STDLIB: OnceLock<Stdlib> = OnceLock::new();
    STDLIB.get_or_init(build)
}

fn build() -> Stdlib {
    let root = repository();
    let factors = FactorDb::from_csv_files(&[root.join("stdlib-rules/factors/all.csv")])
        .unwrap_or_else(|e| panic!("pcr-fuzz: the standard factor database does not load: {e:?}"));
    let mut files = Vec::new();
    rule_files(&root.join("stdlib-rules/sectors"), &mut files);
    rule_files(&root.join("tests/rules"), &mut files);
    files.sort();
    let mut plans = vec![];
    let sample = pcr_plan::sample::hot_rolled_coil();
    if let Ok(resolved) = factors.resolve(&sample, &Default::default()) {
        plans.push(BuiltPlan {
            plan: sample,
            resolved,
        });
    }
    for path in files {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let analysis = analyze(
            &path.display().to_string(),
            Some(&path),
            text,
            &DiskLoader,
            &Options::default(),
        );
        if analysis.has_errors() {
            continue;
        }
        for rule in &analysis.rules {
            let Ok(plan) = pcr_compiler::lower::lower(&analysis, rule) else {
                continue;
            };
            if plan.validate().is_err() {
                panic!(
                    "pcr-fuzz: the compiler built an invalid plan for `{}`",
                    rule.name
                );
            }
            if let Ok(resolved) = factors.resolve(&plan, &Default::default()) {
                plans.push(BuiltPlan { plan, resolved });
            }
        }
    }
    assert!(
        !plans.is_empty(),
        "pcr-fuzz: no plan could be built from the repository's rules"
    );
    Stdlib { plans, factors }
}

fn rule_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rule_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "pcr") {
            out.push(path);
        }
    }
}
