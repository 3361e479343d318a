#pragma once
// A hal::ScsiTarget that answers every command with what the test set, and
// records what it received: the protocol tests' device behind the BOT model.
#include <algorithm>
#include <cstdint>
#include <vector>

#include "hal/scsi_target.hpp"

namespace tg::usb::test {

struct ScriptTarget final : hal::ScsiTarget {
  std::vector<std::vector<std::uint8_t>> cdbs;  // every CDB received
  std::vector<std::uint8_t> received;           // data-out of the last command
  std::vector<std::uint8_t> reply_data;         // data-in to return
  std::uint8_t status = hal::scsi_status::good;
  std::vector<std::uint8_t> sense;              // with CHECK CONDITION
  std::size_t consume_limit = SIZE_MAX;         // data-out bytes the device "uses"

  hal::TargetReply handle(std::span<const std::uint8_t> cdb, std::span<const std::uint8_t> out,
                          std::span<std::uint8_t> in) override {
    cdbs.emplace_back(cdb.begin(), cdb.end());
    received.assign(out.begin(), out.end());
    hal::TargetReply r;
    if (cdb[0] == 0x03) {  // REQUEST SENSE with nothing pending: NO SENSE
      std::vector<std::uint8_t> s(18, 0);
      s[0] = 0x70;
      s[7] = 10;
      r.data_length = std::min(in.size(), s.size());
      std::copy_n(s.begin(), r.data_length, in.begin());
      return r;
    }
    r.status = status;
    std::copy(sense.begin(), sense.end(), r.sense.begin());
    r.sense_length = sense.size();
    if (!in.empty()) {
      r.data_length = std::min(in.size(), reply_data.size());
      std::copy_n(reply_data.begin(), r.data_length, in.begin());
    } else {
      r.data_length = std::min(out.size(), consume_limit);
    }
    return r;
  }
};

}  // namespace tg::usb::test
