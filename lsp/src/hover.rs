//! Hover: the dimension (by its declared name) and unit (as the author wrote
//! it, where the source says) of any name or expression, and for a
//! declaration its documentation, labels, default, source, and for `gwp.X`
//! the value and the table it comes from.

use crate::analysis_cache::Analyzed;
use crate::decls::{Decl, DeclKind};
use crate::definition::symbol_at;
use crate::engine::State;
use pcr_compiler::types::{Location as CLocation, Type};
use pcr_compiler::world::World;
use pcr_lang::Span;
use tower_lsp_server::ls_types::{Hover, HoverContents, MarkupContent, MarkupKind, Position, Uri};

/// An exact rational as a decimal: `27.9`, `0.001`; rounded when it does not terminate.
pub fn decimal(r: pcr_compiler::rational::Rational) -> String {
    let (num, mut den) = (r.num(), r.den());
    if den == 0 {
        return r.to_string();
    }
    let mut places = 0u32;
    let mut scale: i128 = 1;
    while den % 10 == 0 || den % 2 == 0 || den % 5 == 0 {
        if den % 10 == 0 {
            den /= 10;
        } else if den % 2 == 0 {
            den /= 2;
            scale = scale.saturating_mul(5);
        } else {
            den /= 5;
            scale = scale.saturating_mul(2);
        }
        places += 1;
        if places > 30 {
            break;
        }
    }
    if den != 1 || places > 30 {
        return format!("{}", r.to_f64());
    }
    let scaled = num.saturating_mul(scale);
    let negative = scaled < 0;
    let digits = scaled.unsigned_abs().to_string();
    let places = places as usize;
    let text = if places == 0 {
        digits
    } else if digits.len() > places {
        let (int, frac) = digits.split_at(digits.len() - places);
        format!("{int}.{frac}")
    } else {
        format!("0.{}{digits}", "0".repeat(places - digits.len()))
    };
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    };
    if negative {
        format!("-{text}")
    } else {
        text
    }
}

/// `CO2e/Mass · kgCO2e/kg`, `ratio`, `bool`, `enum Route`, `list { … }`.
pub fn describe_type(world: &World, ty: &Type) -> String {
    match ty {
        Type::Quantity(d) if d.is_none() => "ratio".to_string(),
        Type::Quantity(d) => format!("{} · {}", world.dimension_name(d), world.canonical_unit(d)),
        Type::Bool => "bool".to_string(),
        Type::Text => "text".to_string(),
        Type::Enum(i) => world
            .enums
            .get(*i)
            .map(|e| format!("enum {}", e.name))
            .unwrap_or_else(|| "enum".to_string()),
        Type::List(r) | Type::Record(r) => {
            let fields: Vec<String> = r
                .fields
                .iter()
                .map(|f| format!("{}: {}", f.name, describe_type(world, &f.ty)))
                .collect();
            let body = format!("{{ {} }}", fields.join(", "));
            if matches!(ty, Type::List(_)) {
                format!("list {body}")
            } else {
                body
            }
        }
        Type::Error => "unknown (the expression has an error)".to_string(),
    }
}

/// [`describe_type`] with the unit as the author wrote it, when it is known
/// (`Energy · MWh` for `input electricity: MWh`, not `Energy · J`).
pub fn describe_type_written(world: &World, ty: &Type, unit: Option<&str>) -> String {
    match (ty, unit) {
        (Type::Quantity(d), Some(u)) if !d.is_none() => {
            format!("{} · {u}", world.dimension_name(d))
        }
        _ => describe_type(world, ty),
    }
}

/// The unit of a literal as written (`0.6205 kgCO2e/kWh`: `kgCO2e/kWh`).
pub fn literal_unit<'t>(world: &World, text: &'t str) -> Option<&'t str> {
    pcr_compiler::types::written_unit(text, |u| world.units.contains_key(u))
}

