// Names of the catalog's enums: the words stored in the database, printed
// by the console and written in the on-tape catalog copy. Changing one is a
// schema change.
#include <array>
#include <utility>

#include "firmware/catalog/catalog_types.hpp"

namespace tg::firmware::catalog {

namespace {
template <class E, std::size_t N>
const char* name_of(const std::array<std::pair<E, const char*>, N>& table, E v) {
  for (const auto& [e, n] : table)
    if (e == v) return n;
  return "?";
}
template <class E, std::size_t N>
std::optional<E> parse_of(const std::array<std::pair<E, const char*>, N>& table, std::string_view s) {
  for (const auto& [e, n] : table)
    if (s == n) return e;
  return std::nullopt;
}

constexpr std::array<std::pair<AllocationPolicy, const char*>, 2> kPolicies{{
    {AllocationPolicy::continue_set, "continue"},
    {AllocationPolicy::new_set_per_job, "always"},
}};
constexpr std::array<std::pair<CartridgeState, const char*>, 8> kCartridgeStates{{
    {CartridgeState::unknown, "unknown"},
    {CartridgeState::blank, "blank"},
    {CartridgeState::appendable, "appendable"},
    {CartridgeState::full, "full"},
    {CartridgeState::expired, "expired"},
    {CartridgeState::bad, "bad"},
    {CartridgeState::foreign, "foreign"},
    {CartridgeState::cleaning, "cleaning"},
}};
constexpr std::array<std::pair<JobKind, const char*>, 4> kJobKinds{{
    {JobKind::backup, "backup"},
    {JobKind::restore, "restore"},
    {JobKind::verify, "verify"},
    {JobKind::rebuild, "rebuild"},
}};
constexpr std::array<std::pair<JobState, const char*>, 5> kJobStates{{
    {JobState::running, "running"},
    {JobState::done, "done"},
    {JobState::failed, "failed"},
    {JobState::cancelled, "cancelled"},
    {JobState::interrupted, "interrupted"},
}};
constexpr std::array<std::pair<TapeFileKind, const char*>, 3> kTapeFileKinds{{
    {TapeFileKind::label, "label"},
    {TapeFileKind::data, "data"},
    {TapeFileKind::catalog_copy, "catalog-copy"},
}};
constexpr std::array<std::pair<TapeFileState, const char*>, 3> kTapeFileStates{{
    {TapeFileState::open, "open"},
    {TapeFileState::closed, "closed"},
    {TapeFileState::incomplete, "incomplete"},
}};
constexpr std::array<std::pair<BackupKind, const char*>, 2> kBackupKinds{{
    {BackupKind::full, "full"},
    {BackupKind::incremental, "incremental"},
}};
}  // namespace

const char* allocation_policy_name(AllocationPolicy p) { return name_of(kPolicies, p); }
std::optional<AllocationPolicy> parse_allocation_policy(std::string_view s) { return parse_of(kPolicies, s); }
const char* cartridge_state_name(CartridgeState s) { return name_of(kCartridgeStates, s); }
std::optional<CartridgeState> parse_cartridge_state(std::string_view s) { return parse_of(kCartridgeStates, s); }
const char* job_kind_name(JobKind k) { return name_of(kJobKinds, k); }
std::optional<JobKind> parse_job_kind(std::string_view s) { return parse_of(kJobKinds, s); }
const char* job_state_name(JobState s) { return name_of(kJobStates, s); }
std::optional<JobState> parse_job_state(std::string_view s) { return parse_of(kJobStates, s); }
const char* tape_file_kind_name(TapeFileKind k) { return name_of(kTapeFileKinds, k); }
std::optional<TapeFileKind> parse_tape_file_kind(std::string_view s) { return parse_of(kTapeFileKinds, s); }
const char* tape_file_state_name(TapeFileState s) { return name_of(kTapeFileStates, s); }
std::optional<TapeFileState> parse_tape_file_state(std::string_view s) { return parse_of(kTapeFileStates, s); }
const char* backup_kind_name(BackupKind k) { return name_of(kBackupKinds, k); }
std::optional<BackupKind> parse_backup_kind(std::string_view s) { return parse_of(kBackupKinds, s); }

}  // namespace tg::firmware::catalog
