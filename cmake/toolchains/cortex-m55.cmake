# cortex-m55.cmake - cross-compile bare-metal code for an Arm Cortex-M55.
#
# Debian's arm-none-eabi-gcc with newlib. Firmware built with it runs under
# QEMU's mps3-an547 board (STRATA_QEMU_MACHINE); link it with
# --specs=rdimon.specs for semihosted I/O. -mcpu=cortex-m55 implies
# armv8.1-m.main+fp.dp+mve.fp (newlib's thumb/v8-m.main+dp/hard multilib).
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)
set(CMAKE_C_COMPILER arm-none-eabi-gcc)
set(CMAKE_CXX_COMPILER arm-none-eabi-g++)
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
set(STRATA_CPU_FLAGS "-mcpu=cortex-m55 -mthumb -mfloat-abi=hard")
set(CMAKE_C_FLAGS_INIT "${STRATA_CPU_FLAGS}")
set(CMAKE_CXX_FLAGS_INIT "${STRATA_CPU_FLAGS}")
set(STRATA_QEMU_MACHINE "-M mps3-an547 -cpu cortex-m55")
set(STRATA_FIRMWARE_BOARD mps3-an547)
