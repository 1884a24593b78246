// RUN: strata-opt %s -split-input-file -allow-unregistered-dialect -strata-pool-constants -verify-diagnostics | FileCheck %s

//===- pool-constants.mlir - The entry's weights as one argument ----------===//
//
// strata-pool-constants packs every constant global the entry reads into one
// byte block (64-byte aligned slots, in order of first read; one slot per
// global however often it is read) and reads them through views of a new
// trailing argument. The bytes are what the buffers hold in memory:
// little-endian elements, splats expanded, booleans one byte each.
//
//===----------------------------------------------------------------------===//

// CHECK-LABEL: memref.global constant @strata_constants : memref<192xi8> =
// CHECK-SAME: dense<"0x0000803F00000040{{(00)+}}010001{{(00)+}}07000000070000000700000007000000{{(00)+}}">
// CHECK-SAME: {alignment = 64 : i64}
// CHECK-NOT: @w :
// CHECK-NOT: @flags :
// CHECK-LABEL: func.func @main(
// CHECK-SAME: %{{.+}}: memref<0xi8>, %[[BLOCK:.+]]: memref<192xi8>)
// CHECK-SAME: attributes {strata.constants_bytes = 192 : i64}
// CHECK: %[[O0:.+]] = arith.constant 0 : index
// CHECK: %[[W:.+]] = memref.view %[[BLOCK]][%[[O0]]][] : memref<192xi8> to memref<2xf32>
// CHECK: %[[O1:.+]] = arith.constant 64 : index
// CHECK: %[[F:.+]] = memref.view %[[BLOCK]][%[[O1]]][] : memref<192xi8> to memref<3xi1>
// CHECK: %[[O2:.+]] = arith.constant 128 : index
// CHECK: %[[Z:.+]] = memref.view %[[BLOCK]][%[[O2]]][] : memref<192xi8> to memref<4xi32>
// CHECK: %[[O3:.+]] = arith.constant 0 : index
// CHECK: %[[W2:.+]] = memref.view %[[BLOCK]][%[[O3]]][] : memref<192xi8> to memref<2xf32>
// CHECK: "test.use"(%[[W]], %[[F]], %[[Z]], %[[W2]])
// CHECK-NOT: memref.get_global
memref.global "private" constant @w : memref<2xf32> = dense<[1.0, 2.0]> {alignment = 64 : i64}
memref.global "private" constant @flags : memref<3xi1> = dense<[true, false, true]>
memref.global "private" constant @z : memref<4xi32> = dense<7>
func.func @main(%x: memref<2xf32>, %y: memref<2xf32>, %arena: memref<0xi8>) {
  %w = memref.get_global @w : memref<2xf32>
  %f = memref.get_global @flags : memref<3xi1>
  %z = memref.get_global @z : memref<4xi32>
  %w2 = memref.get_global @w : memref<2xf32>
  "test.use"(%w, %f, %z, %w2) : (memref<2xf32>, memref<3xi1>, memref<4xi32>, memref<2xf32>) -> ()
  return
}

// -----

// A model without weights still gets the argument: the entry's signature
// does not depend on the weights.
// CHECK-LABEL: memref.global constant @strata_constants : memref<0xi8>
// CHECK-LABEL: func.func @main(
// CHECK-SAME: memref<0xi8>) attributes {strata.constants_bytes = 0 : i64}
func.func @main(%x: memref<2xf32>) {
  return
}

// -----

memref.global "private" @state : memref<2xf32> = dense<0.0>
func.func @main(%x: memref<2xf32>) {
  // expected-error @+1 {{strata-pool-constants: 'state' is not an initialized constant global}}
  %s = memref.get_global @state : memref<2xf32>
  "test.use"(%s) : (memref<2xf32>) -> ()
  return
}

// -----

// expected-error @+1 {{strata-pool-constants: no entry function 'main'}}
module {
  func.func private @main(%x: memref<2xf32>)
}
