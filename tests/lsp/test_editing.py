"""Formatting (as `pcr fmt`) and quick fixes."""

import shutil
import subprocess

from lsprotocol import types

from conftest import COIL, PCR_BIN
from helpers import Docs, as_tuple, span


def apply(text: str, edits) -> str:
    lines = text.split("\n")
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)

    def offset(p):
        # UTF-16 columns to Python indices.
        line = lines[p.line] if p.line < len(lines) else ""
        units, i = 0, 0
        while i < len(line) and units < p.character:
            units += 2 if ord(line[i]) > 0xFFFF else 1
            i += 1
        return min(offsets[p.line] + i, len(text)) if p.line < len(lines) else len(text)

    for e in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        text = text[: offset(e.range.start)] + e.new_text + text[offset(e.range.end):]
    return text


async def test_formatting_matches_pcr_fmt(client, tmp_path):
    messy = COIL.replace("    input output: t", "input   output :t").replace(
        "emission gas = natural_gas * gas_ef * gwp.CO2 / output",
        "emission gas=natural_gas*gas_ef*gwp.CO2/output",
    )
    docs = Docs(client, tmp_path)
    uri, _ = await docs.open("coil.pcr", messy)
    edits = await client.text_document_formatting_async(
        types.DocumentFormattingParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            options=types.FormattingOptions(tab_size=4, insert_spaces=True),
        )
    )
    assert edits, "a messy file gets edits"
    formatted = apply(messy, edits)
    reference = tmp_path / "reference.pcr"
    reference.write_text(messy, encoding="utf-8")
    subprocess.run([PCR_BIN, "fmt", str(reference)], check=True, capture_output=True)
    assert formatted == reference.read_text(encoding="utf-8")
    assert "\n    input output: t\n" in formatted


async def test_formatting_leaves_broken_text(client, tmp_path):
    docs = Docs(client, tmp_path)
    uri, _ = await docs.open("coil.pcr", COIL.replace("input output: t", "input output t"))
    edits = await client.text_document_formatting_async(
        types.DocumentFormattingParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            options=types.FormattingOptions(tab_size=4, insert_spaces=True),
        )
    )
    assert not edits


async def test_quick_fix_from_diagnostic(client, tmp_path):
    text = COIL.replace("* truck / output", "* truk / output")
    docs = Docs(client, tmp_path)
    uri, diags = await docs.open("coil.pcr", text)
    [d] = [d for d in diags if d.code == "E0101"]
    assert as_tuple(d.range) == span(text, "truk")
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=d.range,
            context=types.CodeActionContext(diagnostics=[d]),
        )
    )
    assert len(actions) == 1
    action = actions[0]
    assert action.kind == types.CodeActionKind.QuickFix
    assert action.title == "replace with `truck`"
    fixed = apply(text, action.edit.changes[uri])
    assert fixed == COIL
