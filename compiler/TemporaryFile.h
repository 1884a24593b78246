//===- TemporaryFile.h - Scratch files for the tools stratac runs -*- C++ -*-===//
//
// ld.lld and strata-halide-gen read and write files, and --autotune loads
// shared libraries from them: each such file is a TemporaryFile, removed when
// it goes out of scope whatever the outcome.
//
//===----------------------------------------------------------------------===//
#ifndef STRATA_COMPILER_TEMPORARYFILE_H
#define STRATA_COMPILER_TEMPORARYFILE_H

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

namespace strata {

/// Removes a temporary file when it goes out of scope.
struct TemporaryFile {
  llvm::SmallString<128> path;
  TemporaryFile() = default;
  TemporaryFile(const TemporaryFile &) = delete;
  TemporaryFile &operator=(const TemporaryFile &) = delete;
  ~TemporaryFile() {
    if (!path.empty())
      llvm::sys::fs::remove(path);
  }
};

/// Creates `file` as a new temporary file holding `bytes`.
inline llvm::Error writeTemporary(const llvm::Twine &prefix,
                                  llvm::StringRef suffix, llvm::StringRef bytes,
                                  TemporaryFile &file) {
  if (auto ec = llvm::sys::fs::createTemporaryFile(prefix, suffix, file.path))
    return llvm::createStringError(ec, "cannot create a temporary file");
  std::error_code ec;
  llvm::raw_fd_ostream stream(file.path, ec);
  if (ec)
    return llvm::createStringError(ec, "cannot write " + file.path);
  stream << bytes;
  return llvm::Error::success();
}

} // namespace strata

#endif // STRATA_COMPILER_TEMPORARYFILE_H
