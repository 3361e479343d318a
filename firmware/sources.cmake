target_sources(tapegate_firmware PRIVATE ${CMAKE_CURRENT_LIST_DIR}/version.cpp)
target_sources(tapegate_firmware PRIVATE ${CMAKE_CURRENT_LIST_DIR}/format/tar_reader.cpp)  # restore worker
target_sources(tapegate_firmware PRIVATE ${CMAKE_CURRENT_LIST_DIR}/format/sha256.cpp)  # backup, catalog, restore
# catalog worker: catalog, pools, volume label
target_sources(tapegate_firmware PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/catalog/database.cpp
  ${CMAKE_CURRENT_LIST_DIR}/catalog/schema.cpp
  ${CMAKE_CURRENT_LIST_DIR}/catalog/catalog_rows.cpp
  ${CMAKE_CURRENT_LIST_DIR}/catalog/catalog_names.cpp
  ${CMAKE_CURRENT_LIST_DIR}/catalog/catalog.cpp
  ${CMAKE_CURRENT_LIST_DIR}/catalog/catalog_pools.cpp
  ${CMAKE_CURRENT_LIST_DIR}/catalog/catalog_cartridges.cpp
  ${CMAKE_CURRENT_LIST_DIR}/catalog/catalog_jobs.cpp
  ${CMAKE_CURRENT_LIST_DIR}/catalog/catalog_files.cpp
  ${CMAKE_CURRENT_LIST_DIR}/catalog/job_catalog_io.cpp
  ${CMAKE_CURRENT_LIST_DIR}/catalog/job_catalog_import.cpp)
# Console, service mode and event log (console part).
include(${CMAKE_CURRENT_LIST_DIR}/console/sources.cmake)
include(${CMAKE_CURRENT_LIST_DIR}/service/sources.cmake)
include(${CMAKE_CURRENT_LIST_DIR}/log/sources.cmake)
target_sources(tapegate_firmware PRIVATE ${CMAKE_CURRENT_LIST_DIR}/format/volume_label.cpp)  # catalog worker
include(${CMAKE_CURRENT_LIST_DIR}/restore/sources.cmake)  # restore worker: restore, verify, rebuild, dump
target_sources(tapegate_firmware PRIVATE  # catalog worker: pools
  ${CMAKE_CURRENT_LIST_DIR}/pools/cartridge_allocator.cpp
  ${CMAKE_CURRENT_LIST_DIR}/pools/media_pools.cpp
  ${CMAKE_CURRENT_LIST_DIR}/pools/cartridge_labeling.cpp
  ${CMAKE_CURRENT_LIST_DIR}/pools/append_position.cpp
  ${CMAKE_CURRENT_LIST_DIR}/pools/label_inventory.cpp)
include(${CMAKE_CURRENT_LIST_DIR}/library/sources.cmake)  # library operations
include(${CMAKE_CURRENT_LIST_DIR}/access/sources.cmake)  # users and roles
include(${CMAKE_CURRENT_LIST_DIR}/metrics/sources.cmake)  # Prometheus metrics
include(${CMAKE_CURRENT_LIST_DIR}/pipeline/sources.cmake)  # backup worker: format writer, pipeline
include(${CMAKE_CURRENT_LIST_DIR}/repository/sources.cmake)  # backup worker: repositories
include(${CMAKE_CURRENT_LIST_DIR}/backup/sources.cmake)  # backup worker: backup job engine
