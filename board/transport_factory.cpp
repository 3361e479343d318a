#include "board/transport_factory.hpp"

#include "board/iscsi_board.hpp"
#include "drivers/sg/sg_transport.hpp"
#include "drivers/usb/usb_device.hpp"

namespace tg::board {

Result<std::unique_ptr<hal::ScsiTransport>> make_transport(const std::string& url) {
  if (url.rfind("iscsi://", 0) == 0) return open_iscsi_transport(url);
  if (url.rfind("sg:", 0) == 0) return sg::open_sg_transport(url);
  // One device per call: LUNs of one USB device that a board uses together
  // must share it (usb::open_usb_device + usb::make_lun_transport).
  if (url.rfind("usb:", 0) == 0) return usb::open_usb_transport(url);
  return Error(Errc::invalid_argument,
               "unknown transport '" + url + "' (expected iscsi://host[:port]/iqn/lun, sg:/dev/sgN or usb:VID:PID[:serial])");
}

}  // namespace tg::board
