// Browser tests of the needs board (issue 17), run by ctest (web.needs):
//   node tests/web/needs.mjs <path to the argan binary>
// A partner posts a need in the guided form, drawing its structure criterion in the Ketcher
// editor by clicking its toolbar and canvas, then changes it (the matches follow); a start-up finds it among the needs its records
// match, answers and shares a record with that partner only; the partner is told, reads the
// shared record, asks a question, shortlists; the start-up opens a project at the level it
// chooses; the partner closes the need; the cluster sees it all in its charts.
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
const work = tempDir('argan-web-needs-');
const db = path.join(work, 'argan.db');
const VIEWPORT = { width: 1366, height: 900 };
const PASSWORD = 'argan-Test-pa55word';

argan(binary, ['migrate', '--db', db]);
const server = await startServer(binary, db, ['--demo']);
const browser = await launchBrowser();

async function startUpId(prefix) {
  const body = await (await fetch(server.url + '/api/start-ups')).json();
  const s = body.items.find((x) => x.name.startsWith(prefix));
  if (!s) throw new Error('no demo start-up ' + prefix);
  return String(s.id);
}
const zitoun = await startUpId('Zitoun');
for (const [email, role, name, startUp] of [
  ['acheteur@argania.test', 'partner', 'Nawal Acheteuse', null],
  ['lead@zitoun.test', 'lead', 'Lina Lead', zitoun],
  ['admin@argan.test', 'admin', 'Admin Cluster', null],
]) {
  const args = ['user', 'add', '--db', db, '--email', email, '--role', role, '--name', name];
  if (startUp) args.push('--start-up', startUp);
  argan(binary, args, PASSWORD + '\n');
}

// Records are numbered by their creation time, not 1, 2, 3 (docs/threat-model.md, "Record
// numbers"): hydroxytyrosol is the first compound the demo registers, as the administrator
// lists them.
const adminToken = argan(binary, ['token', 'create', '--db', db, '--email', 'admin@argan.test']).trim();
const HYDROXYTYROSOL = await (async () => {
  const res = await fetch(server.url + '/api/compounds?page_size=100', { headers: { Authorization: 'Bearer ' + adminToken } });
  if (!res.ok) throw new Error('/api/compounds answered ' + res.status);
  const number = (code) => Number(code.replace(/^CMP-/, ''));
  return (await res.json()).items.map((c) => c.id).sort((a, b) => number(a) - number(b))[0];
})();

const consoleErrors = [];
const foreignRequests = [];
async function signedIn(email) {
  const context = await browser.newContext({ viewport: VIEWPORT, locale: 'fr-FR' });
  context.on('request', (r) => {
    if (!r.url().startsWith(server.url) && !/^(data|blob):/.test(r.url())) foreignRequests.push(r.url());
  });
  const p = await context.newPage();
  p.setDefaultTimeout(30000);
  p.on('pageerror', (e) => consoleErrors.push(email + ': ' + String(e)));
  await p.goto(server.url + '/login');
  await p.getByLabel('Adresse e-mail').fill(email);
  await p.getByLabel('Mot de passe').fill(PASSWORD);
  await p.getByRole('button', { name: 'Se connecter' }).click();
  await p.getByRole('button', { name: 'Se déconnecter' }).waitFor();
  return p;
}

async function shot(p, name) {
  await p.waitForFunction(() => [...document.images].every((i) => i.complete), null, { timeout: 10000 }).catch(() => {});
  await p.screenshot({ path: path.join(screenshotDir, name + '.png'), fullPage: true });
}

// Where the atoms drawn in the editor are, in page coordinates.
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

const text = async (locator) => (await locator.innerText()).trim();
const state = {};
const runner = new Runner(screenshotDir);

