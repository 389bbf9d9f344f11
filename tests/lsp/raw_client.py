"""A client that writes raw bytes to `pcr lsp`: for frames no LSP library would send."""

import json
import queue
import subprocess
import threading
import time

from conftest import COIL, PCR_BIN
from helpers import position


def frame(message) -> bytes:
    body = message if isinstance(message, bytes) else json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


class RawServer:
    """`pcr lsp` on pipes; its messages are read on a thread."""

    def __init__(self):
        self.proc = subprocess.Popen(
            [PCR_BIN, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        self.incoming: queue.Queue = queue.Queue()
        self.seen: list = []
        self.stderr: list[bytes] = []
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._read_stderr, daemon=True).start()

    def _read(self):
        out = self.proc.stdout
        while True:
            headers = {}
            while True:
                line = out.readline()
                if not line:
                    self.incoming.put(None)
                    return
                line = line.strip()
                if not line:
                    break
                name, _, value = line.partition(b":")
                headers[name.strip().lower()] = value.strip()
            body = out.read(int(headers[b"content-length"]))
            self.incoming.put(json.loads(body))

    def _read_stderr(self):
        for line in self.proc.stderr:
            self.stderr.append(line)

    def send_raw(self, data: bytes):
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def send(self, message: dict):
        self.send_raw(frame(message))

    def wait_for(self, wanted, timeout: float = 30.0):
        """The first message (seen before, or arriving) for which `wanted` holds."""
        for i, m in enumerate(self.seen):
            if wanted(m):
                return self.seen.pop(i)
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            assert left > 0, "no answer in time; stderr: " + b"".join(self.stderr).decode(errors="replace")
            try:
                m = self.incoming.get(timeout=left)
            except queue.Empty:
                continue
            assert m is not None, "the server ended; stderr: " + b"".join(self.stderr).decode(errors="replace")
            if wanted(m):
                return m
            self.seen.append(m)

    def request(self, id_, method: str, params) -> dict:
        self.send({"jsonrpc": "2.0", "id": id_, "method": method, "params": params})
        return self.wait_for(lambda m: m.get("id") == id_ and "method" not in m)

    def notify(self, method: str, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def null_id_error(self) -> int:
        m = self.wait_for(lambda m: "error" in m and m.get("id") is None)
        return m["error"]["code"]

    def diagnostics(self, uri: str, version: int) -> list:
        m = self.wait_for(
            lambda m: m.get("method") == "textDocument/publishDiagnostics"
            and m["params"]["uri"] == uri
            and m["params"].get("version") == version
        )
        return m["params"]["diagnostics"]

    def initialize(self):
        r = self.request(1, "initialize", {"processId": None, "rootUri": None, "capabilities": {}})
        assert "capabilities" in r["result"], r
        self.notify("initialized", {})

    def open(self, uri: str, text: str) -> list:
        self.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": "pcr", "version": 1, "text": text}},
        )
        return self.diagnostics(uri, 1)

    def assert_alive(self, folder, id_: int):
        """Still serving: a document gets its diagnostics and a hover its answer."""
        path = folder / f"alive{id_}.pcr"
        path.write_text(COIL, encoding="utf-8")
        uri = path.as_uri()
        assert self.open(uri, COIL) == []
        p = position(COIL, "emission gas", len("emission g"))
        h = self.request(
            id_,
            "textDocument/hover",
            {"textDocument": {"uri": uri}, "position": {"line": p.line, "character": p.character}},
        )
        assert "CO2e/Mass · kgCO2e/kg" in h["result"]["contents"]["value"], h

    def close(self, timeout: float = 30.0) -> int:
        self.proc.stdin.close()
        return self.proc.wait(timeout=timeout)
