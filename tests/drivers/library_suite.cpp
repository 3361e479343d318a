#include "drivers/library_suite.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>

#include "drivers/require_ok.hpp"

using namespace std::chrono_literals;

namespace tg::test {
namespace {

using drivers::ElementType;
using drivers::ReadKind;
using drivers::SpaceCode;
using B = std::vector<std::uint8_t>;

constexpr auto kReadyTimeout = std::chrono::minutes(2);

B pattern(std::size_t n, std::uint32_t seed) {
  B v(n);
  std::uint32_t x = seed * 2654435761u + 1;
  for (auto& b : v) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    b = static_cast<std::uint8_t>(x);
  }
  return v;
}

// Compares without printing megabytes of bytes when it fails.
bool same_bytes(const B& a, const B& b) { return a == b; }


// Moves `barcode` from its slot into drive `d`, waits until it is ready
// and puts the drive in variable-block mode at the beginning of the tape.
std::uint16_t load(LibraryFixture& fx, const std::string& barcode, std::size_t d = 0) {
  auto inv = fx.changer().inventory();
  TG_REQUIRE_OK(inv);
  const auto* e = inv->find_barcode(barcode);
  REQUIRE(e != nullptr);
  const std::uint16_t slot = e->address;
  TG_REQUIRE_OK(fx.changer().move(slot, fx.drive_element(d)));
  auto& drive = fx.drive(d);
  TG_REQUIRE_OK(drive.wait_ready(kReadyTimeout, fx.clock()));
  TG_REQUIRE_OK(drive.rewind());
  auto info = drive.medium_info();
  TG_REQUIRE_OK(info);
  REQUIRE(info->present);
  if (info->block_size != 0) TG_REQUIRE_OK(drive.set_block_size(0));
  return slot;
}

void unload(LibraryFixture& fx, std::uint16_t slot, std::size_t d = 0) {
  TG_REQUIRE_OK(fx.drive(d).unload());
  TG_REQUIRE_OK(fx.changer().move(fx.drive_element(d), slot));
}

void write_blocks(drivers::TapeDrive& drive, std::uint32_t seed, const std::vector<std::size_t>& sizes) {
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    auto w = drive.write(pattern(sizes[i], seed + static_cast<std::uint32_t>(i)));
    TG_REQUIRE_OK(w);
    CHECK_FALSE(w->early_warning);
  }
}

void expect_blocks(drivers::TapeDrive& drive, std::uint32_t seed, const std::vector<std::size_t>& sizes) {
  B buf(256 * 1024);
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    auto r = drive.read(buf);
    TG_REQUIRE_OK(r);
    REQUIRE(r->kind == ReadKind::data);
    REQUIRE(r->length == sizes[i]);
    CHECK_FALSE(r->truncated);
    CHECK(same_bytes(B(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(r->length)),
                     pattern(sizes[i], seed + static_cast<std::uint32_t>(i))));
  }
}

void expect_kind(drivers::TapeDrive& drive, ReadKind kind) {
  B buf(64 * 1024);
  auto r = drive.read(buf);
  TG_REQUIRE_OK(r);
  CHECK(r->kind == kind);
  CHECK(r->length == 0);
}

// A library that was just started reports power on (29/00) on every LUN:
// the changer absorbs it here, the drives in load().
void start(LibraryFixture& fx) { TG_REQUIRE_OK(fx.changer().wait_ready(kReadyTimeout, fx.clock())); }

}  // namespace

