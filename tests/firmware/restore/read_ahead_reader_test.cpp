// ReadAheadReader against the tape it reads: every answer (blocks,
// filemarks, end of data, errors, positions, SPACE results) must be what
// the tape itself gives, whatever the tape thread has read ahead. Waits on
// the tape thread use a counted condition, never a sleep.
#include <catch2/catch.hpp>

#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <new>
#include <random>
#include <thread>

#include "firmware/restore/read_ahead_reader.hpp"
#include "memory_tape.hpp"
#include "firmware/format/tar_fixture.hpp"

#include "firmware/counting_new.hpp"  // for the steady-state test at the end

using namespace tg;
using namespace tg::firmware::restore;
using tg::test::MemoryTape;

namespace {

// A MemoryTape the test can watch from its own thread: counts the tape
// thread's READs, and can hold READs back until the test opens a gate.
class WatchedTape final : public TapeReader {
 public:
  MemoryTape tape;
  std::size_t gate = SIZE_MAX;   // READs allowed before the gate closes

  Result<drivers::ReadStatus> read(std::span<std::uint8_t> buf) override {
    {
      std::unique_lock lk(mu_);
      ++entered_;
      cv_.notify_all();
      cv_.wait(lk, [&] { return entered_ <= gate; });
    }
    auto r = tape.read(buf);
    std::lock_guard lk(mu_);
    ++reads_;
    cv_.notify_all();
    return r;
  }
  Status locate(std::uint64_t block) override {
    ++locates;
    return tape.locate(block);
  }
  Result<drivers::SpaceStatus> space(drivers::SpaceCode code, std::int32_t count) override {
    ++spaces;
    return tape.space(code, count);
  }
  Result<std::uint64_t> position() override { return tape.position(); }
  Status rewind() override { return tape.rewind(); }
  std::string name() const override { return "watched tape"; }

  // Positioning calls come from the caller's thread only.
  std::uint64_t locates = 0, spaces = 0;

