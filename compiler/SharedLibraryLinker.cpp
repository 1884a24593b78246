//===- SharedLibraryLinker.cpp - libNAME.so for strata-run ------*- C++ -*-===//
//
// strata-run loads models with dlopen, so --emit=shared links the object
// with LLVM's ld.lld (found next to the LLVM this compiler was built with, or
// on PATH). Generated code calls nothing but memcpy/memset, which the loading
// process provides.
//
//===----------------------------------------------------------------------===//
#include "compiler/ArtifactWriters.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

namespace strata {
namespace {

/// Removes a temporary file when it goes out of scope.
struct TemporaryFile {
  llvm::SmallString<128> path;
  ~TemporaryFile() {
    if (!path.empty())
      llvm::sys::fs::remove(path);
  }
};

llvm::Expected<std::string> findLinker() {
  for (llvm::StringRef candidate : {STRATA_LLD_PATH, "ld.lld-22", "ld.lld"}) {
    if (llvm::sys::path::is_absolute(candidate)) {
      if (llvm::sys::fs::can_execute(candidate))
        return candidate.str();
      continue;
    }
    if (auto found = llvm::sys::findProgramByName(candidate))
      return *found;
  }
  return llvm::createStringError("cannot find ld.lld to link a shared "
                                 "library (install lld-22)");
}

} // namespace

llvm::Expected<std::string> linkSharedLibrary(llvm::StringRef object,
                                              llvm::StringRef name) {
  auto linker = findLinker();
  if (!linker)
    return linker.takeError();
  TemporaryFile input, output, log;
  if (auto ec = llvm::sys::fs::createTemporaryFile("strata-" + name, "o", input.path))
    return llvm::createStringError(ec, "cannot create a temporary file");
  if (auto ec = llvm::sys::fs::createTemporaryFile("strata-" + name, "so", output.path))
    return llvm::createStringError(ec, "cannot create a temporary file");
  if (auto ec = llvm::sys::fs::createTemporaryFile("strata-" + name, "log", log.path))
    return llvm::createStringError(ec, "cannot create a temporary file");
  {
    std::error_code ec;
    llvm::raw_fd_ostream stream(input.path, ec);
    if (ec)
      return llvm::createStringError(ec, "cannot write a temporary object");
    stream << object;
  }
  std::string soname = ("lib" + name + ".so").str();
  llvm::SmallVector<llvm::StringRef> args = {
      *linker, "-shared", "--build-id=none", "-soname", soname,
      "-o", output.path, input.path};
  std::optional<llvm::StringRef> redirects[] = {std::nullopt, log.path, log.path};
  std::string message;
  int status = llvm::sys::ExecuteAndWait(*linker, args, std::nullopt,
                                         redirects, 0, 0, &message);
  if (status != 0) {
    auto logText = llvm::MemoryBuffer::getFile(log.path);
    return llvm::createStringError(
        "ld.lld failed to link " + soname + ": " +
        (logText ? (*logText)->getBuffer().trim().str() : message));
  }
  auto library = llvm::MemoryBuffer::getFile(output.path, false, false);
  if (!library)
    return llvm::createStringError(library.getError(),
                                   "cannot read the linked library");
  return (*library)->getBuffer().str();
}

} // namespace strata
