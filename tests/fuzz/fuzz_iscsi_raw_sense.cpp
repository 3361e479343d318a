// The data segment of an iSCSI SCSI Response PDU (RFC 7143 11.4.7.2) is
// whatever the target sent: SenseLength, then sense bytes, which go on to
// the shared sense parser. The extracted span must lie inside the segment.
#include <cstddef>
#include <cstdint>
#include <span>

#include "drivers/iscsi/raw_sense.hpp"
#include "drivers/scsi/sense.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::span<const std::uint8_t> segment(data, size);
  auto sense = tg::drivers::iscsi::sense_from_response_segment(segment);
  if (!sense.ok()) return 0;
  if (!sense->empty() && (sense->data() < segment.data() || sense->data() + sense->size() > segment.data() + size))
    __builtin_trap();
  if (auto s = tg::scsi::parse_sense(*sense); s.ok()) (void)tg::scsi::describe(*s);
  return 0;
}
