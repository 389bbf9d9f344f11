//! Structured hostile rule text: a few bytes of fuzz input choose a shape
//! (deep nesting, long chains, long lines, many declarations, unbalanced
//! brackets) and a size, and expand into a rule file large or deep enough
//! to reach the language's limits, which libFuzzer's byte mutations on
//! short inputs never do.

use arbitrary::{Arbitrary, Unstructured};

/// Largest text a shape expands to, in bytes (keeps one execution bounded).
pub const MAX_TEXT: usize = 4 << 20;

/// What to repeat.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum Shape {
    /// `((((x))))`
    Parens,
    /// `x + x + … + x`
    Sum,
    /// `x * x * … * x`
    Product,
    /// `x - (x - (x - …))`, right-nested.
    RightNested,
    /// `- - - - x`
    UnaryMinus,
    /// `not not not x`
    Not,
    /// `if c then (if c then … else x) else x`
    IfChain,
    /// `match r { a => match r { … } }`
    MatchChain,
    /// `f(f(f(x)))`
    Calls,
    /// `x ^ 2 ^ 2 ^ …`
    Power,
    /// `[[[[x]]]]`
    ListNest,
    /// `{ a: { a: … } }`
    RecordNest,
    /// `sum(m in l: sum(m in l: …))`
    SumNest,
    /// `let x1 = x0 + x`, each using the previous one.
    LetChain,
    /// `let a1 = a2`, …, `let aN = a1`.
    LetCycle,
    /// `fn f1(v: kg) -> kg = f0(v)`, each calling the previous one.
    FnChain,
    /// One identifier of N characters.
    LongIdentifier,
    /// One string literal of N characters.
    LongString,
    /// One comment line of N characters.
    LongComment,
    /// A number literal of N digits.
    LongNumber,
    /// N stages with one emission each.
    ManyStages,
    /// N emissions in one stage.
    ManyEmissions,
    /// N rules in one file.
    ManyRules,
    /// N inputs.
    ManyInputs,
    /// N `(` and no `)`.
    UnclosedParens,
    /// N `{` and no `}`.
    UnclosedBraces,
    /// N `)` with no `(`.
    StrayClosers,
    /// Keywords where names go, N times.
    ReservedNames,
    /// N lines of `x` and nothing else between rule items.
    ManyLines,
}

/// Where the generated expression or declarations go in the rule.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum Place {
    RuleLet,
    TopLet,
    Emission,
    FnBody,
    InputDefault,
    ExampleGiven,
    ExampleExpect,
    GradeThreshold,
}

/// The innermost value of an expression shape.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum Atom {
    Mass,
    Literal,
    Number,
    Bool,
    Factor,
    Ratio,
    Huge,
    Tiny,
}

impl Atom {
    fn text(self) -> &'static str {
        match self {
            Atom::Mass => "mass",
            Atom::Literal => "1 kg",
            Atom::Number => "1",
            Atom::Bool => "true",
            Atom::Factor => "ef * mass",
            Atom::Ratio => "5%",
            Atom::Huge => "1e308 t",
            Atom::Tiny => "1e-320 kg",
        }
    }
}

/// A hostile rule file, before expansion.
#[derive(Arbitrary, Debug, Clone)]
pub struct HostileRule {
    pub shape: Shape,
    pub place: Place,
    pub atom: Atom,
    /// Raw size; reduced modulo the shape's maximum.
    pub size: u32,
    /// Text inserted somewhere in the middle (lets the fuzzer add a twist).
    pub twist: String,
}

impl HostileRule {
    /// Decode one from fuzz bytes.
    pub fn from_bytes(data: &[u8]) -> Option<HostileRule> {
        HostileRule::arbitrary_take_rest(Unstructured::new(data)).ok()
    }

