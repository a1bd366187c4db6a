#!/usr/bin/python3
"""A sketch of the identity rule of docs/identity.md in Python, run over substances.tsv.

Not used by the tests and not Argan's implementation (that is chem/, in C++): it shows that
the rule as written decides every row of the table as the chemist's verdict says (parent
InChIKey, Hill formula, form components by InChIKey, which rows are one parent). Written
before the C++ change, it also records what RDKit 2022.09 needs care with (the Normalizer
drops stereo groups of multi-fragment molecules; hydroxide must not be taken for water).

    /usr/bin/python3 tests/data/identity/rule_sketch.py     # prints disagreements, then a count
"""
import collections, os, subprocess, sys, functools
from rdkit import Chem, RDLogger
from rdkit.Chem import RegistrationHash as RH
from rdkit.Chem.MolStandardize import rdMolStandardize as S
from rdkit.Chem import rdMolHash

RDLogger.DisableLog("rdApp.*")
HERE = os.path.dirname(os.path.abspath(__file__)) + "/"
COUNTER_METALS = {3, 11, 19, 37, 55, 12, 20, 38, 56}
NONMETALS = {1, 2, 5, 6, 7, 8, 9, 10, 14, 15, 16, 17, 18, 32, 33, 34, 35, 36, 51, 52, 53, 54, 85, 86}
IONIC_PARTNERS = {7, 8, 16, 34, 9, 17, 35, 53}
POLYMER_SGROUPS = {"SRU", "COP", "MON", "MER", "CRO", "GRA", "MOD", "ANY", "ALT", "RAN", "BLO"}

def is_metal(z):
    return z not in NONMETALS and z != 0

normalizer = S.Normalizer()
uncharger = S.Uncharger(canonicalOrder=True)

# salt formers
LIST = {}
for line in open(os.path.join(HERE, "../../../chem/data/salt_formers.tsv")).read().splitlines()[1:]:
    smi, name, role, cls, note = line.split("\t")
    m = Chem.MolFromSmiles(smi)
    m = normalizer.normalize(m)
    m2 = Chem.Mol(m); Chem.RemoveStereochemistry(m2)
    LIST[Chem.MolToSmiles(m2)] = (name, role, cls)

def nostereo_smiles(m):
    m2 = Chem.Mol(m); Chem.RemoveStereochemistry(m2)
    return Chem.MolToSmiles(m2)

class Refused(Exception):
    pass

def read(row):
    text = row["input"]
    if text.startswith("@"):
        mol = Chem.MolFromMolFile(HERE + text[1:])
    else:
        mol = Chem.MolFromSmiles(text)
    if mol is None:
        raise Refused("invalid")
    return mol

def ionic_normalise(mol):
    rw = Chem.RWMol(mol)
    for atom in list(rw.GetAtoms()):
        if atom.GetAtomicNum() not in COUNTER_METALS:
            continue
        if any(n.GetAtomicNum() == 6 for n in atom.GetNeighbors()):
            continue
        if mol.GetRingInfo().NumAtomRings(atom.GetIdx()) > 0:
            continue
        for bond in list(atom.GetBonds()):
            other = bond.GetOtherAtom(atom)
            if other.GetAtomicNum() not in IONIC_PARTNERS:
                continue
            order = int(bond.GetBondTypeAsDouble())
            if bond.GetBondType() == Chem.BondType.DATIVE:
                continue
            oh = other.GetTotalNumHs()
            rw.RemoveBond(atom.GetIdx(), other.GetIdx())
            a = rw.GetAtomWithIdx(atom.GetIdx()); o = rw.GetAtomWithIdx(other.GetIdx())
            a.SetFormalCharge(a.GetFormalCharge() + order); a.SetNoImplicit(True); a.SetNumExplicitHs(0)
            o.SetFormalCharge(o.GetFormalCharge() - order); o.SetNoImplicit(True); o.SetNumExplicitHs(oh)
    m = rw.GetMol()
    Chem.SanitizeMol(m)
    return m

