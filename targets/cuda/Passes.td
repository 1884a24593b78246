//===- Passes.td - Passes of the NVIDIA GPU targets --------*- tablegen -*-===//
//
// The steps that turn bufferized loop nests into kernels and a host program
// for sm_80/sm_90: pooled weights, loops on blocks and threads, one kernel
// module, NVVM without libdevice.
//
//===----------------------------------------------------------------------===//
#ifndef STRATA_TARGETS_CUDA_PASSES
#define STRATA_TARGETS_CUDA_PASSES

include "mlir/Pass/PassBase.td"

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

#endif // STRATA_TARGETS_CUDA_PASSES
