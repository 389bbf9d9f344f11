//! The protocol front: capabilities, and one handler per request that runs
//! its module's function on the analysis thread.

use crate::engine::{Engine, State};
use crate::{
    code_action, completion, definition, diagnostics, formatting, hover, inlay_hints, references,
    rename, semantic_tokens, symbols,
};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::mpsc;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

/// Diagnostics to publish: a document, its diagnostics and the version they are for.
pub type Publication = (Uri, Vec<Diagnostic>, Option<i32>);

pub struct Backend {
    client: Client,
    engine: Engine,
    /// Changes sent to the analysis thread and not yet applied, per document:
    /// while more are queued, the thread skips re-checking (they supersede).
    pending: Arc<Mutex<HashMap<Uri, usize>>>,
    publisher: Option<mpsc::UnboundedSender<Publication>>,
    /// Whether the client lets the server ask to watch files (project files).
    watches_files: AtomicBool,
}

impl Backend {
    pub fn new(client: Client) -> Backend {
        let publisher = tokio::runtime::Handle::try_current().ok().map(|handle| {
            let (tx, mut rx) = mpsc::unbounded_channel::<Publication>();
            let client = client.clone();
            handle.spawn(async move {
                while let Some((uri, diags, version)) = rx.recv().await {
                    client.publish_diagnostics(uri, diags, version).await;
                }
            });
            tx
        });
        Backend {
            client,
            engine: Engine::start(),
            pending: Arc::new(Mutex::new(HashMap::new())),
            publisher,
            watches_files: AtomicBool::new(false),
        }
    }

