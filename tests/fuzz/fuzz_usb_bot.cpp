// The Bulk-Only protocol engine (BOT 5.3, 6.7) against a device that
// misbehaves in every way the fuzzer can script: short or oversized
// transfers, stalls, timeouts, babble, a vanished device, CSWs with wrong
// signature, tag, status or residue. The engine must answer every command
// with a result or an error, never repeat a command (a tape command's
// effect must not happen twice), and never report more data than asked.
//
// Input: a header byte per command (direction, data length), then a script
// the fake pipe consumes one transfer at a time. Exhausted input reads as
// a disconnected device, so each run ends.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <vector>

#include "drivers/usb/bot_protocol.hpp"
#include "drivers/usb/bot_wrappers.hpp"

namespace {

namespace u = tg::usb;

class ScriptedPipe : public u::UsbBulkPipe {
 public:
  explicit ScriptedPipe(std::span<const std::uint8_t> script) : s_(script) {}

  u::UsbTransfer bulk_out(std::span<const std::uint8_t> data, std::chrono::milliseconds) override {
    if (data.size() == u::kCbwLength) {
      // Only the protocol sends 31-byte blocks that parse as a CBW here
      // (the test's data-out is never 31 bytes): remember its tag.
      if (auto cbw = u::parse_cbw(data); cbw.ok()) {
        last_tag_ = cbw->tag;
        ++cbws_;
      }
    }
    return outcome(data.size());
  }
  u::UsbTransfer bulk_in(std::span<std::uint8_t> buf, std::chrono::milliseconds) override {
    if (s_.empty()) return {.outcome = u::UsbOutcome::no_device};
    const std::uint8_t op = take();
    if (op < 0x40 && buf.size() == u::kCswLength) {
      // A well-formed CSW for the last CBW, status and residue scripted, so
      // the fuzzer reaches the checks behind the signature and tag.
      u::CommandStatusWrapper csw{.tag = last_tag_, .data_residue = take(), .status = static_cast<std::uint8_t>(op & 3)};
      auto wire = u::encode_csw(csw);
      std::copy(wire.begin(), wire.end(), buf.begin());
      return {.outcome = u::UsbOutcome::ok, .transferred = wire.size()};
    }
    u::UsbTransfer t = outcome_of(op, buf.size());
    const std::size_t n = std::min(t.transferred, s_.size());
    std::copy_n(s_.begin(), n, buf.begin());
    s_ = s_.subspan(n);
    t.transferred = n;
    return t;
  }
  u::UsbTransfer clear_halt(u::BulkEndpoint) override { return outcome(0); }
  u::UsbTransfer control(const u::ControlSetup&, std::span<std::uint8_t> data, std::chrono::milliseconds) override {
    u::UsbTransfer t = outcome(data.size());
    for (std::size_t i = 0; i < t.transferred; ++i) data[i] = take();
    return t;
  }
  std::uint8_t interface_number() const override { return 0; }
  std::string describe() const override { return "usb:fuzz"; }

  std::size_t cbws() const { return cbws_; }

 private:
  std::uint8_t take() {
    if (s_.empty()) return 0;
    std::uint8_t b = s_[0];
    s_ = s_.subspan(1);
    return b;
  }
  // Mostly "ok, everything moved"; the rest of the byte range scripts the
  // other outcomes and short transfers.
  u::UsbTransfer outcome_of(std::uint8_t op, std::size_t want) {
    switch (op >> 5) {
      case 0: case 1: case 2: return {.outcome = u::UsbOutcome::ok, .transferred = want};
      case 3: return {.outcome = u::UsbOutcome::ok, .transferred = std::min<std::size_t>(want, take())};
      case 4: return {.outcome = u::UsbOutcome::stall, .transferred = std::min<std::size_t>(want, op & 0x1F)};
      case 5: return {.outcome = u::UsbOutcome::timeout, .transferred = std::min<std::size_t>(want, op & 0x1F)};
      case 6: return {.outcome = (op & 1) ? u::UsbOutcome::overflow : u::UsbOutcome::error, .transferred = 0,
                      .detail = "LIBUSB_ERROR_IO"};
      default: return {.outcome = u::UsbOutcome::no_device};
    }
  }
  u::UsbTransfer outcome(std::size_t want) {
    if (s_.empty()) return {.outcome = u::UsbOutcome::no_device};
    return outcome_of(take(), want);
  }

  std::span<const std::uint8_t> s_;
  std::uint32_t last_tag_ = 0;
  std::size_t cbws_ = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const std::uint8_t commands = 1 + (data[0] & 3);
  std::span<const std::uint8_t> script(data + 1, size - 1);
  ScriptedPipe pipe(script);
  u::BotProtocol bot(pipe);
  (void)bot.get_max_lun();
  std::array<std::uint8_t, 6> cdb{0x08, 0, 0, 0, 0, 0};  // READ(6), as a tape read would send
  std::vector<std::uint8_t> in(64), out(48, 0xA5);
  for (std::uint8_t c = 0; c < commands; ++c) {
    const std::size_t cbws_before = pipe.cbws();
    const std::uint8_t shape = (data[0] >> (2 + 2 * (c & 1))) & 3;
    u::BotCommand cmd{.lun = 0, .cdb = cdb};
    if (shape == 1) {
      cmd.direction = tg::hal::DataDirection::from_device;
      cmd.data_in = std::span<std::uint8_t>(in).first(1 + c * 20);
    } else if (shape == 2) {
      cmd.direction = tg::hal::DataDirection::to_device;
      cmd.data_out = std::span<const std::uint8_t>(out).first(1 + c * 15);
    }
    const std::size_t expected = shape == 1 ? cmd.data_in.size() : shape == 2 ? cmd.data_out.size() : 0;
    auto r = bot.execute(cmd);
    if (pipe.cbws() > cbws_before + 1) __builtin_trap();  // the command went out twice
    if (r.ok()) {
      if (r->status == u::CswStatus::phase_error || r->transferred > expected ||
          r->transferred + r->residual != expected)
        __builtin_trap();
    } else if (r.error().message.empty()) {
      __builtin_trap();
    }
  }
  return 0;
}
