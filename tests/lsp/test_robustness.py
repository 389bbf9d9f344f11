"""Any text yields diagnostics and never kills the server; exit code 0."""

import json
import random
import subprocess

from lsprotocol import types

from conftest import COIL, PCR_BIN
from helpers import Docs, as_tuple, position, span
from raw_client import RawServer, frame


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


# --- Hostile input: after each, the server still answers correctly. ---

DEEP_HEADER = """rule deep {
    title "深" en "Deep"
    version "0.1.0"
    declared_unit 1 t
    boundary cradle_to_gate
    gwp ar6
    cutoff item 1% total 5%
    input output: t
"""
DEEP_TAIL = """    stage raw_material_acquisition {
        emission none = 0 kgCO2e / output
    }
    stage production {
        emission e = mass * 1 kgCO2e/kg / output
    }
}
"""


def deep_documents():
    cycle = "    let mass = a0\n" + "".join(f"    let a{i} = a{(i + 1) % 250} + 1 kg\n" for i in range(250))
    return {
        "sum600": DEEP_HEADER + "    let mass = " + " + ".join(["1 kg"] * 600) + "\n" + DEEP_TAIL,
        "parens800": DEEP_HEADER + "    let mass = " + "(" * 800 + "1 kg" + ")" * 800 + "\n" + DEEP_TAIL,
        "cycle250": DEEP_HEADER + cycle + DEEP_TAIL,
    }


async def test_deeply_nested_documents(client, tmp_path):
    """Long sums, deep parentheses and long let cycles: diagnostics, no crash."""
    docs = Docs(client, tmp_path)
    for name, text in deep_documents().items():
        assert len(text.encode()) <= 8 * 1024
        uri, diags = await docs.open(f"{name}.pcr", text, write=False)
        assert isinstance(diags, list)
        if name == "cycle250":
            assert "E0103" in {d.code for d in diags}
        await still_alive(client, docs)


