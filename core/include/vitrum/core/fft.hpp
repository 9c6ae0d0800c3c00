#pragma once
/// \file
/// FFT plans, made only here (DESIGN.md "Parallelism"; FFTW's planner is not re-entrant).
/// An FftPlanCache makes each plan once per (precision, shape, rigor) and hands out shared,
/// immutable plans; executing a plan is thread-safe, so many threads may transform their own
/// arrays with one plan at once (FFTW's new-array execute interface).
///
/// Transforms are complex-to-complex, in place, unnormalised in both directions:
/// forward X[k] = Σ x[n] e^{−2πi k·n/N}, inverse x[n] = Σ X[k] e^{+2πi k·n/N}; a round trip
/// multiplies by N = Π shape. Arrays are row-major and must be 64-byte aligned
/// (AlignedVector); a misaligned array is refused with NumericsError rather than silently
/// transformed slower.

#include <complex>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <new>
#include <span>
#include <vector>

namespace vitrum::core {

/// Allocator giving 64-byte alignment (a cache line; enough for AVX-512 FFTW codelets).
template <class T>
struct AlignedAllocator {
  using value_type = T;
  static constexpr std::align_val_t kAlignment{64};
  AlignedAllocator() = default;
  template <class U>
  AlignedAllocator(const AlignedAllocator<U>&) noexcept {}
  T* allocate(std::size_t n) { return static_cast<T*>(::operator new(n * sizeof(T), kAlignment)); }
  void deallocate(T* p, std::size_t) noexcept { ::operator delete(p, kAlignment); }
  template <class U>
  bool operator==(const AlignedAllocator<U>&) const noexcept {
    return true;
  }
};

template <class T>
using AlignedVector = std::vector<T, AlignedAllocator<T>>;

/// How hard FFTW searches for a fast algorithm. kEstimate is instant and bit-reproducible
/// from run to run; kMeasure times candidates and may pick a different algorithm in another
/// run (results then differ in the last bits) unless the same wisdom is loaded. Measured on
/// this project's 2-core machines (bench/README.md): kMeasure plans of 2D complex float
/// transforms are 4–5× faster than kEstimate ones from 256² up, so hot FFT loops (multislice)
/// should use kMeasure with a wisdom file, which keeps them reproducible.
enum class FftRigor { kEstimate, kMeasure };

/// A complex-to-complex in-place plan for one shape (rank 1–3) and precision.
template <class Real>
class FftPlan {
 public:
  ~FftPlan();
  FftPlan(const FftPlan&) = delete;
  FftPlan& operator=(const FftPlan&) = delete;

  const std::vector<std::size_t>& shape() const { return shape_; }
  std::size_t size() const { return size_; }
  /// Unnormalised forward transform of `data` (size() elements, 64-byte aligned), in place.
  void forward(std::span<std::complex<Real>> data) const;
  /// Unnormalised inverse transform, in place.
  void inverse(std::span<std::complex<Real>> data) const;

 private:
  friend class FftPlanCache;
  FftPlan(std::vector<std::size_t> shape, FftRigor rigor);
  void execute(void* plan, std::span<std::complex<Real>> data) const;

  std::vector<std::size_t> shape_;
  std::size_t size_ = 0;
  void* forward_ = nullptr;  // fftw(f)_plan, kept opaque so fftw3.h stays private
  void* inverse_ = nullptr;
};

struct FftPlanCacheOptions {
  FftRigor rigor = FftRigor::kEstimate;
  /// If set, FFTW wisdom is imported from this file when the cache is made (a missing file
  /// is not an error) and exported to it by save_wisdom().
  std::filesystem::path wisdom_file;
};

/// Makes and keeps plans. Thread-safe: any thread may ask for a plan at any time.
class FftPlanCache {
 public:
  explicit FftPlanCache(FftPlanCacheOptions options = {});
  ~FftPlanCache();
  FftPlanCache(const FftPlanCache&) = delete;
  FftPlanCache& operator=(const FftPlanCache&) = delete;

  /// The single-precision plan for `shape` (rank 1–3, all extents ≥ 1), made on first use.
  std::shared_ptr<const FftPlan<float>> plan_float(std::span<const std::size_t> shape);
  /// The double-precision plan for `shape`.
  std::shared_ptr<const FftPlan<double>> plan_double(std::span<const std::size_t> shape);
  /// Number of distinct plans made so far.
  std::size_t plan_count() const;
  /// Writes the accumulated FFTW wisdom to options.wisdom_file (atomically); IoError on failure.
  void save_wisdom() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vitrum::core
