// The drivers' suite over USB Bulk-Only end to end: MediaChanger and
// TapeDrive -> UsbBotTransport -> BotProtocol -> BOT device model -> the
// simulated library's SCSI targets. Proves that CBW/CSW framing, REQUEST
// SENSE after a failed CSW (early warning, filemarks, ILI) and the recovery
// paths carry every operation a backup needs.
#include <catch2/catch.hpp>

#include <stdlib.h>

#include <array>

#include "board/sim/sim_library.hpp"
#include "bot_device_model.hpp"
#include "drivers/media_changer.hpp"
#include "drivers/tape_drive.hpp"
#include "drivers/usb/bot_transport.hpp"
#include "hal/clock.hpp"

using namespace tg;
using namespace tg::usb;
using namespace tg::usb::test;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

struct SimOverBot {
  fs::path dir;
  hal::ManualClock clock;
  std::unique_ptr<sim::SimLibrary> lib;
  std::unique_ptr<BotDeviceModel> device;
  std::shared_ptr<BotProtocol> protocol;
  std::unique_ptr<UsbBotTransport> changer_t, drive_t;
  std::unique_ptr<drivers::MediaChanger> changer;
  std::unique_ptr<drivers::TapeDrive> drive;

  SimOverBot() {
    std::string tmpl = (fs::temp_directory_path() / "tg-botsim-XXXXXX").string();
    REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
    dir = tmpl;
    sim::SimConfig cfg;
    cfg.drive_count = 1;
    cfg.slot_count = 6;
    cfg.cartridge_count = 3;
    cfg.cartridge_bytes = 8ull << 20;
    cfg.early_warning_bytes = 1ull << 20;
    cfg.sync_on_flush = false;
    auto opened = sim::SimLibrary::open(cfg, dir / "board", clock);
    REQUIRE(opened.ok());
    lib = std::move(opened).value();
    // LUN 0 the changer, LUN 1 the drive: the sim's own numbering.
    device = std::make_unique<BotDeviceModel>(std::vector<hal::ScsiTarget*>{&lib->changer(), &lib->drive(0)});
    protocol = std::make_shared<BotProtocol>(*device);
    changer_t = std::make_unique<UsbBotTransport>(protocol, 0, "usb:1234:0001/0");
    drive_t = std::make_unique<UsbBotTransport>(protocol, 1, "usb:1234:0001/1");
    changer = std::make_unique<drivers::MediaChanger>(*changer_t, "changer");
    // The library was just powered on: its first TEST UNIT READY reports
    // UNIT ATTENTION 29/00, whose sense only REQUEST SENSE can bring over
    // Bulk-Only. Consuming it is what a board does at start.
    const std::array<std::uint8_t, 6> tur{};
    auto ua = changer_t->execute({.cdb = tur, .timeout = 5s});
    REQUIRE(ua.ok());
    REQUIRE(ua->status == hal::scsi_status::check_condition);
    REQUIRE(ua->sense_length >= 14);
    CHECK((ua->sense[2] & 0x0F) == 0x06);
    CHECK(ua->sense[12] == 0x29);
    auto ready = changer_t->execute({.cdb = tur, .timeout = 5s});
    REQUIRE(ready.ok());
    REQUIRE(ready->good());
    drive = std::make_unique<drivers::TapeDrive>(*drive_t, "drive0");
  }
  ~SimOverBot() {
    drive.reset();
    changer.reset();
    lib.reset();
    std::error_code ec;
    fs::remove_all(dir, ec);
  }

  // Moves the first cartridge into the drive and waits for it.
  std::string load_first() {
    auto inv = changer->inventory();
    REQUIRE(inv.ok());
    const drivers::ElementStatus* full = nullptr;
    for (const auto* e : inv->of_type(drivers::ElementType::storage))
      if (e->full && !full) full = e;
    REQUIRE(full != nullptr);
    std::string barcode = full->barcode;
    REQUIRE(changer->move(full->address, lib->drive_element(0)).ok());
    auto ready = drive->wait_ready(60s, clock);
    INFO((ready.ok() ? std::string() : ready.error().message));
    REQUIRE(ready.ok());
    REQUIRE(drive->rewind().ok());
    return barcode;
  }
};

std::vector<std::uint8_t> pattern(std::size_t n, std::uint8_t seed) {
  std::vector<std::uint8_t> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<std::uint8_t>(seed + i * 31 + (i >> 8));
  return v;
}

}  // namespace

TEST_CASE("BOT end to end: identify, inventory and move through the changer LUN", "[usb][sim]") {
  SimOverBot s;
  auto max_lun = s.protocol->get_max_lun();
  REQUIRE(max_lun.ok());
  CHECK(*max_lun == 1);

  auto cid = s.changer->identify();
  REQUIRE(cid.ok());
  CHECK(cid->peripheral_type == 0x08);
  CHECK(cid->vendor == "TAPEGATE");
  auto did = s.drive->identify();
  REQUIRE(did.ok());
  CHECK(did->peripheral_type == 0x01);
  CHECK(did->serial == s.lib->drive_serial(0));

  auto inv = s.changer->inventory();
  INFO((inv.ok() ? std::string() : inv.error().message));
  REQUIRE(inv.ok());
  CHECK(inv->of_type(drivers::ElementType::storage).size() == 6);
  auto drives = inv->of_type(drivers::ElementType::data_transfer);
  REQUIRE(drives.size() == 1);
  CHECK(drives[0]->address == s.lib->drive_element(0));
  CHECK_FALSE(drives[0]->full);
  CHECK(drives[0]->drive_serial == s.lib->drive_serial(0));

  std::string barcode = s.load_first();
  auto after = s.changer->inventory();
  REQUIRE(after.ok());
  const drivers::ElementStatus* in_drive = after->find_address(s.lib->drive_element(0));
  REQUIRE(in_drive != nullptr);
  CHECK(in_drive->full);
  CHECK(in_drive->barcode == barcode);

  // Unload and put it back where it came from.
  REQUIRE(s.drive->unload().ok());
  REQUIRE(in_drive->source.has_value());
  REQUIRE(s.changer->move(s.lib->drive_element(0), *in_drive->source).ok());
  auto back = s.changer->inventory();
  REQUIRE(back.ok());
  CHECK(back->find_barcode(barcode)->address == *in_drive->source);
  CHECK(s.device->resets == 0);
}

