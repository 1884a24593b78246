# CrossRuntimes.cmake - the runtime and strata-run built for other targets.
#
# Artifacts for an edge board need strata-run built for that board to be
# checked here: for each cross toolchain found, runtime/ is configured on its
# own (it needs neither LLVM nor MLIR) with the toolchain file and its
# strata-run lands next to the host one as strata-run-TARGET, which the host
# strata-run starts under QEMU for `--target=TARGET`.
include(ExternalProject)

function(strata_add_cross_runtime target toolchain compiler)
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
      -DCMAKE_BUILD_TYPE=Release
      -DBUILD_TESTING=OFF
      -DCMAKE_C_COMPILER_LAUNCHER=${CMAKE_C_COMPILER_LAUNCHER}
    BUILD_ALWAYS ON
    INSTALL_COMMAND ${CMAKE_COMMAND} -E copy ${build_dir}/strata-run
                    ${CMAKE_BINARY_DIR}/bin/strata-run-${target}
    BUILD_BYPRODUCTS ${CMAKE_BINARY_DIR}/bin/strata-run-${target}
                     ${build_dir}/libstrata_runtime.a)
  set(STRATA_CROSS_TARGETS ${STRATA_CROSS_TARGETS} ${target} PARENT_SCOPE)
endfunction()

set(STRATA_CROSS_TARGETS)
strata_add_cross_runtime(aarch64 aarch64-linux-gnu aarch64-linux-gnu-gcc)
