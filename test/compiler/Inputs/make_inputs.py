"""make_inputs.py - write a.npy [2,3] and b.npy [3] for the two_outputs model."""
import sys

import numpy as np

np.save(f"{sys.argv[1]}/a.npy", np.arange(6, dtype=np.float32).reshape(2, 3) - 2.5)
np.save(f"{sys.argv[1]}/b.npy", np.array([0.5, -1.0, 2.0], dtype=np.float32))
