#!/usr/bin/python3
"""Builds tests/data/identity/substances.tsv from the hand-written substances.src.tsv.

The hand-written file holds what a chemist decides: the input, the expected verdict, the
expected form and the expected parent structure, with the reasoning. This script adds the
columns that come from reference tools, so that anyone can recompute them:

  * Open Babel (`obabel`, standard InChI/InChIKey) on the expected parent, on every form
    component and on the input as given;
  * RDKit's RegistrationHash layers of the input as given (python3-rdkit);
  * the Hill formula of the expected parent.

It is never needed at test time: the C++ tests read the generated substances.tsv.

    sudo apt-get install -y python3-rdkit openbabel
    /usr/bin/python3 tests/data/identity/make_reference.py          # rewrites substances.tsv
    /usr/bin/python3 tests/data/identity/make_reference.py --check  # exits 1 if it would change

Verdicts (column `verdict`):
  parent                  a new parent; `form` is the form registered with it ("1|" = free form)
  same-parent-as:<id>     the same parent and the same form as row <id> (another drawing)
  form-of:<id>            the parent of row <id>, with the form given in `form`
  refused:<reason>        nothing stored; reasons: mixture, polymer, star_atom, invalid
Rows are registered in file order into one start-up; references point to earlier rows.

Forms are written as Argan's form keys: "<parent count>|<component SMILES>*<count>.<...>",
components as Argan stores them (acids neutral, metal cations charged, the anions of a
parent that stays a cation charged). The generated `form_inchikeys` column gives each
component's standard InChIKey, which the tests compare (so SMILES spelling does not matter,
charge and protonation do).

Expected parent InChIKey: Open Babel's standard InChIKey of the expected parent after the
stereo of every centre in an AND (&n) or OR (on) group is removed -- the rule of
docs/identity.md: a racemate or a relative configuration does not claim an enantiomer.
"""

import collections
import os
import subprocess
import sys

from rdkit import Chem, RDLogger
from rdkit import rdBase
from rdkit.Chem import RegistrationHash

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.join(HERE, "substances.src.tsv")
OUTPUT = os.path.join(HERE, "substances.tsv")

SOURCE_COLUMNS = ["id", "class", "name", "input", "verdict", "form", "parent", "flags", "note"]
CLASSES = {
    "inorganic", "catalyst", "organic", "organic_salt", "zwitterion", "hydrate", "solvate",
    "stereo", "molfile", "tautomer", "atom_map", "mixture", "polymer", "green_solvent",
    "cluster", "reagent", "invalid",
}
REFUSALS = {"mixture", "polymer", "star_atom", "invalid"}
FLAG_RELATIONS = {"stereoisomer", "tautomer"}

OUTPUT_COLUMNS = [
    "id", "class", "name", "input", "verdict", "form", "parent", "flags",
    "parent_inchikey", "parent_inchi", "parent_formula_hill", "form_inchikeys",
    "input_inchikey_obabel", "input_formula", "input_canonical_smiles", "input_tautomer_hash",
    "input_no_stereo_smiles", "input_no_stereo_tautomer_hash", "input_sgroup_data",
    "input_registration_hash", "note",
]


class TableError(Exception):
    pass


# ---------------------------------------------------------------------------------------
# Reading inputs


def read_input_text(row):
    """The input as the API would receive it: SMILES/CXSMILES text or a Molfile's text."""
    text = row["input"]
    if text.startswith("@"):
        path = os.path.join(HERE, text[1:])
        if not os.path.isfile(path):
            raise TableError(f"{row['id']}: input file {text[1:]} does not exist")
        with open(path, encoding="utf-8") as f:
            return f.read(), path
    return text, None


def rdkit_mol_of_input(row):
    """RDKit's reading of the input as given, or None when RDKit refuses it."""
    text, path = read_input_text(row)
    if path:
        return Chem.MolFromMolBlock(text)
    return Chem.MolFromSmiles(text)


