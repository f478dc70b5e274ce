// ManualRuntime: a Runtime for tests, driven by hand. Time moves only when the test advances
// it; sent frames are collected for the test to inspect; randomness is a fixed SplitMix64.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "middleware/runtime.h"

namespace mw::core::testing {

struct SentMessage {
  std::string endpoint;
  std::string bytes;
};

class ManualRuntime : public Runtime {
 public:
  Instant now() const override { return now_; }

  TimerId set_timer(Duration delay, std::function<void()> callback) override {
    const TimerId id = ++next_timer_;
    timers_[{now_ + delay, id}] = std::move(callback);
    return id;
  }

  void cancel_timer(TimerId id) override {
    for (auto it = timers_.begin(); it != timers_.end(); ++it) {
      if (it->first.second == id) {
        timers_.erase(it);
        return;
      }
    }
  }

  void send(std::string_view endpoint, std::string bytes) override {
    sent_.push_back(SentMessage{std::string(endpoint), std::move(bytes)});
  }

  std::uint64_t random_u64() override {
    std::uint64_t z = (rng_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

  void reached(std::string_view probe) override { ++probes_[std::string(probe)]; }
  void crash_point(std::string_view name) override { ++crash_points_[std::string(name)]; }
  // probes / crash_points count, by name, the probes reached and crash points passed.
  std::uint64_t probes(std::string_view name) const { return count(probes_, name); }
  std::uint64_t crash_points(std::string_view name) const { return count(crash_points_, name); }

  // advance moves time forward by `d`, firing due timers in time order.
  void advance(Duration d) {
    const Instant until = now_ + d;
    while (!timers_.empty() && timers_.begin()->first.first <= until) {
      auto it = timers_.begin();
      now_ = it->first.first;
      auto cb = std::move(it->second);
      timers_.erase(it);
      cb();
    }
    now_ = until;
  }

  // take_sent returns and forgets what was sent so far.
  std::vector<SentMessage> take_sent() { return std::exchange(sent_, {}); }
  // drop_timers forgets every timer, as a process crash does.
  void drop_timers() { timers_.clear(); }
  std::size_t timers() const { return timers_.size(); }

 private:
  static std::uint64_t count(const std::map<std::string, std::uint64_t, std::less<>>& m,
                             std::string_view name) {
    auto it = m.find(name);
    return it == m.end() ? 0 : it->second;
  }

  std::map<std::string, std::uint64_t, std::less<>> probes_;
  std::map<std::string, std::uint64_t, std::less<>> crash_points_;
  Instant now_ = from_unix_nanos(1'767'571'200'000'000'000LL);  // 2026-01-05T00:00:00Z
  TimerId next_timer_ = 0;
  std::map<std::pair<Instant, TimerId>, std::function<void()>> timers_;
  std::vector<SentMessage> sent_;
  std::uint64_t rng_ = 42;
};

}  // namespace mw::core::testing
