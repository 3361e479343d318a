# Backup worker: repository discovery.
target_sources(tapegate_firmware PRIVATE ${CMAKE_CURRENT_LIST_DIR}/repository_scan.cpp
                                         ${CMAKE_CURRENT_LIST_DIR}/tree_walk.cpp)