    /// The rule file's text.
    pub fn render(&self) -> String {
        let n = self.count();
        let atom = self.atom.text();
        let twist = self.twist.as_str();
        let mut out = String::new();
        match self.shape {
            Shape::LetChain => {
                let mut body = String::from("    let x0 = 1 kg\n");
                for i in 1..=n {
                    push_capped(&mut body, &format!("    let x{i} = x{} + {atom}\n", i - 1));
                }
                rule(&mut out, &body, twist);
            }
            Shape::LetCycle => {
                let mut body = String::new();
                for i in 1..=n {
                    let next = if i == n { 1 } else { i + 1 };
                    push_capped(&mut body, &format!("    let a{i} = a{next}\n"));
                }
                rule(&mut out, &body, twist);
            }
            Shape::FnChain => {
                out.push_str("fn f0(v: kg) -> kg = v\n");
                for i in 1..=n {
                    push_capped(&mut out, &format!("fn f{i}(v: kg) -> kg = f{}(v)\n", i - 1));
                }
                rule(&mut out, &format!("    let x = f{n}(1 kg)\n"), twist);
            }
            Shape::LongIdentifier => {
                let name: String = std::iter::repeat_n('x', n).collect();
                rule(&mut out, &format!("    let {name} = {atom}\n"), twist);
            }
            Shape::LongString => {
                let text: String = std::iter::repeat_n('字', n / 3 + 1).collect();
                out.push_str(&format!("/// {twist}\nenum Route {{ a \"{text}\", b }}\n"));
                rule(&mut out, "", twist);
            }
            Shape::LongComment => {
                let text: String = std::iter::repeat_n('/', n).collect();
                out.push_str(&format!("// {text}\n"));
                rule(&mut out, &format!("    // {text}{twist}\n"), twist);
            }
            Shape::LongNumber => {
                let digits: String = std::iter::repeat_n('9', n.max(1)).collect();
                rule(
                    &mut out,
                    &format!("    let x = {digits}.{digits}e{digits} kg\n"),
                    twist,
                );
            }
            Shape::ManyStages => {
                let mut body = String::new();
                for i in 0..n {
                    push_capped(
                        &mut body,
                        &format!(
                            "    stage s{i} {{\n        emission e{i} = mass * ef / mass\n    }}\n"
                        ),
                    );
                }
                rule(&mut out, &body, twist);
            }
            Shape::ManyEmissions => {
                let mut body = String::from("    stage many {\n");
                for i in 0..n {
                    push_capped(
                        &mut body,
                        &format!("        emission m{i} = {atom} * ef / mass\n"),
                    );
                }
                body.push_str("    }\n");
                rule(&mut out, &body, twist);
            }
            Shape::ManyRules => {
                for i in 0..n {
                    if out.len() > MAX_TEXT {
                        break;
                    }
                    rule_named(&mut out, &format!("r{i}"), "", twist);
                }
            }
            Shape::ManyInputs => {
                let mut body = String::new();
                for i in 0..n {
                    push_capped(&mut body, &format!("    input in{i}: kg = {atom}\n"));
                }
                rule(&mut out, &body, twist);
            }
            Shape::UnclosedParens | Shape::UnclosedBraces | Shape::StrayClosers => {
                let c = match self.shape {
                    Shape::UnclosedParens => "(",
                    Shape::UnclosedBraces => "{",
                    _ => ")",
                };
                let mut text = String::new();
                for _ in 0..n {
                    push_capped(&mut text, c);
                }
                self.place_expr(&mut out, &format!("{text}{atom}"));
            }
            Shape::ReservedNames => {
                const WORDS: [&str; 12] = [
                    "rule", "let", "stage", "emission", "if", "match", "sum", "in", "fn", "unit",
                    "true", "given",
                ];
                let mut body = String::new();
                for i in 0..n {
                    let w = WORDS[i % WORDS.len()];
                    push_capped(&mut body, &format!("    let {w} = {w}\n"));
                }
                rule(&mut out, &body, twist);
            }
            Shape::ManyLines => {
                let mut body = String::new();
                for _ in 0..n {
                    push_capped(&mut body, "\n");
                }
                rule(&mut out, &format!("{body}    let x = {atom}{body}"), twist);
            }
            _ => {
                let expr = self.expression(n, atom);
                self.place_expr(&mut out, &expr);
            }
        }
        out
    }

    /// Size for this shape: nesting shapes go past any sensible depth limit
    /// (100,000), chains past a million terms' worth of text is capped by
    /// [`MAX_TEXT`].
    fn count(&self) -> usize {
        let max: u32 = match self.shape {
            Shape::LetChain | Shape::LetCycle | Shape::FnChain => 120_000,
            Shape::ManyStages | Shape::ManyEmissions | Shape::ManyInputs => 100_000,
            Shape::ManyRules => 20_000,
            Shape::LongIdentifier | Shape::LongString | Shape::LongComment => 2_000_000,
            Shape::LongNumber => 400_000,
            Shape::ManyLines => 1_000_000,
            Shape::Sum | Shape::Product => 1_000_000,
            _ => 200_000,
        };
        // Small sizes are common and cheap; make every size reachable.
        (self.size % max) as usize
    }

