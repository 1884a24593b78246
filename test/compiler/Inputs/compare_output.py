"""compare_output.py - compare a strata-run output with numpy's reference.

`compare_output.py GOT.npy EXPECTED.npy` prints `match max_abs_err=...` when
the output is within 1e-5 of the reference's scale, or the mismatch.
"""
import sys

import numpy as np

got, expected = np.load(sys.argv[1]), np.load(sys.argv[2])
if got.shape != expected.shape:
    sys.exit(f"shape {got.shape} differs from {expected.shape}")
error = float(np.abs(got - expected).max())
scale = max(float(np.abs(expected).max()), 1e-30)
if error > 1e-5 * scale:
    sys.exit(f"mismatch: max_abs_err={error:.3g} scale={scale:.3g}")
print(f"match max_abs_err={error:.3g}")
