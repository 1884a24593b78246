//===- ProgressReporter.cpp - The stage a long compile is in -----*- C++ -*-===//
//
// Implements ProgressReporter.h.
//
//===----------------------------------------------------------------------===//
#include "compiler/ProgressReporter.h"

#include "llvm/Support/raw_ostream.h"

namespace strata {

ProgressReporter::ProgressReporter(bool enabled, llvm::StringRef model,
                                   std::chrono::milliseconds delay)
    : model(model.str()), delay(delay) {
  if (enabled)
    thread = std::thread([this] { run(); });
}

void ProgressReporter::stop() {
  if (!thread.joinable())
    return;
  {
    std::lock_guard<std::mutex> lock(mutex);
    stopping = true;
  }
  changed.notify_one();
  thread.join();
}

void ProgressReporter::stage(llvm::StringRef name) {
  if (!thread.joinable())
    return;
  {
    std::lock_guard<std::mutex> lock(mutex);
    current = name.str();
  }
  changed.notify_one();
}

void ProgressReporter::run() {
  std::unique_lock<std::mutex> lock(mutex);
  if (changed.wait_for(lock, delay, [this] { return stopping; }))
    return; // Done before the delay: nothing to say.
  std::string shown;
  while (!stopping) {
    if (current != shown) {
      shown = current;
      // Carriage return and erase-line: one line, rewritten per stage.
      llvm::errs() << "\r\x1b[Kstratac: " << model << ": " << shown << "...";
      llvm::errs().flush();
    }
    changed.wait(lock, [&] { return stopping || current != shown; });
  }
  llvm::errs() << "\r\x1b[K";
  llvm::errs().flush();
}

} // namespace strata
