// RUN: strata-opt %s --split-input-file \
// RUN:   --strata-tile-and-vectorize="vector-bits=512 dot-product=vpdpbusd" --canonicalize \
// RUN:   | FileCheck %s
// RUN: strata-opt %s --split-input-file \
// RUN:   --strata-tile-and-vectorize="vector-bits=0 dot-product=smlad" --canonicalize \
// RUN:   | FileCheck %s --check-prefix=SMLAD
// RUN: strata-opt %s --split-input-file \
// RUN:   --strata-tile-and-vectorize="vector-bits=128 dot-product=sdot" --canonicalize \
// RUN:   | FileCheck %s --check-prefix=SDOT
// RUN: strata-opt %s --split-input-file \
// RUN:   --strata-tile-and-vectorize="vector-bits=512 dot-product=vpdpbusd parallel-loops=true min-parallel-iterations=1" \
// RUN:   --canonicalize | FileCheck %s --check-prefix=FORALL
// RUN: strata-opt %s --split-input-file \
// RUN:   --strata-tile-and-vectorize="vector-bits=512 dot-product=vpdpbusd" --canonicalize \
// RUN:   | FileCheck %s --check-prefix=LOADS

// An int8 convolution with a constant filter reads it packed as
// [F/B][KH][KW*C/4][B*4], and its tiles, one output row of 8 columns by 2
// vectors of output channels over the whole filter, become vpdpbusd
// kernels: loops over its 3 rows and each row's 12 groups of 4 bytes (3
// taps x 16 input channels) carry the accumulators in registers; each
// group's 4 activation bytes are broadcast to every lane and get 128 added
// (vpdpbusd's first operand is unsigned). Each kernel adds -128 x each output channel's filter sum (3 x 3 x
// 16 x 3 x 128 = 55296) to the accumulators it reads, before the products;
// the init, a zero fill, stays one. No unpacking generic is left: every
// tile reads the packed constant.
// CHECK-LABEL: func.func @conv_3x3
// CHECK-DAG: arith.constant dense<-128> : vector<64xi8>
// CHECK-DAG: arith.constant dense<-55296> : tensor<32xi32>
// CHECK-DAG: arith.constant dense<3> : tensor<1x3x12x128xi8>
// CHECK-NOT: linalg.conv_2d_nhwc_hwcf
// CHECK: linalg.fill ins(%c0_i32 : i32)
// CHECK: scf.for {{.*}} -> (tensor<1x8x8x32xi32>)
// CHECK-NOT: -> (tensor
// CHECK: %[[ACC:.+]] = vector.transfer_read {{.*}} : tensor<1x1x8x32xi32>, vector<16xi32>
// CHECK: %[[CORRECTION:.+]] = vector.transfer_read {{.*}} : tensor<32xi32>, vector<16xi32>
// CHECK: arith.addi %[[ACC]], %[[CORRECTION]] : vector<16xi32>
// CHECK: tensor.collapse_shape {{.*}} : tensor<1x3x10x16xi8> into tensor<1x3x160xi8>
// CHECK: scf.for %{{.*}} = %c0 to %c3 step %c1 iter_args({{.*}}) -> (vector<16xi32>, vector<16xi32>,
// CHECK: scf.for %{{.*}} = %c0 to %c12 step %c1 iter_args({{.*}}) -> (vector<16xi32>, vector<16xi32>,
// CHECK: vector.transfer_read {{.*}} : tensor<1x3x12x128xi8>, vector<64xi8>
// CHECK: vector.transfer_read {{.*}} : tensor<1x3x160xi8>, vector<4xi8>
// CHECK: vector.broadcast {{.*}} : i32 to vector<16xi32>
// CHECK: vector.bitcast {{.*}} : vector<16xi32> to vector<64xi8>
// CHECK: arith.addi {{.*}} : vector<64xi8>
// CHECK: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"({{.*}}) : (vector<16xi32>, vector<64xi8>, vector<64xi8>) -> vector<16xi32>
// CHECK-NOT: strata.unpack_dot_filter
// CHECK: return
// Without vectors (Cortex-M4), smlad: 2 columns by 2 output channels of
// scalar accumulators; each group's activation and filter words become
// halfword pairs (bytes 0 and 2, and rotated by 8, bytes 1 and 3), two
// smlad per product. Signed by signed: the init stays a zero fill.
// SMLAD-LABEL: func.func @conv_3x3
// SMLAD-NOT: linalg.conv_2d_nhwc_hwcf
// SMLAD: linalg.fill
// SMLAD: scf.for {{.*}} iter_args({{.*}}) -> (i32, i32, i32, i32)
// SMLAD: vector.bitcast {{.*}} : vector<4xi8> to vector<1xi32>
// SMLAD: llvm.call_intrinsic "llvm.arm.sxtb16"
// SMLAD: arith.shrui
// SMLAD: llvm.call_intrinsic "llvm.arm.smlad"({{.*}}) : (i32, i32, i32) -> i32
// SMLAD: tensor.insert
// AArch64's sdot: the same packing and loops on 4-lane vectors (8 columns x
// 2 vectors), signed by signed: no sign bits flipped, no correction (the
// init stays a zero fill).
// SDOT-LABEL: func.func @conv_3x3
// SDOT-NOT: dense<-128>
// SDOT: arith.constant dense<3> : tensor<4x3x12x32xi8>
// SDOT-NOT: dense<-128>
// SDOT: linalg.fill
// SDOT-NOT: dense<-128>
// SDOT: vector.broadcast {{.*}} : i32 to vector<4xi32>
// SDOT-NOT: dense<-128>
// SDOT: llvm.call_intrinsic "llvm.aarch64.neon.sdot.v4i32.v16i8"({{.*}}) : (vector<4xi32>, vector<16xi8>, vector<16xi8>) -> vector<4xi32>
// SDOT-NOT: dense<-128>
func.func @conv_3x3(%in: tensor<1x10x10x16xi8>) -> tensor<1x8x8x32xi32> {
  %w = arith.constant dense<3> : tensor<3x3x16x32xi8>
  %c0 = arith.constant 0 : i32
  %e = tensor.empty() : tensor<1x8x8x32xi32>
  %f = linalg.fill ins(%c0 : i32) outs(%e : tensor<1x8x8x32xi32>) -> tensor<1x8x8x32xi32>
  %0 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
     ins(%in, %w : tensor<1x10x10x16xi8>, tensor<3x3x16x32xi8>)
     outs(%f : tensor<1x8x8x32xi32>) -> tensor<1x8x8x32xi32>
  return %0 : tensor<1x8x8x32xi32>
}

