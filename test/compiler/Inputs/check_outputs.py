"""check_outputs.py - compare strata-run's outputs of `two_outputs` with numpy.

`check_outputs.py DIR` reads DIR/a.npy, DIR/b.npy, DIR/sum.npy and
DIR/product.npy and prints `outputs match` or the mismatch.
"""
import sys

import numpy as np

d = sys.argv[1]
a, b = np.load(f"{d}/a.npy"), np.load(f"{d}/b.npy")
for name, expected in (("sum", a + b), ("product", a * b)):
    got = np.load(f"{d}/{name}.npy")
    if got.shape != expected.shape or not np.allclose(got, expected, rtol=0, atol=1e-6):
        sys.exit(f"{name} differs: {got} vs {expected}")
print("outputs match")
