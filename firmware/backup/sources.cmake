# Backup worker: the backup-to-tape job engine.
target_sources(tapegate_firmware PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/backup_job.cpp
  ${CMAKE_CURRENT_LIST_DIR}/cartridge_session.cpp
  ${CMAKE_CURRENT_LIST_DIR}/catalog_recorder.cpp)
