# Users and roles of the web interface and API.
target_sources(tapegate_firmware PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/role.cpp
  ${CMAKE_CURRENT_LIST_DIR}/password_hash.cpp
  ${CMAKE_CURRENT_LIST_DIR}/user_store.cpp)
