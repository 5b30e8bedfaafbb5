/**
 * Work-done progress from the server (model loading) shown in our status bar item instead of a
 * separate notification. Registered after the client's built-in progress feature, so its
 * `window/workDoneProgress/create` handler replaces the built-in one.
 */
import {
  type BaseLanguageClient,
  type ClientCapabilities,
  type Disposable,
  type FeatureState,
  type StaticFeature,
  WorkDoneProgress,
  WorkDoneProgressCreateRequest,
} from 'vscode-languageclient/node';
import type { ProgressValue } from './status';

export class StatusProgressFeature implements StaticFeature {
  private readonly handlers = new Set<Disposable>();

  constructor(
    private readonly client: BaseLanguageClient,
    private readonly onValue: (value: ProgressValue) => void,
  ) {}

  getState(): FeatureState {
    return { kind: 'static' };
  }

  fillClientCapabilities(capabilities: ClientCapabilities): void {
    capabilities.window = { ...capabilities.window, workDoneProgress: true };
  }

  initialize(): void {
    this.client.onRequest(WorkDoneProgressCreateRequest.type, ({ token }) => {
      const handler = this.client.onProgress(WorkDoneProgress.type, token, (value) => {
        this.onValue(value);
        if (value.kind === 'end') {
          handler.dispose();
          this.handlers.delete(handler);
        }
      });
      this.handlers.add(handler);
    });
  }

  clear(): void {
    for (const handler of this.handlers) handler.dispose();
    this.handlers.clear();
  }
}
