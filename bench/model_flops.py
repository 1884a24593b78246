#!/usr/bin/python3
"""model_flops.py - the multiply-add work of an ONNX model, in FLOPs.

The bench divides it by a run's time and the machine's measured peak
(bench/peak_flops.c) to say how much of the machine each model uses. Only
the ops that dominate the models measured count: Conv (2 x output elements x
input channels per group x kernel area), Gemm and MatMul (2 x M x N x K),
with shapes from ONNX's shape inference. Elementwise ops, pooling and
normalizations are left out, so the fraction is a slight underestimate.

    /usr/bin/python3 bench/model_flops.py model.onnx   # prints FLOPs
"""

import sys

import numpy as np
import onnx
from onnx import shape_inference


def shapes_of(model):
    shapes = {}
    graph = model.graph
    for value in list(graph.input) + list(graph.output) + list(graph.value_info):
        dims = value.type.tensor_type.shape.dim
        if all(d.HasField("dim_value") for d in dims):
            shapes[value.name] = [d.dim_value for d in dims]
    for init in graph.initializer:
        shapes[init.name] = list(init.dims)
    return shapes


def flops(path):
    model = shape_inference.infer_shapes(onnx.load(path))
    shapes = shapes_of(model)
    total = 0
    for node in model.graph.node:
        if node.op_type == "Conv":
            out, weight = shapes.get(node.output[0]), shapes.get(node.input[1])
            if out and weight:
                total += 2 * int(np.prod(out)) * int(np.prod(weight[1:]))
        elif node.op_type in ("Gemm", "MatMul"):
            a, out = shapes.get(node.input[0]), shapes.get(node.output[0])
            if a and out:
                transposed = any(attr.name == "transA" and attr.i for attr in node.attribute)
                k = a[-2] if node.op_type == "Gemm" and transposed else a[-1]
                total += 2 * int(np.prod(out)) * k
    return total


if __name__ == "__main__":
    print(flops(sys.argv[1]))
