# Prometheus metrics: the exposition format and what the appliance exports.
target_sources(tapegate_firmware PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/exposition.cpp
  ${CMAKE_CURRENT_LIST_DIR}/appliance_metrics.cpp)