void check_identity_and_inventory(LibraryFixture& fx) {
  start(fx);
  auto cid = fx.changer().identify();
  TG_REQUIRE_OK(cid);
  CHECK(cid->peripheral_type == 0x08);
  CHECK_FALSE(cid->vendor.empty());
  for (std::size_t d = 0; d < fx.drive_count(); ++d) {
    auto id = fx.drive(d).identify();
    TG_REQUIRE_OK(id);
    CHECK(id->peripheral_type == 0x01);
    if (!fx.drive_serial(d).empty()) CHECK(id->serial == fx.drive_serial(d));
  }

  auto map = fx.changer().element_map();
  TG_REQUIRE_OK(map);
  auto inv = fx.changer().inventory();
  TG_REQUIRE_OK(inv);
  // Every element the map announces is in the inventory, of the right type, in address order.
  const std::pair<ElementType, drivers::ElementRange> ranges[] = {{ElementType::transport, map->transport},
                                                                  {ElementType::storage, map->storage},
                                                                  {ElementType::import_export, map->import_export},
                                                                  {ElementType::data_transfer, map->data_transfer}};
  for (const auto& [type, range] : ranges) {
    const auto of = inv->of_type(type);
    CHECK(of.size() == range.count);
    for (std::size_t i = 0; i < of.size(); ++i) {
      CHECK(of[i]->address == range.first + i);
      if (i > 0) CHECK(of[i]->address > of[i - 1]->address);
    }
  }
  for (const auto& c : fx.cartridges()) {
    const auto* e = inv->find_barcode(c.barcode);
    REQUIRE(e != nullptr);
    CHECK(e->address == c.slot);
    CHECK(e->type == ElementType::storage);
    CHECK(e->full);
    CHECK(e->barcode.find(' ') == std::string::npos);
  }
  for (std::size_t d = 0; d < fx.drive_count(); ++d) {
    const auto* e = inv->find_address(fx.drive_element(d));
    REQUIRE(e != nullptr);
    CHECK(e->type == ElementType::data_transfer);
    CHECK_FALSE(e->full);
    // DVCID: how a board matches drives to LUNs.
    if (!fx.drive_serial(d).empty() && !e->drive_serial.empty()) CHECK(e->drive_serial == fx.drive_serial(d));
  }
}

void check_load_unload(LibraryFixture& fx) {
  start(fx);
  const auto carts = fx.cartridges();
  REQUIRE(carts.size() >= 2);
  const std::uint16_t slot = load(fx, carts[0].barcode, 0);
  CHECK(slot == carts[0].slot);
  auto inv = fx.changer().inventory();
  TG_REQUIRE_OK(inv);
  const auto* in_drive = inv->find_address(fx.drive_element(0));
  REQUIRE(in_drive != nullptr);
  CHECK(in_drive->full);
  CHECK(in_drive->barcode == carts[0].barcode);
  if (in_drive->source) CHECK(*in_drive->source == slot);
  CHECK_FALSE(inv->find_address(slot)->full);
  auto pos = fx.drive(0).position();
  TG_REQUIRE_OK(pos);
  CHECK(*pos == 0u);

  unload(fx, slot, 0);
  inv = fx.changer().inventory();
  TG_REQUIRE_OK(inv);
  CHECK(inv->find_barcode(carts[0].barcode)->address == slot);
  CHECK_FALSE(inv->find_address(fx.drive_element(0))->full);
  // An empty drive says so.
  auto ready = fx.drive(0).test_unit_ready();
  REQUIRE_FALSE(ready.ok());
  CHECK((ready.error().code == Errc::not_ready || ready.error().code == Errc::unit_attention));
}

void check_write_read_filemarks(LibraryFixture& fx) {
  start(fx);
  const auto carts = fx.cartridges();
  const std::uint16_t slot = load(fx, carts[0].barcode);
  auto& drive = fx.drive(0);
  const std::vector<std::size_t> file1{65536, 1, 4096, 100000, 262144};
  const std::vector<std::size_t> file2{512, 70000};
  write_blocks(drive, 100, file1);
  TG_REQUIRE_OK(drive.write_filemarks(1));
  write_blocks(drive, 200, file2);
  TG_REQUIRE_OK(drive.write_filemarks(1));
  auto pos = drive.position();
  TG_REQUIRE_OK(pos);
  CHECK(*pos == file1.size() + 1 + file2.size() + 1);
  // A zero-count WRITE FILEMARKS only flushes: nothing is added.
  TG_REQUIRE_OK(drive.write_filemarks(0));
  pos = drive.position();
  TG_REQUIRE_OK(pos);
  CHECK(*pos == file1.size() + 1 + file2.size() + 1);

  TG_REQUIRE_OK(drive.rewind());
  expect_blocks(drive, 100, file1);
  expect_kind(drive, ReadKind::filemark);
  expect_blocks(drive, 200, file2);
  expect_kind(drive, ReadKind::filemark);
  expect_kind(drive, ReadKind::end_of_data);

  // Appending at end of data: the new file follows the old ones.
  TG_REQUIRE_OK(drive.space(SpaceCode::end_of_data, 0));
  write_blocks(drive, 300, {777});
  TG_REQUIRE_OK(drive.write_filemarks(1));
  TG_REQUIRE_OK(drive.rewind());
  TG_REQUIRE_OK(drive.space(SpaceCode::filemarks, 2));
  expect_blocks(drive, 300, {777});
  expect_kind(drive, ReadKind::filemark);
  unload(fx, slot);
}