def parse_structure(smiles, what):
    mol = Chem.MolFromSmiles(smiles)
    if mol is None:
        raise TableError(f"{what}: RDKit cannot read {smiles!r}")
    return mol


# ---------------------------------------------------------------------------------------
# Open Babel


def obabel(args, stdin_text=None):
    proc = subprocess.run(["obabel"] + args, input=stdin_text, capture_output=True, text=True)
    return proc.stdout.strip()


def obabel_inchi_and_key(smiles):
    """Standard InChI and InChIKey of a SMILES (no CXSMILES extension), or ("", "")."""
    smiles = smiles.split(" ")[0]
    inchi = obabel(["-:" + smiles, "-oinchi"])
    key = obabel(["-:" + smiles, "-oinchikey"])
    if not inchi.startswith("InChI=1S/") or len(key) != 27:
        return "", ""
    return inchi, key


def obabel_key_of_input(row):
    text, path = read_input_text(row)
    if path:
        key = obabel([path, "-oinchikey"])
    else:
        key = obabel(["-:" + text.split(" ")[0], "-oinchikey"])
    return key if len(key) == 27 else ""


# ---------------------------------------------------------------------------------------
# Chemistry helpers (reference rules, written independently of Argan's C++)


def without_group_stereo(smiles):
    """The expected parent with the stereo of AND/OR-group centres removed and ABS groups
    dropped: the structure whose standard InChI is the parent's InChIKey."""
    mol = parse_structure(smiles, "parent")
    in_groups = set()
    for group in mol.GetStereoGroups():
        if group.GetGroupType() != Chem.StereoGroupType.STEREO_ABSOLUTE:
            in_groups.update(a.GetIdx() for a in group.GetAtoms())
    rw = Chem.RWMol(mol)
    for idx in in_groups:
        rw.GetAtomWithIdx(idx).SetChiralTag(Chem.ChiralType.CHI_UNSPECIFIED)
    rw.SetStereoGroups([])
    out = rw.GetMol()
    Chem.AssignStereochemistry(out, cleanIt=True, force=True)
    return Chem.MolToSmiles(out)


def hill_formula(smiles):
    """Hill formula: with carbon, C then H then the rest alphabetically; without carbon,
    every symbol alphabetically (H included). Deuterium and tritium are written D and T
    (sorted as symbols after H). The net charge follows as "+", "-", "+2", ..."""
    mol = parse_structure(smiles, "parent")
    counts = collections.Counter()
    charge = 0
    for atom in mol.GetAtoms():
        symbol = atom.GetSymbol()
        if atom.GetAtomicNum() == 1 and atom.GetIsotope() in (2, 3):
            symbol = "D" if atom.GetIsotope() == 2 else "T"
        counts[symbol] += 1
        counts["H"] += atom.GetTotalNumHs()
        charge += atom.GetFormalCharge()
    counts = {k: v for k, v in counts.items() if v > 0}
    if "C" in counts:
        order = ["C"] + (["H"] if "H" in counts else [])
        order += sorted(s for s in counts if s not in ("C", "H"))
    else:
        order = sorted(counts)
    formula = "".join(s + (str(counts[s]) if counts[s] > 1 else "") for s in order)
    if charge:
        sign = "+" if charge > 0 else "-"
        formula += sign + (str(abs(charge)) if abs(charge) > 1 else "")
    return formula


