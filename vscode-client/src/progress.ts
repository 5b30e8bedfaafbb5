/**
 * Work-done progress from the server shown in our status bar item instead of a separate
 * notification: the model load, and "thinking" (a suggestion running past `thinkingAfterMs`, begun
 * with the title `thinking`). Registered after the client's built-in progress feature, so its
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

/** The title the server begins a "thinking" progress with. */
export const THINKING_TITLE = 'thinking';

export class StatusProgressFeature implements StaticFeature {
  private readonly handlers = new Set<Disposable>();
  private thinking = 0;

  constructor(
    private readonly client: BaseLanguageClient,
    private readonly onValue: (value: ProgressValue) => void,
    private readonly onThinking: (thinking: boolean) => void,
  ) {}

  getState(): FeatureState {
    return { kind: 'static' };
  }

  fillClientCapabilities(capabilities: ClientCapabilities): void {
    capabilities.window = { ...capabilities.window, workDoneProgress: true };
  }

  initialize(): void {
    this.client.onRequest(WorkDoneProgressCreateRequest.type, ({ token }) => {
      let thinking = false;
      const handler = this.client.onProgress(WorkDoneProgress.type, token, (value) => {
        if (value.kind === 'begin' && value.title === THINKING_TITLE) {
          thinking = true;
          this.thinking += 1;
          this.onThinking(true);
        } else if (!thinking) {
          this.onValue(value);
        }
        if (value.kind === 'end') {
          if (thinking) {
            this.thinking -= 1;
            this.onThinking(this.thinking > 0);
          }
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
    this.thinking = 0;
  }
}