/// The unit a declaration's author wrote: its declared type (`input x: MWh`)
/// or, for a `let` without one, its value's literal unit (`let x = 3 MWh`).
fn decl_unit<'t>(a: &'t Analyzed, file: pcr_compiler::FileId, decl: &'t Decl) -> Option<&'t str> {
    match decl.kind {
        DeclKind::Input | DeclKind::Factor | DeclKind::Param | DeclKind::Result => {
            decl.detail.as_deref()
        }
        DeclKind::Let | DeclKind::Const => decl.detail.as_deref().or_else(|| {
            let text = a.file(file)?.text.get(decl.value_span?.range())?;
            literal_unit(&a.analysis.world, text)
        }),
        _ => None,
    }
}

/// The innermost expression of the document around `offset` whose type the compiler recorded.
pub fn type_at(a: &Analyzed, offset: usize) -> Option<(Span, &Type)> {
    a.semantic().type_at(a.main(), offset)
}

/// The recorded type of exactly this span of a file.
fn type_of(a: &Analyzed, file: pcr_compiler::FileId, span: Span) -> Option<&Type> {
    a.semantic().type_of(file, span)
}

/// The type of a declaration, from the checked rules or its value's recorded type.
fn decl_type(a: &Analyzed, target: CLocation, decl: &Decl) -> Option<Type> {
    let world = &a.analysis.world;
    match decl.kind {
        DeclKind::Input => a
            .analysis
            .rules
            .iter()
            .flat_map(|r| r.inputs.iter())
            .find(|i| i.loc == target)
            .map(|i| i.ty.clone()),
        DeclKind::Factor => a
            .analysis
            .rules
            .iter()
            .flat_map(|r| r.factors.iter())
            .find(|f| f.loc == target)
            .map(|f| f.ty.clone()),
        DeclKind::Emission => a
            .analysis
            .rules
            .iter()
            .flat_map(|r| r.emissions.iter())
            .find(|e| e.loc == target)
            .map(|e| e.value.ty.clone())
            .or_else(|| type_of(a, target.file, decl.value_span?).cloned()),
        DeclKind::Unit => world
            .units
            .get(&decl.name)
            .map(|u| Type::Quantity(u.dim.clone())),
        DeclKind::Dimension => world
            .dimensions
            .get(&decl.name)
            .map(|d| Type::Quantity(d.dim.clone())),
        DeclKind::Gas => world
            .gwp_sets
            .values()
            .flat_map(|s| s.values.iter())
            .find(|v| v.loc == target)
            .map(|v| Type::Quantity(v.dim.clone())),
        DeclKind::Let | DeclKind::Const => type_of(a, target.file, decl.value_span?).cloned(),
        DeclKind::Result => a
            .analysis
            .rules
            .iter()
            .flat_map(|r| r.results.iter())
            .find(|r| r.loc == target)
            .map(|r| Type::Quantity(r.dim.clone())),
        _ => None,
    }
}

