// What the Linux sg driver writes back after SG_IO: SCSI status, host and
// driver status, resid, the sense length and the sense bytes — all from
// the HBA and the device, and some low-level drivers report nonsense.
// finish_sg_io must turn any of it into a reply or an error, with the
// transferred/residual split inside the transfer and the sense length
// inside the buffer; a reply's sense then goes to the shared parser.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

#include "drivers/scsi/sense.hpp"
#include "drivers/sg/sg_io.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // 16 bytes of kernel answer, then the sense buffer's content.
  if (size < 16) return 0;
  std::array<std::uint8_t, 6> cdb{0x08, 0, 0, 2, 0, 0};  // READ(6)
  std::array<std::uint8_t, 1024> buf{};
  const std::size_t want = (data[0] & 1) ? buf.size() : 0;
  tg::hal::ScsiCommand cmd{.cdb = cdb,
                           .direction = want ? tg::hal::DataDirection::from_device : tg::hal::DataDirection::none,
                           .data_in = std::span<std::uint8_t>(buf).first(want)};
  tg::sg::SgIoRequest req;
  if (!tg::sg::prepare_sg_io(cmd, req).ok()) __builtin_trap();
  sg_io_hdr& h = req.hdr;
  h.status = data[1];
  h.masked_status = data[2];
  h.msg_status = data[3];
  h.sb_len_wr = data[4];
  std::uint16_t host = 0, driver = 0;
  std::memcpy(&host, data + 5, 2);
  std::memcpy(&driver, data + 7, 2);
  h.host_status = host % 0x20;  // the defined DID_ codes and a few beyond
  h.driver_status = driver;
  int resid = 0;
  std::memcpy(&resid, data + 9, 4);
  h.resid = resid;
  h.info = data[13];
  std::memcpy(&h.duration, data + 14, 2);
  const std::size_t sense_n = std::min<std::size_t>(size - 16, req.reply.sense.size());
  std::copy_n(data + 16, sense_n, req.reply.sense.begin());

  auto r = tg::sg::finish_sg_io(req, "/dev/sg-fuzz");
  if (!r.ok()) {
    if (r.error().message.empty()) __builtin_trap();
    return 0;
  }
  if (r->sense_length > r->sense.size() || r->transferred > want || r->transferred + r->residual != want)
    __builtin_trap();
  if (auto s = tg::scsi::parse_sense(r->sense_bytes()); s.ok()) (void)tg::scsi::describe(*s);
  return 0;
}
