//! The semantic API: what is at an offset, where it is defined, who refers
//! to it, for every kind of name; each use recorded once.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use pcr_compiler::semantic::{DeclKind, Symbol};
use pcr_compiler::types::Location;
use pcr_compiler::{analyze, Analysis, FileId, Options, SourceLoader};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

const MODULE: &str = "\
/// Transport by truck.
fn haul(mass: t, distance: km, ef: kgCO2e/tkm) -> kgCO2e = mass * distance * ef
";

const RULE: &str = r#"import helpers

enum Route { bf_bof "高炉-转炉", eaf "电炉" }

rule coil {
    title "钢卷" en "Coil"
    version "0.1.0"
    standard "T/EXAMPLE 001-2026"
    declared_unit 1 t
    boundary cradle_to_gate
    gwp ar6
    cutoff item 1% total 5%
    allocation physical "Mass"

    input output: t
    input electricity: MWh
    input route: Route = bf_bof
    input materials: list { name: text, mass: t }
    factor grid: kgCO2e/kWh = 0.6 kgCO2e/kWh
    factor truck: kgCO2e/tkm = 0.06 kgCO2e/tkm

    let material_mass = sum(m in materials: m.mass)

    stage raw_material_acquisition {
        emission inbound = haul(material_mass, 300 km, truck) / output
    }
    stage production {
        emission electricity_use = electricity * grid / output as fossil
        emission route_extra = (if route == bf_bof then 1 else 0) * gwp.CO2 * 1 kgCO2 / output
    }
    exclude capital_goods "Capital goods" share 0.5%

    /// The part of the footprint from production.
    result production_share "生产占比" en "Production share": ratio = stage.production / footprint
    result fossil_and_inbound = category.fossil + emission.inbound

    example "plant" {
        given output = 1000 t
        given electricity = 450 MWh
        given materials = [{ name: "ore", mass: 1600 t }]
        expect stage production == 270.001 kgCO2e within 1%
        expect category fossil == 270 kgCO2e within 1%
        expect emission inbound == 28.8 kgCO2e within 1%
        expect result fossil_and_inbound == 298.8 kgCO2e within 1%
        expect value material_mass == 1600 t
    }
}
"#;

/// Serves the module `helpers.pcr` beside the rule.
struct Loader;

impl SourceLoader for Loader {
    fn load(&self, path: &Path) -> Option<String> {
        (path.file_name()? == "helpers.pcr").then(|| MODULE.to_string())
    }
}

fn rule_path() -> PathBuf {
    PathBuf::from("/virtual/rules/coil.pcr")
}

fn analysis() -> Analysis {
    let options = Options {
        record: true,
        ..Options::default()
    };
    let path = rule_path();
    analyze("coil.pcr", Some(&path), RULE, &Loader, &options)
}

/// The offset `delta` bytes into the `nth` (0-based) occurrence of `needle` in `text`.
fn offset(text: &str, needle: &str, nth: usize, delta: usize) -> usize {
    text.match_indices(needle).nth(nth).expect(needle).0 + delta
}

fn symbol(a: &Analysis, needle: &str, nth: usize, delta: usize) -> Symbol {
    let at = offset(RULE, needle, nth, delta);
    a.semantic()
        .at(a.main, at)
        .unwrap_or_else(|| panic!("nothing at `{needle}` (+{delta})"))
}

fn file_name(a: &Analysis, file: FileId) -> String {
    a.files.name(file).to_string()
}

/// The text a location spans.
fn text_at(a: &Analysis, loc: Location) -> String {
    a.files.text(loc.file)[loc.span.range()].to_string()
}

