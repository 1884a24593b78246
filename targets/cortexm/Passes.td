//===- Passes.td - Passes of the Cortex-M targets ----------*- tablegen -*-===//
//
// Lowering steps only the 32-bit microcontroller targets need.
//
//===----------------------------------------------------------------------===//
#ifndef STRATA_TARGETS_CORTEXM_PASSES
#define STRATA_TARGETS_CORTEXM_PASSES

include "mlir/Pass/PassBase.td"

def CortexMVectorToLLVM : Pass<"strata-cortexm-vector-to-llvm", "::mlir::ModuleOp"> {
  let summary = "Vector ops to the LLVM dialect with 32-bit index arithmetic";
  let description = [{
    Upstream `convert-vector-to-llvm` always converts `index` to the
    data layout's default 64 bits, while the Cortex-M pipeline lowers
    memrefs, arith and control flow with `index-bitwidth=32`; the two meet
    in `unrealized_conversion_cast`s between i32 and i64 that nothing folds.
    This pass runs the same progressive vector lowerings (contractions to
    outer products, transfers to loads and stores, masks, broadcasts) and
    then converts with one type converter at `index-bitwidth`, so vectorized
    code (MVE on the Cortex-M55) has 32-bit addresses throughout.

    Before (memrefs already converted at 32 bits):
    ```mlir
    %i = builtin.unrealized_conversion_cast %i32 : i32 to index
    %v = vector.load %m[%i] : memref<64xf32>, vector<4xf32>
    ```
    After:
    ```mlir
    %p = llvm.getelementptr %base[%i32] : (!llvm.ptr, i32) -> !llvm.ptr, f32
    %v = llvm.load %p {alignment = 4 : i64} : !llvm.ptr -> vector<4xf32>
    ```
  }];
  let options = [
    Option<"indexBitwidth", "index-bitwidth", "unsigned", /*default=*/"32",
           "Bit width of `index` in the LLVM dialect">
  ];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::memref::MemRefDialect"];
}

#endif // STRATA_TARGETS_CORTEXM_PASSES
