// Test harness for the browser suite: a real `argan serve` on a free port with a temporary
// database, Debian's Chromium driven by playwright-core, and a tiny sequential runner that
// prints "N passed, N failed" (counted by CI) and exits non-zero on any failure.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';

export const SKIP = 77; // ctest SKIP_RETURN_CODE

export const repoRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const webDir = path.join(repoRoot, 'web');

// playwright-core is installed in web/node_modules (npm ci from scripts/setup).
export function loadPlaywright() {
  const require = createRequire(path.join(webDir, 'package.json'));
  return require('playwright-core');
}

export function prerequisitesMissing() {
  const missing = [];
  if (!fs.existsSync(path.join(webDir, 'node_modules', 'playwright-core'))) missing.push('web/node_modules (run scripts/setup)');
  if (!fs.existsSync('/usr/bin/chromium')) missing.push('/usr/bin/chromium (run scripts/setup)');
  if (!fs.existsSync(path.join(webDir, 'dist', 'index.html'))) missing.push('web/dist (run scripts/build with web/node_modules present)');
  return missing;
}

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

// Launches Chromium with a fresh profile directory (Playwright creates and removes it).
export async function launchBrowser() {
  const { chromium } = loadPlaywright();
  return chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
}

export function tempDir(prefix) {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

// Runs `argan <args>` to completion with optional stdin; throws on a non-zero exit.
export function argan(binary, args, input) {
  const r = spawnSync(binary, args, { input: input ?? '', encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`argan ${args.join(' ')} failed (${r.status}): ${r.stderr}${r.stdout}`);
  return r.stdout;
}

// Starts `argan serve --port 0` and resolves once it prints the port it listens on.
export function startServer(binary, dbPath, extraArgs = []) {
  return new Promise((resolve, reject) => {
    const args = ['serve', '--port', '0', '--host', '127.0.0.1', '--db', dbPath, '--threads', '4',
      '--web-root', path.join(webDir, 'dist'), ...extraArgs];
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      reject(new Error('argan serve did not start within 240 s:\n' + output));
    }, 240000);
    const onData = (chunk) => {
      output += chunk;
      const m = output.match(/listening on http:\/\/[^:]+:(\d+)/);
      if (m) {
        clearTimeout(timer);
        resolve({
          url: `http://127.0.0.1:${m[1]}`,
          output: () => output,
          stop: () =>
            new Promise((done) => {
              if (child.exitCode !== null) return done();
              child.once('exit', () => done());
              child.kill('SIGTERM');
            }),
        });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (c) => (output += c));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`argan serve exited (${code}) before listening:\n${output}`));
    });
  });
}

// Sequential steps; a failing step is reported with a screenshot, later steps still run
// unless they depend on it (`needs`). ARGAN_WEB_STEPS=<regular expression> runs only the
// steps whose name matches it and the steps they need (transitively), for iterating on a
// few steps; the others are listed as not selected.
export class Runner {
  constructor(screenshotDir) {
    this.steps = [];
    this.screenshotDir = screenshotDir;
  }

  step(name, fn, { needs = [] } = {}) {
    this.steps.push({ name, fn, needs });
  }

  // The names of the steps to run: all, or those ARGAN_WEB_STEPS selects and what they need.
  selected() {
    const pattern = process.env.ARGAN_WEB_STEPS;
    if (!pattern) return new Set(this.steps.map((s) => s.name));
    const only = new RegExp(pattern);
    const byName = new Map(this.steps.map((s) => [s.name, s]));
    const chosen = new Set();
    const add = (s) => {
      if (chosen.has(s.name)) return;
      chosen.add(s.name);
      for (const n of s.needs) if (byName.has(n)) add(byName.get(n));
    };
    this.steps.filter((s) => only.test(s.name)).forEach(add);
    return chosen;
  }

  async run(context) {
    const results = new Map();
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    const chosen = this.selected();
    if (chosen.size < this.steps.length) {
      console.log(`ARGAN_WEB_STEPS: ${chosen.size} of ${this.steps.length} steps selected`);
    }
    for (const s of this.steps) {
      if (!chosen.has(s.name)) continue;
      const blocked = s.needs.find((n) => results.get(n) !== 'passed');
      if (blocked) {
        console.log(`SKIP ${s.name} (needs "${blocked}")`);
        results.set(s.name, 'skipped');
        skipped++;
        continue;
      }
      const started = Date.now();
      try {
        await s.fn(context);
        console.log(`ok   ${s.name} (${Date.now() - started} ms)`);
        results.set(s.name, 'passed');
        passed++;
      } catch (e) {
        console.log(`FAIL ${s.name} (${Date.now() - started} ms)\n     ${String(e.stack || e).split('\n').slice(0, 6).join('\n     ')}`);
        results.set(s.name, 'failed');
        failed++;
        const pages = context.pages ? context.pages() : [];
        for (const [i, page] of pages.entries()) {
          const file = path.join(this.screenshotDir, `FAILED-${s.name.replace(/\W+/g, '_')}${pages.length > 1 ? '-' + (i + 1) : ''}.png`);
          await page.screenshot({ path: file, fullPage: true }).catch(() => {});
          console.log(`     screenshot: ${file}`);
        }
      }
    }
    console.log(`${passed} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : ''));
    return failed === 0 && skipped === 0;
  }
}