def test_malformed_frames_are_answered_and_skipped(tmp_path):
    server = RawServer()
    server.initialize()
    server.assert_alive(tmp_path, 10)
    # A Content-Length that is not a number.
    server.send_raw(b"Content-Length: abc\r\n\r\n{}")
    assert server.null_id_error() == -32700
    server.assert_alive(tmp_path, 11)
    # A body that is not JSON.
    server.send_raw(frame(b'{"jsonrpc": "2.0", "id": 5,'))
    assert server.null_id_error() == -32700
    server.assert_alive(tmp_path, 12)
    # JSON that is not JSON-RPC: invalid request, with its id.
    server.send({"jsonrpc": "1.0", "id": 14, "method": "textDocument/hover"})
    r = server.wait_for(lambda m: m.get("id") == 14)
    assert r["error"]["code"] == -32600
    # Headers garbled, then a good message.
    server.send_raw(b"}} garbage\r\n\r\n")
    assert server.null_id_error() == -32700
    server.assert_alive(tmp_path, 15)
    # A lone surrogate in a didChange: the text reads it as U+FFFD.
    uri = (tmp_path / "surrogate.pcr").as_uri()
    (tmp_path / "surrogate.pcr").write_text(COIL, encoding="utf-8")
    assert server.open(uri, COIL) == []
    marker = "\u2603"
    message = {
        "jsonrpc": "2.0",
        "method": "textDocument/didChange",
        "params": {
            "textDocument": {"uri": uri, "version": 2},
            "contentChanges": [{"text": "// " + marker + " lone\n" + COIL}],
        },
    }
    body = json.dumps(message).replace("\\u2603", "\\ud800").encode()
    assert b"\\ud800" in body
    server.send_raw(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    assert server.diagnostics(uri, 2) == []
    server.assert_alive(tmp_path, 16)
    assert server.request(17, "shutdown", None).get("error") is None
    server.notify("exit", None)
    assert server.proc.wait(timeout=30) == 0


def test_a_truncated_message_at_the_end_ends_the_server_cleanly():
    server = RawServer()
    server.initialize()
    server.send_raw(b'Content-Length: 300\r\n\r\n{"jsonrpc": "2.0", "id": 2, "method": "shut')
    assert server.close() == 0


def test_unknown_methods_and_wrong_parameters(tmp_path):
    server = RawServer()
    server.initialize()
    assert server.request(2, "pcr/noSuchMethod", {})["error"]["code"] == -32601
    server.notify("pcr/noSuchNotification", [1, 2, 3])
    server.notify("$/noSuchNotification", None)
    assert server.request(3, "textDocument/hover", {"textDocument": 5})["error"]["code"] == -32602
    r = server.request(4, "textDocument/hover", {"textDocument": {"uri": "file:///nowhere.pcr"}, "position": {"line": 0, "character": 0}})
    assert r.get("error") is None and r["result"] is None
    # A document that is a device, not a file: never read.
    r = server.request(5, "textDocument/documentSymbol", {"textDocument": {"uri": "file:///dev/zero"}})
    assert r.get("error") is None and r["result"] is None
    server.assert_alive(tmp_path, 6)
    assert server.close() == 0


async def test_positions_past_the_end(client, tmp_path):
    docs = Docs(client, tmp_path)
    uri, _ = await docs.open("far.pcr", COIL)
    doc = types.TextDocumentIdentifier(uri=uri)
    last = COIL.count("\n")
    big = 2**31 - 1
    for line, character in [(0, big), (last, big), (last + 1, 0), (10**6, 5), (big, big)]:
        pos = types.Position(line=line, character=character)
        await client.text_document_hover_async(types.HoverParams(text_document=doc, position=pos))
        await client.text_document_completion_async(types.CompletionParams(text_document=doc, position=pos))
        await client.text_document_definition_async(types.DefinitionParams(text_document=doc, position=pos))
        await client.text_document_references_async(
            types.ReferenceParams(text_document=doc, position=pos, context=types.ReferenceContext(include_declaration=True))
        )
        await client.text_document_prepare_rename_async(types.PrepareRenameParams(text_document=doc, position=pos))
        await client.text_document_rename_async(types.RenameParams(text_document=doc, position=pos, new_name="fresh"))
    far = types.Range(start=types.Position(line=big, character=big), end=types.Position(line=0, character=0))
    await client.text_document_inlay_hint_async(types.InlayHintParams(text_document=doc, range=far))
    await client.text_document_code_action_async(
        types.CodeActionParams(text_document=doc, range=far, context=types.CodeActionContext(diagnostics=[]))
    )
    await still_alive(client, docs)


async def test_utf16_positions_around_emoji_and_cjk(client, tmp_path):
    """Columns count UTF-16 units: a surrogate pair is two of them."""
    text = COIL.replace('bf_bof "高炉-转炉", eaf "电炉"', 'bf_bof "高炉😀-转炉🏭", eaf "电炉😀"')
    assert text != COIL
    docs = Docs(client, tmp_path)
    uri, diags = await docs.open("emoji.pcr", text)
    assert diags == []
    doc = types.TextDocumentIdentifier(uri=uri)
    # From the use in the match to the variant after two emoji on its line.
    result = await client.text_document_definition_async(
        types.DefinitionParams(text_document=doc, position=position(text, "eaf => 0.5", 1))
    )
    locations = result if isinstance(result, list) else [result]
    assert [as_tuple(loc.range) for loc in locations] == [span(text, 'eaf "电炉😀"', 0, 3)]
    # Every column of the enum's line, inside the surrogate pairs too: no failure.
    enum_line = position(text, "enum Route").line
    width = len(text.splitlines()[enum_line].encode("utf-16-le")) // 2
    for character in range(width + 2):
        await client.text_document_hover_async(
            types.HoverParams(text_document=doc, position=types.Position(line=enum_line, character=character))
        )
    h = await client.text_document_hover_async(
        types.HoverParams(text_document=doc, position=position(text, 'eaf "电炉😀"', 1))
    )
    assert h is not None and "电炉😀" in h.contents.value, h
    await still_alive(client, docs)


async def test_a_thousand_rapid_edits(client, tmp_path):
    docs = Docs(client, tmp_path)
    uri, _ = await docs.open("rapid.pcr", COIL)
    after = docs.mark()
    for version in range(2, 1002):
        text = COIL if version % 2 else COIL[: version % len(COIL)]
        if version == 1001:
            text = COIL.replace("300 km", "123 km")
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )
    docs.versions[uri] = 1001
    diags = await docs.wait(uri, version=1001, after=after, timeout=120)
    assert diags == []
    final = COIL.replace("300 km", "123 km")
    h = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=position(final, "input distance", 7))
    )
    assert "123 km" in h.contents.value, h.contents.value
    await still_alive(client, docs)


async def test_ranged_edits_in_and_out_of_bounds(client, tmp_path):
    """A change with a range replaces that part; one out of bounds is ignored."""
    docs = Docs(client, tmp_path)
    uri, _ = await docs.open("ranged.pcr", COIL)
    doc = types.VersionedTextDocumentIdentifier(uri=uri, version=2)
    start = position(COIL, "300 km")
    end = position(COIL, "300 km", 3)
    after = docs.mark()
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=doc,
            content_changes=[
                types.TextDocumentContentChangePartial(range=types.Range(start=start, end=end), text="250")
            ],
        )
    )
    assert await docs.wait(uri, version=2, after=after) == []
    edited = COIL.replace("300 km", "250 km")
    for bad in [
        types.Range(start=types.Position(line=10**6, character=0), end=types.Position(line=10**6, character=1)),
        types.Range(start=end, end=start),
    ]:
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=3),
                content_changes=[types.TextDocumentContentChangePartial(range=bad, text="oops")],
            )
        )
    h = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=position(edited, "input distance", 7))
    )
    assert "250 km" in h.contents.value, h.contents.value
    await still_alive(client, docs)
