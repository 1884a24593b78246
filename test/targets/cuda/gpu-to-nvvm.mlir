// RUN: strata-opt %s -split-input-file -pass-pipeline="builtin.module(gpu.module(strata-gpu-to-nvvm))" -verify-diagnostics | FileCheck %s

//===- gpu-to-nvvm.mlir - Kernels to NVVM without libdevice ---------------===//
//
// Kernels become llvm.func with nvvm.kernel, take bare pointers, read thread
// ids from NVVM special registers, and compute math with LLVM intrinsics and
// instructions, never calls to libdevice's __nv_* functions.
//
//===----------------------------------------------------------------------===//

// CHECK-LABEL: gpu.module @kernels
// CHECK-NOT: __nv_
// CHECK: llvm.func @k(%[[X:.+]]: !llvm.ptr, %[[Y:.+]]: !llvm.ptr) attributes {gpu.kernel, nvvm.kernel}
// CHECK: nvvm.read.ptx.sreg.tid.x : i32
// CHECK: %[[V:.+]] = llvm.load
// CHECK: %[[A:.+]] = llvm.intr.fabs(%[[V]]) : (f32) -> f32
// CHECK: %[[S:.+]] = llvm.intr.sqrt(%[[A]]) : (f32) -> f32
// CHECK: %[[F:.+]] = llvm.intr.floor(%[[S]]) : (f32) -> f32
// CHECK: %[[R:.+]] = llvm.frem %[[F]], %[[V]] : f32
// CHECK: llvm.store %[[R]]
// CHECK-NOT: __nv_
gpu.module @kernels {
  gpu.func @k(%x: memref<4xf32>, %y: memref<4xf32>) kernel {
    %i = gpu.thread_id x
    %v = memref.load %x[%i] : memref<4xf32>
    %a = math.absf %v : f32
    %r = math.sqrt %a : f32
    %f = math.floor %r : f32
    %m = arith.remf %f, %v : f32
    memref.store %m, %y[%i] : memref<4xf32>
    gpu.return
  }
}

// -----

// float64 transcendental functions have no NVPTX instruction.
gpu.module @f64 {
  gpu.func @k(%x: memref<4xf64>) kernel {
    %i = gpu.thread_id x
    %v = memref.load %x[%i] : memref<4xf64>
    // expected-error @+1 {{strata-gpu-to-nvvm: intr.exp on 'f64' has no NVPTX instruction (GPU targets compute it in f32 only; libdevice is not linked)}}
    %e = math.exp %v : f64
    memref.store %e, %x[%i] : memref<4xf64>
    gpu.return
  }
}
