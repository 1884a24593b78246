//===- GraphOps.h - Operators of the graph dialect --------------*- C++ -*-===//
//
// Declares the graph ops generated from GraphOps.td and the native traits they
// use. Include this header, not the generated one.
//
//===----------------------------------------------------------------------===//
#ifndef STRATA_DIALECTS_GRAPH_GRAPHOPS_H
#define STRATA_DIALECTS_GRAPH_GRAPHOPS_H

#include "dialects/Graph/GraphDialect.h"
#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace strata::graph {
mlir::LogicalResult verifyBroadcastsOperands(mlir::Operation *op);
mlir::LogicalResult verifySameShapeElementwise(mlir::Operation *op);
} // namespace strata::graph

namespace strata::graph::OpTrait {

/// Operands broadcast numpy-style to the result's shape.
template <typename ConcreteType>
class BroadcastsOperands
    : public mlir::OpTrait::TraitBase<ConcreteType, BroadcastsOperands> {
public:
  static mlir::LogicalResult verifyTrait(mlir::Operation *op) {
    return verifyBroadcastsOperands(op);
  }
};

/// The first operand and the result have the same type.
template <typename ConcreteType>
class SameShapeElementwise
    : public mlir::OpTrait::TraitBase<ConcreteType, SameShapeElementwise> {
public:
  static mlir::LogicalResult verifyTrait(mlir::Operation *op) {
    return verifySameShapeElementwise(op);
  }
};

} // namespace strata::graph::OpTrait

#define GET_OP_CLASSES
#include "dialects/Graph/GraphOps.h.inc"

#endif // STRATA_DIALECTS_GRAPH_GRAPHOPS_H
