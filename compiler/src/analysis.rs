//! The compiler's entry point: load a file, the prelude and its imports,
//! build the world, check functions, constants and rules.

use crate::checked::CheckedRule;
use crate::checker::{Checker, Globals, Reference, Shared, Slot};
use crate::diagnostic::{Code, Diagnostic};
use crate::prelude;
use crate::rule::{check_rule, fn_body, signature, Threads};
use crate::semantic::{ImportEdge, SemanticIndex};
use crate::source::{FileId, Files};
use crate::types::{FnRef, TExpr, TKind, Type};
use crate::world::{ModuleInput, World};
use pcr_lang::ast::{self, Item};
use pcr_lang::{parse, Span};
use std::path::{Path, PathBuf};

/// Reads an imported module's text (the language server serves open documents from memory).
pub trait SourceLoader {
    fn load(&self, path: &Path) -> Option<String>;
}

/// Reads modules from disk.
pub struct DiskLoader;

impl SourceLoader for DiskLoader {
    fn load(&self, path: &Path) -> Option<String> {
        std::fs::read_to_string(path).ok()
    }
}

#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Record every expression's type and every reference (editors).
    pub record: bool,
    /// A folder to read the prelude from instead of the embedded one.
    pub std_dir: Option<PathBuf>,
    /// Check on one thread only (tests compare the two ways).
    pub sequential: bool,
}

/// Everything known after checking one file.
pub struct Analysis {
    pub files: Files,
    pub main: FileId,
    pub modules: Vec<(FileId, ast::Module)>,
    pub diagnostics: Vec<Diagnostic>,
    pub world: World,
    pub globals: Globals,
    pub rules: Vec<CheckedRule>,
    /// Each expression's type, when recorded.
    pub types: Vec<(FileId, Span, Type)>,
    /// The uses of names the checkers recorded (read them through [`Analysis::semantic`]).
    pub refs: Vec<Reference>,
    /// Files this one imports, directly or not.
    pub imports: Vec<FileId>,
    /// The other references and the import edges, behind [`Analysis::semantic`].
    pub(crate) semantic_index: SemanticIndex,
}

impl Analysis {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    pub fn module(&self, file: FileId) -> Option<&ast::Module> {
        self.modules
            .iter()
            .find(|(f, _)| *f == file)
            .map(|(_, m)| m)
    }

    pub fn rule(&self, name: Option<&str>) -> Result<&CheckedRule, String> {
        match name {
            Some(n) => self.rules.iter().find(|r| r.name == n).ok_or_else(|| {
                let names: Vec<&str> = self.rules.iter().map(|r| r.name.as_str()).collect();
                format!(
                    "no rule `{n}` in `{}` (it has {})",
                    self.files.name(self.main),
                    list(&names)
                )
            }),
            None => match self.rules.as_slice() {
                [one] => Ok(one),
                [] => Err(format!("`{}` declares no rule", self.files.name(self.main))),
                many => Err(format!(
                    "`{}` declares several rules ({}): choose one with `--rule NAME`",
                    self.files.name(self.main),
                    list(&many.iter().map(|r| r.name.as_str()).collect::<Vec<_>>())
                )),
            },
        }
    }
}

