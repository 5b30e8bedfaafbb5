// End-to-end test of the ghostwise extension in real VS Code (code-server) driven by playwright-core
// and Debian's chromium. Run by tests/e2e/test_vscode.py; configured by environment variables:
//   GW_CODE_SERVER   code-server executable            GW_VSIX        the built extension
//   GW_WORK          scratch folder (created)          GW_OUT         where screenshots and logs go
//   GW_SERVER_CMD    JSON array: the server command the extension must start (through lsp_tap.py)
//   GW_TAP_LOG       the JSON-lines log lsp_tap.py writes
//   GW_SCREENSHOT    optional: also copy the ghost-text screenshot here (docs/images/...)
// Steps: install the .vsix; open main.py of a small workspace; wait for the model; type; see ghost
// text; type through its first characters; accept with Tab; save and compare the file with what was
// shown; check the accept command reached the server; type fast and check stale requests were
// cancelled and answered; accept one word with VS Code's Ctrl+Right and check the extension reported
// it; type past a suggestion and check it was reported hidden; open the status bar menu; toggle guided decoding from the command palette and check the running
// server got it (no restart) and the status bar followed; snooze and resume from the status bar.
// Prints one JSON summary line at the end; exits non-zero on failure.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import * as path from 'node:path';
import { chromium } from 'playwright-core';

const env = (name, fallback) => {
  const value = process.env[name] ?? fallback;
  if (value === undefined) throw new Error(`missing environment variable ${name}`);
  return value;
};
const CODE_SERVER = env('GW_CODE_SERVER');
const VSIX = env('GW_VSIX');
const WORK = env('GW_WORK');
const OUT = env('GW_OUT');
const SERVER_CMD = JSON.parse(env('GW_SERVER_CMD'));
const TAP_LOG = env('GW_TAP_LOG');
const SCREENSHOT = process.env.GW_SCREENSHOT;
const CHROMIUM = process.env.GW_CHROMIUM ?? '/usr/bin/chromium';
const MODEL_TIMEOUT_MS = Number(process.env.GW_MODEL_TIMEOUT_MS ?? 180_000);

