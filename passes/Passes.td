//===- Passes.td - Strata's graph-level passes -------------*- tablegen -*-===//
//
// Every pass and conversion Strata runs between import and LLVM, declared in
// one place so `strata-opt --help` lists them all and each can be tested alone.
//
//===----------------------------------------------------------------------===//
#ifndef STRATA_PASSES
#define STRATA_PASSES

include "mlir/Pass/PassBase.td"

def GraphDecomposeRecurrent : Pass<"graph-decompose-recurrent", "::mlir::func::FuncOp"> {
  let summary = "Unroll graph.lstm, graph.gru and graph.rnn over their static sequence";
  let description = [{
    Rewrites each recurrent op into per-step matmuls, gate slices and
    elementwise ops (ONNX gate orders: LSTM i, o, f, c; GRU z, r, h; default
    activations), so that only the basic ops need code generation. Per
    direction, the input projection of all steps is one matmul and the
    recurrent projection is one matmul per step; the reverse direction walks
    the steps backwards, and bidirectional results concatenate both.

    Before:
    ```mlir
    %y, %yh, %yc = graph.lstm %x, %w, %r bias %b {hidden_size = 4 : i64}
        : (tensor<2x1x3xf32>, tensor<1x16x3xf32>, tensor<1x16x4xf32>,
           tensor<1x32xf32>) -> (tensor<2x1x1x4xf32>, tensor<1x1x4xf32>,
                                 tensor<1x1x4xf32>)
    ```
    After (one step shown):
    ```mlir
    %gates = graph.add %xw_t, %hr : ... -> tensor<1x16xf32>
    %i = graph.slice %gates {starts = array<i64: 0>, ends = array<i64: 4>, ...}
    %i_act = graph.sigmoid %i : ...
    ...
    %c_next = graph.add %f_c, %i_g : ...
    %h_next = graph.mul %o_act, %tanh_c : ...
    ```
  }];
  let dependentDialects = ["::strata::graph::GraphDialect"];
}

