import { describe, expect, it } from 'vitest';
import { resolveServerCommand, statsCommand, which } from '../src/serverCommand';

const fs =
  (...files: string[]) =>
  (file: string) =>
    files.includes(file);
const posix = { platform: 'linux' as const, env: { PATH: '/usr/local/bin:/usr/bin' } };

describe('resolveServerCommand', () => {
  it('prefers the setting and adds --stdio when missing', () => {
    const r = resolveServerCommand({
      ...posix,
      configured: ['/opt/gw/bin/ghostwise'],
      pythonInterpreter: '/p/.venv/bin/python',
      isExecutable: fs('/opt/gw/bin/ghostwise', '/p/.venv/bin/ghostwise', '/usr/bin/ghostwise'),
    });
    expect(r).toEqual({ ok: true, command: '/opt/gw/bin/ghostwise', args: ['--stdio'], source: 'setting' });
  });

  it('keeps the arguments of the setting', () => {
    const r = resolveServerCommand({
      ...posix,
      configured: ['python3', '-m', 'lsp_server', '--stdio'],
      isExecutable: fs('/usr/bin/python3'),
    });
    expect(r).toEqual({
      ok: true,
      command: '/usr/bin/python3',
      args: ['-m', 'lsp_server', '--stdio'],
      source: 'setting',
    });
  });

  it('reports a configured command that does not exist, with a fix', () => {
    const r = resolveServerCommand({
      ...posix,
      configured: ['/nope/ghostwise'],
      isExecutable: fs('/usr/bin/ghostwise'),
    });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.message).toContain('/nope/ghostwise');
      expect(r.fix).toContain('ghostwise.server.command');
    }
  });

  it('treats an empty setting as unset', () => {
    const r = resolveServerCommand({ ...posix, configured: [''], isExecutable: fs('/usr/bin/ghostwise') });
    expect(r).toMatchObject({ ok: true, command: '/usr/bin/ghostwise', source: 'path' });
  });

  it('uses ghostwise next to the selected interpreter before PATH', () => {
    const r = resolveServerCommand({
      ...posix,
      pythonInterpreter: '/p/.venv/bin/python',
      isExecutable: fs('/p/.venv/bin/ghostwise', '/usr/bin/ghostwise'),
    });
    expect(r).toEqual({ ok: true, command: '/p/.venv/bin/ghostwise', args: ['--stdio'], source: 'python' });
  });

  it('falls back to PATH when the interpreter has no ghostwise', () => {
    const r = resolveServerCommand({
      ...posix,
      pythonInterpreter: '/p/.venv/bin/python',
      isExecutable: fs('/usr/bin/ghostwise'),
    });
    expect(r).toEqual({ ok: true, command: '/usr/bin/ghostwise', args: ['--stdio'], source: 'path' });
  });

  it('explains how to install when nothing is found', () => {
    const r = resolveServerCommand({ ...posix, pythonInterpreter: '/p/.venv/bin/python', isExecutable: fs() });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.message).toContain('/p/.venv/bin/python');
      expect(r.fix).toContain('"/p/.venv/bin/python" -m pip install ghostwise');
      expect(r.fix).toContain('ghostwise.server.command');
    }
    const bare = resolveServerCommand({ ...posix, isExecutable: fs() });
    expect(bare.ok).toBe(false);
    if (!bare.ok) expect(bare.fix).toContain('pip install ghostwise');
  });

  it('finds Scripts\\ghostwise.exe on Windows', () => {
    const r = resolveServerCommand({
      platform: 'win32',
      env: { PATH: 'C:\\Windows', PATHEXT: '.EXE;.CMD' },
      pythonInterpreter: 'C:\\p\\.venv\\Scripts\\python.exe',
      isExecutable: fs('C:\\p\\.venv\\Scripts\\ghostwise.exe'),
    });
    expect(r).toEqual({
      ok: true,
      command: 'C:\\p\\.venv\\Scripts\\ghostwise.exe',
      args: ['--stdio'],
      source: 'python',
    });
  });
});

describe('which', () => {
  it('takes the first PATH entry that has it', () => {
    expect(which('ghostwise', { ...posix, isExecutable: fs('/usr/local/bin/ghostwise', '/usr/bin/ghostwise') })).toBe(
      '/usr/local/bin/ghostwise',
    );
    expect(which('ghostwise', { ...posix, isExecutable: fs() })).toBeUndefined();
  });
});

describe('statsCommand', () => {
  it('reuses the server executable without --stdio', () => {
    expect(
      statsCommand({ ok: true, command: '/v/bin/ghostwise', args: ['--stdio'], source: 'python' }, '/tmp/s.html'),
    ).toEqual({
      command: '/v/bin/ghostwise',
      args: ['stats', '--html', '/tmp/s.html'],
    });
    expect(
      statsCommand(
        { ok: true, command: '/usr/bin/python3', args: ['-m', 'lsp_server', '--stdio'], source: 'setting' },
        'f.html',
      ),
    ).toEqual({ command: '/usr/bin/python3', args: ['-m', 'lsp_server', 'stats', '--html', 'f.html'] });
  });
});
