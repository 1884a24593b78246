//===- PendingFiles.cpp - A compile's output, written all at once -*- C++ -*-===//
//
// Implements PendingFiles.h.
//
//===----------------------------------------------------------------------===//
#include "compiler/PendingFiles.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace strata {

std::vector<std::string> PendingFiles::names() const {
  std::vector<std::string> result;
  for (const auto &[name, contents] : files)
    result.push_back(name);
  return result;
}

LogicalResult PendingFiles::write(Location loc, llvm::StringRef directory) const {
  if (auto ec = llvm::sys::fs::create_directories(directory))
    return emitError(loc) << "cannot create output directory '" << directory
                          << "': " << ec.message();
  std::vector<std::string> written;
  for (const auto &[name, contents] : files) {
    llvm::SmallString<256> path(directory);
    llvm::sys::path::append(path, name);
    std::error_code ec;
    llvm::raw_fd_ostream stream(path, ec);
    if (!ec) {
      stream << contents;
      stream.close();
      ec = stream.error();
    }
    if (ec) {
      for (const std::string &done : written)
        llvm::sys::fs::remove(done);
      return emitError(loc) << "cannot write '" << path << "': " << ec.message();
    }
    written.push_back(path.str().str());
  }
  return success();
}

LogicalResult writeDepfile(Location loc, llvm::StringRef path,
                           llvm::StringRef target,
                           llvm::ArrayRef<std::string> dependencies) {
  auto escape = [](llvm::StringRef file) {
    std::string text;
    for (char c : file) {
      if (c == ' ' || c == '#')
        text += '\\';
      if (c == '$')
        text += '$';
      text += c;
    }
    return text;
  };
  std::error_code ec;
  llvm::raw_fd_ostream stream(path, ec);
  if (!ec) {
    stream << escape(target) << ":";
    for (const std::string &file : dependencies)
      stream << " \\\n  " << escape(file);
    stream << "\n";
    stream.close();
    ec = stream.error();
  }
  if (ec)
    return emitError(loc) << "cannot write the depfile '" << path
                          << "': " << ec.message();
  return success();
}

} // namespace strata
