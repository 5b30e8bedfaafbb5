/**
 * Which command starts the server. Pure: the file system and PATH are passed in.
 *
 * Order: the `ghostwise.server.command` setting; else `ghostwise` next to the interpreter selected
 * in the Python extension (the venv's `bin/` or `Scripts\`); else `ghostwise` on PATH.
 */
import * as path from 'node:path';

export const SERVER_EXECUTABLE = 'ghostwise';
export const STDIO_FLAG = '--stdio';

export type CommandSource = 'setting' | 'python' | 'path';

export interface ResolvedCommand {
  readonly ok: true;
  readonly command: string;
  readonly args: readonly string[];
  readonly source: CommandSource;
}

export interface UnresolvedCommand {
  readonly ok: false;
  /** What went wrong, one sentence. */
  readonly message: string;
  /** How to fix it, one sentence. */
  readonly fix: string;
}

export type CommandResolution = ResolvedCommand | UnresolvedCommand;

export interface ResolveInputs {
  /** `ghostwise.server.command`; empty or undefined when not set. */
  readonly configured?: readonly string[] | undefined;
  /** Interpreter path selected in the Python extension, when it is installed and has one. */
  readonly pythonInterpreter?: string | undefined;
  /** `process.platform`. */
  readonly platform: NodeJS.Platform;
  /** Does an executable file exist at this absolute path? */
  readonly isExecutable: (file: string) => boolean;
  /** `PATH` (and `PATHEXT` on Windows) of the extension host. */
  readonly env: Readonly<Record<string, string | undefined>>;
}

function pathModule(platform: NodeJS.Platform): typeof path.posix {
  return platform === 'win32' ? path.win32 : path.posix;
}

function executableNames(name: string, platform: NodeJS.Platform, env: ResolveInputs['env']): string[] {
  if (platform !== 'win32') return [name];
  const exts = (env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';').filter(Boolean);
  return [name, ...exts.map((ext) => name + ext.toLowerCase())];
}

/** Looks `name` up on PATH like a shell would; `undefined` when not found. */
export function which(
  name: string,
  inputs: Pick<ResolveInputs, 'platform' | 'isExecutable' | 'env'>,
): string | undefined {
  const p = pathModule(inputs.platform);
  const delimiter = inputs.platform === 'win32' ? ';' : ':';
  const pathVar = inputs.env.PATH ?? inputs.env.Path ?? '';
  for (const dir of pathVar.split(delimiter)) {
    if (!dir) continue;
    for (const candidate of executableNames(name, inputs.platform, inputs.env)) {
      const full = p.join(dir, candidate);
      if (inputs.isExecutable(full)) return full;
    }
  }
  return undefined;
}

/** `ghostwise` in the folder of a Python interpreter (a venv's `bin/` or `Scripts\`). */
export function besideInterpreter(
  interpreter: string,
  inputs: Pick<ResolveInputs, 'platform' | 'isExecutable' | 'env'>,
): string | undefined {
  const p = pathModule(inputs.platform);
  const dir = p.dirname(interpreter);
  const dirs = inputs.platform === 'win32' ? [dir, p.join(dir, 'Scripts')] : [dir];
  for (const d of dirs) {
    for (const candidate of executableNames(SERVER_EXECUTABLE, inputs.platform, inputs.env)) {
      const full = p.join(d, candidate);
      if (inputs.isExecutable(full)) return full;
    }
  }
  return undefined;
}

function withStdio(args: readonly string[]): string[] {
  return args.includes(STDIO_FLAG) ? [...args] : [...args, STDIO_FLAG];
}

export function resolveServerCommand(inputs: ResolveInputs): CommandResolution {
  const [first, ...rest] = (inputs.configured ?? []).filter((part) => typeof part === 'string');
  if (first !== undefined && first.trim() !== '') {
    const p = pathModule(inputs.platform);
    const command = p.isAbsolute(first) ? (inputs.isExecutable(first) ? first : undefined) : which(first, inputs);
    if (command === undefined) {
      return {
        ok: false,
        message: `The server command from the setting ghostwise.server.command was not found: ${first}`,
        fix: 'Correct ghostwise.server.command (e.g. ["/path/to/venv/bin/ghostwise", "--stdio"]) or clear it to use the Python extension\'s interpreter or PATH.',
      };
    }
    return { ok: true, command, args: withStdio(rest), source: 'setting' };
  }
  if (inputs.pythonInterpreter) {
    const beside = besideInterpreter(inputs.pythonInterpreter, inputs);
    if (beside !== undefined) return { ok: true, command: beside, args: [STDIO_FLAG], source: 'python' };
  }
  const onPath = which(SERVER_EXECUTABLE, inputs);
  if (onPath !== undefined) return { ok: true, command: onPath, args: [STDIO_FLAG], source: 'path' };
  const where = inputs.pythonInterpreter
    ? `next to the selected Python interpreter (${inputs.pythonInterpreter}) or on PATH`
    : 'on PATH';
  const install = inputs.pythonInterpreter
    ? `"${inputs.pythonInterpreter}" -m pip install ghostwise`
    : 'pip install ghostwise';
  return {
    ok: false,
    message: `The ghostwise language server was not found ${where}.`,
    fix: `Install it with \`${install}\`, or point the setting ghostwise.server.command at it.`,
  };
}

/**
 * The command line of `ghostwise stats --html FILE` for a resolved server command: the same
 * executable and leading arguments, without `--stdio`.
 */
export function statsCommand(resolved: ResolvedCommand, htmlFile: string): { command: string; args: string[] } {
  const base = resolved.args.filter((arg) => arg !== STDIO_FLAG);
  return { command: resolved.command, args: [...base, 'stats', '--html', htmlFile] };
}
