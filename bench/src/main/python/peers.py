#!/usr/bin/python3
"""Native ANN peers for bin/bench-ann: hnswlib and FAISS from Debian (python3-hnswlib, python3-faiss).

Run by the Java benchmark with /usr/bin/python3 (Debian's interpreter, where those packages live). It reads the
stored vectors and queries as .fvecs, builds each index with the same parameters the Java engines get, sweeps the
search parameter and writes, for every sweep point, the returned ids as .ivecs plus one line in results.tsv; the Java
side computes recall from those ids exactly as it does for its own engines.

results.tsv lines (tab-separated):
  build  <engine>  <seconds>  <rss delta bytes>
  point  <engine>  <value>    <queries/s, best of rounds>  <ids file>
Queries go to each library in one call with one thread, so the library answers them one after another in C++;
that measures the search itself, with no Python call per query.
"""
import argparse
import gc
import os
import sys
import time

import numpy as np


def read_fvecs(path):
    raw = np.fromfile(path, dtype=np.int32)
    if raw.size == 0:
        return np.zeros((0, 0), dtype=np.float32)
    dim = int(raw[0])
    return raw.reshape(-1, dim + 1)[:, 1:].copy().view(np.float32)


def write_ivecs(path, ids):
    ids = np.asarray(ids, dtype=np.int32)
    rows = np.hstack([np.full((ids.shape[0], 1), ids.shape[1], dtype=np.int32), ids])
    tmp = path + ".partial"
    rows.tofile(tmp)
    os.replace(tmp, path)


def rss_bytes():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return -1


def timed_build(build):
    gc.collect()
    before = rss_bytes()
    start = time.perf_counter()
    index = build()
    seconds = time.perf_counter() - start
    gc.collect()
    return index, seconds, rss_bytes() - before


