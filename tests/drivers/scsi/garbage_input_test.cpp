// Every parser of device bytes fed random input, every truncation of valid
// replies and lying length fields: an error or a value, never a crash or
// an out-of-bounds read (the ASan build checks the latter).
#include <catch2/catch.hpp>

#include <random>

#include "drivers/scsi/attributes.hpp"
#include "drivers/scsi/block_limits.hpp"
#include "drivers/scsi/element_status.hpp"
#include "drivers/scsi/inquiry.hpp"
#include "drivers/scsi/log_pages.hpp"
#include "drivers/scsi/mode_pages.hpp"
#include "drivers/scsi/read_position.hpp"
#include "drivers/scsi/report_luns.hpp"
#include "drivers/scsi/sense.hpp"
#include "drivers/scsi/tape_alert.hpp"
#include "drivers/scsi/element_status_builder.hpp"

using namespace tg;
using namespace tg::scsi;
using B = std::vector<std::uint8_t>;

namespace {

// Runs every parser over b; returns how many accepted it (to use the results).
int parse_all(Bytes b) {
  int ok = 0;
  ok += parse_sense(b).ok();
  ok += parse_standard_inquiry(b).ok();
  ok += parse_unit_serial(b).ok();
  ok += parse_device_identification(b).ok();
  ok += parse_supported_vpd_pages(b).ok();
  if (auto m = parse_mode_sense6(b)) {
    ++ok;
    if (auto p = find_mode_page(m->pages, 0x0F)) ok += parse_compression_page(*p).ok();
    if (auto p = find_mode_page(m->pages, 0x1D)) ok += parse_element_address_page(*p).ok();
  }
  if (auto m = parse_mode_sense10(b)) ok += find_mode_page(m->pages, 0x10, 1).ok();
  ok += find_mode_page(b, 0x0F).ok();
  ok += parse_compression_page(b).ok();
  ok += parse_log_page(b, b.empty() ? 0 : b[0] & 0x3F).ok();
  ok += parse_tape_alert_page(b).ok();
  ok += parse_read_position_short(b).ok();
  ok += parse_read_position_long(b).ok();
  ok += parse_block_limits(b).ok();
  ok += parse_report_luns(b).ok();
  ok += parse_element_status(b).ok();
  ok += parse_element_address_page(b).ok();
  ok += parse_attribute_values(b).ok();
  return ok;
}

std::vector<B> valid_replies() {
  using tg::test::ElementPage;
  ElementPage slots{.type = 2, .pvoltag = true};
  slots.add(1000, true).tag("TP0001L9");
  slots.add(1001, false);
  ElementPage drives{.type = 4, .pvoltag = true, .id_length = 34};
  drives.add(500, true).tag("TP0002L9").t10_id("V", "P", "SERIAL");
  B tape_alert{0x2E, 0, 0, 10, 0, 1, 3, 1, 1, 0, 0x14, 3, 1, 1};
  B attrs{0, 0, 0, 15, 0x08, 0x06, 0x01, 0, 2, 'A', 'B', 0x00, 0x03, 0x80, 0, 2, 0, 7};
  attrs[3] = static_cast<std::uint8_t>(attrs.size() - 4);
  return {
      B{0x70, 0, 0x43, 0, 0, 0, 9, 10, 0, 0, 0, 0, 0x00, 0x02, 0, 0x80, 0, 0},
      B{0x72, 0x08, 0, 5, 0, 0, 0, 16, 0, 0x0A, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 1, 4, 2, 0, 0x80},
      B{27, 0, 0x10, 8, 0x60, 0, 0, 0, 0, 0, 0, 0, 0x0F, 0x0E, 0xC0, 0x80, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0},
      B{23, 0, 0, 0, 0x1D, 0x12, 0, 1, 0, 1, 3, 0xE8, 0, 24, 0, 10, 0, 2, 1, 0xF4, 0, 2, 0, 0},
      B{0x01, 0x83, 0, 12, 0x01, 0x03, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8},
      tape_alert,
      attrs,
      tg::test::element_status_reply({slots, drives}),
      B{0, 0, 0, 16, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0},
  };
}

}  // namespace

TEST_CASE("every truncation of valid replies is handled") {
  for (const auto& r : valid_replies()) {
    for (std::size_t n = 0; n <= r.size(); ++n) {
      // A fresh exact-size copy so ASan sees any read past the end.
      B cut(r.begin(), r.begin() + static_cast<std::ptrdiff_t>(n));
      (void)parse_all(cut);
    }
  }
  SUCCEED();
}

TEST_CASE("every single-byte corruption of valid replies is handled") {
  int accepted = 0;
  for (const auto& r : valid_replies()) {
    for (std::size_t i = 0; i < r.size(); ++i) {
      for (int v : {0x00, 0x01, 0x7F, 0x80, 0xFF}) {
        B bad = r;
        bad[i] = static_cast<std::uint8_t>(v);
        accepted += parse_all(bad);
      }
    }
  }
  CHECK(accepted > 0);
}

TEST_CASE("random bytes of every length are handled") {
  std::mt19937 rng(20261125);  // fixed seed: deterministic
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<int> len(0, 600);
  for (int i = 0; i < 4000; ++i) {
    B b(static_cast<std::size_t>(len(rng)));
    for (auto& x : b) x = static_cast<std::uint8_t>(byte(rng));
    // Bias some towards plausible headers so deeper paths run.
    if (!b.empty() && i % 4 == 1) b[0] = static_cast<std::uint8_t>(0x70 + i % 4);
    if (b.size() > 8 && i % 4 == 2) {
      b[5] = 0;
      b[6] = static_cast<std::uint8_t>((b.size() - 8) >> 8);
      b[7] = static_cast<std::uint8_t>(b.size() - 8);
      b[8] = static_cast<std::uint8_t>(1 + i % 4);
    }
    (void)parse_all(b);
  }
  SUCCEED();
}
