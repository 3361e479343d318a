#pragma once
// Helpers for byte-level tests of the simulated library: CDBs are built by
// hand here (independently of the drivers' builders) and replies decoded
// by hand, so the simulator is checked against the standards, not against
// our own driver code.
#include <catch2/catch.hpp>

#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "board/sim/sim_library.hpp"
#include "hal/bytes.hpp"
#include "hal/clock.hpp"

namespace tg::test {

struct TempDir {
  std::filesystem::path path;
  TempDir() {
    static std::mt19937_64 rng{std::random_device{}()};
    path = std::filesystem::temp_directory_path() / ("tg-board-test-" + std::to_string(rng()));
    std::filesystem::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

struct Reply {
  std::uint8_t status = 0;
  std::vector<std::uint8_t> sense;
  std::vector<std::uint8_t> data;  // data-in actually transferred
  std::size_t length = 0;          // data_length reported by the target

  bool good() const { return status == 0; }
  bool check() const { return status == 2; }
  std::uint8_t key() const { return sense.size() > 2 ? sense[2] & 0x0F : 0xFF; }
  std::uint8_t asc() const { return sense.size() > 12 ? sense[12] : 0xFF; }
  std::uint8_t ascq() const { return sense.size() > 13 ? sense[13] : 0xFF; }
  bool valid() const { return !sense.empty() && (sense[0] & 0x80); }
  bool filemark() const { return sense.size() > 2 && (sense[2] & 0x80); }
  bool eom() const { return sense.size() > 2 && (sense[2] & 0x40); }
  bool ili() const { return sense.size() > 2 && (sense[2] & 0x20); }
  std::int32_t info() const { return static_cast<std::int32_t>(get_be32(sense, 3)); }
  // Sense-key specific field pointer: (C/D, byte, bit or -1).
  bool sksv() const { return sense.size() > 17 && (sense[15] & 0x80); }
  bool field_in_cdb() const { return sense[15] & 0x40; }
  int field_byte() const { return get_be16(sense, 16); }
  int field_bit() const { return (sense[15] & 0x08) ? sense[15] & 0x07 : -1; }
};

inline Reply run(hal::ScsiTarget& t, std::vector<std::uint8_t> cdb, std::size_t alloc = 0,
                 std::vector<std::uint8_t> out = {}) {
  std::vector<std::uint8_t> in(alloc);
  hal::TargetReply r = t.handle(cdb, out, in);
  Reply rep;
  rep.status = r.status;
  rep.sense.assign(r.sense.begin(), r.sense.begin() + static_cast<std::ptrdiff_t>(r.sense_length));
  rep.length = r.data_length;
  in.resize(std::min(alloc, r.data_length));
  rep.data = std::move(in);
  return rep;
}

inline std::vector<std::uint8_t> pattern(std::size_t n, std::uint8_t seed) {
  std::vector<std::uint8_t> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<std::uint8_t>(seed * 31 + i * 7 + (i >> 8));
  return v;
}

// CDBs, built here byte by byte from SPC-4 / SSC-4 / SMC-3.
inline std::vector<std::uint8_t> cdb_tur() { return {0x00, 0, 0, 0, 0, 0}; }
inline std::vector<std::uint8_t> cdb_write6(std::uint32_t len, bool fixed = false) {
  return {0x0A, static_cast<std::uint8_t>(fixed ? 1 : 0), static_cast<std::uint8_t>(len >> 16),
          static_cast<std::uint8_t>(len >> 8), static_cast<std::uint8_t>(len), 0};
}
inline std::vector<std::uint8_t> cdb_read6(std::uint32_t len, bool fixed = false, bool sili = false) {
  return {0x08, static_cast<std::uint8_t>((fixed ? 1 : 0) | (sili ? 2 : 0)), static_cast<std::uint8_t>(len >> 16),
          static_cast<std::uint8_t>(len >> 8), static_cast<std::uint8_t>(len), 0};
}
inline std::vector<std::uint8_t> cdb_wfm(std::uint32_t n, bool immed = false) {
  return {0x10, static_cast<std::uint8_t>(immed ? 1 : 0), static_cast<std::uint8_t>(n >> 16), static_cast<std::uint8_t>(n >> 8),
          static_cast<std::uint8_t>(n), 0};
}
inline std::vector<std::uint8_t> cdb_space6(std::uint8_t code, std::int32_t count) {
  const auto c = static_cast<std::uint32_t>(count) & 0xFFFFFF;
  return {0x11, code, static_cast<std::uint8_t>(c >> 16), static_cast<std::uint8_t>(c >> 8), static_cast<std::uint8_t>(c), 0};
}
inline std::vector<std::uint8_t> cdb_rewind() { return {0x01, 0, 0, 0, 0, 0}; }
inline std::vector<std::uint8_t> cdb_locate10(std::uint32_t block) {
  return {0x2B, 0, 0, static_cast<std::uint8_t>(block >> 24), static_cast<std::uint8_t>(block >> 16),
          static_cast<std::uint8_t>(block >> 8), static_cast<std::uint8_t>(block), 0, 0, 0};
}
inline std::vector<std::uint8_t> cdb_read_position(std::uint8_t sa = 0, std::uint16_t alloc = 0) {
  return {0x34, sa, 0, 0, 0, 0, 0, static_cast<std::uint8_t>(alloc >> 8), static_cast<std::uint8_t>(alloc), 0};
}
inline std::vector<std::uint8_t> cdb_move(std::uint16_t picker, std::uint16_t from, std::uint16_t to) {
  return {0xA5, 0, static_cast<std::uint8_t>(picker >> 8), static_cast<std::uint8_t>(picker), static_cast<std::uint8_t>(from >> 8),
          static_cast<std::uint8_t>(from), static_cast<std::uint8_t>(to >> 8), static_cast<std::uint8_t>(to), 0, 0, 0, 0};
}
inline std::vector<std::uint8_t> cdb_res(std::uint8_t type, std::uint16_t start, std::uint16_t count, std::uint32_t alloc,
                                         bool voltag = true, bool dvcid = false) {
  return {0xB8, static_cast<std::uint8_t>((voltag ? 0x10 : 0) | type), static_cast<std::uint8_t>(start >> 8),
          static_cast<std::uint8_t>(start), static_cast<std::uint8_t>(count >> 8), static_cast<std::uint8_t>(count),
          static_cast<std::uint8_t>(dvcid ? 1 : 0), static_cast<std::uint8_t>(alloc >> 16), static_cast<std::uint8_t>(alloc >> 8),
          static_cast<std::uint8_t>(alloc), 0, 0};
}

// A small library on a ManualClock: no power-on unit attention unless asked,
// no fsync, 4 MiB cartridges.
struct SimFixture {
  TempDir dir;
  hal::ManualClock clock;
  sim::SimConfig config;
  std::unique_ptr<sim::SimLibrary> lib;

  SimFixture() {
    config.power_on_unit_attention = false;
    config.sync_on_flush = false;
    config.cartridge_bytes = 4u << 20;
    config.early_warning_bytes = 1u << 20;
    config.max_block_bytes = 256u << 10;
  }
  sim::SimLibrary& open() {
    lib.reset();
    auto r = sim::SimLibrary::open(config, dir.path / "board", clock);
    if (!r.ok()) FAIL(r.error().message);
    lib = std::move(*r);
    return *lib;
  }
  hal::ScsiTarget& changer() { return lib->changer(); }
  hal::ScsiTarget& drive(std::size_t i = 0) { return lib->drive(i); }
  // Loads the cartridge from the first slot into drive i and absorbs the 28/00.
  void load(std::size_t i = 0, std::uint16_t slot = 1000) {
    REQUIRE(run(changer(), cdb_move(0, slot, lib->drive_element(i))).good());
    Reply ua = run(drive(i), cdb_tur());
    REQUIRE(ua.key() == 0x6);
    REQUIRE(ua.asc() == 0x28);
    REQUIRE(run(drive(i), cdb_tur()).good());
  }
};

}  // namespace tg::test
