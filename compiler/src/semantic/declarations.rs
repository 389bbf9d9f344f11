//! Declarations as document symbols: every declaration of a module with
//! its kind, name, name span, whole span, parent and what hovers show (type
//! or value as written, documentation, labels, source). Read from the
//! syntax tree alone; what names mean is in the references.

use pcr_lang::ast::{
    self, Clause, ExampleStatement, Expr, ExprKind, FactorValue, Item, Name, TypeExpr, TypeKind,
    UnitDefinition,
};
use pcr_lang::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeclKind {
    Rule,
    Input,
    Factor,
    Let,
    Fn,
    Param,
    StageBlock,
    Emission,
    Example,
    Exclusion,
    Grade,
    Enum,
    Variant,
    Unit,
    Dimension,
    GwpSet,
    Gas,
    Stage,
    Boundary,
    Category,
    Const,
    Table,
    SumVar,
    Field,
    /// `result NAME`: a value reported next to the footprint, never summed into it.
    Result,
}

impl DeclKind {
    /// The keyword that declares it, as shown in hovers.
    pub fn keyword(self) -> &'static str {
        match self {
            DeclKind::Rule => "rule",
            DeclKind::Input => "input",
            DeclKind::Factor => "factor",
            DeclKind::Let | DeclKind::Const => "let",
            DeclKind::Fn => "fn",
            DeclKind::Param => "parameter",
            DeclKind::StageBlock | DeclKind::Stage => "stage",
            DeclKind::Emission => "emission",
            DeclKind::Example => "example",
            DeclKind::Exclusion => "exclude",
            DeclKind::Grade => "grade",
            DeclKind::Enum => "enum",
            DeclKind::Variant => "variant",
            DeclKind::Unit => "unit",
            DeclKind::Dimension => "dimension",
            DeclKind::GwpSet => "gwp_set",
            DeclKind::Gas => "gas",
            DeclKind::Boundary => "boundary",
            DeclKind::Category => "category",
            DeclKind::SumVar => "sum variable",
            DeclKind::Field => "field",
            DeclKind::Table => "table",
            DeclKind::Result => "result",
        }
    }
}

/// One declaration of a module.
#[derive(Debug, Clone)]
pub struct Decl {
    pub kind: DeclKind,
    pub name: String,
    pub name_span: Span,
    /// The whole declaration.
    pub span: Span,
    pub doc: Option<String>,
    /// The enclosing declaration's index (rule, stage block, enum, …).
    pub parent: Option<usize>,
    /// Type or value text as written, for symbols and hovers.
    pub detail: Option<String>,
    /// Bilingual labels, when declared.
    pub zh: Option<String>,
    pub en: Option<String>,
    /// The value as written: an input's default, a factor's value or `db` key, a `let`'s expression.
    pub value: Option<String>,
    /// The span of the value expression, whose type the compiler recorded.
    pub value_span: Option<Span>,
    /// Where a factor's value comes from.
    pub source: Option<String>,
}

fn slice(text: &str, span: Span) -> Option<String> {
    text.get(span.range()).map(|s| s.trim().to_string())
}

fn labels(l: &ast::Labels) -> (Option<String>, Option<String>) {
    (
        l.zh.as_ref().map(|s| s.value.clone()),
        l.en.as_ref().map(|s| s.value.clone()),
    )
}

struct Builder<'a> {
    text: &'a str,
    out: Vec<Decl>,
}

