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
for (const f of fs.readdirSync(screenshotDir)) if (f.startsWith('FAILED-')) fs.rmSync(path.join(screenshotDir, f));
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

// ---- Signed-in flows (sessions: POST /api/session) ----------------------------------------

const PASSWORD = 'argan-Test-pa55word';
async function startUpId(prefix) {
  const res = await fetch(server.url + '/api/start-ups');
  const body = await res.json();
  const s = body.items.find((x) => x.name.startsWith(prefix));
  if (!s) throw new Error('no demo start-up ' + prefix);
  return String(s.id);
}
const zitoun = await startUpId('Zitoun');
for (const [email, role, name, startUp] of [
  ['lead@zitoun.test', 'lead', 'Lina Lead', zitoun],
  ['member@zitoun.test', 'member', 'Karim Chimiste', zitoun],
  ['partner@industrie.test', 'partner', 'Partenaire Industriel', null],
  ['admin@argan.test', 'admin', 'Admin Cluster', null],
]) {
  const args = ['user', 'add', '--db', db, '--email', email, '--role', role, '--name', name];
  if (startUp) args.push('--start-up', startUp);
  argan(binary, args, PASSWORD + '\n');
}

// A fresh browser context (its own cookies) signed in as `email` through the login form.
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

const state = {};

runner.step('a wrong password is refused next to the form', async () => {
  await page.goto(server.url + '/login');
  await page.getByLabel('Adresse e-mail').fill('member@zitoun.test');
  await page.getByLabel('Mot de passe').fill('not the password');
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.getByRole('alert').waitFor();
  await shot(page, 'login');
});

runner.step('member signs in and sees the start-up dashboard', async () => {
  state.member = await signedIn('member@zitoun.test');
  const p = state.member;
  await p.waitForURL(/\/dashboard$/);
  await p.getByRole('heading', { level: 1, name: /Zitoun Bio-Actives/ }).waitFor();
  await p.locator('.compound-card').first().waitFor();
  await shot(p, 'dashboard');
});

runner.step('member registers a compound by SMILES after the preview verdict', async () => {
  const p = state.member;
  await p.getByRole('link', { name: 'Enregistrer', exact: true }).click();
  await p.getByRole('heading', { level: 1, name: 'Enregistrer un composé' }).waitFor();
  await p.getByRole('textbox', { name: 'SMILES' }).fill('OCCc1ccc(O)c(OC)c1');
  const verdict = p.getByTestId('verdict');
  await verdict.getByText('Nouveau parent').waitFor();
  assert.match(await text(verdict), /C9H12O3/);
  await p.getByLabel('Quantité').fill('2.5');
  await p.getByLabel('Pureté (%)').fill('98.5');
  await p.getByLabel('Chercheur').fill('Karim Chimiste');
  await p.getByLabel('Réf. cahier de labo').fill('ZB-2026-031');
  await shot(p, 'register');
  await p.getByRole('button', { name: 'Enregistrer le composé' }).click();
  await p.waitForURL(/\/compounds\/CMP-\d{6}\?registered=new_compound/);
  state.compoundId = p.url().match(/CMP-\d{6}/)[0];
}, { needs: ['member signs in and sees the start-up dashboard'] });

runner.step('the compound page shows structure, identity, properties and the batch', async () => {
  const p = state.member;
  await p.getByRole('heading', { level: 1, name: state.compoundId }).waitFor();
  await p.getByText('Nouveau parent enregistré').waitFor();
  await p.getByText('InChIKey', { exact: true }).waitFor();
  await p.getByRole('heading', { name: 'Propriétés calculées' }).waitFor();
  const batchRow = p.getByRole('row', { name: new RegExp(state.compoundId + '-F1-B001') });
  await batchRow.waitFor();
  assert.match(await text(batchRow), /2,5 g/);
  assert.match(await text(batchRow), /ZB-2026-031/);
  await p.getByRole('heading', { name: 'Historique' }).waitFor();
  await shot(p, 'compound');
}, { needs: ['member registers a compound by SMILES after the preview verdict'] });

runner.step('a structure error is shown next to the SMILES field', async () => {
  const p = state.member;
  await p.goto(server.url + '/register');
  await p.getByRole('textbox', { name: 'SMILES' }).fill('C1CC(');
  const field = p.locator('.field.has-error');
  await field.getByRole('alert').waitFor();
  assert.match(await text(field), /SMILES/);
}, { needs: ['member signs in and sees the start-up dashboard'] });

runner.step('the Ketcher editor draws a structure that reaches the preview', async () => {
  const p = state.member;
  await p.goto(server.url + '/register');
  await p.getByRole('tab', { name: 'Dessiner' }).click();
  await p.waitForFunction(() => window.ketcher && window.ketcher.editor, null, { timeout: 60000 });
  await p.evaluate(() => window.ketcher.setMolecule('Oc1ccccc1'));
  await p.getByTestId('verdict').getByText('C6H6O').waitFor({ timeout: 30000 });
  await shot(p, 'register-editor');
}, { needs: ['member signs in and sees the start-up dashboard'] });

runner.step('the lead publishes the compound; its history records it', async () => {
  const p = await signedIn('lead@zitoun.test');
  state.lead = p;
  await p.goto(server.url + '/compounds/' + state.compoundId);
  await p.getByLabel('Visibilité').selectOption('public');
  await p.getByRole('button', { name: 'Changer la visibilité' }).click();
  await p.locator('.page-header .badge').getByText('Public').waitFor();
  await p.getByText('Changement de visibilité').waitFor();
}, { needs: ['member registers a compound by SMILES after the preview verdict'] });

runner.step('a partner sees the public catalogue but not a private compound', async () => {
  const p = await signedIn('partner@industrie.test');
  state.partner = p;
  await p.waitForURL(server.url + '/');
  const card = p.locator('.compound-card', { hasText: state.compoundId });
  await card.waitFor();
  assert.equal(await p.locator('.compound-card').count(), 1);
  await shot(p, 'catalogue');
  // CMP-000001 is a demo compound that Zitoun has not published.
  await p.goto(server.url + '/compounds/CMP-000001');
  assert.match(await text(p.getByRole('alert')), /Introuvable/);
  assert.equal(await p.getByRole('link', { name: 'Enregistrer', exact: true }).count(), 0);
}, { needs: ['the lead publishes the compound; its history records it'] });

runner.step('the administrator manages users and start-ups', async () => {
  const p = await signedIn('admin@argan.test');
  await p.getByRole('link', { name: 'Administration' }).click();
  await p.getByRole('heading', { name: 'Utilisateurs et rôles' }).waitFor();
  await p.getByRole('row', { name: /member@zitoun.test/ }).waitFor();
  await p.getByRole('button', { name: 'Ajouter un utilisateur' }).click();
  await p.getByLabel('Adresse e-mail').fill('nouveau@zitoun.test');
  await p.getByLabel('Rôle', { exact: true }).selectOption('member');
  await p.getByLabel('Start-up', { exact: true }).selectOption(zitoun);
  await p.getByRole('button', { name: 'Créer le compte' }).click();
  await p.getByText('Compte nouveau@zitoun.test créé.').waitFor();
  await shot(p, 'admin');
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
