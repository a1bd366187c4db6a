#!/usr/bin/python3
"""RDKit peers for scripts/bench: SubstructLibrary and BulkTanimotoSimilarity (python3-rdkit).

Reads the parents Argan registered ("id<TAB>canonical_smiles", exported by argan_bench), so
that every engine searches the same standardised molecules, and prints RESULT lines like
argan_bench. With --reference it also writes the uncapped hit sets (sorted ids per query) that
scripts/bench compares with Argan's.

  rdkit_peers.py substructure --parents P --set leads=Q1 --set frags=Q2 --threads 2 --max-results 100
                              [--limit N] [--reference-dir DIR]   (writes DIR/rdkit-<set>-all.tsv)
  rdkit_peers.py similarity   --parents P --queries Q (query SMILES, standardised) [--limit N]
                              [--reference OUT]
"""
import argparse
import os
import resource
import sys
import time

from rdkit import Chem, DataStructs, RDLogger
from rdkit.Chem import rdMolDescriptors, rdSubstructLibrary

RDLogger.DisableLog("rdApp.*")


def rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def percentile(values, p):
    if not values:
        return 0.0
    v = sorted(values)
    pos = p * (len(v) - 1)
    i = int(pos)
    frac = pos - i
    return v[i] * (1 - frac) + v[i + 1] * frac if i + 1 < len(v) else v[i]


def read_parents(path):
    ids, smiles = [], []
    with open(path) as f:
        for line in f:
            a, b = line.rstrip("\n").split("\t", 1)
            ids.append(int(a))
            smiles.append(b)
    return ids, smiles


def read_queries(path, limit):
    out = []
    with open(path) as f:
        for line in f:
            if not line.strip() or line.startswith("#"):
                continue
            out.append(line.split()[0])
    return out[:limit] if limit else out


def report(kind, ms, wall, extra):
    print("RESULT %s queries=%d median_ms=%.2f p95_ms=%.2f p99_ms=%.2f qps=%.2f %s" %
          (kind, len(ms), percentile(ms, 0.5), percentile(ms, 0.95), percentile(ms, 0.99),
           len(ms) / wall if wall > 0 else 0, extra), flush=True)


def substructure(args):
    ids, smiles = read_parents(args.parents)
    t0 = time.time()
    # RDKit's recommended set-up: trusted canonical SMILES, pattern fingerprints computed by
    # AddPatterns on the library's threads. Built once for every query set.
    holder = rdSubstructLibrary.CachedTrustedSmilesMolHolder()
    for s in smiles:
        holder.AddSmiles(s)
    library = rdSubstructLibrary.SubstructLibrary(holder)
    rdSubstructLibrary.AddPatterns(library, args.threads)
    build = time.time() - t0
    for spec in args.set:
        name, path = spec.split("=", 1)
        queries = read_queries(path, args.limit)
        ms = []
        wall0 = time.time()
        for q in queries:
            qm = Chem.MolFromSmiles(q)
            t = time.time()
            library.GetMatches(qm, recursionPossible=True, useChirality=False,
                               numThreads=args.threads, maxResults=args.max_results)
            ms.append((time.time() - t) * 1000)
        wall = time.time() - wall0
        report("rdkit_" + name, ms, wall,
               "threads=%d max_results=%d build_s=%.1f rss_mib=%.0f" %
               (args.threads, args.max_results, build, rss_mib()))
        if args.reference_dir:
            # Uncapped hit sets for the correctness comparison (not timed).
            with open(os.path.join(args.reference_dir, "rdkit-%s-all.tsv" % name), "w") as out:
                for i, q in enumerate(queries):
                    qm = Chem.MolFromSmiles(q)
                    hits = library.GetMatches(qm, recursionPossible=True, useChirality=False,
                                              numThreads=args.threads, maxResults=10 ** 9)
                    out.write("%d\t%s\n" % (i, ",".join(str(ids[h]) for h in sorted(hits))))


def similarity(args):
    ids, smiles = read_parents(args.parents)
    t0 = time.time()
    fps = []
    for s in smiles:
        m = Chem.MolFromSmiles(s)
        fps.append(rdMolDescriptors.GetMorganFingerprintAsBitVect(m, 2, nBits=2048) if m is not None
                   else DataStructs.ExplicitBitVect(2048))
    build = time.time() - t0
    queries = read_queries(args.queries, args.limit)
    ms = []
    reference = open(args.reference, "w") if args.reference else None
    wall0 = time.time()
    for i, q in enumerate(queries):
        qm = Chem.MolFromSmiles(q)
        if qm is None:
            continue
        t = time.time()
        qfp = rdMolDescriptors.GetMorganFingerprintAsBitVect(qm, 2, nBits=2048)
        scores = DataStructs.BulkTanimotoSimilarity(qfp, fps)
        order = sorted(range(len(scores)), key=lambda j: (-scores[j], ids[j]))[:10]
        above = sum(1 for s in scores if s >= 0.8)
        ms.append((time.time() - t) * 1000)
        if reference:
            reference.write("%d\t%s\t%d\n" % (i, ",".join("%.6f" % scores[j] for j in order), above))
    wall = time.time() - wall0
    report("bulktanimoto", ms, wall, "build_s=%.1f rss_mib=%.0f" % (build, rss_mib()))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["substructure", "similarity"])
    p.add_argument("--parents", required=True)
    p.add_argument("--queries")
    p.add_argument("--set", action="append", default=[], help="name=query file (substructure)")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--max-results", type=int, default=100)
    p.add_argument("--limit", type=int, default=0)
    p.add_argument("--reference")
    p.add_argument("--reference-dir")
    args = p.parse_args()
    substructure(args) if args.mode == "substructure" else similarity(args)


if __name__ == "__main__":
    sys.exit(main())
