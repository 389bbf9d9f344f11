//! The wire: LSP's `Content-Length` framing between the client and the
//! protocol machinery (tower-lsp-server), hardened against what a client
//! may send.
//!
//! tower-lsp-server's own reader ends the connection at the first message it
//! cannot decode, so [`serve`] puts a [`FrameReader`] in front of it: every
//! message is read and checked here, and only well-formed JSON-RPC messages
//! are passed on (re-encoded) through an in-memory pipe. A message that
//! cannot be served is answered with a JSON-RPC error (id `null` when its id
//! is unknown) and skipped:
//!
//! - headers that are not `Name: value` lines, or without a valid
//!   `Content-Length`: parse error (-32700); the reader skips to the next
//!   `Content-Length` header;
//! - a body longer than [`MAX_MESSAGE_BYTES`]: refused without being stored
//!   (invalid request, -32600), its bytes are read and dropped;
//! - a body that is not JSON: parse error (-32700);
//! - JSON that is not a JSON-RPC request, notification or response: invalid
//!   request (-32600), with the message's id when it has one.
//!
//! Two repairs are made instead of refusing: bytes that are not UTF-8 become
//! U+FFFD, and so do `\uD800`-style escapes of unpaired UTF-16 surrogates
//! (valid JSON syntax that no Rust string can hold). Input that ends inside a
//! message ends the server as a closed connection does.
//!
//! [`handle_raw_bytes_for_fuzzing`] runs the whole server over a byte string:
//! the entry point for fuzzing the server with raw client input.

use crate::server::Backend;
use serde::Deserialize;
use serde_json::{json, Value};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::mpsc;
use tower_lsp_server::jsonrpc::{Request, Response};
use tower_lsp_server::{LspService, Server};

/// The largest message body read into memory (64 MiB); longer ones are skipped.
pub const MAX_MESSAGE_BYTES: usize = 64 * 1024 * 1024;

/// The largest header block: a client's headers are a line or two.
pub const MAX_HEADER_BYTES: usize = 8 * 1024;

/// JSON-RPC's code for a message that is not JSON.
pub const PARSE_ERROR: i64 = -32700;

/// JSON-RPC's code for JSON that is not a request, notification or response.
pub const INVALID_REQUEST: i64 = -32600;

const READ_CHUNK: usize = 64 * 1024;
const CONTENT_LENGTH: &[u8] = b"content-length";

/// One message read from the client.
#[derive(Debug, Clone, PartialEq)]
pub enum Frame {
    /// A well-formed JSON-RPC message, as JSON text to pass on.
    Message(Vec<u8>),
    /// A message that cannot be served: the error response to send back
    /// (JSON text), and why, for the log.
    Rejected { response: Vec<u8>, reason: String },
}

/// Why a message body could not be read.
#[derive(Debug, Clone, PartialEq)]
struct Refusal {
    code: i64,
    reason: String,
}

/// Reads `Content-Length`-framed messages from any byte stream, within
/// bounded memory: headers up to [`MAX_HEADER_BYTES`], bodies up to a limit.
pub struct FrameReader<R> {
    input: R,
    buf: Vec<u8>,
    limit: usize,
    /// Skipping bytes after bad headers: further garbage is not reported again.
    resyncing: bool,
}

impl<R: AsyncRead + Unpin> FrameReader<R> {
    /// A reader of client messages, bodies limited to [`MAX_MESSAGE_BYTES`].
    pub fn new(input: R) -> FrameReader<R> {
        FrameReader::with_limit(input, MAX_MESSAGE_BYTES)
    }

    /// A reader whose bodies are limited to `limit` bytes.
    pub fn with_limit(input: R, limit: usize) -> FrameReader<R> {
        FrameReader {
            input,
            buf: Vec::new(),
            limit,
            resyncing: false,
        }
    }

    /// The next message, checked; `None` at the end of the input (a message
    /// cut short by the end is dropped, with a line on stderr).
    pub async fn next_frame(&mut self) -> Option<Frame> {
        Some(match self.next_body().await? {
            Ok(body) => check_message(body),
            Err(refusal) => Frame::Rejected {
                response: error_response(Value::Null, refusal.code, &refusal.reason),
                reason: refusal.reason,
            },
        })
    }

