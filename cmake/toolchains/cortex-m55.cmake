# cortex-m55.cmake - cross-compile bare-metal code for an Arm Cortex-M55.
#
# Debian's arm-none-eabi-gcc with newlib. No board is wired up for running
# Cortex-M55 firmware under QEMU yet (STRATA_FIRMWARE_BOARD is "none"); the
# runtime libraries build for it.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)
set(CMAKE_C_COMPILER arm-none-eabi-gcc)
set(CMAKE_CXX_COMPILER arm-none-eabi-g++)
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
set(STRATA_CPU_FLAGS "-mcpu=cortex-m55 -mthumb -mfloat-abi=hard")
set(CMAKE_C_FLAGS_INIT "${STRATA_CPU_FLAGS}")
set(CMAKE_CXX_FLAGS_INIT "${STRATA_CPU_FLAGS}")
set(STRATA_QEMU_MACHINE "")
set(STRATA_FIRMWARE_BOARD none)
