// RUN: strata-opt %s -split-input-file -strata-plan-memory -verify-diagnostics | FileCheck %s
// RUN: strata-opt %s -split-input-file -strata-plan-memory=alignment=16 -verify-diagnostics | FileCheck %s --check-prefix=ALIGN16

//===- plan-memory.mlir - One static arena for every buffer ---------------===//
//
// strata-plan-memory turns each memref.alloc of the entry function into a
// memref.view of one trailing arena argument. Buffers whose live ranges
// (aliases included) overlap must get disjoint bytes; buffers that are never
// live together may share them. Each split below is its own module with an
// entry function @main.
//
//===----------------------------------------------------------------------===//

// A chain a -> b -> c: a and b overlap, b and c overlap, a and c do not, so c
// reuses a's bytes and the arena holds two 64-byte buffers. Deallocs go away.
// Its four copies are counted as such, and there is no kernel.
// CHECK-LABEL: func.func @main(
// CHECK-SAME: %[[X:arg[0-9]+]]: memref<16xf32>, %[[Y:arg[0-9]+]]: memref<16xf32>, %[[ARENA:arg[0-9]+]]: memref<128xi8>)
// CHECK-SAME: attributes {strata.arena_bytes = 128 : i64, strata.arena_lower_bound = 128 : i64, strata.copies = 4 : i64, strata.fills = 0 : i64, strata.kernels = 0 : i64}
// CHECK: %[[O0:.+]] = arith.constant 0 : index
// CHECK: %[[A:.+]] = memref.view %[[ARENA]][%[[O0]]][] : memref<128xi8> to memref<16xf32>
// CHECK: memref.copy %[[X]], %[[A]]
// CHECK: %[[O1:.+]] = arith.constant 64 : index
// CHECK: %[[B:.+]] = memref.view %[[ARENA]][%[[O1]]][] : memref<128xi8> to memref<16xf32>
// CHECK: memref.copy %[[A]], %[[B]]
// CHECK: %[[O2:.+]] = arith.constant 0 : index
// CHECK: %[[C:.+]] = memref.view %[[ARENA]][%[[O2]]][] : memref<128xi8> to memref<16xf32>
// CHECK: memref.copy %[[B]], %[[C]]
// CHECK: memref.copy %[[C]], %[[Y]]
// CHECK-NOT: memref.alloc
// CHECK-NOT: memref.dealloc
// CHECK: return

// 16-byte alignment leaves a plan of 64-byte buffers unchanged.
// ALIGN16-LABEL: func.func @main(
// ALIGN16-SAME: memref<128xi8>) attributes {strata.arena_bytes = 128 : i64
func.func @main(%x: memref<16xf32>, %y: memref<16xf32>) {
  %a = memref.alloc() : memref<16xf32>
  memref.copy %x, %a : memref<16xf32> to memref<16xf32>
  %b = memref.alloc() : memref<16xf32>
  memref.copy %a, %b : memref<16xf32> to memref<16xf32>
  memref.dealloc %a : memref<16xf32>
  %c = memref.alloc() : memref<16xf32>
  memref.copy %b, %c : memref<16xf32> to memref<16xf32>
  memref.dealloc %b : memref<16xf32>
  memref.copy %c, %y : memref<16xf32> to memref<16xf32>
  memref.dealloc %c : memref<16xf32>
  return
}

// -----

// Buffers live at the same time never share bytes: three overlapping buffers
// of 12, 40 and 4 bytes each round up to 64 (the default alignment), are
// placed in first-use order at 0, 64 and 128, and the arena is 192 bytes.
// CHECK-LABEL: func.func @main(
// CHECK-SAME: %[[ARENA:arg[0-9]+]]: memref<192xi8>) attributes {strata.arena_bytes = 192 : i64, strata.arena_lower_bound = 192 : i64,
// CHECK: %[[O0:.+]] = arith.constant 0 : index
// CHECK: memref.view %[[ARENA]][%[[O0]]][] : memref<192xi8> to memref<3xf32>
// CHECK: %[[O1:.+]] = arith.constant 64 : index
// CHECK: memref.view %[[ARENA]][%[[O1]]][] : memref<192xi8> to memref<10xf32>
// CHECK: %[[O2:.+]] = arith.constant 128 : index
// CHECK: memref.view %[[ARENA]][%[[O2]]][] : memref<192xi8> to memref<4xi8>