  void wait_reads(std::size_t n) {
    std::unique_lock lk(mu_);
    cv_.wait(lk, [&] { return reads_ >= n; });
  }
  void wait_entered(std::size_t n) {
    std::unique_lock lk(mu_);
    cv_.wait(lk, [&] { return entered_ >= n; });
  }
  void open_gate() {
    std::lock_guard lk(mu_);
    gate = SIZE_MAX;
    cv_.notify_all();
  }
  std::size_t reads() {
    std::lock_guard lk(mu_);
    return reads_;
  }
  bool in_read() {
    std::lock_guard lk(mu_);
    return entered_ != reads_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::size_t entered_ = 0, reads_ = 0;
};

constexpr std::size_t kSlot = 1024;

std::vector<std::uint8_t> block_bytes(std::size_t n, std::uint32_t seed) { return test::pseudo_random_bytes(n, seed); }

// Label, a tape file of 6 blocks, an empty tape file, one of 5 blocks of
// assorted lengths (one longer than a slot), one of 3 blocks, end of data.
void build(MemoryTape& t) {
  auto add_block = [&](std::size_t n, std::uint32_t seed) { t.objects.push_back({false, block_bytes(n, seed)}); };
  auto add_mark = [&] { t.objects.push_back({true, {}}); };
  add_block(512, 1);
  add_mark();
  for (std::uint32_t i = 0; i < 6; ++i) add_block(kSlot, 10 + i);
  add_mark();
  add_mark();
  const std::size_t lengths[] = {100, kSlot, 1500, 700, kSlot};
  for (std::uint32_t i = 0; i < 5; ++i) add_block(lengths[i], 20 + i);
  add_mark();
  for (std::uint32_t i = 0; i < 3; ++i) add_block(kSlot, 30 + i);
  add_mark();
}

std::unique_ptr<ReadAheadReader> make_reader(std::size_t slots) {
  auto r = ReadAheadReader::create(kSlot, slots * kSlot);
  REQUIRE(r.ok());
  return std::move(*r);
}

template <class T>
void same_error(const Result<T>& a, const Result<T>& b) {
  REQUIRE(a.ok() == b.ok());
  if (!a.ok()) {
    CHECK(a.error().code == b.error().code);
    CHECK(a.error().message == b.error().message);
  }
}

void same_read(const Result<drivers::ReadStatus>& a, std::span<const std::uint8_t> abuf,
               const Result<drivers::ReadStatus>& b, std::span<const std::uint8_t> bbuf) {
  same_error(a, b);
  if (!a.ok()) return;
  CHECK(int(a->kind) == int(b->kind));
  CHECK(a->length == b->length);
  CHECK(a->truncated == b->truncated);
  CHECK(a->block_length == b->block_length);
  REQUIRE(a->length == b->length);
  CHECK(std::equal(abuf.begin(), abuf.begin() + static_cast<std::ptrdiff_t>(a->length), bbuf.begin()));
}

void same_space(const Result<drivers::SpaceStatus>& a, const Result<drivers::SpaceStatus>& b) {
  same_error(a, b);
  if (!a.ok()) return;
  CHECK(a->residual == b->residual);
  CHECK(a->hit_filemark == b->hit_filemark);
  CHECK(a->hit_end_of_data == b->hit_end_of_data);
  CHECK(a->hit_beginning == b->hit_beginning);
}

}  // namespace

TEST_CASE("read-ahead answers like the tape, operation by operation") {
  // Random mixes of READ, LOCATE, SPACE, READ POSITION and rewind, on the
  // tape directly and through read-ahead, compared answer by answer; with
  // and without an unreadable block, over rings of 2 to 9 slots.
  for (std::uint32_t seed = 1; seed <= 40; ++seed) {
    INFO("seed " << seed);
    std::mt19937 rng(seed);
    MemoryTape direct;
    WatchedTape watched;
    build(direct);
    build(watched.tape);
    const std::size_t n = direct.objects.size();
    if (seed % 3 != 0) direct.medium_error_at = watched.tape.medium_error_at = 2 + rng() % (n - 2);
    auto ahead = make_reader(2 + seed % 8);
    ahead->attach(&watched);
    std::vector<std::uint8_t> abuf(kSlot), bbuf(kSlot);
    for (int step = 0; step < 150; ++step) {
      INFO("step " << step);
      const unsigned op = rng() % 20;
      if (op < 11) {
        // Sometimes a buffer shorter than a slot: the same truncation.
        std::span<std::uint8_t> a(abuf), b(bbuf);
        if (rng() % 4 == 0) a = a.first(800), b = b.first(800);
        if (op % 2) {
          auto ra = direct.read(a);
          auto rb = ahead->read_block(b);
          if (!rb) {
            same_error(ra, Result<drivers::ReadStatus>(rb.error()));
          } else {
            same_read(ra, a, rb->status, rb->bytes);
          }
        } else {
          auto ra = direct.read(a);
          auto rb = ahead->read(b);
          same_read(ra, a, rb, b);
        }
      } else if (op < 13) {
        const std::uint64_t to = rng() % (n + 2);
        same_error(direct.locate(to), ahead->locate(to));
      } else if (op < 15) {
        const auto count = static_cast<std::int32_t>(rng() % 4);
        same_space(direct.space(drivers::SpaceCode::filemarks, count), ahead->space(drivers::SpaceCode::filemarks, count));
      } else if (op < 16) {
        const auto count = static_cast<std::int32_t>(rng() % 8) - 2;
        same_space(direct.space(drivers::SpaceCode::blocks, count), ahead->space(drivers::SpaceCode::blocks, count));
      } else if (op < 17) {
        same_space(direct.space(drivers::SpaceCode::end_of_data, 0), ahead->space(drivers::SpaceCode::end_of_data, 0));
      } else if (op < 19) {
        auto pa = direct.position();
        auto pb = ahead->position();
        REQUIRE(pb.ok());
        CHECK(*pa == *pb);
      } else {
        same_error(direct.rewind(), ahead->rewind());
      }
    }
    ahead->detach();
    // Idle now: the tape is the test's again.
    CHECK_FALSE(watched.in_read());
  }
}

TEST_CASE("read-ahead runs past filemarks and stops at end of data without losing either") {
  WatchedTape w;
  build(w.tape);
  const std::size_t n = w.tape.objects.size();   // 20 objects, then end of data
  auto ahead = make_reader(32);
  ahead->attach(&w);
  std::vector<std::uint8_t> buf(kSlot);
  REQUIRE(ahead->locate(2).ok());
  auto first = ahead->read(buf);
  REQUIRE(first.ok());
  CHECK(first->kind == drivers::ReadKind::data);
  // The thread reads everything to end of data (the ring has room) and
  // then stops: one READ per object and one that found end of data.
  w.wait_reads(n - 2 + 1);
  std::vector<drivers::ReadKind> kinds;
  std::vector<std::uint64_t> positions;
  for (;;) {
    auto r = ahead->read(buf);
    REQUIRE(r.ok());
    kinds.push_back(r->kind);
    auto p = ahead->position();
    REQUIRE(p.ok());
    positions.push_back(*p);
    if (r->kind == drivers::ReadKind::end_of_data) break;
  }
  using K = drivers::ReadKind;
  const std::vector<K> want = {K::data,     K::data,     K::data,     K::data,     K::data, K::filemark,
                               K::filemark, K::data,     K::data,     K::data,     K::data, K::data,
                               K::filemark, K::data,     K::data,     K::data,     K::filemark, K::end_of_data};
  CHECK(kinds == want);
  CHECK(positions.front() == 4);
  CHECK(positions.back() == n);   // end of data does not move the position
  CHECK(w.reads() == n - 2 + 1);  // it did not read on after end of data
  // Reading at end of data asks the tape again, like a direct read.
  auto again = ahead->read(buf);
  REQUIRE(again.ok());
  CHECK(again->kind == K::end_of_data);
  CHECK(w.reads() == n - 2 + 2);

  SECTION("SPACE over filemarks already read ahead moves no tape") {
    REQUIRE(ahead->rewind().ok());
    REQUIRE(ahead->read(buf).ok());   // the label block
    w.wait_reads(n - 2 + 2 + n + 1);  // everything again, to end of data
    auto sp = ahead->space(drivers::SpaceCode::filemarks, 2);   // past the label and tape file 1
    REQUIRE(sp.ok());
    CHECK(sp->residual == 0);
    CHECK_FALSE(sp->hit_end_of_data);
    CHECK(w.spaces == 0);
    CHECK(w.locates == 1);   // the one at the start of the test
    CHECK(*ahead->position() == 9);
    auto r = ahead->read(buf);   // the empty tape file
    REQUIRE(r.ok());
    CHECK(r->kind == K::filemark);
    auto b = ahead->read(buf);
    REQUIRE(b.ok());
    CHECK(b->length == 100);
    CHECK(std::equal(buf.begin(), buf.begin() + 100, w.tape.objects[10].bytes.begin()));
    CHECK(w.locates == 1);   // read on from the ring: no LOCATE back
    CHECK(ahead->stats().restarts == 3);
    // Three more filemarks than the tape has: end of data, as from the tape.
    auto past = ahead->space(drivers::SpaceCode::filemarks, 5);
    REQUIRE(past.ok());
    CHECK(past->hit_end_of_data);
    CHECK(past->residual == 3);
    CHECK(*ahead->position() == n);
  }
}

TEST_CASE("LOCATE while reading ahead discards what was read and reads on from the new block") {
  WatchedTape w;
  for (std::uint32_t i = 0; i < 200; ++i) w.tape.objects.push_back({false, block_bytes(kSlot, 100 + i)});
  w.tape.objects.push_back({true, {}});
  auto ahead = make_reader(8);
  ahead->attach(&w);
  std::vector<std::uint8_t> buf(kSlot);
  REQUIRE(ahead->locate(10).ok());
  for (int i = 0; i < 3; ++i) REQUIRE(ahead->read(buf).ok());
  // Three taken, eight slots filled ahead: the thread waits for room.
  w.wait_reads(3 + 8);
  CHECK(*ahead->position() == 13);
  REQUIRE(ahead->locate(150).ok());
  auto r = ahead->read(buf);
  REQUIRE(r.ok());
  CHECK((std::vector<std::uint8_t>(buf.begin(), buf.end()) == w.tape.objects[150].bytes));
  CHECK(*ahead->position() == 151);
  // Backwards too.
  REQUIRE(ahead->locate(12).ok());
  REQUIRE(ahead->read(buf).ok());
  CHECK((std::vector<std::uint8_t>(buf.begin(), buf.end()) == w.tape.objects[12].bytes));
  ahead->detach();
  auto s = ahead->stats();
  CHECK(s.blocks_discarded >= 8);
  CHECK(s.restarts == 3);
  CHECK(s.blocks_read == w.reads());
}

TEST_CASE("an unreadable block comes through at its position, and the thread stops there") {
  WatchedTape w;
  for (std::uint32_t i = 0; i < 12; ++i) w.tape.objects.push_back({false, block_bytes(kSlot, 200 + i)});
  w.tape.objects.push_back({true, {}});
  w.tape.medium_error_at = 6;
  auto ahead = make_reader(16);
  ahead->attach(&w);
  std::vector<std::uint8_t> buf(kSlot);
  REQUIRE(ahead->rewind().ok());
  REQUIRE(ahead->read(buf).ok());
  w.wait_reads(7);   // blocks 0-5 and the error
  for (std::uint64_t b = 1; b < 6; ++b) {
    auto r = ahead->read(buf);
    REQUIRE(r.ok());
    CHECK((std::vector<std::uint8_t>(buf.begin(), buf.end()) == w.tape.objects[b].bytes));
  }
  CHECK(w.reads() == 7);   // nothing read past the error
  auto bad = ahead->read(buf);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == Errc::medium_error);
  CHECK(bad.error().message == "MEDIUM ERROR, unrecovered read error (03/11/00)");
  // After the error the drive is where a direct read leaves it.
  CHECK(*ahead->position() == 7);
  auto next = ahead->read(buf);
  REQUIRE(next.ok());
  CHECK((std::vector<std::uint8_t>(buf.begin(), buf.end()) == w.tape.objects[7].bytes));

