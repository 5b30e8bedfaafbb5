/**
 * Settings → server configuration. Pure: no `vscode` import, so it is tested alone.
 *
 * VS Code settings are `ghostwise.<key>` with dotted camelCase keys (`ghostwise.guided.enabled`);
 * the server takes one nested object (`{ model, nCtx, ..., guided: { enabled, ... } }`) both in
 * `initializationOptions` and in `workspace/didChangeConfiguration` as `settings.ghostwise`.
 * `tests/test_settings_schema.py` checks `package.json` against the server's own schema.
 */

import manifest from '../package.json';

/** Section prefix of every setting. */
export const SECTION = 'ghostwise';

/** Settings only the extension reads; never sent to the server. */
export const CLIENT_SETTING_KEYS: readonly string[] = ['server.command', 'trace.server'];

/** Keys the server understands (dotted, relative to `ghostwise.`): every setting `package.json` declares
 * but the client-only ones, so a new server setting needs only its Python field and its declaration. */
export const SERVER_SETTING_KEYS: readonly string[] = Object.keys(manifest.contributes.configuration.properties)
  .map((key) => key.slice(SECTION.length + 1))
  .filter((key) => !CLIENT_SETTING_KEYS.includes(key));

export type ServerSettingKey = string;

/** The keys whose values are lists of strings (`"type": "array"` in `package.json`); the rest take scalars. */
export const LIST_SETTING_KEYS: readonly ServerSettingKey[] = Object.entries(
  manifest.contributes.configuration.properties as Record<string, { type?: string }>,
)
  .filter(([, property]) => property.type === 'array')
  .map(([key]) => key.slice(SECTION.length + 1))
  .filter((key) => SERVER_SETTING_KEYS.includes(key));

/** Changing one of these needs the model reloaded (the server does it; we only say so). */
export const RELOADING_KEYS: readonly ServerSettingKey[] = ['model', 'nCtx', 'threads', 'nBatch'];

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type ServerSettings = { [key: string]: JsonValue };

/** Reads one setting by its key relative to the section; `undefined` when not set anywhere. */
export type SettingReader = (key: string) => unknown;

function isJsonScalar(value: unknown): value is string | number | boolean {
  return (
    typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))
  );
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

/**
 * Builds the server's settings object from VS Code's settings.
 *
 * Keys without a value are left out (the server uses its defaults). An empty
 * `pythonEnvironment` is filled with the interpreter selected in the Python extension, so that
 * Jedi sees the project's packages rather than the server's own.
 */
export function toServerSettings(read: SettingReader, pythonInterpreter?: string): ServerSettings {
  const out: ServerSettings = {};
  for (const key of SERVER_SETTING_KEYS) {
    let value = read(key);
    if (key === 'pythonEnvironment' && (value === undefined || value === '') && pythonInterpreter) {
      value = pythonInterpreter;
    }
    if (LIST_SETTING_KEYS.includes(key) ? !isStringList(value) : !isJsonScalar(value)) continue;
    setDotted(out, key, value as JsonValue);
  }
  return out;
}

function setDotted(target: ServerSettings, dotted: string, value: JsonValue): void {
  const parts = dotted.split('.');
  const last = parts.pop() ?? dotted;
  let node = target;
  for (const part of parts) {
    const child = node[part];
    if (child === undefined || child === null || typeof child !== 'object' || Array.isArray(child)) {
      const fresh: ServerSettings = {};
      node[part] = fresh;
      node = fresh;
    } else {
      node = child;
    }
  }
  node[last] = value;
}

/** The `workspace/didChangeConfiguration` params the server expects. */
export function didChangeConfigurationParams(settings: ServerSettings): { settings: { ghostwise: ServerSettings } } {
  return { settings: { ghostwise: settings } };
}

/** Which kinds of change a configuration event carries. */
export interface ConfigurationImpact {
  /** Some server setting changed: send `workspace/didChangeConfiguration`. */
  readonly server: boolean;
  /** The model will be reloaded by the server. */
  readonly reload: boolean;
  /** `ghostwise.server.command` changed: the server process must be restarted. */
  readonly restart: boolean;
}

/** `affects(section)` is `ConfigurationChangeEvent.affectsConfiguration`. */
export function configurationImpact(affects: (section: string) => boolean): ConfigurationImpact {
  const has = (key: string): boolean => affects(`${SECTION}.${key}`);
  return {
    server: SERVER_SETTING_KEYS.some(has),
    reload: RELOADING_KEYS.some(has),
    restart: has('server.command'),
  };
}
