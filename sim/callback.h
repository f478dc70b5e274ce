// Callback: a move-only `void()` callable with inline storage.
//
// The scheduler stores one Callback per pending event. Callables up to kInlineBytes, with no
// stricter alignment than a pointer's and a noexcept move, live inside the Callback, so
// scheduling one costs no heap allocation; others fall back to a single heap allocation. 64
// bytes hold the network's delivery event (a payload string and its routing). `std::function` would also
// allocate for captures beyond two pointers and requires copyability.
#pragma once

#include <cstddef>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>

namespace mw::sim {

class Callback {
 public:
  static constexpr std::size_t kInlineBytes = 64;
  // Pointer alignment keeps a Callback at 72 bytes; callables that need more go to the heap.
  static constexpr std::size_t kInlineAlign = alignof(void*);

  Callback() = default;

  template <typename F, typename = std::enable_if_t<!std::is_same_v<std::decay_t<F>, Callback>>>
  Callback(F&& f) {  // NOLINT(google-explicit-constructor): implicit like std::function.
    construct(std::forward<F>(f));
  }

  // emplace replaces the stored callable with `f`, constructed in place.
  template <typename F>
  void emplace(F&& f) {
    if constexpr (std::is_same_v<std::decay_t<F>, Callback>) {
      *this = std::move(f);
    } else {
      reset();
      construct(std::forward<F>(f));
    }
  }

  Callback(Callback&& other) noexcept : ops_(other.ops_) {
    if (ops_ != nullptr) {
      ops_->relocate(other.storage_, storage_);
      other.ops_ = nullptr;
    }
  }

  Callback& operator=(Callback&& other) noexcept {
    if (this != &other) {
      reset();
      ops_ = other.ops_;
      if (ops_ != nullptr) {
        ops_->relocate(other.storage_, storage_);
        other.ops_ = nullptr;
      }
    }
    return *this;
  }

  Callback(const Callback&) = delete;
  Callback& operator=(const Callback&) = delete;
  ~Callback() { reset(); }

  explicit operator bool() const { return ops_ != nullptr; }

  // operator() calls the stored callable; it must not be empty.
  void operator()() { ops_->invoke(storage_); }

  // reset destroys the stored callable, if any.
  void reset() {
    if (ops_ != nullptr) {
      if (ops_->destroy != nullptr) ops_->destroy(storage_);
      ops_ = nullptr;
    }
  }

  // fits_inline tells whether a callable of type F is stored without a heap allocation.
  template <typename F>
  static constexpr bool fits_inline() {
    return sizeof(F) <= kInlineBytes && alignof(F) <= kInlineAlign &&
           std::is_nothrow_move_constructible_v<F>;
  }

 private:
  struct Ops {
    void (*invoke)(void* storage);
    // relocate move-constructs into `to` and destroys the source.
    void (*relocate)(void* from, void* to);
    // destroy is null for trivially destructible callables: nothing to call.
    void (*destroy)(void* storage);
  };

  template <typename F>
  void construct(F&& f) {
    using Fn = std::decay_t<F>;
    static_assert(std::is_invocable_r_v<void, Fn&>, "Callback needs a void() callable");
    if constexpr (fits_inline<Fn>()) {
      ::new (static_cast<void*>(storage_)) Fn(std::forward<F>(f));
      ops_ = &kInlineOps<Fn>;
    } else {
      ::new (static_cast<void*>(storage_)) Boxed<Fn>(std::make_unique<Fn>(std::forward<F>(f)));
      ops_ = &kHeapOps<Fn>;
    }
  }

  template <typename Fn>
  static constexpr Ops kInlineOps = {
      [](void* s) { (*std::launder(static_cast<Fn*>(s)))(); },
      [](void* from, void* to) {
        Fn* src = std::launder(static_cast<Fn*>(from));
        ::new (to) Fn(std::move(*src));
        src->~Fn();
      },
      std::is_trivially_destructible_v<Fn>
          ? nullptr
          : +[](void* s) { std::launder(static_cast<Fn*>(s))->~Fn(); },
  };

  // A callable too large to store inline lives on the heap, owned by a unique_ptr stored inline.
  template <typename Fn>
  using Boxed = std::unique_ptr<Fn>;

  template <typename Fn>
  static constexpr Ops kHeapOps = {
      [](void* s) { (**std::launder(static_cast<Boxed<Fn>*>(s)))(); },
      [](void* from, void* to) {
        Boxed<Fn>* src = std::launder(static_cast<Boxed<Fn>*>(from));
        ::new (to) Boxed<Fn>(std::move(*src));
        src->~Boxed<Fn>();
      },
      [](void* s) { std::launder(static_cast<Boxed<Fn>*>(s))->~Boxed<Fn>(); },
  };

  alignas(kInlineAlign) unsigned char storage_[kInlineBytes];
  const Ops* ops_ = nullptr;
};

}  // namespace mw::sim
