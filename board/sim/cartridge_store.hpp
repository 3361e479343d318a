#pragma once
// The cartridges a simulated library knows, by barcode: what is printed on
// the label and held in cartridge memory (capacity, load count, write
// protect tab, attributes written by the host), persisted as
// <dir>/<barcode>.meta, plus the recorded medium (CartridgeMedium).
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "board/sim/cartridge_medium.hpp"
#include "hal/result.hpp"

namespace tg::sim {

struct CartridgeInfo {
  std::string barcode;
  int generation = 9;
  std::uint64_t capacity_bytes = 0;
  bool write_protected = false;
  std::uint64_t load_count = 0;
  std::string medium_serial;  // MAM 0x0401
  std::map<std::uint16_t, std::vector<std::uint8_t>> host_attributes;  // WRITE ATTRIBUTE

  // LTO cleaning cartridges carry the CLN prefix on the label.
  bool cleaning() const { return barcode.rfind("CLN", 0) == 0; }
};

// Barcodes become file names: 1..32 characters of A-Z a-z 0-9 - _ .
bool valid_barcode(const std::string& barcode);

class CartridgeStore {
 public:
  // durable: fsync metadata before it replaces the old version.
  CartridgeStore(std::filesystem::path dir, bool durable) : dir_(std::move(dir)), durable_(durable) {}
  const std::filesystem::path& dir() const { return dir_; }

  // Reads every <barcode>.meta in the directory (creating it).
  Status load();
  bool contains(const std::string& barcode) const;
  Result<CartridgeInfo> get(const std::string& barcode) const;
  // Creates or replaces a cartridge's metadata (atomically on disk).
  Status put(const CartridgeInfo& info);
  Result<std::unique_ptr<CartridgeMedium>> open_medium(const std::string& barcode) const;

 private:
  std::filesystem::path dir_;
  bool durable_ = true;
  mutable std::mutex mutex_;
  std::map<std::string, CartridgeInfo> infos_;
};

}  // namespace tg::sim
