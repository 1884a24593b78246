//===- GraphOps.h - Operators of the graph dialect --------------*- C++ -*-===//
//
// Declares the graph ops generated from GraphOps.td. Include this header, not
// the generated one.
//
//===----------------------------------------------------------------------===//
#ifndef STRATA_DIALECTS_GRAPH_GRAPHOPS_H
#define STRATA_DIALECTS_GRAPH_GRAPHOPS_H

#include "dialects/Graph/GraphDialect.h"
#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include <optional>
#include <utility>

#define GET_OP_CLASSES
#include "dialects/Graph/GraphOps.h.inc"

namespace strata::graph {

/// A BatchNormalization's float32 per-channel parameters, when all are
/// constants (a model in inference form), folded into y = x * multiplier +
/// shift: multiplier = scale / sqrt(var + eps) and shift = bias - mean *
/// multiplier, computed in double. Null otherwise. The CPU lowering computes
/// the op so (the square root and division per element were most of KWS's
/// elementwise time), and strata-fold-batch-norm folds it into a Conv.
std::optional<std::pair<mlir::DenseElementsAttr, mlir::DenseElementsAttr>>
foldBatchNormParameters(BatchNormalizationOp op);

/// The name of the ONNX node an op was imported from: the NameLoc the
/// importer gives each node's ops, also inside a fused location (an op
/// folded from several); "" when `loc` names none.
std::string nodeName(mlir::Location loc);

} // namespace strata::graph

#endif // STRATA_DIALECTS_GRAPH_GRAPHOPS_H
