// Browser tests of the waste pages (issue #16), run by ctest as web.waste:
//   node tests/web/waste.mjs <path to the argan binary>
// A real `argan serve --demo` and Debian's Chromium: a collector records a collection by
// clicking on a phone-width screen (375 x 812), a chemistry start-up opens the genealogy of
// its demo product batch (drawn as SVG down to the waste lots and sources), and the
// circularity dashboard shows the tonnes the API computes. Screenshots go next to the binary
// (or $ARGAN_SCREENSHOT_DIR). Exits 77 (skipped) when the browser prerequisites are absent.
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
const work = tempDir('argan-waste-');
const db = path.join(work, 'argan.db');
const PHONE = { width: 375, height: 812 };
const DESKTOP = { width: 1366, height: 900 };
const PASSWORD = 'argan-Test-pa55word';

argan(binary, ['migrate', '--db', db]);
const server = await startServer(binary, db, ['--demo']);
const browser = await launchBrowser();
const runner = new Runner(screenshotDir);
const pages = [];
const pageErrors = [];
const foreign = [];

async function startUpId(prefix) {
  const body = await (await fetch(server.url + '/api/start-ups')).json();
  const s = body.items.find((x) => x.name.startsWith(prefix));
  if (!s) throw new Error('no demo start-up ' + prefix);
  return String(s.id);
}
const recycloil = await startUpId("Recycl'Oil");
const souss = await startUpId('Souss');
for (const [email, startUp] of [['collecte@recycloil.test', recycloil], ['chimie@souss.test', souss]]) {
  argan(binary, ['user', 'add', '--db', db, '--email', email, '--role', 'member', '--start-up', startUp, '--name', email], PASSWORD + '\n');
}

async function signedIn(email, viewport) {
  const context = await browser.newContext({ viewport, locale: 'fr-FR', isMobile: viewport.width < 500, hasTouch: viewport.width < 500 });
  context.on('request', (r) => {
    if (!r.url().startsWith(server.url) && !/^(data|blob):/.test(r.url())) foreign.push(r.url());
  });
  const p = await context.newPage();
  p.setDefaultTimeout(20000);
  p.on('pageerror', (e) => pageErrors.push(email + ': ' + String(e)));
  pages.push(p);
  await p.goto(server.url + '/login');
  await p.getByLabel('Adresse e-mail').fill(email);
  await p.getByLabel('Mot de passe').fill(PASSWORD);
  await p.getByRole('button', { name: 'Se connecter' }).click();
  // Signed in, the login page leads on (at phone width the session menu is folded behind "Menu").
  await p.waitForURL((u) => !u.pathname.startsWith('/login'));
  await p.getByRole('heading', { level: 1 }).waitFor();
  return p;
}

async function apiJson(p, pathname) {
  const r = await p.request.get(server.url + pathname);
  assert.equal(r.status(), 200, pathname);
  return r.json();
}

const state = {};

runner.step('a collector records a collection by clicking at phone width', async () => {
  const p = await signedIn('collecte@recycloil.test', PHONE);
  state.collector = p;
  // Through the folded phone menu, as the collector would.
  await p.getByRole('button', { name: 'Menu' }).click();
  await p.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Déchets', exact: true }).click();
  await p.getByRole('heading', { level: 1, name: 'Collectes et stocks' }).waitFor();
  const before = await apiJson(p, '/api/lots/stock');
  const form = p.locator('section.collect');
  await form.getByLabel('Flux de déchets').selectOption('used_cooking_oil');
  await form.getByLabel('Source').selectOption({ label: 'Hôtel Atlantique (demo)' });
  await form.getByLabel('Masse nette').fill('215');
  await form.getByRole('button', { name: 't', exact: true }).click();
  await form.getByRole('button', { name: 'kg', exact: true }).click();
  await form.getByText('Contenant, transport et mesures').click();
  await form.getByLabel('Contenant', { exact: true }).selectOption('drum');
  await form.getByLabel('Véhicule').selectOption('van');
  await form.getByLabel('Distance (km)').fill('9');
  await p.screenshot({ path: path.join(screenshotDir, 'waste-collection-phone.png'), fullPage: true });
  await form.getByRole('button', { name: 'Enregistrer la collecte' }).click();
  const notice = form.getByRole('status');
  await notice.waitFor();
  const id = (await notice.innerText()).match(/LOT-\d{6,}/)[0];
  const lot = await apiJson(p, '/api/lots/' + id);
  assert.equal(lot.net_mass.kg, 215);
  assert.equal(lot.stream, 'used_cooking_oil');
  assert.equal(lot.source.name, 'Hôtel Atlantique (demo)');
  assert.equal(lot.transport.vehicle, 'van');
  assert.ok(lot.transport.co2e_kg > 0);
  // The stock per stream follows.
  const after = await apiJson(p, '/api/lots/stock');
  assert.equal(Math.round((after.remaining_kg - before.remaining_kg) * 1000) / 1000, 215);
  const oil = p.locator('.stock-list li[data-stream="used_cooking_oil"]');
  await oil.waitFor();
  // Nothing is wider than the phone.
  const width = await p.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= PHONE.width + 1, `page is ${width}px wide at phone width`);
  state.newLot = id;
});

