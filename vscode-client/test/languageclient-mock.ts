/** A recording stand-in for vscode-languageclient/node (its real module needs the extension host). */
import { vi } from 'vitest';

export enum State {
  Stopped = 1,
  Starting = 3,
  Running = 2,
}

export const WorkDoneProgress = { type: { method: '$/progress' } };
export const WorkDoneProgressCreateRequest = { type: { method: 'window/workDoneProgress/create' } };

type Handler = (params: never) => unknown;

export class LanguageClient {
  static instances: LanguageClient[] = [];
  readonly features: { initialize(...args: unknown[]): void; fillClientCapabilities(c: object): void }[] = [];
  readonly notificationHandlers = new Map<string, Handler>();
  readonly requestHandlers = new Map<string, Handler>();
  readonly progressHandlers = new Map<string | number, Handler>();
  readonly sent: { method: string; params: unknown }[] = [];
  readonly stateListeners: ((e: { oldState: State; newState: State }) => void)[] = [];
  running = false;
  startError: Error | undefined;

  constructor(
    readonly id: string,
    readonly name: string,
    readonly serverOptions: { command: string; args: string[] },
    readonly clientOptions: {
      initializationOptions: () => unknown;
      documentSelector: unknown[];
      middleware: { provideInlineCompletionItems: (...args: unknown[]) => Promise<unknown> };
    },
  ) {
    LanguageClient.instances.push(this);
  }
  registerFeature(feature: LanguageClient['features'][number]): void {
    this.features.push(feature);
  }
  onNotification(method: string, handler: Handler) {
    this.notificationHandlers.set(method, handler);
    return { dispose: vi.fn() };
  }
  onRequest(type: { method: string }, handler: Handler) {
    this.requestHandlers.set(type.method, handler);
    return { dispose: vi.fn() };
  }
  onProgress(_type: unknown, token: string | number, handler: Handler) {
    this.progressHandlers.set(token, handler);
    return { dispose: () => this.progressHandlers.delete(token) };
  }
  onDidChangeState(listener: (e: { oldState: State; newState: State }) => void) {
    this.stateListeners.push(listener);
    return { dispose: vi.fn() };
  }
  async start(): Promise<void> {
    if (this.startError) throw this.startError;
    this.running = true;
    for (const feature of this.features) {
      feature.fillClientCapabilities({});
      feature.initialize({}, undefined);
    }
  }
  async stop(): Promise<void> {
    this.running = false;
    for (const l of this.stateListeners) l({ oldState: State.Running, newState: State.Stopped });
  }
  needsStop(): boolean {
    return this.running;
  }
  isRunning(): boolean {
    return this.running;
  }
  async sendNotification(method: string, params: unknown): Promise<void> {
    this.sent.push({ method, params });
  }
  async sendRequest(method: string, params: unknown): Promise<unknown> {
    this.sent.push({ method, params });
    return null;
  }
  /** Test helper: the server sends a notification. */
  serverNotifies(method: string, params: unknown): void {
    this.notificationHandlers.get(method)?.(params as never);
  }
  /** Test helper: the server creates a progress token and reports on it. */
  serverProgress(token: string, ...values: object[]): void {
    this.requestHandlers.get('window/workDoneProgress/create')?.({ token } as never);
    for (const value of values) this.progressHandlers.get(token)?.(value as never);
  }
}