/// The hover text of a declaration.
pub fn describe_decl(a: &Analyzed, target: CLocation, use_type: Option<&Type>) -> Option<String> {
    let decls = a.semantic().declarations(target.file);
    let decl = a.semantic().declaration(target)?;
    let world = &a.analysis.world;
    let mut out = String::new();
    // The declaration as written.
    let head = match decl.kind {
        DeclKind::Gas => {
            let set = decl
                .parent
                .and_then(|p| decls.get(p))
                .map(|p| p.name.clone())
                .unwrap_or_default();
            format!(
                "gwp.{} = {}   // gwp_set {set}",
                decl.name,
                decl.value.clone().unwrap_or_default()
            )
        }
        DeclKind::Example => format!("example \"{}\"", decl.name),
        DeclKind::Unit => match (&decl.value, &decl.detail) {
            (Some(v), _) => format!("unit {} = {v}", decl.name),
            (None, Some(d)) => format!("unit {}: {d}", decl.name),
            _ => format!("unit {}", decl.name),
        },
        DeclKind::Fn => format!(
            "fn {}{}",
            decl.name,
            decl.detail.clone().unwrap_or_default()
        ),
        kind => {
            let mut h = format!("{} {}", kind.keyword(), decl.name);
            if let Some(d) = &decl.detail {
                if matches!(
                    kind,
                    DeclKind::Emission | DeclKind::Grade | DeclKind::Boundary
                ) {
                    h.push(' ');
                } else {
                    h.push_str(": ");
                }
                if kind == DeclKind::Boundary {
                    h.push_str(&format!("= [{d}]"));
                } else {
                    h.push_str(d);
                }
            }
            if let (Some(v), DeclKind::Input) = (&decl.value, kind) {
                h.push_str(&format!(" = {v}"));
            }
            if let (Some(v), DeclKind::Factor) = (&decl.value, kind) {
                h.push_str(&format!(" = {v}"));
            }
            h
        }
    };
    out.push_str(&format!("```pcr\n{head}\n```\n"));
    let ty = decl_type(a, target, decl).or_else(|| use_type.cloned());
    if let Some(ty) = ty {
        let unit = decl_unit(a, target.file, decl);
        out.push_str(&format!(
            "\n`{}`\n",
            describe_type_written(world, &ty, unit)
        ));
    }
    if let Some(doc) = &decl.doc {
        out.push_str(&format!("\n{}\n", doc.trim()));
    }
    if decl.zh.is_some() || decl.en.is_some() {
        let labels: Vec<String> = [&decl.zh, &decl.en]
            .iter()
            .filter_map(|l| l.as_ref().map(|s| s.to_string()))
            .collect();
        out.push_str(&format!("\n{}\n", labels.join(" · ")));
    }
    match decl.kind {
        DeclKind::Input => {
            if let Some(v) = &decl.value {
                out.push_str(&format!("\ndefault: `{v}` (secondary data)\n"));
            }
        }
        DeclKind::Factor => {
            if let Some(v) = &decl.value {
                out.push_str(&format!("\nvalue: `{v}`\n"));
            }
            if let Some(src) = &decl.source {
                out.push_str(&format!("\nsource: {src}\n"));
            }
        }
        DeclKind::Gas => {
            let set = world
                .gwp_sets
                .values()
                .find(|s| s.values.iter().any(|v| v.loc == target));
            if let Some(set) = set {
                if let Some(v) = set.values.iter().find(|v| v.loc == target) {
                    out.push_str(&format!(
                        "\nvalue: {} kgCO2e/kg{} in GWP set `{}`\n",
                        decimal(v.value),
                        v.gas,
                        set.name
                    ));
                    if let Some(src) = &v.source {
                        out.push_str(&format!("\nsource: {src}\n"));
                    }
                }
                if let Some(src) = &set.source {
                    out.push_str(&format!("\ntable: {src}\n"));
                }
            }
        }
        DeclKind::GwpSet => {
            if let Some(src) = &decl.detail {
                out.push_str(&format!("\ntable: {src}\n"));
            }
        }
        DeclKind::Result => {
            if let Some(v) = &decl.value {
                out.push_str(&format!("\nvalue: `{v}`\n"));
            }
            out.push_str(REPORTED);
        }
        DeclKind::Stage if world.stages.get(&decl.name).is_some_and(|s| s.separate) => {
            out.push_str("\nreported separately, never summed into the footprint\n");
        }
        _ => {}
    }
    if target.file != a.main() {
        if let Some(f) = a.file(target.file) {
            out.push_str(&format!("\n*declared in* `{}`\n", f.name));
        }
    }
    Some(out)
}

/// What a result is, in its hover.
const REPORTED: &str =
    "\na result: reported per declared unit next to the footprint, never summed into the footprint\n";

