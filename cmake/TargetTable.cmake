# TargetTable.cmake - the target table of runtime/include/strata/targets.h
# for CMake: the build's cross runtimes, the installed package and
# strata_add_model all take target names from that one C header.
#
# strata_read_target_table(HEADER) sets, in the caller's scope,
#   STRATA_TARGET_NAMES                   every --target name, in table order
#   STRATA_TARGET_<NAME>_FAMILY           the targets/ folder that compiles it
#   STRATA_TARGET_<NAME>_RUNNER           NATIVE, QEMU_USER, QEMU_SYSTEM or GPU
#   STRATA_TARGET_<NAME>_GNU_TRIPLE       the Debian cross triple, or empty
# with <NAME> the name exactly as the table writes it.
include_guard(GLOBAL)

function(strata_read_target_table header)
  # The rows end in the macro's line continuations, so they are matched in
  # the whole text rather than read as lines.
  file(READ "${header}" text)
  string(REGEX MATCHALL "X\\(\"[^\"]+\", *[a-z0-9_]+, *[A-Z_]+, *\"[^\"]*\"" rows "${text}")
  if(NOT rows)
    message(FATAL_ERROR "no STRATA_TARGETS rows in ${header}")
  endif()
  set(names)
  foreach(row IN LISTS rows)
    string(REGEX MATCH "X\\(\"([^\"]+)\", *([a-z0-9_]+), *([A-Z_]+), *\"([^\"]*)\"" _ "${row}")
    set(name ${CMAKE_MATCH_1})
    list(APPEND names ${name})
    set(STRATA_TARGET_${name}_FAMILY ${CMAKE_MATCH_2} PARENT_SCOPE)
    set(STRATA_TARGET_${name}_RUNNER ${CMAKE_MATCH_3} PARENT_SCOPE)
    set(STRATA_TARGET_${name}_GNU_TRIPLE "${CMAKE_MATCH_4}" PARENT_SCOPE)
  endforeach()
  set(STRATA_TARGET_NAMES ${names} PARENT_SCOPE)
endfunction()