runner.step('a partner posts a need in the guided form, drawing the structure in the editor', async () => {
  const p = await signedIn('acheteur@argania.test');
  state.partner = p;
  await p.getByRole('link', { name: 'Besoins', exact: true }).click();
  await p.getByRole('heading', { level: 1, name: 'Besoins industriels' }).waitFor();
  await p.getByRole('link', { name: 'Publier un besoin' }).click();
  await p.getByRole('heading', { level: 1, name: 'Publier un besoin' }).waitFor();
  // 1. The need.
  await p.getByLabel('Intitulé du besoin').fill('Antioxydant naturel pour sérums à l’huile d’argan');
  await p.getByLabel('Énoncé du problème').fill('Remplacer le BHT à 0,05 % dans nos sérums ; origine végétale, incolore.');
  await p.getByLabel('Secteur', { exact: true }).selectOption('cosmetics');
  await p.getByLabel('Fonction recherchée').selectOption('antioxidant');
  await p.getByRole('button', { name: 'Suivant' }).click();
  // 2. Requirements.
  await p.getByRole('button', { name: 'Ajouter une propriété' }).click();
  const row = p.locator('[data-property-row="0"]');
  await row.getByLabel('Propriété').selectOption('purity');
  await row.getByLabel('Minimum').fill('95');
  await p.getByLabel('Règlement cosmétique').check();
  await p.getByRole('button', { name: 'Suivant' }).click();
  // 3. The structure: catechol, drawn with the toolbar and the canvas.
  await p.getByLabel('Sous-structure').check();
  await p.waitForFunction(() => window.ketcher && window.ketcher.editor, null, { timeout: 120000 });
  const editor = p.getByTestId('ketcher');
  await editor.locator('[data-testid="template-0"]').waitFor({ timeout: 120000 });
  await editor.scrollIntoViewIfNeeded();
  await editor.locator('[data-testid="template-0"]').click(); // the benzene ring
  const box = await editor.boundingBox();
  await p.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  await p.getByText('Structure dessinée (6 atomes).').waitFor();
  await editor.locator('[data-testid="O-button"]').click();
  // An O pulled out of two neighbouring ring atoms, away from the ring's centre.
  const ring = await atomsOnCanvas(p);
  const centre = { x: ring.reduce((s, a) => s + a.x, 0) / ring.length, y: ring.reduce((s, a) => s + a.y, 0) / ring.length };
  const first = ring.reduce((a, b) => (b.y < a.y ? b : a));
  const others = ring.filter((a) => a !== first);
  const second = others.reduce((a, b) => (Math.hypot(b.x - first.x, b.y - first.y) < Math.hypot(a.x - first.x, a.y - first.y) ? b : a));
  for (const atom of [first, second]) {
    const dx = atom.x - centre.x;
    const dy = atom.y - centre.y;
    const d = Math.hypot(dx, dy) || 1;
    await p.mouse.move(atom.x, atom.y);
    await p.mouse.down();
    await p.mouse.move(atom.x + (dx / d) * 25, atom.y + (dy / d) * 25, { steps: 4 });
    await p.mouse.move(atom.x + (dx / d) * 50, atom.y + (dy / d) * 50, { steps: 4 });
    await p.mouse.up();
  }
  await p.getByText('Structure dessinée (8 atomes).').waitFor();
  await shot(p, 'need-form-structure');
  await p.getByRole('button', { name: 'Suivant' }).click();
  // 4. Who sees it: everyone; the company stays anonymous for now.
  await p.getByLabel('Public : tout le monde').check();
  await p.getByLabel('Nom de votre entreprise').fill('Argania Test SARL');
  await p.getByRole('button', { name: 'Suivant' }).click();
  // 5. Review, publish.
  assert.match(await text(p.getByTestId('review-structure')), /Sous-structure \(1\)/);
  await p.getByRole('button', { name: 'Publier le besoin' }).click();
  await p.waitForURL(/\/needs\/NEED-\d{6,}$/);
  state.need = p.url().match(/NEED-\d{6,}/)[0];
  await p.getByRole('heading', { level: 1, name: 'Antioxydant naturel pour sérums à l’huile d’argan' }).waitFor();
  // The public catalogue already answers: hydroxytyrosol, published by Zitoun.
  const matches = p.locator('section[aria-labelledby="need-matches"]');
  await matches.getByText('Enregistrements publics du catalogue qui répondent à ce besoin.').waitFor();
  await matches.locator(`[data-match="${HYDROXYTYROSOL}"]`).waitFor();
  const listed = await matches.locator('[data-match]').evaluateAll((els) => els.map((e) => e.dataset.match));
  // Only public records: nothing private of any start-up.
  for (const id of listed) {
    const r = await fetch(server.url + (id.startsWith('CMP') ? '/api/compounds/' : '/api/products/') + id);
    assert.equal(r.status, 200, id + ' shown to the partner must be public');
  }
  assert.match(await text(p.locator('[data-structure="substructure"]')), /Sous-structure/);
  await shot(p, 'need-partner');
});