// -----

// The packing: w[c][f] = 16c + f is stored as [f][c], 4 input channels of
// one output channel per 32-bit lane; the sums are 96 + 4f, and the kernel
// adds -128 x each to the accumulators it reads from the init.
// CHECK-LABEL: func.func @conv_1x1_packing
// CHECK-DAG: arith.constant dense<{{\[\[\[\[}}0, 16, 32, 48, 1, 17, 33, 49, 2, 18,
// CHECK-DAG: arith.constant dense<[-12288, -12800, -13312,
// CHECK: arith.addi {{.*}} : vector<16xi32>
// CHECK: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"
// SDOT-LABEL: func.func @conv_1x1_packing
func.func @conv_1x1_packing(%in: tensor<1x1x8x4xi8>, %init: tensor<1x1x8x16xi32>) -> tensor<1x1x8x16xi32> {
  %w = arith.constant dense<[[[[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15], [16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31], [32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47], [48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63]]]]> : tensor<1x1x4x16xi8>
  %0 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
     ins(%in, %w : tensor<1x1x8x4xi8>, tensor<1x1x4x16xi8>)
     outs(%init : tensor<1x1x8x16xi32>) -> tensor<1x1x8x16xi32>
  return %0 : tensor<1x1x8x16xi32>
}

// -----

