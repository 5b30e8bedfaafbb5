/**
 * Status bar states and how they look. Pure: the extension feeds events in and draws `render()`.
 *
 * Sources: the client's own life cycle, the server's `ghostwise/status` notification (which also
 * carries a snooze's end) and the `$/progress` work-done progress the server reports while the model
 * loads and while a suggestion runs past `thinkingAfterMs` ("thinking").
 */

export type ServerState = 'loading' | 'ready' | 'error';

/** Params of the server's `ghostwise/status` notification. */
export interface StatusParams {
  readonly state: ServerState;
  readonly model: string;
  readonly guided: boolean;
  readonly message: string;
  /** UTC ISO time automatic suggestions come back, while snoozed. */
  readonly snoozedUntil?: string | null;
  /** `HOST:PORT` of the model server, when the model is remote (`llama-server:`). */
  readonly remote?: string | null;
}

/** `$/progress` value (LSP WorkDoneProgressBegin | Report | End). */
export interface ProgressValue {
  readonly kind: 'begin' | 'report' | 'end';
  readonly title?: string;
  readonly message?: string;
  readonly percentage?: number;
}

export type Status =
  | { readonly kind: 'stopped'; readonly message: string }
  | { readonly kind: 'starting' }
  | {
      readonly kind: 'loading';
      readonly model: string;
      readonly message: string;
      readonly percentage?: number | undefined;
    }
  | {
      readonly kind: 'ready';
      readonly model: string;
      readonly guided: boolean;
      readonly snoozedUntil?: string;
      readonly thinking?: boolean;
      readonly remote?: string;
    }
  | { readonly kind: 'error'; readonly model: string; readonly message: string };

export const INITIAL_STATUS: Status = { kind: 'starting' };

/** Applies a `ghostwise/status` notification. Unknown states are ignored. */
export function onStatusNotification(current: Status, params: Partial<StatusParams> | null | undefined): Status {
  if (!params || typeof params !== 'object') return current;
  const model = typeof params.model === 'string' ? params.model : '';
  const message = typeof params.message === 'string' ? params.message : '';
  switch (params.state) {
    case 'loading':
      return {
        kind: 'loading',
        model,
        message,
        percentage: current.kind === 'loading' ? current.percentage : undefined,
      };
    case 'ready':
      return {
        kind: 'ready',
        model,
        guided: params.guided !== false,
        ...(typeof params.snoozedUntil === 'string' ? { snoozedUntil: params.snoozedUntil } : {}),
        ...(current.kind === 'ready' && current.thinking ? { thinking: true } : {}),
        ...(typeof params.remote === 'string' && params.remote ? { remote: params.remote } : {}),
      };
    case 'error':
      return { kind: 'error', model, message: message || 'the server reported an error' };
    default:
      return current;
  }
}

/** Applies a `$/progress` value. Progress only refines the loading state. */
export function onProgress(current: Status, value: ProgressValue): Status {
  if (value.kind === 'end') {
    return current.kind === 'loading' ? { ...current, percentage: 100 } : current;
  }
  if (current.kind === 'ready' || current.kind === 'error') {
    // A reload (model change) starts with progress before the status notification arrives.
    if (value.kind !== 'begin') return current;
  }
  const model = current.kind === 'loading' || current.kind === 'ready' || current.kind === 'error' ? current.model : '';
  const previous = current.kind === 'loading' ? current : undefined;
  const message = value.message ?? value.title ?? previous?.message ?? '';
  const percentage = typeof value.percentage === 'number' ? clampPercentage(value.percentage) : previous?.percentage;
  return { kind: 'loading', model, message, percentage };
}

/** A suggestion is (or is no longer) running past its budget. Only a ready server thinks. */
export function onThinking(current: Status, thinking: boolean): Status {
  if (current.kind !== 'ready') return current;
  const { kind, model, guided, snoozedUntil } = current;
  return { kind, model, guided, ...(snoozedUntil ? { snoozedUntil } : {}), ...(thinking ? { thinking } : {}) };
}

export function onServerStarting(): Status {
  return { kind: 'starting' };
}

export function onServerStopped(message: string): Status {
  return { kind: 'stopped', message };
}

export function onServerFailed(current: Status, message: string): Status {
  const model = 'model' in current ? current.model : '';
  return { kind: 'error', model, message };
}

/** `2026-12-01T22:51:00Z` → local `22:51` (the ISO text itself when it does not parse). */
export function clockTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${String(date.getHours()).padStart(2, '0')}:${String(date.getMinutes()).padStart(2, '0')}`;
}

function clampPercentage(value: number): number {
  return Math.max(0, Math.min(100, Math.round(value)));
}

/** `default`, `/path/to/Foo-Q4.gguf`, `hf:owner/repo/Foo-Q4.gguf` → a short display name. */
export function modelDisplayName(model: string): string {
  if (!model) return 'model';
  const last =
    model
      .replace(/[\\/]+$/, '')
      .split(/[\\/]/)
      .pop() ?? model;
  const name = last.startsWith('hf:') ? last.slice(3) : last;
  return name.replace(/\.gguf$/i, '') || model;
}

export type Severity = 'normal' | 'warning' | 'error';

export interface StatusView {
  /** Status bar text, with codicons. */
  readonly text: string;
  readonly tooltip: string;
  readonly severity: Severity;
}

export function render(status: Status): StatusView {
  switch (status.kind) {
    case 'starting':
      return { text: '$(loading~spin) ghostwise', tooltip: 'ghostwise: starting the server…', severity: 'normal' };
    case 'loading': {
      const pct = status.percentage !== undefined ? ` ${status.percentage}%` : '';
      const what = status.model ? modelDisplayName(status.model) : 'model';
      return {
        text: `$(loading~spin) ghostwise${pct}`,
        tooltip: `ghostwise: loading ${what}${pct}${status.message ? ` — ${status.message}` : ''}`,
        severity: 'normal',
      };
    }
    case 'ready': {
      const name = modelDisplayName(status.model);
      const guided = status.guided ? 'guided' : 'unguided';
      if (status.snoozedUntil) {
        const until = clockTime(status.snoozedUntil);
        return {
          text: `$(bell-slash) ghostwise snoozed`,
          tooltip: `ghostwise: snoozed until ${until} — no automatic suggestions (Alt+\\ still asks). Click to resume.`,
          severity: 'normal',
        };
      }
      if (status.thinking) {
        return {
          text: `$(loading~spin) ${name} · thinking`,
          tooltip: `ghostwise: a suggestion is taking longer than ghostwise.thinkingAfterMs (${name}).`,
          severity: 'normal',
        };
      }
      const where = status.remote ? `remote model at ${status.remote}` : name;
      return {
        text: `${status.guided ? '$(sparkle)' : '$(circle-outline)'} ${where} · ${guided}`,
        tooltip: `ghostwise: ready — ${status.remote ? `remote model at ${status.remote} (${name})` : status.model || name}, ${status.guided ? 'guided by Jedi while decoding' : 'guidance off (plain sampling)'}. Click for options.`,
        severity: 'normal',
      };
    }
    case 'error':
      return {
        text: '$(error) ghostwise',
        tooltip: `ghostwise: error — ${status.message}. Click for options.`,
        severity: 'error',
      };
    case 'stopped':
      return {
        text: '$(debug-disconnect) ghostwise',
        tooltip: `ghostwise: not running — ${status.message}. Click for options.`,
        severity: 'warning',
      };
  }
}
