#pragma once
// An SgDevice whose "kernel" is a script: it records the sg_io_hdr it was
// given and answers with the status fields, sense and data set by the test.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "drivers/sg/sg_device.hpp"

namespace tg::sg::test {

struct SgAnswer {
  int err = 0;  // errno of the ioctl; 0 = completed
  std::uint8_t status = 0;
  std::uint16_t host_status = 0, driver_status = 0;
  std::vector<std::uint8_t> sense;  // written to sbp (up to mx_sb_len); sb_len_wr = its size
  std::vector<std::uint8_t> data;   // written to dxferp for FROM_DEV
  int resid = 0;
};

class FakeSgDevice final : public SgDevice {
 public:
  explicit FakeSgDevice(std::string path = "/dev/sg7") : path_(std::move(path)) {}

  int ioctl_sg_io(sg_io_hdr& hdr) override {
    ++calls;
    seen = hdr;
    seen_cdb.assign(hdr.cmdp, hdr.cmdp + hdr.cmd_len);
    if (hdr.dxfer_direction == SG_DXFER_TO_DEV)
      seen_data_out.assign(static_cast<const std::uint8_t*>(hdr.dxferp),
                           static_cast<const std::uint8_t*>(hdr.dxferp) + hdr.dxfer_len);
    if (answer.err != 0) return answer.err;
    if (hdr.dxfer_direction == SG_DXFER_FROM_DEV && !answer.data.empty())
      std::memcpy(hdr.dxferp, answer.data.data(), std::min<std::size_t>(answer.data.size(), hdr.dxfer_len));
    std::size_t n = std::min<std::size_t>(answer.sense.size(), hdr.mx_sb_len);
    if (n) std::memcpy(hdr.sbp, answer.sense.data(), n);
    hdr.sb_len_wr = static_cast<unsigned char>(n);
    hdr.status = answer.status;
    hdr.masked_status = static_cast<unsigned char>((answer.status >> 1) & 0x7F);
    hdr.host_status = answer.host_status;
    hdr.driver_status = answer.driver_status;
    hdr.resid = answer.resid;
    hdr.info = (answer.status || answer.host_status || answer.driver_status) ? SG_INFO_CHECK : SG_INFO_OK;
    return 0;
  }
  const std::string& path() const override { return path_; }

  SgAnswer answer;
  sg_io_hdr seen{};
  std::vector<std::uint8_t> seen_cdb, seen_data_out;
  int calls = 0;

 private:
  std::string path_;
};

}  // namespace tg::sg::test
