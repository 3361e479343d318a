// The ring between the pipeline's threads: slots allocated once, handed
// over in order (free -> framed -> full -> free), close() wakes everyone
// and lets the consumer drain what was published, reopen() starts over.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <memory>
#include <set>
#include <thread>
#include <vector>

#include "firmware/pipeline/block_ring.hpp"

using namespace tg;
using namespace tg::firmware::pipeline;

namespace {

std::unique_ptr<BlockRing> make_ring(std::size_t slot_bytes, std::size_t total_bytes, bool hash_stage = false) {
  auto r = BlockRing::create(slot_bytes, total_bytes, hash_stage);
  REQUIRE(r.ok());
  return std::move(*r);
}

}  // namespace

TEST_CASE("block ring: sizes are checked, the count follows the total, at least two slots") {
  for (std::size_t bad : {std::size_t{0}, std::size_t{100}, std::size_t{4097}}) {
    auto r = BlockRing::create(bad, 1 << 20);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == Errc::invalid_argument);
  }
  auto ring = BlockRing::create(4096, 10 * 4096 + 100);
  REQUIRE(ring.ok());
  CHECK((*ring)->slot_bytes() == 4096);
  CHECK((*ring)->slot_count() == 10);
  // Slots are distinct, page-aligned and zeroed (RSS paid at start).
  std::set<const std::uint8_t*> starts;
  for (std::size_t i = 0; i < (*ring)->slot_count(); ++i) {
    auto s = (*ring)->slot(i);
    CHECK(s.size() == 4096);
    CHECK(reinterpret_cast<std::uintptr_t>(s.data()) % 4096 == 0);
    CHECK(std::all_of(s.begin(), s.end(), [](std::uint8_t b) { return b == 0; }));
    starts.insert(s.data());
  }
  CHECK(starts.size() == 10);
  auto tiny = BlockRing::create(512, 512);
  REQUIRE(tiny.ok());
  CHECK((*tiny)->slot_count() == 2);  // one being filled, one being written
}

TEST_CASE("block ring: slots pass free -> full -> free in publication order") {
  auto ring = make_ring(512, 4 * 512);
  std::vector<long> taken;
  for (int k = 0; k < 4; ++k) taken.push_back(ring->acquire_free());
  CHECK(std::set<long>(taken.begin(), taken.end()) == std::set<long>{0, 1, 2, 3});
  // Published out of index order: the consumer sees publication order.
  for (long i : {taken[2], taken[0], taken[3], taken[1]}) {
    ring->info(static_cast<std::size_t>(i)).stream_offset = static_cast<std::uint64_t>(i) * 1000;
    ring->publish(static_cast<std::size_t>(i));
  }
  for (long want : {taken[2], taken[0], taken[3], taken[1]}) {
    long got = ring->acquire_full(false);
    CHECK(got == want);
    CHECK(ring->info(static_cast<std::size_t>(got)).stream_offset == static_cast<std::uint64_t>(want) * 1000);
    ring->release(static_cast<std::size_t>(got));
  }
  // Released slots are free again, in release order.
  CHECK(ring->acquire_free() == taken[2]);
  CHECK(ring->stats().writer_waits == 0);
}

TEST_CASE("block ring: with a hash stage the consumer sees only slots the middle stage passed") {
  auto ring = make_ring(512, 2 * 512, /*hash_stage=*/true);
  long a = ring->acquire_free();
  long b = ring->acquire_free();
  ring->publish(static_cast<std::size_t>(a));
  ring->publish(static_cast<std::size_t>(b));
  CHECK(ring->acquire_framed() == a);
  ring->pass(static_cast<std::size_t>(a));
  // b is framed but not passed: after close the consumer drains a, then stops.
  ring->close();
  CHECK(ring->closed());
  CHECK(ring->acquire_full(true) == a);
  CHECK(ring->acquire_full(true) == -1);
  // Producer and middle stage stop at once when closed.
  CHECK(ring->acquire_free() == -1);
  CHECK(ring->acquire_framed() == -1);
}

TEST_CASE("block ring: close wakes a waiting consumer, and only the waits the writer counts are stalls") {
  auto ring = make_ring(512, 2 * 512);
  long got = 0;
  std::thread consumer([&] { got = ring->acquire_full(true); });
  // The consumer waits already or finds the ring closed: both end with -1.
  ring->close();
  consumer.join();
  CHECK(got == -1);

  // The writer's first wait (before any block) is no stall of the drive,
  // however long it lasts.
  ring->reopen();
  CHECK_FALSE(ring->closed());
  const auto before = ring->stats();
  long first = -1;
  std::thread writer([&] { first = ring->acquire_full(false); });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  long i = ring->acquire_free();
  ring->publish(static_cast<std::size_t>(i));
  writer.join();
  CHECK(first == i);
  // A slot that is already full is taken without a wait.
  long j = ring->acquire_free();
  ring->publish(static_cast<std::size_t>(j));
  CHECK(ring->acquire_full(true) == j);
  const auto after = ring->stats();
  CHECK(after.writer_waits == before.writer_waits);
  CHECK(after.writer_wait_ns == before.writer_wait_ns);
}

TEST_CASE("block ring: reopen makes every slot free again and forgets what was full") {
  auto ring = make_ring(512, 3 * 512);
  for (int k = 0; k < 3; ++k) ring->publish(static_cast<std::size_t>(ring->acquire_free()));
  ring->close();
  ring->reopen();
  std::set<long> free_again;
  for (int k = 0; k < 3; ++k) free_again.insert(ring->acquire_free());
  CHECK(free_again == std::set<long>{0, 1, 2});
  // Nothing full survived: a consumer finds none once closed.
  ring->close();
  CHECK(ring->acquire_full(false) == -1);
}