/// The use at `needle` names a declaration whose name is `name`, in a file
/// whose name ends with `file`; every use of it is recorded once, this one among them.
fn check_use(a: &Analysis, needle: &str, nth: usize, delta: usize, name: &str, file: &str) {
    let s = symbol(a, needle, nth, delta);
    let def = a.semantic().definition(&s);
    assert!(
        file_name(a, def.file).ends_with(file),
        "`{needle}` defined in {}",
        file_name(a, def.file)
    );
    assert_eq!(
        text_at(a, def),
        name,
        "`{needle}` names the wrong declaration"
    );
    let uses: Vec<Location> = a.semantic().references(&s).collect();
    let unique: HashSet<(FileId, u32, u32)> = uses
        .iter()
        .map(|l| (l.file, l.span.start, l.span.end))
        .collect();
    assert_eq!(unique.len(), uses.len(), "`{needle}`: a use recorded twice");
    if def.file != s.file || def.span != s.span {
        assert!(
            uses.iter().any(|l| l.file == s.file && l.span == s.span),
            "`{needle}`: this use is not among the references"
        );
    }
}

#[test]
fn the_rule_checks_cleanly() {
    let a = analysis();
    let errors: Vec<String> = a
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| format!("{} {}", d.code, d.message))
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
}

#[test]
fn values_resolve_to_their_declarations() {
    let a = analysis();
    check_use(&a, "electricity * grid", 0, 1, "electricity", "coil.pcr");
    check_use(&a, "electricity * grid", 0, 15, "grid", "coil.pcr");
    check_use(&a, "haul(material_mass", 0, 6, "material_mass", "coil.pcr");
    check_use(&a, "m.mass)", 0, 0, "m", "coil.pcr");
    check_use(&a, "m.mass)", 0, 3, "mass", "coil.pcr");
    // A parameter, in the imported module.
    let module = a.imports[0];
    let at = MODULE.find("mass * distance").unwrap();
    let s = a.semantic().at(module, at).expect("a parameter's use");
    let def = a.semantic().definition(&s);
    assert_eq!(def.file, module);
    assert_eq!(def.span.start as usize, MODULE.find("mass: t").unwrap());
    assert_eq!(a.semantic().references(&s).count(), 1);
}

#[test]
fn functions_enums_variants_and_gases_resolve() {
    let a = analysis();
    check_use(&a, "haul(", 0, 1, "haul", "helpers.pcr");
    check_use(&a, "route: Route", 0, 8, "Route", "coil.pcr");
    check_use(&a, "route == bf_bof", 0, 10, "bf_bof", "coil.pcr");
    check_use(&a, "gwp.CO2", 0, 5, "CO2", "gwp.pcr");
}

#[test]
fn units_resolve_in_quantities_and_type_positions() {
    let a = analysis();
    // In a type position.
    check_use(&a, "output: t", 0, 8, "t", ".pcr");
    check_use(&a, "electricity: MWh", 0, 14, "MWh", ".pcr");
    check_use(&a, "mass: t", 0, 6, "t", ".pcr");
    // In a quantity.
    check_use(&a, "300 km", 0, 5, "km", ".pcr");
    // A unit in a type position and in a quantity name the same declaration.
    let in_type = symbol(&a, "output: t", 0, 8);
    let in_quantity = symbol(&a, "1000 t", 0, 5);
    assert_eq!(in_type.definition, in_quantity.definition);
    // In the imported module's signature.
    let module = a.imports[0];
    let at = MODULE.find("distance: km").unwrap() + 10;
    let s = a
        .semantic()
        .at(module, at)
        .expect("a unit in a parameter's type");
    assert_eq!(text_at(&a, s.definition), "km");
}