// 3 input channels (a first layer) are padded to 4, the filter with zero
// weights: tensor.pad of the input's channels.
// CHECK-LABEL: func.func @first_layer
// CHECK: tensor.pad %{{.*}} low[0, 0, 0, 0] high[0, 0, 0, 1]
// CHECK: tensor<1x7x7x128xi8>
// CHECK: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"
// smlad leaves 3 input channels to scalar loops: padding would add a third
// more products.
// SMLAD-LABEL: func.func @first_layer
// SMLAD-NOT: tensor.pad
// SMLAD: linalg.conv_2d_nhwc_hwcf
// SMLAD-NOT: llvm.call_intrinsic
func.func @first_layer(%in: tensor<1x14x14x3xi8>) -> tensor<1x4x4x32xi32> {
  %w = arith.constant dense<1> : tensor<7x7x3x32xi8>
  %c0 = arith.constant 0 : i32
  %e = tensor.empty() : tensor<1x4x4x32xi32>
  %f = linalg.fill ins(%c0 : i32) outs(%e : tensor<1x4x4x32xi32>) -> tensor<1x4x4x32xi32>
  %0 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
     ins(%in, %w : tensor<1x14x14x3xi8>, tensor<7x7x3x32xi8>)
     outs(%f : tensor<1x4x4x32xi32>) -> tensor<1x4x4x32xi32>
  return %0 : tensor<1x4x4x32xi32>
}

// -----

// 24 output channels are tiled by half vectors: the 256-bit vpdpbusd.
// CHECK-LABEL: func.func @half_vectors
// CHECK: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.256"({{.*}}) : (vector<8xi32>, vector<32xi8>, vector<32xi8>) -> vector<8xi32>
// CHECK-NOT: vpdpbusd.512
// SMLAD-LABEL: func.func @half_vectors
// SMLAD: llvm.arm.smlad
func.func @half_vectors(%in: tensor<1x1x8x16xi8>) -> tensor<1x1x8x24xi32> {
  %w = arith.constant dense<2> : tensor<1x1x16x24xi8>
  %c0 = arith.constant 0 : i32
  %e = tensor.empty() : tensor<1x1x8x24xi32>
  %f = linalg.fill ins(%c0 : i32) outs(%e : tensor<1x1x8x24xi32>) -> tensor<1x1x8x24xi32>
  %0 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
     ins(%in, %w : tensor<1x1x8x16xi8>, tensor<1x1x16x24xi8>)
     outs(%f : tensor<1x1x8x24xi32>) -> tensor<1x1x8x24xi32>
  return %0 : tensor<1x1x8x24xi32>
}

// -----

// An int8 max pool (NHWC) is tiled to 8 columns by a vector of 64 channels
// and vectorized, not left scalar.
// CHECK-LABEL: func.func @int8_max_pool
// CHECK-NOT: linalg.pooling
// CHECK: arith.maxsi {{.*}} : vector<1x1x64xi8>
// Nothing else is tiled or vectorized without vectors.
// SMLAD-LABEL: func.func @int8_max_pool
// SMLAD: linalg.pooling_nhwc_max
func.func @int8_max_pool(%in: tensor<1x17x17x64xi8>) -> tensor<1x8x8x64xi8> {
  %k = tensor.empty() : tensor<3x3xi8>
  %c = arith.constant -128 : i8
  %e = tensor.empty() : tensor<1x8x8x64xi8>
  %f = linalg.fill ins(%c : i8) outs(%e : tensor<1x8x8x64xi8>) -> tensor<1x8x8x64xi8>
  %0 = linalg.pooling_nhwc_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
     ins(%in, %k : tensor<1x17x17x64xi8>, tensor<3x3xi8>)
     outs(%f : tensor<1x8x8x64xi8>) -> tensor<1x8x8x64xi8>
  return %0 : tensor<1x8x8x64xi8>
}

// -----

// One input channel by 4 contiguous taps (KWS's first layer) is one group
// of 4 bytes per filter row: no padding, for vpdpbusd or smlad.
// CHECK-LABEL: func.func @four_taps_one_channel
// CHECK-NOT: tensor.pad
// CHECK: tensor<1x2x1x32xi8>
// CHECK: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.256"
// SMLAD-LABEL: func.func @four_taps_one_channel
// SMLAD: tensor<4x2x1x8xi8>
// SMLAD-NOT: linalg.conv_2d_nhwc_hwcf
// SMLAD: llvm.call_intrinsic "llvm.arm.smlad"
func.func @four_taps_one_channel(%in: tensor<1x5x11x1xi8>) -> tensor<1x4x8x8xi32> {
  %w = arith.constant dense<5> : tensor<2x4x1x8xi8>
  %c0 = arith.constant 0 : i32
  %e = tensor.empty() : tensor<1x4x8x8xi32>
  %f = linalg.fill ins(%c0 : i32) outs(%e : tensor<1x4x8x8xi32>) -> tensor<1x4x8x8xi32>
  %0 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
     ins(%in, %w : tensor<1x5x11x1xi8>, tensor<2x4x1x8xi8>)
     outs(%f : tensor<1x4x8x8xi32>) -> tensor<1x4x8x8xi32>
  return %0 : tensor<1x4x8x8xi32>
}