def has_carbanion(m):
    return any(a.GetAtomicNum() == 6 and a.GetFormalCharge() < 0 for a in m.GetAtoms())

def has_macrocycle_n4(m):
    """A ring of twelve or more atoms holding four nitrogens (porphyrins, chlorins)."""
    # RDKit's Normalizer returns molecules without ring information: perceive it here.
    return any(len(r) >= 12 and sum(m.GetAtomWithIdx(i).GetAtomicNum() == 7 for i in r) >= 4
               for r in Chem.GetSymmSSSR(m))


def hill(m):
    counts = collections.Counter(); charge = 0
    for a in m.GetAtoms():
        s = a.GetSymbol()
        if a.GetAtomicNum() == 1 and a.GetIsotope() in (2, 3): s = "D" if a.GetIsotope() == 2 else "T"
        counts[s] += 1; counts["H"] += a.GetTotalNumHs(); charge += a.GetFormalCharge()
    counts = {k: v for k, v in counts.items() if v}
    order = (["C"] + (["H"] if "H" in counts else []) + sorted(s for s in counts if s not in "CH")) if "C" in counts else sorted(counts)
    f = "".join(s + (str(counts[s]) if counts[s] > 1 else "") for s in order)
    if charge: f += ("+" if charge > 0 else "-") + (str(abs(charge)) if abs(charge) > 1 else "")
    return f

# --- mobile H canonicalisation (azole annular, amidine) ---
def azole_variants(m):
    out = []
    ri = m.GetRingInfo()
    for ring in ri.AtomRings():
        if len(ring) != 5: continue
        atoms = [m.GetAtomWithIdx(i) for i in ring]
        if not all(a.GetIsAromatic() for a in atoms): continue
        ns = [a for a in atoms if a.GetAtomicNum() == 7 and a.GetDegree() == 2 and a.GetFormalCharge() == 0]
        donors = [a for a in ns if a.GetTotalNumHs() == 1]
        acceptors = [a for a in ns if a.GetTotalNumHs() == 0]
        for d in donors:
            for acc in acceptors:
                rw = Chem.RWMol(m)
                rw.GetAtomWithIdx(d.GetIdx()).SetNumExplicitHs(0); rw.GetAtomWithIdx(d.GetIdx()).SetNoImplicit(True)
                rw.GetAtomWithIdx(acc.GetIdx()).SetNumExplicitHs(1); rw.GetAtomWithIdx(acc.GetIdx()).SetNoImplicit(True)
                try:
                    nm = rw.GetMol(); Chem.SanitizeMol(nm); out.append(nm)
                except Exception:
                    pass
    return out

AMIDINE = Chem.MolFromSmarts("[NX3;!H0;!$(N-[C,S]=[O,S]);!a]-[CX3;!a]=[NX2;!a]")
def amidine_variants(m):
    out = []
    mk = Chem.Mol(m); Chem.Kekulize(mk, clearAromaticFlags=False)
    for n1, c, n2 in mk.GetSubstructMatches(AMIDINE):
        rw = Chem.RWMol(mk)
        rw.GetBondBetweenAtoms(n1, c).SetBondType(Chem.BondType.DOUBLE)
        rw.GetBondBetweenAtoms(c, n2).SetBondType(Chem.BondType.SINGLE)
        a1 = rw.GetAtomWithIdx(n1); a2 = rw.GetAtomWithIdx(n2)
        h1 = a1.GetTotalNumHs(); h2 = a2.GetTotalNumHs()
        a1.SetNoImplicit(True); a1.SetNumExplicitHs(h1 - 1)
        a2.SetNoImplicit(True); a2.SetNumExplicitHs(h2 + 1)
        # double-bond stereo on the moved bonds is meaningless
        for b in (rw.GetBondBetweenAtoms(n1, c), rw.GetBondBetweenAtoms(c, n2)):
            b.SetStereo(Chem.BondStereo.STEREONONE)
        try:
            nm = rw.GetMol(); Chem.SanitizeMol(nm); out.append(nm)
        except Exception:
            pass
    return out

