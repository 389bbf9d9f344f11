"""Any text yields diagnostics and never kills the server; exit code 0."""

import json
import random
import subprocess

from lsprotocol import types

from conftest import COIL, PCR_BIN
from helpers import Docs, position


async def still_alive(client, docs):
    uri, diags = await docs.open("alive.pcr", COIL)
    assert len(diags) == 0
    h = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=position(COIL, "emission gas", len("emission g")),
        )
    )
    assert "CO2e/Mass · kgCO2e/kg" in h.contents.value


async def poke(client, uri, text):
    """Every request at a few places: none may fail."""
    lines = text.count("\n") + 1
    doc = types.TextDocumentIdentifier(uri=uri)
    for line in {0, lines // 2, lines - 1, lines + 5}:
        for character in (0, 3, 1000):
            pos = types.Position(line=line, character=character)
            await client.text_document_hover_async(types.HoverParams(text_document=doc, position=pos))
            await client.text_document_completion_async(types.CompletionParams(text_document=doc, position=pos))
            await client.text_document_definition_async(types.DefinitionParams(text_document=doc, position=pos))
    await client.text_document_document_symbol_async(types.DocumentSymbolParams(text_document=doc))
    await client.text_document_semantic_tokens_full_async(types.SemanticTokensParams(text_document=doc))
    await client.text_document_formatting_async(
        types.DocumentFormattingParams(text_document=doc, options=types.FormattingOptions(tab_size=4, insert_spaces=True))
    )
    await client.text_document_inlay_hint_async(
        types.InlayHintParams(text_document=doc, range=types.Range(start=types.Position(line=0, character=0), end=types.Position(line=lines, character=0)))
    )


async def test_binary_garbage(client, tmp_path):
    docs = Docs(client, tmp_path)
    rng = random.Random(6)
    garbage = bytes(rng.randrange(256) for _ in range(4000)).decode("latin-1")
    garbage += "\x00\ufffd😀\u202e"
    uri, diags = await docs.open("garbage.pcr", garbage, write=False)
    assert diags, "garbage yields diagnostics"
    assert {d.code for d in diags} <= {"E0001", "E0101", "E0102", "E0304"}
    assert "E0001" in {d.code for d in diags}
    await poke(client, uri, garbage)
    await still_alive(client, docs)


async def test_every_prefix_of_a_rule(client, tmp_path):
    """Half-typed text: each prefix of the rule, as typed, gets diagnostics."""
    docs = Docs(client, tmp_path)
    uri, _ = await docs.open("typing.pcr", "", write=False)
    step = 37
    for end in range(step, len(COIL), step):
        diags = await docs.change("typing.pcr", COIL[:end])
        assert isinstance(diags, list)
        if end % (step * 8) == 0:
            await poke(client, uri, COIL[:end])
    diags = await docs.change("typing.pcr", COIL)
    assert len(diags) == 0


async def test_unbalanced_and_odd_texts(client, tmp_path):
    docs = Docs(client, tmp_path)
    texts = [
        "rule {", "}}}}", "rule x { stage", "\"unterminated", "1e999999 kg",
        "rule r { input a: list { b: list { c: t } } }", "let x = " + "(" * 500,
        "enum E { a, a }\nrule r { let y = match E.a { } }", "fn f(x: t) -> t = f(x)",
        "import a.b.c.d", "rule 电力 { title \"电力\" en \"power\" }",
    ]
    for i, text in enumerate(texts):
        uri, diags = await docs.open(f"odd{i}.pcr", text, write=False)
        assert diags, text
        await poke(client, uri, text)
    await still_alive(client, docs)


def frame(message: dict) -> bytes:
    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def test_shutdown_and_exit_code_zero():
    messages = [
        {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"processId": None, "rootUri": None, "capabilities": {}}},
        {"jsonrpc": "2.0", "method": "initialized", "params": {}},
        {"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": "untitled:x.pcr", "languageId": "pcr", "version": 1, "text": "rule {"}}},
        {"jsonrpc": "2.0", "id": 2, "method": "shutdown", "params": None},
        {"jsonrpc": "2.0", "method": "exit", "params": None},
    ]
    data = b"".join(frame(m) for m in messages)
    proc = subprocess.run([PCR_BIN, "lsp"], input=data, capture_output=True, timeout=30)
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")
    assert b'"id":2' in proc.stdout.replace(b" ", b"")
