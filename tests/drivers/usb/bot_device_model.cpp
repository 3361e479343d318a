#include "bot_device_model.hpp"

#include <algorithm>

namespace tg::usb::test {
namespace {

UsbTransfer done(std::size_t n) { return {.outcome = UsbOutcome::ok, .transferred = n}; }
UsbTransfer fail(UsbOutcome o, std::size_t n = 0) { return {.outcome = o, .transferred = n, .detail = "model"}; }

// Fixed-format sense (SPC-4 4.5.3) with key and ASC/ASCQ.
std::vector<std::uint8_t> fixed_sense(std::uint8_t key, std::uint8_t asc, std::uint8_t ascq) {
  std::vector<std::uint8_t> s(18, 0);
  s[0] = 0x70;
  s[2] = key;
  s[7] = 10;
  s[12] = asc;
  s[13] = ascq;
  return s;
}

}  // namespace

BotDeviceModel::BotDeviceModel(std::vector<hal::ScsiTarget*> luns, std::uint8_t interface)
    : luns_(std::move(luns)), interface_(interface), held_sense_(luns_.size()) {}

void BotDeviceModel::start_command(const CommandBlockWrapper& cbw) {
  cbws.push_back(cbw);
  cbw_ = cbw;
  cur_ = armed_;
  armed_ = {};
  data_.clear();
  data_offset_ = 0;
  residue_ = 0;
  status_ = 0;
  if (cur_.stall_cbw) {
    // BOT 6.6.1: a CBW that is not meaningful: stall both pipes until the
    // host performs Reset Recovery.
    in_halted_ = out_halted_ = need_reset_ = true;
    phase_ = Phase::command;
    return;
  }
  const std::size_t len = cbw.data_transfer_length;
  if (len > 0 && cbw.data_in) {
    data_.assign(len, 0);
    run_target({}, data_);
    phase_ = Phase::data_in;
  } else if (len > 0) {
    phase_ = Phase::data_out;
  } else {
    run_target({}, {});
    phase_ = Phase::status;
  }
}

void BotDeviceModel::run_target(std::span<const std::uint8_t> out, std::span<std::uint8_t> in) {
  const std::size_t expected = cbw_.data_transfer_length;
  std::size_t moved = 0;
  const std::uint8_t lun = cbw_.lun;
  auto cdb = cbw_.cdb_bytes();
  if (cdb[0] == 0x03 && fail_request_sense_) {
    status_ = 1;
  } else if (cdb[0] == 0x03 && lun < held_sense_.size() && !held_sense_[lun].empty()) {
    // REQUEST SENSE answered from the sense the device held back.
    std::size_t alloc = std::min<std::size_t>(cdb[4], in.size());
    moved = std::min(alloc, held_sense_[lun].size());
    std::copy_n(held_sense_[lun].begin(), moved, in.begin());
    held_sense_[lun].clear();
    status_ = 0;
  } else if (lun >= luns_.size() || luns_[lun] == nullptr) {
    // SPC-4 5.8 / 6.39: an absent LUN fails commands with LOGICAL UNIT NOT
    // SUPPORTED, which REQUEST SENSE then reports.
    status_ = 1;
    if (lun < held_sense_.size()) held_sense_[lun] = fixed_sense(0x05, 0x25, 0x00);
  } else {
    held_sense_[lun].clear();
    hal::TargetReply r = luns_[lun]->handle(cdb, out, in);
    moved = std::min(r.data_length, expected);
    if (r.status == hal::scsi_status::good) {
      status_ = 0;
    } else {
      status_ = 1;
      if (r.status == hal::scsi_status::check_condition)
        held_sense_[lun].assign(r.sense.begin(), r.sense.begin() + static_cast<std::ptrdiff_t>(r.sense_length));
    }
  }
  residue_ = static_cast<std::uint32_t>(expected - moved);
  if (cbw_.data_in) data_.resize(moved);
}

UsbTransfer BotDeviceModel::bulk_out(std::span<const std::uint8_t> data, std::chrono::milliseconds) {
  if (unplugged_) return fail(UsbOutcome::no_device);
  if (out_halted_) return fail(UsbOutcome::stall);
  if (hung_) return fail(UsbOutcome::timeout);
  switch (phase_) {
    case Phase::command: {
      auto cbw = parse_cbw(data);
      if (!cbw.ok()) {
        in_halted_ = out_halted_ = need_reset_ = true;  // BOT 6.6.1
        return done(data.size());
      }
      start_command(*cbw);
      return done(data.size());
    }
    case Phase::data_out: {
      if (cur_.hang_in_data) {
        hung_ = true;
        return fail(UsbOutcome::timeout);
      }
      const std::size_t expected = cbw_.data_transfer_length;
      std::size_t take = std::min(data.size(), expected - data_.size());
      if (cur_.stall_data_out_after) {
        take = std::min(take, *cur_.stall_data_out_after);
        out_halted_ = true;
        // The device gives up on the command: nothing processed.
        status_ = 1;
        residue_ = static_cast<std::uint32_t>(expected);
        if (cbw_.lun < held_sense_.size()) held_sense_[cbw_.lun] = fixed_sense(0x0B, 0x4B, 0x00);
        phase_ = Phase::status;
        return fail(UsbOutcome::stall, take);
      }
      data_.insert(data_.end(), data.begin(), data.begin() + static_cast<std::ptrdiff_t>(take));
      if (data_.size() == expected) {
        run_target(data_, {});
        phase_ = Phase::status;
      }
      return done(take);
    }
    default:
      return fail(UsbOutcome::timeout);  // the device NAKs OUT tokens it does not expect
  }
}

UsbTransfer BotDeviceModel::bulk_in(std::span<std::uint8_t> buf, std::chrono::milliseconds) {
  if (unplugged_) return fail(UsbOutcome::no_device);
  if (in_halted_) return fail(UsbOutcome::stall);
  if (hung_) return fail(UsbOutcome::timeout);
  if (phase_ == Phase::status) return send_csw(buf);
  if (phase_ != Phase::data_in) return fail(UsbOutcome::timeout);  // NAK: nothing to send

  if (cur_.hang_in_data) {
    hung_ = true;
    return fail(UsbOutcome::timeout);
  }
  if (cur_.extra_data_in) {
    std::fill(buf.begin(), buf.end(), std::uint8_t{0xEE});
    phase_ = Phase::status;
    return fail(UsbOutcome::overflow, buf.size());
  }
  std::vector<std::uint8_t> wire = data_;
  if (cur_.truncate_data_in && *cur_.truncate_data_in < wire.size()) {
    wire.resize(*cur_.truncate_data_in);
    residue_ = cur_.residue_lies_zero ? 0 : static_cast<std::uint32_t>(cbw_.data_transfer_length - wire.size());
  }
  if (cur_.pad_data_in) wire.resize(cbw_.data_transfer_length, 0);
  const std::size_t n = std::min(wire.size(), buf.size());
  std::copy_n(wire.begin(), n, buf.begin());
  phase_ = Phase::status;
  if (cur_.stall_after_data_in && n < buf.size()) {
    in_halted_ = true;
    return fail(UsbOutcome::stall, n);
  }
  return done(n);
}

UsbTransfer BotDeviceModel::send_csw(std::span<std::uint8_t> buf) {
  if (cur_.hang_before_csw) {
    hung_ = true;
    return fail(UsbOutcome::timeout);
  }
  if (cur_.stall_csw > 0) {
    --cur_.stall_csw;
    in_halted_ = true;
    return fail(UsbOutcome::stall);
  }
  if (cur_.zero_length_before_csw) {
    cur_.zero_length_before_csw = false;
    return done(0);
  }
  CommandStatusWrapper csw{.tag = cbw_.tag, .data_residue = residue_, .status = status_};
  if (cur_.bad_csw_tag) csw.tag ^= 0x5A5A;
  if (cur_.residue_too_large) csw.data_residue = cbw_.data_transfer_length + 1;
  if (cur_.phase_error) csw.status = 2;
  if (cur_.reserved_status) csw.status = 5;
  auto bytes = encode_csw(csw);
  if (cur_.bad_csw_signature) bytes[3] = 'X';
  std::size_t len = cur_.short_csw ? kCswLength - 1 : kCswLength;
  phase_ = Phase::command;
  if (buf.size() < len) {
    std::copy_n(bytes.begin(), buf.size(), buf.begin());
    return fail(UsbOutcome::overflow, buf.size());
  }
  std::copy_n(bytes.begin(), len, buf.begin());
  return done(len);
}

UsbTransfer BotDeviceModel::clear_halt(BulkEndpoint ep) {
  if (unplugged_) return fail(UsbOutcome::no_device);
  events.push_back(ep == BulkEndpoint::in ? "clear-in" : "clear-out");
  // After an invalid CBW the device stalls again at once (BOT 6.6.1): only
  // Reset Recovery ends that state.
  if (need_reset_) return done(0);
  (ep == BulkEndpoint::in ? in_halted_ : out_halted_) = false;
  return done(0);
}

UsbTransfer BotDeviceModel::control(const ControlSetup& s, std::span<std::uint8_t> data, std::chrono::milliseconds) {
  if (unplugged_) return fail(UsbOutcome::no_device);
  if (s.request_type == 0x21 && s.request == 0xFF) {
    events.push_back("reset");
    if (s.value != 0 || s.index != interface_ || !data.empty() || reject_reset_) return fail(UsbOutcome::stall);
    // BOT 3.1: ready for the next CBW; halts and toggles are preserved.
    ++resets;
    phase_ = Phase::command;
    hung_ = need_reset_ = false;
    data_.clear();
    return done(0);
  }
  if (s.request_type == 0xA1 && s.request == 0xFE) {
    events.push_back("get-max-lun");
    if (s.value != 0 || s.index != interface_ || data.size() != 1 || stall_get_max_lun_) return fail(UsbOutcome::stall);
    data[0] = static_cast<std::uint8_t>(luns_.empty() ? 0 : luns_.size() - 1);
    return done(1);
  }
  return fail(UsbOutcome::stall);
}

}  // namespace tg::usb::test
