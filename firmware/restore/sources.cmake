# Restore, verify, catalog rebuild, dump (restore worker).
target_sources(tapegate_firmware PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/piece_streamer.cpp
  ${CMAKE_CURRENT_LIST_DIR}/read_ahead_reader.cpp
  ${CMAKE_CURRENT_LIST_DIR}/restored_file.cpp
  ${CMAKE_CURRENT_LIST_DIR}/writeback_pacer.cpp
  ${CMAKE_CURRENT_LIST_DIR}/target_directory.cpp
  ${CMAKE_CURRENT_LIST_DIR}/restore_plan.cpp
  ${CMAKE_CURRENT_LIST_DIR}/file_assembler.cpp
  ${CMAKE_CURRENT_LIST_DIR}/cartridge_source.cpp
  ${CMAKE_CURRENT_LIST_DIR}/restore_job.cpp
  ${CMAKE_CURRENT_LIST_DIR}/tape_file_scanner.cpp
  ${CMAKE_CURRENT_LIST_DIR}/tape_dump.cpp
  ${CMAKE_CURRENT_LIST_DIR}/catalog_rebuild.cpp
  ${CMAKE_CURRENT_LIST_DIR}/restore_bench.cpp)
