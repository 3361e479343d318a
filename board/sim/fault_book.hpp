#pragma once
// The faults injected into a simulated library, shared by its LUNs. Looked
// up per READ/WRITE; small (a handful of entries), so a scan is enough.
#include <atomic>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "board/sim/sim_config.hpp"

namespace tg::sim {

class FaultBook {
 public:
  void add(const MediumErrorFault& f);
  void add(const CorruptBlockFault& f);
  // A write-protect fault: the cartridge behaves as if its tab were set,
  // without changing its stored metadata (SimLibrary::set_write_protected
  // moves the tab itself, persistently).
  void add_write_protect(const std::string& barcode);
  bool write_protected(const std::string& barcode) const;
  void clear();
  bool medium_error(const std::string& barcode, std::uint64_t block, bool on_write) const;
  bool corrupt(const std::string& barcode, std::uint64_t block) const;
  void set_picker_stuck(bool s) { stuck_picker_ = s; }
  bool picker_stuck() const { return stuck_picker_; }

 private:
  mutable std::mutex mutex_;
  std::vector<MediumErrorFault> medium_errors_;
  std::vector<CorruptBlockFault> corrupt_blocks_;
  std::set<std::string> write_protected_;
  std::atomic<bool> stuck_picker_{false};
};

}  // namespace tg::sim
