target_sources(tapegate_firmware PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/reply.cpp
  ${CMAKE_CURRENT_LIST_DIR}/command_line.cpp
  ${CMAKE_CURRENT_LIST_DIR}/command_table.cpp
  ${CMAKE_CURRENT_LIST_DIR}/dispatch.cpp
  ${CMAKE_CURRENT_LIST_DIR}/element_ref.cpp
  ${CMAKE_CURRENT_LIST_DIR}/library_ops.cpp
  ${CMAKE_CURRENT_LIST_DIR}/commands_system.cpp
  ${CMAKE_CURRENT_LIST_DIR}/commands_library.cpp
  ${CMAKE_CURRENT_LIST_DIR}/commands_drive.cpp
  ${CMAKE_CURRENT_LIST_DIR}/commands_job.cpp
  ${CMAKE_CURRENT_LIST_DIR}/line_editor.cpp
  ${CMAKE_CURRENT_LIST_DIR}/drive_cleaning.cpp
)
