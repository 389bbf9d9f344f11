//! Language-server latency end to end: a client spawns the built `pcr lsp`
//! process and speaks the protocol to it over stdio, as an editor does.
//!
//! ```sh
//! cargo build --release -p pcr --examples
//! target/release/examples/bench_lsp_stdio [LINES...]
//! ```
//!
//! For each size (default 10,000 and 100,000 lines) it opens a generated
//! rule, then types: each keystroke is a `didChange` that replaces one
//! character of a default value, sent the way the server asks for
//! (`textDocumentSync`: a ranged change when it is incremental, the whole
//! text when it is full), timed until the `publishDiagnostics` for that
//! version arrives. A burst of keystrokes sent without waiting is timed to
//! the diagnostics of its last version. Hover and completion are timed from
//! request to response. `PCR_BIN` names the binary (default: `pcr` next to
//! this example's folder, i.e. `target/release/pcr`); `PCR_SYNC=full`
//! sends whole texts whatever the server asks for.
//!
//! Prints figures only; nothing is asserted.

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

#[path = "../../lsp/examples/support/bench_rule.rs"]
mod bench_rule;
use bench_rule::generate;

/// (line, UTF-16 column) of `needle` plus `delta` bytes (ASCII around it).
fn position_of(text: &str, needle: &str, delta: usize) -> (u32, u32) {
    let at = text.find(needle).map(|i| i + delta).unwrap_or(0);
    let line = text[..at].matches('\n').count() as u32;
    let start = text[..at].rfind('\n').map(|i| i + 1).unwrap_or(0);
    (line, text[start..at].encode_utf16().count() as u32)
}

/// A message from the server and when it was read.
type Received = (Instant, Value);

/// The server process and the messages it writes.
struct Server {
    child: Child,
    to_server: ChildStdin,
    from_server: Receiver<Received>,
    next_id: i64,
}