fn list(names: &[&str]) -> String {
    if names.is_empty() {
        return "none".to_string();
    }
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn prelude_sources(options: &Options) -> Vec<(String, Option<PathBuf>, String)> {
    if let Some(dir) = &options.std_dir {
        let mut out = Vec::new();
        if let Ok(entries) = std::fs::read_dir(dir) {
            let mut paths: Vec<PathBuf> =
                entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
            paths.sort();
            for p in paths {
                if p.extension().and_then(|e| e.to_str()) == Some("pcr") {
                    if let Ok(text) = std::fs::read_to_string(&p) {
                        out.push((p.display().to_string(), Some(p.clone()), text));
                    }
                }
            }
        }
        return out;
    }
    prelude::prelude_files()
        .map(|(path, text)| (format!("<stdlib>/{path}"), None, text.to_string()))
        .collect()
}

/// Check one file: `name` is shown in messages, `path` locates its imports.
/// Pass the text by value where it is at hand, so that it is not copied.
pub fn analyze(
    name: &str,
    path: Option<&Path>,
    text: impl Into<String>,
    loader: &dyn SourceLoader,
    options: &Options,
) -> Analysis {
    let mut files = Files::default();
    let mut diagnostics = Vec::new();
    let mut modules: Vec<(FileId, ast::Module)> = Vec::new();
    let prelude_ids = load_prelude(path, options, &mut files, &mut modules, &mut diagnostics);
    let main = files.add(name, path, text, false);
    // The tokens are dropped here: checking a long file needs its tree, not them.
    let pcr_lang::Parsed { module, errors, .. } = parse(files.text(main));
    diagnostics.extend(syntax_diagnostics(main, &errors));
    let (imports, import_edges) = load_imports(
        main,
        module,
        loader,
        &mut files,
        &mut modules,
        &mut diagnostics,
    );

    let inputs: Vec<ModuleInput> = modules
        .iter()
        .map(|(file, module)| ModuleInput {
            file: *file,
            module,
        })
        .collect();
    let world = World::build(&inputs, prelude_ids, &mut diagnostics);

    // Function signatures, then bodies and constants.
    let globals = check_signatures(&world, &files, &mut diagnostics);
    let mut recorded = Recorded::default();
    check_tables(
        &world,
        &globals,
        &files,
        options,
        &mut diagnostics,
        &mut recorded,
    );
    check_functions(
        &world,
        &globals,
        &files,
        options,
        &mut diagnostics,
        &mut recorded,
    );
    check_constants(
        &world,
        &globals,
        &files,
        options,
        &mut diagnostics,
        &mut recorded,
    );
    diagnostics.extend(recursive_functions(&world, &globals));

    // Rules of the main file.
    let rules = match modules.iter().find(|(f, _)| *f == main) {
        Some((_, module)) => {
            let context = RuleContext {
                world: &world,
                globals: &globals,
                files: &files,
                main,
                options,
            };
            check_rules(&context, module, &mut diagnostics, &mut recorded)
        }
        None => Vec::new(),
    };
    sort_by_place(&mut diagnostics, main);
    let semantic_index = if options.record {
        SemanticIndex::build(&modules, &world, files.iter().count(), import_edges)
    } else {
        SemanticIndex::imports_only(import_edges)
    };
    Analysis {
        files,
        main,
        modules,
        diagnostics,
        world,
        globals,
        rules,
        types: recorded.types,
        refs: recorded.refs,
        imports,
        semantic_index,
    }
}

/// The types and references checkers record for editors.
#[derive(Default)]
struct Recorded {
    types: Vec<(FileId, Span, Type)>,
    refs: Vec<Reference>,
}

/// Parse the prelude's files (all but the one `path` replaces, when the
/// file checked is itself a prelude file); their ids, in order.
fn load_prelude(
    path: Option<&Path>,
    options: &Options,
    files: &mut Files,
    modules: &mut Vec<(FileId, ast::Module)>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<FileId> {
    let mut prelude_ids = Vec::new();
    // Checking a prelude file itself: it replaces its embedded copy.
    let replaces = path.and_then(|p| prelude::replaced_prelude_file(p, options.std_dir.as_deref()));
    for (pname, ppath, ptext) in prelude_sources(options) {
        if replaces
            .as_ref()
            .is_some_and(|r| Path::new(&pname).file_name() == Some(r.as_ref()))
        {
            continue;
        }
        let id = files.add(pname, ppath.as_deref(), ptext, true);
        let parsed = parse(files.text(id));
        diagnostics.extend(syntax_diagnostics(id, &parsed.errors));
        modules.push((id, parsed.module));
        prelude_ids.push(id);
    }
    prelude_ids
}

/// Add the main module, then parse its imports, depth first, each module
/// once; the files imported, in order, and every import resolved.
fn load_imports(
    main: FileId,
    main_module: ast::Module,
    loader: &dyn SourceLoader,
    files: &mut Files,
    modules: &mut Vec<(FileId, ast::Module)>,
    diagnostics: &mut Vec<Diagnostic>,
) -> (Vec<FileId>, Vec<ImportEdge>) {
    let mut imports = Vec::new();
    let mut edges = Vec::new();
    let mut pending: Vec<(FileId, ast::Import)> = imports_of(main, &main_module);
    modules.push((main, main_module));
    while let Some((from, import)) = pending.pop() {
        let Some((mname, mpath, mtext, embedded)) =
            find_module(from, &import, loader, files, diagnostics)
        else {
            continue;
        };
        let edge = |to| ImportEdge {
            from,
            span: import.span,
            path: path_span(&import),
            to,
        };
        if let Some(known) = files.find_name(&mname) {
            edges.push(edge(known));
            continue;
        }
        let id = files.add(mname, mpath.as_deref(), mtext, embedded);
        edges.push(edge(id));
        let parsed = parse(files.text(id));
        diagnostics.extend(syntax_diagnostics(id, &parsed.errors));
        pending.extend(imports_of(id, &parsed.module));
        modules.push((id, parsed.module));
        imports.push(id);
    }
    (imports, edges)
}

/// The dotted path of an `import` (`a.b`).
fn path_span(import: &ast::Import) -> Span {
    import
        .path
        .first()
        .map(|f| f.span)
        .unwrap_or_default()
        .to(import.path.last().map(|l| l.span).unwrap_or_default())
}

/// The name, path, text and whether embedded of the module `import` (in
/// `from`) names: beside `from`, else in the standard library; else E0101.
fn find_module(
    from: FileId,
    import: &ast::Import,
    loader: &dyn SourceLoader,
    files: &Files,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<(String, Option<PathBuf>, String, bool)> {
    let rel: PathBuf = import
        .path
        .iter()
        .map(|n| n.text.as_str())
        .collect::<PathBuf>()
        .with_extension("pcr");
    let from_dir = files
        .get(from)
        .and_then(|f| f.path.as_ref())
        .and_then(|p| p.parent().map(Path::to_path_buf));
    let on_disk = from_dir.map(|d| d.join(&rel));
    let key_text = rel.to_string_lossy().replace('\\', "/");
    let found: Option<(String, Option<PathBuf>, String, bool)> = on_disk
        .as_ref()
        .and_then(|p| {
            loader
                .load(p)
                .map(|t| (p.display().to_string(), Some(p.clone()), t, false))
        })
        .or_else(|| {
            prelude::embedded_module(&key_text)
                .map(|t| (format!("<stdlib>/{key_text}"), None, t.to_string(), true))
        });
    if found.is_none() {
        let span = path_span(import);
        diagnostics.push(
            Diagnostic::new(
                Code::UnknownName,
                from,
                span,
                format!("cannot find module `{}`", dotted(import)),
                "no such module",
            )
            .with_note(format!(
                "looked for `{key_text}` beside this file and in the standard library"
            )),
        );
    }
    found
}

/// Every function's signature, with room for the bodies and constants
/// checked next.
fn check_signatures(world: &World, files: &Files, diagnostics: &mut Vec<Diagnostic>) -> Globals {
    let mut sig_checker_diags = Vec::new();
    let empty = Globals {
        fn_sigs: Vec::new(),
        fn_bodies: Shared::new(Vec::new()),
        consts: Shared::new(Vec::new()),
        tables: Shared::new(Vec::new()),
    };
    let mut sigs = Vec::new();
    for f in &world.fns {
        let mut c = Checker::new(world, &empty, f.file, files.text(f.file));
        sigs.push(signature(&mut c, &f.decl));
        sig_checker_diags.extend(c.diags);
    }
    diagnostics.extend(sig_checker_diags);
    Globals {
        fn_bodies: Shared::new(vec![None; sigs.len()]),
        fn_sigs: sigs,
        consts: Shared::new(vec![Slot::Pending; world.consts.len()]),
        tables: Shared::new(vec![None; world.tables.len()]),
    }
}

/// Check every top-level table: its key, value type and rows.
fn check_tables(
    world: &World,
    globals: &Globals,
    files: &Files,
    options: &Options,
    diagnostics: &mut Vec<Diagnostic>,
    recorded: &mut Recorded,
) {
    for (i, t) in world.tables.iter().enumerate() {
        let mut c = Checker::new(world, globals, t.file, files.text(t.file));
        c.record = options.record;
        let checked = c.check_table(&t.decl);
        if let Some(slot) = globals.tables.borrow_mut().get_mut(i) {
            *slot = checked;
        }
        diagnostics.extend(c.diags);
        recorded.types.extend(c.types);
        recorded.refs.extend(c.refs);
    }
}

/// Check every function's body against its signature.
fn check_functions(
    world: &World,
    globals: &Globals,
    files: &Files,
    options: &Options,
    diagnostics: &mut Vec<Diagnostic>,
    recorded: &mut Recorded,
) {
    for (i, f) in world.fns.iter().enumerate() {
        let mut c = Checker::new(world, globals, f.file, files.text(f.file));
        c.record = options.record;
        let sig = globals.fn_sigs[i].clone();
        let body = fn_body(&mut c, &f.decl, &sig);
        globals.fn_bodies.borrow_mut()[i] = Some(body);
        diagnostics.extend(c.diags);
        recorded.types.extend(c.types);
        recorded.refs.extend(c.refs);
    }
}

/// Check (and evaluate) every top-level constant.
fn check_constants(
    world: &World,
    globals: &Globals,
    files: &Files,
    options: &Options,
    diagnostics: &mut Vec<Diagnostic>,
    recorded: &mut Recorded,
) {
    for (i, k) in world.consts.iter().enumerate() {
        let mut c = Checker::new(world, globals, k.file, files.text(k.file));
        c.record = options.record;
        c.const_type(i, k.decl.name.span);
        diagnostics.extend(c.diags);
        recorded.types.extend(c.types);
        recorded.refs.extend(c.refs);
    }
}

/// What checking the main file's rules reads.
struct RuleContext<'a> {
    world: &'a World,
    globals: &'a Globals,
    files: &'a Files,
    main: FileId,
    options: &'a Options,
}

/// Check each rule of the main module, in order; a rule defined twice by
/// name is E0102.
fn check_rules(
    context: &RuleContext,
    module: &ast::Module,
    diagnostics: &mut Vec<Diagnostic>,
    recorded: &mut Recorded,
) -> Vec<CheckedRule> {
    let RuleContext {
        world,
        globals,
        files,
        main,
        options,
    } = *context;
    let mut rules: Vec<CheckedRule> = Vec::new();
    // Each rule's first definition by name: a file of thousands of rules
    // is checked for duplicates in linear time.
    let mut first_by_name: std::collections::HashMap<&str, usize> =
        std::collections::HashMap::new();
    for item in &module.items {
        let Item::Rule(rule) = item else { continue };
        let mut c = Checker::new(world, globals, main, files.text(main));
        c.record = options.record;
        let first = *first_by_name
            .entry(rule.name.text.as_str())
            .or_insert(rules.len());
        if let Some(previous) = rules.get(first) {
            c.push(
                Diagnostic::new(
                    Code::DuplicateDefinition,
                    main,
                    rule.name.span,
                    format!("rule `{}` is defined twice", rule.name.text),
                    "defined again here",
                )
                .with_label(main, previous.name_span, "first defined here"),
            );
        }
        let threads = if options.sequential {
            Threads::One
        } else {
            Threads::UpToTwo
        };
        let checked = check_rule(&mut c, rule, threads);
        diagnostics.extend(c.diags);
        append(&mut recorded.types, c.types);
        append(&mut recorded.refs, c.refs);
        rules.push(checked);
    }
    rules
}

/// Sort diagnostics by place, the main file's first (a rule's missing
/// clauses, all at its name, stay in clause order).
fn sort_by_place(diagnostics: &mut [Diagnostic], main: FileId) {
    let key = |d: &Diagnostic| {
        (
            d.primary.file != main,
            d.primary.file,
            d.primary.span.start,
            d.severity,
            d.primary.span.end,
            d.code,
        )
    };
    diagnostics.sort_by_key(key);
}

/// `to.extend(from)`, without copying `from` into an empty `to`.
fn append<T>(to: &mut Vec<T>, from: Vec<T>) {
    if to.is_empty() {
        *to = from;
    } else {
        to.extend(from);
    }
}

fn dotted(import: &ast::Import) -> String {
    import
        .path
        .iter()
        .map(|n| n.text.as_str())
        .collect::<Vec<_>>()
        .join(".")
}

fn imports_of(file: FileId, module: &ast::Module) -> Vec<(FileId, ast::Import)> {
    module
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Import(imp) => Some((file, imp.clone())),
            _ => None,
        })
        .rev()
        .collect()
}

