#!/usr/bin/env bash
# Registration chemistry cost per molecule, independent of the machine's load: instructions
# (valgrind callgrind, counted only inside StructureAnalyser::analyse) and heap allocations
# (valgrind dhat, minus a run on no molecule), with every shared computation on ("shared",
# what registration runs) and off ("eager", AnalysisOptions::eager + every standardisation
# step), on the same sample. Not a test: it prints figures for bench/RESULTS.md.
#   bench/registration_profile.sh [N] [EVERY] [INPUT]
#     N      molecules (default 200)       EVERY  take one line in EVERY (default 5000)
#     INPUT  SMILES file, may be gzipped (default ../shared/data/.../chembl_zinc_union_1.1M.smi.gz)
#   ARGAN_BUILD_DIR  the build with argan_bench (-DARGAN_BUILD_BENCH=ON; default build)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-200}
every=${2:-5000}
input=${3:-}
if [[ -z "$input" ]]; then
  data="$PWD/../shared/data"
  [[ -d "$data" || ! -d "$PWD/../../shared/data" ]] || data="$PWD/../../shared/data"
  input="$data/molecules/chembl_zinc_union_1.1M.smi.gz"
fi
bench="${ARGAN_BUILD_DIR:-build}/argan_bench"
[[ -x "$bench" ]] || { echo "$bench is missing (cmake -DARGAN_BUILD_BENCH=ON)" >&2; exit 1; }
command -v valgrind >/dev/null || { echo "valgrind is missing" >&2; exit 1; }
# ARGAN_PROFILE_DIR keeps the valgrind outputs (callgrind_annotate them for more detail).
if [[ -n "${ARGAN_PROFILE_DIR:-}" ]]; then
  work=$ARGAN_PROFILE_DIR; mkdir -p "$work"
else
  work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fi

# Inclusive instructions of the functions whose name matches each pattern, per molecule.
steps=(
  "total|chem::StructureAnalyser::analyse("
  "parse (checks + RDKit parser)|chem::parseStructure("
  "standardise|chem::Standardizer::standardize("
  "identity layers (all)|chem::IdentityCalculator::compute("
  "  of which InChI|chem::computeStandardInchi("
  "properties (all)|chem::computeProperties("
  "  of which Crippen logP|calcCrippenDescriptors("
  "pattern fingerprint|chem::patternFingerprint"
  "Morgan fingerprint|chem::morganFingerprint"
  "pickle|MolPickler::pickleMol("
  "canonical SMILES (every call)|RDKit::MolToSmiles"
  "sanitisation (every call)|RDKit::MolOps::sanitizeMol("
)

profile() {  # mode -> $work/<mode>.out (callgrind) and allocation count
  local mode=$1 flag=()
  [[ $mode == eager ]] && flag=(--eager)
  nice -n 5 valgrind --tool=callgrind --collect-atstart=no \
    --toggle-collect='argan::chem::StructureAnalyser::analyse*' \
    --callgrind-out-file="$work/$mode.out" \
    "$bench" analyse --input "$input" --limit "$n" --every "$every" "${flag[@]}" \
    >"$work/$mode.log" 2>"$work/$mode.valgrind"
  grep RESULT "$work/$mode.log"
  callgrind_annotate --inclusive=yes --threshold=100 "$work/$mode.out" 2>/dev/null \
    >"$work/$mode.txt"
  for limit in 0 "$n"; do
    nice -n 5 valgrind --tool=dhat --dhat-out-file=/dev/null \
      "$bench" analyse --input "$input" --limit "$limit" --every "$every" "${flag[@]}" \
      >/dev/null 2>"$work/$mode.dhat.$limit"
  done
}

# The largest inclusive count among the matching functions: overloads of one RDKit function
# call each other, so the outermost one holds every call (a sum would count them twice).
ir_of() {  # file pattern -> inclusive instructions
  awk -v pat="$2" 'index($0, pat) { gsub(",", "", $1); if ($1 + 0 > m) m = $1 + 0 }
    END { printf "%.0f", m }' "$1"
}
blocks_of() {  # dhat log -> total heap blocks
  sed -n 's/.*Total: *[0-9,]* bytes in \([0-9,]*\) blocks.*/\1/p' "$1" | tr -d ,
}

profile shared
profile eager
molecules=$(sed -n 's/.*molecules=\([0-9]*\).*/\1/p' "$work/shared.log")
echo "Sample: $molecules molecules, one line in $every of $(basename "$input"); valgrind $(valgrind --version | sed 's/valgrind-//')"
echo
echo "| step (inclusive, per molecule) | shared (registration) | eager (reference) | saved |"
echo "|---|---|---|---|"
for step in "${steps[@]}"; do
  name=${step%%|*}; pat=${step#*|}
  a=$(ir_of "$work/shared.txt" "$pat"); b=$(ir_of "$work/eager.txt" "$pat")
  awk -v name="$name" -v a="$a" -v b="$b" -v n="$molecules" 'BEGIN {
    saved = (b > 0) ? sprintf("%.0f %%", 100 * (b - a) / b) : ""
    printf "| %s | %.2f M | %.2f M | %s |\n", name, a / n / 1e6, b / n / 1e6, saved }'
done
for mode in shared eager; do
  b0=$(blocks_of "$work/$mode.dhat.0"); bn=$(blocks_of "$work/$mode.dhat.$n")
  awk -v m="$mode" -v a="$b0" -v b="$bn" -v n="$molecules" \
    'BEGIN { printf "heap allocations per molecule (%s): %.0f\n", m, (b - a) / n }'
done
