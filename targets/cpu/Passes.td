//===- Passes.td - Passes of the CPU targets ---------------*- tablegen -*-===//
//
// The CPU codegen strategy shared by x86-64, AArch64 and the Cortex-M55:
// tiling to register-sized tiles and vectorization.
//
//===----------------------------------------------------------------------===//
#ifndef STRATA_TARGETS_CPU_PASSES
#define STRATA_TARGETS_CPU_PASSES

include "mlir/Pass/PassBase.td"

def WinogradConv2D : Pass<"strata-winograd-conv2d", "::mlir::func::FuncOp"> {
  let summary = "Compute 3x3 stride-1 convolutions with Winograd's minimal filtering";
  let description = [{
    Rewrites a float32 `linalg.conv_2d_nhwc_hwcf` with a constant 3x3
    filter, unit strides and dilations, and at least 16 input and output
    channels, as F(m x m, 3 x 3) (Lavin and Gray, 2016): every m x m block of
    outputs is AT [(G g GT) * (BT d B)] A for the (m+2) x (m+2) block d of
    inputs under it. That is (m+2)^2 multiply-adds per block and channel pair
    instead of 9 m^2: 4x fewer for m = 4, 2.25x for m = 2.

    - The filter transform G g GT is computed here, in double precision, into
      an (m+2)^2 x C x F constant.
    - The input transform is a loop over rows of blocks, block columns and
      vectors of input channels (vector-bits wide, which must divide C and
      F) that reads the (m+2)^2 vectors of a block from the input and writes
      BT d B, written out with zeros skipped and ones as plain additions
      (`contract` lets LLVM fuse FMAs), into an (m+2)^2 x blocks x C tensor.
    - The products are one `linalg.batch_matmul` over the (m+2)^2 positions:
      blocks x C times C x F, which strata-tile-and-vectorize tiles.
    - The output transform is the same loop nest over output channels: it
      reads the (m+2)^2 products of a block and writes the convolution's
      init (its bias) plus AT M A into the m x m outputs of the block.
    - With `parallel-loops`, a transform that writes at least 2^17 elements
      runs its rows of blocks as an `scf.forall`.

    m is 4 when that makes at least `min-tiles` blocks, else 2 when that
    does, else the convolution stays direct: with few blocks the transformed
    weights, (m+2)^2/9 times the size of the weights, are read for too little
    work. Where m does not divide the output, input and init are padded with
    zeros and the result is sliced. Results differ from the direct
    convolution by float rounding only (F(4,3)'s transforms scale values by
    up to 8 and 1/24).

    Before:
    ```mlir
    %y = linalg.conv_2d_nhwc_hwcf
           {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
           ins(%x, %g : tensor<1x58x58x64xf32>, tensor<3x3x64x64xf32>)
           outs(%bias : tensor<1x56x56x64xf32>) -> tensor<1x56x56x64xf32>
    ```
    After (m = 4: 14 x 14 blocks, 36 positions, 16-lane vectors):
    ```mlir
    %v = scf.forall (%row) in (14) shared_outs(%all = %empty) -> (tensor<36x196x64xf32>) {
      %part = tensor.extract_slice %all[0, %row * 14, 0] [36, 14, 64] [1, 1, 1]
      %rows = scf.for %col = %c0 to %c14 step %c1 iter_args(%t = %part) {
        %cols = scf.for %ch = %c0 to %c64 step %c16 iter_args(%u = %t) {
          %d00 = vector.transfer_read %x[0, %row * 4, %col * 4, %ch] ... : vector<16xf32>
          ...                               // 36 reads, BT d B, 36 writes into %u
        }
      }
      scf.forall.in_parallel { tensor.parallel_insert_slice %rows into %all[...] }
    }
    %u = arith.constant dense<...> : tensor<36x64x64xf32>  // G g GT
    %p = linalg.batch_matmul ins(%v, %u ...) outs(...) -> tensor<36x196x64xf32>
    %y = scf.for %row ... {                 // 36 reads of %p, 16 of %bias,
      ...                                   // bias + AT M A, 16 writes
    }
    ```
  }];
  let options = [
    Option<"minTiles", "min-tiles", "int64_t", /*default=*/"32",
           "Fewest output blocks for which a convolution is rewritten">,
    Option<"vectorBits", "vector-bits", "unsigned", /*default=*/"256",
           "Width of the target's vector registers in bits: the transforms' "
           "unit, which must divide both channel counts">,
    Option<"parallelLoops", "parallel-loops", "bool", /*default=*/"false",
           "Make the transforms' loops over rows of blocks scf.forall ops "
           "when they write at least 2^17 elements">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::linalg::LinalgDialect",
    "::mlir::scf::SCFDialect", "::mlir::tensor::TensorDialect",
    "::mlir::vector::VectorDialect"
  ];
}

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
    width where one divides; output columns that are whole vectors and a
    half, 24 on 16 lanes, are tiles of half a vector), so no masking is
    needed.
    An NHWC convolution whose only user is an elementwise generic (a ReLU,
    a residual add) is tiled with it: the user is tiled by the
    convolution's output tiles, the convolution and the op computing its
    init (a bias broadcast or zero fill) are fused into that tile loop, and
    the convolution tile is then tiled along its reduction, so each output
    tile is initialized, accumulated and finished while in cache, all three
    in place in the slice of the result the tile loop carries.
    NHWC convolution tiles are one output row of 8 columns by two vectors of
    output channels, over one filter tap and one vector of input channels,
    with the output-channel loop outermost (a filter row of at most 4 taps x
    input channels, a first layer's, is one tile, its taps accumulating in
    registers); depthwise tiles are 16 columns
    by one vector of channels over one filter row; integer NHWC pools (int8
    max pools) 8 columns by one vector of their element type over one
    filter row. Generics reducing their
    innermost loops are tiled to up to 8 rows by the whole reduction (at
    most `max-vector-elements` elements).
    With `dot-product=vpdpbusd` (x86 VNNI), an int8 NHWC convolution with a
    constant filter over a multiple of 4 input channels reads its filter
    packed as [F/B][KH][KW][C/4][B * 4] (B output channels, a tile's), and
    each of its tiles over whole vectors
    of output channels becomes a kernel of `llvm.x86.avx512.vpdpbusd`
    calls: the 4 bytes of 4 input channels of one column, broadcast to
    every lane and offset by 128 (vpdpbusd multiplies unsigned by signed
    bytes), times 4 input channels of one output channel per lane; each
    kernel lowers its accumulators by 128 times each output channel's
    filter sum to make up for the offset (a tile that does not become a
    kernel computes from the unpacked filter as it is).
    With `dot-product=sdot` (AArch64's dot product extension), the same, on
    4-lane vectors and signed by signed: no offset, no correction.
    With `dot-product=smlad` (Cortex-M's DSP extension), the same packed
    filters' tiles, 2 output columns by 2 output channels (1 by 4 for an
    odd number of columns) over the whole filter, become scalar kernels:
    each group of 4 bytes, activation or filter, is split by `sxtb16` into
    two pairs of signed halfwords, and two `llvm.arm.smlad` calls add the
    4 products to a register accumulator (no offset: signed by signed;
    fewer than 4 input channels stay scalar loops). With any dot product,
    an int8 `linalg.matmul` with constant weights ([M, K] x [K, N]) first
    becomes the 1x1 convolution of [1, 1, M, K] by [1, 1, K, N] it is, and
    takes the same kernels. An int8 convolution's or depthwise
    convolution's requantization (an epilogue of another element type) is
    fused into its output tiles: each int32 accumulator tile is a fresh
    buffer of the tile's size (in an `scf.forall`, strata-plan-memory gives
    it a slot per iteration), never a whole tensor. On VNNI an int8
    depthwise convolution's filter is widened to int32 lanes (the weight in
    the low halfword, zero in the high one) and its tiles, 16 columns by
    one vector of channels over the whole filter, become kernels of
    `llvm.x86.avx512.vpdpwssd` with the accumulators in registers: each
    input column sign-extended to int32 once per filter row meets every tap
    that reads it. A small elementwise op computing in int64 (the
    requantization) is vectorized one vector of its innermost dimension at
    a time. With `vector-bits=0`
    nothing but those convolutions and int8 depthwise ones (8 channels over
    the whole filter) is tiled and nothing is vectorized. A generic
    reading a transpose there (maybe through a collapse) reads the
    transpose's input with a permuted map instead: a global average pool
    reduces its NHWC input as it is, without the transposed copy.

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
    Option<"padWeightRows", "pad-weight-rows", "bool", /*default=*/"false",
           "Store constant weights whose rows are a multiple of 512 bytes "
           "with a cache line of padding per row (hosted targets: it costs "
           "memory)">,
    Option<"minParallelIterations", "min-parallel-iterations", "int64_t",
           /*default=*/"::strata::cpu::kMinParallelIterations",
           "Smallest iteration space (multiply-adds, for a convolution) "
           "worth spreading over threads">,
    Option<"dotProduct", "dot-product", "std::string", /*default=*/"\"\"",
           "The CPU's int8 dot product for int8 convolutions: vpdpbusd "
           "(x86 VNNI), sdot (AArch64 +dotprod), smlad (Cortex-M DSP), or none">
  ];
  let dependentDialects = [
    "::mlir::affine::AffineDialect", "::mlir::LLVM::LLVMDialect",
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