impl Builder<'_> {
    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        kind: DeclKind,
        name: &Name,
        span: Span,
        doc: &Option<String>,
        parent: Option<usize>,
        detail: Option<String>,
        l: Option<&ast::Labels>,
    ) -> usize {
        let (zh, en) = l.map(labels).unwrap_or_default();
        self.out.push(Decl {
            kind,
            name: name.text.clone(),
            name_span: name.span,
            span,
            doc: doc.clone(),
            parent,
            detail,
            zh,
            en,
            value: None,
            value_span: None,
            source: None,
        });
        self.out.len() - 1
    }

    fn value(&mut self, id: usize, e: &Expr) {
        let text = slice(self.text, e.span);
        if let Some(d) = self.out.get_mut(id) {
            d.value = text;
            d.value_span = Some(e.span);
        }
    }

    /// Names in a type position: units, enums, dimensions.
    fn type_expr(&mut self, t: &TypeExpr, parent: Option<usize>) {
        match &t.kind {
            TypeKind::Named(_) => {}
            TypeKind::Mul(a, b) | TypeKind::Div(a, b) => {
                self.type_expr(a, parent);
                self.type_expr(b, parent);
            }
            TypeKind::Pow(a, _) => self.type_expr(a, parent),
            TypeKind::List(fields) => {
                for f in fields {
                    let detail = slice(self.text, f.ty.span);
                    self.push(
                        DeclKind::Field,
                        &f.name,
                        f.span,
                        &None,
                        parent,
                        detail,
                        None,
                    );
                    self.type_expr(&f.ty, parent);
                }
            }
            TypeKind::Number(_) | TypeKind::Error => {}
        }
    }

    /// `sum` variables inside an expression.
    fn expr(&mut self, e: &Expr, parent: Option<usize>) {
        walk_expr(e, &mut |e| {
            if let ExprKind::Sum { var, .. } = &e.kind {
                self.out.push(Decl {
                    kind: DeclKind::SumVar,
                    name: var.text.clone(),
                    name_span: var.span,
                    span: e.span,
                    doc: None,
                    parent,
                    detail: None,
                    zh: None,
                    en: None,
                    value: None,
                    value_span: None,
                    source: None,
                });
            }
        });
    }

    fn function(&mut self, f: &ast::FnDecl, parent: Option<usize>) {
        let detail = slice(
            self.text,
            Span::new(f.name.span.end as usize, f.body.span.start as usize),
        )
        .map(|s| s.trim_end_matches('=').trim().to_string());
        let me = self.push(DeclKind::Fn, &f.name, f.span, &f.doc, parent, detail, None);
        for p in &f.params {
            let detail = slice(self.text, p.ty.span);
            self.push(
                DeclKind::Param,
                &p.name,
                p.span,
                &None,
                Some(me),
                detail,
                None,
            );
            self.type_expr(&p.ty, Some(me));
        }
        if let Some(r) = &f.ret {
            self.type_expr(r, Some(me));
        }
        self.expr(&f.body, Some(me));
    }

    fn item(&mut self, item: &Item) {
        match item {
            Item::Import(_) | Item::Error(_) => {}
            Item::Dimension(d) => {
                let detail = d.definition.as_ref().and_then(|t| slice(self.text, t.span));
                self.push(
                    DeclKind::Dimension,
                    &d.name,
                    d.span,
                    &d.doc,
                    None,
                    detail,
                    Some(&d.labels),
                );
                if let Some(t) = &d.definition {
                    self.type_expr(t, None);
                }
            }
            Item::Unit(u) => {
                let detail = match &u.definition {
                    UnitDefinition::Base(n) => Some(n.text.clone()),
                    UnitDefinition::Derived(e) => slice(self.text, e.span),
                };
                let id = self.push(
                    DeclKind::Unit,
                    &u.name,
                    u.span,
                    &u.doc,
                    None,
                    detail,
                    Some(&u.labels),
                );
                if let UnitDefinition::Derived(e) = &u.definition {
                    self.value(id, e);
                }
            }
            Item::GwpSet(g) => {
                let detail = g.source.as_ref().map(|s| s.value.clone());
                let me = self.push(
                    DeclKind::GwpSet,
                    &g.name,
                    g.span,
                    &g.doc,
                    None,
                    detail,
                    None,
                );
                for e in &g.entries {
                    let detail = slice(self.text, e.value.span);
                    let gid =
                        self.push(DeclKind::Gas, &e.gas, e.span, &None, Some(me), detail, None);
                    self.value(gid, &e.value);
                    if let (Some(src), Some(d)) = (&e.source, self.out.get_mut(gid)) {
                        d.source = Some(src.value.clone());
                    }
                }
            }
            Item::Stage(s) => {
                self.push(
                    DeclKind::Stage,
                    &s.name,
                    s.span,
                    &s.doc,
                    None,
                    None,
                    Some(&s.labels),
                );
            }
            Item::Boundary(b) => {
                let detail = Some(
                    b.stages
                        .iter()
                        .map(|s| s.text.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                );
                self.push(
                    DeclKind::Boundary,
                    &b.name,
                    b.span,
                    &b.doc,
                    None,
                    detail,
                    Some(&b.labels),
                );
            }
            Item::Category(c) => {
                self.push(
                    DeclKind::Category,
                    &c.name,
                    c.span,
                    &c.doc,
                    None,
                    None,
                    Some(&c.labels),
                );
            }
            Item::Enum(e) => {
                let me = self.push(DeclKind::Enum, &e.name, e.span, &e.doc, None, None, None);
                for v in &e.variants {
                    self.push(
                        DeclKind::Variant,
                        &v.name,
                        v.span,
                        &v.doc,
                        Some(me),
                        None,
                        Some(&v.labels),
                    );
                }
            }
            Item::Fn(f) => self.function(f, None),
            Item::Let(l) => {
                let detail = l.ty.as_ref().and_then(|t| slice(self.text, t.span));
                let me = self.push(DeclKind::Const, &l.name, l.span, &l.doc, None, detail, None);
                self.value(me, &l.value);
                if let Some(t) = &l.ty {
                    self.type_expr(t, Some(me));
                }
                self.expr(&l.value, Some(me));
            }
            Item::Table(t) => self.table(t, None),
            Item::Rule(r) => self.rule(r),
        }
    }

    /// A table: its name (detail `Enum -> TYPE`), the fields of a record
    /// value, and the `sum`s in its rows.
    fn table(&mut self, t: &ast::TableDecl, parent: Option<usize>) {
        let value_span = match &t.value {
            ast::TableValueType::Single(ty) => ty.span,
            ast::TableValueType::Record(_, span) => *span,
        };
        let detail = slice(self.text, t.key.span.to(value_span));
        let me = self.push(
            DeclKind::Table,
            &t.name,
            t.span,
            &t.doc,
            parent,
            detail,
            None,
        );
        match &t.value {
            ast::TableValueType::Single(ty) => self.type_expr(ty, Some(me)),
            ast::TableValueType::Record(fields, _) => {
                for f in fields {
                    let detail = slice(self.text, f.ty.span);
                    self.push(
                        DeclKind::Field,
                        &f.name,
                        f.span,
                        &None,
                        Some(me),
                        detail,
                        None,
                    );
                    self.type_expr(&f.ty, Some(me));
                }
            }
        }
        for row in &t.rows {
            self.expr(&row.value, Some(me));
        }
    }

    fn rule(&mut self, r: &ast::Rule) {
        let me = self.push(DeclKind::Rule, &r.name, r.span, &r.doc, None, None, None);
        for c in &r.clauses {
            match c {
                Clause::Input(i) => {
                    let detail = slice(self.text, i.ty.span);
                    let id = self.push(
                        DeclKind::Input,
                        &i.name,
                        i.span,
                        &i.doc,
                        Some(me),
                        detail,
                        None,
                    );
                    self.type_expr(&i.ty, Some(id));
                    if let Some(d) = &i.default {
                        self.value(id, d);
                        self.expr(d, Some(id));
                    }
                }
                Clause::Factor(f) => {
                    let detail = slice(self.text, f.ty.span);
                    let id = self.push(
                        DeclKind::Factor,
                        &f.name,
                        f.span,
                        &f.doc,
                        Some(me),
                        detail,
                        None,
                    );
                    self.type_expr(&f.ty, Some(id));
                    match &f.value {
                        FactorValue::Literal(e) => {
                            self.value(id, e);
                            self.expr(e, Some(id));
                        }
                        FactorValue::Db(key) => {
                            if let Some(d) = self.out.get_mut(id) {
                                d.value = Some(format!("db \"{}\"", key.value));
                            }
                        }
                    }
                    if let (Some(src), Some(d)) = (&f.source, self.out.get_mut(id)) {
                        d.source = Some(src.value.clone());
                    }
                }
                Clause::Let(l) => {
                    let detail = l.ty.as_ref().and_then(|t| slice(self.text, t.span));
                    let id = self.push(
                        DeclKind::Let,
                        &l.name,
                        l.span,
                        &l.doc,
                        Some(me),
                        detail,
                        None,
                    );
                    self.value(id, &l.value);
                    if let Some(t) = &l.ty {
                        self.type_expr(t, Some(id));
                    }
                    self.expr(&l.value, Some(id));
                }
                Clause::Fn(f) => self.function(f, Some(me)),
                Clause::Table(t) => self.table(t, Some(me)),
                Clause::Stage(s) => {
                    let id = self.push(
                        DeclKind::StageBlock,
                        &s.name,
                        s.span,
                        &s.doc,
                        Some(me),
                        None,
                        None,
                    );
                    for e in &s.emissions {
                        let detail = e.category.as_ref().map(|c| format!("as {}", c.text));
                        let eid = self.push(
                            DeclKind::Emission,
                            &e.name,
                            e.span,
                            &e.doc,
                            Some(id),
                            detail,
                            None,
                        );
                        self.value(eid, &e.value);
                        self.expr(&e.value, Some(eid));
                    }
                }
                Clause::Exclude(x) => {
                    let detail = Some(x.reason.value.clone());
                    self.push(
                        DeclKind::Exclusion,
                        &x.name,
                        x.span,
                        &x.doc,
                        Some(me),
                        detail,
                        None,
                    );
                }
                Clause::Grades(g) => {
                    for e in &g.entries {
                        let detail = slice(self.text, e.threshold.span).map(|t| format!("<= {t}"));
                        self.push(
                            DeclKind::Grade,
                            &e.name,
                            e.span,
                            &g.doc,
                            Some(me),
                            detail,
                            None,
                        );
                    }
                    if let Some(o) = &g.otherwise {
                        let detail = Some("otherwise".to_string());
                        self.push(DeclKind::Grade, o, o.span, &g.doc, Some(me), detail, None);
                    }
                }
                Clause::Example(x) => {
                    let name = Name {
                        text: x.name.value.clone(),
                        span: x.name.span,
                    };
                    let id = self.push(
                        DeclKind::Example,
                        &name,
                        x.span,
                        &x.doc,
                        Some(me),
                        None,
                        None,
                    );
                    for s in &x.statements {
                        match s {
                            ExampleStatement::Given(g) => self.expr(&g.value, Some(id)),
                            ExampleStatement::Expect(_) | ExampleStatement::Error(_) => {}
                        }
                    }
                }
                Clause::Result(r) => {
                    let detail = r.ty.as_ref().and_then(|t| slice(self.text, t.span));
                    let id = self.push(
                        DeclKind::Result,
                        &r.name,
                        r.span,
                        &r.doc,
                        Some(me),
                        detail,
                        None,
                    );
                    if let Some(d) = self.out.get_mut(id) {
                        d.zh = r.zh.as_ref().map(|s| s.value.clone());
                        d.en = r.en.as_ref().map(|s| s.value.clone());
                    }
                    self.value(id, &r.value);
                    if let Some(t) = &r.ty {
                        self.type_expr(t, Some(id));
                    }
                    self.expr(&r.value, Some(id));
                }
                Clause::Boundary(_)
                | Clause::Gwp(_)
                | Clause::Title(_)
                | Clause::Version(_)
                | Clause::Standard(_)
                | Clause::DeclaredUnit(_)
                | Clause::Cutoff(_)
                | Clause::Allocation(_)
                | Clause::Error(_) => {}
            }
        }
    }
}