  SECTION("an error read ahead but never reached is not reported") {
    REQUIRE(ahead->locate(4).ok());   // the thread is idle after it
    const std::size_t before = w.reads();
    REQUIRE(ahead->read(buf).ok());
    w.wait_reads(before + 3);   // blocks 4, 5 and the error again
    REQUIRE(ahead->locate(9).ok());
    auto r = ahead->read(buf);
    REQUIRE(r.ok());
    CHECK((std::vector<std::uint8_t>(buf.begin(), buf.end()) == w.tape.objects[9].bytes));
  }
}

TEST_CASE("a block longer than a slot reads as truncated, as into a buffer of that size") {
  WatchedTape w;
  w.tape.objects.push_back({false, block_bytes(3000, 7)});
  w.tape.objects.push_back({false, block_bytes(kSlot, 8)});
  auto ahead = make_reader(4);
  ahead->attach(&w);
  std::vector<std::uint8_t> buf(kSlot);
  REQUIRE(ahead->rewind().ok());
  auto r = ahead->read(buf);
  REQUIRE(r.ok());
  CHECK(r->truncated);
  CHECK(r->length == kSlot);
  CHECK(r->block_length == 3000);
  auto next = ahead->read(buf);   // the position moved past it, as on a drive
  REQUIRE(next.ok());
  CHECK_FALSE(next->truncated);
  CHECK((std::vector<std::uint8_t>(buf.begin(), buf.end()) == w.tape.objects[1].bytes));
}

