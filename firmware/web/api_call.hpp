#pragma once
// The web API's requests as console command lines: one command set, so an
// API call is the words a console user would type, built from the URL path
// (the command and its positional arguments), the query string (GET) or a
// JSON body (POST) for the options. Nothing else reaches the command table:
// a word from the request that starts with '-' is refused, so an argument
// can never smuggle in an option (--force) the caller did not name as one.
//
//   GET  /api/v1/drive/info/drive0            drive info drive0
//   GET  /api/v1/catalog/list?pool=weekly      catalog list --pool weekly
//   POST /api/v1/backup {"source": "/srv/backup", "pool": "weekly"}
//                                              backup --source /srv/backup --pool weekly
//   POST /api/v1/drive/erase {"args": ["drive0"], "force": true}
//                                              drive erase drive0 --force
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hal/result.hpp"

namespace tg::firmware::web {

using QueryParams = std::vector<std::pair<std::string, std::string>>;

// Limits of one request's words: far above any real command line, low
// enough that a hostile request costs nothing.
inline constexpr std::size_t kMaxApiWords = 64;
inline constexpr std::size_t kMaxApiWordBytes = 4096;

// `segments`: the path after /api/v1/, split at '/' and percent-decoded.
// `body`: empty, or a JSON object (string values are option values, true a
// flag, false and null leave the option out, "args" a list of further
// positional words). Errc::invalid_argument naming what was wrong.
Result<std::vector<std::string>> api_words(std::span<const std::string> segments, const QueryParams& query,
                                           std::string_view body);

// The path after /api/v1/ split at '/', each part percent-decoded; an
// empty part, a bad escape or a decoded NUL is invalid_argument.
Result<std::vector<std::string>> split_api_path(std::string_view rest);

}  // namespace tg::firmware::web
