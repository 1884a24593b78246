// RUN: strata-opt %s "--strata-tile-and-vectorize=vector-bits=256 parallel-loops=1 min-parallel-iterations=100000" --canonicalize | FileCheck %s
// RUN: strata-opt %s "--strata-tile-and-vectorize=vector-bits=256" --canonicalize | FileCheck %s --check-prefix=SERIAL

// With parallel-loops, the outermost parallel tile loop of an op of at
// least min-parallel-iterations iterations is an scf.forall: rows of a
// matmul (64x64x64 = 262144 iterations), in blocks of 8; inside, the usual
// tile loops. Without the option there is no forall.
// CHECK-LABEL: func.func @matmul
// CHECK: scf.forall (%{{.+}}) = (0) to (64) step (8)
// CHECK: scf.for
// CHECK: vector.contract
// CHECK: scf.forall.in_parallel
// SERIAL-LABEL: func.func @matmul
// SERIAL-NOT: scf.forall
func.func @matmul(%a: tensor<64x64xf32>, %b: tensor<64x64xf32>,
                  %c: tensor<64x64xf32>) -> tensor<64x64xf32> {
  %0 = linalg.matmul ins(%a, %b : tensor<64x64xf32>, tensor<64x64xf32>)
                     outs(%c : tensor<64x64xf32>) -> tensor<64x64xf32>
  return %0 : tensor<64x64xf32>
}

// A convolution spreads its output channels (its outermost tile loop) when
// they make at least 8 tiles, 128 channels in blocks of 16 ...
// CHECK-LABEL: func.func @conv_nhwc
// CHECK: scf.forall (%{{.+}}) = (0) to (128) step (16)
// CHECK-NEXT: tensor.extract_slice
// CHECK: scf.for %{{.+}} = %c0 to %c16 step %c1
func.func @conv_nhwc(%x: tensor<1x18x18x16xf32>, %w: tensor<3x3x16x128xf32>,
                     %init: tensor<1x16x16x128xf32>) -> tensor<1x16x16x128xf32> {
  %0 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>,
                                 strides = dense<1> : tensor<2xi64>}
       ins(%x, %w : tensor<1x18x18x16xf32>, tensor<3x3x16x128xf32>)
       outs(%init : tensor<1x16x16x128xf32>) -> tensor<1x16x16x128xf32>
  return %0 : tensor<1x16x16x128xf32>
}

// ... and its output rows when the channels make fewer (64 channels: 4
// blocks, which split unevenly over 3 threads; 16 rows do better).
// CHECK-LABEL: func.func @conv_few_channels
// CHECK: scf.forall (%{{.+}}) in (16)
// CHECK: scf.for %{{.+}} = %c0 to %c64 step %c16
func.func @conv_few_channels(%x: tensor<1x18x18x16xf32>, %w: tensor<3x3x16x64xf32>,
                             %init: tensor<1x16x16x64xf32>) -> tensor<1x16x16x64xf32> {
  %0 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>,
                                 strides = dense<1> : tensor<2xi64>}
       ins(%x, %w : tensor<1x18x18x16xf32>, tensor<3x3x16x64xf32>)
       outs(%init : tensor<1x16x16x64xf32>) -> tensor<1x16x16x64xf32>
  return %0 : tensor<1x16x16x64xf32>
}

// Below the threshold (16x16x16 = 4096 iterations) the loops stay serial.
// CHECK-LABEL: func.func @small_matmul
// CHECK-NOT: scf.forall
// CHECK: return
func.func @small_matmul(%a: tensor<16x16xf32>, %b: tensor<16x16xf32>,
                        %c: tensor<16x16xf32>) -> tensor<16x16xf32> {
  %0 = linalg.matmul ins(%a, %b : tensor<16x16xf32>, tensor<16x16xf32>)
                     outs(%c : tensor<16x16xf32>) -> tensor<16x16xf32>
  return %0 : tensor<16x16xf32>
}

// A large elementwise op (a ReLU over 64x128x16 = 131072 elements, which
// weigh 8 multiply-adds each) is spread over its first long dimension, one
// slice per index; its body stays a linalg.generic for LLVM to vectorize.
#id3 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @relu
// CHECK: scf.forall (%{{.+}}) in (64)
// CHECK: linalg.generic
// CHECK-SAME: outs(%{{.+}} : tensor<1x128x16xf32>)
// SERIAL-LABEL: func.func @relu
// SERIAL-NOT: scf.forall
func.func @relu(%x: tensor<64x128x16xf32>, %init: tensor<64x128x16xf32>) -> tensor<64x128x16xf32> {
  %zero = arith.constant 0.0 : f32
  %0 = linalg.generic {indexing_maps = [#id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
       ins(%x : tensor<64x128x16xf32>) outs(%init : tensor<64x128x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = arith.maximumf %in, %zero : f32
    linalg.yield %r : f32
  } -> tensor<64x128x16xf32>
  return %0 : tensor<64x128x16xf32>
}