// -----

// Without vectors, an int8 convolution's requantization (an epilogue of
// another element type) is fused into its output tiles, and so is an int8
// depthwise convolution's: each int32 accumulator is a fresh tile (2 x 2,
// and 8 channels), not a whole tensor.
// SMLAD-LABEL: func.func @fused_requantization
// SMLAD: scf.for
// SMLAD: %[[TILE:.+]] = bufferization.alloc_tensor() : tensor<1x1x2x2xi32>
// SMLAD: linalg.fill {{.*}} outs(%[[TILE]] : tensor<1x1x2x2xi32>)
// SMLAD: llvm.call_intrinsic "llvm.arm.smlad"
// SMLAD: arith.trunci {{.*}} : i32 to i8
// SMLAD: scf.for
// SMLAD: %[[DTILE:.+]] = bufferization.alloc_tensor() : tensor<1x1x1x8xi32>
// SMLAD: %[[DINIT:.+]] = linalg.fill {{.*}} outs(%[[DTILE]] : tensor<1x1x1x8xi32>)
// SMLAD: linalg.depthwise_conv_2d_nhwc_hwc {{.*}} outs(%[[DINIT]] : tensor<1x1x1x8xi32>)
// SMLAD: arith.trunci {{.*}} : i32 to i8
// CHECK-LABEL: func.func @fused_requantization
func.func @fused_requantization(%in: tensor<1x4x4x8xi8>) -> tensor<1x2x2x8xi8> {
  %w = arith.constant dense<1> : tensor<1x1x8x8xi8>
  %c0 = arith.constant 0 : i32
  %a = bufferization.alloc_tensor() : tensor<1x4x4x8xi32>
  %f = linalg.fill ins(%c0 : i32) outs(%a : tensor<1x4x4x8xi32>) -> tensor<1x4x4x8xi32>
  %0 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
     ins(%in, %w : tensor<1x4x4x8xi8>, tensor<1x1x8x8xi8>)
     outs(%f : tensor<1x4x4x8xi32>) -> tensor<1x4x4x8xi32>
  %e = tensor.empty() : tensor<1x4x4x8xi8>
  %1 = linalg.generic {indexing_maps = [affine_map<(a, b, c, d) -> (a, b, c, d)>, affine_map<(a, b, c, d) -> (a, b, c, d)>],
                       iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
     ins(%0 : tensor<1x4x4x8xi32>) outs(%e : tensor<1x4x4x8xi8>) {
  ^bb0(%x: i32, %y: i8):
    %t = arith.trunci %x : i32 to i8
    linalg.yield %t : i8
  } -> tensor<1x4x4x8xi8>
  %k = arith.constant dense<2> : tensor<3x3x8xi8>
  %b = bufferization.alloc_tensor() : tensor<1x2x2x8xi32>
  %g = linalg.fill ins(%c0 : i32) outs(%b : tensor<1x2x2x8xi32>) -> tensor<1x2x2x8xi32>
  %2 = linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
     ins(%1, %k : tensor<1x4x4x8xi8>, tensor<3x3x8xi8>)
     outs(%g : tensor<1x2x2x8xi32>) -> tensor<1x2x2x8xi32>
  %o = tensor.empty() : tensor<1x2x2x8xi8>
  %3 = linalg.generic {indexing_maps = [affine_map<(a, b, c, d) -> (a, b, c, d)>, affine_map<(a, b, c, d) -> (a, b, c, d)>],
                       iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
     ins(%2 : tensor<1x2x2x8xi32>) outs(%o : tensor<1x2x2x8xi8>) {
  ^bb0(%x: i32, %y: i8):
    %t = arith.trunci %x : i32 to i8
    linalg.yield %t : i8
  } -> tensor<1x2x2x8xi8>
  return %3 : tensor<1x2x2x8xi8>
}

// -----

// Without vectors, a generic reading a transpose (through a collapse) reads
// the transpose's input instead: a global average pool over the NCHW view
// of an NHWC tensor reduces the NHWC tensor, collapsed [1, 20, 8], as it is.
// SMLAD: #[[NHWC:[a-z0-9]+]] = affine_map<(d0, d1, d2) -> (d0, d2, d1)>
// SMLAD-LABEL: func.func @pool_reads_nhwc
// SMLAD-NOT: linalg.transpose
// SMLAD: %[[ROWS:.+]] = tensor.collapse_shape %{{.+}} {{\[\[}}0], [1, 2], [3]] : tensor<1x4x5x8xf32> into tensor<1x20x8xf32>
// SMLAD: linalg.generic {indexing_maps = [#[[NHWC]], #{{[a-z0-9]+}}], iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[ROWS]] : tensor<1x20x8xf32>)
// CHECK-LABEL: func.func @pool_reads_nhwc
func.func @pool_reads_nhwc(%x: tensor<1x4x5x8xf32>) -> tensor<1x8xf32> {
  %e = tensor.empty() : tensor<1x8x4x5xf32>
  %t = linalg.transpose ins(%x : tensor<1x4x5x8xf32>) outs(%e : tensor<1x8x4x5xf32>) permutation = [0, 3, 1, 2]
  %c = tensor.collapse_shape %t [[0], [1], [2, 3]] : tensor<1x8x4x5xf32> into tensor<1x8x20xf32>
  %zero = arith.constant 0.0 : f32
  %o = tensor.empty() : tensor<1x8xf32>
  %f = linalg.fill ins(%zero : f32) outs(%o : tensor<1x8xf32>) -> tensor<1x8xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(n, c, s) -> (n, c, s)>, affine_map<(n, c, s) -> (n, c)>],
                       iterator_types = ["parallel", "parallel", "reduction"]}
     ins(%c : tensor<1x8x20xf32>) outs(%f : tensor<1x8xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %s = arith.addf %a, %acc : f32
    linalg.yield %s : f32
  } -> tensor<1x8xf32>
  return %r : tensor<1x8xf32>
}

