# SPDX-License-Identifier: MIT
# cmake -DCOPYDESK=… -DIN=page.in -DOUT=page [-DSUB=subcommand] -DVERSION=… -DDATADIR=…
#   -P page.cmake
# Makes a man page: the written sections of IN, with @OPTIONS@ replaced by the OPTIONS section
# that 'copydesk --dump-options man SUB' writes from the subcommand's option table.
cmake_minimum_required(VERSION 3.16)
file(READ "${IN}" text)
if(SUB)
  execute_process(COMMAND "${COPYDESK}" --dump-options man "${SUB}" OUTPUT_VARIABLE opts
    RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "copydesk --dump-options man ${SUB} failed: ${rc}")
  endif()
  string(REPLACE "@OPTIONS@\n" "${opts}" text "${text}")
endif()
string(FIND "${text}" "@OPTIONS@" at)
if(NOT at EQUAL -1)
  message(FATAL_ERROR "${IN}: @OPTIONS@ left (no SUB given?)")
endif()
string(REPLACE "@VERSION@" "${VERSION}" text "${text}")
string(REPLACE "@DATADIR@" "${DATADIR}" text "${text}")
file(WRITE "${OUT}.tmp" "${text}")
file(RENAME "${OUT}.tmp" "${OUT}")
