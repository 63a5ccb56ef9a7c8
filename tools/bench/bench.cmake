# SPDX-License-Identifier: MIT
# Benchmark programs (tools/bench), included once by the top-level CMakeLists.txt.
include_guard(GLOBAL)
# tm_bench: TM import speed and fuzzy lookup latency through the library API (tools/bench/tm).
add_executable(tm_bench "${CMAKE_SOURCE_DIR}/tools/bench/tm_bench.c")
target_link_libraries(tm_bench PRIVATE cdtm cdcore)
# cd-names-bench: warm-process names lookup latency (tools/bench/names); built with the rest so
# that an API change cannot break it unnoticed.
add_executable(cd-names-bench "${CMAKE_SOURCE_DIR}/tools/bench/names-bench.c")
target_link_libraries(cd-names-bench PRIVATE cdcore)
