//! Tables keyed by enums (§11): parsed at top level and in rules, rows read
//! with `name[key]`, formatted with one row per line and aligned `=>`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use pcr_lang::ast::{Clause, ExprKind, Item, TableValueType};
use pcr_lang::format::format_source;
use pcr_lang::parse;

const BLEND: &str = "enum Refrigerant { R404A, R407C, R410A }
table blend: Refrigerant -> { hfc125: ratio, hfc143a: ratio, hfc134a: ratio, hfc32: ratio } {
    R404A => { hfc125: 44%, hfc143a: 52%, hfc134a: 4%, hfc32: 0% }
    R407C => { hfc125: 25%, hfc143a: 0%, hfc134a: 52%, hfc32: 23% }
    R410A => { hfc125: 50%, hfc143a: 0%, hfc134a: 0%, hfc32: 50% }
}
table grid_ef: Province -> kgCO2e/kWh { north => 0.58 kgCO2e/kWh, south => 0.49 kgCO2e/kWh }
";

#[test]
fn tables_of_records_and_of_quantities_parse() {
    let parsed = parse(BLEND);
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    let Some(Item::Table(blend)) = parsed.module.items.get(1) else {
        panic!("not a table: {:?}", parsed.module.items.get(1));
    };
    assert_eq!(blend.name.text, "blend");
    assert_eq!(blend.key.text, "Refrigerant");
    assert!(matches!(&blend.value, TableValueType::Record(fields, _) if fields.len() == 4));
    let variants: Vec<&str> = blend.rows.iter().map(|r| r.variant.text.as_str()).collect();
    assert_eq!(variants, ["R404A", "R407C", "R410A"]);
    assert!(matches!(blend.rows[0].value.kind, ExprKind::Record(_)));
    let Some(Item::Table(grid)) = parsed.module.items.get(2) else {
        panic!("not a table");
    };
    assert!(matches!(grid.value, TableValueType::Single(_)));
    assert_eq!(grid.rows.len(), 2);
    assert!(matches!(grid.rows[1].value.kind, ExprKind::Binary(..)));
}

#[test]
fn a_row_is_read_with_brackets_and_a_table_may_be_in_a_rule() {
    let src = "rule r {
    table ef: Route -> kgCO2e/t { bf_bof => 2 kgCO2e/t, eaf => 0.5 kgCO2e/t, }
    let x = blend[r.refrigerant].hfc125 * grid_ef[province]
}";
    let parsed = parse(src);
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    let Some(Item::Rule(rule)) = parsed.module.items.first() else {
        panic!("not a rule");
    };
    assert!(matches!(rule.clauses.first(), Some(Clause::Table(t)) if t.rows.len() == 2));
    let Some(Clause::Let(x)) = rule.clauses.get(1) else {
        panic!("not a let");
    };
    let ExprKind::Binary(_, a, b) = &x.value.kind else {
        panic!("not a product");
    };
    let ExprKind::Field(row, field) = &a.kind else {
        panic!("not a field");
    };
    assert_eq!(field.text, "hfc125");
    assert!(matches!(&row.kind, ExprKind::Index(t, k)
        if matches!(&t.kind, ExprKind::Name(n) if n.text == "blend")
        && matches!(&k.kind, ExprKind::Field(..))));
    assert!(matches!(&b.kind, ExprKind::Index(..)));
}

#[test]
fn rows_of_quantities_need_commas() {
    let parsed = parse("table t: E -> kg { a => 1 kg\n b => 2 kg }");
    assert_eq!(parsed.errors.len(), 1, "{:?}", parsed.errors);
}

#[test]
fn table_rows_are_one_per_line_with_aligned_arrows_and_formatting_is_idempotent() {
    let src = "table blend: Refrigerant -> {hfc125: ratio, hfc32: ratio} {
  R404A => {hfc125: 44%, hfc32: 0%}
      R32 =>{ hfc125: 0%, hfc32: 100% }
  R410A=> { hfc125: 50%, hfc32: 50% }
}
table ef: Route -> kgCO2e/t { bf_bof => 2 kgCO2e/t, eaf => 0.5 kgCO2e/t }
table ef2: Route -> kgCO2e/t {
    bf_bof => 2 kgCO2e/t,
    eaf => 0.5 kgCO2e/t,
}
let x = blend [ R32 ].hfc32 * ef2 [route] + sum(l in [1, 2]: l)
";
    let once = format_source(src).unwrap();
    assert_eq!(
        once,
        "table blend: Refrigerant -> { hfc125: ratio, hfc32: ratio } {
    R404A => { hfc125: 44%, hfc32: 0% }
    R32   => { hfc125: 0%, hfc32: 100% }
    R410A => { hfc125: 50%, hfc32: 50% }
}
table ef: Route -> kgCO2e/t { bf_bof => 2 kgCO2e/t, eaf => 0.5 kgCO2e/t }
table ef2: Route -> kgCO2e/t {
    bf_bof => 2 kgCO2e/t,
    eaf    => 0.5 kgCO2e/t,
}
let x = blend[R32].hfc32 * ef2[route] + sum(l in [1, 2]: l)
"
    );
    assert_eq!(format_source(&once).unwrap(), once);
}
