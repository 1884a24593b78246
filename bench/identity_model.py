#!/usr/bin/python3
"""identity_model.py - write a one-node Identity model for measuring call overhead.

Timing this model under ort_bench.js gives what one `session.run` costs when
the model does nothing: the Node binding, the promise round trip and ONNX
Runtime's fixed per-run work. docs/performance.md states that number next to
the ONNX Runtime column rather than subtracting it.

    /usr/bin/python3 bench/identity_model.py OUT_DIR   # writes model.onnx, input_0.npy
"""

import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper


def main(argv):
    if len(argv) != 1:
        sys.stderr.write("usage: identity_model.py OUT_DIR\n")
        return 2
    out_dir = argv[0]
    os.makedirs(out_dir, exist_ok=True)
    shape = [1, 16]  # the size of the mlp model's input
    graph = helper.make_graph(
        [helper.make_node("Identity", ["input"], ["output"])], "identity",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, shape)],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, shape)])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(out_dir, "model.onnx"))
    np.save(os.path.join(out_dir, "input_0.npy"), np.zeros(shape, np.float32))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
