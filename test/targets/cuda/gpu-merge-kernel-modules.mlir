// RUN: strata-opt %s -split-input-file -strata-gpu-merge-kernel-modules -verify-diagnostics | FileCheck %s

//===- gpu-merge-kernel-modules.mlir - One gpu.module per model -----------===//
//
// Outlined kernels move into the first gpu.module, each named after the
// module it came from, and launches follow them.
//
//===----------------------------------------------------------------------===//

// CHECK-LABEL: gpu.module @main_kernel {
// CHECK: gpu.func @main_kernel(
// CHECK: gpu.func @main_kernel_0(
// CHECK: memref.store %{{.+}}, %{{.+}}[%{{.+}}] : memref<4xf32>
// CHECK: }
// CHECK-NOT: gpu.module
// CHECK-LABEL: func.func @main(
// CHECK: gpu.launch_func @main_kernel::@main_kernel blocks
// CHECK: gpu.launch_func @main_kernel::@main_kernel_0 blocks
module attributes {gpu.container_module} {
  gpu.module @main_kernel {
    gpu.func @main_kernel(%x: memref<4xf32>) kernel {
      gpu.return
    }
  }
  gpu.module @main_kernel_0 {
    gpu.func @main_kernel(%x: memref<4xf32>) kernel {
      %i = gpu.thread_id x
      %v = arith.constant 1.0 : f32
      memref.store %v, %x[%i] : memref<4xf32>
      gpu.return
    }
  }
  func.func @main(%x: memref<4xf32>) {
    %c1 = arith.constant 1 : index
    gpu.launch_func @main_kernel::@main_kernel blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%x : memref<4xf32>)
    gpu.launch_func @main_kernel_0::@main_kernel blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%x : memref<4xf32>)
    return
  }
}

// -----

module attributes {gpu.container_module} {
  gpu.module @main_kernel {
    gpu.func @main_kernel() kernel {
      gpu.return
    }
  }
  // expected-error @+1 {{strata-gpu-merge-kernel-modules: expected one kernel per outlined module}}
  gpu.module @main_kernel_0 {
    gpu.func @a() kernel {
      gpu.return
    }
    gpu.func @b() kernel {
      gpu.return
    }
  }
}