runner.step('a field error is shown next to the mass at phone width', async () => {
  const p = state.collector;
  const form = p.locator('section.collect');
  await form.getByLabel('Masse nette').fill('-3');
  await form.getByRole('button', { name: 'Enregistrer la collecte' }).click();
  const field = form.locator('.field.has-error');
  await field.getByRole('alert').waitFor();
  assert.match(await field.innerText(), /Masse nette/);
}, { needs: ['a collector records a collection by clicking at phone width'] });

runner.step('the collector shares the new lot with the cluster from its page', async () => {
  const p = state.collector;
  await p.goto(server.url + '/lots/' + state.newLot);
  await p.getByRole('heading', { level: 1, name: new RegExp(state.newLot) }).waitFor();
  await p.getByLabel('Visibilité').selectOption('cluster');
  await p.getByRole('button', { name: 'Changer la visibilité' }).click();
  const dialog = p.getByRole('dialog', { name: 'Changer la visibilité ?' });
  await dialog.getByText('Toutes les start-ups du cluster').waitFor();
  await dialog.getByRole('button', { name: 'Partager avec le cluster' }).click();
  await dialog.waitFor({ state: 'detached' });
  let lot = null;
  for (let i = 0; i < 50 && (!lot || lot.visibility !== 'cluster'); i++) {
    if (lot) await p.waitForTimeout(100);
    lot = await apiJson(p, '/api/lots/' + state.newLot);
  }
  assert.equal(lot.visibility, 'cluster');
  await p.goto(server.url + '/waste');
  await p.getByRole('heading', { level: 1, name: 'Collectes et stocks' }).waitFor();
}, { needs: ['a collector records a collection by clicking at phone width'] });

runner.step('the collector offers part of the new lot to Souss Bio-Solvents', async () => {
  const p = state.collector;
  const row = p.locator('.lot-list li', { hasText: state.newLot });
  await row.getByRole('button', { name: 'Transférer' }).click();
  await row.getByLabel('Vers la start-up').selectOption({ label: 'Souss Bio-Solvents (demo)' });
  await row.getByLabel('Quantité').fill('200');
  await row.getByRole('button', { name: 'Proposer le transfert' }).click();
  const notice = p.locator('section[aria-labelledby="recent-lots"] .notice');
  await notice.waitFor();
  state.transfer = (await notice.innerText()).match(/TRF-\d{6,}/)[0];
}, { needs: ['a collector records a collection by clicking at phone width'] });

runner.step('the receiver accepts the transfer', async () => {
  const p = await signedIn('chimie@souss.test', DESKTOP);
  state.chemist = p;
  await p.goto(server.url + '/waste');
  const row = p.locator('section[aria-labelledby="incoming"] li', { hasText: state.transfer });
  await row.getByRole('button', { name: 'Accepter' }).click();
  await row.waitFor({ state: 'detached' });
  const t = await apiJson(p, '/api/transfers/' + state.transfer);
  assert.equal(t.status, 'accepted');
  assert.match(t.received_lot, /^LOT-\d{6,}$/);
}, { needs: ['the collector offers part of the new lot to Souss Bio-Solvents'] });