#[test]
fn stages_boundaries_categories_and_gwp_sets_resolve() {
    let a = analysis();
    check_use(
        &a,
        "boundary cradle_to_gate",
        0,
        10,
        "cradle_to_gate",
        ".pcr",
    );
    check_use(&a, "gwp ar6", 0, 5, "ar6", ".pcr");
    check_use(&a, "stage production {", 0, 7, "production", ".pcr");
    check_use(&a, "as fossil", 0, 4, "fossil", ".pcr");
    check_use(&a, "exclude capital_goods", 0, 9, "capital_goods", ".pcr");
    // A stage block and `expect stage` name the same declaration.
    let block = symbol(&a, "stage production {", 0, 7);
    let expected = symbol(&a, "expect stage production", 0, 14);
    assert_eq!(block.definition, expected.definition);
    let uses: Vec<Location> = a.semantic().references(&block).collect();
    assert!(uses.iter().any(|l| l.span == block.span));
    assert!(uses.iter().any(|l| l.span == expected.span));
}

#[test]
fn given_and_expect_targets_resolve() {
    let a = analysis();
    check_use(&a, "given output", 0, 7, "output", "coil.pcr");
    check_use(&a, "given electricity", 0, 7, "electricity", "coil.pcr");
    check_use(&a, "expect stage production", 0, 14, "production", ".pcr");
    check_use(&a, "expect category fossil", 0, 17, "fossil", ".pcr");
    check_use(&a, "expect emission inbound", 0, 17, "inbound", "coil.pcr");
    // `given output` is among the uses of the input `output`.
    let input = symbol(&a, "input output", 0, 7);
    assert_eq!(input.definition.span, input.span);
    let given = symbol(&a, "given output", 0, 7);
    assert!(a
        .semantic()
        .references(&input)
        .any(|l| l.span == given.span));
}

#[test]
fn results_and_their_reported_amounts_resolve() {
    let a = analysis();
    // `expect result` and `expect value` name the result and the `let`.
    check_use(
        &a,
        "expect result fossil_and_inbound",
        0,
        14,
        "fossil_and_inbound",
        "coil.pcr",
    );
    check_use(
        &a,
        "expect value material_mass",
        0,
        13,
        "material_mass",
        "coil.pcr",
    );
    // Inside a result, `stage.X`, `category.X` and `emission.X` name the
    // stage, the category and the emission.
    check_use(&a, "stage.production /", 0, 6, "production", "stages.pcr");
    check_use(&a, "category.fossil +", 0, 9, "fossil", ".pcr");
    check_use(&a, "emission.inbound", 0, 9, "inbound", "coil.pcr");
    let stage = symbol(&a, "stage.production /", 0, 6);
    let block = symbol(&a, "stage production {", 0, 7);
    assert_eq!(stage.definition, block.definition);
    let emission = symbol(&a, "emission.inbound", 0, 9);
    assert_eq!(
        emission.definition.span.start as usize,
        offset(RULE, "emission inbound =", 0, 9)
    );
    // `footprint`, `stage`, … are bound by the language: no declaration,
    // so neither a result's references nor its rename reach them.
    assert!(a
        .semantic()
        .at(a.main, offset(RULE, "/ footprint", 0, 3))
        .is_none());
    assert!(a
        .semantic()
        .at(a.main, offset(RULE, "stage.production /", 0, 2))
        .is_none());
    let result = symbol(&a, "result production_share", 0, 8);
    assert_eq!(a.semantic().references(&result).count(), 0);
}

#[test]
fn results_are_document_symbols() {
    let a = analysis();
    let decls = a.semantic().declarations(a.main);
    let rule = decls
        .iter()
        .position(|d| d.kind == DeclKind::Rule && d.name == "coil")
        .expect("the rule");
    let share = decls
        .iter()
        .find(|d| d.kind == DeclKind::Result && d.name == "production_share")
        .expect("the result");
    assert_eq!(share.parent, Some(rule));
    assert_eq!(share.detail.as_deref(), Some("ratio"));
    assert_eq!(share.zh.as_deref(), Some("生产占比"));
    assert_eq!(share.en.as_deref(), Some("Production share"));
    assert_eq!(
        share.doc.as_deref().map(str::trim),
        Some("The part of the footprint from production.")
    );
    assert_eq!(share.value.as_deref(), Some("stage.production / footprint"));
    assert_eq!(&RULE[share.name_span.range()], "production_share");
    let plain = decls
        .iter()
        .find(|d| d.kind == DeclKind::Result && d.name == "fossil_and_inbound")
        .expect("the result without a unit");
    assert_eq!(plain.detail, None);
    // A result's own name is a symbol naming itself.
    let s = symbol(&a, "result fossil_and_inbound", 0, 7);
    assert_eq!(s.definition.span, plain.name_span);
}

