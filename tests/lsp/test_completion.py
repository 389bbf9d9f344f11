"""Completion in context."""

from lsprotocol import types

from conftest import COIL
from helpers import Docs, position


async def complete(client, docs, text, needle, delta):
    uri, _ = await docs.open("coil.pcr", text)
    result = await client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=position(text, needle, delta),
        )
    )
    items = result.items if isinstance(result, types.CompletionList) else result
    return {i.label: i for i in items}


async def test_units_after_number(client, tmp_path):
    text = COIL.replace("given output = 1000 t", "given output = 1000 ")
    items = await complete(client, Docs(client, tmp_path), text, "given output = 1000 ", len("given output = 1000 "))
    for unit in ["t", "kg", "kWh", "kgCO2e", "tkm"]:
        assert unit in items, unit
    assert items["t"].kind == types.CompletionItemKind.Unit
    assert "Mass · kg" in items["t"].detail
    assert "emission" not in items


async def test_stages_after_stage(client, tmp_path):
    text = COIL.replace("    stage production {", "    stage pro\n    stage production {")
    items = await complete(client, Docs(client, tmp_path), text, "stage pro\n", len("stage pro"))
    assert "production" in items and "use" in items and "A1" in items
    # The boundary's stages sort first.
    assert items["production"].sort_text < items["use"].sort_text


async def test_categories_after_as(client, tmp_path):
    text = COIL.replace("methane * gwp.CH4 / output", "methane * gwp.CH4 / output as ")
    items = await complete(client, Docs(client, tmp_path), text, "output as ", len("output as "))
    assert {"fossil", "biogenic", "biogenic_removal", "dluc", "aircraft"} <= set(items)
    assert "output" not in items


async def test_gwp_gases(client, tmp_path):
    text = COIL.replace("methane * gwp.CH4 / output", "methane * gwp.")
    items = await complete(client, Docs(client, tmp_path), text, "gwp.\n", len("gwp."))
    assert {"CO2", "CH4", "N2O", "CH4_fossil"} <= set(items)
    assert "27.9" in items["CH4"].detail


async def test_fields_after_dot(client, tmp_path):
    text = COIL.replace("let material_mass = sum(m in materials: m.mass)", "let material_mass = sum(m in materials: m.")
    items = await complete(client, Docs(client, tmp_path), text, "materials: m.\n", len("materials: m."))
    assert set(items) == {"name", "mass", "ef"}
    assert items["mass"].detail == "Mass · kg"


async def test_enum_variants_after_dot(client, tmp_path):
    text = COIL.replace("input route: Route = bf_bof", "input route: Route = Route.")
    items = await complete(client, Docs(client, tmp_path), text, "Route.\n", len("Route."))
    assert set(items) == {"bf_bof", "eaf"}


async def test_match_variants(client, tmp_path):
    text = COIL.replace("match route { bf_bof => 1, eaf => 0.5 }", "match route { bf_bof => 1, ")
    items = await complete(client, Docs(client, tmp_path), text, "bf_bof => 1, ", len("bf_bof => 1, "))
    assert {"bf_bof", "eaf"} <= set(items)


async def test_names_in_scope(client, tmp_path):
    text = COIL.replace("emission leaks = methane * gwp.CH4 / output", "emission leaks = ")
    items = await complete(client, Docs(client, tmp_path), text, "leaks = \n", len("leaks = "))
    for name in ["methane", "output", "grid", "material_mass", "route_factor", "min", "if", "Route"]:
        assert name in items, name
    assert items["methane"].detail == "CH4 · kgCH4"
    assert items["grid"].detail == "CO2e/Energy · kgCO2e/J"
    assert items["material_mass"].detail == "Mass · kg"
    # With a word typed, only names it can still match.
    text = COIL.replace("emission leaks = methane * gwp.CH4 / output", "emission leaks = meth")
    items = await complete(client, Docs(client, tmp_path), text, "leaks = meth", len("leaks = meth"))
    assert "methane" in items and "grid" not in items


async def test_clause_keywords(client, tmp_path):
    text = COIL.replace("    factor truck:", "    fac\n    factor truck:")
    items = await complete(client, Docs(client, tmp_path), text, "    fac\n", len("    fac"))
    assert {"input", "factor", "let", "stage", "exclude", "grades", "example"} <= set(items)
    assert "emission" not in items


async def test_keywords_in_stage_and_example(client, tmp_path):
    text = COIL.replace("    stage production {\n", "    stage production {\n        em\n")
    items = await complete(client, Docs(client, tmp_path), text, "        em\n", len("        em"))
    assert set(items) == {"emission"}
    text = COIL.replace("        given output = 1000 t\n", "        giv\n        given output = 1000 t\n")
    items = await complete(client, Docs(client, tmp_path), text, "        giv\n", len("        giv"))
    assert set(items) == {"given", "expect"}


async def test_given_names(client, tmp_path):
    text = COIL.replace("        given grid = 0.6205 kgCO2e/kWh", "        given ")
    items = await complete(client, Docs(client, tmp_path), text, "        given \n", len("        given "))
    assert {"output", "grid", "truck", "distance"} <= set(items)
    assert "material_mass" not in items
