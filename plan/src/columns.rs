//! Column-wise storage of the inputs of a chunk of products, the form the
//! evaluator reads. Readers fill it row by row; defaults are applied here.

use crate::format::{InputKind, Plan, Value};

/// A list input over a chunk: the elements of row `r` are
/// `offsets[r]..offsets[r + 1]`, one column per field.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListColumn {
    /// Element offsets, `rows + 1` long once rows are finished.
    pub offsets: Vec<usize>,
    /// One column per field (text fields stay `0.0`).
    pub fields: Vec<Vec<f64>>,
}

/// A canonical default or given value, prepared for fast filling.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Prepared {
    Scalar(f64),
    List(Vec<Vec<f64>>),
}

impl Prepared {
    /// Every number of the value.
    pub(crate) fn values(&self) -> Box<dyn Iterator<Item = f64> + '_> {
        match self {
            Prepared::Scalar(x) => Box::new(std::iter::once(*x)),
            Prepared::List(items) => Box::new(items.iter().flatten().copied()),
        }
    }
}

/// Inputs of a chunk of products, column-wise, canonical units.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InputColumns {
    rows: usize,
    /// Per input: one value per row (unused for list and text inputs).
    pub values: Vec<Vec<f64>>,
    /// Per input: whether the row's value is the rule default.
    pub defaulted: Vec<Vec<bool>>,
    /// Per input: the list column (unused for non-list inputs).
    pub lists: Vec<ListColumn>,
    /// Per row: whether the row has a data error (its results are withheld).
    pub bad: Vec<bool>,
    defaults: Vec<Option<Prepared>>,
    list_given: Vec<bool>,
    field_count: Vec<usize>,
    is_list: Vec<bool>,
}

/// Turns a plan value (canonical) into the run-time form of `kind`.
pub(crate) fn prepare(kind: &InputKind, v: &Value) -> Result<Prepared, String> {
    match (kind, v) {
        (InputKind::List { fields }, Value::List(items)) => {
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                let mut row = Vec::with_capacity(fields.len());
                for f in fields {
                    match (&f.kind, item.get(&f.name)) {
                        (InputKind::Text, _) => row.push(0.0),
                        (k, Some(v)) => match prepare(k, v)? {
                            Prepared::Scalar(x) => row.push(x),
                            Prepared::List(_) => {
                                return Err(format!("field `{}` is a list", f.name))
                            }
                        },
                        (_, None) => return Err(format!("missing field `{}`", f.name)),
                    }
                }
                out.push(row);
            }
            Ok(Prepared::List(out))
        }
        (InputKind::Quantity { .. } | InputKind::Ratio, Value::Number(x)) => {
            Ok(Prepared::Scalar(*x))
        }
        (InputKind::Bool, Value::Bool(b)) => Ok(Prepared::Scalar(f64::from(u8::from(*b)))),
        (InputKind::Enum { variants, name }, Value::Text(t)) => variants
            .iter()
            .position(|v| v == t)
            .map(|i| Prepared::Scalar(i as f64))
            .ok_or_else(|| format!("`{t}` is no variant of `{name}`")),
        (InputKind::Text, _) => Ok(Prepared::Scalar(0.0)),
        (k, v) => Err(format!("value {v:?} does not fit {k:?}")),
    }
}

impl InputColumns {
    /// Empty columns for `plan`, with its defaults prepared.
    pub fn new(plan: &Plan) -> InputColumns {
        let n = plan.inputs.len();
        let defaults = plan
            .inputs
            .iter()
            .map(|i| i.default.as_ref().and_then(|d| prepare(&i.kind, d).ok()))
            .collect();
        let field_count: Vec<usize> = plan
            .inputs
            .iter()
            .map(|i| match &i.kind {
                InputKind::List { fields } => fields.len(),
                _ => 0,
            })
            .collect();
        let is_list = plan
            .inputs
            .iter()
            .map(|i| matches!(i.kind, InputKind::List { .. }))
            .collect();
        InputColumns {
            is_list,
            rows: 0,
            values: vec![Vec::new(); n],
            defaulted: vec![Vec::new(); n],
            lists: field_count
                .iter()
                .map(|c| ListColumn {
                    offsets: vec![0],
                    fields: vec![Vec::new(); *c],
                })
                .collect(),
            bad: Vec::new(),
            defaults,
            list_given: vec![false; n],
            field_count,
        }
    }

    /// Number of finished rows.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Drops all rows, keeping the buffers.
    pub fn clear(&mut self) {
        self.rows = 0;
        for v in &mut self.values {
            v.clear();
        }
        for d in &mut self.defaulted {
            d.clear();
        }
        for l in &mut self.lists {
            l.offsets.clear();
            l.offsets.push(0);
            for f in &mut l.fields {
                f.clear();
            }
        }
        self.bad.clear();
    }

    /// Starts a row: every scalar input takes its default (or `NaN` if it has none).
    pub fn start_row(&mut self) {
        for (i, d) in self.defaults.iter().enumerate() {
            if self.is_list[i] {
                self.list_given[i] = false;
                continue;
            }
            let v = match d {
                Some(Prepared::Scalar(x)) => *x,
                _ => f64::NAN,
            };
            self.values[i].push(v);
            self.defaulted[i].push(d.is_some());
        }
        self.bad.push(false);
    }

    /// Sets scalar input `input` of the current row.
    pub fn set(&mut self, input: usize, value: f64) {
        if let Some(v) = self.values[input].last_mut() {
            *v = value;
        }
        if let Some(d) = self.defaulted[input].last_mut() {
            *d = false;
        }
    }

    /// Marks list input `input` of the current row as given (possibly empty).
    pub fn give_list(&mut self, input: usize) {
        self.list_given[input] = true;
    }

    /// Appends an element to list input `input` of the current row
    /// (`fields` in field order) and marks the list given.
    pub fn push_element(&mut self, input: usize, fields: &[f64]) {
        self.list_given[input] = true;
        for (col, v) in self.lists[input].fields.iter_mut().zip(fields) {
            col.push(*v);
        }
    }

    /// Marks the current row as bad.
    pub fn mark_bad(&mut self) {
        if let Some(b) = self.bad.last_mut() {
            *b = true;
        }
    }

    /// Whether list input `input` was given in the current row.
    pub fn list_given(&self, input: usize) -> bool {
        self.list_given[input]
    }

    /// Finishes the row: lists not given take their default.
    pub fn finish_row(&mut self) {
        for i in 0..self.defaults.len() {
            if !self.is_list[i] {
                continue;
            }
            let mut defaulted = false;
            if !self.list_given[i] {
                if let Some(Prepared::List(items)) = &self.defaults[i] {
                    defaulted = true;
                    for item in items {
                        for (col, v) in self.lists[i].fields.iter_mut().zip(item) {
                            col.push(*v);
                        }
                    }
                }
            }
            let end = self.lists[i].fields.first().map_or(0, Vec::len);
            self.lists[i].offsets.push(end);
            self.defaulted[i].push(defaulted);
            self.values[i].push(0.0);
        }
        self.rows += 1;
    }

    /// Whether input `input` has a default.
    pub fn has_default(&self, input: usize) -> bool {
        self.defaults[input].is_some()
    }
}