impl Server {
    fn spawn(binary: &PathBuf) -> Result<Server, String> {
        let mut child = Command::new(binary)
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
        let to_server = child.stdin.take().ok_or("no stdin")?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let (tx, from_server) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(body) = read_frame(&mut reader) {
                let at = Instant::now();
                match serde_json::from_slice::<Value>(&body) {
                    Ok(v) => {
                        if tx.send((at, v)).is_err() {
                            return;
                        }
                    }
                    Err(e) => eprintln!("the server wrote a body that is not JSON: {e}"),
                }
            }
        });
        Ok(Server {
            child,
            to_server,
            from_server,
            next_id: 1,
        })
    }

    fn send(&mut self, message: Value) -> Instant {
        let body = message.to_string();
        let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
        out.extend_from_slice(body.as_bytes());
        let at = Instant::now();
        if let Err(e) = self
            .to_server
            .write_all(&out)
            .and_then(|()| self.to_server.flush())
        {
            eprintln!("cannot write to the server: {e}");
        }
        at
    }

    fn notify(&mut self, method: &str, params: Value) -> Instant {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}))
    }

    /// Send a request; returns its id and when it was sent.
    fn request(&mut self, method: &str, params: Value) -> (i64, Instant) {
        let id = self.next_id;
        self.next_id += 1;
        let at = self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        (id, at)
    }

    /// The first message that `wanted` accepts (others are dropped; the
    /// server's own requests are answered with null).
    fn wait(&mut self, what: &str, wanted: impl Fn(&Value) -> bool) -> Result<Received, String> {
        loop {
            let (at, m) = self
                .from_server
                .recv_timeout(Duration::from_secs(120))
                .map_err(|_| format!("no {what} within 120 s"))?;
            if wanted(&m) {
                return Ok((at, m));
            }
            if m.get("method").is_some() && m.get("id").is_some() {
                let id = m["id"].clone();
                self.send(json!({"jsonrpc": "2.0", "id": id, "result": null}));
            }
        }
    }

    fn response(&mut self, id: i64) -> Result<Received, String> {
        self.wait(&format!("response {id}"), |m| {
            m["id"] == id && m.get("method").is_none()
        })
    }

    fn diagnostics(&mut self, uri: &str, version: i64) -> Result<Received, String> {
        self.wait(&format!("diagnostics of version {version}"), |m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && m["params"]["version"] == version
        })
    }

    fn stop(mut self) {
        let (id, _) = self.request("shutdown", Value::Null);
        let _ = self.response(id);
        self.notify("exit", Value::Null);
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One `Content-Length` framed body, or `None` at the end of the stream.
fn read_frame(reader: &mut impl BufRead) -> Option<Vec<u8>> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length:") {
            length = v.trim().parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    Some(body)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn stats(name: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let pick = |q: f64| {
        let i = ((samples.len() as f64 - 1.0) * q).round() as usize;
        samples.get(i).copied().unwrap_or_default()
    };
    println!(
        "  {name:<36} n={:<4} median {:>8.2} ms   p95 {:>8.2} ms   max {:>8.2} ms",
        samples.len(),
        ms(pick(0.5)),
        ms(pick(0.95)),
        ms(pick(1.0)),
    );
}

/// The binary to run: `PCR_BIN`, else `pcr` in the folder above this
/// example's (`target/release/examples/..`), else `target/release/pcr`.
fn binary() -> PathBuf {
    if let Some(b) = std::env::var_os("PCR_BIN") {
        return PathBuf::from(b);
    }
    let name = format!("pcr{}", std::env::consts::EXE_SUFFIX);
    if let Some(dir) = std::env::current_exe()
        .ok()
        .and_then(|e| e.parent()?.parent().map(|p| p.to_path_buf()))
    {
        let candidate = dir.join(&name);
        if candidate.is_file() {
            return candidate;
        }
    }
    PathBuf::from("target/release").join(name)
}

/// Whether the server asked for incremental changes in its `initialize` answer.
fn asks_for_ranges(init: &Value) -> bool {
    let sync = &init["result"]["capabilities"]["textDocumentSync"];
    sync == 2 || sync["change"] == 2
}

fn bench(binary: &PathBuf, lines: usize, edits: usize) -> Result<(), String> {
    let text = generate(lines);
    println!(
        "{} lines, {} bytes ({})",
        text.lines().count(),
        text.len(),
        binary.display()
    );
    let dir = std::env::temp_dir().join("pcr-lsp-stdio-bench");
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join(format!("bench_{lines}.pcr"));
    let uri = format!("file://{}", path.display());

    let mut server = Server::spawn(binary)?;
    let (id, _) = server.request(
        "initialize",
        json!({"processId": std::process::id(), "rootUri": null, "capabilities": {
            "textDocument": {"synchronization": {"didSave": true}}
        }}),
    );
    let (_, init) = server.response(id)?;
    server.notify("initialized", json!({}));
    let forced_full = std::env::var("PCR_SYNC").is_ok_and(|s| s == "full");
    let ranged = asks_for_ranges(&init) && !forced_full;
    println!(
        "  server sync: {}; client sends {}",
        init["result"]["capabilities"]["textDocumentSync"],
        if ranged {
            "one-character ranged changes"
        } else {
            "the whole text"
        }
    );

    let sent = server.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "pcr", "version": 1, "text": text}}),
    );
    let (at, first) = server.diagnostics(&uri, 1)?;
    let count = first["params"]["diagnostics"]
        .as_array()
        .map(Vec::len)
        .unwrap_or(0);
    println!(
        "  open -> first diagnostics: {:.1} ms ({count} diagnostics)",
        ms(at - sent)
    );

    // The digit of `input energy_5: MWh = 6 MWh`: typed over, 6 → 7 → … → 9 → 1.
    let needle = "input energy_5: MWh = 6 MWh";
    let (line, col) = position_of(&text, needle, needle.len() - 5);
    let digit_at = text.find(needle).map(|i| i + needle.len() - 5).unwrap_or(0);
    let mut current = text.clone();
    let mut version = 1;
    let change = |current: &mut String, k: usize, version: i64| -> Value {
        let digit = char::from(b'1' + (k % 9) as u8).to_string();
        current.replace_range(digit_at..digit_at + 1, &digit);
        let change = if ranged {
            json!({"range": {"start": {"line": line, "character": col},
                             "end": {"line": line, "character": col + 1}},
                   "text": digit})
        } else {
            json!({"text": current.as_str()})
        };
        json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]})
    };

    // Keystrokes, each waited for.
    let mut typed = Vec::new();
    for k in 0..edits {
        version += 1;
        let params = change(&mut current, k, version);
        let sent = server.notify("textDocument/didChange", params);
        let (at, _) = server.diagnostics(&uri, version)?;
        typed.push(at - sent);
    }
    stats("keystroke -> diagnostics", typed);

    // Bursts of 10 keystrokes sent at once: the time to the last one's diagnostics.
    let mut bursts = Vec::new();
    for _ in 0..(edits / 10).max(3) {
        let mut first_sent = None;
        for k in 0..10 {
            version += 1;
            let params = change(&mut current, k, version);
            let sent = server.notify("textDocument/didChange", params);
            first_sent.get_or_insert(sent);
        }
        let (at, _) = server.diagnostics(&uri, version)?;
        bursts.push(at - first_sent.unwrap_or(at));
    }
    stats("burst of 10 -> last diagnostics", bursts);

    // Requests on the analysis of the current version.
    let spots = [
        position_of(&current, "emission e_1234 = load_1234", 11),
        position_of(&current, "let load_2000 = energy_2000", 18),
        position_of(&current, "energy_2000 * ef_2000", 15),
        position_of(&current, "declared_unit 1 t", 16),
    ];
    let mut hovers = Vec::new();
    for k in 0..100 {
        let (line, character) = spots[k % spots.len()];
        let (id, sent) = server.request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}),
        );
        let (at, _) = server.response(id)?;
        hovers.push(at - sent);
    }
    stats("hover", hovers);

    let places = [
        (
            "completion: names in an emission",
            position_of(&current, "emission e_99 = load_99 / output", 16),
        ),
        (
            "completion: unit after a number",
            position_of(&current, "= 2 MWh", 4),
        ),
    ];
    for (name, (line, character)) in places {
        let mut completions = Vec::new();
        for _ in 0..50 {
            let (id, sent) = server.request(
                "textDocument/completion",
                json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}),
            );
            let (at, _) = server.response(id)?;
            completions.push(at - sent);
        }
        stats(name, completions);
    }
    server.stop();
    Ok(())
}

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.replace(['_', ','], "").parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![10_000, 100_000]
    } else {
        sizes
    };
    let binary = binary();
    for lines in sizes {
        let edits = if lines > 50_000 { 40 } else { 100 };
        if let Err(e) = bench(&binary, lines, edits) {
            eprintln!("bench_lsp_stdio: {lines} lines: {e}");
            std::process::exit(1);
        }
    }
}
