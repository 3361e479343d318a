#include "drivers/usb/bot_wrappers.hpp"

#include <algorithm>
#include <string>

namespace tg::usb {

Result<std::array<std::uint8_t, kCbwLength>> encode_cbw(const CommandBlockWrapper& cbw) {
  if (cbw.cdb_length == 0 || cbw.cdb_length > kMaxCdbLength)
    return Error(Errc::invalid_argument,
                 "CDB length " + std::to_string(cbw.cdb_length) + " cannot be carried in a CBW (1..16)");
  if (cbw.lun > kMaxLun)
    return Error(Errc::invalid_argument, "LUN " + std::to_string(cbw.lun) + " cannot be carried in a CBW (0..15)");
  std::array<std::uint8_t, kCbwLength> b{};
  put_le32(b, 0, kCbwSignature);
  put_le32(b, 4, cbw.tag);
  put_le32(b, 8, cbw.data_transfer_length);
  b[12] = cbw.data_in ? 0x80 : 0x00;
  b[13] = cbw.lun;
  b[14] = cbw.cdb_length;
  // Bytes of CBWCB past bCBWCBLength stay zero (BOT 5.1: "the device shall
  // ignore them", but a clean wire is easier to read in a trace).
  std::copy_n(cbw.cdb.begin(), cbw.cdb_length, b.begin() + 15);
  return b;
}

Result<CommandBlockWrapper> parse_cbw(Bytes raw) {
  if (raw.size() != kCbwLength)
    return Error(Errc::parse_error, "CBW of " + std::to_string(raw.size()) + " bytes, expected 31");
  if (get_le32(raw, 0) != kCbwSignature)
    return Error(Errc::parse_error, "CBW signature is not 'USBC'");
  CommandBlockWrapper cbw;
  cbw.tag = get_le32(raw, 4);
  cbw.data_transfer_length = get_le32(raw, 8);
  if ((raw[12] & 0x7F) != 0) return Error(Errc::parse_error, "CBW flags have reserved bits set");
  cbw.data_in = (raw[12] & 0x80) != 0;
  if ((raw[13] & 0xF0) != 0) return Error(Errc::parse_error, "CBW LUN byte has reserved bits set");
  cbw.lun = raw[13] & 0x0F;
  if ((raw[14] & 0xE0) != 0) return Error(Errc::parse_error, "CBW CB length byte has reserved bits set");
  cbw.cdb_length = raw[14] & 0x1F;
  if (cbw.cdb_length == 0 || cbw.cdb_length > kMaxCdbLength)
    return Error(Errc::parse_error, "CBW CB length " + std::to_string(cbw.cdb_length) + " is not 1..16");
  std::copy_n(raw.begin() + 15, kMaxCdbLength, cbw.cdb.begin());
  return cbw;
}

std::array<std::uint8_t, kCswLength> encode_csw(const CommandStatusWrapper& csw) {
  std::array<std::uint8_t, kCswLength> b{};
  put_le32(b, 0, kCswSignature);
  put_le32(b, 4, csw.tag);
  put_le32(b, 8, csw.data_residue);
  b[12] = csw.status;
  return b;
}

Result<CommandStatusWrapper> parse_csw(Bytes raw) {
  if (raw.size() != kCswLength)
    return Error(Errc::parse_error, "CSW of " + std::to_string(raw.size()) + " bytes, expected 13");
  if (get_le32(raw, 0) != kCswSignature) return Error(Errc::parse_error, "CSW signature is not 'USBS'");
  return CommandStatusWrapper{.tag = get_le32(raw, 4), .data_residue = get_le32(raw, 8), .status = raw[12]};
}

}  // namespace tg::usb
