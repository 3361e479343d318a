#include "board/sim/fault_book.hpp"

#include <algorithm>

namespace tg::sim {

void FaultBook::add(const MediumErrorFault& f) {
  std::lock_guard g(mutex_);
  medium_errors_.push_back(f);
}

void FaultBook::add(const CorruptBlockFault& f) {
  std::lock_guard g(mutex_);
  corrupt_blocks_.push_back(f);
}

void FaultBook::add_write_protect(const std::string& barcode) {
  std::lock_guard g(mutex_);
  write_protected_.insert(barcode);
}

bool FaultBook::write_protected(const std::string& barcode) const {
  std::lock_guard g(mutex_);
  return write_protected_.count(barcode) != 0;
}

void FaultBook::clear() {
  std::lock_guard g(mutex_);
  medium_errors_.clear();
  write_protected_.clear();
  corrupt_blocks_.clear();
  stuck_picker_ = false;
}

bool FaultBook::medium_error(const std::string& barcode, std::uint64_t block, bool on_write) const {
  std::lock_guard g(mutex_);
  return std::any_of(medium_errors_.begin(), medium_errors_.end(), [&](const MediumErrorFault& f) {
    return f.barcode == barcode && f.block == block && (on_write ? f.on_write : f.on_read);
  });
}

bool FaultBook::corrupt(const std::string& barcode, std::uint64_t block) const {
  std::lock_guard g(mutex_);
  return std::any_of(corrupt_blocks_.begin(), corrupt_blocks_.end(),
                     [&](const CorruptBlockFault& f) { return f.barcode == barcode && f.block == block; });
}

}  // namespace tg::sim
