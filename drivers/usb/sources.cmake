# USB Bulk-Only transport and discovery (tracker issue 7).
target_sources(tapegate_drivers PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/bot_wrappers.cpp
  ${CMAKE_CURRENT_LIST_DIR}/bot_protocol.cpp
  ${CMAKE_CURRENT_LIST_DIR}/bot_transport.cpp
  ${CMAKE_CURRENT_LIST_DIR}/usb_spec.cpp
  ${CMAKE_CURRENT_LIST_DIR}/libusb_pipe.cpp
  ${CMAKE_CURRENT_LIST_DIR}/usb_device.cpp
  ${CMAKE_CURRENT_LIST_DIR}/usb_discovery.cpp)
