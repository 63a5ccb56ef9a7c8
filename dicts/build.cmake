# SPDX-License-Identifier: MIT
# dicts/build.cmake — build steps for compiled data (included by the top-level CMakeLists).
#
# names: dicts/names/*.tsv -> ${CD_BUILD_DATA_DIR}/names.sqlite (and its key filter
# sidecar names.sqlite.filter), compiled by the
# cd-names-compile tool (tools/names-compile) with the transliteration rules of
# dicts/translit. The copydesk program and the tests depend on it.
add_executable(cd-names-compile "${CMAKE_SOURCE_DIR}/tools/names-compile/main.c")
target_link_libraries(cd-names-compile PRIVATE cdcore)

file(GLOB CD_NAMES_TSV CONFIGURE_DEPENDS "${CMAKE_SOURCE_DIR}/dicts/names/*.tsv")
list(SORT CD_NAMES_TSV)
file(GLOB CD_TRANSLIT_RULES CONFIGURE_DEPENDS "${CMAKE_SOURCE_DIR}/dicts/translit/*.txt")
set(CD_NAMES_DB "${CD_BUILD_DATA_DIR}/names.sqlite")
add_custom_command(OUTPUT "${CD_NAMES_DB}" "${CD_NAMES_DB}.filter"
  COMMAND ${CMAKE_COMMAND} -E make_directory "${CD_BUILD_DATA_DIR}"
  COMMAND cd-names-compile "${CD_NAMES_DB}" "${CMAKE_SOURCE_DIR}/dicts/translit" ${CD_NAMES_TSV}
  DEPENDS cd-names-compile ${CD_NAMES_TSV} ${CD_TRANSLIT_RULES}
  COMMENT "Compiling dicts/names/*.tsv into names.sqlite"
  VERBATIM)
add_custom_target(cdnames ALL DEPENDS "${CD_NAMES_DB}")
add_dependencies(cdnames cddata)
add_dependencies(copydesk cdnames)

