/*===- firmware_runner.c - strata-run's main inside a firmware image -*- C -*-===//
 *
 * strata-run --target=CORE (a Cortex-M core) links this with the model's
 * object into a firmware for an MPS2/MPS3 board under QEMU. The model is reached through
 * `strata_firmware_model`, which the link defines as NAME_model; arguments
 * (--input, --output, --benchmark) and the tensor files come from the host
 * through semihosting, and the model runs exactly as on a device.
 *
 *===----------------------------------------------------------------------===*/
#include "model_runner.h"

#include <stdbool.h>

extern const strata_model_t strata_firmware_model;

static const char usage_text[] =
    "usage: (firmware) --input FILE... --output FILE... [--benchmark N]\n";

int main(int argc, char **argv) {
  strata_runner_options_t options;
  int status;
  strata_runner_parse(argc, argv, false, usage_text, &options);
  strata_runner_check_model(&strata_firmware_model, "the firmware's model");
  status = strata_runner_run(&strata_firmware_model, &options);
  strata_runner_free_options(&options);
  return status;
}
