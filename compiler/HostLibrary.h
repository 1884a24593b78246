//===- HostLibrary.h - Compiling and running models in stratac --*- C++ -*-===//
//
// Some decisions are measured, not guessed: --autotune times a group's two
// implementations, and --quantize runs the float model on calibration
// samples to learn its activations' ranges. Both compile a module for this
// machine into a shared library, load it into the compiler and call its
// entry, in a child process, so that code which crashes fails that
// measurement and not the compile.
//
//===----------------------------------------------------------------------===//
#ifndef STRATA_COMPILER_HOSTLIBRARY_H
#define STRATA_COMPILER_HOSTLIBRARY_H

#include "compiler/HalidePath.h"
#include "compiler/Stages.h"
#include "compiler/TemporaryFile.h"

#include "strata/runtime.h"

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/Support/Error.h"

#include <memory>
#include <string>

namespace strata {

/// Lowers `module` (linalg on tensors, entry `entryName`) with the
/// partition's target and links it, with the Halide groups it calls, into a
/// shared library; returns the library's bytes.
llvm::Expected<std::string> compileSharedLibrary(mlir::ModuleOp module,
                                                 const Partition &partition,
                                                 ModelSignature signature,
                                                 const HalideGroups &groups,
                                                 llvm::StringRef entryName);

/// A shared library loaded into this process, unloaded (and its file
/// removed) when destroyed.
class LoadedModel {
public:
  /// Loads `library` (bytes) and finds its descriptor `NAME_model`.
  static llvm::Expected<std::unique_ptr<LoadedModel>> load(llvm::StringRef library,
                                                           llvm::StringRef name);
  ~LoadedModel();
  const strata_model_t &model() const { return *descriptor; }

private:
  LoadedModel() = default;
  TemporaryFile file;
  void *handle = nullptr;
  const strata_model_t *descriptor = nullptr;
};

/// Runs `work` in a child process and returns the bytes it produced. A
/// child that fails reports its error's message; one that crashes is an
/// error naming `what` and the signal.
llvm::Expected<std::string>
runInChild(llvm::function_ref<llvm::Expected<std::string>()> work,
           llvm::StringRef what);

} // namespace strata

#endif // STRATA_COMPILER_HOSTLIBRARY_H
