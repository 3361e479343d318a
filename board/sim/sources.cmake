# The simulated library: a SCSI target (SPC common, SSC drive, SMC changer)
# with file-backed cartridges.
target_sources(tapegate_board PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/cartridge_medium.cpp
  ${CMAKE_CURRENT_LIST_DIR}/cartridge_store.cpp
  ${CMAKE_CURRENT_LIST_DIR}/changer_target.cpp
  ${CMAKE_CURRENT_LIST_DIR}/condition.cpp
  ${CMAKE_CURRENT_LIST_DIR}/element_status.cpp
  ${CMAKE_CURRENT_LIST_DIR}/fault_book.cpp
  ${CMAKE_CURRENT_LIST_DIR}/library_state.cpp
  ${CMAKE_CURRENT_LIST_DIR}/lto.cpp
  ${CMAKE_CURRENT_LIST_DIR}/sim_library.cpp
  ${CMAKE_CURRENT_LIST_DIR}/spc_target.cpp
  ${CMAKE_CURRENT_LIST_DIR}/speed_model.cpp
  ${CMAKE_CURRENT_LIST_DIR}/tape_drive_io.cpp
  ${CMAKE_CURRENT_LIST_DIR}/tape_drive_mam.cpp
  ${CMAKE_CURRENT_LIST_DIR}/tape_drive_position.cpp
  ${CMAKE_CURRENT_LIST_DIR}/tape_drive_target.cpp)