/// The words bound inside a result, and what each is.
const REPORTED_WORDS: [(&str, &str); 4] = [
    (
        "footprint",
        "the rule's footprint per declared unit (CO2e), as reported; a value only inside a result",
    ),
    (
        "stage",
        "the reported amount of each stage of the boundary per declared unit (CO2e): `stage.NAME`; only inside a result",
    ),
    (
        "category",
        "the reported amount of each category per declared unit (CO2e): `category.NAME`; only inside a result",
    ),
    (
        "emission",
        "the reported amount of each emission of the rule per declared unit (CO2e): `emission.NAME`; only inside a result",
    ),
];

/// The explanation of a word the language binds at `span`: a reported
/// amount inside a result (the compiler typed it there and recorded no
/// declaration for it), or a built-in function called there.
fn bound_word(a: &Analyzed, span: Span) -> Option<&'static str> {
    let text = a.text();
    let word = text.get(span.range())?;
    let in_result = a.decls().iter().any(|d| {
        d.kind == DeclKind::Result
            && d.value_span
                .is_some_and(|v| v.contains(span.start as usize))
    });
    if in_result {
        if let Some((_, doc)) = REPORTED_WORDS.iter().find(|(w, _)| *w == word) {
            return Some(doc);
        }
    }
    let called = text
        .get(span.end as usize..)
        .is_some_and(|rest| rest.trim_start().starts_with('('));
    crate::completion::BUILTINS
        .iter()
        .find(|(b, _)| called && *b == word)
        .map(|(_, doc)| *doc)
}

/// The name-like word around `offset` of the document.
fn word_at(text: &str, offset: usize) -> Option<Span> {
    let is_name = |c: char| c == '_' || c.is_alphanumeric();
    let before = text.get(..offset)?;
    let start = before
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_name(*c))
        .last()
        .map_or(offset, |(i, _)| i);
    let after = text.get(offset..)?;
    let end = offset
        + after
            .char_indices()
            .find(|(_, c)| !is_name(*c))
            .map_or(after.len(), |(i, _)| i);
    (end > start).then(|| Span::new(start, end))
}

pub fn hover(s: &mut State, uri: &Uri, pos: Position) -> Option<Hover> {
    let a = s.analyzed(uri)?;
    let offset = a.offset(pos)?;
    let symbol = symbol_at(&a, offset);
    let typed = type_at(&a, offset);
    let (text, span) = match symbol {
        Some(sym) => {
            let use_type = typed.filter(|(span, _)| *span == sym.span).map(|(_, t)| t);
            let text =
                describe_decl(&a, a.semantic().definition(&sym), use_type).or_else(|| {
                    use_type.map(|t| format!("`{}`", describe_type(&a.analysis.world, t)))
                })?;
            (text, sym.span)
        }
        None if word_at(a.text(), offset)
            .and_then(|w| bound_word(&a, w))
            .is_some() =>
        {
            let span = word_at(a.text(), offset)?;
            let doc = bound_word(&a, span)?;
            let word = a.text().get(span.range()).unwrap_or("");
            let mut text = format!("```pcr\n{word}\n```\n\n{doc}\n");
            if let Some((_, ty)) = typed.filter(|(t, _)| *t == span) {
                text.push_str(&format!("\n`{}`\n", describe_type(&a.analysis.world, ty)));
            }
            (text, span)
        }
        None => {
            let (span, ty) = typed?;
            let written = a.text().get(span.range()).unwrap_or("").trim();
            let written: String = if written.chars().count() > 60 {
                written.chars().take(57).collect::<String>() + "…"
            } else {
                written.to_string()
            };
            let world = &a.analysis.world;
            let unit = a
                .text()
                .get(span.range())
                .and_then(|t| literal_unit(world, t));
            let text = format!(
                "```pcr\n{}\n```\n\n`{}`\n",
                written.replace('\n', " "),
                describe_type_written(world, ty, unit)
            );
            (text, span)
        }
    };
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: text,
        }),
        range: a.range(a.main(), span),
    })
}
