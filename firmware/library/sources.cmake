# The one place the library is driven from: moves, unit-attention policy,
# load timeout, cleaning (console commands and jobs both call it).
target_sources(tapegate_firmware PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/drive_reservations.cpp
  ${CMAKE_CURRENT_LIST_DIR}/unit_attention.cpp
  ${CMAKE_CURRENT_LIST_DIR}/load_timeout.cpp
  ${CMAKE_CURRENT_LIST_DIR}/cartridge_moves.cpp
  ${CMAKE_CURRENT_LIST_DIR}/drive_cleaning.cpp
  ${CMAKE_CURRENT_LIST_DIR}/write_protection.cpp)
