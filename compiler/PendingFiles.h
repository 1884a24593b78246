//===- PendingFiles.h - A compile's output, written all at once -*- C++ -*-===//
//
// Every stage adds its files here in memory; they reach the output directory
// only once the whole compile has succeeded, so a failure anywhere leaves the
// directory untouched. Also writes the Makefile depfile build systems use to
// re-run a compile only when its inputs changed.
//
//===----------------------------------------------------------------------===//
#ifndef STRATA_COMPILER_PENDINGFILES_H
#define STRATA_COMPILER_PENDINGFILES_H

#include "mlir/IR/Location.h"
#include "mlir/Support/LLVM.h"

#include <string>
#include <utility>
#include <vector>

namespace strata {

class PendingFiles {
public:
  void add(std::string name, std::string contents) {
    files.emplace_back(std::move(name), std::move(contents));
  }
  bool empty() const { return files.empty(); }
  /// The names added so far, in order.
  std::vector<std::string> names() const;

  /// Writes every file into `directory` (created if needed); on a failure
  /// the files already written are removed again.
  mlir::LogicalResult write(mlir::Location loc, llvm::StringRef directory) const;

private:
  std::vector<std::pair<std::string, std::string>> files; // name, contents
};

/// Writes the Makefile rule `target: dependencies...` (spaces escaped).
mlir::LogicalResult writeDepfile(mlir::Location loc, llvm::StringRef path,
                                 llvm::StringRef target,
                                 llvm::ArrayRef<std::string> dependencies);

} // namespace strata

#endif // STRATA_COMPILER_PENDINGFILES_H
