# Runs a program that is meant to fail and checks what it printed: for tests of failure output,
# such as the journal a failing test case prints.
#
#   cmake -D EXPECTED=<file> [-D REPORT=<file>] [-D JOURNAL_DIR=<dir>] -P expect_failure.cmake -- <program> [args...]
#
# The program must exit with a non-zero status. Each line of EXPECTED is a check on its stdout
# and stderr together, followed by the report file the program was told to write (REPORT) and
# the files it left in OCIFAKE_JOURNAL_DIR (JOURNAL_DIR, emptied first; each as `file NAME` and
# its content): `regex` must match, `!regex` must not, `=N regex` must match exactly N
# times. Empty lines and lines starting with `//` are ignored; a check cannot contain `;` (CMake
# would split the line there), so match it with `.`.
cmake_minimum_required(VERSION 3.25)

set(command "")
set(after_dashes FALSE)
math(EXPR last "${CMAKE_ARGC} - 1")
foreach(i RANGE 1 ${last})
  if(after_dashes)
    list(APPEND command "${CMAKE_ARGV${i}}")
  elseif(CMAKE_ARGV${i} STREQUAL "--")
    set(after_dashes TRUE)
  endif()
endforeach()
if(NOT command OR NOT EXPECTED)
  message(FATAL_ERROR "usage: cmake -D EXPECTED=<file> -P expect_failure.cmake -- <program> [args...]")
endif()

if(REPORT)
  file(REMOVE ${REPORT})
endif()
if(JOURNAL_DIR)
  file(REMOVE_RECURSE ${JOURNAL_DIR})
  set(ENV{OCIFAKE_JOURNAL_DIR} ${JOURNAL_DIR})
endif()
execute_process(COMMAND ${command} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
set(output "${out}${err}")
if(REPORT AND EXISTS ${REPORT})
  file(READ ${REPORT} report)
  string(APPEND output "${report}")
endif()
if(JOURNAL_DIR)
  file(GLOB journal_files ${JOURNAL_DIR}/*)
  list(SORT journal_files)
  foreach(f IN LISTS journal_files)
    get_filename_component(name ${f} NAME)
    file(READ ${f} content)
    string(APPEND output "file ${name}\n${content}")
  endforeach()
endif()
message("${output}")
if(rc EQUAL 0)
  message(FATAL_ERROR "expected ${command} to fail, but it exited with status 0")
endif()

# UTF-8, so that a check may hold the "…" of a shortened OCID (by default non-ASCII bytes end a line).
file(STRINGS ${EXPECTED} checks ENCODING UTF-8)
set(failed FALSE)
foreach(check IN LISTS checks)
  if(check STREQUAL "" OR check MATCHES "^//")
    continue()
  endif()
  if(check MATCHES "^!(.*)$")
    set(regex "${CMAKE_MATCH_1}")
    if(output MATCHES "${regex}")
      message(SEND_ERROR "the output matches what it must not: ${regex}")
    endif()
  elseif(check MATCHES "^=([0-9]+) (.*)$")
    set(want ${CMAKE_MATCH_1})
    set(regex "${CMAKE_MATCH_2}")
    string(REGEX MATCHALL "${regex}" found "${output}")
    list(LENGTH found n)
    if(NOT n EQUAL want)
      message(SEND_ERROR "the output matches ${n} times instead of ${want}: ${regex}")
    endif()
  elseif(NOT output MATCHES "${check}")
    message(SEND_ERROR "the output does not match: ${check}")
  endif()
endforeach()
