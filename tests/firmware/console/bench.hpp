#pragma once
// A simulated board with the console's parts around it, as `serve` builds
// them, for the tests that drive commands end to end.
#include <catch2/catch.hpp>

#include <filesystem>
#include <functional>
#include <memory>

#include "board/board.hpp"
#include "firmware/console/command_context.hpp"
#include "firmware/console/commands.hpp"
#include "firmware/console/dispatch.hpp"
#include "test_support.hpp"

namespace tg::test {

class QuietIo final : public firmware::console::Interaction {
 public:
  bool interactive() const override { return false; }
  bool confirm(const std::string&) override { return false; }
  void stream(const std::string& t, bool) override { streamed += t; }
  bool stop_requested() override { return false; }
  std::string streamed;
};

struct Bench {
  // `seed_state`, when given, fills the state directory before the board
  // opens it (a checked-in library and catalog: tests/fixtures/).
  explicit Bench(const std::string& spec = "sim:drives=2,slots=8,mailslots=2,cartridges=4,cartridge-mb=16",
                 const std::function<void(const std::filesystem::path& state)>& seed_state = {}) {
    if (seed_state) seed_state(tmp.path() / "state");
    auto b = board::open_board(spec, tmp.path() / "state");
    REQUIRE(b.ok());
    board = std::move(*b);
    app.library = &board->library();
    drives = std::make_unique<firmware::library::DriveReservations>(board->library());
    app.drives = drives.get();
    app.paths = board->paths();
    REQUIRE(app.paths.ensure().ok());
    app.board = {.name = board->name(), .spec = spec, .transports = board->transport_descriptions()};
    app.clock = &hal::system_clock();
    log = std::make_unique<firmware::EventLog>(hal::system_clock(), app.paths.log());
    jobs = std::make_unique<firmware::service::JobManager>(*log, hal::system_clock());
    saved = std::make_unique<firmware::service::SavedJobStore>(app.paths.jobs());
    app.log = log.get();
    app.jobs = jobs.get();
    app.saved = saved.get();
    auto t = firmware::console::make_command_table();
    REQUIRE(t.ok());
    table = std::move(*t);
  }
  ~Bench() { jobs->shutdown(); }

  firmware::console::Outcome run(const std::vector<std::string>& words) {
    return firmware::console::execute_words(table, app, io, words);
  }
  drivers::Inventory inventory() {
    auto inv = board->library().changer->inventory();
    if (!inv.ok() && inv.error().code == Errc::unit_attention) inv = board->library().changer->inventory();
    REQUIRE(inv.ok());
    return std::move(*inv);
  }

  TempDir tmp;
  std::unique_ptr<board::Board> board;
  std::unique_ptr<firmware::EventLog> log;
  std::unique_ptr<firmware::library::DriveReservations> drives;
  std::unique_ptr<firmware::service::JobManager> jobs;
  std::unique_ptr<firmware::service::SavedJobStore> saved;
  firmware::console::Appliance app;
  firmware::console::CommandTable table;
  QuietIo io;
};

}  // namespace tg::test
