//! The factor database: CSV files with header `key,value,unit,source,year,region`
//! (more columns allowed, any order), and the resolution of a plan's factors.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;

use miette::SourceSpan;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::dimension::{split_quantity, UnitError};
use crate::error::{DataError, DataErrorKind, DataErrors, DataSource, Location};
use crate::format::{FactorValue, Plan};
use crate::record::{Record, RecordReader};

/// One row of a factor database.
#[derive(Debug, Clone, PartialEq)]
pub struct FactorEntry {
    /// The key.
    pub key: String,
    /// The value as written, in `unit`.
    pub value: f64,
    /// The unit expression as written.
    pub unit: String,
    /// Source citation.
    pub source: String,
    /// Year, if given.
    pub year: Option<String>,
    /// Region, if given.
    pub region: Option<String>,
    file: usize,
    row: usize,
    record_offset: usize,
    record_line: usize,
    record: String,
    unit_span: (usize, usize),
}

/// One file of the database.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FactorFile {
    /// File name as given.
    pub name: String,
    /// SHA-256 of its bytes (hex).
    pub sha256: String,
}

/// A factor database: the union of its files, later files overriding
/// earlier ones for the same key (a duplicate key inside one file is an error).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FactorDb {
    entries: HashMap<String, FactorEntry>,
    files: Vec<FactorFile>,
    hasher_all: Vec<u8>,
}

/// Hex SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let d = Sha256::digest(bytes);
    d.iter().map(|b| format!("{b:02x}")).collect()
}

impl FactorDb {
    /// An empty database.
    pub fn new() -> FactorDb {
        FactorDb::default()
    }

    /// Reads and adds several files, in order; all errors of all files are collected.
    pub fn from_csv_files<P: AsRef<Path>>(paths: &[P]) -> Result<FactorDb, DataErrors> {
        let mut db = FactorDb::new();
        let mut errors = DataErrors::new();
        for p in paths {
            let p = p.as_ref();
            let name = p.display().to_string();
            match std::fs::read(p) {
                Ok(bytes) => match std::str::from_utf8(&bytes) {
                    Ok(text) => {
                        if let Err(e) = db.add_csv(&name, text) {
                            errors.omitted += e.omitted;
                            for e in e.errors {
                                errors.push(e);
                            }
                        }
                    }
                    Err(e) => errors.push(DataError::new(DataErrorKind::Encoding {
                        file: name,
                        offset: e.valid_up_to(),
                    })),
                },
                Err(e) => errors.push(DataError::new(DataErrorKind::FactorDb {
                    reason: format!("cannot read `{name}`: {e}"),
                })),
            }
        }
        errors.into_result(db)
    }

    /// A database from one CSV text.
    pub fn from_csv_str(name: &str, text: &str) -> Result<FactorDb, DataErrors> {
        let mut db = FactorDb::new();
        db.add_csv(name, text)?;
        Ok(db)
    }

    /// The files read, with their hashes.
    pub fn files(&self) -> &[FactorFile] {
        &self.files
    }

    /// SHA-256 (hex) of the concatenated bytes of every file, in the order
    /// given (the hash of no bytes when there are none).
    pub fn sha256(&self) -> String {
        sha256_hex(&self.hasher_all)
    }

    /// Looks up a key.
    pub fn get(&self, key: &str) -> Option<&FactorEntry> {
        self.entries.get(key)
    }

