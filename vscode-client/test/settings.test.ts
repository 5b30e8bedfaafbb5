import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CLIENT_SETTING_KEYS,
  configurationImpact,
  didChangeConfigurationParams,
  SERVER_SETTING_KEYS,
  toServerSettings,
} from '../src/settings';

interface PackageJson {
  contributes: { configuration: { properties: Record<string, { default: unknown }> } };
}
const properties = (JSON.parse(readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as PackageJson)
  .contributes.configuration.properties;
const defaults = (key: string): unknown => properties[`ghostwise.${key}`]?.default;

describe('toServerSettings', () => {
  it('nests the guided switches and keeps camelCase keys', () => {
    expect(toServerSettings(defaults)).toEqual({
      model: 'default',
      nCtx: 4096,
      threads: 0,
      nBatch: 512,
      maxTokens: 64,
      maxLines: 8,
      maxMs: 1500,
      debounceMs: 20,
      completionFallback: 'auto',
      logLevel: 'info',
      guided: {
        enabled: true,
        pruning: true,
        memoization: true,
        activeCompletion: true,
        sites: { member: true, name: true, importModule: true, importName: true, keywordArg: true },
        engineBudgetMs: 60,
      },
      typing: { cache: true, cacheEntries: 250, adaptiveDebounce: true, speculative: true },
      devData: 'metadata',
      dismissAfterMs: 10000,
      pythonEnvironment: '',
      serverApiKey: '',
      serverModel: '',
      serverTimeoutMs: 10000,
      trigger: 'automatic',
      languages: [],
      files: [],
      minChars: 1,
      snoozeMinutes: 30,
      thinkingAfterMs: 1500,
    });
  });

  it('maps a changed value and leaves unset keys to the server', () => {
    const values: Record<string, unknown> = { model: 'hf:owner/repo/file.gguf', 'guided.pruning': false, maxMs: 300 };
    expect(toServerSettings((key) => values[key])).toEqual({
      model: 'hf:owner/repo/file.gguf',
      maxMs: 300,
      guided: { pruning: false },
    });
  });

  it('never sends client-only settings', () => {
    const values: Record<string, unknown> = { 'server.command': ['x'], 'trace.server': 'verbose', model: 'm.gguf' };
    expect(toServerSettings((key) => values[key])).toEqual({ model: 'm.gguf' });
  });

  it('passes the rule lists on as lists of strings', () => {
    const values: Record<string, unknown> = { languages: ['!*', 'python'], files: ['!**/tests/**', 3] };
    expect(toServerSettings((key) => values[key])).toEqual({ languages: ['!*', 'python'] });
  });

  it('drops values that are not JSON scalars', () => {
    const values: Record<string, unknown> = { nCtx: Number.NaN, maxLines: { a: 1 }, threads: null, model: ['a'] };
    expect(toServerSettings((key) => values[key])).toEqual({});
  });

  it('fills an empty pythonEnvironment with the selected interpreter', () => {
    expect(toServerSettings((key) => (key === 'pythonEnvironment' ? '' : undefined), '/p/.venv/bin/python')).toEqual({
      pythonEnvironment: '/p/.venv/bin/python',
    });
    expect(
      toServerSettings((key) => (key === 'pythonEnvironment' ? '/other' : undefined), '/p/.venv/bin/python'),
    ).toEqual({
      pythonEnvironment: '/other',
    });
  });

  it('wraps settings for workspace/didChangeConfiguration', () => {
    expect(didChangeConfigurationParams({ maxMs: 1 })).toEqual({ settings: { ghostwise: { maxMs: 1 } } });
  });
});

describe('package.json', () => {
  it('sends every declared setting to the server but the client-only ones', () => {
    const declared = Object.keys(properties).map((k) => k.replace(/^ghostwise\./, ''));
    expect(new Set(declared)).toEqual(new Set([...SERVER_SETTING_KEYS, ...CLIENT_SETTING_KEYS]));
    expect(SERVER_SETTING_KEYS).toContain('guided.sites.member');
    expect(SERVER_SETTING_KEYS).not.toContain('server.command');
  });
});

describe('configurationImpact', () => {
  const affects = (changed: string[]) => (section: string) => changed.includes(section);
  it('sends settings without restart for live keys', () => {
    expect(configurationImpact(affects(['ghostwise.maxMs']))).toEqual({ server: true, reload: false, restart: false });
    expect(configurationImpact(affects(['ghostwise.guided.enabled']))).toEqual({
      server: true,
      reload: false,
      restart: false,
    });
  });
  it('flags model reloads', () => {
    expect(configurationImpact(affects(['ghostwise.model']))).toEqual({ server: true, reload: true, restart: false });
    expect(configurationImpact(affects(['ghostwise.nCtx']))).toEqual({ server: true, reload: true, restart: false });
  });
  it('restarts the process only for the server command', () => {
    expect(configurationImpact(affects(['ghostwise.server.command']))).toEqual({
      server: false,
      reload: false,
      restart: true,
    });
  });
  it('ignores other sections and trace changes', () => {
    expect(configurationImpact(affects(['editor.fontSize', 'ghostwise.trace.server']))).toEqual({
      server: false,
      reload: false,
      restart: false,
    });
  });
});
