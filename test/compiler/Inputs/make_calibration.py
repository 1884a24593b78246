"""make_calibration.py - calibration folders for the --quantize lit tests.

`make_calibration.py OUT` writes, for a [1, 4] float32 input:
  OUT/cal/sample_K.npy    8 seeded samples (and a README, which is not one)
  OUT/folders/s0/input_0.npy   the folder-per-sample layout
  OUT/empty/              no samples
  OUT/wrong_shape/        one [1, 5] sample
  OUT/wrong_dtype/        one float64 sample
  OUT/x.npy               a test input, outside the calibrated range in places
  OUT/cal_batch/, OUT/x_batch.npy   the same for an [8, 16] input
  OUT/cal_conv16/, OUT/x_conv16.npy   and for [1, 16, 9, 9] (conv_branches)
  OUT/cal_conv3/, OUT/x_conv3.npy     and for [1, 3, 12, 12] (conv_first_layer)
  OUT/cal_conv1/, OUT/x_conv1.npy     and for [1, 1, 12, 10] (conv_one_channel)
  OUT/cal_wide/, OUT/x_wide.npy       and for [1, 16, 40, 40] (conv_wide)
  OUT/cal_prune/, OUT/x_prune.npy     and for [1, 8, 6, 6] (prune_block)
  OUT/cal_prune_ref/                  prune_block samples with output_0.npy references
  OUT/cal_prune_partial/              two, only the first with its reference
  OUT/cal_tiny_conv_ref/              tiny_conv samples with references
"""
import os
import sys

import numpy as np

out = sys.argv[1]
rng = np.random.default_rng(3)
for folder in ("cal", "cal_batch", "cal_conv16", "cal_conv3", "cal_conv1", "cal_wide", "cal_prune", "folders/s0", "empty", "wrong_shape", "wrong_dtype"):
    os.makedirs(os.path.join(out, folder), exist_ok=True)
for k in range(8):
    np.save(os.path.join(out, "cal", f"sample_{k}.npy"),
            rng.standard_normal([1, 4]).astype(np.float32))
with open(os.path.join(out, "cal", "README"), "w") as f:
    f.write("not a sample\n")
np.save(os.path.join(out, "folders", "s0", "input_0.npy"),
        rng.standard_normal([1, 4]).astype(np.float32))
np.save(os.path.join(out, "wrong_shape", "s.npy"), np.zeros([1, 5], np.float32))
np.save(os.path.join(out, "wrong_dtype", "s.npy"), np.zeros([1, 4], np.float64))
np.save(os.path.join(out, "x.npy"), (rng.standard_normal([1, 4]) * 1.5).astype(np.float32))
for k in range(8):
    np.save(os.path.join(out, "cal_batch", f"sample_{k}.npy"),
            rng.standard_normal([8, 16]).astype(np.float32))
np.save(os.path.join(out, "x_batch.npy"), (rng.standard_normal([8, 16]) * 1.5).astype(np.float32))
for name, shape in (("conv16", [1, 16, 9, 9]), ("conv3", [1, 3, 12, 12]),
                    ("conv1", [1, 1, 12, 10]), ("wide", [1, 16, 40, 40]),
                    ("prune", [1, 8, 6, 6])):
    for k in range(8):
        np.save(os.path.join(out, f"cal_{name}", f"sample_{k}.npy"),
                rng.standard_normal(shape).astype(np.float32))
    np.save(os.path.join(out, f"x_{name}.npy"),
            (rng.standard_normal(shape) * 1.5).astype(np.float32))
# prune_block's samples with reference outputs (ONNX's test-data layout),
# for --prune-criterion's mean squared error, and a set where one lacks it.
for k in range(6):
    sample = os.path.join(out, "cal_prune_ref", f"s{k}")
    os.makedirs(sample, exist_ok=True)
    np.save(os.path.join(sample, "input_0.npy"), rng.standard_normal([1, 8, 6, 6]).astype(np.float32))
    np.save(os.path.join(sample, "output_0.npy"), rng.standard_normal([1, 10]).astype(np.float32))
for k in range(2):
    sample = os.path.join(out, "cal_prune_partial", f"s{k}")
    os.makedirs(sample, exist_ok=True)
    np.save(os.path.join(sample, "input_0.npy"), rng.standard_normal([1, 8, 6, 6]).astype(np.float32))
    if k == 0:
        np.save(os.path.join(sample, "output_0.npy"), rng.standard_normal([1, 10]).astype(np.float32))
# tiny_conv's samples with references, for strata_add_model's PRUNE_CRITERION.
for k in range(4):
    sample = os.path.join(out, "cal_tiny_conv_ref", f"s{k}")
    os.makedirs(sample, exist_ok=True)
    np.save(os.path.join(sample, "input_0.npy"), rng.standard_normal([1, 1, 2, 2]).astype(np.float32))
    np.save(os.path.join(sample, "output_0.npy"), rng.standard_normal([1, 2, 2, 2]).astype(np.float32))
