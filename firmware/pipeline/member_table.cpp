#include "firmware/pipeline/member_table.hpp"

namespace tg::firmware::pipeline {

const char* member_outcome_name(MemberOutcome o) {
  switch (o) {
    case MemberOutcome::pending: return "pending";
    case MemberOutcome::ok: return "ok";
    case MemberOutcome::changed: return "changed while being copied";
    case MemberOutcome::read_error: return "read error";
    case MemberOutcome::skipped: return "skipped";
  }
  return "?";
}

MemberTable::MemberTable(std::size_t capacity, std::string repository, std::string job_uuid)
    : capacity_(capacity), members_(new Member[capacity]), repository_(std::move(repository)),
      job_(std::move(job_uuid)) {}

Result<std::size_t> MemberTable::append(const std::string& source, const std::string& path, std::uint64_t size,
                                        std::int64_t mtime, const std::string& group, const std::string& kind,
                                        std::uint32_t origin, std::uint32_t attempt) {
  std::size_t i;
  {
    std::lock_guard lk(mu_);
    i = count_.load(std::memory_order_relaxed);
    if (i >= capacity_)
      return make_error(Errc::internal, "too many retries in one job (member table of " +
                                            std::to_string(capacity_) + " entries is full)");
    Member& m = members_[i];
    m.source = source;
    m.path = path;
    m.size = size;
    m.mtime = mtime;
    m.group = group;
    m.kind = kind;
    m.origin = attempt == 1 ? static_cast<std::uint32_t>(i) : origin;
    m.attempt = attempt;
    count_.store(i + 1, std::memory_order_release);
  }
  cv_.notify_all();
  return i;
}

Result<std::optional<std::size_t>> MemberTable::append_retry(std::size_t i) {
  {
    std::lock_guard lk(mu_);
    if (members_[i].retried) return std::optional<std::size_t>();
    members_[i].retried = true;
  }
  const Member& m = members_[i];  // input fields are immutable once appended
  std::size_t r = TG_TRY(append(m.source, m.path, m.size, m.mtime, m.group, m.kind, m.origin, m.attempt + 1));
  return std::optional<std::size_t>(r);
}

void MemberTable::wait_framer_near(std::size_t i, std::size_t ahead) {
  std::unique_lock lk(mu_);
  cv_.wait(lk, [&] { return stopped() || i < framed_.load() + ahead; });
}

void MemberTable::set_framed(std::size_t n) {
  {
    std::lock_guard lk(mu_);
    framed_.store(n, std::memory_order_release);
  }
  cv_.notify_all();
}

void MemberTable::notify_hash() {
  { std::lock_guard lk(mu_); }
  cv_.notify_all();
}

HashState MemberTable::wait_hash(std::size_t i) {
  std::unique_lock lk(mu_);
  cv_.wait(lk, [&] { return stopped() || members_[i].hash_state.load() != HashState::pending; });
  return members_[i].hash_state.load();
}

void MemberTable::wait_for_members(std::size_t have) {
  std::unique_lock lk(mu_);
  cv_.wait(lk, [&] { return stopped() || count_.load() > have; });
}

void MemberTable::framer_drained(std::size_t have) {
  framer_idle_at_.store(have, std::memory_order_release);
  wait_for_members(have);
  framer_idle_at_.store(SIZE_MAX, std::memory_order_release);
}

void MemberTable::stop() {
  {
    std::lock_guard lk(mu_);
    stopped_.store(true, std::memory_order_release);
  }
  cv_.notify_all();
}

format::MemberMeta MemberTable::meta(std::size_t i) const {
  const Member& m = members_[i];
  return format::MemberMeta{.path = m.path,
                            .size = m.size,
                            .mtime = m.mtime,
                            .sha256_hex = m.sha256_view(),
                            .repository = repository_,
                            .job = job_,
                            .group = m.group,
                            .kind = m.kind};
}

}  // namespace tg::firmware::pipeline
