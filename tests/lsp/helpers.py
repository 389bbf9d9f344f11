"""Helpers shared by the end-to-end tests."""

import asyncio
import pathlib

from lsprotocol import types


def position(text: str, needle: str, delta: int = 0) -> types.Position:
    """The position of `needle` (plus `delta` characters) in `text`, UTF-16 columns."""
    at = text.index(needle) + delta
    line = text.count("\n", 0, at)
    line_start = text.rfind("\n", 0, at) + 1
    col = len(text[line_start:at].encode("utf-16-le")) // 2
    return types.Position(line=line, character=col)


def span(text: str, needle: str, delta: int = 0, length: int | None = None):
    """(start line, start col, end line, end col) of `needle` in `text`."""
    start = position(text, needle, delta)
    end = position(text, needle, delta + (len(needle) - delta if length is None else length))
    return (start.line, start.character, end.line, end.character)


def as_tuple(r: types.Range):
    return (r.start.line, r.start.character, r.end.line, r.end.character)


class Docs:
    """Opens and edits documents, waiting for their diagnostics."""

    def __init__(self, client, folder: pathlib.Path):
        self.client = client
        self.folder = folder
        self.versions: dict[str, int] = {}

    def uri(self, name: str) -> str:
        return (self.folder / name).as_uri()

    async def wait(self, uri: str, timeout: float = 20.0, version=None, after: int = 0):
        """Wait for diagnostics of `uri` published after the `after`-th publication
        (for `version`, when given); return them."""
        deadline = asyncio.get_running_loop().time() + timeout
        while asyncio.get_running_loop().time() < deadline:
            for p in self.client.published[after:]:
                if p.uri == uri and (version is None or p.version == version):
                    return list(p.diagnostics)
            await asyncio.sleep(0.01)
        raise AssertionError(f"no diagnostics for {uri} (version {version})")

    def mark(self) -> int:
        """A point in the stream of publications to wait after."""
        return len(self.client.published)

    async def open(self, name: str, text: str, write: bool = True):
        uri = self.uri(name)
        if write:
            (self.folder / name).write_text(text, encoding="utf-8")
        after = self.mark()
        self.versions[uri] = 1
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(
                    uri=uri, language_id="pcr", version=1, text=text
                )
            )
        )
        return uri, await self.wait(uri, version=1, after=after)

    async def change(self, name: str, text: str):
        uri = self.uri(name)
        self.versions[uri] += 1
        after = self.mark()
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(
                    uri=uri, version=self.versions[uri]
                ),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )
        # Published for exactly this version (LSP `PublishDiagnosticsParams.version`).
        return await self.wait(uri, version=self.versions[uri], after=after)


def errors(diags):
    return [d for d in diags if d.severity == types.DiagnosticSeverity.Error]
