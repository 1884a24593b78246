// RUN: strata-opt %s --strata-call-halide-groups --split-input-file --verify-diagnostics | FileCheck %s

// An elementwise group: one halide_buffer_t per operand (host pointer at the
// memref's offset, float32, its rank), dimensions innermost first with
// extents from the type and strides from the memref; then the call with a
// null user context, and a declaration that carries the spec.
#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func.func @elementwise
// CHECK-SAME: (%[[X:.+]]: memref<4x8xf32>, %[[M:.+]]: memref<4xf32>, %[[Y:.+]]: memref<4x8xf32, strided<[16, 1], offset: 3>>)
// CHECK-NOT: linalg.generic
// CHECK: %[[NULL:.+]] = llvm.mlir.zero : !llvm.ptr
// CHECK: %[[BX:.+]] = llvm.alloca %{{.+}} x !llvm.struct<(i64, ptr, ptr, i64, i8, i8, i16, i32, ptr, ptr)>
// CHECK: memref.extract_strided_metadata %[[X]]
// CHECK: %[[DX:.+]] = llvm.alloca %{{.+}} x !llvm.array<2 x struct<(i32, i32, i32, i32)>>
// CHECK: %[[EIGHT:.+]] = arith.constant 8 : i32
// CHECK: %[[EXTENT0:.+]] = llvm.getelementptr %[[DX]][0, 0, 1]
// CHECK: llvm.store %[[EIGHT]], %[[EXTENT0]]
// CHECK: %[[FOUR:.+]] = arith.constant 4 : i32
// CHECK: %[[EXTENT1:.+]] = llvm.getelementptr %[[DX]][0, 1, 1]
// CHECK: llvm.store %[[FOUR]], %[[EXTENT1]]
// CHECK: %[[CODE:.+]] = arith.constant 2 : i8
// CHECK: llvm.store %[[CODE]]
// CHECK: %[[BM:.+]] = llvm.alloca %{{.+}} x !llvm.struct
// CHECK: %[[BY:.+]] = llvm.alloca %{{.+}} x !llvm.struct
// CHECK: %{{[a-z0-9_]+}}, %[[OFFSET:[a-z0-9_]+]], %{{[a-z0-9_]+}}:2, %[[STRIDES:[a-z0-9_]+]]:2 = memref.extract_strided_metadata %[[Y]]
// CHECK: %[[OFFSET64:.+]] = arith.index_cast %[[OFFSET]] : index to i64
// CHECK: llvm.getelementptr %{{.+}}[%[[OFFSET64]]] : (!llvm.ptr, i64) -> !llvm.ptr, f32
// CHECK: llvm.alloca %{{.+}} x !llvm.array<2 x
// CHECK: arith.index_cast %[[STRIDES]]#1 : index to i32
// CHECK: arith.index_cast %[[STRIDES]]#0 : index to i32
// CHECK-NOT: llvm.alloca
// CHECK: llvm.call @m_halide_0(%[[NULL]], %[[BX]], %[[BM]], %[[BY]]) : (!llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr) -> i32
// CHECK: llvm.func @m_halide_0(!llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr) -> i32
// CHECK-SAME: strata.halide_spec = "group m_halide_0\0Aloops p:4 p:8\0Ainput f32 4,8 map 0:1:0;0:0:1\0Ainput f32 4 map 0:1:0\0Aoutput f32 4,8 map 0:1:0;0:0:1\0Av0 = arg 0\0Av1 = arg 1\0Av2 = sub v0 v1\0Av3 = exp v2\0Ayield v3\0A"
func.func @elementwise(%x: memref<4x8xf32>, %m: memref<4xf32>,
                       %y: memref<4x8xf32, strided<[16, 1], offset: 3>>) {
  linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x, %m : memref<4x8xf32>, memref<4xf32>)
      outs(%y : memref<4x8xf32, strided<[16, 1], offset: 3>>)
      attrs = {strata.halide_group = "m_halide_0"} {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %d = arith.subf %a, %b : f32
    %e = math.exp %d : f32
    linalg.yield %e : f32
  }
  return
}

// -----

