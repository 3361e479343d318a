#include "drivers/sg/sg_discovery.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <fstream>
#include <iterator>
#include <system_error>

#include "drivers/scsi/cdb_spc.hpp"
#include "drivers/scsi/inquiry.hpp"
#include "drivers/scsi/opcodes.hpp"
#include "drivers/sg/sg_transport.hpp"

namespace tg::sg {
namespace fs = std::filesystem;
namespace {

std::string trim(std::string s) {
  auto not_space = [](unsigned char c) { return c != ' ' && c != '\n' && c != '\t' && c != '\0' && c != '\r'; };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
  s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
  return s;
}

// sysfs attributes are small; read whole, empty string when absent.
std::string read_attr(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return {};
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::string serial_from_vpd80(std::span<const std::uint8_t> page) {
  auto serial = scsi::parse_unit_serial(page);
  return serial.ok() ? trim(*serial) : std::string{};
}

std::string serial_by_inquiry(const fs::path& node, const SgOpener& opener) {
  if (!opener) return {};
  auto dev = opener(node);
  if (!dev.ok()) return {};
  SgTransport t(std::move(dev).value());
  const scsi::Cdb6 cdb = scsi::inquiry_vpd(scsi::vpd_page::unit_serial, 0xFC);
  std::array<std::uint8_t, 0xFC> buf{};
  auto r = t.execute({.cdb = cdb,
                      .direction = hal::DataDirection::from_device,
                      .data_in = buf,
                      .timeout = std::chrono::milliseconds(10'000)});
  if (!r.ok() || !r->good()) return {};
  return serial_from_vpd80(std::span<const std::uint8_t>(buf.data(), r->transferred));
}

// "sg12" -> 12, for ordering; names that do not fit sort last.
long sg_number(const std::string& name) {
  long n = -1;
  if (name.size() <= 2) return -1;
  auto [end, err] = std::from_chars(name.data() + 2, name.data() + name.size(), n);
  if (err != std::errc{} || end != name.data() + name.size()) return -1;
  return n;
}

std::string first_entry(const fs::path& dir, const std::string& prefix) {
  std::error_code ec;
  std::vector<std::string> names;
  for (fs::directory_iterator it(dir, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
    std::string n = it->path().filename().string();
    if (n.rfind(prefix, 0) == 0) names.push_back(n);
  }
  std::sort(names.begin(), names.end());
  return names.empty() ? std::string{} : names.front();
}

}  // namespace

std::optional<SysfsScsiDevice> read_sysfs_scsi_device(const fs::path& dir) {
  std::string type_text = trim(read_attr(dir / "type"));
  int type = -1;
  auto [end, err] = std::from_chars(type_text.data(), type_text.data() + type_text.size(), type);
  if (type_text.empty() || err != std::errc{} || end != type_text.data() + type_text.size() || type < 0 || type > 0x1F)
    return std::nullopt;
  SysfsScsiDevice d;
  d.peripheral_type = static_cast<std::uint8_t>(type);
  d.vendor = trim(read_attr(dir / "vendor"));
  d.model = trim(read_attr(dir / "model"));
  d.revision = trim(read_attr(dir / "rev"));
  d.state = trim(read_attr(dir / "state"));
  // The SCSI device directory is named by its address: the link target.
  std::error_code ec;
  fs::path real = fs::canonical(dir, ec);
  if (!ec) {
    std::string base = real.filename().string();
    if (std::count(base.begin(), base.end(), ':') == 3) d.hctl = base;
  }
  std::string vpd = read_attr(dir / "vpd_pg80");
  d.serial = serial_from_vpd80(
      std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(vpd.data()), vpd.size()));
  return d;
}

Result<std::vector<SgDeviceInfo>> discover_sg(const fs::path& sysfs_root) {
  return discover_sg(sysfs_root, [](const fs::path& p) -> Result<std::unique_ptr<SgDevice>> {
    auto d = TG_TRY(LinuxSgDevice::open(p));
    return std::unique_ptr<SgDevice>(std::move(d));
  });
}

Result<std::vector<SgDeviceInfo>> discover_sg(const fs::path& sysfs_root, const SgOpener& opener) {
  std::vector<SgDeviceInfo> found;
  const fs::path cls = sysfs_root / "class" / "scsi_generic";
  std::error_code ec;
  if (!fs::exists(cls, ec)) return found;
  fs::directory_iterator it(cls, ec);
  if (ec) return Error(Errc::io_error, "cannot list " + cls.string() + ": " + ec.message());

  // Increment with an error_code: sysfs entries come and go under hotplug,
  // and a vanished entry must not throw.
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    const fs::directory_entry& entry = *it;
    SgDeviceInfo info;
    info.name = entry.path().filename().string();
    const fs::path dev = entry.path() / "device";
    auto scsi = read_sysfs_scsi_device(dev);
    if (!scsi) continue;  // vanished, or not a SCSI device
    if (scsi->peripheral_type != tg::scsi::device_type::tape && scsi->peripheral_type != tg::scsi::device_type::medium_changer)
      continue;
    const int type = scsi->peripheral_type;
    info.peripheral_type = scsi->peripheral_type;
    info.node = fs::path("/dev") / info.name;
    info.spec = "sg:" + info.node.string();
    info.vendor = scsi->vendor;
    info.model = scsi->model;
    info.revision = scsi->revision;
    info.state = scsi->state;
    info.hctl = scsi->hctl;
    info.serial = scsi->serial;
    if (info.serial.empty()) info.serial = serial_by_inquiry(info.node, opener);
    if (type == tg::scsi::device_type::tape) {
      // st registers st0, nst0, st0l, ...: name the no-rewind node.
      // Sorted, the plain "nstN" comes before its mode variants "nstNa/l/m".
      info.kernel_node = first_entry(dev / "scsi_tape", "nst");
    } else {
      info.kernel_node = first_entry(dev / "scsi_changer", "sch");
    }
    found.push_back(std::move(info));
  }
  if (ec) return Error(Errc::io_error, "cannot list " + cls.string() + ": " + ec.message());
  std::sort(found.begin(), found.end(), [](const SgDeviceInfo& a, const SgDeviceInfo& b) {
    long na = sg_number(a.name), nb = sg_number(b.name);
    if (na != nb) return na >= 0 && (nb < 0 || na < nb);
    return a.name < b.name;
  });
  return found;
}

}  // namespace tg::sg
