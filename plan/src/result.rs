//! Result types (`docs/src/results.md`): all values in kgCO2e per declared
//! unit, but reported results, each in its own unit.

use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::factors::FactorProvenance;

/// A JSON object whose member order is kept.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct OrderedMap<V>(pub Vec<(String, V)>);

impl<V> OrderedMap<V> {
    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&V> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// Whether the object has no members.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<V: Serialize> Serialize for OrderedMap<V> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for OrderedMap<V> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Vis<V>(std::marker::PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for Vis<V> {
            type Value = OrderedMap<V>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
                let mut v = Vec::new();
                while let Some((k, x)) = a.next_entry()? {
                    v.push((k, x));
                }
                Ok(OrderedMap(v))
            }
        }
        d.deserialize_map(Vis(std::marker::PhantomData))
    }
}

/// A reported result's value: `{"value": 0.5, "unit": "kgC"}`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
pub struct ReportedValue {
    /// The amount per declared unit.
    pub value: f64,
    /// Its unit.
    pub unit: String,
}

/// `{"name": …, "version": …}`
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct RuleRef {
    /// Rule name.
    pub name: String,
    /// Rule version.
    pub version: String,
}

/// `{"amount": 1, "unit": "t"}`
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct DeclaredUnitRef {
    /// Amount.
    pub amount: f64,
    /// Unit.
    pub unit: String,
}

/// What produced a result.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
pub struct Provenance {
    /// SHA-256 (hex) of the plan file's bytes.
    pub plan_sha256: String,
    /// SHA-256 (hex) of the data file's bytes.
    pub data_sha256: String,
    /// SHA-256 (hex) of the concatenated bytes of the factor files, in the order given.
    pub factors_sha256: String,
    /// Every factor of the plan with the value used, in its declared unit.
    pub factors: Vec<FactorProvenance>,
}

/// The result for one product.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct ProductResult {
    /// The batch row's `id`, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Which rule.
    pub rule: RuleRef,
    /// The declared unit.
    pub declared_unit: DeclaredUnitRef,
    /// Always `kgCO2e`.
    pub unit: String,
    /// Sum of the emissions of the stages counted in the footprint.
    pub footprint: f64,
    /// Per stage with emissions (stages outside the footprint, such as `D`, too).
    pub stages: OrderedMap<f64>,
    /// Per category, footprint stages only.
    pub categories: OrderedMap<f64>,
    /// Every emission.
    pub emissions: OrderedMap<f64>,
    /// Reported results (`result NAME …`), per declared unit, each in its
    /// own unit; never summed into the footprint, and may be negative.
    #[serde(default, skip_serializing_if = "OrderedMap::is_empty")]
    pub results: OrderedMap<ReportedValue>,
    /// The grade, if the rule has grades.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grade: Option<String>,
    /// Share of the footprint from emissions that used no rule default.
    pub primary_data_share: f64,
    /// What produced it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Provenance>,
}
