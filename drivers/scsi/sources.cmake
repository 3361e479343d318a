# SCSI command sets: CDB builders, reply parsers, sense (owned by the SCSI layer).
target_sources(tapegate_drivers PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/asc_table.cpp
  ${CMAKE_CURRENT_LIST_DIR}/attributes.cpp
  ${CMAKE_CURRENT_LIST_DIR}/block_limits.cpp
  ${CMAKE_CURRENT_LIST_DIR}/cdb_smc.cpp
  ${CMAKE_CURRENT_LIST_DIR}/cdb_spc.cpp
  ${CMAKE_CURRENT_LIST_DIR}/cdb_ssc.cpp
  ${CMAKE_CURRENT_LIST_DIR}/drive_counters_page.cpp
  ${CMAKE_CURRENT_LIST_DIR}/element_status.cpp
  ${CMAKE_CURRENT_LIST_DIR}/inquiry.cpp
  ${CMAKE_CURRENT_LIST_DIR}/log_pages.cpp
  ${CMAKE_CURRENT_LIST_DIR}/mode_pages.cpp
  ${CMAKE_CURRENT_LIST_DIR}/read_position.cpp
  ${CMAKE_CURRENT_LIST_DIR}/reply_fields.cpp
  ${CMAKE_CURRENT_LIST_DIR}/report_luns.cpp
  ${CMAKE_CURRENT_LIST_DIR}/sense.cpp
  ${CMAKE_CURRENT_LIST_DIR}/sequential_access_page.cpp
  ${CMAKE_CURRENT_LIST_DIR}/tape_alert.cpp
)
