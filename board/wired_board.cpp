#include "board/wired_board.hpp"

#include "board/sim/sim_library.hpp"
#include "board/transport_factory.hpp"
#include "drivers/library.hpp"
#include "drivers/media_changer.hpp"
#include "drivers/tape_drive.hpp"
#include "hal/in_process_transport.hpp"

namespace tg::board {
namespace {

// The simulated operator: the simulated library's own mail-slot actions.
class SimHands final : public drivers::OperatorHands {
 public:
  explicit SimHands(sim::SimLibrary& lib) : lib_(lib) {}
  Status put_in(std::uint16_t mailslot, const std::string& barcode) override { return lib_.operator_insert(mailslot, barcode); }
  Result<std::string> take_out(std::uint16_t mailslot) override { return lib_.operator_remove(mailslot); }

 private:
  sim::SimLibrary& lib_;
};

class WiredBoard final : public Board {
 public:
  const std::string& name() const override { return name_; }
  const hal::StoragePaths& paths() const override { return paths_; }
  drivers::Library& library() override { return library_; }
  const BoardOptions& options() const override { return options_; }
  std::vector<std::string> transport_descriptions() const override { return library_.transports; }
  sim::SimLibrary* simulated_library() override { return sim_.get(); }

  std::string name_;
  hal::StoragePaths paths_;
  BoardOptions options_;
  // Destroyed bottom-up: drivers, then transports, then the simulator they
  // talk to.
  std::unique_ptr<sim::SimLibrary> sim_;
  std::unique_ptr<SimHands> hands_;
  std::vector<std::unique_ptr<hal::ScsiTransport>> transports_;
  std::unique_ptr<drivers::MediaChanger> changer_;
  std::vector<std::unique_ptr<drivers::TapeDrive>> drives_;
  drivers::Library library_;

  void add_changer(std::unique_ptr<hal::ScsiTransport> t, const std::string& n) {
    changer_ = std::make_unique<drivers::MediaChanger>(*t, n);
    library_.changer = changer_.get();
    library_.transports.push_back(t->describe());
    transports_.push_back(std::move(t));
  }
  void add_drive(std::unique_ptr<hal::ScsiTransport> t, const std::string& n, std::uint16_t element) {
    drives_.push_back(std::make_unique<drivers::TapeDrive>(*t, n));
    library_.drives.push_back({.drive = drives_.back().get(), .element_address = element});
    library_.transports.push_back(t->describe());
    transports_.push_back(std::move(t));
  }
};

}  // namespace

Result<std::unique_ptr<Board>> open_sim_board(const std::string& name, const sim::SimConfig& config,
                                              const std::vector<std::string>& drive_names, const BoardOptions& options,
                                              const hal::StoragePaths& paths) {
  TG_CHECK(paths.ensure());
  auto board = std::make_unique<WiredBoard>();
  board->name_ = name;
  board->paths_ = paths;
  board->options_ = options;
  board->sim_ = TG_TRY(sim::SimLibrary::open(config, paths.board(), hal::system_clock()));
  board->library_.name = name;
  sim::SimLibrary& lib = *board->sim_;
  board->hands_ = std::make_unique<SimHands>(lib);
  board->library_.hands = board->hands_.get();
  board->add_changer(std::make_unique<hal::InProcessTransport>(lib.changer(), "simulated " + name + " changer (LUN 0)"),
                     "changer");
  for (std::size_t i = 0; i < lib.drive_count(); ++i) {
    const std::string n = i < drive_names.size() ? drive_names[i] : "drive" + std::to_string(i);
    board->add_drive(std::make_unique<hal::InProcessTransport>(
                         lib.drive(i), "simulated " + name + " " + n + " (LUN " + std::to_string(i + 1) + ", serial " +
                                           lib.drive_serial(i) + ")"),
                     n, lib.drive_element(i));
  }
  return std::unique_ptr<Board>(std::move(board));
}

Result<std::unique_ptr<Board>> open_device_board(const BoardDescription& d, const std::string& file,
                                                 const hal::StoragePaths& paths) {
  TG_CHECK(paths.ensure());
  auto board = std::make_unique<WiredBoard>();
  board->name_ = d.name;
  board->paths_ = paths;
  board->options_ = d.options;
  board->library_.name = d.name;
  auto where = [&](const BoardDevice& dev) { return file + ":" + std::to_string(dev.line) + ": " + dev.name; };
  auto ct = make_transport(d.changer->transport);
  if (!ct.ok()) return std::move(ct).error().with_context(where(*d.changer));
  board->add_changer(std::move(*ct), d.changer->name);
  for (const auto& dev : d.drives) {
    auto t = make_transport(dev.transport);
    if (!t.ok()) return std::move(t).error().with_context(where(dev));
    board->add_drive(std::move(*t), dev.name, dev.element);
  }
  return std::unique_ptr<Board>(std::move(board));
}

}  // namespace tg::board
