#include "drivers/usb/bot_transport.hpp"

#include <algorithm>
#include <array>

#include "drivers/scsi/cdb_spc.hpp"

namespace tg::usb {

UsbBotTransport::UsbBotTransport(std::shared_ptr<BotProtocol> protocol, std::uint8_t lun, std::string description)
    : protocol_(std::move(protocol)), lun_(lun), description_(std::move(description)),
      resets_seen_(protocol_->reset_count()) {}

bool UsbBotTransport::take_position_lost() {
  std::lock_guard lock(protocol_->command_mutex());
  std::uint64_t now = protocol_->reset_count();
  bool lost = now != resets_seen_;
  resets_seen_ = now;
  return lost;
}

Result<hal::ScsiReply> UsbBotTransport::execute(const hal::ScsiCommand& cmd) {
  std::lock_guard lock(protocol_->command_mutex());
  auto res = protocol_->execute({.lun = lun_,
                                 .cdb = cmd.cdb,
                                 .direction = cmd.direction,
                                 .data_out = cmd.data_out,
                                 .data_in = cmd.data_in,
                                 .timeout = cmd.timeout});
  if (!res.ok()) return std::move(res).error().with_context(description_);

  hal::ScsiReply reply;
  reply.transferred = res->transferred;
  reply.residual = res->residual;
  if (res->status == CswStatus::passed) return reply;

  // BOT carries no SCSI status byte; "failed" stands for CHECK CONDITION and
  // the sense is fetched now, before anything else reaches the LUN (SPC-4
  // 5.12: sense is kept until the next command on the I_T nexus).
  reply.status = hal::scsi_status::check_condition;
  const scsi::Cdb6 request_sense = scsi::request_sense(kRequestSenseAllocation);
  auto sense = protocol_->execute({.lun = lun_,
                                   .cdb = request_sense,
                                   .direction = hal::DataDirection::from_device,
                                   .data_in = std::span<std::uint8_t>(reply.sense.data(), kRequestSenseAllocation),
                                   .timeout = kRequestSenseTimeout});
  if (!sense.ok())
    return std::move(sense).error().with_context(description_ + ": REQUEST SENSE after a failed command");
  if (sense->status != CswStatus::passed) {
    // The device cannot tell why; report the failure without sense and let
    // the driver name it ("check condition without sense data").
    reply.sense_length = 0;
    return reply;
  }
  std::size_t n = sense->transferred;
  // Devices may pad to the allocation length; the additional sense length
  // (byte 7 in both fixed and descriptor format) says where sense ends.
  if (n >= 8) n = std::min<std::size_t>(n, 8u + reply.sense[7]);
  reply.sense_length = n;
  std::fill(reply.sense.begin() + static_cast<std::ptrdiff_t>(n), reply.sense.end(), std::uint8_t{0});
  return reply;
}

}  // namespace tg::usb
