"""Diagnostics: codes, ranges, updates on change, and imports."""

from lsprotocol import types

from conftest import COIL
from helpers import Docs, as_tuple, errors, span


async def test_clean_rule_has_no_diagnostics(client, tmp_path):
    docs = Docs(client, tmp_path)
    _, diags = await docs.open("coil.pcr", COIL)
    assert len(diags) == 0


async def test_codes_and_ranges(client, tmp_path):
    docs = Docs(client, tmp_path)
    text = COIL.replace(
        "emission electricity = electricity * grid * route_factor / output",
        "emission electricity = electricty * grid * route_factor",
    )
    _, diags = await docs.open("coil.pcr", text)
    by_code = {d.code: d for d in errors(diags)}
    assert set(by_code) == {"E0101"}, [(d.code, d.message) for d in diags]
    unknown = by_code["E0101"]
    assert unknown.message.startswith("unknown name `electricty`")
    assert unknown.source == "pcr"
    assert unknown.severity == types.DiagnosticSeverity.Error
    assert as_tuple(unknown.range) == span(text, "electricty * grid", 0, len("electricty"))


async def test_emission_dimension_error(client, tmp_path):
    docs = Docs(client, tmp_path)
    text = COIL.replace(
        "emission gas = natural_gas * gas_ef * gwp.CO2 / output",
        "emission gas = natural_gas * gas_ef / output",
    )
    _, diags = await docs.open("coil.pcr", text)
    assert [d.code for d in errors(diags)] == ["E0202"]
    d = errors(diags)[0]
    assert as_tuple(d.range) == span(text, "natural_gas * gas_ef / output")
    assert "gwp.CO2" in d.message


async def test_diagnostics_follow_edits(client, tmp_path):
    docs = Docs(client, tmp_path)
    _, diags = await docs.open("coil.pcr", COIL)
    assert len(diags) == 0
    broken = COIL.replace("boundary cradle_to_gate", "boundary cradle_to_gat")
    diags = await docs.change("coil.pcr", broken)
    unknown = [d for d in errors(diags) if d.message.startswith("unknown boundary `cradle_to_gat`")]
    assert len(unknown) == 1 and unknown[0].code == "E0101"
    assert as_tuple(unknown[0].range) == span(broken, "cradle_to_gat")
    diags = await docs.change("coil.pcr", COIL)
    assert len(diags) == 0


async def test_syntax_errors_are_all_reported(client, tmp_path):
    docs = Docs(client, tmp_path)
    text = COIL.replace("input output: t", "input output t").replace(
        "factor truck: kgCO2e/tkm =", "factor truck kgCO2e/tkm ="
    )
    _, diags = await docs.open("coil.pcr", text)
    syntax = [d for d in diags if d.code == "E0001"]
    assert len(syntax) >= 2
    lines = {d.range.start.line for d in syntax}
    assert span(text, "input output t")[0] in lines
    assert span(text, "factor truck kgCO2e")[0] in lines


async def test_importers_are_rechecked(client, tmp_path):
    docs = Docs(client, tmp_path)
    lib = "/// Mass of one pallet.\nlet pallet_mass = 25 kg\n"
    main = COIL.replace(
        "enum Route", "import pallets\n\nenum Route"
    ).replace(
        "emission materials = sum(m in materials: m.mass * m.ef) / output",
        "emission materials = sum(m in materials: m.mass * m.ef) / output * (pallet_mass / 25 kg)",
    )
    lib_uri, lib_diags = await docs.open("pallets.pcr", lib)
    assert len(lib_diags) == 0
    main_uri, diags = await docs.open("coil.pcr", main)
    assert len(diags) == 0, [(d.code, d.message) for d in diags]
    # Break the imported module without saving it: the importer is re-checked.
    after = docs.mark()
    await docs.change("pallets.pcr", "let pallet_mas = 25 kg\n")
    diags = await docs.wait(main_uri, after=after)
    assert [d.code for d in errors(diags)] == ["E0101"]
    assert "pallet_mass" in errors(diags)[0].message
    # And fixed again.
    after = docs.mark()
    await docs.change("pallets.pcr", lib)
    diags = await docs.wait(main_uri, after=after)
    assert len(diags) == 0


async def test_error_in_import_shown_at_import(client, tmp_path):
    docs = Docs(client, tmp_path)
    (tmp_path / "broken.pcr").write_text("let x = 1 kg +\n", encoding="utf-8")
    text = "import broken\n\n" + COIL
    _, diags = await docs.open("coil.pcr", text)
    assert diags, "an error in an imported module is reported"
    assert all(d.range.start.line == 0 for d in errors(diags))
    assert "in imported module" in errors(diags)[0].message