#[test]
fn an_import_resolves_to_its_module_and_is_an_edge() {
    let a = analysis();
    let s = symbol(&a, "import helpers", 0, 8);
    let def = a.semantic().definition(&s);
    assert!(file_name(&a, def.file).ends_with("helpers.pcr"));
    assert_eq!(def.span.start, 0);
    let edges = a.semantic().imports();
    assert_eq!(edges.len(), 1, "{edges:?}");
    assert_eq!(edges[0].from, a.main);
    assert_eq!(edges[0].to, def.file);
    assert_eq!(&RULE[edges[0].span.range()], "import helpers");
    assert_eq!(&RULE[edges[0].path.range()], "helpers");
}

#[test]
fn every_use_is_recorded_once() {
    let a = analysis();
    let mut seen = HashSet::new();
    for (file, _) in a.files.iter() {
        for (span, target) in a.semantic().uses_in(file) {
            assert!(
                seen.insert((file, span.start, span.end)),
                "`{}` in {} recorded twice (→ {target:?})",
                &a.files.text(file)[span.range()],
                a.files.name(file)
            );
        }
    }
}

#[test]
fn declarations_are_document_symbols() {
    let a = analysis();
    let decls = a.semantic().declarations(a.main);
    let rule = decls
        .iter()
        .position(|d| d.kind == DeclKind::Rule && d.name == "coil")
        .expect("the rule");
    let input = decls
        .iter()
        .find(|d| d.kind == DeclKind::Input && d.name == "electricity")
        .expect("an input");
    assert_eq!(input.parent, Some(rule));
    assert_eq!(input.detail.as_deref(), Some("MWh"));
    assert_eq!(&RULE[input.name_span.range()], "electricity");
    assert!(input.span.contains(input.name_span.start as usize));
    // A declaration's own name is a symbol naming itself.
    let s = symbol(&a, "input electricity", 0, 7);
    assert_eq!(s.definition.span, input.name_span);
}

#[test]
fn types_are_recorded_for_hover() {
    let a = analysis();
    let at = offset(RULE, "electricity * grid", 0, 13);
    let (span, _) = a
        .semantic()
        .type_at(a.main, at)
        .expect("a typed expression");
    assert!(span.contains(at));
    assert_eq!(&RULE[span.range()], "electricity * grid");
    assert!(a.semantic().type_of(a.main, span).is_some());
    assert!(a.semantic().types_in(a.main).any(|(s, _)| s == span));
}

#[test]
fn nothing_is_recorded_without_the_option() {
    let path = rule_path();
    let a = analyze("coil.pcr", Some(&path), RULE, &Loader, &Options::default());
    assert!(a
        .semantic()
        .type_at(a.main, offset(RULE, "grid /", 0, 1))
        .is_none());
    let unit_in_type = offset(RULE, "output: t", 0, 8);
    assert!(a.semantic().at(a.main, unit_in_type).is_none());
    for (needle, delta) in [
        ("expect result fossil_and_inbound", 14),
        ("expect value material_mass", 13),
        ("expect emission inbound", 17),
    ] {
        let at = offset(RULE, needle, 0, delta);
        assert!(
            a.semantic().uses_in(a.main).all(|(s, _)| !s.contains(at)),
            "`{needle}` recorded without the option"
        );
    }
    // Import edges are always known (diagnostics of imported files).
    assert_eq!(a.semantic().imports().len(), 1);
}
