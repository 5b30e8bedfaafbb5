/**
 * What became of the ghost text VS Code was given, told to the server for its dev data. Pure: no
 * `vscode` import, so it is tested alone.
 *
 * VS Code reports shows and partial accepts only to providers using proposed API
 * (`handleDidShowCompletionItem`, `handleDidPartiallyAcceptCompletionItem`), so vscode-languageclient
 * sends neither. The extension's middleware around `provideInlineCompletionItems` and its document
 * listener feed this tracker instead, one suggestion per document:
 * - `given`: VS Code got an item for a request it had not cancelled → `textDocument/didShowCompletion`
 *   (and `ghostwise/didHideCompletion` for the item it replaces);
 * - `changed`: an edit that keeps the document on the suggestion (typing it through, or VS Code's own
 *   partial accept, Ctrl+→ word / accept-next-line) moves along it; an edit that adds two or more of
 *   its characters at once is an accept → `textDocument/didPartiallyAcceptCompletion` with the length
 *   in the document so far, unless it completes the suggestion (then Tab's `ghostwise.accept` command
 *   follows, or the user typed it all); any other edit hides it → `ghostwise/didHideCompletion`;
 * - `closed`: the document closed → hidden.
 */

export const DID_SHOW = 'textDocument/didShowCompletion';
export const DID_PARTIALLY_ACCEPT = 'textDocument/didPartiallyAcceptCompletion';
export const DID_HIDE = 'ghostwise/didHideCompletion';
export const ACCEPT_COMMAND = 'ghostwise.accept';

/** The item as the server reads it back: its id is `command.arguments[0]`. */
export interface ItemRef {
  readonly insertText: string;
  readonly command: { readonly title: string; readonly command: string; readonly arguments: [string] };
}

export type OutcomeMessage =
  | { readonly method: typeof DID_SHOW | typeof DID_HIDE; readonly params: { readonly item: ItemRef } }
  | {
      readonly method: typeof DID_PARTIALLY_ACCEPT;
      readonly params: { readonly item: ItemRef; readonly acceptedLength: number };
    };

/** One content change, as `TextDocumentContentChangeEvent` gives it (offsets before the change). */
export interface Change {
  readonly offset: number;
  readonly length: number;
  readonly text: string;
}

interface Tracked {
  readonly item: ItemRef;
  /** Document offset where the suggestion starts. */
  readonly offset: number;
  /** How many of its characters the document holds after `offset`. */
  consumed: number;
}

/** The suggestion id of a VS Code command from an inline item, if it is ghostwise's accept command. */
export function suggestionId(command: { command: string; arguments?: unknown[] } | undefined): string | undefined {
  const id = command?.command === ACCEPT_COMMAND ? command.arguments?.[0] : undefined;
  return typeof id === 'string' ? id : undefined;
}

export class OutcomeTracker {
  private readonly tracked = new Map<string, Tracked>();

  given(uri: string, offset: number, text: string, id: string): OutcomeMessage[] {
    const out = this.closed(uri);
    const item: ItemRef = { insertText: text, command: { title: '', command: ACCEPT_COMMAND, arguments: [id] } };
    this.tracked.set(uri, { item, offset, consumed: 0 });
    out.push({ method: DID_SHOW, params: { item } });
    return out;
  }

  changed(uri: string, changes: readonly Change[]): OutcomeMessage[] {
    const t = this.tracked.get(uri);
    if (!t || changes.length === 0) return [];
    const change = changes.length === 1 ? changes[0] : undefined;
    const end = t.offset + t.consumed;
    const text = t.item.insertText;
    // Consistent: the edit lies within the part already in the document, ends where that part ends,
    // and leaves the document on the suggestion.
    const start = change ? change.offset - t.offset : -1;
    const consumed = change ? start + change.text.length : -1;
    if (
      !change ||
      start < 0 ||
      change.offset + change.length !== end ||
      consumed > text.length ||
      text.slice(start, consumed) !== change.text
    ) {
      return this.closed(uri);
    }
    const grown = consumed - t.consumed;
    t.consumed = consumed;
    if (consumed === text.length) {
      this.tracked.delete(uri); // all of it is in: Tab's accept command follows (or it was typed)
      return [];
    }
    return grown > 1 ? [{ method: DID_PARTIALLY_ACCEPT, params: { item: t.item, acceptedLength: consumed } }] : [];
  }

  closed(uri: string): OutcomeMessage[] {
    const t = this.tracked.get(uri);
    if (!t) return [];
    this.tracked.delete(uri);
    return [{ method: DID_HIDE, params: { item: t.item } }];
  }
}
