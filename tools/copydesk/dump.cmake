# SPDX-License-Identifier: MIT
# cmake -DCOPYDESK=… -DWHAT=bash|zsh -DOUT=… -P dump.cmake: writes a shell completion made by
# 'copydesk --dump-options WHAT' from the subcommands' option tables.
cmake_minimum_required(VERSION 3.16)
execute_process(COMMAND "${COPYDESK}" --dump-options ${WHAT} OUTPUT_FILE "${OUT}.tmp"
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  file(REMOVE "${OUT}.tmp")
  message(FATAL_ERROR "copydesk --dump-options ${WHAT} failed: ${rc}")
endif()
file(RENAME "${OUT}.tmp" "${OUT}")
