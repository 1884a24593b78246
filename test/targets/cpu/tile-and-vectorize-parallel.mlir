// RUN: strata-opt %s "--strata-tile-and-vectorize=vector-bits=256 parallel-loops=1 min-parallel-iterations=100000" --canonicalize | FileCheck %s
// RUN: strata-opt %s "--strata-tile-and-vectorize=vector-bits=256" --canonicalize | FileCheck %s --check-prefix=SERIAL
// RUN: strata-opt %s "--strata-tile-and-vectorize=vector-bits=256 parallel-loops=1 min-parallel-iterations=100000" --canonicalize --cse \
// RUN:   "--one-shot-bufferize=bufferize-function-boundaries function-boundary-type-conversion=identity-layout-map" \
// RUN:   --canonicalize --cse --canonicalize | FileCheck %s --check-prefix=BUFFERS
// RUN: strata-opt %s "--strata-tile-and-vectorize=vector-bits=256" --canonicalize --cse \
// RUN:   "--one-shot-bufferize=bufferize-function-boundaries function-boundary-type-conversion=identity-layout-map" \
// RUN:   --canonicalize --cse --canonicalize | FileCheck %s --check-prefix=BUFFERS

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

// A convolution's bias broadcast and its elementwise user (a ReLU) are
// fused into its tile loops: each output tile gets its bias, accumulates
// over the input channels, and goes through the ReLU while in registers.
// Spread, the output-channel tiles are the forall's indices; serial, the
// outermost loop.
// CHECK-LABEL: func.func @conv_bias_relu(
//   CHECK-NOT: linalg.generic
//       CHECK: scf.forall (%{{.*}}) in (32)
//       CHECK:   scf.for %{{.*}} = %c0 to %c32 step %c16
//       CHECK:     vector.transfer_write %{{.*}} : vector<1x1x8x16xf32>
//       CHECK:     scf.for
//       CHECK:       vector.contract
//       CHECK:     arith.maximumf %{{.*}} : vector<1x1x8x16xf32>
//   CHECK-NOT: linalg.generic
//       CHECK: return
// SERIAL-LABEL: func.func @conv_bias_relu(
//   SERIAL-NOT: linalg.generic
//       SERIAL: scf.for %{{.*}} = %c0 to %c32 step %c16
//       SERIAL:   scf.for %{{.*}} = %c0 to %c32 step %c1
//       SERIAL:     vector.transfer_write %{{.*}} : vector<1x1x8x16xf32>
//       SERIAL:     scf.for
//       SERIAL:       vector.contract
//       SERIAL:     arith.maximumf %{{.*}} : vector<1x1x8x16xf32>
//   SERIAL-NOT: linalg.generic
//       SERIAL: return
// The bias, the convolution and the ReLU of a tile all write the slice of
// the result the tile loop carries: once bufferized, no iteration has a
// buffer of its own (in an scf.forall one arena slot would be every
// thread's) and nothing is copied.
// BUFFERS-LABEL: func.func @conv_bias_relu(
//       BUFFERS: memref.alloc() {{.*}} : memref<1x32x8x32xf32>
//   BUFFERS-NOT: memref.alloc
//   BUFFERS-NOT: memref.copy
//       BUFFERS: return
#nhwc = affine_map<(n, h, w, c) -> (n, h, w, c)>
#channel = affine_map<(n, h, w, c) -> (c)>
func.func @conv_bias_relu(%x: tensor<1x32x8x16xf32>) -> tensor<1x32x8x32xf32> {
  %zero = arith.constant 0.0 : f32
  %g = arith.constant dense<1.0> : tensor<1x1x16x32xf32>
  %b = arith.constant dense<2.0> : tensor<32xf32>
  %e = tensor.empty() : tensor<1x32x8x32xf32>
  %bias = linalg.generic {indexing_maps = [#channel, #nhwc], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%b : tensor<32xf32>) outs(%e : tensor<1x32x8x32xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<1x32x8x32xf32>
  %conv = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %g : tensor<1x32x8x16xf32>, tensor<1x1x16x32xf32>) outs(%bias : tensor<1x32x8x32xf32>) -> tensor<1x32x8x32xf32>
  %relu = linalg.generic {indexing_maps = [#nhwc, #nhwc], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%conv : tensor<1x32x8x32xf32>) outs(%e : tensor<1x32x8x32xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = arith.maximumf %in, %zero : f32
    linalg.yield %r : f32
  } -> tensor<1x32x8x32xf32>
  return %relu : tensor<1x32x8x32xf32>
}

// With two tiles of output channels (above) the forall runs over rows; with
// at least eight it runs over output channels, and a tile of filters stays
// in cache while every row uses it.
// CHECK-LABEL: func.func @conv_bias_relu_wide(
//       CHECK: scf.forall (%{{.*}}) = (0) to (128) step (16)
//       CHECK:   scf.for %{{.*}} = %c0 to %c8 step %c1
//       CHECK:     scf.for
//       CHECK:       vector.contract
//       CHECK:     arith.maximumf %{{.*}} : vector<1x1x8x16xf32>
// BUFFERS-LABEL: func.func @conv_bias_relu_wide(
//       BUFFERS: memref.alloc() {{.*}} : memref<1x8x8x128xf32>
//   BUFFERS-NOT: memref.alloc
//   BUFFERS-NOT: memref.copy
//       BUFFERS: return
func.func @conv_bias_relu_wide(%x: tensor<1x8x8x16xf32>) -> tensor<1x8x8x128xf32> {
  %zero = arith.constant 0.0 : f32
  %g = arith.constant dense<1.0> : tensor<1x1x16x128xf32>
  %b = arith.constant dense<2.0> : tensor<128xf32>
  %e = tensor.empty() : tensor<1x8x8x128xf32>
  %bias = linalg.generic {indexing_maps = [#channel, #nhwc], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%b : tensor<128xf32>) outs(%e : tensor<1x8x8x128xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<1x8x8x128xf32>
  %conv = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %g : tensor<1x8x8x16xf32>, tensor<1x1x16x128xf32>) outs(%bias : tensor<1x8x8x128xf32>) -> tensor<1x8x8x128xf32>
  %relu = linalg.generic {indexing_maps = [#nhwc, #nhwc], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%conv : tensor<1x8x8x128xf32>) outs(%e : tensor<1x8x8x128xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = arith.maximumf %in, %zero : f32
    linalg.yield %r : f32
  } -> tensor<1x8x8x128xf32>
  return %relu : tensor<1x8x8x128xf32>
}

// With one tile of output channels there is no slice to fuse along; the
// convolution is still tiled and vectorized, with its ReLU after it.
// CHECK-LABEL: func.func @conv_one_channel_tile
//   CHECK-NOT: linalg.conv_2d_nhwc_hwcf
//       CHECK: vector.contract
//       CHECK: arith.maximumf
//       CHECK: return
func.func @conv_one_channel_tile(%x: tensor<1x64x8x16xf32>) -> tensor<1x64x8x16xf32> {
  %zero = arith.constant 0.0 : f32
  %g = arith.constant dense<1.0> : tensor<1x1x16x16xf32>
  %e = tensor.empty() : tensor<1x64x8x16xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<1x64x8x16xf32>) -> tensor<1x64x8x16xf32>
  %conv = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %g : tensor<1x64x8x16xf32>, tensor<1x1x16x16xf32>) outs(%fill : tensor<1x64x8x16xf32>) -> tensor<1x64x8x16xf32>
  %relu = linalg.generic {indexing_maps = [#nhwc, #nhwc], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%conv : tensor<1x64x8x16xf32>) outs(%e : tensor<1x64x8x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = arith.maximumf %in, %zero : f32
    linalg.yield %r : f32
  } -> tensor<1x64x8x16xf32>
  return %relu : tensor<1x64x8x16xf32>
}