runner.step('a structure the chemistry cannot read brings the form back to its step', async () => {
  const p = state.partner;
  await p.goto(server.url + '/needs/new');
  await p.getByLabel('Intitulé du besoin').fill('Essai');
  await p.getByLabel('Énoncé du problème').fill('Essai');
  await p.getByRole('button', { name: '3. Structure' }).click();
  await p.getByLabel('Proche d’une molécule de référence').check();
  await p.getByRole('tab', { name: 'SMILES' }).click();
  await p.getByLabel('Structure (SMILES ou SMARTS)').fill('C1CC(');
  await p.getByRole('button', { name: '5. Vérifier et publier' }).click();
  await p.getByRole('button', { name: 'Publier le besoin' }).click();
  await p.getByRole('heading', { name: '3. Structure' }).waitFor();
  await p.getByRole('alert').first().waitFor();
  assert.equal(p.url(), server.url + '/needs/new');
}, { needs: ['a partner posts a need in the guided form, drawing the structure in the editor'] });

runner.step('the partner changes the need: the drawn criterion comes back, the matches follow the new one', async () => {
  const p = state.partner;
  const matches = p.locator('section[aria-labelledby="need-matches"]');
  const editAndSave = async (changeStructure) => {
    await p.goto(server.url + '/needs/' + state.need);
    await p.getByRole('link', { name: 'Modifier le besoin' }).click();
    await p.getByRole('heading', { level: 1, name: 'Modifier le besoin ' + state.need }).waitFor();
    await changeStructure();
    await p.getByRole('button', { name: '5. Vérifier et publier' }).click();
    await p.getByRole('button', { name: 'Enregistrer les modifications' }).click();
    await p.waitForURL(new RegExp(`/needs/${state.need}$`));
  };
  // 1. The form starts from the need as posted: its title, its purity, the drawn catechol
  //    back in the editor. Then a pyrogallol substructure, typed: hydroxytyrosol no longer matches.
  await editAndSave(async () => {
    assert.equal(await p.getByLabel('Intitulé du besoin').inputValue(), 'Antioxydant naturel pour sérums à l’huile d’argan');
    await p.getByRole('button', { name: '2. Exigences' }).click();
    assert.equal(await p.locator('[data-property-row="0"]').getByLabel('Minimum').inputValue(), '95');
    await p.getByRole('button', { name: '3. Structure' }).click();
    assert.equal(await p.getByLabel('Sous-structure').isChecked(), true);
    await p.waitForFunction(() => window.ketcher && window.ketcher.editor, null, { timeout: 120000 });
    await p.waitForFunction(async () => {
      const molfile = await window.ketcher.getMolfile();
      return Number(molfile.split('\n')[3].slice(0, 3)) === 8;
    }, null, { timeout: 30000 });
    await p.getByRole('tab', { name: 'SMILES' }).click();
    await p.getByLabel('Structure (SMILES ou SMARTS)').fill('Oc1cccc(O)c1O');
  });
  const criterion = p.locator('[data-structure="substructure"] .molecules');
  await criterion.waitFor();
  assert.doesNotMatch(await text(criterion), /molécule dessinée/);
  await matches.getByText('Enregistrements publics du catalogue qui répondent à ce besoin.').waitFor();
  assert.equal(await matches.locator(`[data-match="${HYDROXYTYROSOL}"]`).count(), 0);
  // 2. Close to hydroxytyrosol itself: it matches again, with its score.
  await editAndSave(async () => {
    await p.getByRole('button', { name: '3. Structure' }).click();
    await p.getByLabel('Proche d’une molécule de référence').check();
    await p.getByLabel('Structure (SMILES ou SMARTS)').fill('OCCc1ccc(O)c(O)c1');
    await p.getByLabel('Seuil de similarité (0 à 1)').fill('0.7');
  });
  await p.locator('[data-structure="similarity"]').waitFor();
  await matches.locator(`[data-match="${HYDROXYTYROSOL}"]`).waitFor();
  await shot(p, 'need-changed');
}, { needs: ['a partner posts a need in the guided form, drawing the structure in the editor'] });

