# Serial console seam and its termios backend (owned by the console part).
target_sources(tapegate_hal PRIVATE ${CMAKE_CURRENT_LIST_DIR}/termios_serial_port.cpp)