TEST_CASE("destroying the reader waits for the READ in flight and joins the thread") {
  WatchedTape w;
  for (std::uint32_t i = 0; i < 50; ++i) w.tape.objects.push_back({false, block_bytes(kSlot, 300 + i)});
  w.gate = 2;   // the third READ waits for the test
  auto ahead = make_reader(8);
  ahead->attach(&w);
  std::vector<std::uint8_t> buf(kSlot);
  REQUIRE(ahead->rewind().ok());
  REQUIRE(ahead->read(buf).ok());
  w.wait_entered(3);
  CHECK(w.in_read());
  std::thread destroyer([&] { ahead.reset(); });
  w.open_gate();
  destroyer.join();
  CHECK(ahead == nullptr);
  CHECK_FALSE(w.in_read());
  // At most a ringful was read; the tape is the test's again.
  const std::size_t reads = w.reads();
  CHECK(reads >= 3);
  CHECK(reads <= 1 + 8);
  w.tape.pos = 0;
  CHECK(w.tape.read(buf).ok());
}

TEST_CASE("read-ahead without a cartridge refuses, and attaching another tape starts afresh") {
  auto ahead = make_reader(4);
  std::vector<std::uint8_t> buf(kSlot);
  CHECK_FALSE(ahead->read(buf).ok());
  CHECK_FALSE(ahead->locate(0).ok());
  WatchedTape a, b;
  a.tape.objects.push_back({false, block_bytes(kSlot, 1)});
  b.tape.objects.push_back({false, block_bytes(kSlot, 2)});
  ahead->attach(&a);
  CHECK(ahead->name() == "watched tape");
  REQUIRE(ahead->read(buf).ok());
  CHECK((std::vector<std::uint8_t>(buf.begin(), buf.end()) == a.tape.objects[0].bytes));
  ahead->attach(&b);   // b's position is asked, not assumed
  REQUIRE(ahead->read(buf).ok());
  CHECK((std::vector<std::uint8_t>(buf.begin(), buf.end()) == b.tape.objects[0].bytes));
  ahead->detach();
  CHECK_FALSE(ahead->read(buf).ok());
}

