// USB discovery: the usb-storage sysfs path on a fake tree, and the real
// machine (no USB here: an empty list, not an error).
#include <catch2/catch.hpp>

#include <stdlib.h>

#include <fstream>

#include "drivers/usb/usb_discovery.hpp"
#include "drivers/usb/usb_device.hpp"

using namespace tg;
using namespace tg::usb;
namespace fs = std::filesystem;

namespace {

struct TempDir {
  fs::path root;
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "tg-usb-XXXXXX").string();
    REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
    root = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(root, ec);
  }
};

void write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

}  // namespace

TEST_CASE("sysfs_usb_storage_luns finds tape and changer LUNs below a USB interface", "[usb]") {
  TempDir t;
  fs::path intf = t.root / "bus/usb/devices/1-1.4:1.0";
  fs::path target = intf / "host6/target6:0:0";
  write(target / "6:0:0:0/type", "1\n");
  write(target / "6:0:0:0/vendor", "HP      \n");
  write(target / "6:0:0:0/model", "Ultrium 5-SCSI  \n");
  write(target / "6:0:0:0/rev", "Z6ED\n");
  write(target / "6:0:0:0/vpd_pg80", std::string("\x01\x80\x00\x0A", 4) + "HU1234ABCD");
  fs::create_directories(target / "6:0:0:0/scsi_generic/sg2");
  write(target / "6:0:0:1/type", "8\n");
  write(target / "6:0:0:1/model", "Autoloader\n");
  write(target / "6:0:0:2/type", "0\n");  // a disk LUN: not listed
  fs::create_directories(intf / "power");

  auto luns = sysfs_usb_storage_luns(intf);
  REQUIRE(luns.size() == 2);
  CHECK(luns[0].lun == 0);
  CHECK(luns[0].peripheral_type == 0x01);
  CHECK(luns[0].vendor == "HP");
  CHECK(luns[0].product == "Ultrium 5-SCSI");
  CHECK(luns[0].revision == "Z6ED");
  CHECK(luns[0].serial == "HU1234ABCD");
  CHECK(luns[0].sg_name == "sg2");
  CHECK(luns[1].lun == 1);
  CHECK(luns[1].peripheral_type == 0x08);
  CHECK(luns[1].product == "Autoloader");

  CHECK(sysfs_usb_storage_luns(t.root / "nonexistent").empty());
}

TEST_CASE("UsbDeviceInfo::spec gives the board syntax", "[usb]") {
  UsbDeviceInfo d{.vendor_id = 0x03F0, .product_id = 0x0107, .serial = "HU1234"};
  CHECK(d.spec() == "usb:03f0:0107:HU1234");
  CHECK(d.spec(1) == "usb:03f0:0107:HU1234/1");
}

TEST_CASE("discover_usb on this machine returns cleanly", "[usb]") {
  auto found = discover_usb();
  REQUIRE(found.ok());
  for (const auto& d : *found) {
    CAPTURE(d.spec());
    if (d.probed) {
      REQUIRE_FALSE(d.luns.empty());
      for (const auto& l : d.luns) CHECK((l.peripheral_type == 0x01 || l.peripheral_type == 0x08));
    } else {
      CHECK_FALSE(d.note.empty());
    }
  }
}

TEST_CASE("open_usb_transport rejects bad specs and absent devices", "[usb]") {
  auto bad = open_usb_transport("usb:zzzz:1");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == Errc::invalid_argument);
  // No such device (or no USB at all on a build machine).
  auto absent = open_usb_transport("usb:ffff:fffe:NO-SUCH-SERIAL");
  REQUIRE_FALSE(absent.ok());
  CHECK((absent.error().code == Errc::not_found || absent.error().code == Errc::unsupported));
}
