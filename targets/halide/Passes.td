//===- Passes.td - Passes of the Halide path -------------*- tablegen -*-===//
//
// Fused groups that the compiler gave to Halide become calls to the
// functions strata-halide-gen makes for them.
//
//===----------------------------------------------------------------------===//
#ifndef STRATA_TARGETS_HALIDE_PASSES
#define STRATA_TARGETS_HALIDE_PASSES

include "mlir/Pass/PassBase.td"

def CallHalideGroups : Pass<"strata-call-halide-groups", "::mlir::ModuleOp"> {
  let summary = "Replace the generics marked for Halide with calls to their pipelines";
  let description = [{
    Each bufferized `linalg.generic` carrying `strata.halide_group = "NAME"`
    becomes a call to the Halide pipeline NAME, which strata-halide-gen
    compiles from the spec this pass attaches to its declaration
    (`strata.halide_spec`, see docs/halide.md). Halide functions take
    `halide_buffer_t` pointers: each operand's buffer (host pointer, element
    type, and per dimension, innermost first, extent and stride) is built on
    the stack next to the call. An operand whose innermost stride is not 1,
    or an input that may overlap the output (Halide assumes its buffers do
    not alias), keeps the generic, which then lowers to loops as usual; a
    remark says so.

    Before:
    ```mlir
    linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"],
                    strata.halide_group = "m_halide_0"}
        ins(%x : memref<64xf32>) outs(%y : memref<64xf32>) {
    ^bb0(%a: f32, %b: f32):
      %e = math.exp %a : f32
      linalg.yield %e : f32
    }
    ```

    After:
    ```mlir
    %bx = llvm.alloca ... // halide_buffer_t of %x
    %by = llvm.alloca ... // halide_buffer_t of %y
    %status = llvm.call @m_halide_0(%null, %bx, %by)
        : (!llvm.ptr, !llvm.ptr, !llvm.ptr) -> i32
    ...
    llvm.func @m_halide_0(!llvm.ptr, !llvm.ptr, !llvm.ptr) -> i32
        attributes {strata.halide_spec = "group m_halide_0\nloops p:64\n..."}
    ```
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::LLVM::LLVMDialect",
    "::mlir::memref::MemRefDialect"
  ];
}

#endif // STRATA_TARGETS_HALIDE_PASSES