runner.step('the genealogy of a demo product batch is drawn down to its waste lots and sources', async () => {
  const p = state.chemist || (await signedIn('chimie@souss.test', DESKTOP));
  state.chemist = p;
  // The FAME bio-degreaser batch: the batch a received lot of used cooking oil went into.
  const received = await apiJson(p, '/api/transfers?direction=in&status=accepted');
  let batch = null;
  for (const t of received.items) {
    const lot = await apiJson(p, '/api/lots/' + t.received_lot);
    const use = lot.uses.find((u) => u.batch);
    if (use) batch = use.batch;
  }
  assert.ok(batch, 'a demo batch made from a received lot');
  await p.goto(server.url + '/trace?id=' + batch);
  const graph = p.getByTestId('genealogy-graph');
  await graph.waitFor();
  const api = await apiJson(p, `/api/batches/${batch}/genealogy`);
  const drawn = await graph.locator('g.trace-node').evaluateAll((nodes) => nodes.map((n) => [n.dataset.id, n.dataset.kind]));
  assert.deepEqual(drawn.map((d) => d[0]).sort(), api.nodes.map((n) => n.id).sort());
  const kinds = new Set(drawn.map((d) => d[1]));
  for (const k of ['batch', 'route_step', 'lot', 'transformation', 'source', 'start_up']) assert.ok(kinds.has(k), 'a ' + k + ' node');
  assert.ok(drawn.filter((d) => d[1] === 'lot').length >= 3, 'the received, filtered and collected lots');
  assert.equal(await graph.locator('g.trace-edge').count(), api.edges.length);
  await graph.locator('g.trace-node[data-kind="start_up"] text', { hasText: "Recycl'Oil Casablanca (demo)" }).waitFor();
  // The receiving start-up never sees the restaurants' names.
  assert.equal(await p.getByText('Restaurant Le Doukkala (demo)').count(), 0);
  await p.screenshot({ path: path.join(screenshotDir, 'waste-genealogy.png'), fullPage: true });
  const csv = await p.request.get(server.url + `/api/batches/${batch}/genealogy?format=csv`);
  assert.equal(csv.status(), 200);
  assert.equal((await csv.text()).trim().split('\n').length, api.edges.length + 1);
});

runner.step('the circularity dashboard shows the tonnes the lots add up to', async () => {
  const p = state.chemist;
  await p.goto(server.url + '/circularity');
  const chart = p.getByTestId('tonnes-chart');
  await chart.waitFor();
  await p.getByTestId('flows-sankey').waitFor();
  const figures = await apiJson(p, '/api/circularity');
  // A start-up member is told which lots are counted: not other start-ups' private lots.
  assert.equal(figures.counted, 'visible');
  assert.match(await p.getByTestId('counted').innerText(), /lots privés des autres start-ups ne le sont pas/);
  const shown = Number(await p.locator('[data-figure="collected"]').getAttribute('data-tonnes'));
  assert.equal(shown, figures.totals.collected_t);
  const bars = await chart.locator('rect[data-tonnes]').evaluateAll((rs) => rs.reduce((s, r) => s + Number(r.dataset.tonnes), 0));
  assert.ok(Math.abs(bars - figures.totals.collected_t) < 1e-6, `bars ${bars} vs ${figures.totals.collected_t}`);
  const ribbons = await p.getByTestId('flows-sankey').locator('path[data-tonnes]').count();
  assert.equal(ribbons, figures.flows.length);
  await p.screenshot({ path: path.join(screenshotDir, 'waste-circularity.png'), fullPage: true });
});

runner.step('no page error and no request leaves the Argan server', async () => {
  assert.deepEqual(pageErrors, []);
  assert.deepEqual(foreign, []);
});

let ok = false;
try {
  ok = await runner.run({ pages: () => pages });
} finally {
  await browser.close();
  await server.stop();
  fs.rmSync(work, { recursive: true, force: true });
}
process.exit(ok ? 0 : 1);