    /// Run a request's job; a panic becomes a logged error and no answer.
    async fn run<R, F>(&self, what: &'static str, f: F) -> Option<R>
    where
        R: Send + 'static,
        F: FnOnce(&mut State) -> Option<R> + Send + 'static,
    {
        match self.engine.run(f).await {
            Ok(answer) => answer,
            Err(message) => {
                let text = format!("pcr lsp: internal error in {what}: {message}");
                eprintln!("{text}");
                self.client.log_message(MessageType::ERROR, text).await;
                None
            }
        }
    }

    /// Apply an edit to the store, then re-check the affected documents
    /// (unless a later edit of the same document is already queued).
    async fn update(
        &self,
        what: &'static str,
        uri: Uri,
        apply: impl FnOnce(&mut State) -> Vec<Uri> + Send + 'static,
    ) {
        self.try_update(what, uri, move |state| Ok(apply(state)))
            .await;
    }

    /// [`Backend::update`] with an edit that may be refused: the refusal is
    /// logged (stderr and `window/logMessage`) and nothing changes.
    async fn try_update(
        &self,
        what: &'static str,
        uri: Uri,
        apply: impl FnOnce(&mut State) -> std::result::Result<Vec<Uri>, String> + Send + 'static,
    ) {
        if let Ok(mut p) = self.pending.lock() {
            *p.entry(uri.clone()).or_insert(0) += 1;
        }
        let pending = self.pending.clone();
        let publisher = self.publisher.clone();
        let answer = self
            .run(what, move |state| {
                let left = match pending.lock() {
                    Ok(mut p) => {
                        let n = p.entry(uri.clone()).or_insert(1);
                        *n = n.saturating_sub(1);
                        let left = *n;
                        if left == 0 {
                            p.remove(&uri);
                        }
                        left
                    }
                    Err(_) => 0,
                };
                let affected = match apply(state) {
                    Ok(affected) => affected,
                    Err(why) => return Some((Some(why), Vec::new())),
                };
                if left > 0 {
                    return Some((None, Vec::new()));
                }
                for p in diagnostics::check(state, &affected) {
                    if let Some(tx) = &publisher {
                        let _ = tx.send(p);
                    }
                }
                Some((None, state.projects.take_messages()))
            })
            .await;
        let (refused, messages) = answer.unwrap_or_default();
        if let Some(why) = refused {
            let text = format!("pcr lsp: {what} ignored: {why}");
            eprintln!("{text}");
            self.client.log_message(MessageType::WARNING, text).await;
        }
        for message in messages {
            // A broken project file: said once, as an error, until it changes.
            self.client.show_message(MessageType::ERROR, message).await;
        }
    }
}

pub fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        // Ranged changes: a keystroke sends one character, not the whole text.
        text_document_sync: Some(TextDocumentSyncCapability::Kind(
            TextDocumentSyncKind::INCREMENTAL,
        )),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec![".".to_string(), " ".to_string()]),
            ..CompletionOptions::default()
        }),
        document_symbol_provider: Some(OneOf::Left(true)),
        document_formatting_provider: Some(OneOf::Left(true)),
        semantic_tokens_provider: Some(SemanticTokensServerCapabilities::SemanticTokensOptions(
            SemanticTokensOptions {
                legend: semantic_tokens::legend(),
                full: Some(SemanticTokensFullOptions::Bool(true)),
                range: None,
                ..SemanticTokensOptions::default()
            },
        )),
        inlay_hint_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Right(RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: WorkDoneProgressOptions::default(),
        })),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            ..CodeActionOptions::default()
        })),
        ..ServerCapabilities::default()
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let watches = params
            .capabilities
            .workspace
            .and_then(|w| w.did_change_watched_files)
            .and_then(|w| w.dynamic_registration)
            .unwrap_or(false);
        self.watches_files.store(watches, Ordering::Relaxed);
        Ok(InitializeResult {
            capabilities: capabilities(),
            server_info: Some(ServerInfo {
                name: "pcr-lsp".to_string(),
                version: Some(env!("CARGO_PKG_VERSION").to_string()),
            }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        self.client
            .log_message(MessageType::INFO, "pcr language server ready")
            .await;
        // Project files and factor databases change outside the editor's
        // rule documents: ask to hear of it when the client allows (either
        // way, projects are read again whenever a rule is checked).
        if !self.watches_files.load(Ordering::Relaxed) {
            return;
        }
        let watchers = ["**/pcr.toml", "**/*.csv"]
            .into_iter()
            .map(|glob| FileSystemWatcher {
                glob_pattern: GlobPattern::String(glob.to_string()),
                kind: None,
            })
            .collect();
        let registration = Registration {
            id: "pcr-project-files".to_string(),
            method: "workspace/didChangeWatchedFiles".to_string(),
            register_options: serde_json::to_value(DidChangeWatchedFilesRegistrationOptions {
                watchers,
            })
            .ok(),
        };
        let client = self.client.clone();
        // Not awaited here: the client answers while other messages flow.
        tokio::spawn(async move {
            if let Err(e) = client.register_capability(vec![registration]).await {
                client
                    .log_message(
                        MessageType::INFO,
                        format!("pcr lsp: project files are not watched: {e}"),
                    )
                    .await;
            }
        });
    }

    async fn shutdown(&self) -> Result<()> {
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let doc = params.text_document;
        let uri = doc.uri.clone();
        self.update("didOpen", uri, move |state| {
            state.open(doc.uri, doc.text, doc.version)
        })
        .await;
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        let version = params.text_document.version;
        let changes = params.content_changes;
        let target = uri.clone();
        self.try_update("didChange", uri, move |state| {
            state.edit(target, changes, version)
        })
        .await;
    }

    async fn did_save(&self, params: DidSaveTextDocumentParams) {
        // A saved project file or factor database is read again.
        let uri = params.text_document.uri;
        let target = uri.clone();
        self.update("didSave", uri, move |state| state.disk_changed(&target))
            .await;
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        let target = uri.clone();
        let publisher = self.publisher.clone();
        if let Some(tx) = &publisher {
            // A closed document's problems are no longer shown.
            let _ = tx.send((uri.clone(), Vec::new(), None));
        }
        self.update("didClose", uri, move |state| state.close(&target))
            .await;
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        for change in params.changes {
            let uri = change.uri.clone();
            self.update("didChangeWatchedFiles", uri, move |state| {
                state.disk_changed(&change.uri)
            })
            .await;
        }
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let p = params.text_document_position_params;
        Ok(self
            .run("hover", move |s| {
                hover::hover(s, &p.text_document.uri, p.position)
            })
            .await)
    }

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        let p = params.text_document_position_params;
        Ok(self
            .run("definition", move |s| {
                definition::definition(s, &p.text_document.uri, p.position)
            })
            .await)
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        let p = params.text_document_position;
        let include = params.context.include_declaration;
        Ok(self
            .run("references", move |s| {
                references::references(s, &p.text_document.uri, p.position, include)
            })
            .await)
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let p = params.text_document_position;
        Ok(self
            .run("completion", move |s| {
                completion::completion(s, &p.text_document.uri, p.position)
            })
            .await)
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        let uri = params.text_document.uri;
        Ok(self
            .run("documentSymbol", move |s| {
                symbols::document_symbols(s, &uri)
            })
            .await)
    }

    async fn formatting(&self, params: DocumentFormattingParams) -> Result<Option<Vec<TextEdit>>> {
        let uri = params.text_document.uri;
        Ok(self
            .run("formatting", move |s| formatting::format(s, &uri))
            .await)
    }

    async fn semantic_tokens_full(
        &self,
        params: SemanticTokensParams,
    ) -> Result<Option<SemanticTokensResult>> {
        let uri = params.text_document.uri;
        Ok(self
            .run("semanticTokens", move |s| semantic_tokens::full(s, &uri))
            .await)
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        let uri = params.text_document.uri;
        let range = params.range;
        Ok(self
            .run("inlayHint", move |s| inlay_hints::hints(s, &uri, range))
            .await)
    }

    async fn prepare_rename(
        &self,
        params: TextDocumentPositionParams,
    ) -> Result<Option<PrepareRenameResponse>> {
        Ok(self
            .run("prepareRename", move |s| {
                rename::prepare(s, &params.text_document.uri, params.position)
            })
            .await)
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        let p = params.text_document_position;
        let new_name = params.new_name;
        let answer = self
            .run("rename", move |s| {
                Some(rename::rename(
                    s,
                    &p.text_document.uri,
                    p.position,
                    &new_name,
                ))
            })
            .await;
        match answer {
            Some(Ok(edit)) => Ok(edit),
            Some(Err(message)) => Err(Error::invalid_params(message)),
            None => Ok(None),
        }
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        Ok(self
            .run("codeAction", move |s| {
                code_action::actions(
                    s,
                    &params.text_document.uri,
                    params.range,
                    &params.context.diagnostics,
                )
            })
            .await)
    }
}
