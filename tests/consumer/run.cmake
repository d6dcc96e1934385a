# Builds and runs one consumer project, the way a user's project would consume ocifake:
#
#   cmake -D MODE=<find-package|build-tree|add-subdirectory|fetchcontent|pkg-config>
#         -D SOURCE_DIR=<ocifake source> -D BUILD_DIR=<ocifake build> -D WORK_DIR=<scratch dir>
#         -D CXX=<compiler> [-D SANITIZE=address,undefined] [-D JOBS=2] -P run.cmake
#
# find-package and pkg-config install the already built ocifake into a prefix under WORK_DIR
# first; build-tree uses BUILD_DIR as the package; add-subdirectory and fetchcontent build the
# library again from SOURCE_DIR inside the consumer (with at most JOBS jobs).
cmake_minimum_required(VERSION 3.25)

foreach(var MODE SOURCE_DIR BUILD_DIR WORK_DIR CXX)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "run.cmake: -D ${var}=... is required")
  endif()
endforeach()
if(NOT JOBS)
  set(JOBS 2)
endif()
set(consumers ${SOURCE_DIR}/tests/consumer)
set(prefix ${WORK_DIR}/prefix)
set(build ${WORK_DIR}/build)

function(run)
  string(REPLACE ";" " " shown "${ARGN}")
  message(STATUS "consumer ${MODE}: ${shown}")
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "consumer ${MODE}: failed (${rc}): ${shown}")
  endif()
endfunction()

# The installed library was built with the project's sanitizers, if any: its consumer links them.
set(link_flags "")
if(SANITIZE AND MODE MATCHES "^(find-package|build-tree|pkg-config)$")
  set(link_flags "-fsanitize=${SANITIZE}")
endif()

if(MODE MATCHES "^(find-package|pkg-config)$")
  file(REMOVE_RECURSE ${prefix})
  run(${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix})
  foreach(f include/ocifake/ocifake.hpp include/ocifake/catch2.hpp bin/ocifake-server
          share/ocifake/scenarios/lost-create-response.json share/doc/ocifake/getting-started.md)
    if(NOT EXISTS ${prefix}/${f})
      message(FATAL_ERROR "consumer ${MODE}: the install has no ${f}")
    endif()
  endforeach()
endif()

if(MODE STREQUAL "pkg-config")
  find_program(PKG_CONFIG NAMES pkg-config pkgconf REQUIRED)
  file(GLOB_RECURSE pc_files ${prefix}/*/ocifake.pc)
  if(NOT pc_files)
    message(FATAL_ERROR "consumer pkg-config: ocifake.pc is not installed")
  endif()
  list(GET pc_files 0 pc_file)
  get_filename_component(pc_dir ${pc_file} DIRECTORY)
  set(ENV{PKG_CONFIG_PATH} "${pc_dir}")
  # --static: the library is an archive, so its private dependencies are linked too.
  execute_process(COMMAND ${PKG_CONFIG} --static --cflags --libs ocifake
    OUTPUT_VARIABLE flags OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "consumer pkg-config: pkg-config --static --cflags --libs ocifake failed")
  endif()
  message(STATUS "consumer pkg-config: ${flags}")
  execute_process(COMMAND ${PKG_CONFIG} --variable=scenariosdir ocifake
    OUTPUT_VARIABLE scenarios OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(NOT EXISTS "${scenarios}/lost-create-response.json")
    message(FATAL_ERROR "consumer pkg-config: scenariosdir '${scenarios}' has no bundled scenarios")
  endif()
  separate_arguments(flags UNIX_COMMAND "${flags}")
  file(MAKE_DIRECTORY ${build})
  run(${CXX} -std=c++20 -Wall -Wextra -Wpedantic -Werror ${consumers}/main.cpp -o ${build}/my_tests ${flags}
      ${link_flags})
  run(${build}/my_tests)
  run(${prefix}/bin/ocifake-server --help)
  return()
endif()

set(configure_args -S ${consumers}/${MODE} -B ${build} -DCMAKE_CXX_COMPILER=${CXX}
    -DOCIFAKE_SOURCE_DIR=${SOURCE_DIR} -DCMAKE_EXE_LINKER_FLAGS=${link_flags})
if(MODE STREQUAL "find-package")
  list(APPEND configure_args -DCMAKE_PREFIX_PATH=${prefix})
elseif(MODE STREQUAL "build-tree")
  set(configure_args -S ${consumers}/find-package -B ${build} -DCMAKE_CXX_COMPILER=${CXX}
      -Docifake_DIR=${BUILD_DIR} -DCMAKE_EXE_LINKER_FLAGS=${link_flags})
elseif(NOT MODE MATCHES "^(add-subdirectory|fetchcontent)$")
  message(FATAL_ERROR "run.cmake: unknown MODE ${MODE}")
endif()

run(${CMAKE_COMMAND} ${configure_args})
run(${CMAKE_COMMAND} --build ${build} --parallel ${JOBS})
run(${build}/my_tests)
if(EXISTS ${build}/my_catch2_tests)
  run(${build}/my_catch2_tests)
endif()
file(READ ${build}/server-path.txt server)
run(${server} --help)
