import { describe, expect, it } from 'vitest';
import { DID_HIDE, DID_PARTIALLY_ACCEPT, DID_SHOW, OutcomeTracker, suggestionId } from '../src/outcomes';

const URI = 'file:///w/main.py';
const methods = (messages: { method: string }[]) => messages.map((m) => m.method);
const ids = (messages: { params: { item: { command: { arguments: [string] } } } }[]) =>
  messages.map((m) => m.params.item.command.arguments[0]);

describe('OutcomeTracker', () => {
  it('reports a given item as shown, and the item it replaces as hidden', () => {
    const tracker = new OutcomeTracker();
    expect(methods(tracker.given(URI, 10, 'side ** 2', 'a'))).toEqual([DID_SHOW]);
    const next = tracker.given(URI, 10, 'side * side', 'b');
    expect(methods(next)).toEqual([DID_HIDE, DID_SHOW]);
    expect(ids(next)).toEqual(['a', 'b']);
  });

  it('keeps a suggestion typed through, one character at a time, without messages', () => {
    const tracker = new OutcomeTracker();
    tracker.given(URI, 10, 'side ** 2', 'a');
    expect(tracker.changed(URI, [{ offset: 10, length: 0, text: 's' }])).toEqual([]);
    expect(tracker.changed(URI, [{ offset: 11, length: 0, text: 'i' }])).toEqual([]);
    // a backspace inside the typed part keeps it too
    expect(tracker.changed(URI, [{ offset: 11, length: 1, text: '' }])).toEqual([]);
    expect(methods(tracker.closed(URI))).toEqual([DID_HIDE]);
  });

  it('reports VS Code accepting a word (an insertion) and then a line (a replacement) as partial', () => {
    const tracker = new OutcomeTracker();
    tracker.given(URI, 10, 'side ** 2 + 1', 'a');
    const word = tracker.changed(URI, [{ offset: 10, length: 0, text: 'side' }]);
    expect(word).toEqual([{ method: DID_PARTIALLY_ACCEPT, params: { item: expect.anything(), acceptedLength: 4 } }]);
    // VS Code may replace what is already there together with the next part
    const more = tracker.changed(URI, [{ offset: 10, length: 4, text: 'side ** 2' }]);
    expect(more).toMatchObject([{ method: DID_PARTIALLY_ACCEPT, params: { acceptedLength: 9 } }]);
    expect(ids(more)).toEqual(['a']);
  });

  it('says nothing when the whole suggestion goes in (Tab: the accept command follows)', () => {
    const tracker = new OutcomeTracker();
    tracker.given(URI, 10, 'side ** 2', 'a');
    expect(tracker.changed(URI, [{ offset: 10, length: 0, text: 'side ** 2' }])).toEqual([]);
    expect(tracker.closed(URI)).toEqual([]);
  });

  it('hides the suggestion when the text goes another way', () => {
    for (const change of [
      { offset: 10, length: 0, text: 'x' }, // a different character
      { offset: 9, length: 1, text: '' }, // deleting before it
      { offset: 40, length: 0, text: 's' }, // typing elsewhere
      { offset: 10, length: 3, text: 's' }, // replacing text after the cursor
    ]) {
      const tracker = new OutcomeTracker();
      tracker.given(URI, 10, 'side ** 2', 'a');
      expect(methods(tracker.changed(URI, [change]))).toEqual([DID_HIDE]);
      expect(tracker.changed(URI, [{ offset: 10, length: 0, text: 's' }])).toEqual([]); // no longer tracked
    }
  });

  it('treats several changes at once (multiple cursors) as going another way', () => {
    const tracker = new OutcomeTracker();
    tracker.given(URI, 10, 'side', 'a');
    const changes = [
      { offset: 10, length: 0, text: 's' },
      { offset: 30, length: 0, text: 's' },
    ];
    expect(methods(tracker.changed(URI, changes))).toEqual([DID_HIDE]);
  });

  it('tracks each document on its own', () => {
    const tracker = new OutcomeTracker();
    tracker.given(URI, 10, 'side', 'a');
    tracker.given('file:///w/other.py', 0, 'import os', 'b');
    expect(ids(tracker.closed(URI))).toEqual(['a']);
    expect(tracker.changed(URI, [{ offset: 10, length: 0, text: 'x' }])).toEqual([]);
    expect(ids(tracker.closed('file:///w/other.py'))).toEqual(['b']);
  });
});

describe('suggestionId', () => {
  it('reads the id of the accept command only', () => {
    expect(suggestionId({ command: 'ghostwise.accept', arguments: ['abc'] })).toBe('abc');
    expect(suggestionId({ command: 'other', arguments: ['abc'] })).toBeUndefined();
    expect(suggestionId({ command: 'ghostwise.accept', arguments: [1] })).toBeUndefined();
    expect(suggestionId(undefined)).toBeUndefined();
  });
});