// -----

// The same pool after a dequantization: the pool's loops expand to the
// uncollapsed [1, 4, 5, 8] and the dequantization fuses into it, which
// reads int8; no float tensor is left to store.
// SMLAD-LABEL: func.func @dequantized_pool_reads_int8
// SMLAD-NOT: linalg.transpose
// SMLAD-NOT: tensor.collapse_shape
// SMLAD: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "reduction", "reduction"]} ins(%{{.+}} : tensor<1x4x5x8xi8>)
// SMLAD: arith.sitofp
// SMLAD: arith.addf
// SMLAD-NOT: linalg.generic
// SMLAD: return
// CHECK-LABEL: func.func @dequantized_pool_reads_int8
func.func @dequantized_pool_reads_int8(%q: tensor<1x4x5x8xi8>) -> tensor<1x8xf32> {
  %d = tensor.empty() : tensor<1x4x5x8xf32>
  %x = linalg.generic {indexing_maps = [affine_map<(a, b, c, d) -> (a, b, c, d)>, affine_map<(a, b, c, d) -> (a, b, c, d)>],
                       iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
     ins(%q : tensor<1x4x5x8xi8>) outs(%d : tensor<1x4x5x8xf32>) {
  ^bb0(%v: i8, %o: f32):
    %f = arith.sitofp %v : i8 to f32
    linalg.yield %f : f32
  } -> tensor<1x4x5x8xf32>
  %e = tensor.empty() : tensor<1x8x4x5xf32>
  %t = linalg.transpose ins(%x : tensor<1x4x5x8xf32>) outs(%e : tensor<1x8x4x5xf32>) permutation = [0, 3, 1, 2]
  %c = tensor.collapse_shape %t [[0], [1], [2, 3]] : tensor<1x8x4x5xf32> into tensor<1x8x20xf32>
  %zero = arith.constant 0.0 : f32
  %o = tensor.empty() : tensor<1x8xf32>
  %f = linalg.fill ins(%zero : f32) outs(%o : tensor<1x8xf32>) -> tensor<1x8xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(n, c, s) -> (n, c, s)>, affine_map<(n, c, s) -> (n, c)>],
                       iterator_types = ["parallel", "parallel", "reduction"]}
     ins(%c : tensor<1x8x20xf32>) outs(%f : tensor<1x8xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %s = arith.addf %a, %acc : f32
    linalg.yield %s : f32
  } -> tensor<1x8xf32>
  return %r : tensor<1x8xf32>
}