    /// The next message body, unchecked: for the server's own output.
    pub async fn next_trusted_body(&mut self) -> Option<Vec<u8>> {
        loop {
            if let Ok(body) = self.next_body().await? {
                return Some(body);
            }
        }
    }

    /// Read more input; `false` at its end.
    async fn fill(&mut self) -> bool {
        let start = self.buf.len();
        self.buf.resize(start + READ_CHUNK, 0);
        let read = match self.buf.get_mut(start..) {
            Some(space) => self.input.read(space).await,
            None => Ok(0),
        };
        let n = match read {
            Ok(n) => n,
            Err(e) => {
                eprintln!("pcr lsp: cannot read the client's messages: {e}");
                0
            }
        };
        self.buf.truncate(start + n);
        n > 0
    }

    async fn next_body(&mut self) -> Option<Result<Vec<u8>, Refusal>> {
        loop {
            // Blank lines between messages are tolerated.
            let blank = self
                .buf
                .iter()
                .take_while(|b| matches!(b, b'\r' | b'\n' | b' ' | b'\t'))
                .count();
            self.buf.drain(..blank);
            let window = &self.buf[..self.buf.len().min(MAX_HEADER_BYTES + 4)];
            let headers = match header_end(window) {
                Some((end, consumed)) => Some((parse_headers(&self.buf[..end]), consumed)),
                None if self.buf.len() > MAX_HEADER_BYTES => Some((
                    Err(format!(
                        "no message header ends within {MAX_HEADER_BYTES} bytes"
                    )),
                    0,
                )),
                None => None,
            };
            match headers {
                Some((Ok(length), consumed)) => {
                    self.resyncing = false;
                    self.buf.drain(..consumed);
                    return self.body(length).await;
                }
                Some((Err(reason), _)) => {
                    self.skip_to_next_header();
                    if !std::mem::replace(&mut self.resyncing, true) {
                        return Some(Err(Refusal {
                            code: PARSE_ERROR,
                            reason: format!("{reason}; skipped to the next message"),
                        }));
                    }
                }
                None => {
                    if !self.fill().await {
                        if !self.buf.is_empty() && !self.resyncing {
                            eprintln!(
                                "pcr lsp: the input ended inside a message's headers ({} bytes dropped)",
                                self.buf.len()
                            );
                        }
                        return None;
                    }
                }
            }
        }
    }

    /// Drop bytes up to the next `Content-Length` header after the first
    /// byte (or keep only what may be the start of one).
    fn skip_to_next_header(&mut self) {
        let next = (1..self.buf.len()).find(|&i| {
            self.buf
                .get(i..i + CONTENT_LENGTH.len())
                .is_some_and(|w| w.eq_ignore_ascii_case(CONTENT_LENGTH))
        });
        let keep_from = next.unwrap_or_else(|| {
            // The longest tail that begins `Content-Length`.
            let n = self.buf.len();
            (n.saturating_sub(CONTENT_LENGTH.len() - 1).max(1)..n)
                .find(|&i| {
                    self.buf.get(i..).is_some_and(|tail| {
                        CONTENT_LENGTH
                            .get(..tail.len())
                            .is_some_and(|p| p.eq_ignore_ascii_case(tail))
                    })
                })
                .unwrap_or(n)
        });
        self.buf.drain(..keep_from.min(self.buf.len()));
    }

    async fn body(&mut self, length: u64) -> Option<Result<Vec<u8>, Refusal>> {
        let wanted = usize::try_from(length).ok().filter(|&n| n <= self.limit);
        let Some(wanted) = wanted else {
            // Refused: read past it without keeping it.
            let mut left = length;
            loop {
                let have = u64::try_from(self.buf.len()).unwrap_or(u64::MAX);
                let take = have.min(left);
                self.buf
                    .drain(..usize::try_from(take).unwrap_or(self.buf.len()));
                left -= take;
                if left == 0 {
                    break;
                }
                if !self.fill().await {
                    eprintln!("pcr lsp: the input ended inside a refused message");
                    return None;
                }
            }
            return Some(Err(Refusal {
                code: INVALID_REQUEST,
                reason: format!(
                    "a message of {length} bytes is longer than the limit of {} bytes; skipped",
                    self.limit
                ),
            }));
        };
        while self.buf.len() < wanted {
            if !self.fill().await {
                eprintln!(
                    "pcr lsp: the input ended inside a message ({} of {wanted} bytes)",
                    self.buf.len()
                );
                return None;
            }
        }
        let rest = self.buf.split_off(wanted);
        Some(Ok(std::mem::replace(&mut self.buf, rest)))
    }
}

