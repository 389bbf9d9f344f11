//! Running a plan's worked examples (`docs/src/examples.md`).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::columns::{prepare, InputColumns, Prepared};
use crate::error::{DataError, DataErrorKind, DataErrors};
use crate::eval::Evaluator;
use crate::factors::FactorDb;
use crate::format::{Example, Expected, InputKind, Plan, Target, Tolerance};

/// The outcome of one example.
#[derive(Debug, Clone, Serialize)]
pub struct ExampleOutcome {
    /// Example name.
    pub name: String,
    /// Problems that stopped the example (bad `given`, missing factor key,
    /// refused result); then `checks` is empty.
    pub errors: Vec<String>,
    /// One per expectation.
    pub checks: Vec<CheckOutcome>,
}

impl ExampleOutcome {
    /// Whether every expectation held and nothing failed.
    pub fn passed(&self) -> bool {
        self.errors.is_empty() && self.checks.iter().all(|c| c.passed)
    }
}

/// The value of a check: a number (kgCO2e per declared unit) or a grade.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum CheckValue {
    /// kgCO2e per declared unit.
    Number(f64),
    /// Grade name.
    Grade(String),
    /// Nothing to compare (unknown stage, emission or category name).
    Missing,
}

/// The outcome of one expectation.
#[derive(Debug, Clone, Serialize)]
pub struct CheckOutcome {
    /// What was compared.
    pub target: Target,
    /// Expected value.
    pub expected: CheckValue,
    /// Actual value.
    pub actual: CheckValue,
    /// Tolerance used.
    pub tolerance: Tolerance,
    /// Whether it held.
    pub passed: bool,
}

/// Fills one row of `cols` from an example's `given`; returns factor overrides.
fn given_row(
    plan: &Plan,
    ex: &Example,
    cols: &mut InputColumns,
) -> Result<BTreeMap<usize, f64>, Vec<String>> {
    let mut errors = Vec::new();
    let mut overrides = BTreeMap::new();
    cols.start_row();
    let mut given = vec![false; plan.inputs.len()];
    for (name, value) in &ex.given {
        if let Some(i) = plan.input_index(name) {
            given[i] = true;
            match prepare(&plan.inputs[i].kind, value) {
                Ok(Prepared::Scalar(x)) => cols.set(i, x),
                Ok(Prepared::List(items)) => {
                    cols.give_list(i);
                    for it in &items {
                        cols.push_element(i, it);
                    }
                }
                Err(e) => errors.push(format!("given `{name}`: {e}")),
            }
        } else if let Some(f) = plan.factor_index(name) {
            match value {
                crate::format::Value::Number(x) => {
                    overrides.insert(f, *x);
                }
                v => errors.push(format!(
                    "given `{name}`: a factor takes a number, found {v:?}"
                )),
            }
        } else {
            errors.push(format!("given `{name}` is neither an input nor a factor"));
        }
    }
    for (i, input) in plan.inputs.iter().enumerate() {
        if !given[i] && input.required() && !matches!(input.kind, InputKind::Text) {
            errors.push(format!("missing required input `{}`", input.name));
        }
    }
    cols.finish_row();
    if errors.is_empty() {
        Ok(overrides)
    } else {
        Err(errors)
    }
}

