// Browser test of the substance pages (issue #15), run by ctest as web.substances:
//   node tests/web/substances.mjs <path to the argan binary>
// A member of a demo start-up registers an olive-mill wastewater extract with three
// constituents by clicking — one picked from the registry, one typed as a structure, one
// named — then records a batch whose certificate is out of specification, finds the extract by
// a constituent's substructure, checks that visitors do not see it, makes a product of it,
// feeds it to a synthesis step (by mass: atom economy does not apply), imports its own export
// again (nothing changes) and retires it.
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
const work = tempDir('argan-web-substances-');
const db = path.join(work, 'argan.db');
const VIEWPORT = { width: 1366, height: 900 };
const PASSWORD = 'argan-Test-pa55word';

argan(binary, ['migrate', '--db', db]);
const server = await startServer(binary, db, ['--demo']);
const browser = await launchBrowser();
const runner = new Runner(screenshotDir);
const consoleErrors = [];
const state = {};

async function shot(page, name) {
  await page.waitForFunction(() => [...document.images].every((i) => i.complete), null, { timeout: 10000 }).catch(() => {});
  await page.screenshot({ path: path.join(screenshotDir, name + '.png'), fullPage: true });
}

async function startUpId(prefix) {
  const body = await (await fetch(server.url + '/api/start-ups')).json();
  const s = body.items.find((x) => x.name.startsWith(prefix));
  if (!s) throw new Error('no demo start-up ' + prefix);
  return String(s.id);
}
// Records are numbered by their creation time, not 1, 2, 3 (docs/threat-model.md, "Record
// numbers"): hydroxytyrosol, the first compound the demo registers and publishes, is the
// lowest-numbered public compound.
const HT = await (async () => {
  const res = await fetch(server.url + '/api/compounds?page_size=100');
  if (!res.ok) throw new Error('/api/compounds answered ' + res.status);
  const number = (code) => Number(code.replace(/^CMP-/, ''));
  return (await res.json()).items.map((c) => c.id).sort((a, b) => number(a) - number(b))[0];
})();
argan(binary, ['user', 'add', '--db', db, '--email', 'chemist@zitoun.test', '--role', 'member', '--name', 'Karim Chimiste',
  '--start-up', await startUpId('Zitoun')], PASSWORD + '\n');

async function signedIn(email) {
  const context = await browser.newContext({ viewport: VIEWPORT, locale: 'fr-FR' });
  const p = await context.newPage();
  p.setDefaultTimeout(20000);
  p.on('pageerror', (e) => consoleErrors.push(email + ': ' + String(e)));
  await p.goto(server.url + '/login');
  await p.getByLabel('Adresse e-mail').fill(email);
  await p.getByLabel('Mot de passe').fill(PASSWORD);
  await p.getByRole('button', { name: 'Se connecter' }).click();
  await p.getByRole('button', { name: 'Se déconnecter' }).waitFor();
  return p;
}

runner.step('visitors see the published demo substances', async () => {
  const context = await browser.newContext({ viewport: VIEWPORT, locale: 'fr-FR' });
  const p = await context.newPage();
  p.on('pageerror', (e) => consoleErrors.push('anonymous: ' + String(e)));
  state.visitor = p;
  await p.goto(server.url + '/');
  await p.getByRole('link', { name: 'Substances' }).click();
  await p.getByRole('heading', { level: 1, name: 'Substances' }).waitFor();
  await p.getByRole('link', { name: 'Argan nut-shell activated carbon (H3PO4)' }).waitFor();
  assert.equal(await p.getByRole('link', { name: /Moroccan thyme essential oil/ }).count(), 0);
});

