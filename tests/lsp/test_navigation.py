"""Hover, definition (into the prelude), references, symbols, rename."""

import pathlib
from urllib.parse import unquote, urlparse

from lsprotocol import types

from conftest import COIL
from helpers import Docs, as_tuple, position, span


async def hover(client, uri, text, needle, delta=0):
    h = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=position(text, needle, delta),
        )
    )
    assert h is not None, f"no hover at {needle!r}"
    return h.contents.value, h


async def test_hover_emission_dimension(client, tmp_path):
    docs = Docs(client, tmp_path)
    uri, _ = await docs.open("coil.pcr", COIL)
    value, h = await hover(client, uri, COIL, "emission electricity", len("emission e"))
    assert "`CO2e/Mass · kgCO2e/kg`" in value
    assert as_tuple(h.range) == span(COIL, "electricity =", 0, len("electricity"))


async def test_hover_expression_and_name(client, tmp_path):
    docs = Docs(client, tmp_path)
    uri, _ = await docs.open("coil.pcr", COIL)
    # An input used in an expression: its declaration, dimension and unit.
    value, _ = await hover(client, uri, COIL, "electricity * grid", 2)
    assert "input electricity: MWh" in value
    assert "Energy · MWh" in value
    # An operator: the type of the whole product.
    value, h = await hover(client, uri, COIL, "m.mass * m.ef", len("m.mass "))
    assert "`CO2e · kgCO2e`" in value
    assert as_tuple(h.range) == span(COIL, "m.mass * m.ef")


async def test_hover_declarations(client, tmp_path):
    docs = Docs(client, tmp_path)
    uri, _ = await docs.open("coil.pcr", COIL)
    value, _ = await hover(client, uri, COIL, "input distance", len("input d"))
    assert "Rule default, used where the company has no measured distance." in value
    assert "default: `300 km`" in value
    assert "`Length · km`" in value
    value, _ = await hover(client, uri, COIL, "factor gas_ef", len("factor g"))
    assert "source: IPCC 2006 Vol.2 Table 2.2" in value
    assert "`CO2/Energy · kgCO2/GJ`" in value
    # A prelude unit: its doc comment and bilingual labels.
    value, _ = await hover(client, uri, COIL, "declared_unit 1 t", len("declared_unit 1 "))
    assert "吨 · tonne" in value
    assert "`Mass · kg`" in value


async def test_hover_gwp(client, tmp_path):
    docs = Docs(client, tmp_path)
    uri, _ = await docs.open("coil.pcr", COIL)
    value, _ = await hover(client, uri, COIL, "gwp.CH4", len("gwp.C"))
    assert "value: 27.9 kgCO2e/kgCH4 in GWP set `ar6`" in value
    assert "Table 7.SM.7" in value
    assert "`CO2e/CH4 · kgCO2e/kgCH4`" in value


async def definition(client, uri, text, needle, delta=0):
    result = await client.text_document_definition_async(
        types.DefinitionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=position(text, needle, delta),
        )
    )
    assert result is not None, f"no definition at {needle!r}"
    return result if isinstance(result, types.Location) else result[0]


def read_range(uri: str, r: types.Range) -> str:
    path = pathlib.Path(unquote(urlparse(uri).path))
    lines = path.read_text(encoding="utf-8").split("\n")
    assert r.start.line == r.end.line
    return lines[r.start.line][r.start.character : r.end.character]


async def test_definition_local(client, tmp_path):
    docs = Docs(client, tmp_path)
    uri, _ = await docs.open("coil.pcr", COIL)
    loc = await definition(client, uri, COIL, "* truck", 3)
    assert loc.uri == uri
    assert as_tuple(loc.range) == span(COIL, "truck: kgCO2e/tkm", 0, len("truck"))
    loc = await definition(client, uri, COIL, "given grid", len("given g"))
    assert as_tuple(loc.range) == span(COIL, "grid: kgCO2e/kWh", 0, len("grid"))


