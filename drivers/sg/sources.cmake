# Linux SCSI generic (SG_IO) transport and discovery (tracker issue 7).
target_sources(tapegate_drivers PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/sg_io.cpp
  ${CMAKE_CURRENT_LIST_DIR}/sg_transport.cpp
  ${CMAKE_CURRENT_LIST_DIR}/sg_device_linux.cpp
  ${CMAKE_CURRENT_LIST_DIR}/sg_discovery.cpp)