runner.step('a member registers an extract with three constituents by clicking', async () => {
  const p = await signedIn('chemist@zitoun.test');
  state.member = p;
  await p.getByRole('link', { name: 'Substances' }).click();
  await p.getByRole('link', { name: 'Enregistrer une substance' }).click();
  await p.getByRole('heading', { level: 1, name: 'Enregistrer une substance' }).waitFor();
  await p.getByLabel('Nom', { exact: true }).fill('Extrait de margines enrichi');
  await p.getByLabel('Type de substance').selectOption('uvcb');
  await p.getByLabel('Flux de déchets').fill('margines (huileries trois phases)');
  await p.getByLabel('Procédé').fill('extraction à l’acétate d’éthyle, évaporation');
  // 1: hydroxytyrosol, picked from the registry (the demo's first public compound, HT).
  await p.getByLabel('Identifié par (1)').selectOption('registry');
  await p.getByLabel('Composé (CMP-…) (1)').selectOption(HT);
  await p.getByLabel('Typique % (1)').fill('15');
  await p.getByLabel('Min % (1)').fill('10');
  await p.getByLabel('Max % (1)').fill('20');
  await p.getByLabel('Méthode d’analyse (1)').fill('HPLC-DAD, 280 nm');
  // 2: tyrosol, typed as a structure (linked to the start-up's registered tyrosol).
  await p.getByRole('button', { name: 'Ajouter un constituant' }).click();
  await p.getByLabel('Identifié par (2)').selectOption('draw');
  await p.getByLabel('ou SMILES (2)').fill('OCCc1ccc(O)cc1');
  await p.getByLabel('Nom du constituant (2)').fill('tyrosol');
  await p.getByLabel('Typique % (2)').fill('3');
  // 3: the unidentified rest, by name.
  await p.getByRole('button', { name: 'Ajouter un constituant' }).click();
  await p.getByLabel('Nom du constituant (3)').fill('fraction phénolique non identifiée');
  await p.getByLabel('Typique % (3)').fill('82');
  await p.getByText('Total actuel : 100 %').waitFor();
  await p.getByRole('button', { name: 'Ajouter une propriété' }).click();
  await p.getByLabel('Propriété (1)').selectOption('total_polyphenols_gae');
  await p.getByLabel(/^Typique \(mg GAE\/g\) \(1\)/).fill('310');
  await shot(p, 'substance-register');
  await p.getByRole('button', { name: 'Enregistrer la substance' }).click();
  await p.waitForURL(/\/substances\/SUB-\d{6,12}\?registered=new_substance/);
  state.id = p.url().match(/SUB-\d{6,12}/)[0];
  await p.getByRole('heading', { level: 1, name: 'Extrait de margines enrichi' }).waitFor();
  await p.getByText('Substance enregistrée.').waitFor();
  assert.equal(await p.getByTestId('chart-row').count(), 3);
  const rows = p.getByTestId('constituents').locator('tbody tr');
  assert.equal(await rows.count(), 3);
  assert.match(await rows.nth(0).innerText(), new RegExp(HT));
  assert.match(await rows.nth(1).innerText(), /tyrosol/);
}, { needs: ['visitors see the published demo substances'] });

runner.step('a batch with its certificate is flagged out of specification', async () => {
  const p = state.member;
  await p.getByRole('button', { name: 'Ajouter un lot' }).click();
  const form = p.locator('form.add-batch');
  await form.getByLabel('Quantité').fill('5');
  await form.getByLabel('N° de certificat').fill('COA-2026-11');
  await form.getByLabel('Laboratoire').fill('Labo QC Zitoun');
  await form.getByLabel(new RegExp('Valeur mesurée — ' + HT)).fill('24');
  await form.getByLabel(/Valeur mesurée — tyrosol/).fill('2.5');
  await form.getByRole('button', { name: 'Enregistrer le lot' }).click();
  const batch = p.getByTestId('substance-batch');
  await batch.getByText('Hors spécification').waitFor();
  await batch.getByText('au-dessus de la spécification').waitFor();
  // Tyrosol has a typical value only: measured, but without a range to judge against.
  await batch.getByRole('row', { name: /tyrosol/ }).getByText('pas d’intervalle').waitFor();
  await shot(p, 'substance');
}, { needs: ['a member registers an extract with three constituents by clicking'] });