// With 16-byte alignment the sizes round to 16, 48 and 16 and are placed
// largest first: the 40-byte buffer at 0, then 48 and 64; 80 bytes in all.
// ALIGN16-LABEL: func.func @main(
// ALIGN16-SAME: memref<80xi8>) attributes {strata.arena_bytes = 80 : i64, strata.arena_lower_bound = 80 : i64,
// ALIGN16: arith.constant 48 : index
// ALIGN16: memref.view {{.+}} to memref<3xf32>
// ALIGN16: arith.constant 0 : index
// ALIGN16: memref.view {{.+}} to memref<10xf32>
// ALIGN16: arith.constant 64 : index
// ALIGN16: memref.view {{.+}} to memref<4xi8>
func.func @main(%x: memref<3xf32>, %y: memref<10xf32>, %z: memref<4xi8>) {
  %a = memref.alloc() : memref<3xf32>
  %b = memref.alloc() : memref<10xf32>
  %c = memref.alloc() : memref<4xi8>
  memref.copy %x, %a : memref<3xf32> to memref<3xf32>
  memref.copy %y, %b : memref<10xf32> to memref<10xf32>
  memref.copy %z, %c : memref<4xi8> to memref<4xi8>
  memref.copy %a, %x : memref<3xf32> to memref<3xf32>
  memref.copy %b, %y : memref<10xf32> to memref<10xf32>
  memref.copy %c, %z : memref<4xi8> to memref<4xi8>
  return
}

// -----

// A use through a memref.subview keeps the source alive: %a's last direct use
// comes before %c is allocated, but its subview is read after, so %c may not
// take %a's bytes.
// CHECK-LABEL: func.func @main(
// CHECK-SAME: %[[ARENA:arg[0-9]+]]: memref<128xi8>) attributes {strata.arena_bytes = 128 : i64
// CHECK: %[[O0:.+]] = arith.constant 0 : index
// CHECK: %[[A:.+]] = memref.view %[[ARENA]][%[[O0]]][] : memref<128xi8> to memref<4x4xf32>
// CHECK: %[[SV:.+]] = memref.subview %[[A]][0, 0] [2, 4] [1, 1]
// CHECK: %[[O1:.+]] = arith.constant 64 : index
// CHECK: %[[C:.+]] = memref.view %[[ARENA]][%[[O1]]][] : memref<128xi8> to memref<4x4xf32>
// CHECK: memref.copy %[[SV]], %{{.+}}
func.func @main(%x: memref<4x4xf32>, %z: memref<2x4xf32>) {
  %a = memref.alloc() : memref<4x4xf32>
  memref.copy %x, %a : memref<4x4xf32> to memref<4x4xf32>
  %sv = memref.subview %a[0, 0] [2, 4] [1, 1] : memref<4x4xf32> to memref<2x4xf32, strided<[4, 1]>>
  %c = memref.alloc() : memref<4x4xf32>
  memref.copy %x, %c : memref<4x4xf32> to memref<4x4xf32>
  memref.copy %c, %x : memref<4x4xf32> to memref<4x4xf32>
  memref.copy %sv, %z : memref<2x4xf32, strided<[4, 1]>> to memref<2x4xf32>
  return
}

// -----