    fn expression(&self, n: usize, atom: &str) -> String {
        let mut e = String::new();
        match self.shape {
            Shape::Parens => wrap(&mut e, n, "(", atom, ")"),
            Shape::Sum => chain(&mut e, n, atom, " + "),
            Shape::Product => chain(&mut e, n, atom, " * "),
            Shape::RightNested => wrap(&mut e, n, &format!("{atom} - ("), atom, ")"),
            Shape::UnaryMinus => wrap(&mut e, n, "-", atom, ""),
            Shape::Not => wrap(&mut e, n, "not ", atom, ""),
            Shape::IfChain => wrap(
                &mut e,
                n,
                "if mass > 1 kg then (",
                atom,
                &format!(") else {atom}"),
            ),
            Shape::MatchChain => wrap(&mut e, n, "match route { a => ", atom, ", b => mass }"),
            Shape::Calls => wrap(&mut e, n, "max(", atom, &format!(", {atom})")),
            Shape::Power => {
                e.push_str(atom);
                for _ in 0..n {
                    push_capped(&mut e, " ^ 2");
                }
            }
            Shape::ListNest => wrap(&mut e, n, "[", atom, "]"),
            Shape::RecordNest => wrap(&mut e, n, "{ name: ", atom, " }"),
            Shape::SumNest => wrap(&mut e, n, "sum(m in materials: ", "m.mass", ")"),
            _ => e.push_str(atom),
        }
        e
    }

    fn place_expr(&self, out: &mut String, expr: &str) {
        let twist = self.twist.as_str();
        match self.place {
            Place::RuleLet => rule(out, &format!("    let x = {expr}\n"), twist),
            Place::TopLet => {
                out.push_str(&format!("let top = {expr}\n"));
                rule(out, "", twist);
            }
            Place::Emission => rule(
                out,
                &format!("    stage use {{\n        emission hostile = {expr}\n    }}\n"),
                twist,
            ),
            Place::FnBody => {
                out.push_str(&format!("fn hostile(mass: kg) -> kg = {expr}\n"));
                rule(out, "    let x = hostile(1 kg)\n", twist);
            }
            Place::InputDefault => rule(out, &format!("    input hostile: kg = {expr}\n"), twist),
            Place::ExampleGiven => rule(
                out,
                &format!("    example \"e\" {{\n        given mass = {expr}\n        expect footprint == 1 kgCO2e\n    }}\n"),
                twist,
            ),
            Place::ExampleExpect => rule(
                out,
                &format!("    example \"e\" {{\n        given mass = 1 t\n        expect footprint == {expr} within 1%\n    }}\n"),
                twist,
            ),
            Place::GradeThreshold => rule(
                out,
                &format!("    grades {{\n        A <= {expr}\n        B otherwise\n    }}\n"),
                twist,
            ),
        }
    }
}

fn push_capped(out: &mut String, piece: &str) {
    if out.len() + piece.len() <= MAX_TEXT {
        out.push_str(piece);
    }
}

/// `open` n times, `inner`, `close` n times (capped so that both halves fit).
fn wrap(out: &mut String, n: usize, open: &str, inner: &str, close: &str) {
    let per = (open.len() + close.len()).max(1);
    let n = n.min(MAX_TEXT / per);
    out.reserve(n * per + inner.len());
    for _ in 0..n {
        out.push_str(open);
    }
    out.push_str(inner);
    for _ in 0..n {
        out.push_str(close);
    }
}

fn chain(out: &mut String, n: usize, atom: &str, op: &str) {
    out.push_str(atom);
    for _ in 0..n {
        if out.len() + op.len() + atom.len() > MAX_TEXT {
            break;
        }
        out.push_str(op);
        out.push_str(atom);
    }
}

/// A valid rule around `body` (which goes after the declarations).
fn rule(out: &mut String, body: &str, twist: &str) {
    rule_named(out, "hostile", body, twist);
}

fn rule_named(out: &mut String, name: &str, body: &str, twist: &str) {
    if !out.contains("enum Route") {
        out.push_str("enum Route { a \"A\", b \"B\" }\n\n");
    }
    out.push_str(&format!(
        "rule {name} {{
    title \"热轧\" en \"{twist}\"
    version \"1.0.0\"
    declared_unit 1 t
    boundary gate_to_gate
    gwp ar6
    cutoff item 1% total 5%
    input mass: t
    input route: Route = a
    input materials: list {{ name: text, mass: t, ef: kgCO2e/kg }}
    factor ef: kgCO2e/kg = 0.5 kgCO2e/kg source \"fuzz\"
{body}    stage production {{
        emission base = mass * ef / mass
    }}
}}
"
    ));
}
