//! Structured hostile activity data for a given plan: wide CSV, many rows,
//! ragged rows, long lines and cells, deep JSON, duplicate keys, huge and
//! tiny numbers whose sums overflow or underflow, byte-order marks.

use arbitrary::{Arbitrary, Unstructured};
use pcr_plan::{InputKind, Plan};

/// Largest text generated, in bytes.
pub const MAX_TEXT: usize = 4 << 20;

/// A value for one input.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum Magnitude {
    One,
    Huge,
    Max,
    Tiny,
    Zero,
    Negative,
    Long,
    WrongUnit,
    Bare,
}

/// What to make large.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum DataShape {
    /// Every input once, with the chosen magnitude.
    Plain,
    /// N extra unknown columns / members.
    Wide,
    /// The input columns repeated N times.
    DuplicateColumns,
    /// N rows (CSV) or N list elements (JSON).
    ManyRows,
    /// Rows with a random number of cells.
    Ragged,
    /// One line padded past N columns before a bad value.
    LongLine,
    /// N nested arrays in a cell or member.
    Deep,
    /// A string of N characters.
    LongString,
}

/// Hostile data before expansion.
#[derive(Arbitrary, Debug, Clone)]
pub struct HostileData {
    pub shape: DataShape,
    pub magnitude: Magnitude,
    pub size: u32,
    pub bom: bool,
    /// Header units (`electricity [MWh]`) in CSV.
    pub header_units: bool,
    /// Cells per ragged row, cycled.
    pub ragged: Vec<u8>,
    /// Per-input magnitudes, cycled (none: `magnitude` for every input),
    /// so that one emission can be huge and another tiny or a divisor zero.
    pub per_input: Vec<Magnitude>,
}

impl HostileData {
    /// Decode one from fuzz bytes.
    pub fn from_bytes(data: &[u8]) -> Option<HostileData> {
        HostileData::arbitrary_take_rest(Unstructured::new(data)).ok()
    }

    /// The magnitude of the `i`th input.
    fn magnitude_of(&self, i: usize) -> Magnitude {
        if self.per_input.is_empty() {
            self.magnitude
        } else {
            self.per_input[i % self.per_input.len()]
        }
    }

    fn count(&self) -> usize {
        let max = match self.shape {
            DataShape::Plain => 1,
            DataShape::Wide | DataShape::DuplicateColumns => 120_000,
            DataShape::ManyRows => 200_000,
            DataShape::Ragged => 5_000,
            DataShape::LongLine | DataShape::LongString => 1_000_000,
            DataShape::Deep => 200_000,
        };
        (self.size % max) as usize
    }

    /// One product's JSON activity data.
    pub fn json(&self, plan: &Plan) -> String {
        let n = self.count();
        let mut out = String::new();
        if self.bom {
            out.push('\u{feff}');
        }
        out.push('{');
        let mut first = true;
        let mut member = |out: &mut String, key: &str, value: &str| {
            if out.len() + key.len() + value.len() > MAX_TEXT {
                return;
            }
            if !first {
                out.push(',');
            }
            first = false;
            out.push_str(&serde_json::Value::String(key.to_string()).to_string());
            out.push(':');
            out.push_str(value);
        };
        match self.shape {
            DataShape::LongLine => {
                let pad: String = std::iter::repeat_n(' ', n).collect();
                out.push_str(&pad);
            }
            DataShape::Wide => {
                for i in 0..n {
                    member(&mut out, &format!("unknown_{i}"), "1");
                }
            }
            _ => {}
        }
        for (i, input) in plan.inputs.iter().enumerate() {
            let magnitude = self.magnitude_of(i);
            let value = match (&input.kind, self.shape) {
                (InputKind::List { fields }, DataShape::ManyRows) => {
                    let element = list_element(fields, magnitude);
                    let mut v = String::from("[");
                    for i in 0..n {
                        if v.len() + element.len() > MAX_TEXT {
                            break;
                        }
                        if i > 0 {
                            v.push(',');
                        }
                        v.push_str(&element);
                    }
                    v.push(']');
                    v
                }
                (_, DataShape::Deep) => {
                    let n = n.min(MAX_TEXT / 2);
                    let mut v = String::with_capacity(2 * n + 1);
                    v.extend(std::iter::repeat_n('[', n));
                    v.push('1');
                    v.extend(std::iter::repeat_n(']', n));
                    v
                }
                (_, DataShape::LongString) => {
                    let s: String = std::iter::repeat_n('9', n).collect();
                    format!("\"{s} kg\"")
                }
                (kind, _) => json_value(kind, magnitude),
            };
            member(&mut out, &input.name, &value);
            if matches!(self.shape, DataShape::DuplicateColumns) && n > 0 {
                member(&mut out, &input.name, &value);
            }
        }
        out.push('}');
        out
    }

