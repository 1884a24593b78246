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
    The CPU codegen strategy. First, constant float32 weights that a
    contraction generic reads as B[n][k] (a Gemm with trans_b: PyTorch's
    Linear) are transposed at compile time and the generic becomes a
    linalg.matmul, so vectors run along the weights' rows. Then matmuls,
    batch matmuls, contraction generics,
    NCHW convolutions and poolings are tiled (scf.for on tensors) so that each
    tile is a small static op sized to the target's vector registers, tiled
    2-D convolutions are decomposed into 1-D ones, and every small static
    linalg op is vectorized. With `parallel-loops`, one tile loop over a
    parallel dimension of each op of at least `min-parallel-iterations`
    iterations is an `scf.forall` (threads split it; every index writes its
    own tile, so results do not depend on how): the outermost with at least
    8 tiles, else the one with the most. All-parallel generics whose
    elements, weighing 2 iterations each, reach the threshold are spread
    one slice of their first dimension of 8 or more at a time.
    Tile sizes divide the loop bounds exactly (the
    largest divisor not above the preferred size, a multiple of the vector
    width where one divides), so no masking is needed.
    NHWC convolution tiles are one output row of 8 columns by two vectors of
    output channels, over one filter tap and one vector of input channels,
    with the output-channel loop outermost; depthwise tiles are 16 columns
    by one vector of channels over one filter row. Generics reducing their
    innermost loops are tiled to up to 8 rows by the whole reduction (at
    most `max-vector-elements` elements).

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
           "Largest untiled static iteration space that is vectorized whole">,
    Option<"parallelLoops", "parallel-loops", "bool", /*default=*/"false",
           "Make the outermost parallel tile loop of each large op an "
           "scf.forall (for strata-outline-parallel-loops)">,
    Option<"minParallelIterations", "min-parallel-iterations", "int64_t",
           /*default=*/"::strata::cpu::kMinParallelIterations",
           "Smallest iteration space (multiply-adds, for a convolution) "
           "worth spreading over threads">
  ];
  let dependentDialects = [
    "::mlir::linalg::LinalgDialect", "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect", "::mlir::vector::VectorDialect"
  ];
}

def OutlineParallelLoops : Pass<"strata-outline-parallel-loops", "::mlir::ModuleOp"> {
  let summary = "Turn the entry's parallel loops into tasks for the run's executor";
  let description = [{
    Hosted CPUs run a model's large convolutions and matmuls on several
    threads. strata-tile-and-vectorize makes their outermost parallel tile
    loop an `scf.forall`; after bufferization this pass moves the body of
    each top-level `scf.forall` of the entry into a task function (the
    entry's arguments and one index; arena views, weights and constants it
    uses are recomputed inside) and replaces the loop by a call to a
    dispatch function the entry-point emitter defines: it gives the task to
    the `strata_executor_t` of the run, or runs the indices in order when
    there is none. The entry gains that executor as its last argument, with
    or without loops, and `strata.parallel_loops` says how many there are.
    A loop whose body allocates or uses a value that cannot be recomputed
    (a scalar loaded earlier) stays a loop.

    Before:
    ```mlir
    func.func @main(%x: memref<8x64xf32>, %y: memref<8x64xf32>, %arena: memref<0xi8>) {
      scf.forall (%i) in (4) {
        %o = memref.subview %y[0, %i] ...
        ...
      }
      return
    }
    ```
    After:
    ```mlir
    func.func @main(%x: memref<8x64xf32>, %y: memref<8x64xf32>, %arena: memref<0xi8>,
                    %executor: !llvm.ptr) attributes {strata.parallel_loops = 1 : i64} {
      %c4 = arith.constant 4 : index
      call @main.dispatch.0(%executor, %c4, %x, %y, %arena) : (...) -> ()
      return
    }
    func.func private @main.dispatch.0(!llvm.ptr, index, memref<8x64xf32>, ...)
    func.func private @main.parallel.0(%x: memref<8x64xf32>, %y: memref<8x64xf32>,
                                       %arena: memref<0xi8>, %index: index) {
      %o = memref.subview %y[0, %index] ...
      ...
    }
    ```
  }];
  let options = [
    Option<"entryName", "entry", "std::string", /*default=*/"\"main\"",
           "The model's entry function">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::LLVM::LLVMDialect",
    "::mlir::func::FuncDialect"
  ];
}

#endif // STRATA_TARGETS_CPU_PASSES
