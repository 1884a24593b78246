# StrataAddModel.cmake - strata_add_model(): an ONNX model as a library target.
#
#   strata_add_model(NAME MODEL file.onnx TARGET target
#                    [CPU cpu] [FLOAT_ABI hard|soft]
#                    [INPUT_SHAPES input=1x3x224x224 ...]
#                    [FREEZE_INPUTS input=value.pb ...]
#                    [PRUNE channels:0.3 [PRUNE_CRITERION importance|taylor]
#                     [PRUNE_EXCLUDE node-glob ...]]
#                    [QUANTIZE int8 [CALIBRATOR mse] [QUANT_EXCLUDE node-glob ...]]
#                    [CALIBRATION samples/]
#                    [OPTIONS <more stratac flags> ...])
#
# CALIBRATION is the samples QUANTIZE calibrates on and PRUNE_CRITERION's
# gradients are measured on (both need it); with PRUNE alone it gives the
# pruned model's output error in the manifest.
#
# Runs stratac at build time into ${CMAKE_CURRENT_BINARY_DIR}/strata/NAME and
# creates a static library target NAME holding the model's object, whose
# include directory has NAME.h and which links the Strata runtime built for
# TARGET. stratac writes a depfile, so the compile re-runs only when the
# model, a file its flags name (external data, frozen inputs, calibration
# samples) or stratac itself changed. A sample added to the calibration
# folder is not seen until one of those changes.
include_guard(GLOBAL)

function(strata_add_model name)
  cmake_parse_arguments(PARSE_ARGV 1 ARG ""
                        "MODEL;TARGET;CPU;FLOAT_ABI;PRUNE;PRUNE_CRITERION;QUANTIZE;CALIBRATION;CALIBRATOR"
                        "INPUT_SHAPES;FREEZE_INPUTS;PRUNE_EXCLUDE;QUANT_EXCLUDE;OPTIONS")
  if(ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "strata_add_model(${name}): unknown arguments "
                        "${ARG_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT ARG_MODEL OR NOT ARG_TARGET)
    message(FATAL_ERROR "strata_add_model(${name}) needs MODEL and TARGET")
  endif()
  get_filename_component(model "${ARG_MODEL}" ABSOLUTE)
  set(out "${CMAKE_CURRENT_BINARY_DIR}/strata/${name}")
  set(flags "--target=${ARG_TARGET}" --name ${name} -o "${out}"
            --depfile "${out}/${name}.d")
  if(ARG_CPU)
    list(APPEND flags "--cpu=${ARG_CPU}")
  endif()
  if(ARG_FLOAT_ABI)
    list(APPEND flags "--float-abi=${ARG_FLOAT_ABI}")
  endif()
  foreach(shape IN LISTS ARG_INPUT_SHAPES)
    list(APPEND flags --input-shape "${shape}")
  endforeach()
  foreach(frozen IN LISTS ARG_FREEZE_INPUTS)
    list(APPEND flags --freeze-input "${frozen}")
  endforeach()
  if(ARG_CALIBRATION)
    if(NOT ARG_QUANTIZE AND NOT ARG_PRUNE)
      message(FATAL_ERROR "strata_add_model(${name}): CALIBRATION applies to "
                          "QUANTIZE and PRUNE")
    endif()
    get_filename_component(calibration "${ARG_CALIBRATION}" ABSOLUTE)
    list(APPEND flags --calibration "${calibration}")
  endif()
  if(ARG_PRUNE)
    list(APPEND flags "--prune=${ARG_PRUNE}")
    if(ARG_PRUNE_CRITERION)
      if(NOT ARG_PRUNE_CRITERION STREQUAL "magnitude" AND NOT ARG_CALIBRATION)
        message(FATAL_ERROR "strata_add_model(${name}): PRUNE_CRITERION "
                            "${ARG_PRUNE_CRITERION} needs CALIBRATION, a folder of samples")
      endif()
      list(APPEND flags "--prune-criterion=${ARG_PRUNE_CRITERION}")
    endif()
    if(ARG_PRUNE_EXCLUDE)
      list(JOIN ARG_PRUNE_EXCLUDE "," excluded)
      list(APPEND flags "--prune-exclude=${excluded}")
    endif()
  elseif(ARG_PRUNE_EXCLUDE OR ARG_PRUNE_CRITERION)
    message(FATAL_ERROR "strata_add_model(${name}): PRUNE_EXCLUDE and PRUNE_CRITERION "
                        "apply to PRUNE")
  endif()
  if(ARG_QUANTIZE)
    if(NOT ARG_CALIBRATION)
      message(FATAL_ERROR "strata_add_model(${name}): QUANTIZE ${ARG_QUANTIZE} "
                          "needs CALIBRATION, a folder of samples")
    endif()
    list(APPEND flags "--quantize=${ARG_QUANTIZE}")
    if(ARG_CALIBRATOR)
      list(APPEND flags "--calibrator=${ARG_CALIBRATOR}")
    endif()
    if(ARG_QUANT_EXCLUDE)
      list(JOIN ARG_QUANT_EXCLUDE "," excluded)
      list(APPEND flags "--quant-exclude=${excluded}")
    endif()
  elseif(ARG_CALIBRATOR OR ARG_QUANT_EXCLUDE)
    message(FATAL_ERROR "strata_add_model(${name}): CALIBRATOR and QUANT_EXCLUDE "
                        "apply to QUANTIZE")
  endif()
  list(APPEND flags ${ARG_OPTIONS})

  if(NOT ARG_TARGET IN_LIST STRATA_TARGET_NAMES)
    list(JOIN STRATA_TARGET_NAMES ", " supported)
    message(FATAL_ERROR "strata_add_model(${name}): unknown TARGET "
                        "${ARG_TARGET} (supported: ${supported})")
  endif()
  if(ARG_TARGET STREQUAL STRATA_HOST_TARGET)
    set(runtime Strata::runtime)
  elseif(TARGET Strata::runtime-${ARG_TARGET})
    set(runtime Strata::runtime-${ARG_TARGET})
  else()
    message(FATAL_ERROR "strata_add_model(${name}): no Strata runtime for "
                        "TARGET ${ARG_TARGET} in this installation")
  endif()

  add_custom_command(
    OUTPUT "${out}/${name}.o" "${out}/${name}.h" "${out}/${name}.json"
    COMMAND Strata::stratac "${model}" ${flags}
    DEPENDS "${model}" Strata::stratac
    DEPFILE "${out}/${name}.d"
    COMMENT "Compiling ${name} with stratac (${ARG_TARGET})"
    VERBATIM)
  set_source_files_properties("${out}/${name}.o" PROPERTIES
    EXTERNAL_OBJECT TRUE GENERATED TRUE)
  add_library(${name} STATIC "${out}/${name}.o" "${out}/${name}.h")
  set_target_properties(${name} PROPERTIES LINKER_LANGUAGE C)
  target_include_directories(${name} PUBLIC "${out}")
  target_link_libraries(${name} PUBLIC ${runtime})
endfunction()
