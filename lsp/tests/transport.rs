//! The wire: malformed frames are answered or skipped, and the server
//! keeps serving; driven in-process through `pcr_lsp::serve`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use pcr_lsp::transport::{
    repair_lone_surrogates, Frame, FrameReader, INVALID_REQUEST, PARSE_ERROR,
};
use serde_json::{json, Value};
use std::time::Duration;
use tokio::io::{AsyncWriteExt, DuplexStream};

fn frame(body: &str) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body.as_bytes());
    out
}

fn request(id: i64, method: &str, params: Value) -> Vec<u8> {
    frame(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}).to_string())
}

fn notification(method: &str, params: Value) -> Vec<u8> {
    frame(&json!({"jsonrpc": "2.0", "method": method, "params": params}).to_string())
}

async fn frames_of(bytes: &[u8]) -> Vec<Frame> {
    let mut reader = FrameReader::new(bytes);
    let mut out = Vec::new();
    while let Some(f) = reader.next_frame().await {
        out.push(f);
    }
    out
}

fn rejected_code(f: &Frame) -> (i64, Value) {
    match f {
        Frame::Rejected { response, .. } => {
            let v: Value = serde_json::from_slice(response).unwrap();
            (v["error"]["code"].as_i64().unwrap(), v["id"].clone())
        }
        Frame::Message(m) => panic!("not rejected: {}", String::from_utf8_lossy(m)),
    }
}

fn message(f: &Frame) -> Value {
    match f {
        Frame::Message(m) => serde_json::from_slice(m).unwrap(),
        Frame::Rejected { reason, .. } => panic!("rejected: {reason}"),
    }
}

const PING: &str = r#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#;

#[tokio::test]
async fn a_bad_content_length_is_answered_and_the_next_message_read() {
    let mut bytes = b"Content-Length: twelve\r\n\r\n{\"jsonrpc\":\"2.0\"}".to_vec();
    bytes.extend(frame(PING));
    let frames = frames_of(&bytes).await;
    assert_eq!(frames.len(), 2, "{frames:?}");
    assert_eq!(rejected_code(&frames[0]), (PARSE_ERROR, Value::Null));
    assert_eq!(message(&frames[1])["method"], "ping");
}

#[tokio::test]
async fn garbage_between_messages_is_skipped_with_one_answer() {
    let mut bytes = frame(PING);
    bytes.extend(b"}} this is not a header\r\n\r\nnor this\r\n\r\n");
    bytes.extend(frame(PING));
    let frames = frames_of(&bytes).await;
    assert_eq!(frames.len(), 3, "{frames:?}");
    assert_eq!(message(&frames[0])["method"], "ping");
    assert_eq!(rejected_code(&frames[1]).0, PARSE_ERROR);
    assert_eq!(message(&frames[2])["method"], "ping");
}

#[tokio::test]
async fn a_missing_content_length_and_odd_headers() {
    let mut bytes = b"Content-Type: application/vscode-jsonrpc\r\n\r\n".to_vec();
    // A Content-Type without a charset, and headers in lower case: accepted.
    let body = PING.as_bytes();
    bytes.extend(
        format!(
            "content-type: application/vscode-jsonrpc\r\ncontent-length: {}\r\n\r\n",
            body.len()
        )
        .as_bytes(),
    );
    bytes.extend(body);
    let frames = frames_of(&bytes).await;
    assert_eq!(frames.len(), 2, "{frames:?}");
    assert_eq!(rejected_code(&frames[0]).0, PARSE_ERROR);
    assert_eq!(message(&frames[1])["id"], 1);
}

#[tokio::test]
async fn headers_ended_by_bare_line_feeds() {
    let mut bytes = format!("Content-Length: {}\n\n{PING}", PING.len()).into_bytes();
    bytes.extend(frame(PING));
    let frames = frames_of(&bytes).await;
    assert_eq!(frames.len(), 2, "{frames:?}");
    assert_eq!(message(&frames[0])["id"], 1);
    assert_eq!(message(&frames[1])["id"], 1);
}

