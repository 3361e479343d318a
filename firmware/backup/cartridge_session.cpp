#include "firmware/backup/cartridge_session.hpp"

#include <algorithm>
#include <charconv>

#include "drivers/scsi/attributes.hpp"
#include "firmware/backup/backup_job.hpp"
#include "firmware/library/cartridge_moves.hpp"
#include "firmware/pools/cartridge_allocator.hpp"

namespace tg::firmware::backup {

CartridgeSession::CartridgeSession(catalog::Catalog& cat, drivers::Library& lib, library::DriveReservations& drives,
                                   JobContext& ctx, SessionConfig cfg)
    : cat_(cat), lib_(lib), drives_(drives), ctx_(ctx), cfg_(std::move(cfg)) {}

CartridgeSession::~CartridgeSession() = default;

drivers::TapeDrive& CartridgeSession::drive() { return lease_->drive(); }
const std::string& CartridgeSession::drive_name() const { return lease_->name(); }

Result<std::vector<std::string>> CartridgeSession::barcodes_in_library() {
  if (!lib_.changer) return make_error(Errc::unsupported, "library '" + lib_.name + "' has no media changer");
  // Under the changer lock, as every use of the changer shared with other jobs.
  auto inv = TG_TRY(library::read_inventory(drives_));
  std::vector<std::string> out;
  for (const auto& e : inv.elements)
    if (e.full && !e.barcode.empty() &&
        (e.type == drivers::ElementType::storage || e.type == drivers::ElementType::data_transfer))
      out.push_back(e.barcode);
  return out;
}

void CartridgeSession::report(const std::string& phase, const std::string& barcode) {
  if (!snap_) return;
  snap_->phase.set(phase);
  snap_->cartridge.set(barcode);
  if (lease_) snap_->drive.set(lease_->name());
  snap_->cartridges_used = static_cast<std::uint32_t>(used_.size());
  ctx_.progress(*snap_);
}

Result<std::uint32_t> CartridgeSession::append_block_size(const std::string& barcode) {
  auto cart = TG_TRY(cat_.cartridge(barcode));
  const std::uint32_t label = cart.block_size;
  if (label == 0 || label == cfg_.block_size) return cfg_.block_size;  // 0: an old catalog that did not record it
  std::string what = "cartridge " + barcode + " is labelled for " + std::to_string(label) + "-byte blocks";
  if (block_size_locked_) {
    ctx_.log(LogLevel::warning, what + " and this job writes " + std::to_string(cfg_.block_size) +
                                    "-byte blocks: not appending to it in this job (a cartridge keeps the block size "
                                    "of its label); taking another cartridge");
    return 0;
  }
  auto limits = lease_->drive().block_limits();
  auto fits = choose_block_size(label, limits ? *limits : drivers::BlockLimits{});
  if (!fits) {
    ctx_.log(LogLevel::warning, what + ", which drive " + lease_->name() + " cannot write (" + fits.error().message +
                                    "): not appending to it; taking another cartridge");
    return 0;
  }
  return label;
}

std::optional<std::uint64_t> CartridgeSession::room_left() {
  auto attrs = lease_->drive().mam_attributes();
  if (!attrs) return std::nullopt;
  for (const auto& at : *attrs) {
    if (at.id != scsi::mam::remaining_capacity) continue;
    std::uint64_t mib = 0;
    const char* end = at.value.data() + at.value.size();
    auto [p, ec] = std::from_chars(at.value.data(), end, mib);
    if (ec == std::errc() && p == end) return mib << 20;
  }
  return std::nullopt;
}

Status CartridgeSession::mount_next() {
  if (!lease_) {
    auto l = drives_.reserve(cfg_.owner, cfg_.drive);
    if (!l) return std::move(l).error().with_context("backup to pool '" + cfg_.pool + "'");
    lease_.emplace(std::move(*l));
  }
  const std::string prefix = used_.empty() ? "" : "changing cartridge: ";
  std::string asked;  // the operator request on display
  while (true) {
    if (ctx_.cancelled()) return make_error(Errc::cancelled, "job cancelled while looking for a cartridge");
    auto in_lib = TG_TRY(barcodes_in_library());
    auto outcome = TG_TRY(pools::choose_cartridge(cat_, cfg_.pool, cfg_.media_set, in_lib, exclude_));
    if (outcome.needs_operator()) {
      // One prompt; between waits of at most a poll interval (no CPU) the
      // library is looked at again, so a cartridge brought in is taken.
      if (outcome.operator_request != asked) ctx_.log(LogLevel::warning, outcome.operator_request);
      asked = outcome.operator_request;
      if (!ctx_.wait_for_operator(outcome.operator_request, std::min(cfg_.operator_wait, cfg_.operator_poll)))
        return make_error(Errc::cancelled, "job cancelled while waiting for a cartridge: " + outcome.operator_request);
      continue;  // the operator imported something: look again
    }
    const pools::Allocation& a = *outcome.allocation;
    std::uint32_t block_size = cfg_.block_size;
    if (a.action == pools::AllocationAction::append && !used_.empty() && a.sequence < sequence_) {
      // A file spanning cartridges continues on a later cartridge of the
      // set: readers take a set's cartridges in sequence order. An earlier
      // one still called appendable (a rebuilt catalog) was left behind.
      ctx_.log(LogLevel::warning, "cartridge " + a.barcode + " (sequence " + std::to_string(a.sequence) +
                                      ") comes before " + used_.back() + " (sequence " + std::to_string(sequence_) +
                                      ") in media set " + a.media_set +
                                      ": not appending to it in this job; taking another cartridge");
      exclude_.insert(a.barcode);
      continue;
    }
    if (a.action == pools::AllocationAction::append) {
      block_size = TG_TRY(append_block_size(a.barcode));
      if (block_size == 0) {
        exclude_.insert(a.barcode);
        continue;
      }
    }
    report(prefix + "loading " + a.barcode, a.barcode);
    auto ld = library::load_cartridge(lib_, *lease_, a.barcode);
    if (!ld) {
      ctx_.log(LogLevel::error, "cannot load cartridge " + a.barcode + " into drive " + lease_->name() + ": " +
                                    ld.error().message + "; trying another");
      exclude_.insert(a.barcode);
      continue;
    }
    if (a.action == pools::AllocationAction::append) {
      // The catalog may call a cartridge appendable that is full (a crash
      // before its state was recorded, a catalog rebuilt from the tapes): a
      // write past its end would fail on a cartridge that holds nothing of
      // this job. Its cartridge memory tells.
      if (auto room = room_left(); room && *room < 2ull * block_size) {
        ctx_.log(LogLevel::warning, "cartridge " + a.barcode + " has " + std::to_string(*room >> 20) +
                                        " MiB left (cartridge memory) although the catalog had it appendable: "
                                        "marked full; taking another cartridge");
        TG_CHECK(cat_.set_cartridge_state(a.barcode, catalog::CartridgeState::full,
                                          "no room left when a job came to append (cartridge memory)"));
        exclude_.insert(a.barcode);
        Status u = library::unload_home(lib_, *lease_);
        if (!u) return std::move(u).error();
        continue;
      }
    }
    auto mounted = pools::mount_for_write(cat_, *lease_, a, block_size, cfg_.host);
    if (!mounted) {
      Error e = std::move(mounted).error();
      // A foreign or mislabelled cartridge is refused, not overwritten:
      // skip it and tell the operator.
      ctx_.log(LogLevel::error, "cartridge " + a.barcode + " in drive " + lease_->name() +
                                    " cannot be written: " + e.message + "; trying another");
      exclude_.insert(a.barcode);
      if (e.code == Errc::cancelled) return e;
      if (e.code != Errc::foreign_medium && e.code != Errc::data_protect && e.code != Errc::medium_error &&
          e.code != Errc::invalid_argument && e.code != Errc::parse_error && e.code != Errc::unsupported)
        return e;
      Status u = library::unload_home(lib_, *lease_);
      if (!u) return std::move(u).error();
      continue;
    }
    if (block_size != cfg_.block_size) {
      ctx_.log(LogLevel::notice, "cartridge " + a.barcode + " is labelled for " + std::to_string(block_size) +
                                     "-byte blocks: the job appends to it, and labels its next cartridges, in that "
                                     "size instead of " + std::to_string(cfg_.block_size) + " bytes");
      cfg_.block_size = block_size;
    }
    barcode_ = a.barcode;
    sequence_ = a.sequence;
    next_file_ = mounted->next_file_number;
    position_ = mounted->position;
    used_.push_back(a.barcode);
    exclude_.insert(a.barcode);  // once left, never come back to it in this job
    ctx_.log(LogLevel::info, std::string("writing to cartridge ") + a.barcode + " (" +
                                 pools::allocation_action_name(a.action) + ", media set " + a.media_set +
                                 " sequence " + std::to_string(a.sequence) + ") in drive " + lease_->name() +
                                 " from tape file " + std::to_string(next_file_));
    return {};
  }
}

Status CartridgeSession::retire_full() {
  TG_CHECK(cat_.set_cartridge_state(barcode_, catalog::CartridgeState::full, "end of medium reached"));
  ctx_.log(LogLevel::info, "cartridge " + barcode_ + " is full");
  report("changing cartridge: unloading " + barcode_ + " (full)", barcode_);
  Status u = library::unload_home(lib_, *lease_);
  barcode_.clear();
  return u;
}

Status CartridgeSession::retire_bad(const std::string& why) {
  TG_CHECK(cat_.set_cartridge_state(barcode_, catalog::CartridgeState::bad, why));
  ctx_.log(LogLevel::error, "cartridge " + barcode_ + " marked bad: " + why);
  report("changing cartridge: unloading " + barcode_ + " (marked bad)", barcode_);
  Status u = library::unload_home(lib_, *lease_);
  barcode_.clear();
  if (!u) ctx_.log(LogLevel::error, "unloading the failed cartridge: " + u.error().message);
  return {};
}

Status CartridgeSession::finish() {
  if (!lease_) return {};
  Status u = library::unload_home(lib_, *lease_);
  barcode_.clear();
  lease_->release();
  lease_.reset();
  return u;
}

}  // namespace tg::firmware::backup
