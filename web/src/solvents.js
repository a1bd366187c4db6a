// The CHEM21 solvent guide (Prat et al., Green Chem. 2016), the same table the server ranks
// solvents with (chem/data/chem21_solvents.csv, bundled at build time): name, other name,
// SMILES and ranking, so a chemist picks a solvent by name and the server still recognises it
// by structure.
import csv from '../../chem/data/chem21_solvents.csv?raw';
import { SOLVENT_NAMES_FR } from './solventNamesFr.js';

function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') {
        quoted = false;
      } else {
        field += ch;
      }
    } else if (ch === '"') {
      quoted = true;
    } else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      if (row.some((f) => f !== '')) rows.push(row);
      row = [];
      field = '';
    } else {
      field += ch;
    }
  }
  if (field || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

function load() {
  const [header, ...rows] = parseCsv(csv);
  const col = (name) => header.indexOf(name);
  const [name, alt, smiles, ranking] = ['name', 'alt_name', 'smiles', 'ranking_after_discussion'].map(col);
  return rows
    .filter((r) => r[smiles])
    .map((r) => ({
      name: r[name],
      altName: r[alt] && r[alt].toLowerCase() !== r[name].toLowerCase() ? r[alt] : '',
      frName: SOLVENT_NAMES_FR[r[name]] || '',
      smiles: r[smiles],
      ranking: r[ranking],
    }));
}

export const SOLVENTS = load();

// The solvent whose name (English or French) or other name is `text` (case-insensitive), or
// undefined.
export function solventByName(text) {
  const key = (text || '').trim().toLowerCase();
  if (!key) return undefined;
  return SOLVENTS.find((s) => [s.name, s.altName, s.frName].some((n) => n && n.toLowerCase() === key));
}

// A solvent's name in the interface language.
export function solventName(lang, solvent) {
  return lang === 'fr' && solvent.frName ? solvent.frName : solvent.name;
}

// The display name of a CHEM21 solvent named `englishName` by the server.
export function solventLabel(lang, englishName) {
  const s = SOLVENTS.find((x) => x.name === englishName);
  return s ? solventName(lang, s) : englishName;
}
