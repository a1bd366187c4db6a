// Browser tests of Argan's web front end (issue #6), run by ctest:
//   node tests/web/run.mjs <path to the argan binary>
// Starts a real `argan serve` (temporary database, demo data) and drives Debian's Chromium
// through playwright-core. Screenshots of the main pages go to $ARGAN_SCREENSHOT_DIR
// (scripts/screenshots sets it to docs/screenshots) or next to the binary.
// Exits 77 (skipped) when the browser prerequisites are absent and CI is not set.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { argan, launchBrowser, prerequisitesMissing, Runner, SKIP, startServer, tempDir } from './harness.mjs';

const binary = path.resolve(process.argv[2] || 'build/argan');
const missing = prerequisitesMissing();
if (missing.length) {
  console.log(`browser tests need: ${missing.join(', ')}`);
  process.exit(process.env.CI ? 1 : SKIP);
}

const screenshotDir = path.resolve(process.env.ARGAN_SCREENSHOT_DIR || path.join(path.dirname(binary), 'web-screenshots'));
fs.mkdirSync(screenshotDir, { recursive: true });
const work = tempDir('argan-web-');
const db = path.join(work, 'argan.db');

const VIEWPORT = { width: 1366, height: 860 };

async function shot(page, name) {
  await page.evaluate(() => document.fonts && document.fonts.ready);
  // Depictions load lazily; wait until every image on the page has finished.
  await page.waitForFunction(() => [...document.images].every((i) => i.complete), null, { timeout: 10000 }).catch(() => {});
  await page.screenshot({ path: path.join(screenshotDir, name + '.png'), fullPage: false });
}

async function text(locator) {
  return (await locator.innerText()).trim();
}

argan(binary, ['migrate', '--db', db]);
const server = await startServer(binary, db, ['--demo']);
const browser = await launchBrowser();
const anonymous = await browser.newContext({ viewport: VIEWPORT, locale: 'fr-FR' });
const page = await anonymous.newPage();
page.setDefaultTimeout(15000);
const consoleErrors = [];
page.on('pageerror', (e) => consoleErrors.push(String(e)));

const runner = new Runner(screenshotDir);

runner.step('catalogue opens in French', async () => {
  await page.goto(server.url + '/');
  await page.getByRole('heading', { level: 1, name: 'Catalogue' }).waitFor();
  assert.equal(await page.getAttribute('html', 'lang'), 'fr');
  await page.getByRole('link', { name: 'Se connecter' }).waitFor();
  await page.getByRole('searchbox', { name: 'Rechercher dans le catalogue' }).waitFor();
});

runner.step('anonymous visitors see no unpublished compound', async () => {
  // The demo compounds are all start-up visibility: nothing is public yet.
  await page.getByText('Aucun composé publié pour l’instant.').waitFor();
  const cards = await page.locator('.compound-card').count();
  assert.equal(cards, 0);
  const res = await page.request.get(server.url + '/api/compounds/CMP-000001');
  assert.equal(res.status(), 404);
}, { needs: ['catalogue opens in French'] });

runner.step('language switches to English and is remembered', async () => {
  await page.getByRole('button', { name: 'EN' }).click();
  await page.getByRole('link', { name: 'Sign in' }).waitFor();
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  await page.reload();
  await page.getByRole('link', { name: 'Sign in' }).waitFor();
  await page.getByRole('button', { name: 'FR' }).click();
  await page.getByRole('link', { name: 'Se connecter' }).waitFor();
}, { needs: ['catalogue opens in French'] });

runner.step('a compound the visitor may not see reads as not found', async () => {
  await page.goto(server.url + '/compounds/CMP-000001');
  const alert = page.getByRole('alert');
  await alert.waitFor();
  assert.match(await text(alert), /Introuvable/);
});

runner.step('unknown pages say so', async () => {
  await page.goto(server.url + '/no/such/page');
  await page.getByRole('heading', { name: 'Page introuvable' }).waitFor();
});

runner.step('registration asks anonymous visitors to sign in', async () => {
  await page.goto(server.url + '/register');
  await page.getByRole('link', { name: 'Connectez-vous pour accéder à cette page.' }).waitFor();
});

runner.step('search by formula answers with a count', async () => {
  await page.goto(server.url + '/search?q=C8H10O3');
  await page.getByRole('heading', { level: 1, name: 'Recherche' }).waitFor();
  await page.getByText('0 résultat(s)').waitFor();
  await shot(page, 'search');
});

runner.step('every asset comes from the Argan server', async () => {
  const foreign = [];
  const p = await anonymous.newPage();
  p.on('request', (r) => {
    if (!r.url().startsWith(server.url) && !r.url().startsWith('data:')) foreign.push(r.url());
  });
  await p.goto(server.url + '/');
  await p.getByRole('heading', { level: 1 }).waitFor();
  await p.waitForLoadState('networkidle');
  await p.close();
  assert.deepEqual(foreign, []);
});

runner.step('no script errors on the pages visited', async () => {
  assert.deepEqual(consoleErrors, []);
});

let ok = false;
try {
  ok = await runner.run(anonymous);
} finally {
  await browser.close().catch(() => {});
  await server.stop();
  fs.rmSync(work, { recursive: true, force: true });
}
process.exit(ok ? 0 : 1);