void check_space_locate_position(LibraryFixture& fx) {
  start(fx);
  const auto carts = fx.cartridges();
  const std::uint16_t slot = load(fx, carts[0].barcode);
  auto& drive = fx.drive(0);
  const std::vector<std::size_t> file1{1000, 2000, 3000, 4000};
  const std::vector<std::size_t> file2{5000, 6000};
  write_blocks(drive, 10, file1);      // objects 0-3
  TG_REQUIRE_OK(drive.write_filemarks(1));  // 4
  write_blocks(drive, 20, file2);      // 5-6
  TG_REQUIRE_OK(drive.write_filemarks(1));  // 7

  // LOCATE to a block, read it: the position moves past it.
  TG_REQUIRE_OK(drive.locate(2));
  expect_blocks(drive, 12, {3000});
  auto pos = drive.position();
  TG_REQUIRE_OK(pos);
  CHECK(*pos == 3u);
  TG_REQUIRE_OK(drive.locate(5));
  expect_blocks(drive, 20, file2);

  // SPACE blocks forward into a filemark: stops after it, residual counted.
  TG_REQUIRE_OK(drive.rewind());
  auto s = drive.space(SpaceCode::blocks, 1);
  TG_REQUIRE_OK(s);
  CHECK(s->residual == 0);
  expect_blocks(drive, 11, {2000});
  s = drive.space(SpaceCode::blocks, 5);  // blocks 2, 3, then the filemark
  TG_REQUIRE_OK(s);
  CHECK(s->hit_filemark);
  CHECK(s->residual == 3);
  expect_blocks(drive, 20, {5000});

  // SPACE backwards over a filemark, and to the beginning.
  TG_REQUIRE_OK(drive.locate(5));
  s = drive.space(SpaceCode::filemarks, -1);
  TG_REQUIRE_OK(s);
  CHECK_FALSE(s->hit_filemark);
  if (fx.reports_position()) {
    pos = drive.position();
    TG_REQUIRE_OK(pos);
    CHECK(*pos == 4u);  // before the filemark
  }
  TG_REQUIRE_OK(drive.locate(1));
  s = drive.space(SpaceCode::blocks, -3);
  TG_REQUIRE_OK(s);
  CHECK(s->hit_beginning);
  CHECK(s->residual == -2);
  pos = drive.position();
  TG_REQUIRE_OK(pos);
  CHECK(*pos == 0u);

  // SPACE to end of data: the position is where the next write goes.
  TG_REQUIRE_OK(drive.space(SpaceCode::end_of_data, 0));
  if (fx.reports_position()) {
    pos = drive.position();
    TG_REQUIRE_OK(pos);
    CHECK(*pos == 8u);
  }
  // Spacing past end of data stops there.
  s = drive.space(SpaceCode::blocks, 3);
  TG_REQUIRE_OK(s);
  CHECK(s->hit_end_of_data);
  CHECK(s->residual == 3);
  unload(fx, slot);
}

void check_ili_reads(LibraryFixture& fx) {
  start(fx);
  const auto carts = fx.cartridges();
  const std::uint16_t slot = load(fx, carts[1].barcode);
  auto& drive = fx.drive(0);
  write_blocks(drive, 40, {1000, 8192, 4096});
  TG_REQUIRE_OK(drive.write_filemarks(1));
  TG_REQUIRE_OK(drive.rewind());

  B buf(4096);
  auto r = drive.read(buf);  // 1000-byte block into 4096
  TG_REQUIRE_OK(r);
  CHECK(r->kind == ReadKind::data);
  CHECK(r->length == 1000);
  CHECK_FALSE(r->truncated);
  CHECK(same_bytes(B(buf.begin(), buf.begin() + 1000), pattern(1000, 40)));

  r = drive.read(buf);  // 8192-byte block into 4096: the rest is lost
  TG_REQUIRE_OK(r);
  CHECK(r->kind == ReadKind::data);
  CHECK(r->truncated);
  CHECK(r->length == 4096);
  CHECK(r->block_length == 8192);
  const B long_block = pattern(8192, 41);
  CHECK(same_bytes(buf, B(long_block.begin(), long_block.begin() + 4096)));

  // The drive moved past the long block: the next read is the next block.
  r = drive.read(buf);
  TG_REQUIRE_OK(r);
  CHECK(r->length == 4096);
  CHECK_FALSE(r->truncated);
  CHECK(same_bytes(buf, pattern(4096, 42)));
  auto pos = drive.position();
  TG_REQUIRE_OK(pos);
  CHECK(*pos == 3u);
  unload(fx, slot);
}

