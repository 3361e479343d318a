#pragma once
// The control socket's client sessions: one thread per connected client, at
// most `limit` of them.
//
// A session's thread is joined as soon as its client leaves (whoever is told
// through `on_finished` calls reap()), never kept until the service stops:
// issue 14 saw a monitor polling every 10 s exhaust the process's mappings
// (two and ~8 MiB of address space per kept thread) after ~32,000
// connections. At the limit, a new client takes the place of the session
// that has been idle longest, so idle connections never lock others out;
// only when every session is running a command is a new client refused.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

namespace tg::firmware::service {

class ClientSessions {
 public:
  // What a session's thread holds: its connection, and the way to say when
  // it is running a command (a session running one is never evicted).
  class Session {
   public:
    int fd() const { return fd_; }
    // Marks the session busy. False when it was evicted meanwhile: the
    // request must not run, the thread should return.
    [[nodiscard]] bool begin_command();
    // Idle again from now (the eviction order counts from here).
    void end_command();

   private:
    friend class ClientSessions;
    Session(ClientSessions& owner, std::uint64_t id, int fd) : owner_(owner), id_(id), fd_(fd) {}
    ClientSessions& owner_;
    std::uint64_t id_;
    int fd_;
  };
  using Serve = std::function<void(Session&)>;

  // `on_finished` runs on a session's thread as it ends, after its
  // connection is closed (it should wake whoever calls reap()).
  ClientSessions(std::size_t limit, std::function<void()> on_finished);
  ~ClientSessions();
  ClientSessions(const ClientSessions&) = delete;
  ClientSessions& operator=(const ClientSessions&) = delete;

  enum class Admission {
    admitted,         // a thread serves the client
    evicted_idle,     // admitted, in the place of the longest-idle session
    refused_busy,     // every session is running a command: fd not taken
    refused_threads,  // no thread could be started: fd not taken
  };
  // Takes `fd` (a connected client) unless refused; the session's thread
  // runs `serve` and then closes the connection. Call from one thread.
  Admission admit(int fd, Serve serve);
  // Joins the threads of sessions that have ended.
  void reap();
  // Shuts every connection down (an idle session ends at once; a busy one
  // when its command returns) and joins every thread.
  void stop_all();
  // Threads started and not yet joined.
  std::size_t threads() const;

 private:
  struct Slot {
    int fd = -1;
    std::thread thread;
    bool busy = false;     // running a command
    bool evicted = false;  // its connection was shut down for a newer client
    bool finished = false; // its thread has returned (fd closed)
    std::chrono::steady_clock::time_point idle_since;
  };
  std::size_t live_locked() const;
  void finish(std::uint64_t id);

  const std::size_t limit_;
  const std::function<void()> on_finished_;
  mutable std::mutex mu_;
  std::map<std::uint64_t, Slot> slots_;
  std::uint64_t next_id_ = 1;
};

}  // namespace tg::firmware::service
