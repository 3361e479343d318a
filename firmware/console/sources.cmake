target_sources(tapegate_firmware PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/reply.cpp
  ${CMAKE_CURRENT_LIST_DIR}/quantity.cpp
  ${CMAKE_CURRENT_LIST_DIR}/escape.cpp
  ${CMAKE_CURRENT_LIST_DIR}/command_line.cpp
  ${CMAKE_CURRENT_LIST_DIR}/command_table.cpp
  ${CMAKE_CURRENT_LIST_DIR}/dispatch.cpp
  ${CMAKE_CURRENT_LIST_DIR}/element_ref.cpp
  ${CMAKE_CURRENT_LIST_DIR}/library_ops.cpp
  ${CMAKE_CURRENT_LIST_DIR}/commands_system.cpp
  ${CMAKE_CURRENT_LIST_DIR}/commands_library.cpp
  ${CMAKE_CURRENT_LIST_DIR}/commands_drive.cpp
  ${CMAKE_CURRENT_LIST_DIR}/commands_sim.cpp
  ${CMAKE_CURRENT_LIST_DIR}/commands_user.cpp
  ${CMAKE_CURRENT_LIST_DIR}/commands_metrics.cpp
  ${CMAKE_CURRENT_LIST_DIR}/commands_job.cpp
  ${CMAKE_CURRENT_LIST_DIR}/line_editor.cpp
  ${CMAKE_CURRENT_LIST_DIR}/drive_cleaning.cpp
  # backup, restore and media commands (wired by the integration helper)
  ${CMAKE_CURRENT_LIST_DIR}/tape_job.cpp
  ${CMAKE_CURRENT_LIST_DIR}/commands_media.cpp
  ${CMAKE_CURRENT_LIST_DIR}/commands_backup.cpp
  ${CMAKE_CURRENT_LIST_DIR}/commands_restore.cpp
)
