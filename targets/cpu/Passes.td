//===- Passes.td - Passes of the CPU targets ---------------*- tablegen -*-===//
//
// The CPU codegen strategy shared by x86-64, AArch64 and the Cortex-M55:
// tiling to register-sized tiles and vectorization.
//
//===----------------------------------------------------------------------===//
#ifndef STRATA_TARGETS_CPU_PASSES
#define STRATA_TARGETS_CPU_PASSES

include "mlir/Pass/PassBase.td"

def TileAndVectorize : Pass<"strata-tile-and-vectorize", "::mlir::func::FuncOp"> {
  let summary = "Tile contractions and convolutions into register-sized vector code";
  let description = [{
    The CPU codegen strategy: matmuls, batch matmuls, contraction generics,
    NCHW convolutions and poolings are tiled (scf.for on tensors) so that each
    tile is a small static op sized to the target's vector registers, tiled
    2-D convolutions are decomposed into 1-D ones, and every small static
    linalg op is vectorized. Tile sizes divide the loop bounds exactly (the
    largest divisor not above the preferred size), so no masking is needed.
    NHWC convolution tiles are one output row of 8 columns by two vectors of
    output channels, over one filter tap and one vector of input channels,
    with the output-channel loop outermost; depthwise tiles are 16 columns
    by one vector of channels over one filter row.

    Before:
    ```mlir
    %r = linalg.matmul ins(%a, %b : tensor<64x64xf32>, tensor<64x64xf32>)
                       outs(%c : tensor<64x64xf32>) -> tensor<64x64xf32>
    ```
    After (schematically):
    ```mlir
    scf.for %i ... { scf.for %j ... { scf.for %k ... {
      %va = vector.transfer_read ... : tensor<8x8xf32>, vector<8x8xf32>
      ...
      %acc = vector.contract {...} %va, %vb, %vc
             : vector<8x8xf32>, vector<8x16xf32> into vector<8x16xf32>
      vector.transfer_write %acc, ...
    } } }
    ```
  }];
  let options = [
    Option<"vectorBits", "vector-bits", "unsigned", /*default=*/"256",
           "Width of the target's vector registers in bits">,
    Option<"maxVectorElements", "max-vector-elements", "int64_t",
           /*default=*/"256",
           "Largest untiled static iteration space that is vectorized whole">
  ];
  let dependentDialects = [
    "::mlir::linalg::LinalgDialect", "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect", "::mlir::vector::VectorDialect"
  ];
}

#endif // STRATA_TARGETS_CPU_PASSES
