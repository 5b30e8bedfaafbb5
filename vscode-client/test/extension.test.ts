import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as vscode from 'vscode';
import { activate, deactivate } from '../src/extension';
import { LanguageClient } from './languageclient-mock';
import { mock, resetMock } from './vscode-mock';

function context(): vscode.ExtensionContext {
  return { subscriptions: [] as { dispose(): unknown }[] } as unknown as vscode.ExtensionContext;
}

describe('activate without a server', () => {
  beforeEach(() => {
    resetMock();
    process.env.PATH = '/nonexistent-ghostwise-test-dir';
  });

  it('registers the commands, shows a stopped status and a notification with a fix', async () => {
    await activate(context());
    expect([...mock.commands.keys()].sort()).toEqual([
      'ghostwise.restartServer',
      'ghostwise.showMenu',
      'ghostwise.showOutput',
      'ghostwise.showStats',
      'ghostwise.toggleGuided',
    ]);
    const item = mock.statusBarItems[0]!;
    expect(item.visible).toBe(true);
    expect(item.command).toBe('ghostwise.showMenu');
    expect(item.text).toBe('$(debug-disconnect) ghostwise');
    expect(item.backgroundColor).toEqual(new vscode.ThemeColor('statusBarItem.warningBackground'));
    expect(mock.errorMessages).toHaveLength(1);
    expect(mock.errorMessages[0]).toContain('was not found on PATH');
    expect(mock.errorMessages[0]).toContain('pip install ghostwise');
    await deactivate();
  });

  it('reports a wrong ghostwise.server.command by name', async () => {
    mock.settings.set('ghostwise.server.command', ['/no/such/ghostwise', '--stdio']);
    await activate(context());
    expect(mock.errorMessages[0]).toContain('/no/such/ghostwise');
    await deactivate();
  });

  it('toggles guided decoding in the user settings', async () => {
    await activate(context());
    await vscode.commands.executeCommand('ghostwise.toggleGuided');
    expect(mock.updates).toEqual([
      { key: 'ghostwise.guided.enabled', value: false, target: vscode.ConfigurationTarget.Global },
    ]);
    await vscode.commands.executeCommand('ghostwise.toggleGuided');
    expect(mock.updates[1]).toMatchObject({ value: true });
    await deactivate();
  });

  it('offers the four actions in the status menu', async () => {
    await activate(context());
    await vscode.commands.executeCommand('ghostwise.showMenu');
    const calls = (vscode.window.showQuickPick as unknown as { mock: { calls: [{ command: string }[]][] } }).mock.calls;
    const items = calls[calls.length - 1]![0];
    expect(items.map((i) => i.command)).toEqual([
      'ghostwise.toggleGuided',
      'ghostwise.restartServer',
      'ghostwise.showOutput',
      'ghostwise.showStats',
    ]);
    await deactivate();
  });
});