/// Where a header block ends: (the end of its last line, the end of the
/// empty line after it). Lines end with CRLF, or a bare LF.
fn header_end(window: &[u8]) -> Option<(usize, usize)> {
    let mut line_start = 0;
    for (i, b) in window.iter().enumerate() {
        if *b != b'\n' {
            continue;
        }
        let line = window.get(line_start..i).unwrap_or_default();
        if line.is_empty() || line == b"\r" {
            return Some((line_start, i + 1));
        }
        line_start = i + 1;
    }
    None
}

/// The `Content-Length` of a header block; other headers are ignored.
fn parse_headers(block: &[u8]) -> Result<u64, String> {
    let Ok(text) = std::str::from_utf8(block) else {
        return Err("message headers are not text".to_string());
    };
    let mut length = None;
    for line in text.lines() {
        let Some((name, value)) = line.split_once(':') else {
            return Err(format!("message header `{}` has no `:`", shorten(line)));
        };
        let name = name.trim();
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            return Err(format!("`{}` is not a header name", shorten(name)));
        }
        if name.eq_ignore_ascii_case("content-length") {
            let value = value.trim();
            let Ok(n) = value.parse::<u64>() else {
                return Err(format!(
                    "Content-Length `{}` is not a number of bytes",
                    shorten(value)
                ));
            };
            if length.is_some_and(|l| l != n) {
                return Err("two different Content-Length headers".to_string());
            }
            length = Some(n);
        }
    }
    length.ok_or_else(|| "a message has no Content-Length header".to_string())
}

fn shorten(text: &str) -> String {
    let short: String = text.chars().take(40).collect();
    if short.len() < text.len() {
        format!("{short}…")
    } else {
        short
    }
}

/// Check a body: JSON (after the repairs), and a JSON-RPC message that
/// tower-lsp-server will accept; re-encoded so that it reads it as checked.
pub fn check_message(body: Vec<u8>) -> Frame {
    let text = match String::from_utf8(body) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("pcr lsp: a message is not UTF-8; its bad bytes read as U+FFFD");
            String::from_utf8_lossy(e.as_bytes()).into_owned()
        }
    };
    let value = match serde_json::from_str::<Value>(&text) {
        Ok(value) => value,
        Err(first) => {
            let repaired = repair_lone_surrogates(&text)
                .and_then(|fixed| serde_json::from_str::<Value>(&fixed).ok());
            match repaired {
                Some(value) => {
                    eprintln!(
                        "pcr lsp: a message has unpaired UTF-16 surrogates; they read as U+FFFD"
                    );
                    value
                }
                None => {
                    let reason = format!("a message is not JSON: {first}");
                    return Frame::Rejected {
                        response: error_response(Value::Null, PARSE_ERROR, &reason),
                        reason,
                    };
                }
            }
        }
    };
    let accepted = Response::deserialize(&value).is_ok() || Request::deserialize(&value).is_ok();
    if !accepted {
        let id = match value.get("id") {
            Some(id @ (Value::String(_) | Value::Number(_))) if id.is_i64() || id.is_string() => {
                id.clone()
            }
            _ => Value::Null,
        };
        let reason =
            "a message is not a JSON-RPC 2.0 request, notification or response".to_string();
        return Frame::Rejected {
            response: error_response(id, INVALID_REQUEST, &reason),
            reason,
        };
    }
    match serde_json::to_vec(&value) {
        Ok(json) => Frame::Message(json),
        Err(e) => {
            let reason = format!("a message cannot be re-encoded: {e}");
            Frame::Rejected {
                response: error_response(Value::Null, PARSE_ERROR, &reason),
                reason,
            }
        }
    }
}

/// A JSON-RPC error response.
fn error_response(id: Value, code: i64, message: &str) -> Vec<u8> {
    let response = json!({
        "jsonrpc": "2.0",
        "id": id,
        "error": { "code": code, "message": message },
    });
    serde_json::to_vec(&response).unwrap_or_default()
}

