#pragma once
// The one place a board turns a device URL into a transport. Each transport
// part adds its branch here:
//   iscsi://host[:port]/target-iqn/lun   (board/iscsi_board.hpp)
//   sg:/dev/sgN                          (drivers/sg)
//   usb:VID:PID[:serial][/lun]           (drivers/usb)
#include <memory>
#include <string>

#include "hal/result.hpp"
#include "hal/scsi_transport.hpp"

namespace tg::board {

// Errors are the transport's own (not_found, busy, connection errors...);
// a scheme known but not built into this binary gives Errc::unsupported
// "transport X not available in this build"; an unknown scheme
// Errc::invalid_argument.
Result<std::unique_ptr<hal::ScsiTransport>> make_transport(const std::string& url);

}  // namespace tg::board
