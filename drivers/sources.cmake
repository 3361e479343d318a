# The tape drive (SSC) and media changer (SMC) drivers.
target_sources(tapegate_drivers PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/device_identity.cpp
  ${CMAKE_CURRENT_LIST_DIR}/media_changer.cpp
  ${CMAKE_CURRENT_LIST_DIR}/ready_wait.cpp
  ${CMAKE_CURRENT_LIST_DIR}/scsi_lun.cpp
  ${CMAKE_CURRENT_LIST_DIR}/tape_drive.cpp
  ${CMAKE_CURRENT_LIST_DIR}/tape_drive_io.cpp
  ${CMAKE_CURRENT_LIST_DIR}/tape_drive_locate.cpp
)
