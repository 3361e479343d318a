#pragma once
// Where restore, verify and rebuild get a loaded cartridge from. The
// library implementation reserves one drive for the job, loads cartridges
// by barcode, and when a cartridge is not in the library asks the operator
// for it by barcode through the mail slot (JobContext::wait_for_operator),
// imports the mail slots and re-reads the inventory.
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "firmware/job/job_context.hpp"
#include "firmware/library/drive_reservations.hpp"
#include "firmware/restore/tape_reader.hpp"
#include "hal/result.hpp"

namespace tg::firmware::restore {

class CartridgeSource {
 public:
  virtual ~CartridgeSource() = default;
  // Loads `barcode` and returns a reader for it, valid until the next
  // mount() or release(). `why` tells the operator what it is for
  // ("media set 7f3a..., sequence 2"). Errc::cancelled when the job was
  // cancelled while waiting, Errc::not_found when the operator never brought it.
  virtual Result<TapeReader*> mount(const std::string& barcode, const std::string& why, JobContext& ctx) = 0;
  // Unloads the cartridge (home to its slot) and frees the drive.
  virtual Status release() = 0;
  // Barcodes in the library now (slots and drives), for rebuild's scan.
  virtual Result<std::vector<std::string>> barcodes_in_library() = 0;
};

struct LibraryCartridgesOptions {
  std::string owner = "restore";            // shown in drive status
  std::optional<std::string> drive;         // a named drive, else any free one
  // Waiting for the operator to bring a cartridge: one prompt, the changer
  // looked at every `poll` (the job sleeps in between), given up after
  // `operator_wait` in all (Errc::not_found).
  std::chrono::milliseconds operator_wait = std::chrono::minutes(30);
  std::chrono::milliseconds poll = std::chrono::seconds(5);
};

class LibraryCartridges final : public CartridgeSource {
 public:
  LibraryCartridges(library::DriveReservations& drives, LibraryCartridgesOptions options = {});
  ~LibraryCartridges() override;
  Result<TapeReader*> mount(const std::string& barcode, const std::string& why, JobContext& ctx) override;
  Status release() override;
  Result<std::vector<std::string>> barcodes_in_library() override;

 private:
  library::DriveReservations& drives_;
  LibraryCartridgesOptions options_;
  std::optional<library::DriveLease> lease_;
  std::unique_ptr<DriveTapeReader> reader_;
};

}  // namespace tg::firmware::restore
