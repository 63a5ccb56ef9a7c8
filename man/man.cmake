# SPDX-License-Identifier: MIT
# The man pages: the written sections in man/*.in, the OPTIONS of each subcommand's page made
# from its option table at build time (page.cmake, copydesk --dump-options man SUB).
set(CD_MAN_PAGES
  copydesk.1
  copydesk-normalize.1
  copydesk-names.1
  copydesk-segment.1
  copydesk-align.1
  copydesk-tm.1
  copydesk-check.1
  copydesk-serve.1
  copydesk-dicts.5)
set(CD_MAN_DIR "${CMAKE_BINARY_DIR}/man")
set(CD_MAN_OUTPUTS "")
foreach(page ${CD_MAN_PAGES})
  set(sub "")
  if(page MATCHES "^copydesk-([a-z]+)\\.1$")
    set(sub "${CMAKE_MATCH_1}")
  endif()
  string(REGEX REPLACE ".*\\.([0-9])$" "\\1" section "${page}")
  set(out "${CD_MAN_DIR}/${page}")
  add_custom_command(OUTPUT "${out}"
    COMMAND ${CMAKE_COMMAND} -E make_directory "${CD_MAN_DIR}"
    COMMAND ${CMAKE_COMMAND} -DCOPYDESK=$<TARGET_FILE:copydesk> -DSUB=${sub}
      "-DIN=${CMAKE_SOURCE_DIR}/man/${page}.in" "-DOUT=${out}" "-DVERSION=${PROJECT_VERSION}"
      "-DDATADIR=${CD_INSTALL_DATA_DIR}" -P "${CMAKE_SOURCE_DIR}/man/page.cmake"
    DEPENDS copydesk "${CMAKE_SOURCE_DIR}/man/${page}.in" "${CMAKE_SOURCE_DIR}/man/page.cmake"
    COMMENT "Generating the man page ${page}")
  list(APPEND CD_MAN_OUTPUTS "${out}")
  install(FILES "${out}" DESTINATION "${CMAKE_INSTALL_MANDIR}/man${section}")
endforeach()
add_custom_target(cdman ALL DEPENDS ${CD_MAN_OUTPUTS})
