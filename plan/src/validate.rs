//! [`Plan::validate`]: a plan is untrusted input. Every index, size and
//! number the evaluator relies on is checked here, so that evaluating a
//! validated plan can neither panic nor allocate without bound.

use crate::columns::prepare;
use crate::dimension::Dimension;
use crate::format::{Expected, FactorValue, Input, InputKind, Node, Plan, PlanError, Tolerance};

/// The largest enum variant index a plan may use (in `enum_const` nodes and
/// `match` arms): a `match` is compiled to a table this long.
pub const MAX_VARIANT: usize = 1 << 16;

fn invalid<T>(message: String) -> Result<T, PlanError> {
    Err(PlanError::Invalid(message))
}

fn finite(what: impl FnOnce() -> String, x: f64) -> Result<(), PlanError> {
    if x.is_finite() {
        Ok(())
    } else {
        invalid(format!("{} is not a finite number", what()))
    }
}

/// A conversion factor: finite and positive.
fn factor(what: impl FnOnce() -> String, x: f64) -> Result<(), PlanError> {
    if x.is_finite() && x > 0.0 {
        Ok(())
    } else {
        invalid(format!(
            "{} has conversion factor {x}, expected a finite positive number",
            what()
        ))
    }
}

fn dimension(what: impl FnOnce() -> String, d: &Dimension) -> Result<(), PlanError> {
    match d.0.iter().find(|(_, e)| e.is_zero()) {
        Some((base, _)) => invalid(format!("{} has a zero exponent for `{base}`", what())),
        None => Ok(()),
    }
}

impl Plan {
    /// Checks everything the evaluator relies on: nodes reference only
    /// earlier nodes, inputs, factors and list fields exist with suitable
    /// kinds, enum variants are bounded, numbers are finite, conversion
    /// factors positive, defaults fit their inputs, emissions name known
    /// stages and categories, grades increase, examples are well-formed.
    pub fn validate(&self) -> Result<(), PlanError> {
        factor(|| "the declared unit".into(), self.declared_unit.canonical)?;
        finite(
            || "the declared unit's amount".into(),
            self.declared_unit.amount,
        )?;
        dimension(|| "the declared unit".into(), &self.declared_unit.dimension)?;
        finite(|| "the item cut-off".into(), self.rule.cutoff.item)?;
        finite(|| "the total cut-off".into(), self.rule.cutoff.total)?;
        for (name, u) in &self.units.0 {
            factor(|| format!("unit `{name}`"), u.factor)?;
            dimension(|| format!("unit `{name}`"), &u.dimension)?;
        }
        for input in &self.inputs {
            self.validate_input(input)?;
        }
        for f in &self.factors {
            factor(|| format!("factor `{}`", f.name), f.factor)?;
            dimension(|| format!("factor `{}`", f.name), &f.dimension)?;
            if let FactorValue::Literal {
                value,
                value_in_unit,
                ..
            } = &f.value
            {
                finite(|| format!("factor `{}`", f.name), *value)?;
                finite(|| format!("factor `{}`", f.name), *value_in_unit)?;
            }
        }
        self.validate_nodes(&self.nodes, None)?;
        for e in &self.emissions {
            if e.node >= self.nodes.len() {
                return invalid(format!(
                    "emission `{}` references node {} of {}",
                    e.name,
                    e.node,
                    self.nodes.len()
                ));
            }
            if !self.stages.iter().any(|s| s.name == e.stage) {
                return invalid(format!(
                    "emission `{}` names unknown stage `{}`",
                    e.name, e.stage
                ));
            }
            if !self.categories.contains(&e.category) {
                return invalid(format!(
                    "emission `{}` names unknown category `{}`",
                    e.name, e.category
                ));
            }
        }
        let reported = self.results.iter().map(|x| ("result", &x.name, x.node));
        let checked = self
            .checked_values
            .iter()
            .map(|x| ("checked value", &x.name, x.node));
        for (what, name, node) in reported.chain(checked) {
            if node >= self.nodes.len() {
                return invalid(format!(
                    "{what} `{name}` references node {node} of {}",
                    self.nodes.len()
                ));
            }
        }
        for x in &self.exclusions {
            finite(|| format!("the share of exclusion `{}`", x.name), x.share)?;
        }
        if let Some(g) = &self.grades {
            for c in &g.classes {
                finite(|| format!("the maximum of grade `{}`", c.name), c.max)?;
            }
            if let Some(w) = g.classes.windows(2).find(|w| w[0].max >= w[1].max) {
                return invalid(format!(
                    "grade `{}` does not have a larger maximum than `{}`",
                    w[1].name, w[0].name
                ));
            }
        }
        for ex in &self.examples {
            for exp in &ex.expects {
                if let Expected::Number(x) = exp.value {
                    finite(|| format!("an expectation of example `{}`", ex.name), x)?;
                }
                let t = match exp.tolerance {
                    Tolerance::Relative(t) | Tolerance::Absolute(t) => t,
                };
                if !(t.is_finite() && t >= 0.0) {
                    return invalid(format!(
                        "example `{}` has tolerance {t}, expected a finite non-negative number",
                        ex.name
                    ));
                }
            }
        }
        Ok(())
    }

