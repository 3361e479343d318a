#include "drivers/iscsi/drive_mapping.hpp"

#include <algorithm>
#include <set>

namespace tg::drivers::iscsi {
namespace {

std::string addresses_text(const std::vector<DriveElement>& elements) {
  std::string s;
  for (const auto& e : elements) s += (s.empty() ? "" : ", ") + std::to_string(e.address);
  return s.empty() ? "none" : s;
}

}  // namespace

const char* mapping_source_name(MappingSource s) {
  switch (s) {
    case MappingSource::dvcid_serial: return "drive serial (DVCID)";
    case MappingSource::board_file: return "board file";
    case MappingSource::order: return "order";
    case MappingSource::none: return "not in changer";
  }
  return "?";
}

bool identifier_names_serial(const std::string& identifier, const std::string& serial) {
  if (serial.empty() || identifier.empty()) return false;
  if (identifier == serial) return true;
  if (identifier.size() <= serial.size()) return false;
  if (identifier.compare(identifier.size() - serial.size(), serial.size(), serial) != 0) return false;
  return identifier[identifier.size() - serial.size() - 1] == ' ';
}

Result<std::vector<DriveAssignment>> map_drives_to_elements(const std::vector<DriveLun>& drives_in,
                                                           const std::vector<DriveElement>& elements_in,
                                                           const std::map<int, std::uint16_t>& board_map) {
  std::vector<DriveLun> drives = drives_in;
  std::sort(drives.begin(), drives.end(), [](const auto& a, const auto& b) { return a.lun < b.lun; });
  std::vector<DriveElement> elements = elements_in;
  std::sort(elements.begin(), elements.end(), [](const auto& a, const auto& b) { return a.address < b.address; });

  std::vector<DriveAssignment> out;
  for (const auto& d : drives) out.push_back({.lun = d.lun, .serial = d.serial});
  std::set<std::uint16_t> taken;

  // 1. DVCID serials.
  for (const auto& e : elements) {
    if (e.identifier.empty()) continue;
    DriveAssignment* match = nullptr;
    for (auto& a : out) {
      if (!identifier_names_serial(e.identifier, a.serial)) continue;
      if (match != nullptr) {
        return Error(Errc::invalid_argument, "drive element " + std::to_string(e.address) + " reports '" +
                                                 e.identifier + "', which matches LUN " + std::to_string(match->lun) +
                                                 " and LUN " + std::to_string(a.lun) + " (duplicate serials)");
      }
      match = &a;
    }
    if (match == nullptr) continue;
    if (match->element) {
      return Error(Errc::invalid_argument, "drive serial '" + match->serial + "' (LUN " + std::to_string(match->lun) +
                                               ") is reported in elements " + std::to_string(*match->element) +
                                               " and " + std::to_string(e.address));
    }
    match->element = e.address;
    match->source = MappingSource::dvcid_serial;
    taken.insert(e.address);
  }

  // 2. The board file, checked against the changer and against DVCID.
  std::set<std::uint16_t> board_targets;
  for (const auto& entry : board_map) {
    // Plain copies, not structured bindings: lambdas cannot capture those
    // before C++20 support in clang 16 (the fuzz build uses clang 14).
    const int lun = entry.first;
    const std::uint16_t address = entry.second;
    auto a = std::find_if(out.begin(), out.end(), [&](const auto& x) { return x.lun == lun; });
    if (a == out.end()) {
      return Error(Errc::invalid_argument, "board file maps LUN " + std::to_string(lun) + " to element " +
                                               std::to_string(address) + ", but the target has no tape drive at LUN " +
                                               std::to_string(lun));
    }
    if (std::none_of(elements.begin(), elements.end(), [&](const auto& e) { return e.address == address; })) {
      return Error(Errc::invalid_argument, "board file maps LUN " + std::to_string(lun) + " to element " +
                                               std::to_string(address) + ", but the changer has no drive element " +
                                               std::to_string(address) + " (it has " + addresses_text(elements) + ")");
    }
    if (!board_targets.insert(address).second) {
      return Error(Errc::invalid_argument,
                   "board file maps two LUNs to drive element " + std::to_string(address));
    }
    if (a->source == MappingSource::dvcid_serial) {
      if (*a->element != address) {
        return Error(Errc::invalid_argument, "board file maps LUN " + std::to_string(lun) + " to element " +
                                                 std::to_string(address) + ", but the changer reports its serial '" +
                                                 a->serial + "' in element " + std::to_string(*a->element));
      }
      continue;
    }
    if (taken.count(address) != 0) {
      return Error(Errc::invalid_argument, "board file maps LUN " + std::to_string(lun) + " to element " +
                                               std::to_string(address) +
                                               ", but the changer reports another drive's serial there");
    }
    a->element = address;
    a->source = MappingSource::board_file;
    taken.insert(address);
  }

  // 3. Order, for what is left.
  auto next = elements.begin();
  for (auto& a : out) {
    if (a.element) continue;
    while (next != elements.end() && taken.count(next->address) != 0) ++next;
    if (next == elements.end()) break;
    a.element = next->address;
    a.source = MappingSource::order;
    taken.insert(next->address);
  }
  return out;
}

}  // namespace tg::drivers::iscsi