void check_early_warning_then_overflow(LibraryFixture& fx) {
  start(fx);
  const auto carts = fx.cartridges();
  const std::uint16_t slot = load(fx, carts[1].barcode);
  auto& drive = fx.drive(0);
  constexpr std::size_t kBlock = 256 * 1024;
  const std::uint64_t limit = fx.cartridge_bytes() / kBlock + 16;
  std::uint64_t written = 0;
  bool warned = false;
  for (; written < limit && !warned; ) {
    auto w = drive.write(pattern(kBlock, static_cast<std::uint32_t>(written)));
    TG_REQUIRE_OK(w);
    ++written;  // early warning or not, the block is on tape
    warned = w->early_warning;
  }
  REQUIRE(warned);
  std::uint64_t after_warning = 0;
  if (fx.has_early_warning_zone()) {
    // Real drives keep accepting data in the zone, then refuse with VOLUME OVERFLOW.
    for (;;) {
      auto w = drive.write(pattern(kBlock, static_cast<std::uint32_t>(written)));
      if (!w.ok()) {
        CHECK(w.error().code == Errc::volume_overflow);
        CHECK_THAT(w.error().message, Catch::Contains("VOLUME OVERFLOW"));
        break;
      }
      CHECK(w->early_warning);  // every write in the zone says so
      ++written;
      ++after_warning;
      REQUIRE(written < limit);
    }
    CHECK(after_warning > 0);
  }
  // Every block reported written is on tape, in order.
  TG_REQUIRE_OK(drive.rewind());
  B buf(kBlock);
  for (std::uint64_t i = 0; i < written; ++i) {
    auto r = drive.read(buf);
    TG_REQUIRE_OK(r);
    REQUIRE(r->kind == ReadKind::data);
    REQUIRE(r->length == kBlock);
    if (i % 4 == 0 || i + 1 == written) REQUIRE(same_bytes(buf, pattern(kBlock, static_cast<std::uint32_t>(i))));
  }
  expect_kind(drive, ReadKind::end_of_data);
  unload(fx, slot);
}

void check_injected_faults(LibraryFixture& fx) {
  if (!fx.can_inject_faults()) return;
  start(fx);
  const auto carts = fx.cartridges();
  const std::uint16_t slot = load(fx, carts[0].barcode);
  auto& drive = fx.drive(0);
  write_blocks(drive, 60, {4096, 4096, 4096, 4096});
  TG_REQUIRE_OK(drive.write_filemarks(1));
  fx.inject_read_medium_error(carts[0].barcode, 2);
  TG_REQUIRE_OK(drive.rewind());
  expect_blocks(drive, 60, {4096, 4096});
  B buf(4096);
  auto r = drive.read(buf);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == Errc::medium_error);
  CHECK_THAT(r.error().message, Catch::StartsWith("drive ") && Catch::Contains("READ: MEDIUM ERROR"));
  CHECK_FALSE(drive.tracked_position());
  // The caller re-establishes the position and reads on past the bad block.
  TG_REQUIRE_OK(drive.locate(3));
  expect_blocks(drive, 63, {4096});

  fx.inject_unit_attention(0);
  auto t = drive.test_unit_ready();
  REQUIRE_FALSE(t.ok());
  CHECK(t.error().code == Errc::unit_attention);
  fx.inject_unit_attention(0);
  TG_REQUIRE_OK(drive.wait_ready(kReadyTimeout, fx.clock()));
  TG_REQUIRE_OK(drive.test_unit_ready());
  unload(fx, slot);
}

void check_move_errors(LibraryFixture& fx) {
  start(fx);
  const auto carts = fx.cartridges();
  auto inv = fx.changer().inventory();
  TG_REQUIRE_OK(inv);
  const drivers::ElementStatus* empty_slot = nullptr;
  for (const auto* e : inv->of_type(ElementType::storage))
    if (!e->full) {
      empty_slot = e;
      break;
    }
  REQUIRE(empty_slot != nullptr);
  auto s = fx.changer().move(empty_slot->address, fx.drive_element(0));
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().code == Errc::element_empty);
  CHECK_THAT(s.error().message, Catch::Contains("slot " + std::to_string(empty_slot->address)) &&
                                    Catch::Contains("drive " + std::to_string(fx.drive_element(0))));
  s = fx.changer().move(carts[0].slot, carts[1].slot);
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().code == Errc::element_full);
  CHECK_THAT(s.error().message, Catch::Contains("slot " + std::to_string(carts[1].slot) + " is occupied"));
  // Nothing moved.
  auto after = fx.changer().inventory();
  TG_REQUIRE_OK(after);
  for (const auto& c : carts) CHECK(after->find_barcode(c.barcode)->address == c.slot);
}

