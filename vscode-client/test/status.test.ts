import { describe, expect, it } from 'vitest';
import {
  INITIAL_STATUS,
  modelDisplayName,
  onProgress,
  onServerFailed,
  onServerStopped,
  onStatusNotification,
  render,
  type Status,
} from '../src/status';

describe('status transitions', () => {
  it('starts in starting', () => {
    expect(INITIAL_STATUS).toEqual({ kind: 'starting' });
    expect(render(INITIAL_STATUS).text).toContain('$(loading~spin)');
  });

  it('goes loading → progress → ready', () => {
    let s: Status = onStatusNotification(INITIAL_STATUS, {
      state: 'loading',
      model: 'default',
      guided: true,
      message: 'loading model',
    });
    expect(s).toEqual({ kind: 'loading', model: 'default', message: 'loading model', percentage: undefined });
    s = onProgress(s, { kind: 'begin', title: 'Loading model', percentage: 0 });
    s = onProgress(s, { kind: 'report', message: 'reading weights', percentage: 42.4 });
    expect(s).toMatchObject({ kind: 'loading', percentage: 42, message: 'reading weights' });
    expect(render(s).text).toBe('$(loading~spin) ghostwise 42%');
    expect(render(s).tooltip).toContain('reading weights');
    s = onProgress(s, { kind: 'end' });
    expect(s).toMatchObject({ kind: 'loading', percentage: 100 });
    s = onStatusNotification(s, {
      state: 'ready',
      model: '/models/gemma-3-270m-it-Q4_K_M.gguf',
      guided: true,
      message: '',
    });
    expect(s).toEqual({ kind: 'ready', model: '/models/gemma-3-270m-it-Q4_K_M.gguf', guided: true });
    expect(render(s).text).toBe('$(sparkle) gemma-3-270m-it-Q4_K_M · guided');
    expect(render(s).severity).toBe('normal');
  });

  it('shows a remote model and where it runs', () => {
    const s = onStatusNotification(INITIAL_STATUS, {
      state: 'ready',
      model: 'gemma-3-270m-q4_k_m.gguf at 10.0.0.5:8080',
      guided: true,
      message: 'remote model at 10.0.0.5 ready',
      remote: '10.0.0.5:8080',
    });
    expect(s).toMatchObject({ kind: 'ready', remote: '10.0.0.5:8080' });
    expect(render(s).text).toBe('$(sparkle) remote model at 10.0.0.5:8080 · guided');
    expect(render(s).tooltip).toContain('gemma-3-270m-q4_k_m');
    const local = onStatusNotification(INITIAL_STATUS, {
      state: 'ready',
      model: 'default',
      guided: true,
      message: '',
      remote: null,
    });
    expect(local).not.toHaveProperty('remote');
  });

  it('shows guidance off', () => {
    const s = onStatusNotification(INITIAL_STATUS, { state: 'ready', model: 'default', guided: false, message: '' });
    expect(render(s).text).toBe('$(circle-outline) default · unguided');
    expect(render(s).tooltip).toContain('guidance off');
  });

  it('shows errors with their message', () => {
    const s = onStatusNotification(INITIAL_STATUS, {
      state: 'error',
      model: 'x.gguf',
      guided: true,
      message: 'file not found',
    });
    expect(s).toEqual({ kind: 'error', model: 'x.gguf', message: 'file not found' });
    expect(render(s)).toMatchObject({ text: '$(error) ghostwise', severity: 'error' });
    expect(render(s).tooltip).toContain('file not found');
    expect(onServerFailed(s, 'spawn ENOENT')).toEqual({ kind: 'error', model: 'x.gguf', message: 'spawn ENOENT' });
  });

  it('shows a stopped server as a warning', () => {
    const s = onServerStopped('not found');
    expect(render(s)).toMatchObject({ severity: 'warning' });
    expect(render(s).tooltip).toContain('not found');
  });

  it('ignores malformed notifications and stray progress', () => {
    const ready: Status = { kind: 'ready', model: 'default', guided: true };
    expect(onStatusNotification(ready, null)).toBe(ready);
    expect(onStatusNotification(ready, { state: 'bogus' as never })).toBe(ready);
    expect(onProgress(ready, { kind: 'report', percentage: 5 })).toBe(ready);
    expect(onProgress(ready, { kind: 'end' })).toBe(ready);
  });

  it('a reload after ready shows loading again', () => {
    const ready: Status = { kind: 'ready', model: 'default', guided: true };
    expect(onProgress(ready, { kind: 'begin', title: 'Loading model', percentage: 0 })).toEqual({
      kind: 'loading',
      model: 'default',
      message: 'Loading model',
      percentage: 0,
    });
  });
});

describe('modelDisplayName', () => {
  it('shortens paths and hf ids', () => {
    expect(modelDisplayName('default')).toBe('default');
    expect(modelDisplayName('/a/b/Qwen2.5-Coder-0.5B-Q8_0.gguf')).toBe('Qwen2.5-Coder-0.5B-Q8_0');
    expect(modelDisplayName('hf:owner/repo/file-Q4.gguf')).toBe('file-Q4');
    expect(modelDisplayName('C:\\m\\x.GGUF')).toBe('x');
    expect(modelDisplayName('')).toBe('model');
  });
});
