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

const VIEWPORT = { width: 1366, height: 768 };

async function shot(page, name, { fullPage = false } = {}) {
  await page.evaluate(() => document.fonts && document.fonts.ready);
  // Depictions load lazily; wait until every image on the page has finished.
  await page.waitForFunction(() => [...document.images].every((i) => i.complete), null, { timeout: 10000 }).catch(() => {});
  await page.screenshot({ path: path.join(screenshotDir, name + '.png'), fullPage });
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

// Every request of every page must go to the Argan server (no CDN, no font service).
const foreignRequests = [];
function watchForeignRequests(context) {
  context.on('request', (r) => {
    if (!r.url().startsWith(server.url) && !/^(data|blob):/.test(r.url())) foreignRequests.push(r.url());
  });
}
watchForeignRequests(anonymous);

runner.step('catalogue opens in French', async () => {
  await page.goto(server.url + '/');
  await page.getByRole('heading', { level: 1, name: 'Catalogue' }).waitFor();
  assert.equal(await page.getAttribute('html', 'lang'), 'fr');
  await page.getByRole('link', { name: 'Se connecter' }).waitFor();
  await page.getByRole('searchbox', { name: 'Rechercher dans le catalogue' }).waitFor();
});


async function compoundCardIds(p) {
  return (await p.locator('.compound-card h3').allInnerTexts()).map((t) => t.trim()).sort();
}

runner.step('anonymous visitors see the published compounds and nothing else', async () => {
  await page.locator('.compound-card').first().waitFor();
  assert.deepEqual(await compoundCardIds(page), [...PUBLIC_DEMO].sort());
  for (const id of [PRIVATE_DEMO, CLUSTER_DEMO]) {
    const res = await page.request.get(server.url + '/api/compounds/' + id);
    assert.equal(res.status(), 404, id + ' must read as not found');
  }
  const listed = await (await page.request.get(server.url + '/api/compounds?page_size=100')).json();
  assert.deepEqual(listed.items.map((c) => c.id).sort(), [...PUBLIC_DEMO].sort());
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
  await page.goto(server.url + '/compounds/' + PRIVATE_DEMO);
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
  // C8H10O3 is hydroxytyrosol: public. Tyrosol (C8H10O2) is Zitoun's own: a visitor's search
  // must not find it.
  await page.goto(server.url + '/search?q=C8H10O3');
  await page.getByRole('heading', { level: 1, name: 'Recherche' }).waitFor();
  await page.getByText('1 résultat(s)').waitFor();
  assert.deepEqual(await compoundCardIds(page), [HYDROXYTYROSOL]);
  await page.goto(server.url + '/search?q=C8H10O2');
  await page.getByText('0 résultat(s)').waitFor();
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

// Records are numbered by their creation time, not 1, 2, 3 (docs/threat-model.md, "Record
// numbers"): the demo's compounds and products are found in the order the demo created them,
// as the administrator lists them.
const adminToken = argan(binary, ['token', 'create', '--db', db, '--email', 'admin@argan.test']).trim();
async function inCreationOrder(listPath) {
  const res = await fetch(server.url + listPath, { headers: { Authorization: 'Bearer ' + adminToken } });
  if (!res.ok) throw new Error(listPath + ' answered ' + res.status);
  const number = (code) => Number(code.replace(/^[A-Z]+-/, ''));
  return (await res.json()).items.map((x) => x.id).sort((a, b) => number(a) - number(b));
}
const demoCompounds = await inCreationOrder('/api/compounds?page_size=100');
const demoProducts = await inCreationOrder('/api/products?page_size=100');
const demoCompound = (n) => demoCompounds[n - 1];

// The demo data publishes seven compounds (hydroxytyrosol, the first it registers, glycerol
// carbonate, furfural, γ-valerolactone, carvacrol, ethyl lactate, methyl oleate) and keeps the
// others to their start-up (tyrosol, the second, …) or to the cluster (levulinic acid, the sixth).
const HYDROXYTYROSOL = demoCompound(1);
const PUBLIC_DEMO = [1, 4, 5, 7, 8, 11, 13].map(demoCompound);
const PRIVATE_DEMO = demoCompound(2);
const CLUSTER_DEMO = demoCompound(6);
const FIRST_DEMO_PRODUCT = demoProducts[0];

// A fresh browser context (its own cookies) signed in as `email` through the login form.
async function signedIn(email) {
  const context = await browser.newContext({ viewport: VIEWPORT, locale: 'fr-FR' });
  watchForeignRequests(context);
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
  await p.getByRole('tab', { name: 'SMILES' }).click();
  await p.getByRole('textbox', { name: 'SMILES' }).fill('OCCc1ccc(O)c(OC)c1');
  const verdict = p.getByTestId('verdict');
  await verdict.getByText('Nouveau parent').waitFor();
  assert.match(await text(verdict), /C9H12O3/);
  await p.getByLabel('Quantité').fill('2.5');
  await p.getByLabel('Pureté (%)').fill('98.5');
  await p.getByText('Chercheur, cahier de labo, stockage, notes').click();
  await p.getByLabel('Chercheur').fill('Karim Chimiste');
  await p.getByLabel('Réf. cahier de labo').fill('ZB-2026-031');
  await shot(p, 'register');
  await p.getByRole('button', { name: 'Enregistrer le composé' }).click();
  await p.waitForURL(/\/compounds\/CMP-\d{6,}\?registered=new_compound/);
  state.compoundId = p.url().match(/CMP-\d{6,}/)[0];
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
  // The tabs work from the keyboard: from "Dessiner", the right arrow selects "SMILES".
  await p.getByRole('tab', { name: 'Dessiner' }).focus();
  await p.keyboard.press('ArrowRight');
  assert.equal(await p.getByRole('tab', { name: 'SMILES' }).getAttribute('aria-selected'), 'true');
  await p.getByRole('textbox', { name: 'SMILES' }).fill('C1CC(');
  const field = p.locator('.field.has-error');
  await field.getByRole('alert').waitFor();
  assert.match(await text(field), /SMILES/);
  // The refusal goes away as soon as the structure changes.
  await p.getByRole('textbox', { name: 'SMILES' }).fill('C1CCOC1');
  await p.getByTestId('verdict').getByText('C4H8O').waitFor();
  assert.equal(await p.locator('.field.has-error').count(), 0);
}, { needs: ['member signs in and sees the start-up dashboard'] });

// Phenol as a V2000 Molfile (hydrogens implicit).
const PHENOL_MOLFILE = [
  'phenol', '  Argan', '',
  '  7  7  0  0  0  0  0  0  0  0999 V2000',
  '    1.2990    0.7500    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0',
  '    0.0000    1.5000    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0',
  '   -1.2990    0.7500    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0',
  '   -1.2990   -0.7500    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0',
  '    0.0000   -1.5000    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0',
  '    1.2990   -0.7500    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0',
  '    2.5981    1.5000    0.0000 O   0  0  0  0  0  0  0  0  0  0  0  0',
  '  1  2  2  0  0  0  0', '  2  3  1  0  0  0  0', '  3  4  2  0  0  0  0', '  4  5  1  0  0  0  0',
  '  5  6  2  0  0  0  0', '  6  1  1  0  0  0  0', '  1  7  1  0  0  0  0',
  'M  END', '',
].join('\n');

runner.step('an uploaded Molfile reaches the preview', async () => {
  const p = state.member;
  await p.goto(server.url + '/register');
  await p.getByRole('tab', { name: 'Fichier Molfile' }).click();
  await p.getByLabel('Fichier Molfile ou SD').first().setInputFiles({ name: 'phenol.mol', mimeType: 'chemical/x-mdl-molfile', buffer: Buffer.from(PHENOL_MOLFILE) });
  await p.getByTestId('verdict').getByText('C6H6O').waitFor({ timeout: 30000 });
}, { needs: ['member signs in and sees the start-up dashboard'] });

// ---- The structure editor (Ketcher), used with the mouse ------------------------------------

// Where Ketcher draws each atom, in the page's coordinates: what a person aims at.
async function atomsOnCanvas(p) {
  return p.evaluate(() => {
    const { editor } = window.ketcher;
    const origin = editor.render.page2obj({ clientX: 0, clientY: 0, pageX: 0, pageY: 0 });
    const far = editor.render.page2obj({ clientX: 100, clientY: 100, pageX: 100, pageY: 100 });
    const sx = 100 / (far.x - origin.x);
    const sy = 100 / (far.y - origin.y);
    return [...editor.struct().atoms.values()].map((a) => ({ label: a.label, x: (a.pp.x - origin.x) * sx, y: (a.pp.y - origin.y) * sy }));
  });
}

async function waitForEditor(p) {
  await p.getByTestId('ketcher').locator('[data-testid="template-0"]').waitFor({ timeout: 60000 });
  await p.waitForFunction(() => window.ketcher && window.ketcher.editor, null, { timeout: 60000 });
}

// Counts what a person does: clicks (a drag counts as one) and keystrokes, for the
// keystroke-level estimate (1.3 s a click, 0.28 s a key).
class Effort {
  constructor(p) {
    this.p = p;
    this.clicks = 0;
    this.keys = 0;
  }
  async click(locator) {
    this.clicks++;
    await locator.click();
  }
  async clickAt(x, y) {
    this.clicks++;
    await this.p.mouse.click(x, y);
  }
  async drag(from, to) {
    this.clicks++;
    await this.p.mouse.move(from.x, from.y);
    await this.p.mouse.down();
    await this.p.mouse.move((from.x + to.x) / 2, (from.y + to.y) / 2);
    await this.p.mouse.move(to.x, to.y);
    await this.p.mouse.up();
  }
  // Click into a field and type the text.
  async type(locator, text) {
    this.clicks++;
    this.keys += text.length;
    await locator.fill(text);
  }
  // Click into a field and paste (Ctrl+V) text the person has copied elsewhere.
  async paste(locator, text) {
    this.clicks++;
    this.keys += 2;
    await locator.fill(text);
  }
  // Open a drop-down and pick an option.
  async select(locator, value) {
    this.clicks += 2;
    await locator.selectOption(value);
  }
  get seconds() {
    return this.clicks * 1.3 + this.keys * 0.28;
  }
  report(label) {
    const s = this.seconds;
    console.log(`     ${label}: ${this.clicks} clicks, ${this.keys} keystrokes ≈ ${Math.floor(s / 60)} min ${Math.round(s % 60)} s (1.3 s a click, 0.28 s a key)`);
  }
}

async function compoundTotal(p, startUp) {
  const r = await apiFrom(p, 'GET', `/api/compounds?start_up=${startUp}&page_size=1`);
  assert.equal(r.status, 200);
  return r.body.total;
}

// Draws benzene with the ring tool, a chain of two single bonds out of it and an oxygen at its
// end: benzyl alcohol, by clicks and drags as a person does.
async function drawBenzylAlcohol(p, effort) {
  const editor = p.getByTestId('ketcher');
  await editor.scrollIntoViewIfNeeded();
  // Positions are read after each tool is picked: picking one may scroll the page.
  const topAtom = async () => (await atomsOnCanvas(p)).reduce((a, b) => (b.y < a.y ? b : a));
  await effort.click(editor.locator('[data-testid="template-0"]'));
  const box = await editor.boundingBox();
  await effort.clickAt(box.x + box.width / 2, box.y + box.height / 2);
  await p.waitForFunction(() => window.ketcher.editor.struct().atoms.size === 6);
  await effort.click(editor.locator('[data-testid="bonds"]'));
  const top = await topAtom();
  await effort.drag(top, { x: top.x, y: top.y - 60 });
  await p.waitForFunction(() => window.ketcher.editor.struct().atoms.size === 7);
  const next = await topAtom();
  await effort.drag(next, { x: next.x + 50, y: next.y - 30 });
  await p.waitForFunction(() => window.ketcher.editor.struct().atoms.size === 8);
  await effort.click(editor.locator('[data-testid="O-button"]'));
  const end = await topAtom();
  await effort.clickAt(end.x, end.y);
  await p.waitForFunction(() => [...window.ketcher.editor.struct().atoms.values()].some((a) => a.label === 'O'));
}

runner.step('every toolbar button of the structure editor leaves the registry unchanged', async () => {
  const p = state.member;
  await p.goto(server.url + '/register');
  await waitForEditor(p);
  const before = await compoundTotal(p, zitoun);
  const saves = [];
  const watch = (r) => {
    if (r.method() !== 'GET' && /\/api\/compounds(\?|$)/.test(new URL(r.url()).pathname)) saves.push(r.url());
  };
  p.on('request', watch);
  // A structure on the canvas, so that a stray submit would have something to register.
  const editor = p.getByTestId('ketcher');
  await editor.locator('[data-testid="template-0"]').click();
  const box = await editor.boundingBox();
  await p.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  await p.getByTestId('verdict').getByText('C6H6').waitFor({ timeout: 30000 });
  const names = await editor.locator('button:visible').evaluateAll((buttons) =>
    buttons.map((b, i) => {
      b.dataset.probe = String(i);
      return b.dataset.testid || b.title || b.textContent;
    }));
  assert.ok(names.length >= 40, `only ${names.length} toolbar buttons found`);
  let clicked = 0;
  const registerButton = p.getByRole('button', { name: 'Enregistrer le composé' });
  // Buttons that empty the canvas come last, so that every other one is clicked with a
  // structure ready to be registered.
  const emptying = /clear|erase|cut|undo/;
  const order = names.map((n, i) => i).sort((a, b) => emptying.test(names[a]) - emptying.test(names[b]));
  for (const i of order) {
    const button = editor.locator(`[data-probe="${i}"]`);
    if (!(await button.isVisible()) || !(await button.isEnabled())) continue;
    // Undo and the like empty the canvas: put a ring back (set-up, not the journey).
    if (await p.evaluate(() => window.ketcher.editor.struct().atoms.size === 0)) await p.evaluate(() => window.ketcher.setMolecule('c1ccccc1'));
    await registerButton.and(p.locator(':enabled')).waitFor();
    // The toolbar's scroll arrows move while the toolbar scrolls: click them where they are.
    await button.click({ timeout: 3000 }).catch(async () => {
      if (await button.isVisible()) await button.dispatchEvent('click');
    });
    clicked++;
    // Close whatever the button opened (file, settings, periodic table, structure library).
    for (let k = 0; k < 4 && (await p.locator('[class*="modalOverlay"]').count()); k++) {
      const close = p.locator('[class*="modalOverlay"] [class*="buttonTop"]').last();
      if (await close.count()) await close.click();
      else await p.keyboard.press('Escape');
    }
    await p.keyboard.press('Escape');
    if (await p.getByText('Structure Library', { exact: true }).isVisible()) await editor.locator('[data-testid="template-lib"]').click();
    assert.equal(new URL(p.url()).pathname, '/register', `the "${names[i]}" button left the page`);
  }
  p.off('request', watch);
  assert.ok(clicked >= 40, `only ${clicked} toolbar buttons could be clicked`);
  assert.deepEqual(saves, []);
  assert.equal(await compoundTotal(p, zitoun), before);
  await p.getByRole('heading', { level: 1, name: 'Enregistrer un composé' }).waitFor();
  assert.equal(await p.locator('.notice', { hasText: 'enregistré' }).count(), 0);
}, { needs: ['member signs in and sees the start-up dashboard'] });

// The journey of issue #19, counted: a researcher registers a drawn compound, records a
// two-step route from pasted reactions with amounts, and reads its metrics. Target: under 40
// clicks and 2 minutes by the keystroke-level estimate.
const JOURNEY_STEPS = [
  {
    reaction: 'OC(=O)c1ccccc1.CO>OS(=O)(=O)O>COC(=O)c1ccccc1.O',
    amounts: [['C7H6O2', '12.21'], ['Méthanol', '32'], ['H2O4S', '0.5'], ['C8H8O2', '12.25']],
    roles: [['H2O4S', 'catalyst']],
  },
  {
    reaction: 'COC(=O)c1ccccc1.[H][H].[H][H]>>OCc1ccccc1.CO',
    amounts: [['H2', '0.4'], ['Alcool benzylique', '8.65']],
    extras: [['Éthanol', '79', 'g']],
  },
];

runner.step('journey: a researcher registers a drawn compound, records a two-step route and reads its metrics', async () => {
  const p = state.member;
  await p.goto(server.url + '/dashboard');
  const effort = new Effort(p);
  await effort.click(p.getByRole('link', { name: 'Enregistrer', exact: true }));
  await waitForEditor(p);
  await drawBenzylAlcohol(p, effort);
  const verdict = p.getByTestId('verdict');
  await verdict.getByText('C7H8O').waitFor({ timeout: 30000 });
  await verdict.getByText('Nouveau parent').waitFor();
  await shot(p, 'register-editor');
  await effort.type(p.getByLabel('Quantité'), '2.5');
  await effort.click(p.getByRole('button', { name: 'Enregistrer le composé' }));
  await p.waitForURL(/\/compounds\/CMP-\d{6,}\?registered=new_compound/);
  const compound = p.url().match(/CMP-\d{6,}/)[0];
  await p.getByText('Nouveau parent enregistré').waitFor();
  await effort.click(p.getByRole('link', { name: 'Décrire une voie de synthèse' }));
  await p.getByRole('heading', { level: 1, name: 'Nouvelle voie de synthèse' }).waitFor();
  assert.equal(await p.getByLabel('Composé cible').inputValue(), compound);
  await effort.type(p.getByLabel('Nom de la voie'), 'Voie benzoate');
  await fillStep(p, 1, JOURNEY_STEPS[0], effort);
  await p.getByTestId('metrics-1').locator('tr[data-metric="pmi"] td.num').getByText(/\d/).waitFor();
  await effort.click(p.getByRole('button', { name: 'Ajouter une étape' }));
  await fillStep(p, 2, JOURNEY_STEPS[1], effort);
  await p.getByTestId('metrics-2').locator('tr[data-metric="pmi"] td.num').getByText(/\d/).waitFor();
  await effort.click(p.getByRole('button', { name: 'Enregistrer la voie' }));
  await p.waitForURL(/\/routes\/\d+$/);
  const panel = p.locator('section[aria-labelledby="route-metrics"]');
  await panel.locator('tr[data-metric="pmi"] td.num').getByText(/\d/).waitFor();
  // Route atom economy: 108.14 / (122.12 + 32.04 + 2 × 2.016) = 68.4 %.
  assert.ok(Math.abs((await metricValue(panel, 'atom_economy')) - 68.36) < 0.1);
  assert.equal(await p.locator('.step-summary').count(), 2);
  effort.report('journey');
  assert.ok(effort.clicks < 40, `${effort.clicks} clicks`);
  assert.ok(effort.seconds < 120, `${effort.seconds} s`);
}, { needs: ['member signs in and sees the start-up dashboard'] });

runner.step('the lead publishes the compound; its history records it', async () => {
  const p = await signedIn('lead@zitoun.test');
  state.lead = p;
  await p.goto(server.url + '/compounds/' + state.compoundId);
  await publish(p);
  await p.locator('.page-header .badge').getByText('Public').waitFor();
  await p.getByText('Changement de visibilité').waitFor();
  // Who did it, by their name: the member registered it, the lead published it.
  const history = p.locator('ol.timeline');
  await history.getByText(/Lina Lead/).first().waitFor();
  await history.getByText(/Karim Chimiste/).first().waitFor();
  assert.doesNotMatch(await text(history), /user:\d+/);
}, { needs: ['member registers a compound by SMILES after the preview verdict'] });

runner.step('a partner sees the public catalogue but not a private compound', async () => {
  const p = await signedIn('partner@industrie.test');
  state.partner = p;
  await p.waitForURL(server.url + '/');
  const card = p.locator('.compound-card', { hasText: state.compoundId });
  await card.waitFor();
  // The demo's published compounds and the one the lead just published; nothing private.
  assert.deepEqual(await compoundCardIds(p), [...PUBLIC_DEMO, state.compoundId].sort());
  await p.goto(server.url + '/compounds/' + PRIVATE_DEMO);
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
  // A role change asks first and says what the new role allows.
  const row = p.getByRole('row', { name: /nouveau@zitoun.test/ });
  await row.getByLabel('Rôle de nouveau@zitoun.test').selectOption('admin');
  assert.match(await text(row), /Membre|membre/);
  await row.getByRole('button', { name: 'Appliquer le nouveau rôle de nouveau@zitoun.test' }).click();
  const dialog = p.getByRole('dialog', { name: /Changer le rôle de nouveau@zitoun.test/ });
  await dialog.getByText('voir et modifier tout le registre').waitFor();
  await dialog.getByRole('button', { name: 'Annuler' }).click();
  const listed = await apiFrom(p, 'GET', '/api/users');
  assert.equal(listed.body.items.find((u) => u.email === 'nouveau@zitoun.test').role, 'member');
  // Overlaps with unshared work are the administrators' to broker: the page lists each one.
  await p.getByRole('heading', { name: 'Recoupements avec des travaux non partagés' }).waitFor();
  const overlaps = await apiFrom(p, 'GET', '/api/overlaps');
  assert.equal(overlaps.status, 200);
  if (overlaps.body.overlaps.length === 0) await p.getByText('Aucun recoupement avec des travaux non partagés.').waitFor();
  else {
    await p.locator('[data-testid="overlaps"] tbody tr').first().waitFor();
    assert.equal(await p.locator('[data-testid="overlaps"] tbody tr').count(), overlaps.body.overlaps.length);
  }
  await shot(p, 'admin');
  state.admin = p;
});

runner.step('a lead manages the team: adds a member and makes them a lead after confirming', async () => {
  const p = state.lead;
  // The administration is the administrators'; a lead who lands there is sent to the team.
  await p.goto(server.url + '/admin');
  await p.getByRole('link', { name: 'Gérer mon équipe' }).click();
  await p.getByRole('heading', { level: 1, name: 'Mon équipe' }).waitFor();
  await p.getByRole('link', { name: 'Équipe', exact: true }).click();
  await p.getByRole('heading', { level: 1, name: 'Mon équipe' }).waitFor();
  await p.getByRole('row', { name: /member@zitoun.test/ }).waitFor();
  // Only the team: no account of another start-up.
  assert.equal(await p.getByRole('row', { name: /admin@argan.test/ }).count(), 0);
  await p.getByRole('button', { name: 'Ajouter un utilisateur' }).click();
  await p.getByLabel('Adresse e-mail').fill('stagiaire@zitoun.test');
  await p.getByRole('button', { name: 'Créer le compte' }).click();
  await p.getByText('Compte stagiaire@zitoun.test créé.').waitFor();
  const row = p.getByRole('row', { name: /stagiaire@zitoun.test/ });
  await row.getByLabel('Rôle de stagiaire@zitoun.test').selectOption('lead');
  await row.getByRole('button', { name: 'Appliquer le nouveau rôle de stagiaire@zitoun.test' }).click();
  const dialog = p.getByRole('dialog', { name: /Changer le rôle/ });
  await dialog.getByText('deviendra responsable').waitFor();
  await dialog.getByRole('button', { name: 'Passer responsable' }).click();
  await row.getByLabel('Rôle de stagiaire@zitoun.test').and(p.locator('select')).waitFor();
  await p.waitForFunction(() => !document.querySelector('dialog'));
  const listed = await apiFrom(p, 'GET', '/api/users');
  assert.equal(listed.body.items.find((u) => u.email === 'stagiaire@zitoun.test').role, 'lead');
  await shot(p, 'team');
}, { needs: ['the lead publishes the compound; its history records it'] });

runner.step('a member creates an access token, uses it once and revokes it', async () => {
  const p = state.member;
  await p.locator('.session-menu .who').click();
  await p.getByRole('heading', { level: 1, name: 'Mon compte' }).waitFor();
  await p.getByLabel('Libellé').fill('import nocturne');
  await p.getByRole('button', { name: 'Créer un jeton' }).click();
  const token = (await p.locator('.token-value').innerText()).trim();
  assert.ok(token.length >= 20);
  const use = async () => (await fetch(server.url + '/api/session', { headers: { Authorization: 'Bearer ' + token } })).status;
  assert.equal(await use(), 200);
  await p.getByRole('button', { name: 'Révoquer import nocturne' }).click();
  const dialog = p.getByRole('dialog', { name: /Révoquer le jeton/ });
  await dialog.getByText('définitive').waitFor();
  await dialog.getByRole('button', { name: 'Révoquer' }).click();
  await p.getByRole('row', { name: /import nocturne/ }).and(p.locator('.retired')).waitFor();
  assert.equal(await use(), 401);
}, { needs: ['member signs in and sees the start-up dashboard'] });

runner.step('the dashboard exports the start-up’s compounds as an SD file', async () => {
  const p = state.member;
  await p.goto(server.url + '/dashboard');
  const download = p.waitForEvent('download');
  await p.getByRole('link', { name: 'Exporter les composés : SDF' }).click();
  const file = await (await download).path();
  const sdf = fs.readFileSync(file, 'utf8');
  assert.match(sdf, /\$\$\$\$/);
  assert.match(sdf, new RegExp(state.compoundId));
}, { needs: ['member registers a compound by SMILES after the preview verdict'] });

runner.step('search results come twelve a page; the pager moves through them', async () => {
  // The administrator sees every compound: the demo's, the registered one and the imported ones.
  const p = state.admin;
  await p.goto(server.url + '/search?mode=properties');
  const pager = p.getByRole('navigation', { name: 'Pages de résultats' });
  await pager.getByText(/^Page 1 sur \d+/).waitFor();
  const firstPage = await p.locator('.compound-card h3').allInnerTexts();
  assert.equal(firstPage.length, 12);
  await pager.getByRole('button', { name: 'Suivant' }).click();
  await p.waitForURL(/page=1/);
  await pager.getByText(/^Page 2 sur \d+/).waitFor();
  const secondPage = await p.locator('.compound-card h3').allInnerTexts();
  assert.ok(secondPage.length > 0 && !secondPage.some((id) => firstPage.includes(id)));
}, { needs: ['the administrator manages users and start-ups'] });

// ---- Search, routes, products, inquiries, import, overview (the endpoints of #3, #4, #5, #8) --

// A JSON call from inside a signed-in page (its cookie and CSRF token), for set-up that is not
// the journey under test.
async function apiFrom(p, method, url, body) {
  return p.evaluate(
    async ([m, u, b]) => {
      const headers = { 'Content-Type': 'application/json', Accept: 'application/json' };
      const session = await fetch('/api/session');
      const csrf = session.ok ? (await session.json()).csrf_token : null;
      if (csrf) headers['X-CSRF-Token'] = csrf;
      const r = await fetch(u, { method: m, headers, body: b === undefined ? undefined : JSON.stringify(b) });
      return { status: r.status, body: await r.json().catch(() => null) };
    },
    [method, url, body],
  );
}

runner.step('substructure search finds the compound with its matched atoms highlighted', async () => {
  const p = state.member;
  await p.goto(server.url + '/search');
  await p.getByLabel('Sous-structure').check();
  await p.getByLabel('Structure recherchée (SMILES ou SMARTS)').fill('COc1cc(CCO)ccc1O');
  await p.getByRole('button', { name: 'Rechercher', exact: true }).click();
  await p.waitForURL(/mode=substructure/);
  const card = p.locator('.compound-card', { hasText: state.compoundId });
  await card.waitFor();
  await card.getByText('12 atomes retrouvés').waitFor();
  const src = await card.locator('img.depiction').getAttribute('src');
  assert.match(decodeURIComponent(src), /highlight=(\d+,){11}\d+(&|$)/);
  assert.match(await text(p.locator('.result-count')), /\d+ résultat\(s\)/);
  await shot(p, 'search');
}, { needs: ['member registers a compound by SMILES after the preview verdict'] });

runner.step('a signed-in member opens a shared substructure link in a new tab and gets results', async () => {
  // The tab knows no CSRF token yet: the search (a POST) must still go through, and again
  // after a reload.
  const tab = await state.member.context().newPage();
  tab.on('pageerror', (e) => consoleErrors.push('shared link: ' + String(e)));
  try {
    for (let i = 0; i < 2; i++) {
      if (i === 0) await tab.goto(server.url + '/search?mode=substructure&q=c1ccccc1O');
      else await tab.reload();
      await tab.locator('.result-count').getByText(/^\d+ résultat\(s\)$/).waitFor();
      assert.equal(await tab.getByRole('alert').count(), 0);
      assert.ok((await tab.locator('.compound-card').count()) > 0);
    }
  } finally {
    await tab.close();
  }
}, { needs: ['member signs in and sees the start-up dashboard'] });

runner.step('one search box reads names, codes, CAS numbers, formulas and SMILES and says which', async () => {
  const p = page; // a visitor
  await p.goto(server.url + '/');
  const box = p.getByRole('searchbox', { name: 'Rechercher dans le catalogue' });
  const cases = [
    ['GVL', 'nom de composé ou de produit'],
    [HYDROXYTYROSOL, 'code du registre'],
    ['64-17-5', 'numéro CAS'],
    ['C8H10O3', 'formule brute'],
    ['c1ccccc1O', 'structure (SMILES), recherche par sous-structure'],
  ];
  for (const [typed, kind] of cases) {
    await box.fill(typed);
    await p.getByText('Sera compris comme : ' + kind).waitFor();
  }
  // A product name finds the product, not an RDKit parse error.
  await box.fill('GVL');
  await p.getByRole('button', { name: 'Rechercher', exact: true }).click();
  await p.getByText('Compris comme : nom de composé ou de produit.').waitFor();
  await p.locator('.product-card', { hasText: 'Valerol' }).waitFor();
  assert.equal(await p.getByRole('alert').count(), 0);
  // A code opens the compound's card.
  await p.goto(server.url + '/search?q=' + HYDROXYTYROSOL);
  await p.getByText('Compris comme : code du registre.').waitFor();
  assert.deepEqual(await compoundCardIds(p), [HYDROXYTYROSOL]);
  // A SMILES is a substructure search with an exact count; the count does not grow while paging.
  await p.goto(server.url + '/search?q=' + encodeURIComponent('c1ccccc1O') + '&page_size=12');
  const count = p.locator('.result-count');
  await count.getByText(/^\d+ résultat\(s\)$/).waitFor();
  const total = await text(count);
  await p.getByLabel('Par page').selectOption('24');
  await p.waitForURL(/page_size=24/);
  await count.getByText(/^\d+ résultat\(s\)$/).waitFor();
  assert.equal(await text(count), total);
  await p.getByRole('link', { name: 'chercher la structure exacte' }).click();
  await p.waitForURL(/mode=exact/);
  await p.getByText('1 résultat(s)').or(p.getByText('0 résultat(s)')).waitFor();
});

runner.step('a structure query is drawn in the editor with the mouse', async () => {
  const p = state.member;
  await p.goto(server.url + '/search');
  await p.getByRole('button', { name: 'Dessiner la structure' }).click();
  await waitForEditor(p);
  const editor = p.getByTestId('ketcher');
  await editor.locator('[data-testid="template-0"]').click();
  const box = await editor.boundingBox();
  await p.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  const field = p.getByLabel('Structure recherchée (SMILES ou SMARTS)');
  await p.waitForFunction(() => /c|C/.test(document.querySelector('input[name="q"]').value));
  assert.equal(await p.getByLabel('Sous-structure').isChecked(), true);
  assert.match(await field.inputValue(), /^(c1ccccc1|C1=CC=CC=C1|C1C=CC=CC=1)$/);
  await p.getByRole('button', { name: 'Rechercher', exact: true }).click();
  await p.waitForURL(/mode=substructure/);
  await p.locator('.result-count').getByText(/résultat/).waitFor();
  assert.ok((await p.locator('.compound-card').count()) > 0);
}, { needs: ['member signs in and sees the start-up dashboard'] });

runner.step('similarity search scores the compound; filters and a bad query are answered', async () => {
  const p = state.member;
  await p.goto(server.url + '/search?mode=similarity&q=' + encodeURIComponent('OCCc1ccc(O)c(OC)c1') + '&threshold=0.3&mw_max=200');
  // Hits come best first: the compound itself, similarity 1.
  const first = p.locator('.compound-card').first();
  await first.getByRole('link', { name: state.compoundId, exact: true }).waitFor();
  assert.equal(await text(first.locator('.score strong')), '1');
  // Every hit respects the molar-mass filter.
  for (const f of await p.locator('.compound-card .formula').allInnerTexts()) {
    const mw = Number(f.split('·')[1].replace(/[^\d,]/g, '').replace(',', '.'));
    assert.ok(mw <= 200, `${f} is above the 200 g/mol filter`);
  }
  // A query RDKit cannot read is shown next to the query field.
  await p.goto(server.url + '/search?mode=exact&q=' + encodeURIComponent('C1CC('));
  await p.locator('.field.has-error').getByRole('alert').waitFor();
  await p.goto(server.url + '/search?mode=exact&q=' + encodeURIComponent('COc1cc(CCO)ccc1O'));
  await p.locator('.compound-card', { hasText: state.compoundId }).waitFor();
  await p.getByText('1 résultat(s)').waitFor();
}, { needs: ['member registers a compound by SMILES after the preview verdict'] });

// Step 1: esterification of homovanillic acid; step 2: its reduction to the registered alcohol.
// The editor lists the species of each reaction; amounts are typed in their rows (labelled by
// formula or CHEM21 solvent name), the ester of step 2 is linked to step 1 by the page.
const ROUTE_STEPS = [
  {
    name: 'Estérification',
    reaction: 'COc1cc(CC(=O)O)ccc1O.CO>OS(=O)(=O)O>COC(=O)Cc1ccc(O)c(OC)c1.O',
    amounts: [['C9H10O4', '18.22'], ['Méthanol', '31.68'], ['H2O4S', '0.5'], ['C10H12O4', '17.66']],
    roles: [['H2O4S', 'catalyst']],
    origins: [['C9H10O4', 'bio-based']],
  },
  {
    name: 'Hydrogénation',
    reaction: 'COC(=O)Cc1ccc(O)c(OC)c1.[H][H].[H][H]>>OCCc1ccc(O)c(OC)c1.CO',
    amounts: [['H2', '0.5'], ['C9H12O3', '13.46']],
    // By volume: the editor takes ethanol's density from the CHEM21 list (GET /api/solvents).
    extras: [['Éthanol', '100', 'mL']],
  },
];

// Fills step n the way a person does; returns nothing, counts into `effort`.
async function fillStep(p, n, step, effort) {
  const box = p.locator(`fieldset[data-step="${n}"]`);
  if (step.name) await effort.type(box.getByLabel('Nom de l’étape'), step.name);
  await effort.paste(box.getByLabel(`Réaction (étape ${n}) : SMILES de réaction ou fichier RXN collé`), step.reaction);
  for (const [species, amount] of step.amounts) await effort.type(box.getByLabel('Quantité de ' + species, { exact: true }), amount);
  for (const [species, role] of step.roles || []) await effort.select(box.getByLabel('Rôle de ' + species, { exact: true }), role);
  for (const [species, origin] of step.origins || []) await effort.select(box.getByLabel('Origine de ' + species, { exact: true }), origin);
  for (const [j, [name, amount, unit, density]] of (step.extras || []).entries()) {
    await effort.click(box.getByRole('button', { name: 'Ajouter un solvant ou un réactif' }));
    const row = box.locator(`.extra-row[data-extra="${j}"]`);
    await effort.type(row.getByLabel('Solvant ou réactif'), name);
    await row.getByText(/^Guide CHEM21/).waitFor();
    await effort.type(row.getByLabel('Quantité'), amount);
    if (unit !== 'g') await effort.select(row.getByLabel('Unité'), unit);
    if (density) await effort.type(row.getByLabel('Densité (g/mL)'), density);
    else if (unit !== 'g' && /L$/.test(unit)) await row.locator('.mass-of-volume').getByText(/guide CHEM21/).waitFor();
  }
}

// Publishes the record of the page: visibility "Public", then the dialog that says who will
// see it (and `says`, when given, what else it says).
async function publish(p, says) {
  await p.getByLabel('Visibilité', { exact: true }).selectOption('public');
  await p.getByRole('button', { name: 'Changer la visibilité', exact: true }).click();
  const dialog = p.getByRole('dialog', { name: 'Changer la visibilité ?' });
  await dialog.getByText('visible de tous').waitFor();
  if (says) await dialog.getByText(says).waitFor();
  await dialog.getByRole('button', { name: 'Publier' }).click();
}

// The value shown for a metric in a metrics table, as a number ("91,59 %" → 91.59).
async function metricValue(scope, key) {
  const cell = scope.locator(`tr[data-metric="${key}"] td`).first();
  const raw = (await cell.innerText()).replace(/\s/g, '').replace(',', '.');
  return Number(raw.match(/-?\d+(\.\d+)?/)[0]);
}

runner.step('member records a two-step route; each step shows live metrics and CHEM21 lights', async () => {
  const p = state.member;
  const effort = new Effort(p);
  await p.goto(server.url + '/compounds/' + state.compoundId);
  await p.getByRole('link', { name: 'Décrire une voie de synthèse' }).click();
  await p.getByRole('heading', { level: 1, name: 'Nouvelle voie de synthèse' }).waitFor();
  assert.equal(await p.getByLabel('Composé cible').inputValue(), state.compoundId);
  await p.getByLabel('Nom de la voie').fill('Voie ester puis hydrogénation');
  await fillStep(p, 1, ROUTE_STEPS[0], effort);
  const live1 = p.getByTestId('metrics-1');
  await live1.locator('tr[data-metric="pmi"] td.num').getByText(/\d/).waitFor();
  // AE = 196.20 / (182.17 + 32.04) = 91.6 %: computed by the server while typing.
  assert.ok(Math.abs((await metricValue(live1, 'atom_economy')) - 91.59) < 0.05);
  await live1.locator('.lights .light').first().waitFor();
  // The table shows the molar masses and, once amounts are typed, the equivalents.
  const acid = p.locator('fieldset[data-step="1"] tr', { hasText: 'C9H10O4' });
  assert.match(await text(acid), /182,1[78]/);
  await acid.locator('td.num').nth(2).getByText(/^1$/).waitFor();
  await p.getByRole('button', { name: 'Ajouter une étape' }).click();
  await fillStep(p, 2, ROUTE_STEPS[1], effort);
  // The ester comes from step 1, with step 1's amount.
  // 100 mL of ethanol at the guide's 0.789 g/mL.
  assert.match(await text(p.locator('fieldset[data-step="2"] .extra-row[data-extra="0"] .mass-of-volume')), /≈ 78,9 g \(masse volumique 0,789 g\/mL, guide CHEM21\)/);
  const ester = p.locator('fieldset[data-step="2"] tr', { hasText: 'C10H12O4' });
  assert.equal(await ester.getByLabel('produit de l’étape 1').isChecked(), true);
  assert.equal(await ester.getByLabel('Quantité de C10H12O4').inputValue(), '17.66');
  const live2 = p.getByTestId('metrics-2');
  await live2.locator('tr[data-metric="pmi"] td.num').getByText(/\d/).waitFor();
  await live2.locator('[data-criterion="solvents"]').waitFor();
  await shot(p, 'route-editor', { fullPage: true });
  await p.getByRole('button', { name: 'Enregistrer la voie' }).click();
  await p.waitForURL(/\/routes\/\d+$/);
  state.routeId = p.url().match(/\/routes\/(\d+)$/)[1];
  // The saved route shows every step's scheme, components, amounts, conditions and work-up.
  const step2 = p.locator('.step-summary[data-step="2"]');
  // The scheme is the server's drawing of the reaction (an SVG that loaded).
  const scheme = step2.locator('img.scheme-depiction');
  await scheme.waitFor();
  assert.match(await scheme.getAttribute('src'), new RegExp(`/api/routes/${state.routeId}/steps/2/depiction\\.svg`));
  await p.waitForFunction((img) => img.complete && img.naturalWidth > 0, await scheme.elementHandle());
  const solventRow = step2.getByRole('row', { name: /Éthanol/ });
  assert.match(await text(solventRow), /Solvant/);
  assert.match(await text(solventRow), /100 mL/);
  assert.match(await text(step2.getByRole('row', { name: /C10H12O4/ })), /produit de l’étape 1/);
}, { needs: ['member registers a compound by SMILES after the preview verdict'] });

runner.step('a refused amount is shown in the row of the species it concerns', async () => {
  const p = state.member;
  await p.goto(server.url + '/routes/new?target=' + state.compoundId);
  const step = p.locator('fieldset[data-step="1"]');
  await step.getByLabel('Réaction (étape 1) : SMILES de réaction ou fichier RXN collé').fill('CC(=O)O.OCC>>CC(=O)OCC.O');
  await step.getByLabel('Quantité de Éthanol', { exact: true }).fill('4.6');
  await step.getByLabel('Quantité de Acide acétique', { exact: true }).fill('-3');
  const row = step.locator('tr', { hasText: 'Acide acétique' });
  await row.getByRole('alert').getByText(/negative amounts/).waitFor();
  assert.equal(await step.locator('tr', { hasText: 'Éthanol' }).getByRole('alert').count(), 0);
  await step.getByLabel('Quantité de Acide acétique', { exact: true }).fill('6');
  await row.getByRole('alert').waitFor({ state: 'detached' });
}, { needs: ['member registers a compound by SMILES after the preview verdict'] });

runner.step('a reaction drawn with the mouse fills the step’s species table', async () => {
  const p = state.member;
  await p.goto(server.url + '/routes/new?target=' + state.compoundId);
  const step = p.locator('fieldset[data-step="1"]');
  await step.getByRole('tab', { name: 'Dessiner' }).click();
  await waitForEditor(p);
  const editor = step.getByTestId('ketcher');
  await editor.scrollIntoViewIfNeeded();
  const box = await editor.boundingBox();
  const y = box.y + box.height / 2;
  // Two cyclopropanes on the left, an arrow, cyclohexane on the right (balanced: 2 C3H6 → C6H12).
  await editor.locator('[data-testid="template-4"]').click();
  await p.mouse.click(box.x + box.width * 0.2, y);
  await p.mouse.click(box.x + box.width * 0.33, y);
  await editor.locator('[data-testid="reaction-arrow-open-angle"]').click();
  await p.mouse.move(box.x + box.width * 0.45, y);
  await p.mouse.down();
  await p.mouse.move(box.x + box.width * 0.52, y);
  await p.mouse.move(box.x + box.width * 0.58, y);
  await p.mouse.up();
  await editor.locator('[data-testid="template-2"]').click();
  await p.mouse.click(box.x + box.width * 0.75, y);
  await step.getByLabel('Quantité de C3H6', { exact: true }).waitFor();
  await step.getByLabel('Quantité de Cyclohexane', { exact: true }).waitFor();
  assert.match(await text(step.locator('tr', { hasText: 'C3H6' })), /× 2/);
  assert.equal(await step.getByLabel('Rôle de Cyclohexane', { exact: true }).inputValue(), 'product');
  await step.getByRole('tab', { name: 'Coller' }).click();
  assert.match(await step.getByLabel('Réaction (étape 1) : SMILES de réaction ou fichier RXN collé').inputValue(), />>/);
}, { needs: ['member registers a compound by SMILES after the preview verdict'] });

// A draft made of ROUTE_STEPS, through the API, for the editing steps below.
async function draftRoute(p, name) {
  const made = await apiFrom(p, 'POST', '/api/routes', {
    target_compound: state.compoundId,
    name,
    steps: [
      { name: 'Estérification', reaction_smiles: ROUTE_STEPS[0].reaction, components: [
        { smiles: 'COc1cc(CC(=O)O)ccc1O', amount: 18.22, unit: 'g' },
        { smiles: 'CO', amount: 31.68, unit: 'g' },
        { smiles: 'OS(=O)(=O)O', role: 'catalyst', amount: 0.5, unit: 'g' },
        { smiles: 'COC(=O)Cc1ccc(O)c(OC)c1', amount: 17.66, unit: 'g' }] },
      { name: 'Hydrogénation', reaction_smiles: ROUTE_STEPS[1].reaction, components: [
        { smiles: 'COC(=O)Cc1ccc(O)c(OC)c1', from_step: 1, amount: 17.66, unit: 'g' },
        { smiles: '[H][H]', amount: 0.5, unit: 'g' },
        { smiles: 'OCCc1ccc(O)c(OC)c1', amount: 13.46, unit: 'g' }] },
    ],
  });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  return made.body;
}

runner.step('a draft route is saved in one request; a refusal on step 2 leaves it as it was', async () => {
  const p = state.member;
  const route = await draftRoute(p, 'Brouillon à corriger');
  const writes = [];
  const watch = (r) => {
    if (r.method() !== 'GET' && new URL(r.url()).pathname.startsWith('/api/routes')) writes.push(`${r.method()} ${new URL(r.url()).pathname}`);
  };
  p.on('request', watch);
  try {
    await p.goto(`${server.url}/routes/${route.id}/edit`);
    const step1 = p.locator('fieldset[data-step="1"]');
    const step2 = p.locator('fieldset[data-step="2"]');
    await step2.getByLabel('Quantité de H2', { exact: true }).waitFor();
    // Step 1 changes, step 2 gets an amount the server refuses: nothing is saved.
    await step1.getByLabel('Nom de l’étape').fill('Estérification de Fischer');
    await p.getByLabel('Nom de la voie').fill('Brouillon corrigé');
    await step2.getByLabel('Quantité de H2', { exact: true }).fill('-0.5');
    const [refused] = await Promise.all([
      p.waitForResponse((r) => r.request().method() === 'PUT'),
      p.getByRole('button', { name: 'Enregistrer la voie' }).click(),
    ]);
    assert.equal(refused.status(), 400);
    assert.match((await refused.json()).error.details.field, /^steps\[1\]\.components\[\d+\]\.amount$/);
    await step2.locator('tr', { hasText: 'H2' }).getByRole('alert').waitFor();
    assert.equal(await step1.getByRole('alert').count(), 0);
    assert.deepEqual(writes, [`PUT /api/routes/${route.id}`]);
    const unchanged = await apiFrom(p, 'GET', `/api/routes/${route.id}`);
    assert.equal(unchanged.body.name, 'Brouillon à corriger');
    assert.deepEqual(unchanged.body.steps.map((s) => [s.name, s.revision]), [['Estérification', 1], ['Hydrogénation', 1]]);
    // Corrected: one request saves both steps and the name.
    await step2.getByLabel('Quantité de H2', { exact: true }).fill('0.6');
    await p.getByRole('button', { name: 'Enregistrer la voie' }).click();
    await p.waitForURL(new RegExp(`/routes/${route.id}$`));
    await p.getByRole('heading', { level: 1, name: 'Brouillon corrigé' }).waitFor();
    assert.deepEqual(writes, [`PUT /api/routes/${route.id}`, `PUT /api/routes/${route.id}`]);
    const saved = await apiFrom(p, 'GET', `/api/routes/${route.id}`);
    assert.deepEqual(saved.body.steps.map((s) => [s.name, s.revision]), [['Estérification de Fischer', 2], ['Hydrogénation', 2]]);
  } finally {
    p.off('request', watch);
  }
}, { needs: ['member records a two-step route; each step shows live metrics and CHEM21 lights'] });

runner.step('a refused validation is said in French, and in English', async () => {
  const p = state.lead;
  const made = await apiFrom(p, 'POST', '/api/routes', {
    target_compound: state.compoundId,
    name: 'Voie sans rapport',
    steps: [{ reaction_smiles: 'C=CC=C.C=C>>C1=CCCCC1' }],
  });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  await p.goto(`${server.url}/routes/${made.body.id}`);
  const validate = async (button, dialogName, confirm) => {
    await p.getByRole('button', { name: button }).click();
    const dialog = p.getByRole('dialog', { name: dialogName });
    await dialog.getByRole('button', { name: confirm }).click();
    return dialog;
  };
  let dialog = await validate('Valider la voie', 'Valider cette voie ?', 'Valider la voie');
  await dialog.getByText('La dernière étape ne donne pas le composé cible de la voie.').waitFor();
  assert.doesNotMatch(await text(dialog), /\/api\/|docs\//);
  await p.keyboard.press('Escape');
  await p.getByRole('button', { name: 'EN' }).click();
  dialog = await validate('Validate the route', /Validate this route/, 'Validate the route');
  await dialog.getByText('The last step does not give the route’s target compound.').waitFor();
  await p.keyboard.press('Escape');
  await p.getByRole('button', { name: 'FR' }).click();
}, { needs: ['the lead publishes the compound; its history records it'] });

runner.step('the compound page sorts its batches by column', async () => {
  const p = state.member;
  let compound = null;
  for (const [amount, unit] of [['5', 'g'], ['250', 'mg'], ['1.2', 'kg']]) {
    const r = await apiFrom(p, 'POST', '/api/compounds', { structure: 'OCCCCCCO', format: 'smiles', start_up: Number(zitoun), batch: { amount: Number(amount), unit } });
    assert.ok(r.status === 201 || r.status === 200, JSON.stringify(r.body));
    compound = r.body.compound.id;
  }
  await p.goto(`${server.url}/compounds/${compound}`);
  const amounts = async () => (await p.locator('table.batches tbody tr td:nth-child(2)').allInnerTexts()).map((s) => s.trim());
  await p.locator('table.batches tbody tr').nth(2).waitFor();
  await p.locator('table.batches').getByRole('button', { name: /^Quantité/ }).click();
  assert.deepEqual(await amounts(), ['250 mg', '5 g', '1,2 kg']);
  assert.equal(await p.locator('table.batches th[aria-sort="ascending"]').count(), 1);
  await p.locator('table.batches').getByRole('button', { name: /^Quantité/ }).click();
  assert.deepEqual(await amounts(), ['1,2 kg', '5 g', '250 mg']);
  await p.locator('table.batches').getByRole('button', { name: /^Lot/ }).click();
  const ids = (await p.locator('table.batches tbody th').allInnerTexts()).map((s) => s.trim());
  assert.deepEqual(ids, [...ids].sort());
}, { needs: ['member signs in and sees the start-up dashboard'] });

runner.step('the route page shows route metrics per kg; the lead validates and publishes it', async () => {
  const p = state.lead;
  await p.goto(server.url + '/routes/' + state.routeId);
  await p.getByRole('heading', { level: 1, name: 'Voie ester puis hydrogénation' }).waitFor();
  const panel = p.locator('section[aria-labelledby="route-metrics"]');
  await panel.locator('tr[data-metric="pmi"] td.num').getByText(/\d/).waitFor();
  // Route atom economy: 168.19 / (182.17 + 32.04 + 2 × 2.016) = 77.1 %.
  assert.ok(Math.abs((await metricValue(panel, 'atom_economy')) - 77.06) < 0.1);
  assert.equal(await p.locator('.principles li').count(), 12);
  assert.equal(await p.locator('.step-summary').count(), 2);
  await p.getByRole('button', { name: 'Valider la voie' }).click();
  const dialog = p.getByRole('dialog', { name: 'Valider cette voie ?' });
  await dialog.getByText('Une voie validée est figée').waitFor();
  await dialog.getByRole('button', { name: 'Valider la voie' }).click();
  await p.getByText(/Validée/).first().waitFor();
  await publish(p);
  await p.locator('.page-header .badge').getByText('Public').waitFor();
  await shot(p, 'route');
}, { needs: ['member records a two-step route; each step shows live metrics and CHEM21 lights', 'the lead publishes the compound; its history records it'] });

runner.step('two routes are compared side by side, the better value marked', async () => {
  const p = state.member;
  const second = await apiFrom(p, 'POST', '/api/routes', {
    target_compound: state.compoundId,
    name: 'Réduction directe',
    steps: [{
      reaction_smiles: 'COc1cc(CC(=O)O)ccc1O.[H][H].[H][H]>>OCCc1ccc(O)c(OC)c1.O',
      components: [
        { role: 'reactant', smiles: 'COc1cc(CC(=O)O)ccc1O', amount: 18.22, unit: 'g' },
        { role: 'reactant', smiles: '[H][H]', amount: 0.6, unit: 'g' },
        { role: 'solvent', smiles: 'C1CCOC1', amount: 300, unit: 'mL', density: 0.889 },
        { role: 'product', smiles: 'OCCc1ccc(O)c(OC)c1', amount: 10.1, unit: 'g' },
      ],
    }],
  });
  assert.equal(second.status, 201, JSON.stringify(second.body));
  await p.goto(server.url + '/routes');
  await p.getByLabel('Comparer Voie ester puis hydrogénation').check();
  await p.getByLabel('Comparer Réduction directe').check();
  await p.getByRole('button', { name: 'Comparer (2)' }).click();
  await p.getByRole('heading', { level: 1, name: 'Comparaison de voies' }).waitFor();
  // Columns: the two-step route, then the one-step route (the order of ?ids=).
  const pmiRow = p.locator('tr[data-metric="pmi"]');
  await pmiRow.waitFor();
  assert.match(await text(pmiRow), /Intensité massique du procédé \(PMI\)/);
  assert.equal(await pmiRow.locator('td.best').count(), 1);
  // The one-step route has the better atom economy (no methanol lost), the two-step one the
  // better PMI (less solvent per kg).
  assert.equal(await p.locator('tr[data-metric="atom_economy"] td').nth(1).getAttribute('class'), 'num best');
  assert.equal(await pmiRow.locator('td').nth(0).getAttribute('class'), 'num best');
  assert.equal(await p.locator('tr[data-criterion] td .light').count() % 2, 0);
  await shot(p, 'route-compare');
}, { needs: ['member records a two-step route; each step shows live metrics and CHEM21 lights'] });

runner.step('member creates a product and moves it to the next stage on the pipeline board', async () => {
  const p = state.member;
  await p.getByRole('link', { name: 'Produits', exact: true }).click();
  await p.getByRole('heading', { level: 1, name: 'Pipeline des produits' }).waitFor();
  await p.getByRole('button', { name: 'Nouveau produit' }).click();
  await p.getByLabel('Nom du produit').fill('Hydroxy-Zitoun 98');
  await p.getByLabel('Composé', { exact: true }).fill(state.compoundId);
  await p.getByLabel('Résumé pour le catalogue').fill('Alcool homovanillique biosourcé pour la cosmétique.');
  await p.getByRole('button', { name: 'Créer le produit' }).click();
  const card = p.locator('.product-card', { hasText: 'Hydroxy-Zitoun 98' });
  await card.waitFor();
  state.productId = await card.getAttribute('data-product');
  const columnOf = () => card.evaluate((el) => el.closest('[data-stage]').dataset.stage);
  const before = await columnOf();
  const stages = await p.locator('.board-column').evaluateAll((cols) => cols.map((c) => c.dataset.stage));
  await card.getByRole('button', { name: 'Passer Hydroxy-Zitoun 98 à l’étape suivante' }).click();
  await p.waitForFunction(
    ([id, key]) => document.querySelector(`[data-product="${id}"]`)?.closest('[data-stage]')?.dataset.stage === key,
    [state.productId, stages[stages.indexOf(before) + 1]],
  );
  await shot(p, 'pipeline');
}, { needs: ['member registers a compound by SMILES after the preview verdict'] });

runner.step('the product page shows the stages, the timeline and the route badges', async () => {
  const p = state.lead;
  await p.goto(server.url + '/products/' + state.productId);
  await p.getByRole('heading', { level: 1, name: 'Hydroxy-Zitoun 98' }).waitFor();
  await p.locator('.timeline.stages li.stage-done').first().waitFor();
  await p.locator('.timeline.events li').first().waitFor();
  await p.locator('.green-badges [data-metric="pmi"]').waitFor();
  // Publishing the product publishes neither its documents nor its customers: the dialog says so.
  await publish(p, 'Ses clients restent visibles de votre start-up seule.');
  await p.locator('.page-header .badge').getByText('Public').waitFor();
  await shot(p, 'product');
}, { needs: ['member creates a product and moves it to the next stage on the pipeline board', 'the route page shows route metrics per kg; the lead validates and publishes it'] });

runner.step('the lead records a gate decision, a TRL change, a document and a customer', async () => {
  const p = state.lead;
  await p.goto(server.url + '/products/' + state.productId);
  await p.getByRole('heading', { level: 1, name: 'Hydroxy-Zitoun 98' }).waitFor();
  // Gate decision on the first stage.
  await p.getByRole('button', { name: /^Décision de passage pour / }).first().click();
  await p.getByLabel('Décision', { exact: true }).selectOption('go');
  await p.getByLabel('Justification', { exact: true }).fill('Rendement de 74 % sur deux étapes, solvants recommandés.');
  await p.getByRole('button', { name: 'Enregistrer la décision' }).click();
  await p.locator('.timeline.events li[data-type="gate_decision"]').getByText('Rendement de 74 %').waitFor();
  // TRL 3 → 4, after the dialog.
  await p.getByLabel('Nouveau TRL').selectOption('4');
  await p.getByLabel('Justification du changement').fill('Procédé validé au laboratoire');
  await p.getByRole('button', { name: 'Changer le TRL' }).click();
  const dialog = p.getByRole('dialog', { name: 'Changer le TRL ?' });
  await dialog.getByText('du TRL 3 au TRL 4').waitFor();
  await dialog.getByRole('button', { name: 'Changer le TRL' }).click();
  await p.locator('.page-header, .panel').getByText('TRL 4').first().waitFor();
  await p.locator('.timeline.events').getByText('TRL 3 → 4').waitFor();
  // A datasheet, uploaded then downloaded from the timeline.
  const content = 'Fiche technique Hydroxy-Zitoun 98\npureté ≥ 98 %\n';
  await p.getByLabel('Fichier', { exact: true }).setInputFiles({ name: 'fiche-hz98.txt', mimeType: 'text/plain', buffer: Buffer.from(content) });
  await p.getByLabel('Titre').fill('Fiche technique');
  await p.getByRole('button', { name: 'Déposer le document' }).click();
  const link = p.locator('.documents').getByRole('link', { name: 'Fiche technique' });
  await link.waitFor();
  const download = p.waitForEvent('download');
  await p.locator('.timeline.events').getByRole('link', { name: /^(Fiche technique|fiche-hz98\.txt)$/ }).click();
  assert.equal(fs.readFileSync(await (await download).path(), 'utf8'), content);
  // The file stays with the start-up although the product is public, until published on its own.
  const item = p.locator('.documents li', { hasText: 'Fiche technique' });
  await item.locator('.badge').getByText('Start-up').waitFor();
  const docId = (await link.getAttribute('href')).match(/DOC-\d+/)[0];
  assert.equal((await fetch(`${server.url}/api/documents/${docId}`)).status, 404);
  await item.getByLabel('Visibilité de « Fiche technique »', { exact: true }).selectOption('public');
  await item.getByRole('button', { name: 'Changer la visibilité de « Fiche technique »' }).click();
  const docDialog = p.getByRole('dialog', { name: 'Changer la visibilité ?' });
  await docDialog.getByText('jamais montré au-delà').waitFor();
  await docDialog.getByRole('button', { name: 'Publier' }).click();
  await item.locator('.badge').getByText('Public').waitFor();
  assert.equal((await fetch(`${server.url}/api/documents/${docId}`)).status, 200);
  // A customer.
  await p.getByRole('button', { name: 'Ajouter un client' }).click();
  await p.getByLabel('Nom', { exact: true }).fill('Laboratoires Argania (essai)');
  await p.getByLabel('Relation').selectOption('prospect');
  await p.getByRole('button', { name: 'Enregistrer le client' }).click();
  await p.getByRole('row', { name: /Laboratoires Argania \(essai\)/ }).getByText('Prospect').waitFor();
  await shot(p, 'product-team', { fullPage: true });
}, { needs: ['the product page shows the stages, the timeline and the route badges'] });

runner.step('in English the product page says its TRL, stages and events in English', async () => {
  const p = state.lead;
  await p.goto(server.url + '/products/' + state.productId);
  await p.getByRole('button', { name: 'EN', exact: true }).click();
  try {
    await p.getByRole('heading', { name: 'Technology readiness (TRL)' }).waitFor();
    await p.getByText('Technology validated in lab').first().waitFor();
    const events = p.locator('.timeline.events');
    await events.getByText('Product created').waitFor();
    await events.getByText(/Decision “Go” at stage/).waitFor();
    await events.getByText('TRL 3 → 4').waitFor();
    await p.getByRole('button', { name: 'Retire' }).first().waitFor();
    assert.equal(await p.getByText(/Produit créé|Décision/).count(), 0);
  } finally {
    await p.getByRole('button', { name: 'FR', exact: true }).click();
    await p.getByRole('link', { name: 'Catalogue' }).first().waitFor();
  }
}, { needs: ['the lead records a gate decision, a TRL change, a document and a customer'] });

runner.step('a member retires a batch with a reason, after the dialog says what happens', async () => {
  const p = state.member;
  await p.goto(server.url + '/compounds/' + state.compoundId);
  const row = p.getByRole('row', { name: new RegExp(state.compoundId + '-F1-B001') });
  await row.getByRole('button', { name: 'Retirer' }).click();
  const dialog = p.getByRole('dialog', { name: /Retirer le lot/ });
  await dialog.getByText('jamais effacé').waitFor();
  assert.equal(await dialog.getByRole('button', { name: 'Retirer' }).isDisabled(), true);
  await dialog.getByLabel('Motif').fill('Lot consommé par les essais');
  await dialog.getByRole('button', { name: 'Retirer' }).click();
  await p.locator('tr.retired', { hasText: state.compoundId + '-F1-B001' }).waitFor();
  const batch = await apiFrom(p, 'GET', `/api/batches/${state.compoundId}-F1-B001`);
  assert.ok(batch.body.retired_at, JSON.stringify(batch.body));
}, { needs: ['the compound page shows structure, identity, properties and the batch'] });

runner.step('a partner finds the product in the catalogue with its green badges and sends an inquiry', async () => {
  const p = state.partner;
  await p.goto(server.url + '/');
  const card = p.locator(`.product-card[data-product="${state.productId}"]`);
  await card.locator('.green-badges [data-metric="atom_economy"]').waitFor();
  assert.match(await text(card.locator('.green-badges')), /Économie d’atomes 77 %/);
  await shot(p, 'catalogue');
  await card.getByRole('link', { name: 'Hydroxy-Zitoun 98' }).click();
  await p.getByRole('heading', { level: 1, name: 'Hydroxy-Zitoun 98' }).waitFor();
  // The catalogue view: no pipeline for partners.
  assert.equal(await p.locator('.timeline.stages').count(), 0);
  await p.getByRole('button', { name: 'Envoyer la demande' }).click();
  await p.locator('.field.has-error').getByRole('alert').first().waitFor();
  await p.getByLabel('Objet').fill('Échantillon de 100 g');
  await p.getByLabel('Message', { exact: true }).fill('Pouvez-vous nous envoyer un échantillon et la fiche de sécurité ?');
  await p.getByRole('button', { name: 'Envoyer la demande' }).click();
  await p.getByText(/Demande INQ-\d+ envoyée/).waitFor();
}, { needs: ['the product page shows the stages, the timeline and the route badges', 'a partner sees the public catalogue but not a private compound'] });

runner.step('the start-up answers the inquiry; the partner reads the answer', async () => {
  const p = state.lead;
  await p.goto(server.url + '/dashboard');
  // The navigation counts the inquiries with unread messages; the list says how many.
  await p.getByRole('link', { name: 'Demandes (1 non lue(s))' }).click();
  await p.getByRole('row', { name: /Échantillon de 100 g/ }).getByText('1 non lu(s)').waitFor();
  await p.getByRole('link', { name: 'Échantillon de 100 g' }).click();
  await p.getByText('Pouvez-vous nous envoyer un échantillon').waitFor();
  // Opening the thread marks the new message and reads it: the count goes.
  await p.locator('.message.unread').getByText('Nouveau').waitFor();
  await p.getByRole('link', { name: 'Demandes', exact: true }).waitFor();
  await p.getByLabel('Votre réponse').fill('Oui : envoi la semaine prochaine.');
  await p.getByRole('button', { name: 'Envoyer', exact: true }).click();
  await p.locator('.message.side-start_up').getByText('envoi la semaine prochaine').waitFor();
  await shot(p, 'inquiry');
  const partner = state.partner;
  await partner.goto(server.url + '/');
  await partner.getByRole('link', { name: 'Demandes (1 non lue(s))' }).click();
  const row = partner.getByRole('row', { name: /Échantillon de 100 g/ });
  await row.getByText('Répondue').waitFor();
  await row.getByRole('link', { name: 'Échantillon de 100 g' }).click();
  await partner.locator('.message.side-start_up.unread').getByText('envoi la semaine prochaine').waitFor();
  await partner.getByRole('link', { name: 'Demandes', exact: true }).waitFor();
  const listed = await apiFrom(partner, 'GET', '/api/inquiries');
  assert.equal(listed.body.unread, 0, JSON.stringify(listed.body));
}, { needs: ['a partner finds the product in the catalogue with its green badges and sends an inquiry'] });

runner.step('a bulk import shows its progress, its counts and the rejected record', async () => {
  const p = state.member;
  await p.getByRole('link', { name: 'Import', exact: true }).click();
  await p.getByRole('heading', { level: 1, name: 'Import en masse' }).waitFor();
  const file = 'CC(=O)Oc1ccccc1C(=O)O aspirine\nC1CC( illisible\nOC(=O)c1ccc(O)c(O)c1 acide-protocatechique\n';
  await p.getByLabel('Fichier').setInputFiles({ name: 'lot-zitoun.smi', mimeType: 'text/plain', buffer: Buffer.from(file) });
  await p.getByRole('button', { name: 'Lancer l’import' }).click();
  const progress = p.locator('section[aria-labelledby="import-progress"]');
  await progress.getByText('Terminé').waitFor({ timeout: 60000 });
  assert.equal(await text(progress.locator('[data-count="rejected"]')), '1');
  const counted = await progress.locator('dd[data-count]').allInnerTexts();
  assert.equal(counted.reduce((a, b) => a + Number(b), 0), 3);
  const rejected = progress.getByRole('row', { name: /illisible/ });
  await rejected.waitFor();
  assert.match(await text(rejected), /\b2\b/); // the line it starts on
  assert.equal(await progress.locator('progress').getAttribute('value'), '1');
  await shot(p, 'import');
}, { needs: ['member signs in and sees the start-up dashboard'] });

runner.step('the cluster overview shows the funnel and the similarity heat-map', async () => {
  // The administrator sees every start-up's compounds, so the heat-map has figures.
  const p = state.admin;
  await p.getByRole('link', { name: 'Cluster', exact: true }).click();
  await p.getByRole('heading', { level: 1, name: 'Vue d’ensemble du cluster' }).waitFor();
  await p.locator('.funnel li').first().waitFor();
  assert.match(await text(p.locator('.funnel')), /1 produit\(s\)/);
  await p.locator('table.heatmap td.cell').first().waitFor();
  const rows = await p.locator('table.heatmap tbody tr').count();
  assert.ok(rows >= 2, `heat-map rows: ${rows}`);
  // At least one pair of different start-ups has a similarity figure (0 to 1).
  const offDiagonal = await p.locator('table.heatmap tbody tr').evaluateAll((trs) =>
    trs.flatMap((tr, i) => [...tr.querySelectorAll('td.cell')].filter((_, j) => j !== i).map((td) => td.textContent.trim())),
  );
  assert.ok(offDiagonal.some((v) => /^[01](,\d+)?$/.test(v)), 'no similarity figure between start-ups');
  await shot(p, 'overview', { fullPage: true });
}, { needs: ['the administrator manages users and start-ups', 'member creates a product and moves it to the next stage on the pipeline board'] });

runner.step('the start-up dashboard shows its products by stage', async () => {
  const p = state.lead;
  await p.getByRole('link', { name: 'Tableau de bord' }).click();
  const pipeline = p.locator('section[aria-labelledby="dash-pipeline"]');
  await pipeline.getByRole('link', { name: 'Hydroxy-Zitoun 98' }).waitFor();
  assert.match(await text(pipeline.locator('li[data-stage="proof_of_concept"]')), /^1 Preuve de concept/);
}, { needs: ['member creates a product and moves it to the next stage on the pipeline board', 'the lead publishes the compound; its history records it'] });

// ---- Phone width (375 × 812) ---------------------------------------------------------------

const PHONE = { width: 375, height: 812 };

// What breaks a phone layout: a tall header and anything wider than the screen.
async function assertPhoneLayout(p, what) {
  const header = await p.locator('.app-header').boundingBox();
  assert.ok(header.height <= 80, `${what}: the header is ${header.height} px tall`);
  const overflow = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `${what}: ${overflow} px wider than the screen`);
}

runner.step('at phone width the catalogue, a compound and a product fit the screen; the menu folds', async () => {
  const context = await browser.newContext({ viewport: PHONE, locale: 'fr-FR', isMobile: true, hasTouch: true });
  watchForeignRequests(context);
  const p = await context.newPage();
  p.on('pageerror', (e) => consoleErrors.push('phone: ' + String(e)));
  try {
    await p.goto(server.url + '/');
    await p.locator('.compound-card').first().waitFor();
    await p.locator('.product-card').first().waitFor();
    await assertPhoneLayout(p, 'catalogue');
    const nav = p.getByRole('navigation', { name: 'Navigation principale' });
    assert.equal(await nav.getByRole('link', { name: 'Recherche', exact: true }).isVisible(), false);
    await p.getByRole('button', { name: 'Menu' }).click();
    await nav.getByRole('link', { name: 'Recherche', exact: true }).click();
    await p.getByRole('heading', { level: 1, name: 'Recherche' }).waitFor();
    assert.equal(await nav.getByRole('link', { name: 'Catalogue', exact: true }).isVisible(), false, 'the menu closes on a page change');
    await assertPhoneLayout(p, 'search');
    await shot(p, 'phone-catalogue');
    await p.goto(server.url + '/compounds/' + HYDROXYTYROSOL);
    await p.getByRole('heading', { level: 1, name: HYDROXYTYROSOL }).waitFor();
    await p.getByRole('heading', { name: 'Propriétés calculées' }).waitFor();
    await assertPhoneLayout(p, 'compound');
    await shot(p, 'phone-compound');
    await p.goto(server.url + '/products/' + FIRST_DEMO_PRODUCT);
    await p.getByRole('heading', { level: 1 }).waitFor();
    await p.locator('.badge.trl').first().waitFor();
    await assertPhoneLayout(p, 'product');
    await shot(p, 'phone-product');
  } finally {
    await context.close();
  }
});

runner.step('at phone width a member draws a structure in a usable editor', async () => {
  const context = await browser.newContext({ viewport: PHONE, locale: 'fr-FR', isMobile: true, hasTouch: true });
  watchForeignRequests(context);
  const p = await context.newPage();
  p.setDefaultTimeout(20000);
  p.on('pageerror', (e) => consoleErrors.push('phone member: ' + String(e)));
  try {
    await p.goto(server.url + '/login');
    await p.getByLabel('Adresse e-mail').fill('member@zitoun.test');
    await p.getByLabel('Mot de passe').fill(PASSWORD);
    await p.getByRole('button', { name: 'Se connecter' }).click();
    await p.waitForURL(/\/dashboard$/);
    await p.getByRole('button', { name: 'Menu' }).click();
    await p.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Enregistrer', exact: true }).click();
    await waitForEditor(p);
    await assertPhoneLayout(p, 'register');
    const editor = await p.getByTestId('ketcher').boundingBox();
    assert.ok(editor.width >= 340, `the editor is ${editor.width} px wide`);
    await p.getByTestId('ketcher').locator('[data-testid="template-0"]').click();
    const box = await p.getByTestId('ketcher').boundingBox();
    await p.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await p.getByTestId('verdict').getByText('C6H6').waitFor({ timeout: 30000 });
    await shot(p, 'phone-register');
  } finally {
    await context.close();
  }
}, { needs: ['member signs in and sees the start-up dashboard'] });

runner.step('moving to another page puts the focus on its heading', async () => {
  const p = state.member;
  await p.goto(server.url + '/dashboard');
  await p.getByRole('heading', { level: 1 }).waitFor();
  await p.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Voies de synthèse' }).click();
  await p.getByRole('heading', { level: 1, name: 'Voies de synthèse' }).waitFor();
  await p.waitForFunction(() => document.activeElement && document.activeElement.tagName === 'H1');
  assert.equal(await p.evaluate(() => document.activeElement.textContent), 'Voies de synthèse');
}, { needs: ['member signs in and sees the start-up dashboard'] });

runner.step('no script errors on the pages visited, and no request left the server', async () => {
  assert.deepEqual(consoleErrors, []);
  assert.deepEqual(foreignRequests, []);
});

let ok = false;
try {
  // On a failure, every open page of every browser context is captured.
  ok = await runner.run({ pages: () => browser.contexts().flatMap((c) => c.pages()) });
} finally {
  await browser.close().catch(() => {});
  await server.stop();
  fs.rmSync(work, { recursive: true, force: true });
}
process.exit(ok ? 0 : 1);
