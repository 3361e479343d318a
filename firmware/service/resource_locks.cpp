#include "firmware/service/resource_locks.hpp"

namespace tg::firmware::service {

Lease& Lease::operator=(Lease&& o) noexcept {
  if (this != &o) {
    release();
    locks_ = o.locks_;
    resource_ = std::move(o.resource_);
    o.locks_ = nullptr;
  }
  return *this;
}

void Lease::release() {
  if (locks_) locks_->release(resource_);
  locks_ = nullptr;
}

Result<Lease> ResourceLocks::try_acquire(const std::string& resource, const std::string& owner) {
  std::lock_guard lk(mu_);
  if (auto it = owners_.find(resource); it != owners_.end())
    return Error(Errc::busy, resource + " is in use by " + it->second);
  owners_[resource] = owner;
  return Lease(this, resource);
}

Result<Lease> ResourceLocks::acquire(const std::string& resource, const std::string& owner,
                                     const std::function<bool()>& cancelled, std::chrono::milliseconds poll) {
  return acquire_any({resource}, owner, cancelled, poll);
}

Result<Lease> ResourceLocks::acquire_any(const std::vector<std::string>& resources, const std::string& owner,
                                         const std::function<bool()>& cancelled, std::chrono::milliseconds poll) {
  if (resources.empty()) return Error(Errc::not_found, "no resource to wait for");
  std::unique_lock lk(mu_);
  for (;;) {
    for (const auto& r : resources)
      if (!owners_.count(r)) {
        owners_[r] = owner;
        return Lease(this, r);
      }
    if (cancelled && cancelled()) return Error(Errc::cancelled, "cancelled while waiting for " + resources.front());
    cv_.wait_for(lk, poll);
  }
}

std::string ResourceLocks::owner_of(const std::string& resource) const {
  std::lock_guard lk(mu_);
  auto it = owners_.find(resource);
  return it == owners_.end() ? std::string() : it->second;
}

std::map<std::string, std::string> ResourceLocks::held() const {
  std::lock_guard lk(mu_);
  return owners_;
}

void ResourceLocks::release(const std::string& resource) {
  {
    std::lock_guard lk(mu_);
    owners_.erase(resource);
  }
  cv_.notify_all();
}

}  // namespace tg::firmware::service