#[tokio::test]
async fn json_that_is_not_json_rpc() {
    let mut bytes = frame("{\"jsonrpc\": \"2.0\", \"id\": 7");
    bytes.extend(frame(r#"{"id": 8, "result": 1, "method": 3}"#));
    bytes.extend(frame(r#"[{"jsonrpc":"2.0","id":9,"method":"ping"}]"#));
    bytes.extend(frame(""));
    bytes.extend(frame(PING));
    let frames = frames_of(&bytes).await;
    assert_eq!(frames.len(), 5, "{frames:?}");
    assert_eq!(rejected_code(&frames[0]), (PARSE_ERROR, Value::Null));
    assert_eq!(rejected_code(&frames[1]), (INVALID_REQUEST, json!(8)));
    assert_eq!(rejected_code(&frames[2]), (INVALID_REQUEST, Value::Null));
    assert_eq!(rejected_code(&frames[3]), (PARSE_ERROR, Value::Null));
    assert_eq!(message(&frames[4])["method"], "ping");
}

#[tokio::test]
async fn lone_surrogates_and_bad_utf8_become_replacement_characters() {
    let body =
        r#"{"jsonrpc":"2.0","method":"x","params":{"text":"a\ud800b\udc00c\\ud800\ud83d\ude00"}}"#;
    let mut bytes = frame(body);
    let mut bad = br#"{"jsonrpc":"2.0","method":"y","params":{"text":"a"#.to_vec();
    bad.extend([0xff, 0xfe]);
    bad.extend(br#"b"}}"#);
    bytes.extend(format!("Content-Length: {}\r\n\r\n", bad.len()).as_bytes());
    bytes.extend(bad);
    let frames = frames_of(&bytes).await;
    assert_eq!(frames.len(), 2, "{frames:?}");
    assert_eq!(
        message(&frames[0])["params"]["text"],
        "a\u{fffd}b\u{fffd}c\\ud800😀"
    );
    assert_eq!(message(&frames[1])["params"]["text"], "a\u{fffd}\u{fffd}b");
    assert_eq!(repair_lone_surrogates(r#""\ud83d\ude00 \\ud800""#), None);
}

#[tokio::test]
async fn a_huge_content_length_is_refused_without_allocating_it() {
    // Claims a terabyte; only a few bytes follow: the reader skips to the
    // end of the input instead of reserving the claimed size.
    let bytes = b"Content-Length: 1000000000000\r\n\r\n{\"jsonrpc\":\"2.0\"}".to_vec();
    let frames = frames_of(&bytes).await;
    assert!(frames.is_empty(), "{frames:?}");
    // Longer than the limit, then a message: refused, and the next one read.
    let mut bytes = frame(&format!(
        r#"{{"jsonrpc":"2.0","method":"x","params":"{}"}}"#,
        "a".repeat(100)
    ));
    bytes.extend(frame(PING));
    let mut reader = FrameReader::with_limit(bytes.as_slice(), 64);
    let first = reader.next_frame().await.unwrap();
    assert_eq!(rejected_code(&first), (INVALID_REQUEST, Value::Null));
    assert_eq!(message(&reader.next_frame().await.unwrap())["id"], 1);
    assert!(reader.next_frame().await.is_none());
}

#[tokio::test]
async fn a_message_cut_short_by_the_end_of_input_ends_the_stream() {
    let mut bytes = frame(PING);
    bytes.extend(b"Content-Length: 100\r\n\r\n{\"jsonrpc\"");
    let frames = frames_of(&bytes).await;
    assert_eq!(frames.len(), 1);
    let frames = frames_of(b"Content-Len").await;
    assert!(frames.is_empty());
}

/// `f`'s output, or a failure after `seconds` (a watchdog thread: the
/// runtime has no timer).
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
    server: tokio::task::JoinHandle<()>,
    /// Messages read while waiting for something else.
    seen: Vec<Value>,
}

impl Client {
    async fn start() -> Client {
        let (to_server, input) = tokio::io::duplex(1 << 16);
        let (output, from_server) = tokio::io::duplex(1 << 16);
        let server = tokio::spawn(pcr_lsp::serve(input, output));
        let mut client = Client {
            to_server,
            from_server: FrameReader::with_limit(from_server, usize::MAX),
            server,
            seen: Vec::new(),
        };
        client
            .send(&request(
                1,
                "initialize",
                json!({"processId": null, "rootUri": null, "capabilities": {}}),
            ))
            .await;
        let init = client.response(1).await;
        assert!(init["result"]["capabilities"].is_object(), "{init}");
        client.send(&notification("initialized", json!({}))).await;
        client
    }

    async fn send(&mut self, bytes: &[u8]) {
        self.to_server.write_all(bytes).await.unwrap();
    }

    async fn next(&mut self) -> Value {
        let body = within(60, self.from_server.next_trusted_body())
            .await
            .expect("the server is still writing");
        serde_json::from_slice(&body).unwrap()
    }

    /// The response with this id.
    async fn response(&mut self, id: i64) -> Value {
        if let Some(at) = self.seen.iter().position(|m| m["id"] == id) {
            return self.seen.remove(at);
        }
        loop {
            let m = self.next().await;
            if m["id"] == id && m.get("method").is_none() {
                return m;
            }
            self.seen.push(m);
        }
    }

    /// An error response with a null id.
    async fn null_id_error(&mut self) -> i64 {
        if let Some(at) = self
            .seen
            .iter()
            .position(|m| m["id"].is_null() && m.get("error").is_some())
        {
            return self.seen.remove(at)["error"]["code"].as_i64().unwrap();
        }
        loop {
            let m = self.next().await;
            if m["id"].is_null() && m.get("error").is_some() {
                return m["error"]["code"].as_i64().unwrap();
            }
            self.seen.push(m);
        }
    }

    /// The diagnostics published for a document at a version.
    async fn diagnostics(&mut self, uri: &str, version: i64) -> Vec<Value> {
        let wanted = |m: &Value| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && m["params"]["version"] == version
        };
        if let Some(at) = self.seen.iter().position(wanted) {
            let m = self.seen.remove(at);
            return m["params"]["diagnostics"].as_array().unwrap().clone();
        }
        loop {
            let m = self.next().await;
            if wanted(&m) {
                return m["params"]["diagnostics"].as_array().unwrap().clone();
            }
            self.seen.push(m);
        }
    }

    async fn open(&mut self, uri: &str, text: &str) -> Vec<Value> {
        self.send(&notification(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "pcr", "version": 1, "text": text}}),
        ))
        .await;
        self.diagnostics(uri, 1).await
    }

    async fn hover(&mut self, id: i64, uri: &str, line: u32, character: u32) -> Value {
        self.send(&request(
            id,
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}),
        ))
        .await;
        self.response(id).await
    }

    /// Still serving: a hover on a known rule answers with its unit.
    async fn assert_alive(&mut self, id: i64) {
        let uri = format!("untitled:alive-{id}.pcr");
        let diags = self.open(&uri, ALIVE).await;
        assert!(diags.is_empty(), "{diags:?}");
        let (line, character) = position(ALIVE, "emission e", 9);
        let h = self.hover(id, &uri, line, character).await;
        let shown = h["result"]["contents"]["value"]
            .as_str()
            .unwrap_or_default();
        assert!(shown.contains("CO2e/Mass"), "{h}");
    }

    async fn exit(mut self) {
        self.send(&request(999_999, "shutdown", Value::Null)).await;
        let r = self.response(999_999).await;
        assert!(r.get("error").is_none(), "{r}");
        self.send(&notification("exit", Value::Null)).await;
        let Client {
            server,
            from_server,
            ..
        } = self;
        // What the server still writes is not read: it must not wait for it.
        drop(from_server);
        within(30, server).await.unwrap();
    }
}

