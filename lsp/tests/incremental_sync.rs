//! Incremental text synchronisation: the server asks for ranged changes,
//! and a sequence of them, sent over the wire, leaves the same text and the
//! same diagnostics as sending each whole text (full synchronisation).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use pcr_lsp::transport::FrameReader;
use serde_json::{json, Value};
use std::time::Duration;
use tokio::io::{AsyncWriteExt, DuplexStream};

const RULE: &str = include_str!("../../tests/lsp/coil.pcr");

fn frame(message: Value) -> Vec<u8> {
    let body = message.to_string();
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body.as_bytes());
    out
}

/// `f`'s output, or a failure after `seconds`.
async fn within<F: std::future::Future>(seconds: u64, f: F) -> F::Output {
    let (ring, alarm) = tokio::sync::oneshot::channel::<()>();
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_secs(seconds));
        let _ = ring.send(());
    });
    tokio::select! {
        out = f => out,
        _ = alarm => panic!("no answer within {seconds} s"),
    }
}

/// A client of an in-process server.
struct Client {
    to_server: DuplexStream,
    from_server: FrameReader<DuplexStream>,
    /// Messages read while waiting for something else.
    seen: Vec<Value>,
    /// The `initialize` answer.
    capabilities: Value,
}

impl Client {
    async fn start() -> Client {
        let (to_server, input) = tokio::io::duplex(1 << 16);
        let (output, from_server) = tokio::io::duplex(1 << 16);
        tokio::spawn(pcr_lsp::serve(input, output));
        let mut client = Client {
            to_server,
            from_server: FrameReader::with_limit(from_server, usize::MAX),
            seen: Vec::new(),
            capabilities: Value::Null,
        };
        client
            .send(json!({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                         "params": {"processId": null, "rootUri": null, "capabilities": {}}}))
            .await;
        let init = client
            .wait(|m| m["id"] == 1 && m.get("method").is_none())
            .await;
        client.capabilities = init["result"]["capabilities"].clone();
        client
            .send(json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}))
            .await;
        client
    }

    async fn send(&mut self, message: Value) {
        self.to_server.write_all(&frame(message)).await.unwrap();
    }

    async fn wait(&mut self, wanted: impl Fn(&Value) -> bool) -> Value {
        if let Some(at) = self.seen.iter().position(&wanted) {
            return self.seen.remove(at);
        }
        loop {
            let body = within(60, self.from_server.next_trusted_body())
                .await
                .expect("the server is still writing");
            let m: Value = serde_json::from_slice(&body).unwrap();
            if wanted(&m) {
                return m;
            }
            self.seen.push(m);
        }
    }

    /// The diagnostics published for a document at a version.
    async fn diagnostics(&mut self, uri: &str, version: i64) -> Value {
        let m = self
            .wait(|m| {
                m["method"] == "textDocument/publishDiagnostics"
                    && m["params"]["uri"] == uri
                    && m["params"]["version"] == version
            })
            .await;
        m["params"]["diagnostics"].clone()
    }

    async fn open(&mut self, uri: &str, text: &str) -> Value {
        self.send(
            json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params":
            {"textDocument": {"uri": uri, "languageId": "pcr", "version": 1, "text": text}}}),
        )
        .await;
        self.diagnostics(uri, 1).await
    }

    async fn change(&mut self, uri: &str, version: i64, change: Value) {
        self.send(
            json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
            "textDocument": {"uri": uri, "version": version}, "contentChanges": [change]}}),
        )
        .await;
    }

    /// The semantic tokens of a document: every token's place and length,
    /// so two texts that differ anywhere but in spaces give different ones.
    async fn tokens(&mut self, id: i64, uri: &str) -> Value {
        self.send(
            json!({"jsonrpc": "2.0", "id": id, "method": "textDocument/semanticTokens/full",
                         "params": {"textDocument": {"uri": uri}}}),
        )
        .await;
        let m = self
            .wait(|m| m["id"] == id && m.get("method").is_none())
            .await;
        m["result"].clone()
    }
}

/// An edit as a client makes it: the range of `old` (its first occurrence)
/// replaced by `new`.
struct Edit {
    old: &'static str,
    new: &'static str,
}

/// (line, UTF-16 column) of a byte offset.
fn position(text: &str, at: usize) -> Value {
    let line = text[..at].matches('\n').count();
    let start = text[..at].rfind('\n').map(|i| i + 1).unwrap_or(0);
    json!({"line": line, "character": text[start..at].encode_utf16().count()})
}

/// Typing: a name retyped a character at a time through a syntax error,
/// a Chinese title edited (UTF-16 columns), a line deleted and put back
/// elsewhere, and a new emission with an error in it.
const EDITS: &[Edit] = &[
    Edit {
        old: "electricity * grid",
        new: "electricit * grid",
    },
    Edit {
        old: "electricit * grid",
        new: "electricit * ",
    },
    Edit {
        old: "electricit * ",
        new: "electricity * grid",
    },
    Edit {
        old: "热轧钢卷\"",
        new: "热轧钢卷产品\"",
    },
    Edit {
        old: "    input methane: kgCH4 = 0 kgCH4\n",
        new: "",
    },
    Edit {
        old: "    input natural_gas: GJ\n",
        new: "    input natural_gas: GJ\n    input methane: kgCH4 = 0 kgCH4\n",
    },
    Edit {
        old: "        emission leaks",
        new: "        emission extra = natural_gas * gas_ef\n        emission leaks",
    },
];