async def test_definition_into_prelude(client, tmp_path):
    docs = Docs(client, tmp_path)
    uri, _ = await docs.open("coil.pcr", COIL)
    loc = await definition(client, uri, COIL, "boundary cradle_to_gate", len("boundary c"))
    assert loc.uri.endswith("/std/stages.pcr")
    assert read_range(loc.uri, loc.range) == "cradle_to_gate"
    loc = await definition(client, uri, COIL, "gwp.CH4", len("gwp.C"))
    assert loc.uri.endswith("/std/gwp.pcr")
    assert read_range(loc.uri, loc.range) == "CH4"
    loc = await definition(client, uri, COIL, "input output: t", len("input output: "))
    assert loc.uri.endswith("/std/units.pcr")
    assert read_range(loc.uri, loc.range) == "t"
    # The prelude file opens as a document too, and its names resolve.
    path = pathlib.Path(unquote(urlparse(loc.uri).path))
    units = path.read_text(encoding="utf-8")
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=loc.uri, language_id="pcr", version=1, text=units
            )
        )
    )
    h = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=loc.uri),
            position=position(units, "unit kWh", len("unit k")),
        )
    )
    assert h is not None and "`Energy · J`" in h.contents.value


async def test_references(client, tmp_path):
    docs = Docs(client, tmp_path)
    uri, _ = await docs.open("coil.pcr", COIL)
    refs = await client.text_document_references_async(
        types.ReferenceParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=position(COIL, "input output", len("input o")),
            context=types.ReferenceContext(include_declaration=True),
        )
    )
    # Declaration, five uses in emissions, and `given output`.
    assert len(refs) == 7
    assert all(r.uri == uri for r in refs)


async def test_document_symbols(client, tmp_path):
    docs = Docs(client, tmp_path)
    uri, _ = await docs.open("coil.pcr", COIL)
    symbols = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    top = {s.name: s for s in symbols}
    assert set(top) == {"Route", "coil"}
    rule = top["coil"]
    children = {c.name: c for c in rule.children}
    for name in ["output", "grid", "material_mass", "raw_material_acquisition",
                 "production", "integrated plant"]:
        assert name in children, name
    assert children["output"].kind == types.SymbolKind.Variable
    assert children["grid"].kind == types.SymbolKind.Constant
    production = {c.name for c in children["production"].children}
    assert production == {"electricity", "gas", "leaks"}
    assert as_tuple(children["production"].selection_range) == span(
        COIL, "production {", 0, len("production")
    )


async def test_rename(client, tmp_path):
    docs = Docs(client, tmp_path)
    uri, _ = await docs.open("coil.pcr", COIL)
    edit = await client.text_document_rename_async(
        types.RenameParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=position(COIL, "factor truck", len("factor t")),
            new_name="lorry",
        )
    )
    edits = edit.changes[uri]
    assert len(edits) == 2
    assert all(e.new_text == "lorry" for e in edits)


async def test_inlay_hints(client, tmp_path):
    docs = Docs(client, tmp_path)
    uri, _ = await docs.open("coil.pcr", COIL)
    lines = COIL.count("\n")
    hints = await client.text_document_inlay_hint_async(
        types.InlayHintParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(start=types.Position(line=0, character=0),
                              end=types.Position(line=lines + 1, character=0)),
        )
    )
    labels = {(h.position.line, h.label) for h in hints}
    line = position(COIL, "let material_mass").line
    assert (line, ": Mass · kg") in labels
    line = position(COIL, "emission leaks").line
    assert (line, ": CO2e/Mass · kgCO2e/kg") in labels


async def test_semantic_tokens(client, tmp_path):
    docs = Docs(client, tmp_path)
    uri, _ = await docs.open("coil.pcr", COIL)
    tokens = await client.text_document_semantic_tokens_full_async(
        types.SemanticTokensParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    assert len(tokens.data) % 5 == 0 and len(tokens.data) > 100
    # The first token is the module doc comment at 0:0.
    assert list(tokens.data[0:2]) == [0, 0]
