#include <catch2/catch.hpp>

#include "firmware/console/command_context.hpp"
#include "firmware/console/commands.hpp"
#include "firmware/console/dispatch.hpp"

using namespace tg;
using namespace tg::firmware::console;

namespace {

class ScriptedIo final : public Interaction {
 public:
  bool prompt = false;
  std::vector<std::string> answers;
  std::vector<std::string> questions;
  std::string streamed;
  bool interactive() const override { return prompt; }
  bool confirm(const std::string& q) override {
    questions.push_back(q);
    if (answers.empty()) return false;
    auto a = answers.front();
    answers.erase(answers.begin());
    return a == "yes";
  }
  void stream(const std::string& t, bool) override { streamed += t; }
  bool stop_requested() override { return false; }
};

CommandTable table_with_probe(int& runs) {
  auto t = make_command_table();
  REQUIRE(t.ok());
  REQUIRE(t->add({.name = "probe wipe", .usage = "probe wipe <what> [--hard] [--level N]", .summary = "test command",
                  .handler = [&runs](CommandContext& c) -> Result<Reply> {
                    ++runs;
                    Reply r;
                    r.field("what", c.arg(0)).field("hard", c.req.args.has("hard"));
                    if (auto* l = c.req.args.get("level")) r.field("level", *l);
                    return r;
                  },
                  .destructive = true, .needs_library = false, .min_args = 1, .max_args = 1,
                  .options = {{"hard", false}, {"level", true}}}).ok());
  return std::move(t).value();
}

}  // namespace

TEST_CASE("the command table parses names, arguments and options", "[console]") {
  int runs = 0;
  auto t = table_with_probe(runs);
  auto r = t.parse({"probe", "wipe", "x", "--level", "3", "--hard", "--json"});
  REQUIRE(r.ok());
  CHECK(r->spec->name == "probe wipe");
  CHECK(r->args.positional == std::vector<std::string>{"x"});
  CHECK(r->args.has("hard"));
  CHECK(*r->args.get("level") == "3");
  CHECK(r->json);
  CHECK_FALSE(r->force);
  auto eq = t.parse({"probe", "wipe", "x", "--level=7"});
  REQUIRE(eq.ok());
  CHECK(*eq->args.get("level") == "7");
}

TEST_CASE("the command table rejects bad lines with a clear error", "[console]") {
  int runs = 0;
  auto t = table_with_probe(runs);
  auto unknown = t.parse({"frobnicate"});
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().message == "unknown command 'frobnicate'; type 'help' for the list of commands");
  auto sub = t.parse({"drive", "polish", "drive0"});
  REQUIRE_FALSE(sub.ok());
  CHECK(sub.error().message.find("unknown subcommand 'polish' of 'drive'") != std::string::npos);
  CHECK(sub.error().message.find("info") != std::string::npos);
  auto bare = t.parse({"drive"});
  REQUIRE_FALSE(bare.ok());
  CHECK(bare.error().message.find("needs a subcommand") != std::string::npos);
  auto missing = t.parse({"load"});
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().message == "missing argument for 'load'; usage: load <barcode> [drive]");
  auto extra = t.parse({"unload", "a", "b"});
  REQUIRE_FALSE(extra.ok());
  CHECK(extra.error().message.find("unexpected argument 'b'") != std::string::npos);
  auto opt = t.parse({"probe", "wipe", "x", "--soft"});
  REQUIRE_FALSE(opt.ok());
  CHECK(opt.error().message.find("unknown option --soft") != std::string::npos);
  auto noval = t.parse({"probe", "wipe", "x", "--level"});
  REQUIRE_FALSE(noval.ok());
  CHECK(noval.error().message.find("needs a value") != std::string::npos);
  auto flagval = t.parse({"probe", "wipe", "x", "--hard=1"});
  REQUIRE_FALSE(flagval.ok());
  CHECK(t.add({.name = "load", .handler = [](CommandContext&) -> Result<Reply> { return Reply{}; }}).error().message ==
        "command 'load' registered twice");
}