def canonical_mobile_h(m):
    seen = {Chem.MolToSmiles(m): m}
    queue = [m]
    while queue and len(seen) < 64:
        cur = queue.pop()
        for v in azole_variants(cur) + amidine_variants(cur):
            s = Chem.MolToSmiles(v)
            if s not in seen:
                seen[s] = v; queue.append(v)
    best = min(seen)
    return seen[best]

ACIDIC_H = Chem.MolFromSmarts("[$([OX2H1]-[C,S,P]=O),$([OX2H1]-[S,P](=O))]")

def neutralise_parent(frag, comps):
    """returns (parent, extra acid proton count consumed)"""
    neutral = uncharger.uncharge(frag)
    charge = Chem.GetFormalCharge(neutral)
    moved = 0
    if charge > 0:
        # inner salt: remove acidic H
        rw = Chem.RWMol(neutral)
        for (o,) in neutral.GetSubstructMatches(ACIDIC_H):
            if charge <= 0: break
            a = rw.GetAtomWithIdx(o)
            a.SetFormalCharge(-1); a.SetNoImplicit(True); a.SetNumExplicitHs(0)
            charge -= 1; moved += 1
        neutral = rw.GetMol(); Chem.SanitizeMol(neutral)
    return neutral, moved

def obabel_key_inchi(smiles):
    inchi = subprocess.run(["obabel", "-:" + smiles, "-oinchi"], capture_output=True, text=True).stdout.strip()
    key = subprocess.run(["obabel", "-:" + smiles, "-oinchikey"], capture_output=True, text=True).stdout.strip()
    return inchi, key

def smiles_for_inchi(m):
    rw = Chem.RWMol(m)
    for b in list(rw.GetBonds()):
        if b.GetBondType() == Chem.BondType.DATIVE:
            rw.RemoveBond(b.GetBeginAtomIdx(), b.GetEndAtomIdx())
    # drop group stereo
    ids = set()
    for g in m.GetStereoGroups():
        if g.GetGroupType() != Chem.StereoGroupType.STEREO_ABSOLUTE:
            ids |= {a.GetIdx() for a in g.GetAtoms()}
    for i in ids: rw.GetAtomWithIdx(i).SetChiralTag(Chem.ChiralType.CHI_UNSPECIFIED)
    rw.SetStereoGroups([])
    nm = rw.GetMol()
    nm.UpdatePropertyCache(False)
    return Chem.MolToSmiles(nm)