// The same holds for memref.collapse_shape, and for a view of a view.
// CHECK-LABEL: func.func @main(
// CHECK-SAME: %[[ARENA:arg[0-9]+]]: memref<128xi8>) attributes {strata.arena_bytes = 128 : i64
// CHECK: %[[O0:.+]] = arith.constant 0 : index
// CHECK: %[[A:.+]] = memref.view %[[ARENA]][%[[O0]]][] : memref<128xi8> to memref<4x4xf32>
// CHECK: %[[FLAT:.+]] = memref.collapse_shape %[[A]] {{\[}}[0, 1]] : memref<4x4xf32> into memref<16xf32>
// CHECK: %[[HALF:.+]] = memref.subview %[[FLAT]][8] [8] [1]
// CHECK: %[[O1:.+]] = arith.constant 64 : index
// CHECK: memref.view %[[ARENA]][%[[O1]]][] : memref<128xi8> to memref<4x4xf32>
// CHECK: memref.copy %[[HALF]], %{{.+}}
func.func @main(%x: memref<4x4xf32>, %y: memref<8xf32>) {
  %a = memref.alloc() : memref<4x4xf32>
  memref.copy %x, %a : memref<4x4xf32> to memref<4x4xf32>
  %flat = memref.collapse_shape %a [[0, 1]] : memref<4x4xf32> into memref<16xf32>
  %half = memref.subview %flat[8] [8] [1] : memref<16xf32> to memref<8xf32, strided<[1], offset: 8>>
  %c = memref.alloc() : memref<4x4xf32>
  memref.copy %x, %c : memref<4x4xf32> to memref<4x4xf32>
  memref.copy %c, %x : memref<4x4xf32> to memref<4x4xf32>
  memref.copy %half, %y : memref<8xf32, strided<[1], offset: 8>> to memref<8xf32>
  return
}

// -----

// Only the entry function is planned: a helper's alloc stays, and an entry
// with no buffers still gets an empty arena. Its call is a kernel.
// CHECK-LABEL: func.func @helper(
// CHECK-SAME: %{{.+}}: memref<4xf32>) {
// CHECK: memref.alloc() : memref<4xf32>
// CHECK-LABEL: func.func @main(
// CHECK-SAME: %{{.+}}: memref<4xf32>, %{{.+}}: memref<0xi8>) attributes {strata.arena_bytes = 0 : i64, strata.arena_lower_bound = 0 : i64, strata.copies = 0 : i64, strata.fills = 0 : i64, strata.kernels = 1 : i64}
func.func @helper(%x: memref<4xf32>) {
  %a = memref.alloc() : memref<4xf32>
  memref.copy %x, %a : memref<4xf32> to memref<4xf32>
  memref.dealloc %a : memref<4xf32>
  return
}
func.func @main(%x: memref<4xf32>) {
  func.call @helper(%x) : (memref<4xf32>) -> ()
  return
}

// -----

// A buffer allocated inside a loop lives for the whole loop, so it cannot
// share bytes with one whose last use is inside the loop body either.
// CHECK-LABEL: func.func @main(
// CHECK-SAME: %[[ARENA:arg[0-9]+]]: memref<128xi8>) attributes {strata.arena_bytes = 128 : i64
// CHECK: memref.view %[[ARENA]][%{{.+}}][] : memref<128xi8> to memref<16xf32>
// CHECK: scf.for
// CHECK: %[[O:.+]] = arith.constant 64 : index
// CHECK: memref.view %[[ARENA]][%[[O]]][] : memref<128xi8> to memref<16xf32>
func.func @main(%x: memref<16xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %a = memref.alloc() : memref<16xf32>
  memref.copy %x, %a : memref<16xf32> to memref<16xf32>
  scf.for %i = %c0 to %c4 step %c1 {
    %t = memref.alloc() : memref<16xf32>
    memref.copy %a, %t : memref<16xf32> to memref<16xf32>
    memref.copy %t, %x : memref<16xf32> to memref<16xf32>
    memref.dealloc %t : memref<16xf32>
  }
  return
}

// -----

// A dynamically shaped buffer cannot be placed at compile time.
func.func @main(%n: index) {
  // expected-error @+1 {{strata-plan-memory needs static, identity-layout buffers; got 'memref<?xf32>'}}
  %a = memref.alloc(%n) : memref<?xf32>
  return
}

// -----

