# Benchmark programs (tools/bench). Include from the top-level CMakeLists.txt:
#   include("${CMAKE_SOURCE_DIR}/tools/bench/bench.cmake")
# tm_bench: TM import speed and fuzzy lookup latency through the library API (tools/bench/tm).
add_executable(tm_bench "${CMAKE_SOURCE_DIR}/tools/bench/tm_bench.c")
target_link_libraries(tm_bench PRIVATE cdtm cdcore)
