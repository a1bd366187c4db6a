// The CHEM21 solvent guide (Prat et al., Green Chem. 2016), as the server ranks solvents with
// it (GET /api/solvents): English, other and French names, SMILES, ranking and density, so a
// chemist picks a solvent by name, the server still recognises it by structure, and a volume
// becomes a mass without typing the density. Loaded once per page load; `useSolvents()`
// re-renders a component when the list arrives.
import { useEffect, useState } from 'react';
import { api } from './api.js';

let solvents = [];
let pending = null;
const listeners = new Set();

function fromApi(s) {
  return {
    name: s.name,
    altName: s.alt_name || '',
    frName: s.name_fr || '',
    smiles: s.smiles,
    ranking: s.ranking,
    density: s.density ? s.density.value : undefined,
  };
}

export function loadSolvents() {
  if (!pending) {
    pending = api
      .get('/api/solvents')
      .then((body) => {
        solvents = (body.items || []).map(fromApi);
        listeners.forEach((notify) => notify(solvents));
        return solvents;
      })
      .catch((e) => {
        pending = null; // try again next time
        throw e;
      });
  }
  return pending;
}

// The list ([] until it has arrived).
export function useSolvents() {
  const [list, setList] = useState(solvents);
  useEffect(() => {
    listeners.add(setList);
    if (solvents.length) setList(solvents);
    else loadSolvents().catch(() => {});
    return () => listeners.delete(setList);
  }, []);
  return list;
}

// The solvent whose name (English or French) or other name is `text` (case-insensitive), or
// undefined.
export function solventByName(text) {
  const key = (text || '').trim().toLowerCase();
  if (!key) return undefined;
  return solvents.find((s) => [s.name, s.altName, s.frName].some((n) => n && n.toLowerCase() === key));
}

// A solvent's name in the interface language.
export function solventName(lang, solvent) {
  return lang === 'fr' && solvent.frName ? solvent.frName : solvent.name;
}

// The display name of a CHEM21 solvent named `englishName` by the server.
export function solventLabel(lang, englishName) {
  const s = solvents.find((x) => x.name === englishName);
  return s ? solventName(lang, s) : englishName;
}

// The density (g/mL) of the CHEM21 solvent named `englishName`, or undefined.
export function solventDensity(englishName) {
  const s = solvents.find((x) => x.name === englishName);
  return s ? s.density : undefined;
}

const ML = { uL: 0.001, mL: 1, L: 1000, m3: 1e6 };

// The mass in grams of `amount` `unit` (a volume) at `density` g/mL, or undefined.
export function volumeToGrams(amount, unit, density) {
  const v = Number(amount);
  if (amount === '' || amount === undefined || !Number.isFinite(v) || !ML[unit] || !density) return undefined;
  return v * ML[unit] * density;
}
