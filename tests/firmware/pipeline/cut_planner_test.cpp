// The writer's pure decision, on members placed by hand: which offsets are
// boundaries, which cut a file's data (continuation) and which fall in
// headers or a manifest (no clean cut).
#include <catch2/catch.hpp>

#include "firmware/pipeline/cut_planner.hpp"

using namespace tg::firmware::pipeline;

namespace {

// member 0: header [0,1024), data [1024, 1024+3000) padded to 4096
// member 1: skipped (holds no bytes) at 4096
// member 2: header [4096, 5120), data of 512 -> end 5632
// member 3: manifest, header [5632, 6656), lines 200 -> end 7168
struct Placed {
  MemberTable t{16, "repo", "job"};
  CutPlanner p{t};
  Placed() {
    for (auto [path, size] : {std::pair{"a", 3000}, {"gone", 10}, {"b", 512}}) {
      REQUIRE(t.append(MemberInput{.path = path, .size = static_cast<std::uint64_t>(size)}).ok());
    }
    REQUIRE(t.append_pending_manifest().ok());
    set(0, 0, 1024, 4096);
    set(1, 4096, 4096, 4096);
    t.at(1).outcome = MemberOutcome::skipped;
    set(2, 4096, 5120, 5632);
    t.at(3).size = 200;
    set(3, 5632, 6656, 7168);
    t.set_framed(4);
  }
  void set(std::size_t i, std::uint64_t pre, std::uint64_t data, std::uint64_t end) {
    t.at(i).preamble_offset = pre;
    t.at(i).data_offset = data;
    t.at(i).end_offset = end;
  }
};

}  // namespace

TEST_CASE("cut planner: boundaries, data cuts and header cuts") {
  Placed f;
  CHECK(f.p.classify(0, 0).kind == Cut::boundary);
  CHECK(f.p.classify(0, 512).kind == Cut::in_header);
  CHECK(f.p.classify(0, 512).member == 0);
  auto d = f.p.classify(0, 2048);
  CHECK(d.kind == Cut::in_data);
  CHECK(d.data_done == 1024);
  CHECK(f.p.classify(0, 4096).kind == Cut::boundary);  // the skipped member holds nothing
  CHECK(f.p.classify(0, 4608).kind == Cut::in_header);
  CHECK(f.p.classify(0, 5632).kind == Cut::boundary);
  auto m = f.p.classify(0, 6656);
  CHECK(m.kind == Cut::in_header);  // inside the manifest's data: never continued
  CHECK(m.member == 3);
  CHECK(f.p.classify(0, 7168).kind == Cut::boundary);
}

TEST_CASE("cut planner: the next boundary and the next manifest end") {
  Placed f;
  CHECK(f.p.next_boundary(0, 1) == 4096);
  CHECK(f.p.next_boundary(0, 4097) == 5632);
  CHECK(f.p.next_boundary(0, 5633) == UINT64_MAX);  // the drain point or later
  CHECK(f.p.next_manifest_end(0, 0) == 7168);
  CHECK(f.p.next_manifest_end(0, 7169) == UINT64_MAX);
  f.t.at(3).w_abandoned = true;  // given up: no longer a place to close
  CHECK(f.p.next_manifest_end(0, 0) == UINT64_MAX);
}