    fn validate_input(&self, input: &Input) -> Result<(), PlanError> {
        let what = || format!("input `{}`", input.name);
        match &input.kind {
            InputKind::Quantity {
                dimension: d,
                factor: f,
                ..
            } => {
                factor(what, *f)?;
                dimension(what, d)?;
            }
            InputKind::List { fields } => {
                for f in fields {
                    match &f.kind {
                        InputKind::List { .. } => {
                            return invalid(format!(
                                "list input `{}` has a list field `{}`",
                                input.name, f.name
                            ))
                        }
                        InputKind::Quantity {
                            dimension: d,
                            factor: x,
                            ..
                        } => {
                            let what = || format!("field `{}` of input `{}`", f.name, input.name);
                            factor(what, *x)?;
                            dimension(what, d)?;
                        }
                        _ => {}
                    }
                }
            }
            InputKind::Ratio | InputKind::Bool | InputKind::Text | InputKind::Enum { .. } => {}
        }
        if let Some(d) = &input.default {
            match prepare(&input.kind, d) {
                Err(e) => {
                    return invalid(format!(
                        "the default of input `{}` does not fit it: {e}",
                        input.name
                    ))
                }
                Ok(p) => {
                    if !p.values().all(f64::is_finite) {
                        return invalid(format!(
                            "the default of input `{}` is not finite",
                            input.name
                        ));
                    }
                }
            }
        }
        Ok(())
    }

    fn validate_nodes(&self, nodes: &[Node], list: Option<usize>) -> Result<(), PlanError> {
        for (k, n) in nodes.iter().enumerate() {
            let earlier = |x: usize| -> Result<(), PlanError> {
                if x < k {
                    Ok(())
                } else {
                    invalid(format!(
                        "node {k} references node {x}, which is not earlier"
                    ))
                }
            };
            let variant = |v: usize| -> Result<(), PlanError> {
                if v < MAX_VARIANT {
                    Ok(())
                } else {
                    invalid(format!(
                        "node {k}: enum variant {v} is out of range (at most {MAX_VARIANT} variants)"
                    ))
                }
            };
            match n {
                Node::Const { value } => finite(|| format!("node {k}"), *value)?,
                Node::EnumConst { variant: v } => variant(*v)?,
                Node::Input { input } => match self.inputs.get(*input).map(|i| &i.kind) {
                    None => return invalid(format!("node {k}: no input {input}")),
                    Some(InputKind::List { .. } | InputKind::Text) => {
                        return invalid(format!("node {k}: input {input} is a list or text"))
                    }
                    Some(_) => {}
                },
                Node::Factor { factor } => {
                    if *factor >= self.factors.len() {
                        return invalid(format!("node {k}: no factor {factor}"));
                    }
                }
                Node::Pow { base, exponent } => {
                    earlier(*base)?;
                    finite(|| format!("the exponent of node {k}"), *exponent)?;
                }
                Node::Match {
                    scrutinee,
                    arms,
                    default,
                } => {
                    earlier(*scrutinee)?;
                    for a in arms {
                        variant(a.variant)?;
                        earlier(a.node)?;
                    }
                    if let Some(d) = default {
                        earlier(*d)?;
                    }
                }
                Node::Gwp { gas, gases, .. } => {
                    earlier(*gas)?;
                    if gases.len() > MAX_VARIANT {
                        return invalid(format!(
                            "node {k}: {} gases (at most {MAX_VARIANT})",
                            gases.len()
                        ));
                    }
                    for g in gases {
                        if let Some(v) = g.gwp {
                            finite(|| format!("the GWP of `{}` in node {k}", g.gas), v)?;
                        }
                    }
                }
                Node::Lookup { key, values } => {
                    earlier(*key)?;
                    if values.len() > MAX_VARIANT {
                        return invalid(format!(
                            "node {k}: a lookup of {} values (at most {MAX_VARIANT} variants)",
                            values.len()
                        ));
                    }
                    for (v, value) in values.iter().enumerate() {
                        finite(|| format!("value {v} of lookup node {k}"), *value)?;
                    }
                }
                Node::Sum {
                    list: l,
                    body,
                    result,
                } => {
                    if list.is_some() {
                        return invalid(format!("node {k}: nested `sum` is not supported"));
                    }
                    if !matches!(
                        self.inputs.get(*l).map(|i| &i.kind),
                        Some(InputKind::List { .. })
                    ) {
                        return invalid(format!("node {k}: input {l} is not a list"));
                    }
                    if *result >= body.len() {
                        return invalid(format!("node {k}: sum result {result} out of range"));
                    }
                    for (j, b) in body.iter().enumerate() {
                        if let Node::Outer { node } = b {
                            if *node >= k {
                                return invalid(format!(
                                    "node {k}: body node {j} references outer node {node}, which is not earlier"
                                ));
                            }
                        }
                    }
                    self.validate_nodes(body, Some(*l))?;
                }
                Node::Field { field } => {
                    let fields = list.and_then(|l| match self.inputs.get(l).map(|i| &i.kind) {
                        Some(InputKind::List { fields }) => Some(fields),
                        _ => None,
                    });
                    match fields.and_then(|f| f.get(*field)) {
                        None => {
                            return invalid(format!(
                                "node {k}: field {field} outside a sum or out of range"
                            ))
                        }
                        Some(f) if matches!(f.kind, InputKind::Text) => {
                            return invalid(format!("node {k}: field `{}` is text", f.name))
                        }
                        Some(_) => {}
                    }
                }
                Node::Outer { .. } => {
                    if list.is_none() {
                        return invalid(format!("node {k}: `outer` outside a sum body"));
                    }
                }
                operator_or_if => {
                    for o in operator_or_if.operands() {
                        earlier(o)?;
                    }
                }
            }
        }
        Ok(())
    }
}
