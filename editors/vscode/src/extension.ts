// The PCR extension: starts `pcr lsp` and connects VS Code to it.
import * as vscode from "vscode";
import {
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  TransportKind,
} from "vscode-languageclient/node";

let client: LanguageClient | undefined;

function serverOptions(): ServerOptions {
  const config = vscode.workspace.getConfiguration("pcr");
  const command = config.get<string>("server.path") || "pcr";
  const extra = config.get<string[]>("server.extraArgs") || [];
  const run = { command, args: ["lsp", ...extra], transport: TransportKind.stdio };
  return { run, debug: run };
}

async function start(context: vscode.ExtensionContext): Promise<void> {
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "pcr" },
      { scheme: "untitled", language: "pcr" },
    ],
    synchronize: {
      // Imports read files from disk: tell the server when they change.
      fileEvents: vscode.workspace.createFileSystemWatcher("**/*.pcr"),
    },
  };
  client = new LanguageClient("pcr", "PCR language server", serverOptions(), clientOptions);
  context.subscriptions.push(client);
  try {
    await client.start();
  } catch (e) {
    vscode.window.showErrorMessage(
      `PCR: cannot start \`pcr lsp\` (set "pcr.server.path"): ${e}`,
    );
  }
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  context.subscriptions.push(
    vscode.commands.registerCommand("pcr.restartServer", async () => {
      if (client) {
        await client.stop();
      }
      await start(context);
    }),
  );
  await start(context);
}

export async function deactivate(): Promise<void> {
  if (client) {
    await client.stop();
  }
}
