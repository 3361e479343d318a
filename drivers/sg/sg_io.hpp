#pragma once
// Building an sg_io_hdr from a hal::ScsiCommand and turning the kernel's
// answer into a reply or a transport error. Pure functions over memory: the
// ioctl is elsewhere (sg_device.hpp).
#include <scsi/sg.h>

#include <array>
#include <cstdint>
#include <string>

#include "hal/result.hpp"
#include "hal/scsi_transport.hpp"

namespace tg::sg {

// Host status (the "DID_" codes of the Linux SCSI midlayer,
// include/scsi/scsi_status.h; not exported to user space headers).
namespace host_status {
inline constexpr std::uint16_t ok = 0x00;
inline constexpr std::uint16_t no_connect = 0x01;
inline constexpr std::uint16_t bus_busy = 0x02;
inline constexpr std::uint16_t time_out = 0x03;
inline constexpr std::uint16_t bad_target = 0x04;
inline constexpr std::uint16_t abort = 0x05;
inline constexpr std::uint16_t parity = 0x06;
inline constexpr std::uint16_t error = 0x07;
inline constexpr std::uint16_t reset = 0x08;
inline constexpr std::uint16_t bad_intr = 0x09;
inline constexpr std::uint16_t passthrough = 0x0A;
inline constexpr std::uint16_t soft_error = 0x0B;
inline constexpr std::uint16_t imm_retry = 0x0C;
inline constexpr std::uint16_t requeue = 0x0D;
inline constexpr std::uint16_t transport_disrupted = 0x0E;
inline constexpr std::uint16_t transport_failfast = 0x0F;
inline constexpr std::uint16_t target_failure = 0x10;
inline constexpr std::uint16_t nexus_failure = 0x11;
inline constexpr std::uint16_t alloc_failure = 0x12;
inline constexpr std::uint16_t medium_error = 0x13;
inline constexpr std::uint16_t transport_marginal = 0x14;
}  // namespace host_status

// Driver status, low nibble ("DRIVER_" codes); the high nibble held
// "suggestions" on older kernels and is ignored.
namespace driver_status {
inline constexpr std::uint16_t ok = 0x00;
inline constexpr std::uint16_t busy = 0x01;
inline constexpr std::uint16_t soft = 0x02;
inline constexpr std::uint16_t media = 0x03;
inline constexpr std::uint16_t error = 0x04;
inline constexpr std::uint16_t invalid = 0x05;
inline constexpr std::uint16_t timeout = 0x06;
inline constexpr std::uint16_t hard = 0x07;
inline constexpr std::uint16_t sense = 0x08;  // sense was written: not an error by itself
}  // namespace driver_status

const char* host_status_name(std::uint16_t h);   // "DID_NO_CONNECT"
const char* driver_status_name(std::uint16_t d); // "DRIVER_TIMEOUT"

// One SG_IO call's memory. hdr points into cdb and reply.sense, so the
// object stays where it was built (no copy, no move).
struct SgIoRequest {
  sg_io_hdr hdr{};
  std::array<std::uint8_t, 16> cdb{};
  hal::ScsiReply reply;

  SgIoRequest() = default;
  SgIoRequest(const SgIoRequest&) = delete;
  SgIoRequest& operator=(const SgIoRequest&) = delete;
};

// Fills req.hdr for cmd: interface 'S', direction, CDB, data pointer and
// length, sense buffer (252 bytes), timeout in ms. Fails (invalid_argument)
// on a CDB that is not 1..16 bytes, a non-positive timeout or a transfer
// larger than sg_io_hdr can describe.
Status prepare_sg_io(const hal::ScsiCommand& cmd, SgIoRequest& req);

// Reads the outcome from req.hdr after a successful ioctl. Returns the reply
// (CHECK CONDITION included, with its raw sense) when the device answered;
// an error when the host adapter or driver failed the command:
// timeout (DID_TIME_OUT, DRIVER_TIMEOUT), connection_lost (DID_NO_CONNECT,
// DID_BAD_TARGET, DID_TRANSPORT_DISRUPTED/FAILFAST), transport_error (every
// other host or driver failure, DID_RESET included). `device` names the
// node in messages.
Result<hal::ScsiReply> finish_sg_io(SgIoRequest& req, const std::string& device);

// The ioctl itself failed with errno `err`: the kernel refused the request
// (bad length, no memory, device gone).
Error sg_ioctl_error(int err, const std::string& device, std::size_t transfer_length);

}  // namespace tg::sg
