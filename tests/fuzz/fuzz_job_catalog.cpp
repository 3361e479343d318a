// The job catalog copy that `catalog rebuild` reads from the last tape file
// of a job: after a disaster it is the only source of the catalog, and the
// tape it comes from may be damaged or not ours. decode_job_catalog must
// reject garbage with a line-numbered error before anything touches the
// catalog.
//
// Input: one control byte, then text. With bit 0 clear the text is the copy
// as read from tape. With bit 0 set it is the record lines only: the header
// line and a correct `end` line (record count, SHA-256) are added, so
// mutations get past the checksum into the record parser and its
// cross-record checks. Checked beyond "no crash": a document that decodes
// encodes to a copy that decodes to the same encoding (a rebuilt catalog
// exported again is the same copy).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "firmware/catalog/job_catalog_io.hpp"
#include "firmware/format/sha256.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace c = tg::firmware::catalog;
  if (size < 1) return 0;
  std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
  if (data[0] & 1) {
    std::string body = std::string(c::kJobCatalogMagic) + "\t" + std::to_string(c::kJobCatalogVersion) + "\n" + text;
    if (!body.empty() && body.back() != '\n') body += '\n';
    std::size_t records = 0;
    for (char ch : text) records += ch == '\n';
    if (!text.empty() && text.back() != '\n') ++records;
    text = body + "end\t" + std::to_string(records) + "\t" + tg::firmware::format::sha256_hex(body) + "\n";
  }
  auto doc = c::decode_job_catalog(text);
  if (!doc.ok()) {
    if (doc.error().message.empty()) __builtin_trap();
    return 0;
  }
  const std::string once = c::encode_job_catalog(*doc);
  auto again = c::decode_job_catalog(once);
  if (!again.ok() || c::encode_job_catalog(*again) != once) __builtin_trap();
  return 0;
}
