# Board descriptions (sim: specs, XML), the transport factory and the wiring.
target_sources(tapegate_board PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/board.cpp
  ${CMAKE_CURRENT_LIST_DIR}/board_xml.cpp
  ${CMAKE_CURRENT_LIST_DIR}/iscsi_board.cpp
  ${CMAKE_CURRENT_LIST_DIR}/sim_spec.cpp
  ${CMAKE_CURRENT_LIST_DIR}/transport_factory.cpp
  ${CMAKE_CURRENT_LIST_DIR}/typed_value.cpp
  ${CMAKE_CURRENT_LIST_DIR}/wired_board.cpp)