// -----

// In parallel loops too, each int8 convolution's and depthwise
// convolution's tiles requantize their own int32 accumulator tile, a fresh
// buffer in the forall's body (strata-plan-memory gives it a slot per
// iteration): 8 columns x 32 channels for the vpdpbusd kernel, a row of 14
// x 16 channels for the depthwise one. Nothing writes a whole accumulator.
// FORALL-LABEL: func.func @parallel_requantization
// FORALL: scf.forall (%{{.+}}) in (8) shared_outs(%{{.+}}) -> (tensor<1x8x16x32xi8>)
// FORALL: scf.for
// FORALL: %[[TILE:.+]] = bufferization.alloc_tensor() : tensor<1x1x8x32xi32>
// FORALL: vector.transfer_write %{{.+}}, %[[TILE]]
// FORALL: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"
// FORALL: arith.trunci %{{.+}} : vector<1x1x8x32xi32> to vector<1x1x8x32xi8>
// FORALL: scf.forall.in_parallel
// FORALL: scf.forall (%{{.+}}) in (6) shared_outs(%{{.+}}) -> (tensor<1x6x14x16xi8>)
// FORALL: %[[DTILE:.+]] = bufferization.alloc_tensor() : tensor<1x1x14x16xi32>
// FORALL: vector.transfer_write %{{.+}}, %[[DTILE]]
// FORALL: llvm.call_intrinsic "llvm.x86.avx512.vpdpwssd.512"
// FORALL: arith.trunci %{{.+}} : vector<1x1x14x16xi32> to vector<1x1x14x16xi8>
// FORALL: scf.forall.in_parallel
// FORALL-NOT: vector.transfer_write {{.*}} tensor<1x8x16x32xi32>
// FORALL-NOT: vector.transfer_write {{.*}} tensor<1x6x14x16xi32>
func.func @parallel_requantization(%in: tensor<1x8x16x16xi8>) -> (tensor<1x8x16x32xi8>, tensor<1x6x14x16xi8>) {
  %w = arith.constant dense<1> : tensor<1x1x16x32xi8>
  %c0 = arith.constant 0 : i32
  %a = bufferization.alloc_tensor() : tensor<1x8x16x32xi32>
  %f = linalg.fill ins(%c0 : i32) outs(%a : tensor<1x8x16x32xi32>) -> tensor<1x8x16x32xi32>
  %0 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
     ins(%in, %w : tensor<1x8x16x16xi8>, tensor<1x1x16x32xi8>)
     outs(%f : tensor<1x8x16x32xi32>) -> tensor<1x8x16x32xi32>
  %e = tensor.empty() : tensor<1x8x16x32xi8>
  %1 = linalg.generic {indexing_maps = [affine_map<(a, b, c, d) -> (a, b, c, d)>, affine_map<(a, b, c, d) -> (a, b, c, d)>],
                       iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
     ins(%0 : tensor<1x8x16x32xi32>) outs(%e : tensor<1x8x16x32xi8>) {
  ^bb0(%x: i32, %y: i8):
    %t = arith.trunci %x : i32 to i8
    linalg.yield %t : i8
  } -> tensor<1x8x16x32xi8>
  %k = arith.constant dense<2> : tensor<3x3x16xi8>
  %b = bufferization.alloc_tensor() : tensor<1x6x14x16xi32>
  %g = linalg.fill ins(%c0 : i32) outs(%b : tensor<1x6x14x16xi32>) -> tensor<1x6x14x16xi32>
  %2 = linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
     ins(%in, %k : tensor<1x8x16x16xi8>, tensor<3x3x16xi8>)
     outs(%g : tensor<1x6x14x16xi32>) -> tensor<1x6x14x16xi32>
  %o = tensor.empty() : tensor<1x6x14x16xi8>
  %3 = linalg.generic {indexing_maps = [affine_map<(a, b, c, d) -> (a, b, c, d)>, affine_map<(a, b, c, d) -> (a, b, c, d)>],
                       iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
     ins(%2 : tensor<1x6x14x16xi32>) outs(%o : tensor<1x6x14x16xi8>) {
  ^bb0(%x: i32, %y: i8):
    %t = arith.trunci %x : i32 to i8
    linalg.yield %t : i8
  } -> tensor<1x6x14x16xi8>
  return %1, %3 : tensor<1x8x16x32xi8>, tensor<1x6x14x16xi8>
}

// -----

// An int8 matmul with constant weights is the 1x1 convolution it is: rows
// of the left-hand side are output columns, its K the input channels
// (16: 4 groups of 4 bytes), the weights a [1, 1, K, N] filter, packed;
// the product is collapsed back to [M, N].
// CHECK-LABEL: func.func @matmul_as_convolution
// CHECK-DAG: arith.constant dense<-2048> : tensor<32xi32>
// CHECK-DAG: arith.constant dense<1> : tensor<1x1x4x128xi8>
// CHECK-NOT: linalg.matmul
// CHECK: tensor.expand_shape %{{.+}} {{\[}}[0, 1, 2], [3]] output_shape [1, 1, 2, 16] : tensor<2x16xi8> into tensor<1x1x2x16xi8>
// CHECK: scf.for %{{.*}} = %c0 to %c4 step %c1
// CHECK: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"
// CHECK: tensor.collapse_shape %{{.+}} {{\[}}[0, 1, 2], [3]] : tensor<1x1x2x32xi32> into tensor<2x32xi32>

func.func @matmul_as_convolution(%x: tensor<2x16xi8>) -> tensor<2x32xi32> {
  %w = arith.constant dense<1> : tensor<16x32xi8>
  %c0 = arith.constant 0 : i32
  %e = tensor.empty() : tensor<2x32xi32>
  %f = linalg.fill ins(%c0 : i32) outs(%e : tensor<2x32xi32>) -> tensor<2x32xi32>
  %0 = linalg.matmul ins(%x, %w : tensor<2x16xi8>, tensor<16x32xi8>) outs(%f : tensor<2x32xi32>) -> tensor<2x32xi32>
  return %0 : tensor<2x32xi32>
}

// -----

// An int8 depthwise convolution on VNNI: its filter widened to int32 lanes
// (-1 is 0x0000FFFF: the weight in the low halfword, zero in the high
// one), and each tile of 16 columns by 16 channels one kernel over the
// filter's 3 rows with the accumulators in registers. Per row each of the
// 18 input columns is loaded and sign-extended once and takes part in
// every (column, tap) that reads it: 48 vpdpwssd.
// CHECK-LABEL: func.func @depthwise_vpdpwssd
// CHECK-DAG: arith.constant dense<65535> : tensor<3x3x16xi32>
// CHECK-NOT: linalg.depthwise_conv_2d_nhwc_hwc
// CHECK: scf.for %{{.+}} = %c0 to %c3 step %c1 iter_args({{.*}}) -> (vector<16xi32>,
// CHECK-COUNT-3: vector.transfer_read {{.*}} : tensor<3x3x16xi32>, vector<16xi32>
// CHECK-COUNT-48: llvm.call_intrinsic "llvm.x86.avx512.vpdpwssd.512"({{.*}}) : (vector<16xi32>, vector<32xi16>, vector<32xi16>) -> vector<16xi32>
// CHECK-NOT: llvm.call_intrinsic
// CHECK: scf.yield
// LOADS-LABEL: func.func @depthwise_vpdpwssd
// LOADS-COUNT-18: vector.transfer_read {{.*}} : tensor<1x3x18x16xi8>, vector<16xi8>
// LOADS-NOT: vector.transfer_read {{.*}} : tensor<1x3x18x16xi8>
// LOADS: scf.yield

func.func @depthwise_vpdpwssd(%in: tensor<1x3x18x16xi8>) -> tensor<1x1x16x16xi32> {
  %w = arith.constant dense<-1> : tensor<3x3x16xi8>
  %c0 = arith.constant 0 : i32
  %e = tensor.empty() : tensor<1x1x16x16xi32>
  %f = linalg.fill ins(%c0 : i32) outs(%e : tensor<1x1x16x16xi32>) -> tensor<1x1x16x16xi32>
  %0 = linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
     ins(%in, %w : tensor<1x3x18x16xi8>, tensor<3x3x16xi8>)
     outs(%f : tensor<1x1x16x16xi32>) -> tensor<1x1x16x16xi32>
  return %0 : tensor<1x1x16x16xi32>
}