TEST_CASE("help lists every command and explains one", "[console]") {
  int runs = 0;
  auto t = table_with_probe(runs);
  Appliance app;
  ScriptedIo io;
  auto all = execute_words(t, app, io, {"help"});
  CHECK(all.exit_status == kExitOk);
  // The simulated operator's commands are listed only for a simulated library.
  for (const auto* spec : t.all())
    CHECK((all.output.find(spec->usage) != std::string::npos) != spec->simulated_only);
  auto one = execute_words(t, app, io, {"help", "drive", "erase"});
  CHECK(one.exit_status == kExitOk);
  CHECK(one.output.find("usage:        drive erase <drive> [--long]") != std::string::npos);
  CHECK(one.output.find("Destructive") != std::string::npos);
  auto flag = execute_words(t, app, io, {"load", "--help"});
  CHECK(flag.output.find("load <barcode> [drive]") != std::string::npos);
  auto group = execute_words(t, app, io, {"help", "job"});
  CHECK(group.output.find("job watch ID") != std::string::npos);
  auto none = execute_words(t, app, io, {"help", "nosuch"});
  CHECK(none.exit_status == kExitFailed);
}

TEST_CASE("destructive commands need --force, or a yes at the prompt", "[console]") {
  int runs = 0;
  auto t = table_with_probe(runs);
  Appliance app;
  ScriptedIo io;
  auto refused = execute_words(t, app, io, {"probe", "wipe", "disk"});
  CHECK(refused.exit_status == kExitUsage);
  CHECK(refused.output.find("add --force") != std::string::npos);
  CHECK(runs == 0);
  CHECK(execute_words(t, app, io, {"probe", "wipe", "disk", "--force"}).exit_status == kExitOk);
  CHECK(runs == 1);
  io.prompt = true;
  io.answers = {"no"};
  auto declined = execute_words(t, app, io, {"probe", "wipe", "disk"});
  CHECK(declined.exit_status == kExitFailed);
  CHECK(declined.output.find("not confirmed") != std::string::npos);
  REQUIRE(io.questions.size() == 1);
  CHECK(io.questions[0].find("probe wipe disk") != std::string::npos);
  CHECK(runs == 1);
  io.answers = {"yes"};
  CHECK(execute_words(t, app, io, {"probe", "wipe", "disk"}).exit_status == kExitOk);
  CHECK(runs == 2);
}

TEST_CASE("results render as text or JSON, errors as the operator's message", "[console]") {
  int runs = 0;
  auto t = table_with_probe(runs);
  Appliance app;
  ScriptedIo io;
  auto json = execute_words(t, app, io, {"probe", "wipe", "a\"b", "--force", "--level", "2", "--json"});
  CHECK(json.output == "{\"ok\":true,\"what\":\"a\\\"b\",\"hard\":false,\"level\":\"2\"}\n");
  auto text = execute_words(t, app, io, {"probe", "wipe", "x", "--force", "--hard"});
  CHECK(text.output == "what:  x\nhard:  yes\n");
  auto err = execute_words(t, app, io, {"nope", "--json"});
  CHECK(err.exit_status == kExitUsage);
  CHECK(err.is_error);
  CHECK(err.output.find("{\"ok\":false,\"error\":{\"code\":\"invalid_argument\"") == 0);
  auto nolib = execute_words(t, app, io, {"inventory"});
  CHECK(nolib.exit_status == kExitFailed);
  CHECK(nolib.output.find("no board is open") != std::string::npos);
  auto garbage = execute_line(t, app, io, std::string("inv\x01", 4));
  CHECK(garbage.exit_status == kExitUsage);
  CHECK(garbage.output.find("control byte 0x01") != std::string::npos);
}

TEST_CASE("a handler that throws becomes an error, not a crash", "[console]") {
  auto t = make_command_table();
  REQUIRE(t.ok());
  REQUIRE(t->add({.name = "boom", .handler = [](CommandContext&) -> Result<Reply> { throw std::runtime_error("kaput"); },
                  .needs_library = false}).ok());
  Appliance app;
  ScriptedIo io;
  auto o = execute_words(*t, app, io, {"boom"});
  CHECK(o.exit_status == kExitFailed);
  CHECK(o.output.find("kaput") != std::string::npos);
}

TEST_CASE("table rendering aligns columns and shows missing values as -", "[console]") {
  Reply r;
  auto& tab = r.table("slots", "Slots", {"slot", "barcode"});
  tab.rows.push_back({std::int64_t{1}, std::string("TG0001L9")});
  tab.rows.push_back({std::int64_t{10}, Cell{}});
  CHECK(render_text(r) == "Slots\n  slot  barcode\n  1     TG0001L9\n  10    -\n");
  CHECK(render_json(r) == "{\"ok\":true,\"slots\":[{\"slot\":1,\"barcode\":\"TG0001L9\"},{\"slot\":10,\"barcode\":null}]}\n");
  CHECK(json_quote(std::string("a\x01\n", 3)) == "\"a\\u0001\\n\"");
}
