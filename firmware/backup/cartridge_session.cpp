#include "firmware/backup/cartridge_session.hpp"

#include "firmware/pools/cartridge_allocator.hpp"

namespace tg::firmware::backup {

CartridgeSession::CartridgeSession(catalog::Catalog& cat, drivers::Library& lib, pools::DriveReservations& drives,
                                   JobContext& ctx, SessionConfig cfg)
    : cat_(cat), lib_(lib), drives_(drives), ctx_(ctx), cfg_(std::move(cfg)) {}

CartridgeSession::~CartridgeSession() = default;

drivers::TapeDrive& CartridgeSession::drive() { return lease_->drive(); }
const std::string& CartridgeSession::drive_name() const { return lease_->name(); }

Result<std::vector<std::string>> CartridgeSession::barcodes_in_library() {
  if (!lib_.changer) return make_error(Errc::unsupported, "library '" + lib_.name + "' has no media changer");
  auto r = lib_.changer->inventory();
  // A changer reports UNIT ATTENTION once after power-on or an operator
  // action at the mail slots; the inventory it then returns is current.
  if (!r && r.error().code == Errc::unit_attention) r = lib_.changer->inventory();
  auto inv = TG_TRY(std::move(r));
  std::vector<std::string> out;
  for (const auto& e : inv.elements)
    if (e.full && !e.barcode.empty() &&
        (e.type == drivers::ElementType::storage || e.type == drivers::ElementType::data_transfer))
      out.push_back(e.barcode);
  return out;
}

Status CartridgeSession::mount_next() {
  if (!lease_) {
    auto l = drives_.reserve(cfg_.owner, cfg_.drive);
    if (!l) return std::move(l).error().with_context("backup to pool '" + cfg_.pool + "'");
    lease_.emplace(std::move(*l));
  }
  while (true) {
    if (ctx_.cancelled()) return make_error(Errc::cancelled, "job cancelled while looking for a cartridge");
    auto in_lib = TG_TRY(barcodes_in_library());
    auto outcome = TG_TRY(pools::choose_cartridge(cat_, cfg_.pool, cfg_.media_set, in_lib, exclude_));
    if (outcome.needs_operator()) {
      ctx_.log(LogLevel::warning, outcome.operator_request);
      if (!ctx_.wait_for_operator(outcome.operator_request, cfg_.operator_wait))
        return make_error(Errc::cancelled, "job cancelled while waiting for a cartridge: " + outcome.operator_request);
      continue;  // the operator imported something: look again
    }
    const pools::Allocation& a = *outcome.allocation;
    Status ld = pools::load_cartridge(lib_, *lease_, a.barcode);
    if (!ld) {
      ctx_.log(LogLevel::error, "cannot load cartridge " + a.barcode + " into drive " + lease_->name() + ": " +
                                    ld.error().message + "; trying another");
      exclude_.insert(a.barcode);
      continue;
    }
    auto mounted = pools::mount_for_write(cat_, *lease_, a, cfg_.block_size, cfg_.host);
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
      Status u = pools::unload_cartridge(lib_, *lease_);
      if (!u) return std::move(u).error();
      continue;
    }
    barcode_ = a.barcode;
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
  Status u = pools::unload_cartridge(lib_, *lease_);
  barcode_.clear();
  return u;
}

Status CartridgeSession::retire_bad(const std::string& why) {
  TG_CHECK(cat_.set_cartridge_state(barcode_, catalog::CartridgeState::bad, why));
  ctx_.log(LogLevel::error, "cartridge " + barcode_ + " marked bad: " + why);
  Status u = pools::unload_cartridge(lib_, *lease_);
  barcode_.clear();
  if (!u) ctx_.log(LogLevel::error, "unloading the failed cartridge: " + u.error().message);
  return {};
}

Status CartridgeSession::finish() {
  if (!lease_) return {};
  Status u = pools::unload_cartridge(lib_, *lease_);
  barcode_.clear();
  lease_->release();
  lease_.reset();
  return u;
}

}  // namespace tg::firmware::backup