/// Runs one worked example: `given` values, factor overrides, then the
/// factor database for the remaining `db` factors; compares every
/// expectation with its tolerance.
pub fn run_example(plan: &Plan, example: &Example, factors: &FactorDb) -> ExampleOutcome {
    let mut outcome = ExampleOutcome {
        name: example.name.clone(),
        errors: Vec::new(),
        checks: Vec::new(),
    };
    let mut cols = InputColumns::new(plan);
    let overrides = match given_row(plan, example, &mut cols) {
        Ok(o) => o,
        Err(e) => {
            outcome.errors = e;
            return outcome;
        }
    };
    let resolved = match factors.resolve(plan, &overrides) {
        Ok(r) => r,
        Err(e) => {
            outcome.errors = e.errors.iter().map(ToString::to_string).collect();
            return outcome;
        }
    };
    let mut ev = Evaluator::new(plan, resolved);
    let res = ev.evaluate_batch(&cols);
    if !res.errors.is_empty() {
        outcome.errors = res.errors.iter().map(|(_, k)| k.to_string()).collect();
        return outcome;
    }
    let result = ev.product_result(0);
    for exp in &example.expects {
        let actual = match &exp.target {
            Target::Footprint => CheckValue::Number(result.footprint),
            Target::Stage(s) => plan
                .stages
                .iter()
                .position(|st| st.name == *s)
                .map_or(CheckValue::Missing, |i| {
                    CheckValue::Number(ev.results().stages[i][0])
                }),
            Target::Emission(e) => result
                .emissions
                .get(e)
                .map_or(CheckValue::Missing, |v| CheckValue::Number(*v)),
            Target::Category(c) => plan
                .categories
                .iter()
                .position(|x| x == c)
                .map_or(CheckValue::Missing, |i| {
                    CheckValue::Number(ev.results().categories[i][0])
                }),
            Target::Grade => result
                .grade
                .clone()
                .map_or(CheckValue::Missing, CheckValue::Grade),
            Target::Result(x) => result
                .results
                .get(x)
                .map_or(CheckValue::Missing, |v| CheckValue::Number(v.value)),
            Target::Value(x) => plan
                .checked_values
                .iter()
                .position(|v| v.name == *x)
                .map_or(CheckValue::Missing, |i| {
                    CheckValue::Number(ev.results().values[i][0])
                }),
        };
        let expected = match &exp.value {
            Expected::Number(x) => CheckValue::Number(*x),
            Expected::Grade(g) => CheckValue::Grade(g.clone()),
        };
        let passed = match (&expected, &actual) {
            (CheckValue::Number(e), CheckValue::Number(a)) => exp.tolerance.accepts(*e, *a),
            (CheckValue::Grade(e), CheckValue::Grade(a)) => e == a,
            _ => false,
        };
        outcome.checks.push(CheckOutcome {
            target: exp.target.clone(),
            expected,
            actual,
            tolerance: exp.tolerance,
            passed,
        });
    }
    outcome
}

impl Plan {
    /// Evaluates one product. The provenance's `plan_sha256` is the hash of
    /// this plan's pretty JSON; a caller holding the plan file should build
    /// an [`Evaluator`] once and use [`Evaluator::evaluate_product`] with
    /// the hash of the file's bytes (the CLI does).
    pub fn evaluate(
        &self,
        data: &crate::data::ActivityData,
        factors: &FactorDb,
    ) -> Result<crate::result::ProductResult, DataErrors> {
        let resolved = factors.resolve(self, &BTreeMap::new())?;
        let mut ev = Evaluator::new(self, resolved);
        let mut r = ev.evaluate_product(data)?;
        let plan_sha = crate::factors::sha256_hex(self.to_json_pretty().as_bytes());
        r.provenance = Some(ev.provenance(&plan_sha, &data.sha256, &factors.sha256()));
        Ok(r)
    }
}

impl Evaluator<'_> {
    /// Evaluates one product's activity data: its result without
    /// provenance, or the reasons it is refused.
    pub fn evaluate_product(
        &mut self,
        data: &crate::data::ActivityData,
    ) -> Result<crate::result::ProductResult, DataErrors> {
        let res = self.evaluate_batch(&data.columns);
        if !res.errors.is_empty() {
            let mut errors = DataErrors::new();
            for (_, k) in &res.errors {
                errors.push(DataError::new(k.clone()));
            }
            return Err(errors);
        }
        if !res.ok.first().copied().unwrap_or(false) {
            return Err(DataError::new(DataErrorKind::Syntax {
                format: "activity data".into(),
                reason: "the product has data errors".into(),
            })
            .into());
        }
        Ok(self.product_result(0))
    }
}