def sweep(out, results, engine, values, rounds, min_seconds, search):
    """search(value) -> ids (nq x k). One untimed pass over the sweep, then `rounds` rounds; in each, a point repeats
    whole query-set passes for at least min_seconds (as the Java side does), and keeps its best round."""
    for value in values:
        search(value)
    best = {}
    answers = {}
    for _ in range(rounds):
        for value in values:
            start = time.perf_counter()
            ids = search(value)
            passes = 1
            while time.perf_counter() - start < min_seconds:
                search(value)
                passes += 1
            qps = passes * len(ids) / (time.perf_counter() - start)
            best[value] = max(best.get(value, 0.0), qps)
            answers.setdefault(value, ids)
    for value in values:
        name = "%s-%d.ivecs" % (engine.replace(" ", "_").replace("/", "_"), value)
        write_ivecs(os.path.join(out, name), answers[value])
        results.write("point\t%s\t%d\t%.3f\t%s\n" % (engine, value, best[value], name))
        results.flush()
    print("peers: %s: %s" % (engine, ", ".join("%d: %.0f q/s" % (v, best[v]) for v in values)),
          file=sys.stderr, flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", required=True)
    parser.add_argument("--queries", required=True)
    parser.add_argument("--metric", choices=["L2", "COSINE"], required=True)
    parser.add_argument("--out", required=True, help="folder for results.tsv and the ids files")
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--m", type=int, default=16)
    parser.add_argument("--ef-construction", type=int, default=100)
    parser.add_argument("--nlist", type=int, default=256)
    parser.add_argument("--ef", default="10,16,32,64,128")
    parser.add_argument("--nprobe", default="1,2,4,8,16,32")
    parser.add_argument("--threads", type=int, default=1, help="build threads; searches always use one")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--min-seconds", type=float, default=0.3)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--engines", default="hnswlib,faiss-hnsw,faiss-ivf")
    args = parser.parse_args()

    os.makedirs(args.out, exist_ok=True)
    base = read_fvecs(args.base)
    queries = read_fvecs(args.queries)
    if args.metric == "COSINE":
        # hnswlib's "cosine" space normalises itself; FAISS has no cosine, so both sides are normalised and
        # compared by inner product, which ranks exactly as cosine does.
        unit_base = base / np.maximum(np.linalg.norm(base, axis=1, keepdims=True), 1e-30)
        unit_queries = queries / np.maximum(np.linalg.norm(queries, axis=1, keepdims=True), 1e-30)
    else:
        unit_base, unit_queries = base, queries
    ef_values = [int(v) for v in args.ef.split(",")]
    nprobe_values = [int(v) for v in args.nprobe.split(",")]
    engines = args.engines.split(",")
    n, dim = base.shape
    k = args.k
    print("peers: %d x %d stored, %d queries, %s, M=%d efConstruction=%d nlist=%d, build threads %d"
          % (n, dim, len(queries), args.metric, args.m, args.ef_construction, args.nlist, args.threads),
          file=sys.stderr, flush=True)

    with open(os.path.join(args.out, "results.tsv"), "w") as results:
        if "hnswlib" in engines:
            import hnswlib

            def build_hnswlib():
                index = hnswlib.Index(space="l2" if args.metric == "L2" else "cosine", dim=dim)
                index.init_index(max_elements=n, ef_construction=args.ef_construction, M=args.m,
                                 random_seed=args.seed)
                index.add_items(base, np.arange(n), num_threads=args.threads)
                return index

            index, seconds, rss = timed_build(build_hnswlib)
            results.write("build\thnswlib %s\t%.3f\t%d\n" % (hnswlib_version(), seconds, rss))
            results.flush()
            print("peers: hnswlib built in %.1f s, RSS +%.1f MiB" % (seconds, rss / 1048576), file=sys.stderr,
                  flush=True)

            def search_hnswlib(ef):
                index.set_ef(max(ef, k))
                labels, _ = index.knn_query(queries, k=k, num_threads=1)
                return labels.astype(np.int32)

            sweep(args.out, results, "hnswlib %s" % hnswlib_version(), ef_values, args.rounds, args.min_seconds,
                  search_hnswlib)
            del index
            gc.collect()

        if "faiss-hnsw" in engines or "faiss-ivf" in engines:
            import faiss
            metric = faiss.METRIC_L2 if args.metric == "L2" else faiss.METRIC_INNER_PRODUCT
            name = "FAISS %s" % faiss.__version__

            if "faiss-hnsw" in engines:
                faiss.omp_set_num_threads(args.threads)

                def build_faiss_hnsw():
                    index = faiss.IndexHNSWFlat(dim, args.m, metric)
                    index.hnsw.efConstruction = args.ef_construction
                    index.add(unit_base)
                    return index

                index, seconds, rss = timed_build(build_faiss_hnsw)
                results.write("build\t%s HNSW\t%.3f\t%d\n" % (name, seconds, rss))
                results.flush()
                faiss.omp_set_num_threads(1)

                def search_faiss_hnsw(ef):
                    index.hnsw.efSearch = max(ef, k)
                    _, labels = index.search(unit_queries, k)
                    return labels.astype(np.int32)

                sweep(args.out, results, "%s HNSW" % name, ef_values, args.rounds, args.min_seconds, search_faiss_hnsw)
                del index
                gc.collect()

            if "faiss-ivf" in engines:
                faiss.omp_set_num_threads(args.threads)

                def build_faiss_ivf():
                    quantizer = faiss.IndexFlat(dim, metric)
                    index = faiss.IndexIVFFlat(quantizer, dim, args.nlist, metric)
                    index.cp.seed = args.seed
                    index.train(unit_base)
                    index.add(unit_base)
                    index.quantizer_keep = quantizer
                    return index

                index, seconds, rss = timed_build(build_faiss_ivf)
                results.write("build\t%s IVF_FLAT\t%.3f\t%d\n" % (name, seconds, rss))
                results.flush()
                faiss.omp_set_num_threads(1)

                def search_faiss_ivf(nprobe):
                    index.nprobe = nprobe
                    _, labels = index.search(unit_queries, k)
                    return labels.astype(np.int32)

                sweep(args.out, results, "%s IVF_FLAT" % name, nprobe_values, args.rounds, args.min_seconds,
                      search_faiss_ivf)


def hnswlib_version():
    try:
        from importlib.metadata import version
        return version("hnswlib")
    except Exception:
        return "(Debian)"


if __name__ == "__main__":
    main()
