# Used when a firmware project pulls Mote in with add_subdirectory() or FetchContent: the
# project may be cross-compiling (for a Cortex-M), so the mote compiler cannot be one of its
# targets. Instead it is configured and built for this machine at configure time, in its own
# build folder (the first time takes minutes; later configures only check it is up to date).
# Setting MOTE_EXECUTABLE to an existing mote skips this.
set(MOTE_EXECUTABLE "" CACHE FILEPATH "A mote executable to use instead of building one for this machine")
if(NOT MOTE_EXECUTABLE)
  set(host_build "${CMAKE_BINARY_DIR}/_mote_host")
  if(NOT EXISTS "${host_build}/CMakeCache.txt")
    message(STATUS "Mote: building the mote compiler for this machine in ${host_build}")
    execute_process(COMMAND "${CMAKE_COMMAND}" -S "${CMAKE_CURRENT_SOURCE_DIR}" -B "${host_build}"
                            -DCMAKE_BUILD_TYPE=Release -DMOTE_BUILD_TESTS=OFF
                    RESULT_VARIABLE code OUTPUT_VARIABLE log ERROR_VARIABLE log)
    if(NOT code EQUAL 0)
      file(REMOVE "${host_build}/CMakeCache.txt")
      message(FATAL_ERROR "Mote: configuring the host compiler failed (tools/install-deps.sh installs what it needs):\n${log}")
    endif()
  endif()
  cmake_host_system_information(RESULT jobs QUERY NUMBER_OF_LOGICAL_CORES)
  execute_process(COMMAND "${CMAKE_COMMAND}" --build "${host_build}" --target mote --parallel ${jobs}
                  RESULT_VARIABLE code OUTPUT_VARIABLE log ERROR_VARIABLE log)
  if(NOT code EQUAL 0)
    message(FATAL_ERROR "Mote: building the host compiler failed:\n${log}")
  endif()
  set_property(GLOBAL PROPERTY MOTE_HOST_EXECUTABLE "${host_build}/compiler/cli/mote")
endif()
