//===- Calibration.h - --quantize: calibrate, then quantize -----*- C++ -*-===//
//
// Post-training quantization needs each activation's range on real inputs.
// The compiler measures them itself: it compiles an instrumented float
// build of the model for this machine (the tensors strata-quantize needs
// become extra outputs), runs it on the calibration samples in a child
// process, records each range on its op and then runs strata-quantize. No
// Python and no other runtime is involved.
//
//===----------------------------------------------------------------------===//
#ifndef STRATA_COMPILER_CALIBRATION_H
#define STRATA_COMPILER_CALIBRATION_H

#include "compiler/Stages.h"

namespace strata {

/// Stage 1b, with --quantize=int8: calibrates `model` (the graph dialect,
/// as imported) on the samples of --calibration and quantizes it. Errors
/// (a missing or empty folder, a sample of the wrong shape or dtype) name
/// the file.
mlir::LogicalResult quantizeModel(ImportedModel &model,
                                  const CompileOptions &options,
                                  mlir::TimingScope &timing);

} // namespace strata

#endif // STRATA_COMPILER_CALIBRATION_H
