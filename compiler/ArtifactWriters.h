//===- ArtifactWriters.h - Header, manifest and shared library --*- C++ -*-===//
//
// The text and binary files that sit beside NAME.o: the C header a user
// includes, the JSON manifest CI pipelines read, and libNAME.so for
// strata-run. All are produced in memory so a failed compile writes nothing.
//
//===----------------------------------------------------------------------===//
#ifndef STRATA_COMPILER_ARTIFACTWRITERS_H
#define STRATA_COMPILER_ARTIFACTWRITERS_H

#include "compiler/ModelSignature.h"
#include "targets/Target.h"
#include "llvm/Support/Error.h"

#include <string>

namespace strata {

/// Facts about the compile recorded in the manifest.
struct ManifestFacts {
  std::string modelFile; // the model's file name, without directories
  std::string modelSha256;
  int64_t codeBytes = 0;
  int64_t weightBytes = 0;
  /// Static stack frames of the object's functions added up (the entry
  /// calls the model body), from LLVM's .stack_sizes; -1 when unknown.
  int64_t stackBytes = -1;
  std::vector<std::string> artifacts;
};

std::string writeHeader(const ModelSignature &signature);

std::string writeManifest(const ModelSignature &signature,
                          const TargetDescription &target,
                          const ManifestFacts &facts);

/// Sizes of code, read-only data (the weights) and stack frames in an
/// object file, into `facts`.
llvm::Error measureObject(llvm::StringRef object, ManifestFacts &facts);

/// Links `object` into a shared library with ld.lld; returns its bytes.
llvm::Expected<std::string> linkSharedLibrary(llvm::StringRef object,
                                              llvm::StringRef name);

} // namespace strata

#endif // STRATA_COMPILER_ARTIFACTWRITERS_H