TEST_CASE("BOT end to end: write, filemarks, read back, end of data", "[usb][sim]") {
  SimOverBot s;
  s.load_first();
  auto b1 = pattern(65536, 1), b2 = pattern(65536, 2), b3 = pattern(1000, 3), b4 = pattern(4096, 4);
  REQUIRE(s.drive->write(b1).ok());
  REQUIRE(s.drive->write(b2).ok());
  REQUIRE(s.drive->write(b3).ok());
  REQUIRE(s.drive->write_filemarks(1).ok());
  REQUIRE(s.drive->write(b4).ok());
  REQUIRE(s.drive->write_filemarks(1).ok());
  auto pos = s.drive->position();
  REQUIRE(pos.ok());
  CHECK(*pos == 6);

  REQUIRE(s.drive->rewind().ok());
  std::vector<std::uint8_t> buf(65536);
  auto r1 = s.drive->read(buf);
  REQUIRE(r1.ok());
  CHECK(r1->kind == drivers::ReadKind::data);
  CHECK(r1->length == 65536);
  CHECK(buf == b1);
  REQUIRE(s.drive->read(buf).ok());
  CHECK(buf == b2);
  // A shorter block than the buffer: CHECK CONDITION with ILI, fetched by
  // REQUEST SENSE over BOT, tells the real length.
  auto r3 = s.drive->read(buf);
  REQUIRE(r3.ok());
  CHECK(r3->kind == drivers::ReadKind::data);
  REQUIRE(r3->length == 1000);
  CHECK(std::equal(b3.begin(), b3.end(), buf.begin()));
  auto fm = s.drive->read(buf);
  REQUIRE(fm.ok());
  CHECK(fm->kind == drivers::ReadKind::filemark);
  auto r4 = s.drive->read(buf);
  REQUIRE(r4.ok());
  CHECK(r4->length == 4096);
  CHECK(std::equal(b4.begin(), b4.end(), buf.begin()));
  auto fm2 = s.drive->read(buf);
  REQUIRE(fm2.ok());
  CHECK(fm2->kind == drivers::ReadKind::filemark);
  auto eod = s.drive->read(buf);
  REQUIRE(eod.ok());
  CHECK(eod->kind == drivers::ReadKind::end_of_data);
  CHECK(s.device->resets == 0);
}

TEST_CASE("BOT end to end: early warning arrives as an outcome, the tape closes cleanly", "[usb][sim]") {
  SimOverBot s;
  s.load_first();
  auto block = pattern(256 * 1024, 9);
  int written = 0;
  bool warned = false;
  for (int i = 0; i < 64 && !warned; ++i) {
    auto w = s.drive->write(block);
    INFO("block " << i << ": " << (w.ok() ? "ok" : w.error().message));
    REQUIRE(w.ok());
    ++written;
    warned = w->early_warning;
  }
  CHECK(warned);
  CHECK(written > 1);
  // Room remains past early warning to close the tape file.
  auto fm = s.drive->write_filemarks(1);
  REQUIRE(fm.ok());
}

TEST_CASE("BOT end to end: faults on the wire are recovered and never write blind", "[usb][sim]") {
  SimOverBot s;
  s.load_first();
  auto b1 = pattern(32768, 5), b2 = pattern(32768, 6);
  REQUIRE(s.drive->write(b1).ok());

  // A phase error on a WRITE: the device resets; whether the block reached
  // the tape is unknown, so the driver refuses to write until repositioned.
  s.device->arm({.phase_error = true});
  auto lost = s.drive->write(b2);
  REQUIRE_FALSE(lost.ok());
  CHECK(lost.error().code == Errc::transport_error);
  CHECK(s.device->resets == 1);
  auto refused = s.drive->write(b2);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == Errc::position_lost);

  // Repositioning restores service; the first block is intact.
  REQUIRE(s.drive->rewind().ok());
  std::vector<std::uint8_t> buf(65536);
  // Stall after the short data-in of this READ: cleared, CSW read, sense fetched.
  s.device->arm({.stall_after_data_in = true});
  auto r = s.drive->read(buf);
  REQUIRE(r.ok());
  REQUIRE(r->length == b1.size());
  CHECK(std::equal(b1.begin(), b1.end(), buf.begin()));
  CHECK(s.device->resets == 1);

  // A bad CSW tag during an inventory: reset recovery, a clean error; the
  // next inventory is whole.
  s.device->arm({.bad_csw_tag = true});
  auto bad = s.changer->inventory();
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == Errc::transport_error);
  auto good = s.changer->inventory();
  REQUIRE(good.ok());
  CHECK(good->of_type(drivers::ElementType::storage).size() == 6);

  // Stalled CSW once on TEST UNIT READY: transparent.
  s.device->arm({.stall_csw = 1});
  CHECK(s.drive->test_unit_ready().ok());
}
