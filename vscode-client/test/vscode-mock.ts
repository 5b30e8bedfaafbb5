/**
 * The slice of the `vscode` API the extension touches, recorded for assertions.
 * vitest aliases `vscode` to this file (vitest.config.mts).
 */
import { vi } from 'vitest';

type Listener<T> = (value: T) => unknown;

export class EventEmitter<T> {
  private listeners = new Set<Listener<T>>();
  readonly event = (listener: Listener<T>): { dispose(): void } => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };
  fire(value: T): void {
    for (const listener of [...this.listeners]) listener(value);
  }
  dispose(): void {
    this.listeners.clear();
  }
}

export class Disposable {
  constructor(private readonly fn: () => void = () => undefined) {}
  static from(...items: { dispose(): unknown }[]): Disposable {
    return new Disposable(() => {
      for (const item of items) item.dispose();
    });
  }
  dispose(): void {
    this.fn();
  }
}

export class ThemeColor {
  constructor(readonly id: string) {}
}

export class Uri {
  private constructor(
    readonly scheme: string,
    readonly fsPath: string,
  ) {}
  static file(p: string): Uri {
    return new Uri('file', p);
  }
  static parse(s: string): Uri {
    return new Uri(s.split(':')[0] ?? 'file', s);
  }
  get path(): string {
    return this.fsPath;
  }
  toString(): string {
    return `${this.scheme}://${this.fsPath}`;
  }
}

export enum StatusBarAlignment {
  Left = 1,
  Right = 2,
}
export enum ConfigurationTarget {
  Global = 1,
  Workspace = 2,
  WorkspaceFolder = 3,
}
export enum ProgressLocation {
  SourceControl = 1,
  Window = 10,
  Notification = 15,
}
export enum ViewColumn {
  Active = -1,
  One = 1,
}

export interface MockStatusBarItem {
  id: string;
  name?: string;
  text: string;
  tooltip?: string;
  command?: string;
  backgroundColor?: ThemeColor;
  visible: boolean;
  show(): void;
  hide(): void;
  dispose(): void;
}

/** Everything recorded, reset by `resetMock()`. */
export const mock = {
  settings: new Map<string, unknown>(),
  statusBarItems: [] as MockStatusBarItem[],
  commands: new Map<string, (...args: unknown[]) => unknown>(),
  errorMessages: [] as string[],
  configurationListeners: new EventEmitter<{ affectsConfiguration(section: string): boolean }>(),
  updates: [] as { key: string; value: unknown; target: ConfigurationTarget }[],
  documentChanges: new EventEmitter<unknown>(),
  documentCloses: new EventEmitter<unknown>(),
};

export function resetMock(): void {
  mock.settings.clear();
  mock.statusBarItems.length = 0;
  mock.commands.clear();
  mock.errorMessages.length = 0;
  mock.updates.length = 0;
  mock.documentChanges.dispose();
  mock.documentCloses.dispose();
}

function logChannel(name: string) {
  const lines: string[] = [];
  const put = (level: string) => (message: string) => lines.push(`[${level}] ${message}`);
  return {
    name,
    lines,
    append: (s: string) => lines.push(s),
    appendLine: (s: string) => lines.push(s),
    replace: vi.fn(),
    clear: vi.fn(),
    show: vi.fn(),
    hide: vi.fn(),
    dispose: vi.fn(),
    trace: put('trace'),
    debug: put('debug'),
    info: put('info'),
    warn: put('warn'),
    error: put('error'),
    logLevel: 2,
    onDidChangeLogLevel: new EventEmitter<number>().event,
  };
}

export const window = {
  activeTextEditor: undefined as unknown,
  createStatusBarItem(id: string): MockStatusBarItem {
    const item: MockStatusBarItem = {
      id,
      text: '',
      visible: false,
      show() {
        item.visible = true;
      },
      hide() {
        item.visible = false;
      },
      dispose() {
        item.visible = false;
      },
    };
    mock.statusBarItems.push(item);
    return item;
  },
  createOutputChannel: vi.fn((name: string) => logChannel(name)),
  showErrorMessage: vi.fn(async (message: string) => {
    mock.errorMessages.push(message);
    return undefined;
  }),
  showWarningMessage: vi.fn(async () => undefined),
  showInformationMessage: vi.fn(async () => undefined),
  showQuickPick: vi.fn(async () => undefined),
  setStatusBarMessage: vi.fn(() => new Disposable()),
  withProgress: vi.fn(async (_options: unknown, task: () => Promise<unknown>) => task()),
  createWebviewPanel: vi.fn(() => ({ webview: { html: '' }, dispose: vi.fn() })),
};

export const workspace = {
  getConfiguration(section?: string) {
    const full = (key: string) => (section ? `${section}.${key}` : key);
    return {
      get<T>(key: string, fallback?: T): T | undefined {
        return mock.settings.has(full(key)) ? (mock.settings.get(full(key)) as T) : fallback;
      },
      has: (key: string) => mock.settings.has(full(key)),
      inspect: (key: string) => ({ key: full(key), globalValue: mock.settings.get(full(key)) }),
      update: async (key: string, value: unknown, target: ConfigurationTarget) => {
        mock.updates.push({ key: full(key), value, target });
        mock.settings.set(full(key), value);
        mock.configurationListeners.fire({
          affectsConfiguration: (s: string) => full(key) === s || full(key).startsWith(`${s}.`),
        });
      },
    };
  },
  onDidChangeConfiguration: mock.configurationListeners.event,
  onDidChangeTextDocument: mock.documentChanges.event,
  onDidCloseTextDocument: mock.documentCloses.event,
  workspaceFolders: undefined,
};

export const commands = {
  registerCommand: (id: string, fn: (...args: unknown[]) => unknown) => {
    mock.commands.set(id, fn);
    return new Disposable(() => mock.commands.delete(id));
  },
  executeCommand: vi.fn(async (id: string, ...args: unknown[]) => mock.commands.get(id)?.(...args)),
};

export const extensions = {
  getExtension: vi.fn((_id: string) => undefined as unknown),
};

export const env = {
  openExternal: vi.fn(async () => true),
};

export const version = '1.100.3';