runner.step('the extract is found by a constituent above 10 %', async () => {
  const p = state.member;
  await p.goto(server.url + '/substances');
  await p.getByLabel('Structure recherchée (SMILES ou SMARTS)').fill('c1ccc(O)c(O)c1');
  await p.getByLabel('Constituant ≥ %').fill('10');
  await p.getByRole('button', { name: 'Rechercher' }).click();
  const hits = p.getByTestId('substance-hits');
  await hits.getByRole('link', { name: 'Extrait de margines enrichi' }).waitFor();
  assert.match(await hits.innerText(), new RegExp(HT + ' 15 %'));
  // The demo's hydroxytyrosol concentrate (0.72 %) is below the threshold.
  assert.doesNotMatch(await hits.innerText(), /concentrate/);
}, { needs: ['a member registers an extract with three constituents by clicking'] });

runner.step('visitors and other start-ups do not see the unpublished extract', async () => {
  const p = state.visitor;
  await p.goto(server.url + '/substances/' + state.id);
  assert.match(await p.getByRole('alert').innerText(), /Introuvable/);
  const res = await p.request.get(server.url + '/api/substances/' + state.id);
  assert.equal(res.status(), 404);
  const search = await p.request.post(server.url + '/api/search', {
    data: { scope: 'substances', type: 'substructure', query: 'c1ccc(O)c(O)c1' },
  });
  const body = await search.json();
  assert.ok(!body.hits.some((h) => h.substance.id === state.id));
}, { needs: ['a member registers an extract with three constituents by clicking'] });

runner.step('a mixture typed as a compound leads to the substance form, its components filled in', async () => {
  const p = state.member;
  await p.goto(server.url + '/register');
  await p.getByRole('tab', { name: 'SMILES' }).click();
  // Thymol and carvacrol: two organic components, not a salt or a solvate.
  await p.getByRole('textbox', { name: 'SMILES' }).fill('Cc1ccc(C(C)C)c(O)c1.Cc1ccc(C(C)C)cc1O');
  await p.getByTestId('mixture-notice').getByRole('link', { name: 'Enregistrer ce mélange comme substance' }).click();
  await p.getByRole('heading', { level: 1, name: 'Enregistrer une substance' }).waitFor();
  assert.equal(await p.getByLabel('Type de substance').inputValue(), 'multi_constituent');
  assert.match(await p.getByLabel('ou SMILES (1)').inputValue(), /c1/);
  assert.match(await p.getByLabel('ou SMILES (2)').inputValue(), /c1/);
}, { needs: ['a member registers an extract with three constituents by clicking'] });

runner.step('a product is made of the extract', async () => {
  const p = state.member;
  await p.getByRole('link', { name: 'Produits', exact: true }).click();
  await p.getByRole('button', { name: 'Nouveau produit' }).click();
  await p.getByLabel('Nom du produit').fill('Sérum Zitoun aux polyphénols');
  await p.getByLabel('Fait de').selectOption('substance');
  await p.getByLabel('Substance', { exact: true }).fill(state.id);
  await p.getByRole('button', { name: 'Créer le produit' }).click();
  const card = p.locator('.product-card', { hasText: 'Sérum Zitoun aux polyphénols' });
  await card.waitFor();
  const productId = await card.getAttribute('data-product');
  await p.goto(server.url + '/products/' + productId);
  await p.getByRole('link', { name: 'Extrait de margines enrichi' }).click();
  await p.getByRole('heading', { level: 1, name: 'Extrait de margines enrichi' }).waitFor();
  await p.getByRole('region', { name: 'Produits' }).getByRole('link', { name: 'Sérum Zitoun aux polyphénols' }).waitFor();
}, { needs: ['a member registers an extract with three constituents by clicking'] });