    /// A batch of products as CSV.
    pub fn csv(&self, plan: &Plan) -> String {
        let n = self.count();
        let mut out = String::new();
        if self.bom {
            out.push('\u{feff}');
        }
        let mut header: Vec<String> = vec!["id".to_string()];
        let mut cells: Vec<String> = vec!["p1".to_string()];
        for (i, input) in plan.inputs.iter().enumerate() {
            let magnitude = self.magnitude_of(i);
            let name = match (&input.kind, self.header_units) {
                (InputKind::Quantity { unit, .. }, true) => format!("{} [{unit}]", input.name),
                _ => input.name.clone(),
            };
            header.push(csv_cell(&name));
            let value = match &input.kind {
                InputKind::List { fields } => {
                    format!("[{}]", list_element(fields, magnitude))
                }
                kind => json_value(kind, magnitude),
            };
            let value = value.trim_matches('"').to_string();
            cells.push(csv_cell(&value));
        }
        match self.shape {
            DataShape::Wide => {
                for i in 0..n.min(MAX_TEXT / 16) {
                    header.push(format!("unknown_{i}"));
                    cells.push("1".to_string());
                }
            }
            DataShape::DuplicateColumns => {
                let base = header.len();
                for i in 0..n.min(MAX_TEXT / 16) {
                    header.push(header[1 + i % (base - 1).max(1)].clone());
                    cells.push(cells[1 + i % (base - 1).max(1)].clone());
                }
            }
            DataShape::LongString | DataShape::LongLine => {
                let s: String = std::iter::repeat_n('9', n).collect();
                if let Some(last) = cells.last_mut() {
                    *last = format!("{s}x");
                }
            }
            DataShape::Deep => {
                let n = n.min(MAX_TEXT / 2);
                let mut v = String::with_capacity(2 * n + 2);
                v.push('"');
                v.extend(std::iter::repeat_n('[', n));
                v.extend(std::iter::repeat_n(']', n));
                v.push('"');
                if let Some(last) = cells.last_mut() {
                    *last = v;
                }
            }
            _ => {}
        }
        out.push_str(&header.join(","));
        out.push('\n');
        let row = cells.join(",");
        let rows = match self.shape {
            DataShape::ManyRows => n.max(1),
            DataShape::Ragged => n.max(1),
            _ => 1,
        };
        for r in 0..rows {
            if out.len() + row.len() > MAX_TEXT {
                break;
            }
            if matches!(self.shape, DataShape::Ragged) && !self.ragged.is_empty() {
                let keep = usize::from(self.ragged[r % self.ragged.len()]);
                let part: Vec<&str> = cells.iter().map(String::as_str).take(keep).collect();
                out.push_str(&part.join(","));
            } else {
                out.push_str(&row);
            }
            out.push('\n');
        }
        out
    }
}

fn csv_cell(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

fn number(m: Magnitude) -> &'static str {
    match m {
        Magnitude::One | Magnitude::Bare | Magnitude::WrongUnit => "1",
        Magnitude::Huge => "1e300",
        Magnitude::Max => "1.7976931348623157e308",
        Magnitude::Tiny => "4.9e-324",
        Magnitude::Zero => "0",
        Magnitude::Negative => "-1e308",
        Magnitude::Long => "123456789012345678901234567890.123456789012345678901234567890",
    }
}

/// A JSON value of the input's kind (a quantity as a string with its unit).
fn json_value(kind: &InputKind, m: Magnitude) -> String {
    match kind {
        InputKind::Quantity { unit, .. } => match m {
            Magnitude::Bare => number(m).to_string(),
            Magnitude::WrongUnit => "\"1 kgCO2e\"".to_string(),
            _ => format!("\"{} {unit}\"", number(m)),
        },
        InputKind::Ratio => match m {
            Magnitude::WrongUnit => "\"150%\"".to_string(),
            _ => number(m).to_string(),
        },
        InputKind::Bool => "true".to_string(),
        InputKind::Text => "\"text\"".to_string(),
        InputKind::Enum { variants, .. } => match (m, variants.first()) {
            (Magnitude::WrongUnit, _) | (_, None) => "\"no_such_variant\"".to_string(),
            (_, Some(v)) => serde_json::Value::String(v.clone()).to_string(),
        },
        InputKind::List { fields } => format!("[{}]", list_element(fields, m)),
    }
}

fn list_element(fields: &[pcr_plan::format::ListField], m: Magnitude) -> String {
    let members: Vec<String> = fields
        .iter()
        .map(|f| {
            format!(
                "{}:{}",
                serde_json::Value::String(f.name.clone()),
                json_value(&f.kind, m)
            )
        })
        .collect();
    format!("{{{}}}", members.join(","))
}