def parse_form(form, what):
    """'2|O*3.[Ca+2]*1' -> (2, [('O', 3), ('[Ca+2]', 1)])"""
    if "|" not in form:
        raise TableError(f"{what}: form {form!r} has no '|'")
    count_text, components_text = form.split("|", 1)
    if not count_text.isdigit() or int(count_text) < 1:
        raise TableError(f"{what}: form {form!r} must start with the parent count")
    components = []
    if components_text:
        for part in components_text.split("."):
            # A component SMILES may itself contain '.'? No: components are single fragments.
            if "*" not in part:
                raise TableError(f"{what}: form component {part!r} has no '*count'")
            smiles, count = part.rsplit("*", 1)
            if not count.isdigit() or int(count) < 1:
                raise TableError(f"{what}: form component {part!r} has a bad count")
            mol = parse_structure(smiles, what + " form component")
            if len(Chem.GetMolFrags(mol)) != 1:
                raise TableError(f"{what}: form component {smiles!r} is not one fragment")
            components.append((Chem.MolToSmiles(mol), int(count)))
    counts = [int(count_text)] + [c for _, c in components]
    divisor = counts[0]
    for c in counts[1:]:
        while c:
            divisor, c = c, divisor % c
    if divisor != 1:
        raise TableError(f"{what}: form {form!r} is not reduced (common divisor {divisor})")
    return int(count_text), sorted(components)


def canonical_form(form, what):
    count, components = parse_form(form, what)
    return f"{count}|" + ".".join(f"{s}*{n}" for s, n in components)


def form_inchikeys(form, what):
    count, components = parse_form(form, what)
    parts = []
    for smiles, n in components:
        _, key = obabel_inchi_and_key(smiles)
        if not key:
            raise TableError(f"{what}: Open Babel has no InChIKey for component {smiles!r}")
        parts.append(f"{key}*{n}")
    return f"{count}|" + ".".join(sorted(parts))


def registration_layers(mol):
    """RegistrationHash layers of RDKit's reading of the input, or {} when RDKit refuses."""
    if mol is None:
        return {}
    try:
        layers = RegistrationHash.GetMolLayers(mol)
        result = {layer.name: value for layer, value in layers.items()}
        result["HASH"] = RegistrationHash.GetMolHash(layers)
        return result
    except Exception:  # RegistrationHash fails on some inputs (e.g. query atoms)
        return {}


# ---------------------------------------------------------------------------------------
# The table


def read_source():
    with open(SOURCE, encoding="utf-8", newline="") as f:
        lines = f.read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    header = lines[0].split("\t")
    if header != SOURCE_COLUMNS:
        raise TableError(f"substances.src.tsv header must be {SOURCE_COLUMNS}, not {header}")
    rows = []
    for n, line in enumerate(lines[1:], start=2):
        fields = line.split("\t")
        if len(fields) != len(SOURCE_COLUMNS):
            raise TableError(f"line {n}: {len(fields)} fields, expected {len(SOURCE_COLUMNS)}")
        rows.append(dict(zip(SOURCE_COLUMNS, fields)))
    return rows


def resolve(rows):
    """Checks every row and fills the parent and form that references imply."""
    by_id = {}
    for row in rows:
        rid = row["id"]
        if not rid or rid in by_id:
            raise TableError(f"duplicate or empty id {rid!r}")
        if row["class"] not in CLASSES:
            raise TableError(f"{rid}: unknown class {row['class']!r}")
        if not row["name"] or not row["input"] or not row["note"]:
            raise TableError(f"{rid}: name, input and note are required")
        verdict = row["verdict"]
        kind, _, ref = verdict.partition(":")
        if kind == "parent":
            if not row["parent"] or not row["form"]:
                raise TableError(f"{rid}: a parent row needs 'parent' and 'form'")
        elif kind in ("same-parent-as", "form-of"):
            if ref not in by_id:
                raise TableError(f"{rid}: {verdict} refers to no earlier row")
            target = by_id[ref]
            if target["verdict"].startswith("refused"):
                raise TableError(f"{rid}: {verdict} refers to a refused row")
            if row["parent"]:
                raise TableError(f"{rid}: the parent of a {kind} row comes from row {ref}")
            row["parent"] = target["parent"]
            if kind == "same-parent-as":
                if row["form"]:
                    raise TableError(f"{rid}: the form of a same-parent-as row comes from {ref}")
                row["form"] = target["form"]
            elif not row["form"]:
                raise TableError(f"{rid}: a form-of row needs its form")
        elif kind == "refused":
            if ref not in REFUSALS:
                raise TableError(f"{rid}: unknown refusal {ref!r}")
            if row["parent"] or row["form"]:
                raise TableError(f"{rid}: a refused row has no parent or form")
        else:
            raise TableError(f"{rid}: unknown verdict {verdict!r}")
        for flag in filter(None, row["flags"].split(";")):
            relation, _, other = flag.partition(":")
            if relation not in FLAG_RELATIONS or other not in by_id:
                raise TableError(f"{rid}: bad flag {flag!r} (relation:<earlier id>)")
        read_input_text(row)  # the Molfile must exist
        by_id[rid] = row
    return by_id


