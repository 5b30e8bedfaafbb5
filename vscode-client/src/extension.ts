/**
 * ghostwise for VS Code: starts `ghostwise --stdio` with vscode-languageclient (inline completion
 * is built into the client), keeps the server's settings in sync, and shows its state in the
 * status bar. The pure parts live in settings.ts, serverCommand.ts and status.ts.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants as fsConstants, readFileSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  LanguageClient,
  type LanguageClientOptions,
  type Middleware,
  type ServerOptions,
  State,
} from 'vscode-languageclient/node';
import { type OutcomeMessage, OutcomeTracker, suggestionId } from './outcomes';
import { StatusProgressFeature } from './progress';
import { hasPythonExtension, onInterpreterChanged, selectedInterpreter } from './python';
import { type ResolvedCommand, resolveServerCommand, statsCommand } from './serverCommand';
import {
  configurationImpact,
  didChangeConfigurationParams,
  SECTION,
  type ServerSettings,
  toServerSettings,
} from './settings';
import * as status from './status';

const STATUS_NOTIFICATION = 'ghostwise/status';
const SNOOZE_COMMAND = 'ghostwise.snooze';
type InlineNext = Parameters<NonNullable<Middleware['provideInlineCompletionItems']>>[4];
const RESUME_COMMAND = 'ghostwise.resume';

function isExecutable(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, process.platform === 'win32' ? fsConstants.F_OK : fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

class Ghostwise implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private resolved: ResolvedCommand | undefined;
  private interpreter: string | undefined;
  private state: status.Status = status.INITIAL_STATUS;
  private readonly outcomes = new OutcomeTracker();
  private readonly item = vscode.window.createStatusBarItem('ghostwise.status', vscode.StatusBarAlignment.Right, 100);
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly output: vscode.LogOutputChannel) {
    this.item.name = 'ghostwise';
    this.item.command = 'ghostwise.showMenu';
    this.draw();
    this.item.show();
  }

  private setState(next: status.Status): void {
    this.state = next;
    this.draw();
  }

  private draw(): void {
    const view = status.render(this.state);
    this.item.text = view.text;
    this.item.tooltip = view.tooltip;
    this.item.backgroundColor =
      view.severity === 'normal' ? undefined : new vscode.ThemeColor(`statusBarItem.${view.severity}Background`);
  }

  private settings(): ServerSettings {
    const config = vscode.workspace.getConfiguration(SECTION);
    return toServerSettings((key) => config.get(key), this.interpreter);
  }

  async start(): Promise<void> {
    this.setState(status.onServerStarting());
    this.interpreter = await selectedInterpreter(vscode.window.activeTextEditor?.document.uri);
    const resolution = resolveServerCommand({
      configured: vscode.workspace.getConfiguration(SECTION).get<string[]>('server.command'),
      pythonInterpreter: this.interpreter,
      platform: process.platform,
      isExecutable,
      env: process.env,
    });
    if (!resolution.ok) {
      this.resolved = undefined;
      this.output.error(`${resolution.message} ${resolution.fix}`);
      this.setState(status.onServerStopped(resolution.message));
      void this.notifyNotFound(resolution.message, resolution.fix);
      return;
    }
    this.resolved = resolution;
    this.output.info(`starting ${[resolution.command, ...resolution.args].join(' ')} (from ${resolution.source})`);

    const serverOptions: ServerOptions = { command: resolution.command, args: [...resolution.args] };
    const clientOptions: LanguageClientOptions = {
      documentSelector: [
        { scheme: 'file', language: 'python' },
        { scheme: 'untitled', language: 'python' },
      ],
      outputChannel: this.output,
      initializationOptions: () => this.settings(),
      middleware: {
        provideInlineCompletionItems: (document, position, context, token, next) =>
          this.provideInline(document, position, context, token, next),
      },
    };
    const client = new LanguageClient('ghostwise', 'ghostwise', serverOptions, clientOptions);
    client.registerFeature(
      new StatusProgressFeature(
        client,
        (value) => this.setState(status.onProgress(this.state, value)),
        (thinking) => this.setState(status.onThinking(this.state, thinking)),
      ),
    );
    client.onNotification(STATUS_NOTIFICATION, (params: status.StatusParams) =>
      this.setState(status.onStatusNotification(this.state, params)),
    );
    client.onDidChangeState(({ newState }) => {
      if (newState === State.Stopped && this.client === client && this.state.kind !== 'error') {
        this.setState(status.onServerStopped('the server stopped'));
      }
    });
    this.client = client;
    try {
      await client.start();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.output.error(`the server failed to start: ${message}`);
      this.setState(status.onServerFailed(this.state, `the server failed to start: ${message}`));
    }
  }

  /** Ask the server (the middleware's `next`), then tell it what VS Code was given (dev data). */
  private async provideInline(
    document: vscode.TextDocument,
    position: vscode.Position,
    context: vscode.InlineCompletionContext,
    token: vscode.CancellationToken,
    next: InlineNext,
  ): Promise<vscode.InlineCompletionItem[] | vscode.InlineCompletionList | null | undefined> {
    const result = await next(document, position, context, token);
    const first = (Array.isArray(result) ? result : result?.items)?.[0];
    const id = suggestionId(first?.command);
    if (first && id !== undefined && typeof first.insertText === 'string' && !token.isCancellationRequested) {
      const start = document.offsetAt(first.range?.start ?? position);
      this.send(this.outcomes.given(document.uri.toString(), start, first.insertText, id));
    }
    return result;
  }

  onDocumentChanged(event: vscode.TextDocumentChangeEvent): void {
    const changes = event.contentChanges.map((c) => ({ offset: c.rangeOffset, length: c.rangeLength, text: c.text }));
    this.send(this.outcomes.changed(event.document.uri.toString(), changes));
  }

  onDocumentClosed(document: vscode.TextDocument): void {
    this.send(this.outcomes.closed(document.uri.toString()));
  }

  private send(messages: OutcomeMessage[]): void {
    for (const { method, params } of messages) {
      if (this.client?.isRunning()) void this.client.sendNotification(method, params);
    }
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client?.needsStop()) {
      try {
        await client.stop(5000);
      } catch (error) {
        this.output.warn(`stopping the server: ${String(error)}`);
      }
    }
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  private async notifyNotFound(message: string, fix: string): Promise<void> {
    const actions = ['Open Settings', ...(hasPythonExtension() ? ['Select Interpreter'] : []), 'Retry'];
    const choice = await vscode.window.showErrorMessage(`ghostwise: ${message} ${fix}`, ...actions);
    if (choice === 'Open Settings') {
      await vscode.commands.executeCommand('workbench.action.openSettings', 'ghostwise.server.command');
    } else if (choice === 'Select Interpreter') {
      await vscode.commands.executeCommand('python.setInterpreter');
    } else if (choice === 'Retry') {
      await this.restart();
    }
  }

  async onConfigurationChanged(event: vscode.ConfigurationChangeEvent): Promise<void> {
    const impact = configurationImpact((section) => event.affectsConfiguration(section));
    if (impact.restart) {
      await this.restart();
      return;
    }
    if (impact.server && this.client?.isRunning()) {
      const settings = this.settings();
      if (impact.reload) this.output.info('model settings changed: the server reloads the model');
      await this.client.sendNotification('workspace/didChangeConfiguration', didChangeConfigurationParams(settings));
      if (this.state.kind === 'ready') {
        const guided = (settings.guided as { enabled?: boolean } | undefined)?.enabled !== false;
        this.setState({ ...this.state, guided });
      }
    }
  }

  async onInterpreterChanged(): Promise<void> {
    if (this.resolved?.source === 'setting') {
      this.interpreter = await selectedInterpreter(vscode.window.activeTextEditor?.document.uri);
      if (this.client?.isRunning()) {
        await this.client.sendNotification(
          'workspace/didChangeConfiguration',
          didChangeConfigurationParams(this.settings()),
        );
      }
    } else {
      await this.restart();
    }
  }

  async toggleGuided(): Promise<void> {
    const config = vscode.workspace.getConfiguration(SECTION);
    const inspected = config.inspect<boolean>('guided.enabled');
    const current = config.get<boolean>('guided.enabled', true);
    const target =
      inspected?.workspaceFolderValue !== undefined
        ? vscode.ConfigurationTarget.WorkspaceFolder
        : inspected?.workspaceValue !== undefined
          ? vscode.ConfigurationTarget.Workspace
          : vscode.ConfigurationTarget.Global;
    await config.update('guided.enabled', !current, target);
    void vscode.window.setStatusBarMessage(`ghostwise: guided decoding ${current ? 'off' : 'on'}`, 3000);
  }

  showOutput(): void {
    this.output.show(true);
  }

  async showStats(): Promise<void> {
    if (!this.resolved) {
      void vscode.window.showErrorMessage(
        'ghostwise: the server command is not known, so stats cannot be built. Fix the server first.',
      );
      return;
    }
    const file = path.join(os.tmpdir(), `ghostwise-stats-${process.pid}.html`);
    const { command, args } = statsCommand(this.resolved, file);
    this.output.info(`running ${[command, ...args].join(' ')}`);
    const ok = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'ghostwise: building stats…' },
      () =>
        new Promise<boolean>((resolve) => {
          execFile(command, args, { timeout: 120_000 }, (error, _stdout, stderr) => {
            if (error) {
              this.output.error(`stats failed: ${error.message}\n${stderr}`);
              void vscode.window
                .showErrorMessage(
                  `ghostwise: building stats failed (${error.message.split('\n')[0]}). See the output.`,
                  'Show Output',
                )
                .then((choice) => choice && this.showOutput());
              resolve(false);
            } else {
              resolve(true);
            }
          });
        }),
    );
    if (!ok) return;
    // The report is static HTML with inline images: no scripts to enable.
    const panel = vscode.window.createWebviewPanel('ghostwise.stats', 'ghostwise stats', vscode.ViewColumn.Active, {
      enableScripts: false,
      localResourceRoots: [vscode.Uri.file(path.dirname(file))],
    });
    panel.webview.html = readFileSync(file, 'utf8');
  }

  async showMenu(): Promise<void> {
    const config = vscode.workspace.getConfiguration(SECTION);
    const guided = config.get<boolean>('guided.enabled', true);
    // ghostwise.snooze and ghostwise.resume are the server's commands (vscode-languageclient registers
    // them while the server runs): snooze without an argument lasts ghostwise.snoozeMinutes.
    const snooze: (vscode.QuickPickItem & { command: string })[] =
      this.state.kind !== 'ready'
        ? []
        : this.state.snoozedUntil !== undefined
          ? [{ label: '$(bell) Resume suggestions', command: RESUME_COMMAND }]
          : [
              {
                label: `$(bell-slash) Snooze for ${config.get<number>('snoozeMinutes', 30)} minutes`,
                description: 'no automatic suggestions',
                command: SNOOZE_COMMAND,
              },
            ];
    const items: (vscode.QuickPickItem & { command: string })[] = [
      ...snooze,
      {
        label: `$(sparkle) ${guided ? 'Turn guided decoding off' : 'Turn guided decoding on'}`,
        description: `now ${guided ? 'on' : 'off'}`,
        command: 'ghostwise.toggleGuided',
      },
      { label: '$(debug-restart) Restart server', command: 'ghostwise.restartServer' },
      { label: '$(output) Show output', command: 'ghostwise.showOutput' },
      { label: '$(graph) Open completion stats', command: 'ghostwise.showStats' },
    ];
    const picked = await vscode.window.showQuickPick(items, {
      title: status.render(this.state).tooltip,
      placeHolder: 'ghostwise',
    });
    if (picked) await vscode.commands.executeCommand(picked.command);
  }

  dispose(): void {
    this.item.dispose();
    for (const d of this.disposables) d.dispose();
  }

  track(disposable: vscode.Disposable | undefined): void {
    if (disposable) this.disposables.push(disposable);
  }
}

let instance: Ghostwise | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('ghostwise', { log: true });
  const ghostwise = new Ghostwise(output);
  instance = ghostwise;
  context.subscriptions.push(
    output,
    ghostwise,
    vscode.commands.registerCommand('ghostwise.toggleGuided', () => ghostwise.toggleGuided()),
    vscode.commands.registerCommand('ghostwise.restartServer', () => ghostwise.restart()),
    vscode.commands.registerCommand('ghostwise.showOutput', () => ghostwise.showOutput()),
    vscode.commands.registerCommand('ghostwise.showStats', () => ghostwise.showStats()),
    vscode.commands.registerCommand('ghostwise.showMenu', () => ghostwise.showMenu()),
    vscode.workspace.onDidChangeConfiguration((event) => ghostwise.onConfigurationChanged(event)),
    vscode.workspace.onDidChangeTextDocument((event) => ghostwise.onDocumentChanged(event)),
    vscode.workspace.onDidCloseTextDocument((document) => ghostwise.onDocumentClosed(document)),
  );
  ghostwise.track(await onInterpreterChanged(() => void ghostwise.onInterpreterChanged()));
  await ghostwise.start();
}

export async function deactivate(): Promise<void> {
  await instance?.stop();
  instance = undefined;
}
