# cortex-m7.cmake - cross-compile bare-metal code for an Arm Cortex-M7.
#
# Debian's arm-none-eabi-gcc with newlib. Firmware built with it runs under
# QEMU's mps2-an500 board (STRATA_QEMU_MACHINE); link it with
# --specs=rdimon.specs for semihosted I/O.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)
set(CMAKE_C_COMPILER arm-none-eabi-gcc)
set(CMAKE_CXX_COMPILER arm-none-eabi-g++)
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
set(STRATA_CPU_FLAGS "-mcpu=cortex-m7 -mthumb -mfloat-abi=hard -mfpu=fpv5-d16")
set(CMAKE_C_FLAGS_INIT "${STRATA_CPU_FLAGS}")
set(CMAKE_CXX_FLAGS_INIT "${STRATA_CPU_FLAGS}")
set(STRATA_QEMU_MACHINE "-M mps2-an500 -cpu cortex-m7")
set(STRATA_FIRMWARE_BOARD mps2-an500)