def build_rows(rows):
    out = []
    key_cache = {}
    for row in rows:
        rid = row["id"]
        result = dict(row)
        if row["parent"]:
            parent_for_inchi = without_group_stereo(row["parent"])
            if parent_for_inchi not in key_cache:
                key_cache[parent_for_inchi] = obabel_inchi_and_key(parent_for_inchi)
            inchi, key = key_cache[parent_for_inchi]
            if not key:
                raise TableError(f"{rid}: Open Babel has no InChIKey for the parent")
            result["parent_inchi"] = inchi
            result["parent_inchikey"] = key
            result["parent_formula_hill"] = hill_formula(row["parent"])
            result["form"] = canonical_form(row["form"], rid)
            result["form_inchikeys"] = form_inchikeys(row["form"], rid)
        else:
            for column in ("parent_inchi", "parent_inchikey", "parent_formula_hill",
                           "form_inchikeys"):
                result[column] = ""
        result["input_inchikey_obabel"] = obabel_key_of_input(row)
        layers = registration_layers(rdkit_mol_of_input(row))
        result["input_formula"] = layers.get("FORMULA", "")
        result["input_canonical_smiles"] = layers.get("CANONICAL_SMILES", "")
        result["input_tautomer_hash"] = layers.get("TAUTOMER_HASH", "")
        result["input_no_stereo_smiles"] = layers.get("NO_STEREO_SMILES", "")
        result["input_no_stereo_tautomer_hash"] = layers.get("NO_STEREO_TAUTOMER_HASH", "")
        result["input_sgroup_data"] = layers.get("SGROUP_DATA", "")
        result["input_registration_hash"] = layers.get("HASH", "")
        out.append(result)
    return out


def check_consistency(rows):
    """Rows that the verdicts say are one parent must share the reference InChIKey."""
    by_id = {r["id"]: r for r in rows}
    for row in rows:
        kind, _, ref = row["verdict"].partition(":")
        if kind in ("same-parent-as", "form-of"):
            if row["parent_inchikey"] != by_id[ref]["parent_inchikey"]:
                raise TableError(f"{row['id']}: parent key differs from row {ref}")


def render(rows):
    lines = ["\t".join(OUTPUT_COLUMNS)]
    for row in rows:
        for column in OUTPUT_COLUMNS:
            if "\t" in row[column] or "\n" in row[column]:
                raise TableError(f"{row['id']}: column {column} holds a tab or newline")
        lines.append("\t".join(row[c] for c in OUTPUT_COLUMNS))
    return "\n".join(lines) + "\n"


def main():
    RDLogger.DisableLog("rdApp.*")
    check_only = "--check" in sys.argv[1:]
    try:
        rows = read_source()
        resolve(rows)
        built = build_rows(rows)
        check_consistency(built)
        text = render(built)
    except TableError as e:
        print(f"make_reference.py: {e}", file=sys.stderr)
        return 2
    version = obabel(["-V"]).split(" -- ")[0]
    print(f"{len(built)} rows; RDKit {rdBase.rdkitVersion}; {version}", file=sys.stderr)
    current = open(OUTPUT, encoding="utf-8").read() if os.path.exists(OUTPUT) else ""
    if check_only:
        if current != text:
            print("substances.tsv is out of date: rerun make_reference.py", file=sys.stderr)
            return 1
        return 0
    with open(OUTPUT, "w", encoding="utf-8", newline="") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
