// What a text typed into a search box is: a registry code, an InChIKey, a CAS number, a
// molecular formula, a SMILES string or a name. Decided in the browser so the page can say
// what it understood before asking the server; every kind maps to one API call (Search.jsx).

const ELEMENTS = new Set(
  ('H He Li Be B C N O F Ne Na Mg Al Si P S Cl Ar K Ca Sc Ti V Cr Mn Fe Co Ni Cu Zn Ga Ge As Se Br Kr ' +
    'Rb Sr Y Zr Nb Mo Tc Ru Rh Pd Ag Cd In Sn Sb Te I Xe Cs Ba La Ce Pr Nd Pm Sm Eu Gd Tb Dy Ho Er Tm ' +
    'Yb Lu Hf Ta W Re Os Ir Pt Au Hg Tl Pb Bi Po At Rn Fr Ra Ac Th Pa U Np Pu Am Cm Bk Cf Es Fm Md No ' +
    'Lr Rf Db Sg Bh Hs Mt Ds Rg Cn Nh Fl Mc Lv Ts Og D T').split(' '),
);

export const INCHIKEY = /^[A-Z]{14}-[A-Z]{10}-[A-Z]$/;
export const COMPOUND_CODE = /^CMP-\d{1,12}(-F\d+(-B\d+)?)?$/i;
export const PRODUCT_CODE = /^PRD-\d{1,12}$/i;
const CAS = /^(\d{2,7})-(\d{2})-(\d)$/;

// A CAS registry number with a valid check digit ("64-17-5").
export function isCas(text) {
  const m = CAS.exec(text);
  if (!m) return false;
  const digits = (m[1] + m[2]).split('').reverse();
  const sum = digits.reduce((s, d, i) => s + Number(d) * (i + 1), 0);
  return sum % 10 === Number(m[3]);
}

// A molecular formula: element symbols (each once, as in Hill order) with counts, at least
// one count or two elements ("C8H10O3", "NaCl", "H2O"; not "GVL", not "CCO").
export function isFormula(text) {
  const parts = text.match(/[A-Z][a-z]?\d*/g);
  if (!parts || parts.join('') !== text) return false;
  const seen = new Set();
  for (const part of parts) {
    const symbol = part.replace(/\d+$/, '');
    if (!ELEMENTS.has(symbol) || seen.has(symbol)) return false;
    seen.add(symbol);
  }
  return /\d/.test(text) || parts.length >= 2;
}

// A plausible SMILES (or SMARTS) string: made only of SMILES tokens, with balanced brackets
// and parentheses, and at least one atom.
const SMILES_TOKEN = /^(\[[^\]]+\]|Cl|Br|[BCNOPSFI]|[bcnops]|\*|%\d\d|[0-9]|[()=#\-+\\/.:@~$&;,!>])/;
export function isSmiles(text) {
  if (!text || /\s/.test(text)) return false;
  let rest = text;
  let atoms = 0;
  let depth = 0;
  while (rest) {
    const m = SMILES_TOKEN.exec(rest);
    if (!m) return false;
    const token = m[0];
    if (token === '(') depth++;
    if (token === ')' && --depth < 0) return false;
    if (/^(\[|Cl|Br|[BCNOPSFIbcnops*])/.test(token)) atoms++;
    rest = rest.slice(token.length);
  }
  return depth === 0 && atoms > 0;
}

// {kind, text}: kind is one of code, product, inchikey, cas, formula, smiles, name, empty.
export function classifyQuery(raw) {
  const text = (raw || '').trim();
  if (!text) return { kind: 'empty', text };
  if (COMPOUND_CODE.test(text)) return { kind: 'code', text: text.toUpperCase() };
  if (PRODUCT_CODE.test(text)) return { kind: 'product', text: text.toUpperCase() };
  if (INCHIKEY.test(text)) return { kind: 'inchikey', text };
  if (isCas(text)) return { kind: 'cas', text };
  if (isFormula(text)) return { kind: 'formula', text };
  if (isSmiles(text)) return { kind: 'smiles', text };
  return { kind: 'name', text };
}
