//===- ProgressReporter.h - The stage a long compile is in ------*- C++ -*-===//
//
// A compile of a large model takes seconds; on a terminal, stratac then says
// which stage it is in ("stratac: resnet18: LLVM optimization...") on one
// line it rewrites, and erases the line when it is done. Nothing is printed
// for compiles shorter than the delay, when stderr is not a terminal (CI
// logs, build systems) or with --quiet. A background thread wakes at the
// delay, so even a first stage that runs long is shown. The tool owns the
// reporter and stops it before it prints an error.
//
//===----------------------------------------------------------------------===//
#ifndef STRATA_COMPILER_PROGRESSREPORTER_H
#define STRATA_COMPILER_PROGRESSREPORTER_H

#include "llvm/ADT/StringRef.h"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace strata {

class ProgressReporter {
public:
  /// Reports on stderr about `model` once `delay` has passed, if `enabled`.
  ProgressReporter(bool enabled, llvm::StringRef model,
                   std::chrono::milliseconds delay);
  /// Stops reporting and erases the progress line, if one was printed.
  ~ProgressReporter() { stop(); }

  /// The compile entered stage `name`.
  void stage(llvm::StringRef name);

  /// Stops reporting and erases the line: call it before printing anything
  /// else on stderr (an error). Later stages are not shown.
  void stop();

private:
  void run();

  std::string model;
  std::chrono::milliseconds delay;
  std::mutex mutex;
  std::condition_variable changed;
  std::string current;
  bool stopping = false;
  std::thread thread;
};

} // namespace strata

#endif // STRATA_COMPILER_PROGRESSREPORTER_H