pub fn syntax_diagnostics(file: FileId, errors: &[pcr_lang::SyntaxError]) -> Vec<Diagnostic> {
    errors
        .iter()
        .map(|e| {
            let mut d = Diagnostic::new(
                Code::SyntaxError,
                file,
                e.span,
                format!("syntax error: {}", e.message),
                e.label.clone(),
            );
            if e.message.starts_with("unexpected end of file") {
                d = d.with_note("the file ends before this declaration is complete");
            }
            d
        })
        .collect()
}

/// Functions may not call themselves, directly or through others (E0103).
fn recursive_functions(world: &World, globals: &Globals) -> Vec<Diagnostic> {
    fn calls(e: &TExpr, out: &mut Vec<usize>) {
        if let TKind::Call(FnRef::Global(i), _) = &e.kind {
            out.push(*i);
        }
        e.for_each_child(&mut |c| calls(c, out));
    }
    let bodies = globals.fn_bodies.borrow();
    let graph: Vec<Vec<usize>> = bodies
        .iter()
        .map(|b| {
            let mut out = Vec::new();
            if let Some(b) = b {
                calls(b, &mut out);
            }
            out
        })
        .collect();
    let mut diags = Vec::new();
    for start in on_call_cycles(&graph) {
        let f = &world.fns[start];
        diags.push(
            Diagnostic::new(
                Code::CyclicDefinition,
                f.file,
                f.decl.name.span,
                format!("function `{}` calls itself", f.name),
                "recursive function",
            )
            .with_note("rules are evaluated as a finite plan, so functions cannot be recursive"),
        );
    }
    diags
}

