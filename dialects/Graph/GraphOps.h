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

#define GET_OP_CLASSES
#include "dialects/Graph/GraphOps.h.inc"

#endif // STRATA_DIALECTS_GRAPH_GRAPHOPS_H