// A buffer allocated in a parallel loop's body gets one slot per iteration:
// 4 of 64 bytes, the iteration's at 64 x its index. A buffer of a serial
// loop inside it is per iteration of the forall only. The 2-D forall's
// index is row-major over its normalized indices (2 x 3 of them): its 6
// slots reuse the first forall's bytes.
// CHECK-LABEL: func.func @main(
// CHECK-SAME: memref<384xi8>) attributes {strata.arena_bytes = 384 : i64
// CHECK: scf.forall (%[[I:.+]]) in (4) {
// CHECK: %[[BASE:.+]] = arith.constant 0 : index
// CHECK: %[[C4:.+]] = arith.constant 4 : index
// CHECK: %[[D:.+]] = arith.subi %[[I]], %{{.+}} : index
// CHECK: %[[N:.+]] = arith.divui %[[D]], %{{.+}} : index
// CHECK: %[[M:.+]] = arith.muli %{{.+}}, %[[C4]] : index
// CHECK: %[[INDEX:.+]] = arith.addi %[[M]], %[[N]] : index
// CHECK: %[[C64:.+]] = arith.constant 64 : index
// CHECK: %[[SHIFT:.+]] = arith.muli %[[INDEX]], %[[C64]] : index
// CHECK: %[[OFFSET:.+]] = arith.addi %[[BASE]], %[[SHIFT]] : index
// CHECK: memref.view %{{.+}}[%[[OFFSET]]][] : memref<384xi8> to memref<8xf32>
// CHECK: scf.forall (%[[J:.+]], %[[K:.+]]) = (2, 0) to (6, 6) step (2, 2) {
// CHECK: %[[BASE2:.+]] = arith.constant 0 : index
// CHECK: arith.constant 2 : index
// CHECK-NEXT: %[[LB2:.+]] = arith.constant 2 : index
// CHECK: %[[DJ:.+]] = arith.subi %[[J]], %[[LB2]] : index
// CHECK: %[[NJ:.+]] = arith.divui %[[DJ]], %{{.+}} : index
// CHECK: %[[IJ:.+]] = arith.addi %{{.+}}, %[[NJ]] : index
// CHECK: %[[C3:.+]] = arith.constant 3 : index
// CHECK: %[[DK:.+]] = arith.subi %[[K]], %{{.+}} : index
// CHECK: %[[NK:.+]] = arith.divui %[[DK]], %{{.+}} : index
// CHECK: %[[MJ:.+]] = arith.muli %[[IJ]], %[[C3]] : index
// CHECK: %[[IJK:.+]] = arith.addi %[[MJ]], %[[NK]] : index
// CHECK: %[[SHIFT2:.+]] = arith.muli %[[IJK]], %{{.+}} : index
// CHECK: %[[OFFSET2:.+]] = arith.addi %[[BASE2]], %[[SHIFT2]] : index
// CHECK: memref.view %{{.+}}[%[[OFFSET2]]][] : memref<384xi8> to memref<16xf32>
func.func @main(%out: memref<4x8xf32>) {
  scf.forall (%i) in (4) {
    %scratch = memref.alloc() : memref<8xf32>
    %c0 = arith.constant 0 : index
    %c2 = arith.constant 2 : index
    %c1 = arith.constant 1 : index
    scf.for %k = %c0 to %c2 step %c1 {
      %row = memref.subview %out[%i, 0] [1, 8] [1, 1] : memref<4x8xf32> to memref<8xf32, strided<[1], offset: ?>>
      memref.copy %scratch, %row : memref<8xf32> to memref<8xf32, strided<[1], offset: ?>>
    }
  }
  scf.forall (%j, %k) = (2, 0) to (6, 6) step (2, 2) {
    %scratch = memref.alloc() : memref<16xf32>
    %row = memref.subview %out[0, 0] [1, 8] [1, 1] : memref<4x8xf32> to memref<8xf32, strided<[1]>>
    %half = memref.subview %scratch[0] [8] [1] : memref<16xf32> to memref<8xf32, strided<[1]>>
    memref.copy %half, %row : memref<8xf32, strided<[1]>> to memref<8xf32, strided<[1]>>
  }
  return
}

// -----

// A parallel loop of dynamic bounds has no count of slots.
func.func @main(%out: memref<?x8xf32>, %n: index) {
  scf.forall (%i) in (%n) {
    // expected-error @+1 {{strata-plan-memory: a buffer allocated inside a parallel loop of dynamic bounds would be shared by its iterations}}
    %scratch = memref.alloc() : memref<8xf32>
    %row = memref.subview %out[%i, 0] [1, 8] [1, 1] : memref<?x8xf32> to memref<8xf32, strided<[1], offset: ?>>
    memref.copy %scratch, %row : memref<8xf32> to memref<8xf32, strided<[1], offset: ?>>
  }
  return
}

// -----

// The entry must exist.
// expected-error @+1 {{strata-plan-memory: no entry function 'main'}}
module {
  func.func @not_main() {
    return
  }
}
