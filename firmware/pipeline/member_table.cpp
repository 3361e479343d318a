#include "firmware/pipeline/member_table.hpp"

#include "firmware/format/pax_keywords.hpp"
#include "firmware/format/sha256_manifest.hpp"

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

MemberTable::MemberTable(std::size_t capacity, std::string repository, std::string job_uuid,
                         std::uint64_t manifest_interval)
    : capacity_(capacity),
      chunks_(std::make_unique<std::unique_ptr<Member[]>[]>((capacity + kChunkMembers - 1) / kChunkMembers)),
      repository_(std::move(repository)), job_(std::move(job_uuid)),
      manifest_interval_(manifest_interval ? manifest_interval : 1) {}

std::size_t MemberTable::text_bytes() const {
  std::lock_guard lk(mu_);
  return text_.reserved_bytes();
}

std::string_view MemberTable::text_like(std::string_view text, std::string_view previous) {
  return text == previous && previous.data() != nullptr ? previous : text_.add(text);
}

Result<std::size_t> MemberTable::append_locked(const Member& like, std::uint32_t origin, std::uint32_t attempt) {
  std::size_t i = count_.load(std::memory_order_relaxed);
  if (i >= capacity_)
    return make_error(Errc::internal, "too many retries in one job (member table of " + std::to_string(capacity_) +
                                          " entries is full)");
  const std::size_t chunk = i / kChunkMembers;
  if (chunk == allocated_chunks_.load(std::memory_order_relaxed)) {
    // Published to readers by count_ below (release), like the fields.
    chunks_[chunk] = std::make_unique<Member[]>(kChunkMembers);
    allocated_chunks_.store(chunk + 1, std::memory_order_release);
  }
  Member& m = at(i);
  m.source = like.source;
  m.path = like.path;
  m.size = like.size;
  m.mtime = like.mtime;
  m.group = like.group;
  m.kind = like.kind;
  m.identity = like.identity;
  m.owner = like.owner;
  m.is_manifest = like.is_manifest;
  m.list_from = like.list_from;
  m.list_to = like.list_to;
  m.origin = attempt == 1 ? static_cast<std::uint32_t>(i) : origin;
  m.attempt = attempt;
  count_.store(i + 1, std::memory_order_release);
  if (!m.is_manifest) {
    unlisted_bytes_ += m.size;
    unlisted_lines_ += format::manifest_line_length(m.path);
  }
  return i;
}

Result<std::size_t> MemberTable::append_manifest_locked() {
  Member like;
  like.path = text_.add(format::manifest_member_name(job_, ++manifests_));
  like.kind = format::pax::kManifestKind;  // a literal: lives as long as the program
  like.is_manifest = true;
  like.list_from = unlisted_from_;
  like.list_to = count_.load(std::memory_order_relaxed);
  std::size_t i = TG_TRY(append_locked(like, 0, 1));
  unlisted_from_ = i + 1;
  unlisted_bytes_ = unlisted_lines_ = 0;
  return i;
}

Status MemberTable::list_if_due_locked() {
  // The next line might not fit a manifest that already holds these.
  constexpr std::uint64_t kLongestLine = 2 * format::kMaxPathBytes + 68;
  if (unlisted_bytes_ >= manifest_interval_ || unlisted_lines_ + kLongestLine > format::kMaxManifestBytes)
    (void)TG_TRY(append_manifest_locked());
  return {};
}

Result<std::size_t> MemberTable::append(const MemberInput& in) {
  std::size_t i;
  {
    std::lock_guard lk(mu_);
    // Against the last member appended (a retry or manifest in between
    // only makes a chain's key be copied once more).
    const std::size_t n = count_.load(std::memory_order_relaxed);
    const Member* prev = n > 0 ? &at(n - 1) : nullptr;
    Member like;
    like.source = text_.add(in.source);
    // The tar path is usually the tail of the source path: no copy then.
    const std::string_view src = like.source;
    if (src.size() > in.path.size() && src.substr(src.size() - in.path.size()) == in.path &&
        src[src.size() - in.path.size() - 1] == '/')
      like.path = src.substr(src.size() - in.path.size());
    else
      like.path = text_.add(in.path);
    like.size = in.size;
    like.mtime = in.mtime;
    like.group = text_like(in.group, prev ? prev->group : std::string_view());
    like.kind = text_like(in.kind, prev ? prev->kind : std::string_view());
    like.identity = in.identity;
    like.owner = in.owner;
    i = TG_TRY(append_locked(like, 0, 1));
    TG_CHECK(list_if_due_locked());
  }
  cv_.notify_all();
  return i;
}

Result<std::optional<std::size_t>> MemberTable::append_retry(std::size_t i) {
  std::size_t r;
  {
    std::lock_guard lk(mu_);
    if (at(i).retried) return std::optional<std::size_t>();
    at(i).retried = true;
    const Member& m = at(i);  // input fields are immutable once framed
    r = TG_TRY(append_locked(m, m.origin, m.attempt + 1));
    TG_CHECK(list_if_due_locked());
  }
  cv_.notify_all();
  return std::optional<std::size_t>(r);
}

Result<std::optional<std::size_t>> MemberTable::append_pending_manifest() {
  std::size_t r;
  {
    std::lock_guard lk(mu_);
    bool any = false;
    for (std::size_t j = unlisted_from_; j < count_.load(std::memory_order_relaxed) && !any; ++j)
      any = !at(j).is_manifest;
    if (!any) return std::optional<std::size_t>();
    r = TG_TRY(append_manifest_locked());
  }
  cv_.notify_all();
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

void MemberTable::notify_open() {
  { std::lock_guard lk(mu_); }
  cv_.notify_all();
}

OpenState MemberTable::wait_open(std::size_t i) {
  std::unique_lock lk(mu_);
  cv_.wait(lk, [&] { return stopped() || at(i).open_state.load() != OpenState::pending; });
  return at(i).open_state.load();
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
  const Member& m = at(i);
  // TAPEGATE-2: no hash in the header; it follows in the manifest.
  return format::MemberMeta{.path = m.path,
                            .size = m.size,
                            .mtime = m.mtime,
                            .sha256_hex = {},
                            .repository = repository_,
                            .job = job_,
                            .group = m.group,
                            .kind = m.kind,
                            .mode = m.owner.mode,
                            .uid = m.owner.uid,
                            .gid = m.owner.gid};
}

}  // namespace tg::firmware::pipeline