/// Replace `\uXXXX` escapes of unpaired UTF-16 surrogates with `\ufffd`;
/// `None` when there are none.
pub fn repair_lone_surrogates(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let unit = |at: usize| -> Option<u16> {
        if bytes.get(at) != Some(&b'\\') || bytes.get(at + 1) != Some(&b'u') {
            return None;
        }
        let hex = text.get(at + 2..at + 6)?;
        u16::from_str_radix(hex, 16).ok()
    };
    let high = |u: u16| (0xD800..0xDC00).contains(&u);
    let low = |u: u16| (0xDC00..0xE000).contains(&u);
    let mut out = String::new();
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        if bytes.get(i) != Some(&b'\\') {
            i += 1;
            continue;
        }
        let Some(u) = unit(i) else {
            // Another escape (`\\`, `\"`, …): skip both of its characters.
            i += 2;
            continue;
        };
        if high(u) && unit(i + 6).is_some_and(low) {
            i += 12;
            continue;
        }
        if !high(u) && !low(u) {
            i += 6;
            continue;
        }
        out.push_str(text.get(copied..i).unwrap_or_default());
        out.push_str("\\ufffd");
        i += 6;
        copied = i;
    }
    if copied == 0 {
        return None;
    }
    out.push_str(text.get(copied..).unwrap_or_default());
    Some(out)
}

fn framed(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

/// What the writer sends to the client.
enum Outgoing {
    Message(Vec<u8>),
    /// The server has finished: nothing more will be written.
    End,
}

/// Serve the language server on any pair of byte streams until the client
/// says `exit` or closes its end.
pub async fn serve<I, O>(input: I, output: O)
where
    I: AsyncRead + Unpin + Send + 'static,
    O: AsyncWrite + Unpin + Send + 'static,
{
    let (mut to_server, server_input) = tokio::io::duplex(READ_CHUNK);
    let (server_output, from_server) = tokio::io::duplex(READ_CHUNK);
    // Bounded: a client that writes without reading is slowed down, not
    // buffered without end.
    let (outgoing, mut to_write) = mpsc::channel::<Outgoing>(64);

    // The client's messages: checked ones to the server, refusals answered.
    let replies = outgoing.clone();
    let reader = tokio::spawn(async move {
        let mut frames = FrameReader::new(input);
        while let Some(frame) = frames.next_frame().await {
            match frame {
                Frame::Message(body) => {
                    if to_server.write_all(&framed(&body)).await.is_err() {
                        break;
                    }
                }
                Frame::Rejected { response, reason } => {
                    eprintln!("pcr lsp: {reason}");
                    let _ = replies.send(Outgoing::Message(response)).await;
                }
            }
        }
        // Dropping the pipe ends the server's input.
    });

    // The server's messages, interleaved whole with the refusals.
    let server_messages = outgoing;
    let relay = tokio::spawn(async move {
        let mut frames = FrameReader::with_limit(from_server, usize::MAX);
        while let Some(body) = frames.next_trusted_body().await {
            let _ = server_messages.send(Outgoing::Message(body)).await;
        }
        let _ = server_messages.send(Outgoing::End).await;
    });

    let writer = tokio::spawn(async move {
        let mut output = output;
        while let Some(Outgoing::Message(body)) = to_write.recv().await {
            if output.write_all(&framed(&body)).await.is_err() || output.flush().await.is_err() {
                break;
            }
        }
        let _ = output.shutdown().await;
    });

    let (service, socket) = LspService::new(Backend::new);
    Server::new(server_input, server_output, socket)
        .serve(service)
        .await;
    let _ = relay.await;
    let _ = writer.await;
    // After `exit` the client may keep its end open: stop reading it.
    reader.abort();
}

/// Run the whole server over `input` (raw client bytes, framing included)
/// and return everything it wrote. For fuzzing: any input must end here,
/// within bounded time and memory, without a panic.
pub fn handle_raw_bytes_for_fuzzing(input: &[u8]) -> Vec<u8> {
    let Ok(runtime) = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    else {
        return Vec::new();
    };
    let input = std::io::Cursor::new(input.to_vec());
    let written = runtime.block_on(async move {
        let (output, mut collected) = tokio::io::duplex(READ_CHUNK);
        let collector = tokio::spawn(async move {
            let mut all = Vec::new();
            let _ = collected.read_to_end(&mut all).await;
            all
        });
        serve(input, output).await;
        collector.await.unwrap_or_default()
    });
    runtime.shutdown_background();
    written
}
