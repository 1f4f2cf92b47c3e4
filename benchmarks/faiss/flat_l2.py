"""FAISS IndexFlatL2 reference for the vector search benchmark.

Reads N float32 vectors of dimension 128 from a raw little-endian file and Q
query vectors from another, builds IndexFlatL2, runs each query alone (k
nearest, one thread, as the product answers one family's search at a time)
and prints the mean seconds per query.

usage: flat_l2.py VECTORS QUERIES K THREADS
"""
import sys
import time

import faiss
import numpy as np


def main():
    vec_path, query_path, k, threads = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    xb = np.fromfile(vec_path, dtype="<f4").reshape(-1, 128)
    xq = np.fromfile(query_path, dtype="<f4").reshape(-1, 128)
    faiss.omp_set_num_threads(threads)
    index = faiss.IndexFlatL2(128)
    index.add(xb)
    index.search(xq[:1], k)  # warm up
    start = time.perf_counter()
    for i in range(len(xq)):
        index.search(xq[i : i + 1], k)
    elapsed = time.perf_counter() - start
    print(f"{elapsed / len(xq):.9f}")


if __name__ == "__main__":
    main()
