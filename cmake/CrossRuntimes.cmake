# CrossRuntimes.cmake - the runtime and strata-run built for other targets.
#
# Artifacts for an edge board or a microcontroller are checked here under
# QEMU: for each target of the table (runtime/include/strata/targets.h) that
# runs under QEMU and whose cross compiler is found, runtime/ is configured on
# its own (it needs neither LLVM nor MLIR) with the target's toolchain file.
# QEMU_USER targets give a strata-run-TARGET next to the host one, which the
# host strata-run starts under qemu-ARCH; QEMU_SYSTEM targets give a firmware
# kit that the host strata-run links a model into and boots under
# qemu-system-arm.
include(ExternalProject)
include(${CMAKE_CURRENT_LIST_DIR}/TargetTable.cmake)

function(strata_add_cross_runtime target toolchain runner)
  # The compiler the toolchain file sets.
  file(READ ${PROJECT_SOURCE_DIR}/cmake/toolchains/${toolchain}.cmake toolchain_text)
  string(REGEX MATCH "set\\(CMAKE_C_COMPILER ([^)]+)\\)" _ "${toolchain_text}")
  set(compiler ${CMAKE_MATCH_1})
  # Linux targets install a strata-run-TARGET; bare-metal ones a firmware
  # kit (libraries, start code, board scripts, flags) in lib/strata/TARGET.
  if(runner STREQUAL "QEMU_SYSTEM")
    set(build_type MinSizeRel) # Flash is what a microcontroller lacks.
    set(install_command ${CMAKE_COMMAND} -E copy_directory
        <BINARY_DIR>/kit ${CMAKE_BINARY_DIR}/lib/strata/${target})
    set(products ${CMAKE_BINARY_DIR}/lib/strata/${target}/libstrata_runtime.a)
  else()
    set(build_type Release)
    # strata-run-TARGET beside strata-run; the runtime library for
    # applications (strata_add_model) in lib/strata/TARGET.
    set(install_command
        ${CMAKE_COMMAND} -E copy <BINARY_DIR>/strata-run
        ${CMAKE_BINARY_DIR}/bin/strata-run-${target}
        COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/lib/strata/${target}
        COMMAND ${CMAKE_COMMAND} -E copy <BINARY_DIR>/libstrata_runtime.a
        ${CMAKE_BINARY_DIR}/lib/strata/${target}/)
    set(products ${CMAKE_BINARY_DIR}/bin/strata-run-${target})
  endif()
  find_program(STRATA_${target}_CC ${compiler})
  if(NOT STRATA_${target}_CC)
    message(STATUS "Strata: no ${compiler}; the ${target} runtime is not built")
    return()
  endif()
  set(build_dir ${CMAKE_BINARY_DIR}/runtime-${target})
  ExternalProject_Add(strata-runtime-${target}
    SOURCE_DIR ${PROJECT_SOURCE_DIR}/runtime
    BINARY_DIR ${build_dir}
    CMAKE_ARGS
      -G Ninja
      -DCMAKE_TOOLCHAIN_FILE=${PROJECT_SOURCE_DIR}/cmake/toolchains/${toolchain}.cmake
      -DCMAKE_BUILD_TYPE=${build_type}
      -DBUILD_TESTING=OFF
      -DCMAKE_C_COMPILER_LAUNCHER=${CMAKE_C_COMPILER_LAUNCHER}
    BUILD_ALWAYS ON
    INSTALL_COMMAND ${install_command}
    BUILD_BYPRODUCTS ${products})
  set(STRATA_CROSS_TARGETS ${STRATA_CROSS_TARGETS} ${target} PARENT_SCOPE)
  # What strata-run can execute here: Linux targets under qemu-ARCH, the
  # microcontrollers on their boards under qemu-system-arm.
  if(runner STREQUAL "QEMU_SYSTEM")
    set(emulator qemu-system-arm)
  else()
    string(REGEX REPLACE "-.*" "" arch "${toolchain}")
    set(emulator qemu-${arch})
  endif()
  find_program(STRATA_EMULATOR_${target} ${emulator})
  if(STRATA_EMULATOR_${target})
    set(STRATA_RUNNABLE_TARGETS ${STRATA_RUNNABLE_TARGETS} ${target} PARENT_SCOPE)
  else()
    message(STATUS "Strata: ${target} artifacts cannot run here (no ${emulator} "
                   "); their end-to-end tests are skipped")
  endif()
endfunction()

# QEMU_USER targets use the Debian cross toolchain of their GNU triple
# (cmake/toolchains/TRIPLE.cmake), QEMU_SYSTEM ones their own
# (cmake/toolchains/TARGET.cmake, which also names the board).
strata_read_target_table(${PROJECT_SOURCE_DIR}/runtime/include/strata/targets.h)
set(STRATA_CROSS_TARGETS)
set(STRATA_RUNNABLE_TARGETS)
foreach(target IN LISTS STRATA_TARGET_NAMES)
  set(runner ${STRATA_TARGET_${target}_RUNNER})
  if(runner STREQUAL "QEMU_USER")
    strata_add_cross_runtime(${target} ${STRATA_TARGET_${target}_GNU_TRIPLE} ${runner})
  elseif(runner STREQUAL "QEMU_SYSTEM")
    strata_add_cross_runtime(${target} ${target} ${runner})
  endif()
endforeach()

# Installed with the rest: the cross runners and every target's kit.
foreach(target IN LISTS STRATA_CROSS_TARGETS)
  if(STRATA_TARGET_${target}_RUNNER STREQUAL "QEMU_USER")
    install(PROGRAMS ${CMAKE_BINARY_DIR}/bin/strata-run-${target} DESTINATION bin)
  endif()
  install(DIRECTORY ${CMAKE_BINARY_DIR}/lib/strata/${target}
          DESTINATION lib/strata)
endforeach()
