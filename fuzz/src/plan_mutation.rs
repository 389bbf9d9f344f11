//! Structured hostile plans: a valid plan built from the repository's rules,
//! with a few values replaced by hostile ones (huge indexes and variants,
//! negative or huge numbers, wrong types, duplicated or removed elements).
//! Byte mutations of plan JSON rarely keep it a plan at all; these do.

use arbitrary::{Arbitrary, Unstructured};
use serde_json::Value;

/// A value put somewhere in the plan.
#[derive(Arbitrary, Debug, Clone)]
pub enum HostileValue {
    U64Max,
    I64Min,
    /// 4·10^12: an allocation of that many elements would not fit.
    Trillions,
    MinusOne,
    Zero,
    Huge,
    Tiny,
    Integer(i64),
    Float(f64),
    Text(String),
    EmptyArray,
    EmptyObject,
    Null,
    Bool(bool),
    /// Duplicate an element of the array (or member of the object) reached.
    Duplicate,
    /// Remove the element (or member) reached.
    Remove,
    /// Repeat the array reached until it holds this many elements (capped).
    Grow(u16),
}

/// Where to put it: a path of child choices, taken modulo each level's size.
#[derive(Arbitrary, Debug, Clone)]
pub struct Mutation {
    pub path: Vec<u16>,
    pub value: HostileValue,
}

/// A plan to start from and what to change in it.
#[derive(Arbitrary, Debug, Clone)]
pub struct HostilePlan {
    pub plan: u8,
    pub mutations: Vec<Mutation>,
}

impl HostilePlan {
    pub fn from_bytes(data: &[u8]) -> Option<HostilePlan> {
        HostilePlan::arbitrary_take_rest(Unstructured::new(data)).ok()
    }

    /// Apply the mutations to `plan` (a plan's JSON value).
    pub fn apply(&self, plan: &mut Value) {
        for m in self.mutations.iter().take(16) {
            mutate(plan, &m.path, &m.value);
        }
    }
}

fn mutate(v: &mut Value, path: &[u16], hostile: &HostileValue) {
    let len = match v {
        Value::Array(a) => a.len(),
        Value::Object(o) => o.len(),
        _ => 0,
    };
    match (path.split_first(), len) {
        (Some((&choice, rest)), n) if n > 0 => {
            let i = usize::from(choice) % n;
            let last = rest.is_empty();
            match (v, hostile, last) {
                (Value::Array(a), HostileValue::Duplicate, true) => {
                    let e = a[i].clone();
                    a.insert(i, e);
                }
                (Value::Array(a), HostileValue::Remove, true) => {
                    a.remove(i);
                }
                (Value::Object(o), HostileValue::Duplicate, true) => {
                    // JSON objects cannot hold a key twice; copy a member under a new key.
                    if let Some((k, e)) = o.iter().nth(i).map(|(k, e)| (k.clone(), e.clone())) {
                        o.insert(format!("{k}_"), e);
                    }
                }
                (Value::Object(o), HostileValue::Remove, true) => {
                    if let Some(k) = o.keys().nth(i).cloned() {
                        o.remove(&k);
                    }
                }
                (Value::Array(a), _, _) => mutate(&mut a[i], rest, hostile),
                (Value::Object(o), _, _) => {
                    if let Some(child) = o.values_mut().nth(i) {
                        mutate(child, rest, hostile);
                    }
                }
                _ => {}
            }
        }
        _ => replace(v, hostile),
    }
}

fn replace(v: &mut Value, hostile: &HostileValue) {
    let new = match hostile {
        HostileValue::U64Max => Value::from(u64::MAX),
        HostileValue::I64Min => Value::from(i64::MIN),
        HostileValue::Trillions => Value::from(4_000_000_000_000u64),
        HostileValue::MinusOne => Value::from(-1),
        HostileValue::Zero => Value::from(0),
        HostileValue::Huge => Value::from(1.7976931348623157e308),
        HostileValue::Tiny => Value::from(4.9e-324),
        HostileValue::Integer(i) => Value::from(*i),
        HostileValue::Float(f) => {
            serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number)
        }
        HostileValue::Text(t) => Value::from(t.clone()),
        HostileValue::EmptyArray => Value::Array(Vec::new()),
        HostileValue::EmptyObject => Value::Object(serde_json::Map::new()),
        HostileValue::Null => Value::Null,
        HostileValue::Bool(b) => Value::Bool(*b),
        HostileValue::Grow(n) => match v {
            Value::Array(a) if !a.is_empty() => {
                let target = usize::from(*n).min(20_000);
                let mut grown = Vec::with_capacity(target);
                while grown.len() < target {
                    grown.push(a[grown.len() % a.len()].clone());
                }
                Value::Array(grown)
            }
            _ => return,
        },
        HostileValue::Duplicate | HostileValue::Remove => return,
    };
    *v = new;
}
