target_sources(tapegate_firmware PRIVATE ${CMAKE_CURRENT_LIST_DIR}/event_log.cpp)