    /// Number of keys.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no keys.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Adds one CSV file's rows.
    pub fn add_csv(&mut self, name: &str, text: &str) -> Result<(), DataErrors> {
        let file_index = self.files.len();
        self.files.push(FactorFile {
            name: name.to_string(),
            sha256: sha256_hex(text.as_bytes()),
        });
        self.hasher_all.extend_from_slice(text.as_bytes());
        let src = DataSource::file(name, Arc::from(text));
        let mut errors = DataErrors::new();
        let mut reader = RecordReader::new(text.as_bytes());
        let mut rec = Record::default();
        let cell_err = |rec: &Record, row: usize, col: usize, reason: String, label: &str| {
            let (o, l) = rec.span(col);
            DataError::new(DataErrorKind::FactorDb { reason }).at(
                Location::Cell {
                    row,
                    column: col + 1,
                },
                src.clone(),
                SourceSpan::new(o.into(), l),
                label,
            )
        };
        match reader.read(&mut rec) {
            Ok(true) => {}
            Ok(false) => {
                errors.push(DataError::new(DataErrorKind::FactorDb {
                    reason: format!("`{name}` is empty"),
                }));
                return Err(errors);
            }
            Err(e) => {
                errors.push(DataError::new(DataErrorKind::FactorDb {
                    reason: format!("`{name}`: {e}"),
                }));
                return Err(errors);
            }
        }
        let header: Vec<String> = (0..rec.fields.len())
            .map(|i| rec.field(i).to_lowercase())
            .collect();
        let col = |n: &str| header.iter().position(|h| h == n);
        let (kc, vc, uc, sc) = (col("key"), col("value"), col("unit"), col("source"));
        let (yc, rc) = (col("year"), col("region"));
        for (c, n) in [(kc, "key"), (vc, "value"), (uc, "unit"), (sc, "source")] {
            if c.is_none() {
                errors.push(cell_err(
                    &rec,
                    1,
                    0,
                    format!("missing column `{n}` in the header of `{name}`"),
                    "this header",
                ));
            }
        }
        let (Some(kc), Some(vc), Some(uc), Some(sc)) = (kc, vc, uc, sc) else {
            return Err(errors);
        };
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        let mut row = 1;
        loop {
            match reader.read(&mut rec) {
                Ok(true) => {}
                Ok(false) => break,
                Err(e) => {
                    errors.push(DataError::new(DataErrorKind::FactorDb {
                        reason: format!("`{name}`: {e}"),
                    }));
                    break;
                }
            }
            row += 1;
            let key = rec.field(kc).to_string();
            if key.is_empty() {
                errors.push(cell_err(&rec, row, kc, "empty key".into(), "no key"));
                continue;
            }
            let vtext = rec.field(vc);
            let value = match split_quantity(&vtext) {
                Ok(q) if q.unit.is_none() && !q.percent => q.number,
                Ok(_)
                | Err(
                    UnitError::MalformedNumber { .. }
                    | UnitError::Syntax { .. }
                    | UnitError::UnknownUnit { .. },
                ) => {
                    errors.push(cell_err(
                        &rec,
                        row,
                        vc,
                        format!("malformed value `{vtext}` for key `{key}`"),
                        "not a number",
                    ));
                    continue;
                }
                Err(UnitError::NotFinite { .. }) => {
                    errors.push(cell_err(
                        &rec,
                        row,
                        vc,
                        format!("value `{vtext}` for key `{key}` is not finite"),
                        "not finite",
                    ));
                    continue;
                }
            };
            if let Some(prev) = seen.insert(key.clone(), row) {
                errors.push(cell_err(
                    &rec,
                    row,
                    kc,
                    format!("duplicate key `{key}` (first on row {prev})"),
                    "duplicate",
                ));
                continue;
            }
            let opt = |c: Option<usize>| {
                c.map(|c| rec.field(c).to_string())
                    .filter(|s| !s.is_empty())
            };
            let entry = FactorEntry {
                value,
                unit: rec.field(uc).to_string(),
                source: rec.field(sc).to_string(),
                year: opt(yc),
                region: opt(rc),
                file: file_index,
                row,
                record_offset: rec.offset,
                record_line: rec.line,
                record: rec.raw.clone(),
                unit_span: rec.span(uc),
                key: key.clone(),
            };
            self.entries.insert(key, entry);
        }
        errors.into_result(())
    }

    fn entry_error(&self, e: &FactorEntry, kind: DataErrorKind, label: &str) -> DataError {
        let name = self
            .files
            .get(e.file)
            .map_or("factors", |f| f.name.as_str());
        let src = DataSource::excerpt(name, &e.record, e.record_offset, e.record_line);
        let unit_col = e.unit_span.0.saturating_sub(e.record_offset);
        let column = e.record[..unit_col.min(e.record.len())]
            .matches(',')
            .count()
            + 1;
        DataError::new(kind).at(
            Location::Cell { row: e.row, column },
            src,
            SourceSpan::new(e.unit_span.0.into(), e.unit_span.1),
            label,
        )
    }