const started = Date.now();
const log = (...args) => console.log(`[drive +${((Date.now() - started) / 1000).toFixed(1)}s]`, ...args);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what, fn, timeoutMs, intervalMs = 250) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Messages recorded by lsp_tap.py so far. */
function tap() {
  if (!existsSync(TAP_LOG)) return [];
  return readFileSync(TAP_LOG, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

const MAIN_PY = [
  'import os',
  '',
  '',
  'def python_files(folder):',
  '    """Return the sorted names of the Python files in folder."""',
  '    names = [name for name in os.listdir(folder) if name.endswith(".py")]',
  '    ',
].join('\n');

function setUpWorkspace() {
  rmSync(WORK, { recursive: true, force: true });
  const userData = path.join(WORK, 'user-data');
  const extensions = path.join(WORK, 'extensions');
  const workspace = path.join(WORK, 'workspace');
  mkdirSync(path.join(userData, 'User'), { recursive: true });
  mkdirSync(extensions, { recursive: true });
  mkdirSync(path.join(workspace, '.vscode'), { recursive: true });
  writeFileSync(
    path.join(userData, 'User', 'settings.json'),
    JSON.stringify(
      {
        'workbench.startupEditor': 'none',
        'workbench.tips.enabled': false,
        'workbench.enableExperiments': false,
        'workbench.colorTheme': 'Default Dark Modern',
        'workbench.layoutControl.enabled': false,
        'telemetry.telemetryLevel': 'off',
        'security.workspace.trust.enabled': false,
        'extensions.ignoreRecommendations': true,
        'update.mode': 'none',
        'editor.minimap.enabled': false,
        'editor.fontSize': 16,
        'editor.inlineSuggest.enabled': true,
        'editor.quickSuggestions': { other: false, comments: false, strings: false },
        'editor.suggestOnTriggerCharacters': false,
        'editor.wordBasedSuggestions': 'off',
        'editor.parameterHints.enabled': false,
        'editor.autoClosingBrackets': 'never',
        'editor.autoClosingQuotes': 'never',
        'files.autoSave': 'off',
        'chat.commandCenter.enabled': false,
        'git.enabled': false,
        'git.openRepositoryInParentFolders': 'never',
      },
      null,
      2,
    ),
  );
  writeFileSync(
    path.join(workspace, '.vscode', 'settings.json'),
    JSON.stringify(
      {
        'ghostwise.server.command': SERVER_CMD,
        'ghostwise.logLevel': 'debug',
        // every suggestion shows "thinking" (its $/progress is checked), and outcomes are final soon
        'ghostwise.thinkingAfterMs': 0,
        'ghostwise.dismissAfterMs': 3000,
      },
      null,
      2,
    ),
  );
  writeFileSync(path.join(workspace, 'main.py'), MAIN_PY);
  rmSync(TAP_LOG, { force: true });
  return { userData, extensions, workspace };
}

function installVsix({ userData, extensions }) {
  const r = spawnSync(
    CODE_SERVER,
    ['--user-data-dir', userData, '--extensions-dir', extensions, '--install-extension', VSIX, '--force'],
    { encoding: 'utf8', timeout: 120_000 },
  );
  log('install-extension:', (r.stdout + r.stderr).trim().split('\n').slice(-2).join(' | '));
  if (r.status !== 0) throw new Error(`code-server --install-extension failed (${r.status})`);
}

function startCodeServer({ userData, extensions, workspace }, port) {
  const out = path.join(OUT, 'code-server.log');
  const child = spawn(
    CODE_SERVER,
    [
      '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`,
      '--user-data-dir', userData, '--extensions-dir', extensions,
      '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
      '--disable-getting-started-override', workspace,
    ],
    { detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const chunks = [];
  child.stdout.on('data', (d) => chunks.push(d));
  child.stderr.on('data', (d) => chunks.push(d));
  child.on('exit', () => writeFileSync(out, Buffer.concat(chunks)));
  const stop = () => {
    writeFileSync(out, Buffer.concat(chunks));
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
  };
  return { child, stop };
}

const normalize = (s) => s.replace(/\u00a0/g, ' ');

/** The text of the editor line that holds ghost text (buffer text + ghost), and the ghost part. */
async function ghost(page) {
  return page.evaluate(() => {
    const deco = document.querySelector('.monaco-editor .view-line .ghost-text-decoration');
    if (!deco) return null;
    const line = deco.closest('.view-line');
    const ghostParts = [...line.querySelectorAll('.ghost-text-decoration, .ghost-text-decoration-preview')];
    return { line: line.textContent ?? '', ghost: ghostParts.map((e) => e.textContent ?? '').join('') };
  });
}

async function statusBarText(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll('.statusbar-item')]
      .map((e) => e.textContent ?? '')
      .filter((t) => t.includes('ghostwise') || t.includes('guided'))
      .join(' | '),
  );
}

function inlineRequests(messages) {
  const requests = new Map();
  for (const { t, dir, msg } of messages) {
    if (dir === 'c2s' && msg.method === 'textDocument/inlineCompletion') requests.set(msg.id, { id: msg.id, sent: t, params: msg.params });
  }
  for (const { t, dir, msg } of messages) {
    if (dir === 'c2s' && msg.method === '$/cancelRequest' && requests.has(msg.params.id)) requests.get(msg.params.id).cancelled = t;
    if (dir === 's2c' && msg.id !== undefined && msg.method === undefined && requests.has(msg.id)) {
      const r = requests.get(msg.id);
      r.answered = t;
      r.error = msg.error;
      r.items = msg.result ? (Array.isArray(msg.result) ? msg.result : msg.result.items) : [];
    }
  }
  return [...requests.values()];
}

async function main() {
  mkdirSync(OUT, { recursive: true });
  const dirs = setUpWorkspace();
  installVsix(dirs);
  const port = await freePort();
  const codeServer = startCodeServer(dirs, port);
  let browser;
  let page;
  const summary = {};
  try {
    await waitFor('code-server to listen', async () => {
      try {
        return (await fetch(`http://127.0.0.1:${port}/healthz`)).ok;
      } catch {
        return false;
      }
    }, 60_000);
    log('code-server is up on port', port);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 640 } });
    page.on('pageerror', (e) => log('page error:', e.message));
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(dirs.workspace)}`);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    log('workbench loaded');

    // Open main.py from the explorer.
    await waitFor('main.py to open', async () => {
      const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'main.py' });
      if ((await row.count()) === 0) return false;
      await row.first().dblclick();
      await sleep(1000);
      return (await page.locator('.monaco-editor .view-line', { hasText: 'def python_files' }).count()) > 0;
    }, 30_000, 500);
    log('main.py is open');

    // The extension starts the server on a Python file; wait for initialize and the model.
    await waitFor('the server to answer initialize', () =>
      tap().some(({ dir, msg }) => dir === 's2c' && msg.result && msg.result.capabilities), 60_000);
    const ready = await waitFor('the model to be ready (ghostwise/status ready)', () => {
      const status = tap().filter(({ dir, msg }) => dir === 's2c' && msg.method === 'ghostwise/status');
      const last = status[status.length - 1];
      if (last && last.msg.params.state === 'error') throw new Error(`server status error: ${last.msg.params.message}`);
      return last && last.msg.params.state === 'ready' ? last : null;
    }, MODEL_TIMEOUT_MS);
    summary.modelReadyAt = ready.t;
    const status = await waitFor('the status bar item to show ready', async () => {
      const text = await statusBarText(page);
      return text.includes('guided') ? text : null;
    }, 15_000);
    summary.statusBar = normalize(status).trim();
    log('server ready; status bar:', summary.statusBar);

    // Type at the end of the file and wait for ghost text.
    const editor = page.locator('.monaco-editor .view-lines').first();
    await editor.click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('return ', { delay: 60 });
    let shown = await waitFor('ghost text', async () => ghost(page), 60_000).catch(() => null);
    if (!shown) {
      log('no ghost text yet; triggering inline suggestions explicitly (Alt+\\)');
      await page.keyboard.press('Alt+Backslash');
      shown = await waitFor('ghost text after an explicit trigger', async () => ghost(page), 60_000);
    }
    summary.ghost = normalize(shown.ghost);
    summary.ghostLine = normalize(shown.line);
    log('ghost text shown:', JSON.stringify(summary.ghostLine));
    await page.screenshot({ path: path.join(OUT, 'vscode-ghost-text.png') });
    if (SCREENSHOT) {
      mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
      copyFileSync(path.join(OUT, 'vscode-ghost-text.png'), SCREENSHOT);
      log('screenshot copied to', SCREENSHOT);
    }

    // Type through the first characters of the suggestion: it must stay on screen.
    const firstLineGhost = summary.ghost.split('\n')[0];
    const through = firstLineGhost.startsWith(' ') ? '' : firstLineGhost.slice(0, Math.min(2, Math.max(0, firstLineGhost.length - 1)));
    for (const ch of through) {
      await page.keyboard.type(ch);
      await sleep(120);
    }
    if (through) {
      const still = await waitFor('ghost text after typing through it', async () => ghost(page), 5_000);
      summary.typedThrough = through;
      summary.ghostAfterTypingThrough = normalize(still.ghost);
      if (!normalize(still.line).startsWith(`    return ${through}`)) {
        throw new Error(`after typing ${JSON.stringify(through)} the line is ${JSON.stringify(normalize(still.line))}`);
      }
      log('still shown after typing through', JSON.stringify(through), '->', JSON.stringify(summary.ghostAfterTypingThrough));
    }
    const expectedLine = normalize((await ghost(page)).line);

    // Accept with Tab, save, compare the file with what was shown.
    await page.keyboard.press('Tab');
    await waitFor('ghost text to go away after Tab', async () => !(await ghost(page)), 5_000);
    await page.keyboard.press('Control+S');
    const saved = await waitFor('main.py to be saved', () => {
      const text = readFileSync(path.join(dirs.workspace, 'main.py'), 'utf8');
      return text !== MAIN_PY ? text : null;
    }, 10_000);
    const savedLines = saved.split('\n');
    const acceptedLine = savedLines[MAIN_PY.split('\n').length - 1];
    summary.acceptedLine = acceptedLine;
    if (acceptedLine !== expectedLine) {
      throw new Error(`accepted line ${JSON.stringify(acceptedLine)} differs from the ghost text shown ${JSON.stringify(expectedLine)}`);
    }
    if (!saved.startsWith(MAIN_PY.slice(0, -4))) throw new Error('the file before the cursor changed');
    const inserted = saved.slice(MAIN_PY.length + 'return '.length + through.length);
    const answers = inlineRequests(tap()).flatMap((r) => r.items ?? []).map((i) => (typeof i.insertText === 'string' ? i.insertText : i.insertText?.value ?? ''));
    if (!answers.some((text) => text.endsWith(inserted.replace(/\n$/, '')) || text.includes(inserted.split('\n')[0]))) {
      throw new Error(`the accepted text ${JSON.stringify(inserted)} is not one of the server's suggestions`);
    }
    log('accepted and saved:', JSON.stringify(acceptedLine));
    const accept = await waitFor('workspace/executeCommand ghostwise.accept', () =>
      tap().find(({ dir, msg }) => dir === 'c2s' && msg.method === 'workspace/executeCommand' && msg.params.command === 'ghostwise.accept'), 10_000);
    summary.acceptCommandArgs = accept.msg.params.arguments;
    log('the accept command reached the server with', JSON.stringify(summary.acceptCommandArgs));

    // VS Code's own partial accept (Ctrl+Right, accept next word) on a new line: the extension tells
    // the server (textDocument/didPartiallyAcceptCompletion) how much went in.
    await page.keyboard.press('Control+End');
    await page.keyboard.press('Enter');
    await page.keyboard.type('count = len(', { delay: 120 });
    const partial = await waitFor('ghost text on the new line', async () => ghost(page), 60_000);
    const partialBefore = normalize(partial.line).slice(0, normalize(partial.line).length - normalize(partial.ghost).length);
    await page.keyboard.press('Control+ArrowRight');
    const partialReport = await waitFor('textDocument/didPartiallyAcceptCompletion', () =>
      tap().find(({ dir, msg }) => dir === 'c2s' && msg.method === 'textDocument/didPartiallyAcceptCompletion'), 10_000);
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+S');
    const partialLine = await waitFor('the partly accepted line to be saved', () => {
      const lines = readFileSync(path.join(dirs.workspace, 'main.py'), 'utf8').split('\n');
      const line = lines.map((l) => l.trim()).find((l) => l.startsWith('count = len('));
      return line && line !== 'count = len(' ? line : null;
    }, 10_000);
    summary.partial = {
      ghost: normalize(partial.ghost),
      before: partialBefore,
      saved: partialLine,
      acceptedLength: partialReport.msg.params.acceptedLength,
      id: partialReport.msg.params.item.command.arguments[0],
    };
    log('accepted one word:', JSON.stringify(summary.partial));
    if (!normalize(partial.ghost).startsWith(partialLine.slice('count = len('.length))) {
      throw new Error(`the saved line ${JSON.stringify(partialLine)} is not the start of the ghost text ${JSON.stringify(partial.ghost)}`);
    }

    // Ghost text the user types past: the extension reports it hidden (a measured dismissal).
    await page.keyboard.press('Control+End');
    await page.keyboard.press('Enter');
    await page.keyboard.type('first = names[', { delay: 120 });
    const passed = await waitFor('ghost text to type past', async () => ghost(page), 60_000);
    const beforePast = tap().length;
    await page.keyboard.type(normalize(passed.ghost).startsWith('0') ? '1' : '0');
    const hidden = await waitFor('ghostwise/didHideCompletion', () =>
      tap().slice(beforePast).find(({ dir, msg }) => dir === 'c2s' && msg.method === 'ghostwise/didHideCompletion'), 10_000);
    summary.dismissedId = hidden.msg.params.item.command.arguments[0];
    log('typed past the ghost text; hidden:', summary.dismissedId);

    // Type fast on a new line: stale requests must be cancelled by VS Code and answered by the server.
    const mark = tap().length;
    await page.keyboard.press('Control+End');
    await page.keyboard.press('Enter');
    // One key every 150 ms: past VS Code's own debounce, so each key sends a request, yet faster than
    // a suggestion takes here, so the previous request is still running when the next key comes.
    await page.keyboard.type('total = len(names) + sum(len(name) for name in names', { delay: 150 });
    await sleep(500);
    await waitFor('every inline request of the burst to be answered', () => {
      const burst = inlineRequests(tap().slice(mark));
      return burst.length > 0 && burst.every((r) => r.answered !== undefined);
    }, 60_000);
    const burst = inlineRequests(tap().slice(mark));
    const cancelled = burst.filter((r) => r.cancelled !== undefined);
    const stale = cancelled.map((r) => ({
      id: r.id,
      answeredAfterCancelMs: Math.round((r.answered - r.cancelled) * 1000),
      error: r.error?.code,
      items: r.items?.length ?? 0,
    }));
    summary.burst = { requests: burst.length, cancelled: cancelled.length, stale };
    log('burst:', JSON.stringify(summary.burst));
    if (cancelled.length === 0) throw new Error(`VS Code sent ${burst.length} inline requests while typing fast but cancelled none`);
    const late = stale.filter((s) => s.error !== -32800 && s.items > 0);
    if (late.length > cancelled.length / 2) {
      throw new Error(`most cancelled requests still got full suggestions: ${JSON.stringify(late)}`);
    }
    const slow = stale.filter((s) => s.answeredAfterCancelMs > 5000);
    if (slow.length > 0) throw new Error(`cancelled requests were answered late: ${JSON.stringify(slow)}`);
    await page.screenshot({ path: path.join(OUT, 'vscode-after-burst.png') });

    // The status bar item opens the menu.
    await page.keyboard.press('Escape');
    await page.locator('.statusbar-item', { hasText: 'guided' }).first().click();
    const menu = page.locator('.quick-input-widget .quick-input-list');
    await menu.waitFor({ timeout: 10_000 });
    const menuText = normalize(
      (await menu.locator('.monaco-list-row').evaluateAll((rows) => rows.map((r) => r.textContent ?? '').join(' | '))) ?? '',
    );
    summary.menu = menuText;
    for (const entry of ['guided decoding', 'Restart server', 'Show output', 'Open completion stats']) {
      if (!menuText.includes(entry)) throw new Error(`status menu lacks "${entry}": ${menuText}`);
    }
    log('status menu:', menuText);
    await page.keyboard.press('Escape');

    // Toggle guided decoding from the command palette: the setting reaches the running server
    // (workspace/didChangeConfiguration, no restart) and the status bar follows the server.
    const before = tap().length;
    await page.keyboard.press('F1');
    await page.locator('.quick-input-widget input').waitFor({ timeout: 10_000 });
    await page.keyboard.type('ghostwise: Toggle guided decoding');
    await sleep(500);
    await page.keyboard.press('Enter');
    const change = await waitFor('workspace/didChangeConfiguration', () =>
      tap().slice(before).find(({ dir, msg }) => dir === 'c2s' && msg.method === 'workspace/didChangeConfiguration'), 10_000);
    if (change.msg.params.settings?.ghostwise?.guided?.enabled !== false) {
      throw new Error(`didChangeConfiguration did not turn guided off: ${JSON.stringify(change.msg.params)}`);
    }
    await waitFor('ghostwise/status with guided false', () =>
      tap().slice(before).find(({ dir, msg }) => dir === 's2c' && msg.method === 'ghostwise/status' && msg.params.guided === false), 10_000);
    summary.statusBarUnguided = normalize(await waitFor('the status bar to show unguided', async () => {
      const text = await statusBarText(page);
      return text.includes('unguided') ? text : null;
    }, 10_000)).trim();
    if (tap().slice(before).some(({ dir, msg }) => dir === 'c2s' && msg.method === 'initialize')) {
      throw new Error('toggling guided restarted the server');
    }
    log('guided toggled off without restart; status bar:', summary.statusBarUnguided);

    // Snooze from the status bar menu, then resume.
    const beforeSnooze = tap().length;
    // our item reads "<model> · unguided" ("guided decoding off" is the toggle's passing message)
    await page.locator('.statusbar-item', { hasText: '·' }).first().click();
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Snooze for 30 minutes' }).first().click();
    const snoozed = await waitFor('ghostwise/status with snoozedUntil', () =>
      tap().slice(beforeSnooze).find(({ dir, msg }) => dir === 's2c' && msg.method === 'ghostwise/status' && msg.params.snoozedUntil), 10_000);
    summary.snoozedUntil = snoozed.msg.params.snoozedUntil;
    summary.statusBarSnoozed = normalize(await waitFor('the status bar to show the snooze', async () => {
      const text = await statusBarText(page);
      return text.includes('snoozed') ? text : null;
    }, 10_000)).trim();
    await page.screenshot({ path: path.join(OUT, 'vscode-snoozed.png') });
    await page.locator('.statusbar-item', { hasText: 'snoozed' }).first().click();
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Resume suggestions' }).first().click();
    await waitFor('the status bar to show ready again', async () => {
      const text = await statusBarText(page);
      return text.includes('guided') && !text.includes('snoozed') ? text : null;
    }, 10_000);
    summary.snoozeCommands = tap()
      .slice(beforeSnooze)
      .filter(({ dir, msg }) => dir === 'c2s' && msg.method === 'workspace/executeCommand')
      .map(({ msg }) => msg.params.command);
    log('snoozed and resumed from the status bar:', JSON.stringify(summary.snoozeCommands));

    // Stats page (only when the server has the `ghostwise stats` command; GW_STATS=1).
    if (process.env.GW_STATS === '1') {
      await page.keyboard.press('F1');
      await page.locator('.quick-input-widget input').waitFor({ timeout: 10_000 });
      await page.keyboard.type('ghostwise: Open completion stats');
      await sleep(500);
      await page.keyboard.press('Enter');
      await page.locator('.tab', { hasText: 'ghostwise stats' }).first().waitFor({ timeout: 120_000 });
      summary.statsTab = true;
      // The page itself renders inside the webview's nested iframes.
      summary.statsText = await waitFor('the stats page content', async () => {
        for (const frame of page.frames()) {
          const text = await frame.evaluate(() => document.body?.innerText ?? '').catch(() => '');
          if (/stats/i.test(text) && frame !== page.mainFrame()) return text.trim().slice(0, 200);
        }
        return null;
      }, 30_000);
      await page.screenshot({ path: path.join(OUT, 'vscode-stats.png') });
      log('the stats page opened in a tab');
    }
    await sleep(4000); // past ghostwise.dismissAfterMs: every outcome is written
    summary.ok = true;
  } catch (error) {
    summary.ok = false;
    summary.error = String(error?.stack ?? error);
    if (page) await page.screenshot({ path: path.join(OUT, 'failure.png') }).catch(() => undefined);
    log('FAILED:', error?.message ?? error, `(screenshot: ${path.join(OUT, 'failure.png')})`);
  } finally {
    await browser?.close().catch(() => undefined);
    codeServer.stop();
  }
  summary.seconds = Math.round((Date.now() - started) / 100) / 10;
  writeFileSync(path.join(OUT, 'summary.json'), JSON.stringify(summary, null, 2));
  console.log(`GHOSTWISE_E2E_SUMMARY ${JSON.stringify(summary)}`);
  process.exit(summary.ok ? 0 : 1);
}

main().catch((error) => {
  console.error(error);
  process.exit(2);
});