void check_mailslots(LibraryFixture& fx) {
  if (!fx.has_operator()) return;
  start(fx);
  auto inv = fx.changer().inventory();
  TG_REQUIRE_OK(inv);
  const auto mail = inv->of_type(ElementType::import_export);
  REQUIRE(mail.size() >= 1);
  const std::uint16_t m = mail.back()->address;
  fx.operator_insert(m, "IMP001L9");
  // The changer reports the operator's access as a unit attention first.
  TG_REQUIRE_OK(fx.changer().wait_ready(kReadyTimeout, fx.clock()));
  auto imported = fx.changer().import_mailslots();
  TG_REQUIRE_OK(imported);
  REQUIRE(*imported == std::vector<std::string>{"IMP001L9"});
  inv = fx.changer().inventory();
  TG_REQUIRE_OK(inv);
  const auto* e = inv->find_barcode("IMP001L9");
  REQUIRE(e != nullptr);
  CHECK(e->type == ElementType::storage);
  const std::uint16_t stored = e->address;  // `inv` is re-read below
  CHECK_FALSE(inv->find_address(m)->full);
  // Nothing left to import.
  imported = fx.changer().import_mailslots();
  TG_REQUIRE_OK(imported);
  CHECK(imported->empty());

  auto out = fx.changer().export_to_mailslot(stored);
  TG_REQUIRE_OK(out);
  inv = fx.changer().inventory();
  TG_REQUIRE_OK(inv);
  CHECK(inv->find_address(*out)->barcode == "IMP001L9");
  // An exported cartridge waiting for the operator is not re-imported.
  imported = fx.changer().import_mailslots();
  TG_REQUIRE_OK(imported);
  CHECK(imported->empty());
  CHECK(fx.operator_remove(*out) == "IMP001L9");
  TG_REQUIRE_OK(fx.changer().wait_ready(kReadyTimeout, fx.clock()));
  inv = fx.changer().inventory();
  TG_REQUIRE_OK(inv);
  CHECK(inv->find_barcode("IMP001L9") == nullptr);
  auto none = fx.changer().export_to_mailslot(stored);
  REQUIRE_FALSE(none.ok());
  CHECK(none.error().code == Errc::element_empty);
}

void check_drive_queries(LibraryFixture& fx) {
  start(fx);
  const auto carts = fx.cartridges();
  const std::uint16_t slot = load(fx, carts[0].barcode);
  auto& drive = fx.drive(0);
  auto limits = drive.block_limits();
  TG_REQUIRE_OK(limits);
  CHECK(limits->max_block >= 256 * 1024);
  auto info = drive.medium_info();
  TG_REQUIRE_OK(info);
  CHECK(info->present);
  CHECK_FALSE(info->density_name.empty());

  auto alerts = drive.tape_alerts();
  if (!alerts.ok()) CHECK(alerts.error().code == Errc::unsupported);
  auto mam = drive.mam_attributes();
  TG_REQUIRE_OK(mam);  // an empty list where there is no MAM
  for (const auto& a : *mam) {
    CHECK_FALSE(a.name.empty());
    if (a.id == 0x0806) CHECK(a.value == carts[0].barcode);
  }

  // Fixed-block mode round trip, then back to variable.
  auto fixed = drive.set_block_size(4096);
  if (fixed.ok()) {
    info = drive.medium_info();
    TG_REQUIRE_OK(info);
    CHECK(info->block_size == 4096);
    TG_REQUIRE_OK(drive.rewind());
    const B data = pattern(4096 * 3, 77);
    TG_REQUIRE_OK(drive.write(data));
    TG_REQUIRE_OK(drive.write_filemarks(1));
    TG_REQUIRE_OK(drive.rewind());
    B back(4096 * 3);
    auto r = drive.read(back);
    TG_REQUIRE_OK(r);
    CHECK(r->length == back.size());
    CHECK(same_bytes(back, data));
    TG_REQUIRE_OK(drive.set_block_size(0));
  } else {
    CHECK((fixed.error().code == Errc::illegal_request || fixed.error().code == Errc::unsupported));
  }
  auto comp = drive.set_compression(false);
  if (comp.ok()) {
    info = drive.medium_info();
    TG_REQUIRE_OK(info);
    CHECK_FALSE(info->compression);
  } else {
    CHECK((comp.error().code == Errc::unsupported || comp.error().code == Errc::illegal_request));
  }
  unload(fx, slot);
}

}  // namespace tg::test
