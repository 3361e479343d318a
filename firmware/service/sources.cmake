target_sources(tapegate_firmware PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/job_manager.cpp
  ${CMAKE_CURRENT_LIST_DIR}/schedule.cpp
  ${CMAKE_CURRENT_LIST_DIR}/saved_jobs.cpp
  ${CMAKE_CURRENT_LIST_DIR}/scheduler.cpp
  ${CMAKE_CURRENT_LIST_DIR}/terminal_session.cpp
  ${CMAKE_CURRENT_LIST_DIR}/client_sessions.cpp
  ${CMAKE_CURRENT_LIST_DIR}/control_socket.cpp
  ${CMAKE_CURRENT_LIST_DIR}/service.cpp
)