describe('activate with a server', () => {
  const server = process.execPath; // any executable file will do: the client is a recording mock
  beforeEach(() => {
    resetMock();
    LanguageClient.instances.length = 0;
    mock.settings.set('ghostwise.server.command', [server]);
  });

  function client(): LanguageClient {
    const c = LanguageClient.instances[LanguageClient.instances.length - 1];
    if (!c) throw new Error('no client was created');
    return c;
  }

  it('starts the configured command with --stdio and the settings as initializationOptions', async () => {
    mock.settings.set('ghostwise.maxMs', 700);
    mock.settings.set('ghostwise.guided.pruning', false);
    await activate(context());
    expect(client().serverOptions).toEqual({ command: server, args: ['--stdio'] });
    expect(client().clientOptions.documentSelector).toContainEqual({ scheme: 'file', language: 'python' });
    expect(client().clientOptions.initializationOptions()).toEqual({ maxMs: 700, guided: { pruning: false } });
    expect(mock.errorMessages).toEqual([]);
    await deactivate();
  });

  it('draws loading progress and the ready state from the server', async () => {
    await activate(context());
    const item = mock.statusBarItems[0]!;
    client().serverNotifies('ghostwise/status', { state: 'loading', model: 'default', guided: true, message: '' });
    client().serverProgress(
      't1',
      { kind: 'begin', title: 'Loading model', percentage: 0 },
      { kind: 'report', percentage: 60 },
    );
    expect(item.text).toBe('$(loading~spin) ghostwise 60%');
    client().serverProgress('t1', { kind: 'end' });
    client().serverNotifies('ghostwise/status', { state: 'ready', model: 'default', guided: true, message: '' });
    expect(item.text).toBe('$(sparkle) default · guided');
    client().serverNotifies('ghostwise/status', { state: 'error', model: 'x.gguf', guided: true, message: 'bad file' });
    expect(item.text).toBe('$(error) ghostwise');
    expect(item.tooltip).toContain('bad file');
    await deactivate();
  });

  it('pushes changed settings with workspace/didChangeConfiguration, without restarting', async () => {
    await activate(context());
    client().serverNotifies('ghostwise/status', { state: 'ready', model: 'default', guided: true, message: '' });
    await vscode.commands.executeCommand('ghostwise.toggleGuided');
    await new Promise((r) => setTimeout(r, 0));
    expect(LanguageClient.instances).toHaveLength(1);
    expect(client().sent).toEqual([
      {
        method: 'workspace/didChangeConfiguration',
        params: { settings: { ghostwise: { guided: { enabled: false } } } },
      },
    ]);
    expect(mock.statusBarItems[0]!.text).toBe('$(circle-outline) default · unguided');
    await deactivate();
  });

  it('restarts the server on ghostwise.restartServer', async () => {
    await activate(context());
    await vscode.commands.executeCommand('ghostwise.restartServer');
    expect(LanguageClient.instances).toHaveLength(2);
    expect(LanguageClient.instances[0]!.running).toBe(false);
    expect(client().running).toBe(true);
    await deactivate();
  });

  it('shows thinking while a suggestion runs past its budget, and a snooze', async () => {
    await activate(context());
    const item = mock.statusBarItems[0]!;
    client().serverNotifies('ghostwise/status', { state: 'ready', model: 'default', guided: true, message: '' });
    client().serverProgress('t2', { kind: 'begin', title: 'thinking', message: 'suggestion for main.py' });
    expect(item.text).toBe('$(loading~spin) default · thinking');
    client().progressHandlers.get('t2')?.({ kind: 'end' } as never);
    expect(item.text).toBe('$(sparkle) default · guided');
    const until = '2026-12-01T22:51:00Z';
    client().serverNotifies('ghostwise/status', {
      state: 'ready',
      model: 'default',
      guided: true,
      message: '',
      snoozedUntil: until,
    });
    expect(item.text).toBe('$(bell-slash) ghostwise snoozed');
    await vscode.commands.executeCommand('ghostwise.showMenu');
    const calls = (vscode.window.showQuickPick as unknown as { mock: { calls: [{ command: string }[]][] } }).mock.calls;
    expect(calls[calls.length - 1]![0][0]!.command).toBe('ghostwise.resume');
    client().serverNotifies('ghostwise/status', { state: 'ready', model: 'default', guided: true, message: '' });
    await vscode.commands.executeCommand('ghostwise.showMenu');
    expect(calls[calls.length - 1]![0][0]!.command).toBe('ghostwise.snooze');
    await deactivate();
  });

  it('tells the server what VS Code was given, partly accepted and hid', async () => {
    await activate(context());
    const uri = vscode.Uri.file('/w/main.py');
    const document = { uri, offsetAt: () => 10 };
    const position = { line: 1, character: 4 };
    const answer = {
      items: [{ insertText: 'side ** 2', command: { title: '', command: 'ghostwise.accept', arguments: ['s1'] } }],
    };
    const provide = client().clientOptions.middleware.provideInlineCompletionItems;
    const next = async () => answer;
    expect(await provide(document, position, {}, { isCancellationRequested: true }, next)).toBe(answer);
    expect(client().sent).toEqual([]); // VS Code had cancelled the request: it shows nothing
    expect(await provide(document, position, {}, { isCancellationRequested: false }, next)).toBe(answer);
    mock.documentChanges.fire({ document, contentChanges: [{ rangeOffset: 10, rangeLength: 0, text: 'side' }] });
    mock.documentChanges.fire({ document, contentChanges: [{ rangeOffset: 14, rangeLength: 0, text: 'x' }] });
    const item = { insertText: 'side ** 2', command: { title: '', command: 'ghostwise.accept', arguments: ['s1'] } };
    expect(client().sent).toEqual([
      { method: 'textDocument/didShowCompletion', params: { item } },
      { method: 'textDocument/didPartiallyAcceptCompletion', params: { item, acceptedLength: 4 } },
      { method: 'ghostwise/didHideCompletion', params: { item } },
    ]);
    await deactivate();
  });

  it('shows a failed start as an error', async () => {
    const start = LanguageClient.prototype.start;
    LanguageClient.prototype.start = async () => {
      throw new Error('spawn EACCES');
    };
    try {
      await activate(context());
      expect(mock.statusBarItems[0]!.text).toBe('$(error) ghostwise');
      expect(mock.statusBarItems[0]!.tooltip).toContain('spawn EACCES');
    } finally {
      LanguageClient.prototype.start = start;
      await deactivate();
    }
  });
});

