//! GWP sets evaluated exactly, and boundaries' stages checked against the
//! declared stages.

use super::{Builder, GwpValue, World};
use crate::diagnostic::{Code, Diagnostic, NameKind};
use crate::dimension::Dimension;
use crate::types::Location;

impl World {
    pub(super) fn resolve_gwp_sets(&mut self, builder: &Builder, diags: &mut Vec<Diagnostic>) {
        let co2e = self.co2e();
        for (set, file, entries) in &builder.gwp_defs {
            let mut values: Vec<GwpValue> = Vec::new();
            for entry in entries {
                let Some((value, dim)) = self.exact_reported(
                    &entry.value,
                    *file,
                    &mut |w, n, _| w.units.get(&n.text).map(|u| (u.factor, u.dim.clone())),
                    diags,
                ) else {
                    continue;
                };
                let Some(gas) = self.gwp_gas_base(&entry.gas.text) else {
                    diags.push(Diagnostic::new(
                        Code::UnknownName,
                        *file,
                        entry.gas.span,
                        format!("unknown gas `{}`", entry.gas.text),
                        "no dimension of this name",
                    ).with_help("a GWP entry is named after a gas dimension, such as `CH4`, or `CH4_fossil`"));
                    continue;
                };
                let expected = co2e
                    .and_then(|c| Dimension::base(c).div(&Dimension::base(gas)))
                    .unwrap_or_default();
                if dim != expected {
                    diags.push(Diagnostic::new(
                        Code::DeclaredTypeMismatch,
                        *file,
                        entry.value.span,
                        format!(
                            "the GWP of `{}` must be {}, found {}",
                            entry.gas.text,
                            self.dimension_name(&expected),
                            self.dimension_name(&dim)
                        ),
                        "wrong dimension",
                    ));
                    continue;
                }
                if values.iter().any(|v| v.gas == entry.gas.text) {
                    diags.push(Diagnostic::new(
                        Code::DuplicateDefinition,
                        *file,
                        entry.gas.span,
                        format!("`{}` is given twice in this set", entry.gas.text),
                        "again here",
                    ));
                    continue;
                }
                values.push(GwpValue {
                    gas: entry.gas.text.clone(),
                    value,
                    dim,
                    source: entry.source.as_ref().map(|s| s.value.clone()),
                    loc: Location {
                        file: *file,
                        span: entry.gas.span,
                    },
                });
            }
            if let Some(s) = self.gwp_sets.get_mut(set) {
                s.values = values;
            }
        }
    }

    pub(super) fn check_boundaries(&self, builder: &Builder, diags: &mut Vec<Diagnostic>) {
        for (file, stages) in &builder.boundary_stage_refs {
            for stage in stages {
                if !self.stages.contains_key(&stage.text) {
                    let d = Diagnostic::unknown(
                        NameKind::Stage,
                        &stage.text,
                        *file,
                        stage.span,
                        self.stages.keys().map(String::as_str),
                    );
                    diags.push(d);
                }
            }
        }
    }
}