runner.step('the extract feeds a synthesis step, counted by its mass', async () => {
  const p = state.member;
  await p.goto(server.url + '/routes/new?target=' + HT);
  const step = p.locator('fieldset[data-step="1"]');
  await step.getByLabel('Réaction (étape 1) : SMILES de réaction ou fichier RXN collé').fill('CC(=O)O.OCC>>CC(=O)OCC.O');
  await step.getByRole('button', { name: 'Ajouter un solvant ou un réactif' }).click();
  const row = step.locator('.extra-row[data-extra="0"]');
  await row.getByLabel('Solvant ou réactif').fill(state.id);
  await row.getByText('Substance du registre : comptée par sa masse').waitFor();
  await row.getByLabel('Quantité').fill('10');
  // Without a representative constituent atom economy does not apply; PMI still counts it.
  const live = p.getByTestId('metrics-1');
  await live.locator('tr[data-metric="atom_economy"]').getByText('ne s’applique pas').waitFor();
  // Naming a compound that is not one of the extract's constituents is refused in its row.
  const extract = await (await p.request.get(server.url + '/api/substances/' + state.id)).json();
  const constituents = extract.constituents.filter((k) => k.compound).map((k) => k.compound.id);
  const compounds = await (await p.request.get(server.url + '/api/compounds?page_size=50')).json();
  const other = compounds.items.map((c) => c.id).find((id) => !constituents.includes(id));
  await row.getByLabel('Constituant représentatif (CMP-…)').fill(other);
  await row.getByRole('alert').getByText(/not a registered constituent/).waitFor();
}, { needs: ['a member registers an extract with three constituents by clicking'] });

runner.step('the exported file imported again changes nothing', async () => {
  const p = state.member;
  await p.goto(server.url + '/substances');
  // The start-up's own substances (the public ones of other start-ups would be new to it).
  const exported = await p.request.get(server.url + '/api/export/substances?format=csv&start_up=' + (await startUpId('Zitoun')));
  assert.equal(exported.status(), 200);
  const csv = await exported.text();
  assert.match(csv, new RegExp(state.id + ',Extrait de margines enrichi,uvcb'));
  assert.equal(await p.getByRole('group', { name: 'Exporter les substances :' }).getByRole('link').count(), 2);
  await p.getByText('Importer des substances (CSV ou JSON)').click();
  await p.getByLabel('Fichier', { exact: true }).setInputFiles({ name: 'substances.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await p.getByRole('button', { name: 'Importer', exact: true }).click();
  const report = p.getByTestId('substance-import-report');
  await report.getByText(/0 nouvelle\(s\) · 0 nouveau\(x\) lot\(s\) · \d+ déjà enregistrée\(s\) · 0 refusée\(s\)/).waitFor();
  await report.getByRole('row', { name: new RegExp(state.id) }).getByText('déjà enregistrée').waitFor();
}, { needs: ['a member registers an extract with three constituents by clicking'] });

runner.step('retiring the extract keeps it readable, with its reason', async () => {
  const p = state.member;
  await p.goto(server.url + '/substances/' + state.id);
  await p.getByRole('button', { name: 'Retirer', exact: true }).click();
  const dialog = p.getByRole('dialog');
  await dialog.getByRole('textbox').fill('remplacé par un extrait plus concentré');
  await dialog.getByRole('button', { name: 'Retirer' }).click();
  await p.getByText('Retirée : remplacé par un extrait plus concentré').waitFor();
  assert.equal(await p.getByRole('button', { name: 'Ajouter un lot' }).count(), 0);
}, { needs: ['a member registers an extract with three constituents by clicking'] });

runner.step('no script errors on the pages visited', async () => {
  assert.deepEqual(consoleErrors, []);
});

let ok = false;
try {
  ok = await runner.run({ pages: () => browser.contexts().flatMap((c) => c.pages()) });
} finally {
  await browser.close().catch(() => {});
  await server.stop();
  fs.rmSync(work, { recursive: true, force: true });
}
process.exit(ok ? 0 : 1);
