#pragma once
// One owner per drive and per changer at a time (a restore must never use a
// cartridge another job is still unloading). Resources are named: "changer",
// or a drive's name. Console commands try and fail with Errc::busy naming
// the owner; jobs wait for a drive (a due job waits for a busy drive).
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "hal/result.hpp"

namespace tg::firmware::service {

class ResourceLocks;

// Held while a resource is used; releases on destruction.
class Lease {
 public:
  Lease() = default;
  Lease(ResourceLocks* locks, std::string resource) : locks_(locks), resource_(std::move(resource)) {}
  Lease(Lease&& o) noexcept : locks_(o.locks_), resource_(std::move(o.resource_)) { o.locks_ = nullptr; }
  Lease& operator=(Lease&& o) noexcept;
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;
  ~Lease() { release(); }
  void release();
  bool held() const { return locks_ != nullptr; }
  const std::string& resource() const { return resource_; }

 private:
  ResourceLocks* locks_ = nullptr;
  std::string resource_;
};

class ResourceLocks {
 public:
  // owner: what holds it, for the busy message ("job 3 (backup nightly)").
  Result<Lease> try_acquire(const std::string& resource, const std::string& owner);
  // Waits until free, re-checking `cancelled` at least every `poll`.
  Result<Lease> acquire(const std::string& resource, const std::string& owner, const std::function<bool()>& cancelled,
                        std::chrono::milliseconds poll = std::chrono::milliseconds(200));
  // Takes whichever of `resources` is free first (any free drive).
  Result<Lease> acquire_any(const std::vector<std::string>& resources, const std::string& owner,
                            const std::function<bool()>& cancelled,
                            std::chrono::milliseconds poll = std::chrono::milliseconds(200));
  // Owner of a held resource, or "" when free.
  std::string owner_of(const std::string& resource) const;
  std::map<std::string, std::string> held() const;
  // Wakes waiters so they re-check cancellation now.
  void wake_all() { cv_.notify_all(); }

 private:
  friend class Lease;
  void release(const std::string& resource);

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, std::string> owners_;
};

}  // namespace tg::firmware::service