TEST_CASE("reading ahead allocates nothing per block, LOCATE included") {
  WatchedTape w;
  for (std::uint32_t i = 0; i < 600; ++i) w.tape.objects.push_back({false, block_bytes(kSlot, 400 + i)});
  w.tape.objects.push_back({true, {}});
  auto ahead = make_reader(8);
  ahead->attach(&w);
  REQUIRE(ahead->locate(0).ok());
  std::vector<std::uint8_t> buf(kSlot);
  REQUIRE(ahead->read_block(buf).ok());   // the thread is running
  // The window: blocks, a LOCATE that discards a ringful, blocks again,
  // SPACE over a filemark in the ring. No Catch assertion inside (they
  // allocate); results are checked after.
  std::uint64_t bytes = 0, failures = 0;
  const std::uint64_t before = g_allocations.load();
  for (int i = 0; i < 200; ++i) {
    auto r = ahead->read_block(buf);
    if (r) bytes += r->bytes.size(); else ++failures;
  }
  if (!ahead->locate(300)) ++failures;
  for (int i = 0; i < 290; ++i) {
    auto r = ahead->read_block(buf);
    if (r) bytes += r->bytes.size(); else ++failures;
  }
  auto sp = ahead->space(drivers::SpaceCode::filemarks, 1);
  if (!sp) ++failures;
  const std::uint64_t during = g_allocations.load() - before;
  CHECK(failures == 0);
  CHECK(bytes == 490 * kSlot);
  CHECK(*ahead->position() == 601);
  CHECK(during == 0);
}
