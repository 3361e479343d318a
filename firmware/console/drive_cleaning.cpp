#include "firmware/console/drive_cleaning.hpp"

#include "firmware/console/element_ref.hpp"
#include "firmware/console/library_ops.hpp"
#include "firmware/pools/cartridge_mount.hpp"

namespace tg::firmware::console {

bool cleaning_requested(const std::vector<drivers::TapeAlert>& alerts) {
  for (const auto& a : alerts)
    if (a.flag == 20 || a.flag == 21) return true;
  return false;
}

service::JobBody make_clean_job(Appliance& app, drivers::Library& lib, std::string name,
                                std::shared_ptr<pools::DriveLease> held) {
  Appliance* ap = &app;
  drivers::Library* lp = &lib;
  return [ap, lp, name, held](JobContext& ctx) -> Result<Reply> {
    std::shared_ptr<pools::DriveLease> lease = held;
    if (!lease) {
      auto got = TG_TRY(wait_for_drive(*ap, ctx, job_owner(ctx, "clean " + name), name));
      lease = std::make_shared<pools::DriveLease>(std::move(got));
    }
    auto* drive = &lease->drive();
    const std::uint16_t drive_el = lease->library_drive().element_address;
    std::string barcode;
    {
      auto changer = lock_changer(*ap);
      auto inv = pools::read_inventory(*lp);
      if (!inv) return std::move(inv).error().with_context("reading the inventory");
      if (const auto* del = inv->find_address(drive_el); del && del->full)
        return Error(Errc::element_full, "drive " + name + " holds " + (del->barcode.empty() ? std::string("a cartridge") : del->barcode) +
                                             "; unload it before cleaning");
      const drivers::ElementStatus* cln = nullptr;
      for (const auto* s : inv->of_type(drivers::ElementType::storage))
        if (s->full && is_cleaning_barcode(s->barcode)) {
          cln = s;
          break;
        }
      if (!cln) return Error(Errc::not_found, "no cleaning cartridge (barcode starting with CLN) in a storage slot; import one first");
      barcode = cln->barcode;
      if (auto m = retry_unit_attention([&] { return lp->changer->move(cln->address, drive_el); }); !m)
        return std::move(m).error().with_context("moving cleaning cartridge " + barcode + " into drive " + name);
    }

    ProgressSnapshot p;
    p.phase.set("cleaning");
    p.drive.set(name);
    p.cartridge.set(barcode);
    ctx.progress(p);
    ctx.log(LogLevel::info, "cleaning drive " + name + " with " + barcode);
    // The drive reports the cycle's end by no longer being ready (it
    // ejects the cleaning cartridge); poll TEST UNIT READY, bounded.
    hal::Clock& clock = ap->clock ? *ap->clock : hal::system_clock();
    const auto deadline = clock.now() + std::chrono::minutes(10);
    absorb_unit_attention(*drive);
    while (drive->test_unit_ready().ok()) {
      if (ctx.cancelled() || clock.now() > deadline) break;
      clock.sleep_for(std::chrono::seconds(1));
    }
    if (auto u = drive->unload(); !u && u.error().code != Errc::not_ready)
      ctx.log(LogLevel::warning, "eject after cleaning: " + u.error().message);
    std::string home_l;
    {
      auto changer = lock_changer(*ap);
      auto inv = pools::read_inventory(*lp);
      if (!inv) return std::move(inv).error().with_context("reading the inventory");
      const auto* del = inv->find_address(drive_el);
      const auto* home = del ? pools::home_slot(*inv, *del) : nullptr;
      if (!home) return Error(Errc::element_full, "no empty slot to return cleaning cartridge " + barcode + " to");
      home_l = element_label_long(*home, *inv, *lp);
      if (auto m = retry_unit_attention([&] { return lp->changer->move(drive_el, home->address); }); !m)
        return std::move(m).error().with_context("returning cleaning cartridge " + barcode + " to " + home_l);
    }
    if (ap->log) ap->log->add(LogLevel::notice, "drive " + name, "cleaned with " + barcode);
    Reply r;
    r.field("drive", name).field("cleaning_cartridge", barcode);
    r.note("drive " + name + " cleaned with " + barcode + ", which is back in " + home_l);
    if (auto a = drive->tape_alerts(); a && cleaning_requested(*a)) r.note("TapeAlert still asks for cleaning");
    return r;
  };
}

}  // namespace tg::firmware::console
