#pragma once
// The driver suite's fixture on the simulated board: a SimLibrary in a
// temporary state directory on a ManualClock, each LUN behind an
// in-process transport, the drivers on top.
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "board/sim/sim_library.hpp"
#include "drivers/library_fixture.hpp"
#include "hal/in_process_transport.hpp"

namespace tg::test {

class SimLibraryFixture final : public LibraryFixture {
 public:
  // configure: adjust the default config (small cartridges, an early
  // warning zone, cartridges in non-adjacent slots) before the library opens.
  explicit SimLibraryFixture(void (*configure)(sim::SimConfig&) = nullptr) {
    static std::mt19937_64 rng{std::random_device{}()};
    dir_ = std::filesystem::temp_directory_path() / ("tg-drivers-test-" + std::to_string(rng()));
    std::filesystem::create_directories(dir_);
    config_.sync_on_flush = false;
    config_.cartridge_bytes = 4u << 20;
    config_.early_warning_bytes = 1u << 20;
    config_.max_block_bytes = 1u << 20;
    // Power-on unit attentions stay on: the drivers must absorb them.
    config_.power_on_unit_attention = true;
    config_.cartridges = {{.barcode = "TG0001L9", .slot = 1000},
                          {.barcode = "TG0002L9", .slot = 1003},
                          {.barcode = "TG0003L9", .slot = 1007}};
    if (configure) configure(config_);
    auto lib = sim::SimLibrary::open(config_, dir_ / "board", clock_);
    if (!lib.ok()) throw std::runtime_error("simulated library: " + lib.error().message);
    lib_ = std::move(*lib);
    changer_transport_ = std::make_unique<hal::InProcessTransport>(lib_->changer(), "sim:changer");
    changer_ = std::make_unique<drivers::MediaChanger>(*changer_transport_, "sim");
    for (std::size_t i = 0; i < lib_->drive_count(); ++i) {
      transports_.push_back(std::make_unique<hal::InProcessTransport>(lib_->drive(i), "sim:drive" + std::to_string(i)));
      drives_.push_back(std::make_unique<drivers::TapeDrive>(*transports_.back(), "drive" + std::to_string(i)));
    }
  }
  ~SimLibraryFixture() override {
    drives_.clear();
    changer_.reset();
    lib_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  sim::SimLibrary& sim() { return *lib_; }
  drivers::MediaChanger& changer() override { return *changer_; }
  std::size_t drive_count() const override { return drives_.size(); }
  drivers::TapeDrive& drive(std::size_t i) override { return *drives_.at(i); }
  std::uint16_t drive_element(std::size_t i) const override { return lib_->drive_element(i); }
  std::string drive_serial(std::size_t i) const override { return lib_->drive_serial(i); }
  std::vector<FixtureCartridge> cartridges() const override {
    std::vector<FixtureCartridge> out;
    for (const auto& c : config_.cartridges) out.push_back({c.barcode, c.slot.value_or(0)});
    return out;
  }
  hal::Clock& clock() override { return clock_; }
  std::uint64_t cartridge_bytes() const override { return config_.cartridge_bytes; }

  bool can_inject_faults() const override { return true; }
  void inject_read_medium_error(const std::string& barcode, std::uint64_t block) override {
    auto s = lib_->inject_medium_error({.barcode = barcode, .block = block, .on_read = true});
    if (!s.ok()) throw std::runtime_error(s.error().message);
  }
  void inject_unit_attention(std::size_t drive) override {
    auto s = lib_->inject_unit_attention({.lun = static_cast<int>(drive + 1), .asc = 0x29, .ascq = 0x00});
    if (!s.ok()) throw std::runtime_error(s.error().message);
  }
  bool has_operator() const override { return true; }
  void operator_insert(std::uint16_t mailslot, const std::string& barcode) override {
    auto s = lib_->operator_insert(mailslot, barcode);
    if (!s.ok()) throw std::runtime_error(s.error().message);
  }
  std::string operator_remove(std::uint16_t mailslot) override {
    auto s = lib_->operator_remove(mailslot);
    if (!s.ok()) throw std::runtime_error(s.error().message);
    return *s;
  }

 private:
  std::filesystem::path dir_;
  hal::ManualClock clock_;
  sim::SimConfig config_;
  std::unique_ptr<sim::SimLibrary> lib_;
  std::unique_ptr<hal::InProcessTransport> changer_transport_;
  std::unique_ptr<drivers::MediaChanger> changer_;
  std::vector<std::unique_ptr<hal::InProcessTransport>> transports_;
  std::vector<std::unique_ptr<drivers::TapeDrive>> drives_;
};

}  // namespace tg::test
