# The web API and metrics over HTTP (cpp-httplib): a library of its own, so
# only the executable and the web tests link the HTTP server.
target_sources(tapegate_web PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/api_call.cpp
  ${CMAKE_CURRENT_LIST_DIR}/basic_auth.cpp
  ${CMAKE_CURRENT_LIST_DIR}/login_guard.cpp
  ${CMAKE_CURRENT_LIST_DIR}/web_server.cpp)
