#pragma once
// A hal::ScsiTarget that replays canned replies in order, for unit tests of
// the drivers' sense interpretation without a simulated library: "the next
// command must be WRITE(6); answer CHECK CONDITION, NO SENSE, EOM".
#include <algorithm>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "hal/scsi_target.hpp"

namespace tg::test {

struct Scripted {
  std::uint8_t opcode = 0;               // the command expected
  std::uint8_t status = 0;               // SCSI status to answer
  std::vector<std::uint8_t> sense;       // raw sense when CHECK CONDITION
  std::vector<std::uint8_t> data;        // data-in to return
  std::optional<std::size_t> consumed;   // data-out bytes taken (default: all)
};

// Fixed-format sense (SPC-4 4.5.3): flags_key = byte 2 (FILEMARK 0x80, EOM
// 0x40, ILI 0x20 | key).
inline std::vector<std::uint8_t> fixed_sense(std::uint8_t flags_key, std::uint8_t asc, std::uint8_t ascq,
                                             std::optional<std::int32_t> info = {}) {
  std::vector<std::uint8_t> s(18, 0);
  s[0] = info ? 0xF0 : 0x70;
  s[2] = flags_key;
  const auto u = static_cast<std::uint32_t>(info.value_or(0));
  s[3] = static_cast<std::uint8_t>(u >> 24);
  s[4] = static_cast<std::uint8_t>(u >> 16);
  s[5] = static_cast<std::uint8_t>(u >> 8);
  s[6] = static_cast<std::uint8_t>(u);
  s[7] = 10;
  s[12] = asc;
  s[13] = ascq;
  return s;
}

inline Scripted good(std::uint8_t opcode, std::vector<std::uint8_t> data = {}) {
  return Scripted{.opcode = opcode, .data = std::move(data)};
}
inline Scripted check(std::uint8_t opcode, std::vector<std::uint8_t> sense, std::vector<std::uint8_t> data = {}) {
  return Scripted{.opcode = opcode, .status = 0x02, .sense = std::move(sense), .data = std::move(data)};
}

class ScriptedTarget final : public hal::ScsiTarget {
 public:
  void push(Scripted s) { script_.push_back(std::move(s)); }
  bool done() const { return script_.empty(); }
  const std::vector<std::vector<std::uint8_t>>& cdbs() const { return cdbs_; }
  const std::vector<std::vector<std::uint8_t>>& data_out() const { return data_out_; }
  // Empty unless a command arrived that the script did not expect.
  const std::string& mismatch() const { return mismatch_; }

  hal::TargetReply handle(std::span<const std::uint8_t> cdb, std::span<const std::uint8_t> out,
                          std::span<std::uint8_t> in) override {
    cdbs_.emplace_back(cdb.begin(), cdb.end());
    data_out_.emplace_back(out.begin(), out.end());
    hal::TargetReply r;
    if (script_.empty() || script_.front().opcode != cdb[0]) {
      if (mismatch_.empty())
        mismatch_ = "unexpected opcode " + std::to_string(cdb[0]) +
                    (script_.empty() ? std::string(" (script empty)")
                                     : " (expected " + std::to_string(script_.front().opcode) + ")");
      r.status = 0x02;
      auto s = fixed_sense(0x05, 0x20, 0x00);  // ILLEGAL REQUEST: INVALID COMMAND OPERATION CODE
      std::copy(s.begin(), s.end(), r.sense.begin());
      r.sense_length = s.size();
      return r;
    }
    Scripted s = std::move(script_.front());
    script_.pop_front();
    r.status = s.status;
    std::copy_n(s.sense.begin(), std::min(s.sense.size(), r.sense.size()), r.sense.begin());
    r.sense_length = std::min(s.sense.size(), r.sense.size());
    if (!in.empty()) {
      const std::size_t n = std::min(s.data.size(), in.size());
      std::copy_n(s.data.begin(), n, in.begin());
      r.data_length = n;
    } else {
      r.data_length = s.consumed.value_or(out.size());
    }
    return r;
  }

 private:
  std::deque<Scripted> script_;
  std::vector<std::vector<std::uint8_t>> cdbs_;
  std::vector<std::vector<std::uint8_t>> data_out_;
  std::string mismatch_;
};

}  // namespace tg::test
