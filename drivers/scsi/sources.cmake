# target_sources(tapegate_drivers PRIVATE ${CMAKE_CURRENT_LIST_DIR}/x.cpp)