def standardise(row):
    mol = read(row)
    for sg in Chem.GetMolSubstanceGroups(mol):
        if sg.GetProp("TYPE") in POLYMER_SGROUPS:
            raise Refused("polymer")
    if any(a.GetAtomicNum() == 0 for a in mol.GetAtoms()):
        raise Refused("star_atom")
    for a in mol.GetAtoms(): a.SetAtomMapNum(0)
    # ABS groups dropped
    rw = Chem.RWMol(mol)
    groups = [Chem.CreateStereoGroup(g.GetGroupType(), rw, [a.GetIdx() for a in g.GetAtoms()])
              for g in mol.GetStereoGroups() if g.GetGroupType() != Chem.StereoGroupType.STEREO_ABSOLUTE]
    rw.SetStereoGroups(groups); mol = rw.GetMol()
    mol = Chem.RemoveHs(mol)
    mol = ionic_normalise(mol)
    saved = [(g.GetGroupType(), [a.GetIdx() for a in g.GetAtoms()]) for g in mol.GetStereoGroups()]
    for a in mol.GetAtoms(): a.SetIntProp("orig", a.GetIdx())
    mol = normalizer.normalize(mol)
    if saved and not mol.GetStereoGroups():
        where = {a.GetIntProp("orig"): a.GetIdx() for a in mol.GetAtoms() if a.HasProp("orig")}
        rw = Chem.RWMol(mol)
        rw.SetStereoGroups([Chem.CreateStereoGroup(t, rw, [where[i] for i in ids]) for t, ids in saved])
        mol = rw.GetMol()
    mapping = []
    frags = list(Chem.GetMolFrags(mol, asMols=True, sanitizeFrags=True, fragsMolAtomMapping=mapping))
    if mol.GetStereoGroups():
        for k, (f, atoms) in enumerate(zip(frags, mapping)):
            where = {old: new for new, old in enumerate(atoms)}
            rw = Chem.RWMol(f)
            groups = []
            for g in mol.GetStereoGroups():
                ids = [where[a.GetIdx()] for a in g.GetAtoms() if a.GetIdx() in where]
                if ids: groups.append(Chem.CreateStereoGroup(g.GetGroupType(), rw, ids))
            rw.SetStereoGroups(groups)
            frags[k] = rw.GetMol()
    # classify
    info = []
    for f in frags:
        neutral = uncharger.uncharge(f)
        key = nostereo_smiles(neutral)
        listed = LIST.get(key)
        has_c = any(a.GetAtomicNum() == 6 for a in f.GetAtoms())
        organic = has_c and not (listed and listed[2] == "inorganic") and not any(is_metal(a.GetAtomicNum()) for a in f.GetAtoms())
        info.append(dict(frag=f, neutral=neutral, key=key, listed=listed, organic=organic,
                         smiles=Chem.MolToSmiles(f), charge=Chem.GetFormalCharge(f)))
    distinct = {Chem.MolToSmiles(i["frag"]) for i in info}
    metal_atoms = [a for a in mol.GetAtoms() if is_metal(a.GetAtomicNum())]
    metal_compound = any(a.GetAtomicNum() not in COUNTER_METALS for a in metal_atoms) or \
        any(a.GetDegree() > 0 for a in metal_atoms) or \
        (metal_atoms and (has_carbanion(mol) or has_macrocycle_n4(mol)))
    def is_solvent(i):
        return i["charge"] == 0 and i["listed"] and i["listed"][1] == "solvent" and i["key"] == nostereo_smiles(i["frag"])
    if metal_compound or not any(i["organic"] for i in info):
        core = [i for i in info if not is_solvent(i)]
        solv = [i for i in info if is_solvent(i)]
        if not core:
            core, solv = info, []
            if len({i["smiles"] for i in core}) > 1: raise Refused("mixture")
        parent = Chem.MolFromSmiles(".".join(i["smiles"] for i in core))
        if len({i["smiles"] for i in core}) == 1:
            parent = core[0]["frag"]; pc = len(core)
        else:
            pc = 1
        comps = collections.Counter(Chem.MolToSmiles(i["neutral"]) for i in solv)
        return finish(parent, pc, comps, metal=bool(metal_atoms))
    # organic salt / solvate
    cands = {}
    for i in info:
        if i["organic"] and not i["listed"]:
            cands.setdefault(Chem.MolToSmiles(i["frag"]), []).append(i)
    def neutral_smiles(i): return Chem.MolToSmiles(i["neutral"])
    if len(cands) == 0:
        listed_org = [i for i in info if i["organic"]]
        nonsolv = [i for i in listed_org if not is_solvent(i)]
        pool = nonsolv or listed_org
        byneutral = {}
        for i in pool: byneutral.setdefault(neutral_smiles(i), []).append(i)
        if not nonsolv and len(byneutral) > 1: raise Refused("mixture")
        best = max(byneutral, key=lambda s: (Chem.AddHs(byneutral[s][0]["neutral"]).GetNumAtoms(), s))
        parent_items = byneutral[best]
    else:
        byneutral = {}
        for s, items in cands.items():
            for i in items: byneutral.setdefault(neutral_smiles(i), []).append(i)
        if len(byneutral) > 1: raise Refused("mixture")
        parent_items = list(byneutral.values())[0]
    rest = [i for i in info if i not in parent_items]
    if is_solvent(parent_items[0]) and any(is_solvent(i) for i in rest): raise Refused("mixture")
    pcharge = sum(i["charge"] for i in parent_items)
    if pcharge == 0 and any(i["charge"] for i in rest) and sum(i["charge"] for i in rest) == 0:
        raise Refused("mixture")
    parent, moved = neutralise_parent(parent_items[0]["frag"], None)
    parent = canonical_mobile_h(parent)
    pc = len(parent_items)
    comps = collections.Counter()
    cationic = Chem.GetFormalCharge(parent) > 0
    moved_total = moved * pc
    for i in rest:
        if cationic and i["charge"] < 0:
            comps[Chem.MolToSmiles(i["frag"])] += 1
        elif i["charge"] < 0 and moved_total > 0:
            comps[Chem.MolToSmiles(i["neutral"])] += 1; moved_total -= 1
        else:
            comps[Chem.MolToSmiles(i["neutral"])] += 1
    return finish(parent, pc, comps, metal=False)

