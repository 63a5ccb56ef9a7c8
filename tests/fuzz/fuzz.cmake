# SPDX-License-Identifier: MIT
# libFuzzer harnesses (clang only): cmake -DCD_FUZZ=ON -DCMAKE_C_COMPILER=clang
# Every harness of the list below becomes one binary fuzz_<name>; the libraries get
# coverage instrumentation, the harness links libFuzzer.
if(NOT CD_SANITIZE)
  message(FATAL_ERROR "CD_FUZZ needs CD_SANITIZE=ON (ASan+UBSan in every target)")
endif()
if(NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
  message(FATAL_ERROR "CD_FUZZ needs clang (cmake -DCMAKE_C_COMPILER=clang)")
endif()
foreach(lib cdcore_objects cdtm_objects)
  target_compile_options(${lib} PRIVATE -fsanitize=fuzzer-no-link)
endforeach()
# One line per harness (tools/fuzz/run runs every tests/fuzz/fuzz_*.c: list each one here).
set(CD_FUZZ_SOURCES
  fuzz_align.c
  fuzz_check.c
  fuzz_decode.c
  fuzz_names_lookup.c
  fuzz_names_tsv.c
  fuzz_normalize.c
  fuzz_segment.c
  fuzz_tmx.c
  fuzz_wikidata.c
  fuzz_wire.c
)
foreach(f ${CD_FUZZ_SOURCES})
  get_filename_component(name "${f}" NAME_WE)
  add_executable(${name} "${CMAKE_SOURCE_DIR}/tests/fuzz/${f}")
  target_compile_options(${name} PRIVATE -fsanitize=fuzzer)
  target_link_options(${name} PRIVATE -fsanitize=fuzzer)
  target_link_libraries(${name} PRIVATE cdtm cdcore)
  target_compile_definitions(${name} PRIVATE CD_FUZZ_DATA_DIR="${CD_BUILD_DATA_DIR}")
  add_dependencies(${name} cddata)
endforeach()