describe('activate with the Python extension', () => {
  let venv: string;
  let changed: vscode.EventEmitter<unknown>;
  beforeEach(() => {
    changed = new vscode.EventEmitter<unknown>();
    resetMock();
    LanguageClient.instances.length = 0;
    process.env.PATH = '/nonexistent-ghostwise-test-dir';
    venv = mkdtempSync(path.join(tmpdir(), 'gw-venv-'));
    mkdirSync(path.join(venv, 'bin'));
    for (const name of ['python', 'ghostwise']) {
      writeFileSync(path.join(venv, 'bin', name), '#!/bin/sh\n');
      chmodSync(path.join(venv, 'bin', name), 0o755);
    }
    const python = path.join(venv, 'bin', 'python');
    vi.mocked(vscode.extensions.getExtension).mockImplementation((id: string) =>
      id === 'ms-python.python'
        ? ({
            isActive: true,
            exports: {
              environments: {
                getActiveEnvironmentPath: () => ({ id: 'venv', path: python }),
                resolveEnvironment: async () => ({ executable: { uri: vscode.Uri.file(python) } }),
                onDidChangeActiveEnvironmentPath: changed.event,
              },
            },
          } as unknown as vscode.Extension<unknown>)
        : undefined,
    );
  });
  afterEach(() => {
    vi.mocked(vscode.extensions.getExtension).mockReset();
    rmSync(venv, { recursive: true, force: true });
  });

  it('starts ghostwise from the selected interpreter and gives Jedi that interpreter', async () => {
    await activate(context());
    const client = LanguageClient.instances[0]!;
    expect(client.serverOptions).toEqual({ command: path.join(venv, 'bin', 'ghostwise'), args: ['--stdio'] });
    expect(client.clientOptions.initializationOptions()).toEqual({
      pythonEnvironment: path.join(venv, 'bin', 'python'),
    });
    expect(mock.errorMessages).toEqual([]);
    await deactivate();
  });

  it('restarts the server when another interpreter is selected', async () => {
    await activate(context());
    changed.fire(undefined);
    await vi.waitFor(() => expect(LanguageClient.instances).toHaveLength(2));
    expect(LanguageClient.instances[0]!.running).toBe(false);
    await deactivate();
  });
});