/// The declarations of one module, each parent before its children.
pub(super) fn declarations(module: &ast::Module, text: &str) -> Vec<Decl> {
    let mut b = Builder {
        text,
        out: Vec::new(),
    };
    for item in &module.items {
        b.item(item);
    }
    b.out
}

/// Visit an expression and every sub-expression, outermost first.
pub fn walk_expr(e: &Expr, f: &mut dyn FnMut(&Expr)) {
    f(e);
    match &e.kind {
        ExprKind::Field(a, _) | ExprKind::Unary(_, a) | ExprKind::Paren(a) => walk_expr(a, f),
        ExprKind::Binary(_, a, b) | ExprKind::Index(a, b) => {
            walk_expr(a, f);
            walk_expr(b, f);
        }
        ExprKind::If(a, b, c) => {
            walk_expr(a, f);
            walk_expr(b, f);
            walk_expr(c, f);
        }
        ExprKind::Match(a, arms) => {
            walk_expr(a, f);
            for arm in arms {
                walk_expr(&arm.value, f);
            }
        }
        ExprKind::Sum {
            list, filter, body, ..
        } => {
            walk_expr(list, f);
            if let Some(filter) = filter {
                walk_expr(filter, f);
            }
            walk_expr(body, f);
        }
        ExprKind::Call(_, args) | ExprKind::List(args) => {
            for a in args {
                walk_expr(a, f);
            }
        }
        ExprKind::Record(fields) => {
            for r in fields {
                walk_expr(&r.value, f);
            }
        }
        ExprKind::Number(_)
        | ExprKind::Quantity { .. }
        | ExprKind::Str(_)
        | ExprKind::Bool(_)
        | ExprKind::Name(_)
        | ExprKind::Gwp(_)
        | ExprKind::Error => {}
    }
}
