# Backup worker: tape format writer and the streaming pipeline.
target_sources(tapegate_firmware PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/../format/pax_header.cpp
  ${CMAKE_CURRENT_LIST_DIR}/../format/sha256_manifest.cpp
  ${CMAKE_CURRENT_LIST_DIR}/block_ring.cpp
  ${CMAKE_CURRENT_LIST_DIR}/member_table.cpp
  ${CMAKE_CURRENT_LIST_DIR}/text_arena.cpp
  ${CMAKE_CURRENT_LIST_DIR}/source_opener.cpp
  ${CMAKE_CURRENT_LIST_DIR}/tar_framer.cpp
  ${CMAKE_CURRENT_LIST_DIR}/stream_hasher.cpp
  ${CMAKE_CURRENT_LIST_DIR}/cut_planner.cpp
  ${CMAKE_CURRENT_LIST_DIR}/tape_stream_writer.cpp
  ${CMAKE_CURRENT_LIST_DIR}/backup_stream.cpp)