const ALIVE: &str = "rule alive {
    title \"活\" en \"Alive\"
    version \"0.1.0\"
    declared_unit 1 t
    boundary cradle_to_gate
    gwp ar6
    cutoff item 1% total 5%
    input output: t
    stage raw_material_acquisition {
        emission none = 0 kgCO2e / output
    }
    stage production {
        emission e = 2 kgCO2e / output
    }
}
";

/// (line, UTF-16 column) of `needle` plus `delta` characters.
fn position(text: &str, needle: &str, delta: usize) -> (u32, u32) {
    let at = text.find(needle).unwrap() + delta;
    let line = text[..at].matches('\n').count() as u32;
    let start = text[..at].rfind('\n').map(|i| i + 1).unwrap_or(0);
    (line, text[start..at].encode_utf16().count() as u32)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_answers_malformed_frames_and_keeps_serving() {
    let mut c = Client::start().await;
    c.assert_alive(10).await;

    c.send(b"Content-Length: -5\r\n\r\n{}").await;
    assert_eq!(c.null_id_error().await, PARSE_ERROR);
    c.assert_alive(11).await;

    c.send(&frame("{\"jsonrpc\": \"2.0\", \"id\": 3, \"method\": "))
        .await;
    assert_eq!(c.null_id_error().await, PARSE_ERROR);
    c.assert_alive(12).await;

    c.send(&frame(
        r#"{"jsonrpc": "1.0", "id": 4, "method": "textDocument/hover"}"#,
    ))
    .await;
    let r = c.response(4).await;
    assert_eq!(r["error"]["code"], INVALID_REQUEST, "{r}");
    c.assert_alive(13).await;

    // An unknown method: "method not found", and the server lives on.
    c.send(&request(5, "pcr/noSuchMethod", json!({}))).await;
    let r = c.response(5).await;
    assert_eq!(r["error"]["code"], -32601, "{r}");
    c.send(&notification("pcr/noSuchNotification", json!([1, 2])))
        .await;
    // Parameters of the wrong shape.
    c.send(&request(
        6,
        "textDocument/hover",
        json!({"textDocument": 3}),
    ))
    .await;
    let r = c.response(6).await;
    assert_eq!(r["error"]["code"], -32602, "{r}");
    c.assert_alive(14).await;

    // A lone surrogate in a document's text: the edit is applied with U+FFFD.
    let uri = "untitled:surrogate.pcr";
    c.open(uri, ALIVE).await;
    let body = format!(
        r#"{{"jsonrpc":"2.0","method":"textDocument/didChange","params":{{"textDocument":{{"uri":"{uri}","version":2}},"contentChanges":[{{"text":"// \ud800 lone\n{}"}}]}}}}"#,
        ALIVE.replace('\n', "\\n").replace('"', "\\\"")
    );
    c.send(&frame(&body)).await;
    let diags = c.diagnostics(uri, 2).await;
    assert!(diags.is_empty(), "{diags:?}");
    c.assert_alive(15).await;

    c.exit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_truncated_message_at_the_end_ends_the_server_cleanly() {
    let mut c = Client::start().await;
    c.send(b"Content-Length: 500\r\n\r\n{\"jsonrpc\":").await;
    drop(c.to_server);
    within(30, c.server).await.unwrap();
}

#[test]
fn the_fuzzing_entry_point_answers_what_it_can() {
    let mut input = request(
        1,
        "initialize",
        json!({"processId": null, "rootUri": null, "capabilities": {}}),
    );
    input.extend(b"Content-Length: x\r\n\r\n\x00\xff");
    input.extend(request(2, "shutdown", Value::Null));
    input.extend(b"Content-Length: 9");
    let out = pcr_lsp::handle_raw_bytes_for_fuzzing(&input);
    let mut reader = FrameReader::with_limit(out.as_slice(), usize::MAX);
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let mut ids = Vec::new();
    while let Some(body) = rt.block_on(reader.next_trusted_body()) {
        let m: Value = serde_json::from_slice(&body).unwrap();
        ids.push(m["id"].clone());
    }
    assert!(ids.contains(&json!(1)), "{ids:?}");
    assert!(ids.contains(&json!(2)), "{ids:?}");
    assert!(ids.contains(&Value::Null), "{ids:?}");
}
