# tools/bench/bench.cmake — bench programs (not built by default: `cmake --build build
# --target cd-names-bench`, which tools/bench/names does). Included by the top-level
# CMakeLists.txt.
if(NOT TARGET cd-names-bench)
  add_executable(cd-names-bench EXCLUDE_FROM_ALL "${CMAKE_SOURCE_DIR}/tools/bench/names-bench.c")
  target_link_libraries(cd-names-bench PRIVATE cdcore)
endif()
