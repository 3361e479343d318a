#include "firmware/restore/cartridge_source.hpp"

#include <algorithm>

#include "firmware/library/cartridge_moves.hpp"

namespace tg::firmware::restore {

LibraryCartridges::LibraryCartridges(library::DriveReservations& drives, LibraryCartridgesOptions options)
    : drives_(drives), options_(std::move(options)) {}

LibraryCartridges::~LibraryCartridges() { (void)release(); }

Result<TapeReader*> LibraryCartridges::mount(const std::string& barcode, const std::string& why, JobContext& ctx) {
  drivers::Library& lib = drives_.library();
  if (lib.changer == nullptr) return make_error(Errc::unsupported, "library " + lib.name + " has no changer");
  // Waiting, like every job: a console command holding the drive for a
  // moment (status, drive info) must not fail the restore.
  if (!lease_) lease_.emplace(TG_TRY(library::wait_for_drive(drives_, ctx, options_.owner, options_.drive, barcode)));
  reader_.reset();
  if (auto loaded = lease_->loaded(); loaded && *loaded != barcode) TG_CHECK(library::unload_home(lib, *lease_));
  std::chrono::milliseconds waited{0};
  std::string announced;
  for (;;) {
    // read_inventory absorbs the unit attention (28/01) the operator's
    // visit to the mail slot raised.
    auto inv = TG_TRY(library::read_inventory(drives_));
    const drivers::ElementStatus* el = inv.find_barcode(barcode);
    std::string request = "insert cartridge " + barcode + " (" + why + ") into a mail slot and run 'import'";
    if (el && el->type == drivers::ElementType::import_export) {
      // The operator put it in a mail slot: take it in first. An export
      // nobody has taken out stays where it is (import leaves those), so
      // looking again would find it there again: the operator is asked.
      auto imported = library::import_mailslots(drives_);
      if (!imported) return std::move(imported).error().with_context("importing cartridge " + barcode);
      if (std::find(imported->begin(), imported->end(), barcode) != imported->end()) continue;
      request = "cartridge " + barcode + " (" + why + ") waits in " + drives_.library().changer->element_label(el->address) +
                " as an export: take it out, insert it into a mail slot again and run 'import'";
      el = nullptr;
    }
    if (el) {
      TG_CHECK(library::load_cartridge(lib, *lease_, barcode));
      reader_ = std::make_unique<DriveTapeReader>(lease_->drive());
      return reader_.get();
    }
    if (waited >= options_.operator_wait)
      return make_error(Errc::not_found, "cartridge " + barcode + " (" + why + ") was not brought into library " + lib.name +
                                             " within " + std::to_string(std::chrono::duration_cast<std::chrono::minutes>(waited).count()) +
                                             " min of asking the operator");
    if (request != announced) {
      // Said once per request; the waits below keep that one prompt up.
      ctx.log(LogLevel::notice, "cartridge " + barcode + " is needed and not in the library: " + request);
      ProgressSnapshot p;
      p.phase.set("waiting for cartridge");
      p.cartridge.set(barcode);
      ctx.progress(p);
      announced = request;
    }
    // Sleeps until the operator answers, the job is cancelled, or the poll
    // interval passes: then the changer is looked at again.
    if (!ctx.wait_for_operator(request, options_.poll))
      return make_error(Errc::cancelled, "cancelled while waiting for cartridge " + barcode);
    waited += options_.poll;
  }
}

Status LibraryCartridges::release() {
  reader_.reset();
  if (!lease_) return {};
  Status s = library::unload_home(drives_.library(), *lease_);
  lease_.reset();   // the lease's destructor frees the drive
  return s;
}

Result<std::vector<std::string>> LibraryCartridges::barcodes_in_library() {
  return library::barcodes_in_library(drives_);
}

}  // namespace tg::firmware::restore