    /// Resolves every factor of `plan` to a canonical value: `overrides`
    /// (factor index → canonical value) first, then literals, then the
    /// database. Collects every missing key and dimension mismatch.
    pub fn resolve(
        &self,
        plan: &Plan,
        overrides: &BTreeMap<usize, f64>,
    ) -> Result<ResolvedFactors, DataErrors> {
        let mut errors = DataErrors::new();
        let mut values = Vec::with_capacity(plan.factors.len());
        let mut provenance = Vec::with_capacity(plan.factors.len());
        for (i, f) in plan.factors.iter().enumerate() {
            if let Some(v) = overrides.get(&i) {
                values.push(*v);
                provenance.push(FactorProvenance {
                    name: f.name.clone(),
                    key: None,
                    value: crate::number::tidy(v / f.factor),
                    unit: f.unit.clone(),
                    source: "given".into(),
                });
                continue;
            }
            match &f.value {
                FactorValue::Literal {
                    value,
                    value_in_unit,
                    source,
                } => {
                    values.push(*value);
                    provenance.push(FactorProvenance {
                        name: f.name.clone(),
                        key: None,
                        value: crate::number::tidy(*value_in_unit),
                        unit: f.unit.clone(),
                        source: source.clone().unwrap_or_default(),
                    });
                }
                FactorValue::Db { key } => {
                    if self.files.is_empty() {
                        errors.push(DataError::new(DataErrorKind::NoFactorDatabase {
                            factor: f.name.clone(),
                            key: key.clone(),
                        }));
                        values.push(f64::NAN);
                        continue;
                    }
                    let Some(e) = self.get(key) else {
                        let suggestion = pcr_units::suggest::closest(
                            key,
                            self.entries.keys().map(String::as_str),
                        )
                        .map(str::to_string);
                        errors.push(DataError::new(DataErrorKind::MissingFactorKey {
                            factor: f.name.clone(),
                            key: key.clone(),
                            suggestion,
                        }));
                        values.push(f64::NAN);
                        continue;
                    };
                    let unit = match plan.units.parse(&e.unit) {
                        Ok(u) => u,
                        Err(err) => {
                            errors.push(self.entry_error(
                                e,
                                DataErrorKind::FactorDb {
                                    reason: format!("key `{key}`: {err}"),
                                },
                                "unknown unit",
                            ));
                            values.push(f64::NAN);
                            continue;
                        }
                    };
                    if unit.dimension != f.dimension {
                        errors.push(self.entry_error(
                            e,
                            DataErrorKind::FactorDimension {
                                factor: f.name.clone(),
                                unit: e.unit.clone(),
                                found: unit.dimension.to_string(),
                                expected: f.dimension.to_string(),
                            },
                            &format!("expected a unit of {}", f.dimension),
                        ));
                        values.push(f64::NAN);
                        continue;
                    }
                    let canonical = e.value * unit.factor;
                    values.push(canonical);
                    // In the factor's unit: the value as written when the
                    // database uses that unit, else converted without noise.
                    let in_unit = if unit.factor == f.factor {
                        e.value
                    } else {
                        crate::number::tidy(e.value * (unit.factor / f.factor))
                    };
                    provenance.push(FactorProvenance {
                        name: f.name.clone(),
                        key: Some(key.clone()),
                        value: in_unit,
                        unit: f.unit.clone(),
                        source: e.source.clone(),
                    });
                }
            }
        }
        errors.into_result(ResolvedFactors { values, provenance })
    }
}

/// A plan's factors with their canonical values.
#[derive(Debug, Clone, PartialEq)]
pub struct ResolvedFactors {
    /// Canonical value per factor index.
    pub values: Vec<f64>,
    /// What was used, for the result's provenance.
    pub provenance: Vec<FactorProvenance>,
}

/// One factor in a result's provenance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FactorProvenance {
    /// Factor name.
    pub name: String,
    /// Database key, for `db` factors.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// Value in the factor's declared unit.
    pub value: f64,
    /// The factor's declared unit.
    pub unit: String,
    /// Source citation (`given` for an example override).
    pub source: String,
}

/// Incremental SHA-256 (for hashing large data files while streaming).
#[derive(Debug, Clone, Default)]
pub struct Sha256Stream(Sha256);

impl Sha256Stream {
    /// A new hasher.
    pub fn new() -> Self {
        Sha256Stream(Sha256::new())
    }
    /// Adds bytes.
    pub fn update(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }
    /// The hex digest.
    pub fn finish_hex(self) -> String {
        self.0
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}