runner.step('a start-up finds the need among those its records match and answers it', async () => {
  const p = await signedIn('lead@zitoun.test');
  state.startUp = p;
  await p.getByRole('link', { name: 'Besoins', exact: true }).click();
  await p.getByLabel('Seulement ceux auxquels nos enregistrements correspondent').check();
  const card = p.locator(`[data-need="${state.need}"]`);
  await card.waitFor();
  assert.match(await text(card), /enregistrements correspondent/);
  // The partner has not shown its name.
  assert.match(await text(card), /Partenaire industriel \(anonyme\)/);
  await card.getByRole('link').click();
  const matches = p.locator('section[aria-labelledby="need-matches"]');
  await matches.getByText(/Vos enregistrements qui répondent à ce besoin/).waitFor();
  await matches.locator(`[data-match="${HYDROXYTYROSOL}"]`).waitFor();
  await p.getByLabel('Votre proposition').fill('OleoHT : hydroxytyrosol à 99 %, issu des margines. 50 kg disponibles.');
  await p.getByLabel(new RegExp('Composé ' + HYDROXYTYROSOL)).check();
  await p.getByRole('button', { name: 'Envoyer la réponse' }).click();
  await p.waitForURL(/\/responses\/RSP-\d{6,}$/);
  state.response = p.url().match(/RSP-\d{6,}/)[0];
  await p.locator(`[data-share="${HYDROXYTYROSOL}"]`).waitFor();
  await shot(p, 'need-response-start-up');
}, { needs: ['a partner posts a need in the guided form, drawing the structure in the editor'] });

runner.step('the partner is told, reads the shared record, asks a question and shortlists', async () => {
  const p = state.partner;
  await p.goto(server.url + '/needs');
  const badge = p.locator('.inbox-link');
  await p.waitForFunction(() => Number(document.querySelector('.inbox-link')?.dataset.unread) > 0);
  await badge.click();
  await p.getByRole('heading', { level: 1, name: 'Notifications' }).waitFor();
  await p.getByRole('link', { name: /répond à votre besoin/ }).first().click();
  await p.waitForURL(new RegExp(`/responses/${state.response}$`));
  const share = p.locator(`[data-share="${HYDROXYTYROSOL}"]`);
  await share.getByRole('button', { name: 'Voir' }).click();
  await share.locator('.shared-record img.depiction').waitFor();
  await p.getByLabel('Votre message').fill('Est-il soluble à 0,1 % dans l’huile d’argan ?');
  await p.getByRole('button', { name: 'Envoyer', exact: true }).click();
  await p.locator('.message.side-partner').getByText('Est-il soluble').waitFor();
  await p.getByRole('button', { name: 'Présélectionner' }).click();
  await p.getByText(/· Présélectionnée/).waitFor();
  await shot(p, 'need-response-partner');
}, { needs: ['a start-up finds the need among those its records match and answers it'] });

