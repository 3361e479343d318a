// discover_sg against a fake sysfs tree laid out as the kernel does.
#include <catch2/catch.hpp>

#include <stdlib.h>

#include <fstream>
#include <string>

#include "drivers/sg/sg_discovery.hpp"
#include "fake_sg_device.hpp"

using namespace tg;
using namespace tg::sg;
namespace fs = std::filesystem;

namespace {

class TempTree {
 public:
  TempTree() {
    std::string tmpl = (fs::temp_directory_path() / "tg-sysfs-XXXXXX").string();
    REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
    root = tmpl;
  }
  ~TempTree() {
    std::error_code ec;
    fs::remove_all(root, ec);
  }
  fs::path root;
};

void write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

// A SCSI device at H:C:T:L with its sg node linked from class/scsi_generic,
// the way the kernel lays it out (device is a symlink to the H:C:T:L dir).
fs::path add_device(const fs::path& root, const std::string& sg, const std::string& hctl, const std::string& type) {
  fs::path dev = root / "devices" / "pci0000:00" / "host2" / ("target" + hctl.substr(0, hctl.rfind(':'))) / hctl;
  fs::create_directories(dev / "scsi_generic" / sg);
  write(dev / "type", type + "\n");
  fs::path cls = root / "class" / "scsi_generic" / sg;
  fs::create_directories(cls);
  fs::create_symlink(dev, cls / "device");
  return dev;
}

std::string vpd80(const std::string& serial) {
  std::string page{'\x01', '\x80', '\x00', static_cast<char>(serial.size())};
  return page + serial;
}

}  // namespace

TEST_CASE("discover_sg lists tape drives and changers with identity", "[sg]") {
  TempTree t;
  fs::path tape = add_device(t.root, "sg3", "2:0:3:0", "1");
  write(tape / "vendor", "IBM     \n");
  write(tape / "model", "ULT3580-TD9     \n");
  write(tape / "rev", "Q3F4\n");
  write(tape / "state", "running\n");
  write(tape / "vpd_pg80", vpd80("  10WT012345"));
  for (const char* n : {"st0", "st0a", "nst0a", "nst0", "nst0l"}) fs::create_directories(tape / "scsi_tape" / n);

  fs::path changer = add_device(t.root, "sg4", "2:0:3:1", "8");
  write(changer / "vendor", "IBM\n");
  write(changer / "model", "3573-TL\n");
  write(changer / "rev", "E.10\n");
  fs::create_directories(changer / "scsi_changer" / "sch0");

  add_device(t.root, "sg0", "0:0:0:0", "0");           // a disk: not ours
  add_device(t.root, "sg10", "3:0:0:0", "1");          // a bare tape: nothing but the type
  add_device(t.root, "sg5", "4:0:0:0", "garbage");     // unreadable type: skipped
  fs::create_directories(t.root / "class" / "scsi_generic" / "sg6");  // vanished device dir

  int opened = 0;
  SgOpener opener = [&](const fs::path& node) -> Result<std::unique_ptr<SgDevice>> {
    ++opened;
    if (node != "/dev/sg4") return Error(Errc::not_found, node.string());
    auto dev = std::make_unique<test::FakeSgDevice>("/dev/sg4");
    std::string page = vpd80("CHG00042  ");
    dev->answer.data.assign(page.begin(), page.end());
    dev->answer.resid = static_cast<int>(0xFC - page.size());
    return std::unique_ptr<SgDevice>(std::move(dev));
  };
  auto found = discover_sg(t.root, opener);
  REQUIRE(found.ok());
  REQUIRE(found->size() == 3);

  const SgDeviceInfo& d = (*found)[0];
  CHECK(d.name == "sg3");
  CHECK(d.node == "/dev/sg3");
  CHECK(d.spec == "sg:/dev/sg3");
  CHECK(d.hctl == "2:0:3:0");
  CHECK(d.peripheral_type == 0x01);
  CHECK(d.vendor == "IBM");
  CHECK(d.model == "ULT3580-TD9");
  CHECK(d.revision == "Q3F4");
  CHECK(d.serial == "10WT012345");
  CHECK(d.state == "running");
  CHECK(d.kernel_node == "nst0");

  const SgDeviceInfo& c = (*found)[1];
  CHECK(c.name == "sg4");
  CHECK(c.peripheral_type == 0x08);
  CHECK(c.model == "3573-TL");
  CHECK(c.serial == "CHG00042");  // from INQUIRY VPD 0x80: sysfs had none
  CHECK(c.kernel_node == "sch0");
  CHECK(c.hctl == "2:0:3:1");

  const SgDeviceInfo& bare = (*found)[2];
  CHECK(bare.name == "sg10");  // numeric order: sg3, sg4, sg10
  CHECK(bare.vendor.empty());
  CHECK(bare.serial.empty());  // the opener failed: no serial, no error
  CHECK(bare.kernel_node.empty());
  CHECK(opened == 2);          // asked only where sysfs had no serial
}

TEST_CASE("discover_sg asks the device for the INQUIRY unit serial page", "[sg]") {
  TempTree t;
  add_device(t.root, "sg1", "1:0:0:0", "1");
  test::FakeSgDevice* seen = nullptr;
  SgOpener opener = [&](const fs::path&) -> Result<std::unique_ptr<SgDevice>> {
    auto dev = std::make_unique<test::FakeSgDevice>("/dev/sg1");
    std::string page = vpd80("ABC");
    dev->answer.data.assign(page.begin(), page.end());
    seen = dev.get();
    return std::unique_ptr<SgDevice>(std::move(dev));
  };
  // The fake device dies with the transport inside discover_sg; check the
  // CDB through a copy taken while it is alive.
  std::vector<std::uint8_t> cdb;
  SgOpener recording = [&](const fs::path& p) -> Result<std::unique_ptr<SgDevice>> {
    auto r = opener(p);
    struct Recorder final : SgDevice {
      std::unique_ptr<SgDevice> inner;
      std::vector<std::uint8_t>* out;
      int ioctl_sg_io(sg_io_hdr& h) override {
        out->assign(h.cmdp, h.cmdp + h.cmd_len);
        return inner->ioctl_sg_io(h);
      }
      const std::string& path() const override { return inner->path(); }
    };
    auto rec = std::make_unique<Recorder>();
    rec->inner = std::move(r).value();
    rec->out = &cdb;
    return std::unique_ptr<SgDevice>(std::move(rec));
  };
  auto found = discover_sg(t.root, recording);
  REQUIRE(found.ok());
  REQUIRE(found->size() == 1);
  CHECK((*found)[0].serial == "ABC");
  CHECK(seen != nullptr);
  CHECK(cdb == std::vector<std::uint8_t>{0x12, 0x01, 0x80, 0x00, 0xFC, 0x00});
}

TEST_CASE("discover_sg: no scsi_generic class is an empty list", "[sg]") {
  TempTree t;
  auto found = discover_sg(t.root, SgOpener{});
  REQUIRE(found.ok());
  CHECK(found->empty());
}

TEST_CASE("discover_sg on this machine's /sys returns cleanly", "[sg]") {
  auto found = discover_sg("/sys", SgOpener{});  // never opens devices here
  REQUIRE(found.ok());
  for (const auto& d : *found) {
    CHECK((d.peripheral_type == 0x01 || d.peripheral_type == 0x08));
    CHECK(d.spec.rfind("sg:/dev/sg", 0) == 0);
  }
}
