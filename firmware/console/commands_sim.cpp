// sim insert, sim remove: the simulated operator's hands at the mail slots,
// so operator prompts can be answered on a simulated library (and tested
// end to end). On real hardware the operator acts at the library.
#include "firmware/console/command_context.hpp"
#include "firmware/console/commands.hpp"
#include "firmware/console/library_ops.hpp"
#include "firmware/library/cartridge_moves.hpp"

namespace tg::firmware::console {
namespace {

using drivers::ElementType;

Result<drivers::OperatorHands*> hands(CommandContext& c, drivers::Library& lib) {
  if (!lib.hands)
    return Error(Errc::unsupported, "library " + lib.name + " is real hardware: the operator puts cartridges into and takes "
                                    "them out of its mail slots at the library itself (then 'import')");
  (void)c;
  return lib.hands;
}

// The mail slot `--mailslot N` names: the Nth in address order, from 1.
Result<const drivers::ElementStatus*> mail_slot(const drivers::Inventory& inv, const std::string& n) {
  auto slots = inv.of_type(ElementType::import_export);
  std::size_t i = 0;
  for (char ch : n) {
    if (ch < '0' || ch > '9' || i > 100000) return Error(Errc::invalid_argument, "--mailslot needs a number, not '" + n + "'");
    i = i * 10 + static_cast<std::size_t>(ch - '0');
  }
  if (n.empty() || i == 0 || i > slots.size())
    return Error(Errc::invalid_argument, "--mailslot must be between 1 and " + std::to_string(slots.size()));
  return slots[i - 1];
}

Result<Reply> sim_insert(CommandContext& c) {
  auto* lib = TG_TRY(c.library());
  auto* h = TG_TRY(hands(c, *lib));
  const std::string& barcode = c.arg(0);
  auto inv = TG_TRY(read_inventory(c.app, *lib));
  if (const auto* in = inv.find_barcode(barcode))
    return Error(Errc::busy, "cartridge " + barcode + " is already in the library (" + lib->changer->element_label(in->address) + ")");
  const drivers::ElementStatus* slot = nullptr;
  if (const auto* n = c.req.args.get("mailslot")) {
    slot = TG_TRY(mail_slot(inv, *n));
  } else {
    for (const auto* m : inv.of_type(ElementType::import_export))
      if (!m->full && m->access) {
        slot = m;
        break;
      }
    if (!slot) return Error(Errc::element_full, "every mail slot is full: 'sim remove --mailslot N' takes one out");
  }
  if (slot->full)
    return Error(Errc::element_full, lib->changer->element_label(slot->address) + " holds " +
                                         (slot->barcode.empty() ? std::string("a cartridge") : slot->barcode));
  TG_CHECK(h->put_in(slot->address, barcode));
  const std::string where = lib->changer->element_label(slot->address);
  if (c.app.log) c.app.log->add(LogLevel::info, "operator", "put " + barcode + " into " + where + " (simulated)");
  Reply r;
  r.field("barcode", barcode).field("mail_slot", where);
  r.note("put " + barcode + " into " + where + "; 'import' takes it into the library");
  return r;
}

Result<Reply> sim_remove(CommandContext& c) {
  auto* lib = TG_TRY(c.library());
  auto* h = TG_TRY(hands(c, *lib));
  const auto* n = c.req.args.get("mailslot");
  if ((n == nullptr) == c.args().empty())
    return Error(Errc::invalid_argument, "name a barcode or --mailslot N (one of them); usage: " + c.req.spec->usage);
  auto inv = TG_TRY(read_inventory(c.app, *lib));
  const drivers::ElementStatus* slot = nullptr;
  if (n) {
    slot = TG_TRY(mail_slot(inv, *n));
    if (!slot->full) return Error(Errc::element_empty, lib->changer->element_label(slot->address) + " is empty");
  } else {
    slot = inv.find_barcode(c.arg(0));
    if (!slot) return Error(Errc::not_found, "no cartridge with barcode " + c.arg(0) + " in library " + lib->name);
    if (slot->type != ElementType::import_export)
      return Error(Errc::invalid_argument, "cartridge " + c.arg(0) + " is in " + lib->changer->element_label(slot->address) +
                                               ", not in a mail slot: 'export " + c.arg(0) + "' moves it there first");
  }
  const std::string where = lib->changer->element_label(slot->address);
  auto barcode = TG_TRY(h->take_out(slot->address));
  if (c.app.log) c.app.log->add(LogLevel::info, "operator", "took " + barcode + " out of " + where + " (simulated)");
  Reply r;
  r.field("barcode", cell_or_none(barcode)).field("mail_slot", where);
  r.note("took " + (barcode.empty() ? std::string("the cartridge") : barcode) + " out of " + where +
         "; its data is kept outside the library ('sim insert " + barcode + "' brings it back)");
  return r;
}

}  // namespace

Status register_sim_commands(CommandTable& t) {
  TG_CHECK(t.add({.name = "sim insert", .usage = "sim insert BARCODE [--mailslot N]",
                  .summary = "simulated operator: put a cartridge into a mail slot",
                  .help = "A barcode new to the library is a blank cartridge; one taken out earlier comes back with its data. "
                          "Mail slots count from 1 in address order; without --mailslot the first empty one. Then 'import'.",
                  .handler = sim_insert, .simulated_only = true, .min_args = 1, .max_args = 1,
                  .options = {{"mailslot", true}}, .role = access::Role::operator_}));
  TG_CHECK(t.add({.name = "sim remove", .usage = "sim remove BARCODE|--mailslot N",
                  .summary = "simulated operator: take a cartridge out of a mail slot",
                  .help = "The cartridge leaves the library; its data stays in the state directory for a later 'sim insert'.",
                  .handler = sim_remove, .simulated_only = true, .min_args = 0, .max_args = 1,
                  .options = {{"mailslot", true}}, .role = access::Role::operator_}));
  return {};
}

}  // namespace tg::firmware::console
