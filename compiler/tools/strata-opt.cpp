//===- strata-opt.cpp - The mlir-opt of Strata ------------------*- C++ -*-===//
//
// Runs any Strata or upstream pass, and the compiler's named pipelines
// (--strata-graph-to-linalg, --strata-lower{target=...}), on textual IR: the
// tool behind every lit test.
//
//===----------------------------------------------------------------------===//
#include "compiler/Compiler.h"
#include "compiler/Pipeline.h"

#include "mlir/InitAllPasses.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  strata::registerCompilerDialects(registry);
  mlir::registerAllPasses();
  strata::registerStrataPipelines();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "Strata optimizer driver\n", registry));
}
