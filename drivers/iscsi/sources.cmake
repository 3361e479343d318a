# iSCSI transport (libiscsi), URL parsing, discovery. Owned by the iSCSI part.
target_sources(tapegate_drivers PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/iscsi_url.cpp
  ${CMAKE_CURRENT_LIST_DIR}/chap_secret.cpp
  ${CMAKE_CURRENT_LIST_DIR}/raw_sense.cpp
  ${CMAKE_CURRENT_LIST_DIR}/connect_error.cpp
  ${CMAKE_CURRENT_LIST_DIR}/iscsi_session.cpp
  ${CMAKE_CURRENT_LIST_DIR}/iscsi_transport.cpp
  ${CMAKE_CURRENT_LIST_DIR}/lun_inventory.cpp
  ${CMAKE_CURRENT_LIST_DIR}/drive_mapping.cpp
  ${CMAKE_CURRENT_LIST_DIR}/discovery.cpp
)
