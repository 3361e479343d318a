#include "firmware/service/client_sessions.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <system_error>
#include <vector>

namespace tg::firmware::service {

bool ClientSessions::Session::begin_command() {
  std::lock_guard lk(owner_.mu_);
  Slot& s = owner_.slots_.at(id_);
  if (s.evicted) return false;
  s.busy = true;
  return true;
}

void ClientSessions::Session::end_command() {
  std::lock_guard lk(owner_.mu_);
  Slot& s = owner_.slots_.at(id_);
  s.busy = false;
  s.idle_since = std::chrono::steady_clock::now();
}

ClientSessions::ClientSessions(std::size_t limit, std::function<void()> on_finished)
    : limit_(std::max<std::size_t>(limit, 1)), on_finished_(std::move(on_finished)) {}

ClientSessions::~ClientSessions() { stop_all(); }

std::size_t ClientSessions::live_locked() const {
  return static_cast<std::size_t>(
      std::count_if(slots_.begin(), slots_.end(), [](const auto& e) { return !e.second.finished && !e.second.evicted; }));
}

ClientSessions::Admission ClientSessions::admit(int fd, Serve serve) {
  Admission how = Admission::admitted;
  std::thread victim;
  {
    std::lock_guard lk(mu_);
    if (live_locked() >= limit_) {
      Slot* oldest = nullptr;
      for (auto& [id, s] : slots_)
        if (!s.busy && !s.evicted && !s.finished && (!oldest || s.idle_since < oldest->idle_since)) oldest = &s;
      if (!oldest) return Admission::refused_busy;
      // Under the lock, so the session cannot start a command between the
      // choice and the shutdown; begin_command() then refuses.
      oldest->evicted = true;
      ::shutdown(oldest->fd, SHUT_RDWR);
      victim = std::move(oldest->thread);
      how = Admission::evicted_idle;
    }
  }
  // An idle session whose connection is shut down returns at once (its
  // poll or recv ends): joining it here bounds the threads by the limit even
  // when clients arrive faster than evicted ones would be reaped.
  if (victim.joinable()) victim.join();

  std::lock_guard lk(mu_);
  const std::uint64_t id = next_id_++;
  Slot& slot = slots_[id];
  slot.fd = fd;
  slot.idle_since = std::chrono::steady_clock::now();
  try {
    slot.thread = std::thread([this, id, fd, serve = std::move(serve)] {
      Session s(*this, id, fd);
      serve(s);
      finish(id);
    });
  } catch (const std::system_error&) {
    // Out of threads (RLIMIT_NPROC, memory): refuse this client rather than
    // let the exception end the service and the jobs it runs.
    slots_.erase(id);
    return Admission::refused_threads;
  }
  return how;
}

void ClientSessions::finish(std::uint64_t id) {
  {
    std::lock_guard lk(mu_);
    Slot& s = slots_.at(id);
    // Closed under the lock: admit() and stop_all() shut a session's fd
    // down only while it is not finished, so never a reused descriptor.
    ::close(s.fd);
    s.fd = -1;
    s.busy = false;
    s.finished = true;
  }
  if (on_finished_) on_finished_();
}

void ClientSessions::reap() {
  std::vector<std::thread> done;
  {
    std::lock_guard lk(mu_);
    for (auto it = slots_.begin(); it != slots_.end();) {
      if (!it->second.finished) {
        ++it;
        continue;
      }
      if (it->second.thread.joinable()) done.push_back(std::move(it->second.thread));
      it = slots_.erase(it);
    }
  }
  // Finished threads are past their last use of the slots: these joins do
  // not wait for anything but the thread's own exit.
  for (auto& t : done) t.join();
}

void ClientSessions::stop_all() {
  std::vector<std::thread> all;
  {
    std::lock_guard lk(mu_);
    for (auto& [id, s] : slots_) {
      if (!s.finished) ::shutdown(s.fd, SHUT_RDWR);
      if (s.thread.joinable()) all.push_back(std::move(s.thread));
    }
  }
  for (auto& t : all) t.join();
  std::lock_guard lk(mu_);
  slots_.clear();
}

std::size_t ClientSessions::threads() const {
  std::lock_guard lk(mu_);
  return static_cast<std::size_t>(
      std::count_if(slots_.begin(), slots_.end(), [](const auto& e) { return e.second.thread.joinable(); }));
}

}  // namespace tg::firmware::service
