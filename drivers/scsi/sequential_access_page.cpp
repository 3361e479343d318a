#include "drivers/scsi/sequential_access_page.hpp"

#include "drivers/scsi/log_pages.hpp"
#include "drivers/scsi/opcodes.hpp"

namespace tg::scsi {

Result<SequentialAccessCounters> parse_sequential_access_page(Bytes reply) {
  auto page = TG_TRY(parse_log_page(reply, log_page::sequential_access));
  SequentialAccessCounters out;
  std::optional<std::uint64_t>* slots[4] = {&out.bytes_from_host, &out.bytes_to_medium, &out.bytes_from_medium,
                                            &out.bytes_to_host};
  for (const auto& p : page.parameters) {
    if (p.code > 3) continue;
    auto& slot = *slots[p.code];
    if (slot) return Error(Errc::parse_error, "sequential-access page: parameter " + std::to_string(p.code) + " repeated");
    if (p.value.empty() || p.value.size() > 8)
      return Error(Errc::parse_error, "sequential-access page: parameter " + std::to_string(p.code) + " has " +
                                          std::to_string(p.value.size()) + " bytes, not a 1 to 8 byte counter");
    slot = p.counter();
  }
  return out;
}

}  // namespace tg::scsi
