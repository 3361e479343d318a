# The web API, pages and metrics over HTTP (cpp-httplib): a library of its
# own, so only the executable and the web tests link the HTTP server.
target_sources(tapegate_web PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/api_call.cpp
  ${CMAKE_CURRENT_LIST_DIR}/assets.cpp
  ${CMAKE_CURRENT_LIST_DIR}/basic_auth.cpp
  ${CMAKE_CURRENT_LIST_DIR}/login_guard.cpp
  ${CMAKE_CURRENT_LIST_DIR}/self_signed.cpp
  ${CMAKE_CURRENT_LIST_DIR}/sessions.cpp
  ${CMAKE_CURRENT_LIST_DIR}/web_server.cpp)
# The pages, compiled in (embed_assets.cmake).
set(TG_WEB_ASSETS
  ${CMAKE_CURRENT_LIST_DIR}/assets/index.html
  ${CMAKE_CURRENT_LIST_DIR}/assets/app.css
  ${CMAKE_CURRENT_LIST_DIR}/assets/app.js)
string(REPLACE ";" "|" TG_WEB_ASSETS_ARG "${TG_WEB_ASSETS}")  # one word on the command line
add_custom_command(
  OUTPUT ${CMAKE_CURRENT_BINARY_DIR}/web_assets.cpp
  COMMAND ${CMAKE_COMMAND} -DOUT=${CMAKE_CURRENT_BINARY_DIR}/web_assets.cpp "-DASSETS=${TG_WEB_ASSETS_ARG}"
          -P ${CMAKE_CURRENT_LIST_DIR}/embed_assets.cmake
  DEPENDS ${TG_WEB_ASSETS} ${CMAKE_CURRENT_LIST_DIR}/embed_assets.cmake
  COMMENT "Embedding the web pages" VERBATIM)
target_sources(tapegate_web PRIVATE ${CMAKE_CURRENT_BINARY_DIR}/web_assets.cpp)
