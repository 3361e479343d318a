#include "firmware/console/drive_cleaning.hpp"

#include "firmware/console/library_ops.hpp"
#include "firmware/library/drive_cleaning.hpp"

namespace tg::firmware::console {

service::JobBody make_clean_job(Appliance& app, drivers::Library& lib, std::string name,
                                std::shared_ptr<library::DriveLease> held) {
  Appliance* ap = &app;
  drivers::Library* lp = &lib;
  return [ap, lp, name, held](JobContext& ctx) -> Result<Reply> {
    std::shared_ptr<library::DriveLease> lease = held;
    if (!lease) {
      auto got = TG_TRY(wait_for_drive(*ap, ctx, job_owner(ctx, "clean " + name), name));
      lease = std::make_shared<library::DriveLease>(std::move(got));
    }
    hal::Clock& clock = ap->clock ? *ap->clock : hal::system_clock();
    auto cleaned = TG_TRY(library::clean_drive(*lp, *lease, ctx, clock));
    const std::string home = lp->changer->element_label(cleaned.home);
    if (ap->log) ap->log->add(LogLevel::notice, "drive " + name, "cleaned with " + cleaned.cartridge);
    Reply r;
    r.field("drive", name).field("cleaning_cartridge", cleaned.cartridge);
    r.note("drive " + name + " cleaned with " + cleaned.cartridge + ", which is back in " + home);
    if (cleaned.still_requested) r.note("TapeAlert still asks for cleaning");
    return r;
  };
}

}  // namespace tg::firmware::console