def ConvertGraphToLinalg : Pass<"convert-graph-to-linalg", "::mlir::func::FuncOp"> {
  let summary = "Lower graph ops to linalg, tensor, arith and math";
  let description = [{
    Every graph op becomes destination-style tensor code: named linalg ops
    for contractions, convolutions and pooling, broadcasting
    `linalg.generic` ops for elementwise math, and tensor ops for data
    movement. An op with no lowering is reported with its ONNX node name.

    ONNX's unsigned tensors (`ui8` ...) become signless (`i8`), function
    signatures included, since `arith` takes signless integers only; ops
    whose meaning depends on signedness read it from the graph types and
    pick `arith.divui`, `arith.cmpi ult`, `arith.extui`, `arith.uitofp` and
    so on.

    Before:
    ```mlir
    %0 = graph.relu %x : (tensor<4xf32>) -> tensor<4xf32>
    ```
    After:
    ```mlir
    %e = tensor.empty() : tensor<4xf32>
    %0 = linalg.generic {indexing_maps = [#id, #id],
                         iterator_types = ["parallel"]}
        ins(%x : tensor<4xf32>) outs(%e : tensor<4xf32>) {
    ^bb0(%in: f32, %out: f32):
      %zero = arith.constant 0.0 : f32
      %m = arith.maximumf %in, %zero : f32
      linalg.yield %m : f32
    } -> tensor<4xf32>
    ```
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect", "::mlir::tensor::TensorDialect"
  ];
}

def FuseElementwise : Pass<"strata-fuse-elementwise", "::mlir::func::FuncOp"> {
  let summary = "Fuse elementwise producers into elementwise consumers";
  let description = [{
    Chains of elementwise linalg ops (bias add, activation, gate arithmetic)
    become one loop nest, so intermediates are never stored. Unlike upstream
    `linalg-fuse-elementwise-ops`, a producer is never fused into a consumer
    with reduction loops: that would recompute the producer once per
    reduction step and hide a contraction from the vectorizer.

    Before:
    ```mlir
    %t = linalg.generic {iterator_types = ["parallel"]} ins(%x) { math.tanh }
    %h = linalg.generic {iterator_types = ["parallel"]} ins(%o, %t) { arith.mulf }
    %y = linalg.matmul ins(%h, %w) ...
    ```
    After:
    ```mlir
    %h = linalg.generic {iterator_types = ["parallel"]} ins(%o, %x) {
      math.tanh; arith.mulf }
    %y = linalg.matmul ins(%h, %w) ...
    ```

    A fused body is capped at `max-body-ops` operations: each fusion copies
    the producer's body into the consumer's, so an unbounded chain of n ops
    costs O(n^2) copies at compile time, and past a few dozen ops one loop
    nest gains nothing but register pressure.
  }];
  let options = [
    Option<"maxBodyOps", "max-body-ops", "unsigned", /*default=*/"64",
           "Largest number of operations a fused body may have">
  ];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def TileAndVectorize : Pass<"strata-tile-and-vectorize", "::mlir::func::FuncOp"> {
  let summary = "Tile contractions and convolutions into register-sized vector code";
  let description = [{
    The CPU codegen strategy: matmuls, batch matmuls, contraction generics,
    NCHW convolutions and poolings are tiled (scf.for on tensors) so that each
    tile is a small static op sized to the target's vector registers, tiled
    2-D convolutions are decomposed into 1-D ones, and every small static
    linalg op is vectorized. Tile sizes divide the loop bounds exactly (the
    largest divisor not above the preferred size), so no masking is needed.

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

def ExpandMath : Pass<"strata-expand-math"> {
  let summary = "Replace transcendental math ops with polynomial approximations";
  let description = [{
    Generated code must not depend on libm (terminals have none, and calls
    block vectorization): `math.exp`, `math.tanh`, `math.log`, `math.erf` and
    friends on f32 become arithmetic with MLIR's polynomial approximations.

    Before:
    ```mlir
    %y = math.tanh %x : f32
    ```
    After: a sequence of `arith.mulf`, `arith.addf`, `math.fma`, `arith.select`
    with no `math.tanh` left.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::math::MathDialect",
    "::mlir::vector::VectorDialect", "::mlir::x86vector::X86VectorDialect"
  ];
}

def LowerStridedCopies : Pass<"strata-lower-strided-copies"> {
  let summary = "Turn non-contiguous memref.copy into linalg.copy loops";
  let description = [{
    Upstream lowers a `memref.copy` between non-contiguous buffers (a padded
    convolution input, a concatenation slot) to a call to `memrefCopy` from
    MLIR's C runner library, which Strata's artifacts do not link. Such copies
    become `linalg.copy`, which later lowers to loops; contiguous copies stay
    and become `memcpy`.

    Before:
    ```mlir
    memref.copy %src, %dst : memref<4x4xf32> to memref<4x4xf32, strided<[6, 1], offset: 7>>
    ```
    After:
    ```mlir
    linalg.copy ins(%src : memref<4x4xf32>)
                outs(%dst : memref<4x4xf32, strided<[6, 1], offset: 7>>)
    ```
  }];
  let options = [
    Option<"allCopies", "all-copies", "bool", /*default=*/"false",
           "Also turn contiguous copies into linalg.copy (GPU kernels have "
           "no memcpy)">
  ];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def PlanMemory : Pass<"strata-plan-memory", "::mlir::ModuleOp"> {
  let summary = "Place every intermediate buffer in one caller-provided arena";
  let description = [{
    Generated code never allocates. After bufferization, each `memref.alloc`
    of the entry function gets an offset in one static arena: buffers whose
    live ranges (first to last use, aliases included) do not overlap share
    bytes, and every offset is aligned to `alignment`. Offsets are the best
    of several greedy first-fit orders (largest, earliest, longest-lived,
    largest size x lifetime first). The function gains a trailing
    `memref<Nxi8>` argument and the attributes `strata.arena_bytes` and
    `strata.arena_lower_bound` (the most bytes live at once).

    Before:
    ```mlir
    func.func @main(%x: memref<4xf32>, %y: memref<4xf32>) {
      %t = memref.alloc() : memref<4xf32>
      ...
      memref.dealloc %t : memref<4xf32>
    }
    ```
    After:
    ```mlir
    func.func @main(%x: memref<4xf32>, %y: memref<4xf32>,
                    %arena: memref<64xi8>) attributes {strata.arena_bytes = 64} {
      %c0 = arith.constant 0 : index
      %t = memref.view %arena[%c0][] : memref<64xi8> to memref<4xf32>
      ...
    }
    ```
  }];
  let options = [
    Option<"alignment", "alignment", "int64_t", /*default=*/"64",
           "Byte alignment of every buffer in the arena">,
    Option<"entryName", "entry", "std::string", /*default=*/"\"main\"",
           "The function that receives the arena">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::memref::MemRefDialect"
  ];
}

def PoolConstants : Pass<"strata-pool-constants", "::mlir::ModuleOp"> {
  let summary = "Gather the entry's constant buffers into one argument";
  let description = [{
    A GPU cannot read the host's read-only data: the runtime uploads the
    model's weights once, as one block, and passes its device address to
    every run. This pass packs the contents of every constant `memref.global`
    the entry function reads into one byte array (each at an `alignment`
    multiple), replaces each `memref.get_global` with a `memref.view` of a new
    trailing `memref<Nxi8>` argument, and keeps the bytes in one public
    global, `strata_constants`, for the object's descriptor to point at. The
    entry gains `strata.constants_bytes`.

    Before:
    ```mlir
    memref.global "private" constant @w : memref<2xf32> = dense<[1.0, 2.0]>
    func.func @main(%x: memref<2xf32>, %y: memref<2xf32>, %arena: memref<0xi8>) {
      %w = memref.get_global @w : memref<2xf32>
      ...
    }
    ```
    After:
    ```mlir
    memref.global constant @strata_constants : memref<8xi8> = dense<[0, 0, -128, 63, 0, 0, 0, 64]>
    func.func @main(%x: memref<2xf32>, %y: memref<2xf32>, %arena: memref<0xi8>,
                    %constants: memref<8xi8>) attributes {strata.constants_bytes = 8} {
      %c0 = arith.constant 0 : index
      %w = memref.view %constants[%c0][] : memref<8xi8> to memref<2xf32>
      ...
    }
    ```
  }];
  let options = [
    Option<"alignment", "alignment", "int64_t", /*default=*/"64",
           "Byte alignment of every constant in the block">,
    Option<"entryName", "entry", "std::string", /*default=*/"\"main\"",
           "The function that receives the constants">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::memref::MemRefDialect"
  ];
}

def GpuDistributeLoops : Pass<"strata-gpu-distribute-loops", "::mlir::func::FuncOp"> {
  let summary = "Shape every top-level loop nest into one GPU block/thread grid";
  let description = [{
    Prepares a bufferized function whose linalg ops became `scf.parallel`
    loops for `convert-parallel-loops-to-gpu`, so that every access to
    device memory happens inside a kernel:

    1. Work left outside parallel loops (a reduction to a scalar, a 0-d
       `linalg.generic`) is wrapped, run by run, in a one-iteration
       `scf.parallel`: it becomes a kernel of one thread rather than host
       code reading device memory.
    2. Each top-level `scf.parallel` is collapsed to one dimension (the
       innermost, contiguous dimension varies fastest) and tiled by
       `block-size`, with an in-bounds check instead of `affine.min` bounds.
    3. The tile loop is mapped to `block_x` and the loop inside it to
       `thread_x`.

    Before:
    ```mlir
    scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c300) step (%c1, %c1) {
      ...
    }
    ```
    After (1200 iterations, 5 blocks of 256 threads):
    ```mlir
    scf.parallel (%b) = (%c0) to (%c1200) step (%c256) {
      scf.parallel (%t) = (%c0) to (%c256) step (%c1) {
        %k = arith.addi %t, %b : index
        scf.if %in_bounds {
          %i = arith.divui %k, %c300 : index
          %j = arith.remui %k, %c300 : index
          ...
        }
      } {mapping = [#gpu.loop_dim_map<processor = thread_x, ...>]}
    } {mapping = [#gpu.loop_dim_map<processor = block_x, ...>]}
    ```
  }];
  let options = [
    Option<"blockSize", "block-size", "int64_t", /*default=*/"256",
           "Threads per block">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::gpu::GPUDialect",
    "::mlir::scf::SCFDialect"
  ];
}

def GpuToNVVM : Pass<"strata-gpu-to-nvvm", "::mlir::gpu::GPUModuleOp"> {
  let summary = "Lower kernels to NVVM without libdevice";
  let description = [{
    `convert-gpu-to-nvvm` turns math ops (`math.sqrt`, `math.absf`, ...)
    into calls to libdevice's `__nv_*` functions, which exist only where the
    CUDA toolkit is installed, and rejects the LLVM intrinsics that would
    replace them. Strata expands transcendental functions into polynomials
    first (`strata-expand-math`), so what is left (square roots, absolute
    values, rounding, fused multiply-add) has an NVPTX instruction: this pass
    runs the same GPU-to-NVVM patterns with math going to LLVM intrinsics.
    Memrefs at kernel boundaries are bare pointers.

    Before:
    ```mlir
    gpu.func @k(%x: memref<4xf32>) kernel {
      %i = gpu.thread_id x
      %v = memref.load %x[%i] : memref<4xf32>
      %r = math.sqrt %v : f32
      ...
    }
    ```
    After:
    ```mlir
    llvm.func @k(%x: !llvm.ptr) attributes {nvvm.kernel} {
      %i = nvvm.read.ptx.sreg.tid.x : i32
      ...
      %r = llvm.intr.sqrt(%v) : (f32) -> f32
      ...
    }
    ```
  }];
  let dependentDialects = [
    "::mlir::LLVM::LLVMDialect", "::mlir::NVVM::NVVMDialect"
  ];
}

def GpuMergeKernelModules : Pass<"strata-gpu-merge-kernel-modules", "::mlir::ModuleOp"> {
  let summary = "Put every outlined kernel in one gpu.module";
  let description = [{
    `gpu-kernel-outlining` gives each kernel a `gpu.module` of its own; each
    would become its own PTX unit, its own binary and its own module load at
    run time. This pass moves every kernel into the first module, names each
    after the module it came from (those names are unique), and updates the
    launches.

    Before:
    ```mlir
    gpu.module @main_kernel { gpu.func @main_kernel(...) kernel {...} }
    gpu.module @main_kernel_0 { gpu.func @main_kernel(...) kernel {...} }
    gpu.launch_func @main_kernel_0::@main_kernel ...
    ```
    After:
    ```mlir
    gpu.module @main_kernel {
      gpu.func @main_kernel(...) kernel {...}
      gpu.func @main_kernel_0(...) kernel {...}
    }
    gpu.launch_func @main_kernel::@main_kernel_0 ...
    ```
  }];
}

#endif // STRATA_PASSES
