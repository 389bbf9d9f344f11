"""Fixtures: a client connected to `pcr lsp`, and helpers to open documents."""

import os
import pathlib
import sys

import pytest_lsp
from lsprotocol import types
from pygls.protocol import default_converter
from pytest_lsp import ClientServerConfig, LanguageClient
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent
PCR_BIN = os.environ.get("PCR_BIN", str(ROOT / "target" / "debug" / "pcr"))
if not os.path.isabs(PCR_BIN):
    PCR_BIN = str(ROOT / PCR_BIN)

COIL = (HERE / "coil.pcr").read_text(encoding="utf-8")


def publish_diagnostics(client: LanguageClient, params: types.PublishDiagnosticsParams):
    """Keep every publication (with its version), not only the latest diagnostics."""
    client.diagnostics[params.uri] = list(params.diagnostics)
    client.published.append(params)


def make_client() -> LanguageClient:
    client = LanguageClient(converter_factory=default_converter)
    client.published = []
    features = dict(DEFAULT_CLIENT_FEATURES)
    features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = publish_diagnostics
    register_lsp_features(client, features)
    return client


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=[PCR_BIN, "lsp"], client_factory=make_client)
)
async def client(lsp_client: LanguageClient):
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=types.ClientCapabilities(
                text_document=types.TextDocumentClientCapabilities(
                    hover=types.HoverClientCapabilities(
                        content_format=[types.MarkupKind.Markdown]
                    ),
                    completion=types.CompletionClientCapabilities(
                        completion_item=types.ClientCompletionItemOptions(
                            documentation_format=[types.MarkupKind.Markdown]
                        )
                    ),
                    publish_diagnostics=types.PublishDiagnosticsClientCapabilities(
                        version_support=True
                    ),
                )
            ),
            root_uri=HERE.as_uri(),
        )
    )
    yield
    await lsp_client.shutdown_session()