#[test]
fn the_server_asks_for_incremental_changes() {
    let caps = serde_json::to_value(pcr_lsp::server::capabilities()).unwrap();
    // TextDocumentSyncKind::Incremental is 2 (Full is 1).
    assert_eq!(caps["textDocumentSync"], json!(2), "{caps}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ranged_changes_give_the_text_and_diagnostics_of_full_changes() {
    let mut ranged = Client::start().await;
    assert_eq!(
        ranged.capabilities["textDocumentSync"],
        json!(2),
        "the server does not ask for ranged changes: {}",
        ranged.capabilities
    );
    let mut full = Client::start().await;
    // Two servers, one document each, under the same name.
    let (r_uri, f_uri) = ("untitled:rule.pcr", "untitled:rule.pcr");
    let opened = ranged.open(r_uri, RULE).await;
    assert_eq!(opened, full.open(f_uri, RULE).await);

    let mut text = RULE.to_string();
    let mut errors_seen = 0;
    for (n, edit) in EDITS.iter().enumerate() {
        let version = n as i64 + 2;
        let at = text
            .find(edit.old)
            .unwrap_or_else(|| panic!("edit {n}: `{}` is not in the text", edit.old));
        let range =
            json!({"start": position(&text, at), "end": position(&text, at + edit.old.len())});
        text.replace_range(at..at + edit.old.len(), edit.new);
        ranged
            .change(r_uri, version, json!({"range": range, "text": edit.new}))
            .await;
        full.change(f_uri, version, json!({"text": text})).await;
        let by_range = ranged.diagnostics(r_uri, version).await;
        let whole = full.diagnostics(f_uri, version).await;
        assert_eq!(by_range, whole, "edit {n}: diagnostics differ");
        if by_range.as_array().is_some_and(|d| !d.is_empty()) {
            errors_seen += 1;
        }
        let id = 100 + n as i64;
        assert_eq!(
            ranged.tokens(id, r_uri).await,
            full.tokens(id, f_uri).await,
            "edit {n}: the texts differ"
        );
    }
    // The typing went through errors and back.
    assert!(errors_seen >= 2, "only {errors_seen} edits had diagnostics");
}

#[test]
fn a_keystroke_and_a_batch_of_changes_edit_the_stored_text() {
    use pcr_lsp::document::apply_changes;
    use std::str::FromStr;
    use tower_lsp_server::ls_types::{Position, Range, TextDocumentContentChangeEvent, Uri};

    let ranged = |start: (u32, u32), end: (u32, u32), text: &str| TextDocumentContentChangeEvent {
        range: Some(Range::new(
            Position::new(start.0, start.1),
            Position::new(end.0, end.1),
        )),
        range_length: None,
        text: text.to_string(),
    };
    let dir = std::env::temp_dir().join("pcr-lsp-incremental-sync-tests");
    let mut s = pcr_lsp::State::with_stdlib(pcr_lsp::stdlib::StdlibDir {
        root: pcr_lsp::stdlib::StdlibDir::write_to(&dir).ok(),
    });
    let uri = Uri::from_str("untitled:keys.pcr").unwrap();
    s.open(uri.clone(), RULE.to_string(), 1);

    // One keystroke: `title "热轧钢卷"` (line 5) gets a character after its fourth.
    let key = vec![ranged((5, 15), (5, 15), "x")];
    let expected = apply_changes(RULE, key.clone()).unwrap();
    assert!(expected.contains("\"热轧钢卷x\""), "{expected}");
    assert_eq!(s.edit(uri.clone(), key, 2).unwrap(), vec![uri.clone()]);
    let doc = s.docs.get(&uri).unwrap();
    assert_eq!((doc.text.as_str(), doc.version), (expected.as_str(), 2));
    // The line index follows the text: a position on the last line is found.
    assert_eq!(doc.lines.line_count(), expected.matches('\n').count() + 1);

    // Several changes at once, applied in order.
    let batch = vec![
        ranged((5, 15), (5, 16), ""),
        ranged((0, 0), (0, 0), "// edited\n"),
        ranged((1, 0), (1, 3), "///"),
    ];
    let expected = apply_changes(&expected, batch.clone()).unwrap();
    s.edit(uri.clone(), batch, 3).unwrap();
    let doc = s.docs.get(&uri).unwrap();
    assert_eq!((doc.text.as_str(), doc.version), (expected.as_str(), 3));
    assert!(
        doc.text.starts_with("// edited\n/// Test rule"),
        "{}",
        doc.text
    );
    assert_eq!(doc.lines.line_count(), expected.matches('\n').count() + 1);

    // A keystroke past the end is refused and changes nothing.
    assert!(s
        .edit(uri.clone(), vec![ranged((900, 0), (900, 0), "x")], 4)
        .is_err());
    let doc = s.docs.get(&uri).unwrap();
    assert_eq!((doc.text.as_str(), doc.version), (expected.as_str(), 3));
}
