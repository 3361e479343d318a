target_sources(tapegate_board PRIVATE ${CMAKE_CURRENT_LIST_DIR}/board.cpp)