runner.step('the start-up answers, revokes a grant and opens a project shown at stage and TRL', async () => {
  const p = state.startUp;
  await p.goto(server.url + '/responses/' + state.response);
  await p.locator('.message.side-partner').getByText('Est-il soluble').waitFor();
  await p.getByLabel('Votre message').fill('Oui, prédissous à 10 % dans un triglycéride.');
  await p.getByRole('button', { name: 'Envoyer', exact: true }).click();
  await p.locator('.message.side-start_up').getByText('prédissous').waitFor();
  await p.locator(`[data-share="${HYDROXYTYROSOL}"]`).getByRole('button', { name: 'Révoquer' }).click();
  await p.locator(`.share.revoked[data-share="${HYDROXYTYROSOL}"]`).waitFor();
  await p.goto(server.url + '/needs/' + state.need);
  await p.getByLabel('Titre du projet').fill('Esters d’hydroxytyrosol pour huiles');
  await p.getByLabel('Étape', { exact: true }).selectOption('lab');
  await p.getByLabel('TRL').fill('4');
  await p.getByLabel('Ce que le partenaire voit').selectOption('stage_trl');
  await p.getByRole('button', { name: 'Ouvrir le projet' }).click();
  await p.locator('section[aria-labelledby="need-your-projects"]').getByRole('link', { name: 'Esters d’hydroxytyrosol pour huiles' }).waitFor();
}, { needs: ['the partner is told, reads the shared record, asks a question and shortlists'] });

runner.step('the partner sees the revocation and the project, then closes the need', async () => {
  const p = state.partner;
  await p.goto(server.url + '/responses/' + state.response);
  await p.locator('.message.side-start_up').getByText('prédissous').waitFor();
  assert.equal(await p.locator(`[data-share="${HYDROXYTYROSOL}"]`).count(), 0);
  await p.goto(server.url + '/needs/' + state.need);
  const projects = p.locator('section[aria-labelledby="need-projects"]');
  await projects.getByText(/Laboratoire · TRL 4/).waitFor();
  assert.doesNotMatch(await text(projects), /Esters/); // the title stays the start-up's
  await p.getByRole('button', { name: 'Clore le besoin' }).click();
  await p.getByLabel('Issue').selectOption('solution_found');
  await p.getByLabel('Réponse retenue').selectOption(state.response);
  await p.getByLabel('Note').fill('Commande d’essai de 50 kg.');
  await p.locator('form').getByRole('button', { name: 'Clore le besoin' }).click();
  await p.getByText('Clos : Solution trouvée').waitFor();
}, { needs: ['the start-up answers, revokes a grant and opens a project shown at stage and TRL'] });

runner.step('the cluster sees needs by sector, response times and needs → projects → products', async () => {
  const p = await signedIn('admin@argan.test');
  await p.goto(server.url + '/needs');
  await p.getByRole('link', { name: 'Vue du cluster' }).click();
  await p.getByRole('heading', { level: 1, name: 'Besoins industriels du cluster' }).waitFor();
  await p.locator('svg[data-chart="sectors"] [data-sector="cosmetics"]').waitFor();
  await p.locator('svg[data-chart="response-time"]').waitFor();
  await p.locator(`svg[data-chart="flow"] [data-node="${state.need}"]`).waitFor();
  const row = p.locator(`tr[data-need="${state.need}"]`);
  assert.match(await text(row), /Zitoun Bio-Actives \(demo\) \(Laboratoire, TRL 4\)/);
  // The demo's need with a response and its project is there too.
  assert.ok(Number(await text(p.locator('[data-figure="needs"] .figure-value'))) >= 5);
  await shot(p, 'cluster-needs');
}, { needs: ['the partner sees the revocation and the project, then closes the need'] });

runner.step('no script errors on the pages visited, and no request left the server', async () => {
  assert.deepEqual(consoleErrors, []);
  assert.deepEqual(foreignRequests, []);
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