def finish(parent, pc, comps, metal):
    import math
    g = pc
    for c in comps.values(): g = math.gcd(g, c)
    pc //= g
    comps = {k: v // g for k, v in comps.items()}
    Chem.SanitizeMol(parent)
    smi = Chem.MolToSmiles(parent)
    if Chem.MolFromSmiles(smi) is None:
        raise Refused("roundtrip")
    if metal:
        inchi, key = obabel_key_inchi(smiles_for_inchi(parent))
        ident = ("metal", inchi, hill(parent))
    else:
        layers = RH.GetMolLayers(parent)
        ident = ("organic", layers[RH.HashLayer.CANONICAL_SMILES], layers[RH.HashLayer.TAUTOMER_HASH])
        inchi, key = obabel_key_inchi(smiles_for_inchi(parent))
    return dict(parent=parent, ident=ident, key=key, hill=hill(parent), pc=pc, comps=comps)

def comp_keys(pc, comps):
    parts = []
    for s, n in comps.items():
        _, k = obabel_key_inchi(s)
        parts.append(f"{k}*{n}")
    return f"{pc}|" + ".".join(sorted(parts))

def main():
    lines = open(HERE + "substances.tsv").read().splitlines()
    hdr = lines[0].split("\t")
    rows = [dict(zip(hdr, l.split("\t"))) for l in lines[1:]]
    results = {}
    bad = 0
    for row in rows:
        rid = row["id"]; verdict = row["verdict"]
        try:
            r = standardise(row)
        except Refused as e:
            r = ("refused", str(e))
        except Exception as e:
            r = ("error", repr(e)[:120])
        results[rid] = r
        kind, _, ref = verdict.partition(":")
        problems = []
        if isinstance(r, tuple):
            if kind != "refused" or ref != r[1]:
                problems.append(f"got {r}")
        else:
            if kind == "refused":
                problems.append(f"stored, expected {verdict}: {Chem.MolToSmiles(r['parent'])}")
            else:
                if r["key"] != row["parent_inchikey"]: problems.append(f"key {r['key']} != {row['parent_inchikey']}")
                if r["hill"] != row["parent_formula_hill"]: problems.append(f"hill {r['hill']} != {row['parent_formula_hill']}")
                ck = comp_keys(r["pc"], r["comps"])
                if ck != row["form_inchikeys"]: problems.append(f"form {r['pc']}|{dict(r['comps'])} != {row['form']}")
                if kind in ("same-parent-as", "form-of"):
                    other = results.get(ref)
                    if not isinstance(other, dict) or other["ident"] != r["ident"]:
                        problems.append(f"not the same parent as {ref}: {r['ident'][:2]} vs {other['ident'][:2] if isinstance(other, dict) else other}")
                else:
                    for oid, o in results.items():
                        if oid != rid and isinstance(o, dict) and o["ident"] == r["ident"]:
                            problems.append(f"same parent as {oid} but verdict parent"); break
        if problems:
            bad += 1
            print(rid, "|", verdict, "|", "; ".join(problems))
    print(f"{len(rows) - bad}/{len(rows)} rows agree")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
