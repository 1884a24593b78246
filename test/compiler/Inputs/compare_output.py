"""compare_output.py - compare a strata-run output with numpy's reference.

`compare_output.py GOT.npy EXPECTED.npy` prints `match max_abs_err=...` when
the output is within 1e-5 of the reference's scale, or the mismatch. A NaN or
infinity matches only the same non-finite value at the same place: an output
the arithmetic would make NaN where the reference has a number is a mismatch
(`NaN > tol` is false, so a plain tolerance test would let it through).
"""
import sys

import numpy as np

got, expected = np.load(sys.argv[1]), np.load(sys.argv[2])
if got.shape != expected.shape:
    sys.exit(f"shape {got.shape} differs from {expected.shape}")
got64, expected64 = got.astype(np.float64), expected.astype(np.float64)
finite = np.isfinite(expected64)
same_nonfinite = (np.isnan(got64) & np.isnan(expected64)) | (got64 == expected64)
if not np.all(same_nonfinite[~finite]) or not np.all(np.isfinite(got64[finite])):
    bad = int(np.sum(~same_nonfinite[~finite])) + int(np.sum(~np.isfinite(got64[finite])))
    sys.exit(f"mismatch: {bad} values differ in being NaN or infinite")
error = float(np.abs(got64[finite] - expected64[finite]).max()) if finite.any() else 0.0
scale = max(float(np.abs(expected64[finite]).max()) if finite.any() else 0.0, 1e-30)
if not error <= 1e-5 * scale:
    sys.exit(f"mismatch: max_abs_err={error:.3g} scale={scale:.3g}")
print(f"match max_abs_err={error:.3g}")
