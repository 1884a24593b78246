//===- GraphDialect.td - The graph dialect definition ------*- tablegen -*-===//
//
// The graph dialect is what an ONNX model becomes on import: one op per ONNX
// operator, with ONNX's semantics, on value-semantic tensors whose shapes are
// static once the importer has bound every symbolic dimension.
//
//===----------------------------------------------------------------------===//
#ifndef STRATA_GRAPH_DIALECT
#define STRATA_GRAPH_DIALECT

include "mlir/IR/OpBase.td"

def Graph_Dialect : Dialect {
  let name = "graph";
  let summary = "ONNX operator semantics on static tensors";
  let description = [{
    Each op mirrors one ONNX operator: the same operands in the same order,
    the same attributes with the same defaults, and numpy-style broadcasting
    where ONNX broadcasts. The importer normalizes what ONNX leaves implicit
    (auto_pad becomes explicit pads, omitted attributes get their defaults),
    so passes and lowerings never consult the opset. Shape computations on
    constants fold away, leaving only compute ops for code generation.
  }];
  let cppNamespace = "::strata::graph";
  let hasConstantMaterializer = 1;
}

class Graph_Op<string mnemonic, list<Trait> traits = []>
    : Op<Graph_Dialect, mnemonic, traits>;

#endif // STRATA_GRAPH_DIALECT
