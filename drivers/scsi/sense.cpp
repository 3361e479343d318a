#include "drivers/scsi/sense.hpp"

#include <algorithm>
#include <cstdio>

#include "drivers/scsi/asc.hpp"
#include "hal/bytes.hpp"

namespace tg::scsi {
namespace {

// Response codes, SPC-4 4.5.1 table 27.
constexpr std::uint8_t kFixedCurrent = 0x70, kFixedDeferred = 0x71;
constexpr std::uint8_t kDescCurrent = 0x72, kDescDeferred = 0x73;

// Both formats carry their additional length in byte 7 (SPC-4 4.5.2.1 and
// 4.5.3.1), so 8 bytes is the least that says anything reliable.
constexpr std::size_t kMinSense = 8;

std::string num(std::size_t n) { return std::to_string(n); }

std::string hex2(unsigned v) {
  char b[8];
  std::snprintf(b, sizeof b, "0x%02X", v & 0xFFu);
  return b;
}

// Fixed format, SPC-4 4.5.3: byte 0 VALID + response code, byte 2
// FILEMARK/EOM/ILI/key, bytes 3-6 INFORMATION, 7 additional length, 12-13
// ASC/ASCQ, 15-17 sense-key specific (SKSV = byte 15 bit 7).
Result<Sense> parse_fixed(Bytes raw) {
  Sense s;
  s.deferred = (raw[0] & 0x7F) == kFixedDeferred;
  // A transport may deliver fewer bytes than the device announced (short
  // sense buffer): use what both agree on, never read past `raw`.
  const std::size_t n = std::min<std::size_t>(raw.size(), 8u + raw[7]);
  s.filemark = raw[2] & 0x80;
  s.eom = raw[2] & 0x40;
  s.ili = raw[2] & 0x20;
  s.key = raw[2] & 0x0F;
  s.information_valid = raw[0] & 0x80;
  // SSC reports residuals as a signed 32-bit count (SSC-4 4.2.9 / 6.4).
  s.information = static_cast<std::int32_t>(get_be32(raw, 3));
  if (n >= 14) {
    s.asc = raw[12];
    s.ascq = raw[13];
  }
  if (n >= 18 && (raw[15] & 0x80)) s.sense_key_specific = get_be24(raw, 15);
  return s;
}

// Descriptor format, SPC-4 4.5.2: byte 1 key, 2-3 ASC/ASCQ, 7 additional
// length, then descriptors (type, additional length, body).
Result<Sense> parse_descriptor(Bytes raw) {
  Sense s;
  s.descriptor_format = true;
  s.deferred = (raw[0] & 0x7F) == kDescDeferred;
  s.key = raw[1] & 0x0F;
  s.asc = raw[2];
  s.ascq = raw[3];
  const std::size_t declared = 8u + raw[7];
  const bool cut_by_transport = raw.size() < declared;
  const std::size_t end = std::min(raw.size(), declared);
  std::size_t off = 8;
  while (off + 2 <= end) {
    const std::uint8_t type = raw[off];
    const std::size_t len = 2u + raw[off + 1];
    if (off + len > end) {
      if (cut_by_transport) break;  // the tail was cut off in transit: keep what is whole
      return Error(Errc::parse_error, "sense descriptor " + hex2(type) + " at byte " + num(off) +
                                          ": length " + num(len) + " overruns the additional sense length (" +
                                          num(declared) + " bytes)");
    }
    const Bytes d = raw.subspan(off, len);
    switch (type) {
      case 0x00:  // information, SPC-4 4.5.2.2: byte 2 bit 7 VALID, bytes 4-11
        if (len < 12)
          return Error(Errc::parse_error, "sense information descriptor: length " + num(len) + ", need 12");
        s.information_valid = d[2] & 0x80;
        s.information = static_cast<std::int64_t>(get_be64(d, 4));
        break;
      case 0x02:  // sense key specific, SPC-4 4.5.2.4: bytes 4-6, SKSV byte 4 bit 7
        if (len < 7)
          return Error(Errc::parse_error, "sense key specific descriptor: length " + num(len) + ", need 7");
        if (d[4] & 0x80) s.sense_key_specific = get_be24(d, 4);
        break;
      case 0x04:  // stream commands, SSC-4 4.2.x / SPC-4 4.5.2.6: byte 3 FILEMARK/EOM/ILI
        if (len < 4)
          return Error(Errc::parse_error, "stream commands sense descriptor: length " + num(len) + ", need 4");
        s.filemark = d[3] & 0x80;
        s.eom = d[3] & 0x40;
        s.ili = d[3] & 0x20;
        break;
      default:  // other descriptors (command specific, field replaceable unit, ...) are not needed
        break;
    }
    off += len;
  }
  return s;
}

}  // namespace

Result<Sense> parse_sense(std::span<const std::uint8_t> raw) {
  if (raw.size() < kMinSense)
    return Error(Errc::parse_error, "sense data truncated: " + num(raw.size()) + " bytes, need " + num(kMinSense));
  switch (raw[0] & 0x7F) {
    case kFixedCurrent:
    case kFixedDeferred:
      return parse_fixed(raw);
    case kDescCurrent:
    case kDescDeferred:
      return parse_descriptor(raw);
    default:
      return Error(Errc::parse_error, "sense data: unknown response code " + hex2(raw[0] & 0x7F) +
                                          " (expected 0x70-0x73)");
  }
}

const char* sense_key_name(std::uint8_t key) {
  // SPC-4 4.5.6 table 46.
  switch (key & 0x0F) {
    case 0x0: return "NO SENSE";
    case 0x1: return "RECOVERED ERROR";
    case 0x2: return "NOT READY";
    case 0x3: return "MEDIUM ERROR";
    case 0x4: return "HARDWARE ERROR";
    case 0x5: return "ILLEGAL REQUEST";
    case 0x6: return "UNIT ATTENTION";
    case 0x7: return "DATA PROTECT";
    case 0x8: return "BLANK CHECK";
    case 0x9: return "VENDOR SPECIFIC";
    case 0xA: return "COPY ABORTED";
    case 0xB: return "ABORTED COMMAND";
    case 0xC: return "RESERVED (0xC)";
    case 0xD: return "VOLUME OVERFLOW";
    case 0xE: return "MISCOMPARE";
    default: return "COMPLETED";
  }
}

std::string describe(const Sense& s) {
  char code[16];
  std::snprintf(code, sizeof code, "%02X/%02X", s.asc, s.ascq);
  std::string out = std::string(sense_key_name(s.key)) + ": " + asc_text(s.asc, s.ascq) + " (" + code + ")";
  if (s.filemark) out += " FILEMARK";
  if (s.eom) out += " EOM";
  if (s.ili) out += " ILI";
  if (s.information_valid) out += " [info " + std::to_string(s.information) + "]";
  if (s.sense_key_specific && s.key == sense_key::illegal_request) {
    // SPC-4 4.5.2.4.2: C/D bit 6 of the first byte, field pointer bytes 2-3.
    const std::uint32_t v = *s.sense_key_specific;
    out += std::string(" [") + ((v & 0x400000) ? "CDB" : "parameter data") + " byte " +
           std::to_string(v & 0xFFFF);
    if (v & 0x080000) out += " bit " + std::to_string((v >> 16) & 0x7);
    out += "]";
  } else if (s.sense_key_specific && (s.key == sense_key::not_ready || s.key == sense_key::no_sense)) {
    // Progress indication, SPC-4 4.5.2.4.4: bytes 2-3 as a fraction of 65536.
    out += " [progress " + std::to_string((*s.sense_key_specific & 0xFFFF) * 100 / 65536) + "%]";
  }
  if (s.deferred) out += " (deferred)";
  return out;
}

Errc errc_for(const Sense& s) {
  // SMC-3 reports element conflicts as ILLEGAL REQUEST with these ASCQs.
  if (asc_of(s) == asc::medium_destination_element_full) return Errc::element_full;
  if (asc_of(s) == asc::medium_source_element_empty) return Errc::element_empty;
  switch (s.key) {
    case sense_key::not_ready: return Errc::not_ready;
    case sense_key::medium_error: return Errc::medium_error;
    case sense_key::hardware_error: return Errc::hardware_error;
    case sense_key::illegal_request: return Errc::illegal_request;
    case sense_key::unit_attention: return Errc::unit_attention;
    case sense_key::data_protect: return Errc::data_protect;
    case sense_key::blank_check: return Errc::blank_check;
    case sense_key::volume_overflow: return Errc::volume_overflow;
    case sense_key::miscompare: return Errc::data_integrity;
    default: return Errc::check_condition;
  }
}

Error sense_error(const Sense& s, const std::string& what) {
  Error e(errc_for(s), what.empty() ? describe(s) : what + ": " + describe(s));
  e.sense_key = s.key;
  e.asc = s.asc;
  e.ascq = s.ascq;
  return e;
}

}  // namespace tg::scsi