// A reduction starts from the init the compiler read off its fill; a
// stencil's indices are linear in the loops (2 * d1 + d2); constants are
// named where used.
#in = affine_map<(d0, d1, d2) -> (d0, 2 * d1 + d2)>
#window = affine_map<(d0, d1, d2) -> (d2)>
#out = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func @stencil
// CHECK: llvm.call @m_halide_1
// CHECK: llvm.func @m_halide_1
// CHECK-SAME: "group m_halide_1\0Aloops p:2 p:3 r:3\0Ainput f32 2,8 map 0:1:0:0;0:0:2:1\0Ainput f32 3 map 0:0:0:1\0Aoutput f32 2,3 map 0:1:0:0;0:0:1:0\0Ainit 0xff800000\0Av0 = arg 2\0Av1 = arg 0\0Av2 = max v0 v1\0Av3 = const 0x3f000000\0Av4 = mul v2 v3\0Ayield v4\0A"
func.func @stencil(%x: memref<2x8xf32>, %w: memref<3xf32>, %y: memref<2x3xf32>) {
  %half = arith.constant 0.5 : f32
  linalg.generic {indexing_maps = [#in, #window, #out], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : memref<2x8xf32>, memref<3xf32>) outs(%y : memref<2x3xf32>)
      attrs = {strata.halide_group = "m_halide_1", strata.halide_init = 0xFF800000 : f32} {
  ^bb0(%a: f32, %unused: f32, %o: f32):
    %m = arith.maximumf %o, %a : f32
    %h = arith.mulf %m, %half : f32
    linalg.yield %h : f32
  }
  return
}

// -----

// Halide requires a unit innermost stride: such a group stays a generic.
#id1 = affine_map<(d0) -> (d0)>
// CHECK-LABEL: func.func @strided
// CHECK: linalg.generic
// CHECK-NOT: strata.halide_group
// CHECK-NOT: llvm.call
func.func @strided(%x: memref<4xf32, strided<[2]>>, %y: memref<4xf32>) {
  // expected-remark @below {{kept out of Halide group m_halide_2: an operand's innermost stride is not 1}}
  linalg.generic {indexing_maps = [#id1, #id1], iterator_types = ["parallel"]}
      ins(%x : memref<4xf32, strided<[2]>>) outs(%y : memref<4xf32>)
      attrs = {strata.halide_group = "m_halide_2"} {
  ^bb0(%a: f32, %o: f32):
    %e = math.exp %a : f32
    linalg.yield %e : f32
  }
  return
}

// -----

// An op the compiler should never have marked is an error, not a wrong call.
#id2 = affine_map<(d0) -> (d0)>
func.func @unsupported(%x: memref<4xf32>, %y: memref<4xf32>) {
  // expected-error @below {{cannot give this op to Halide: Halide has no counterpart of math.erf}}
  linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel"]}
      ins(%x : memref<4xf32>) outs(%y : memref<4xf32>)
      attrs = {strata.halide_group = "m_halide_3"} {
  ^bb0(%a: f32, %o: f32):
    %e = math.erf %a : f32
    linalg.yield %e : f32
  }
  return
}

// -----

// Halide assumes its buffers do not alias (its tail vectors overlap the
// ones before): an input in the output's buffer keeps the generic, while
// disjoint views of one arena are fine.
#id3 = affine_map<(d0) -> (d0)>
// CHECK-LABEL: func.func @aliasing
// CHECK: linalg.generic
// CHECK: llvm.call @m_halide_6
// CHECK-NOT: llvm.call @m_halide_5
func.func @aliasing(%arena: memref<128xi8>) {
  %c0 = arith.constant 0 : index
  %c64 = arith.constant 64 : index
  %c4 = arith.constant 4 : index
  %a = memref.view %arena[%c0][] : memref<128xi8> to memref<5xf32>
  %b = memref.view %arena[%c64][] : memref<128xi8> to memref<5xf32>
  %tail = memref.view %arena[%c4][] : memref<128xi8> to memref<5xf32>
  // expected-remark @below {{kept out of Halide group m_halide_5: an input may alias the output}}
  linalg.generic {indexing_maps = [#id3, #id3], iterator_types = ["parallel"]}
      ins(%a : memref<5xf32>) outs(%tail : memref<5xf32>)
      attrs = {strata.halide_group = "m_halide_5"} {
  ^bb0(%x: f32, %o: f32):
    %e = math.log %x : f32
    linalg.yield %e : f32
  }
  linalg.generic {indexing_maps = [#id3, #id3], iterator_types = ["parallel"]}
      ins(%a : memref<5xf32>) outs(%b : memref<5xf32>)
      attrs = {strata.halide_group = "m_halide_6"} {
  ^bb0(%x: f32, %o: f32):
    %e = math.log %x : f32
    linalg.yield %e : f32
  }
  return
}
