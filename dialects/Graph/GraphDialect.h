//===- GraphDialect.h - The graph dialect -----------------------*- C++ -*-===//
//
// Declares the dialect class. Ops are in GraphOps.h.
//
//===----------------------------------------------------------------------===//
#ifndef STRATA_DIALECTS_GRAPH_GRAPHDIALECT_H
#define STRATA_DIALECTS_GRAPH_GRAPHDIALECT_H

#include "mlir/IR/Dialect.h"

#include "dialects/Graph/GraphDialect.h.inc"

#endif // STRATA_DIALECTS_GRAPH_GRAPHDIALECT_H