/// The functions that can reach themselves through `graph` (function →
/// the functions its body calls), in increasing order: the members of
/// strongly connected components with more than one member or a call to
/// itself. Tarjan's algorithm with an explicit stack, so a chain of 100,000
/// functions takes linear time and no deep native stack.
fn on_call_cycles(graph: &[Vec<usize>]) -> Vec<usize> {
    const UNVISITED: usize = usize::MAX;
    let n = graph.len();
    let mut index = vec![UNVISITED; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut recursive = vec![false; n];
    let mut next_index = 0;
    // (node, position of the next edge to follow)
    let mut work: Vec<(usize, usize)> = Vec::new();
    for root in 0..n {
        if index[root] != UNVISITED {
            continue;
        }
        work.push((root, 0));
        while let Some(&mut (v, ref mut edge)) = work.last_mut() {
            if *edge == 0 && index[v] == UNVISITED {
                index[v] = next_index;
                low[v] = next_index;
                next_index += 1;
                stack.push(v);
                on_stack[v] = true;
            }
            if let Some(&w) = graph[v].get(*edge) {
                *edge += 1;
                if w >= n {
                    continue;
                }
                if w == v {
                    recursive[v] = true;
                } else if index[w] == UNVISITED {
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                let mut members = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    members.push(w);
                    if w == v {
                        break;
                    }
                }
                if members.len() > 1 {
                    for w in members {
                        recursive[w] = true;
                    }
                }
            }
        }
    }
    (0..n).filter(|&v| recursive[v]).collect()
}

impl TExpr {
    /// Visit each direct sub-expression.
    pub fn for_each_child(&self, f: &mut dyn FnMut(&TExpr)) {
        match &self.kind {
            TKind::Field(a, _) | TKind::Unary(_, a) | TKind::Pow(a, _) | TKind::Row(_, a) => f(a),
            TKind::Binary(_, ab) => {
                f(&ab.0);
                f(&ab.1);
            }
            TKind::Sum(a, b) => {
                f(a);
                f(b);
            }
            TKind::If(a, b, c) => {
                f(a);
                f(b);
                f(c);
            }
            TKind::Match(a, arms) => {
                f(a);
                for (_, e) in arms {
                    f(e);
                }
            }
            TKind::Call(_, args) | TKind::Builtin(_, args) | TKind::List(args) => {
                for a in args {
                    f(a);
                }
            }
            TKind::Record(fields) => {
                for (_, e) in fields {
                    f(e);
                }
            }
            _ => {}
        }
    }
}
