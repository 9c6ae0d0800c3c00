#include "vitrum/core/fft.hpp"

#include <fftw3.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>
#include <mutex>
#include <string>

#include "vitrum/core/error.hpp"
#include "vitrum/core/safe_file.hpp"

namespace vitrum::core {
namespace {

// FFTW's planner is process-wide state: one mutex guards every call into it (plan creation,
// destruction, wisdom), across all caches. Execution needs no lock.
std::mutex& planner_mutex() {
  static std::mutex m;
  return m;
}

unsigned rigor_flags(FftRigor rigor) {
  return rigor == FftRigor::kMeasure ? FFTW_MEASURE : FFTW_ESTIMATE;
}

// Precision dispatch: the float and double FFTW APIs differ only in their prefix.
template <class Real>
struct Fftw;
template <>
struct Fftw<float> {
  using Complex = fftwf_complex;
  using Plan = fftwf_plan;
  static Plan plan(int rank, const int* n, Complex* data, int sign, unsigned flags) {
    return fftwf_plan_dft(rank, n, data, data, sign, flags);
  }
  static void execute(Plan p, Complex* data) { fftwf_execute_dft(p, data, data); }
  static void destroy(Plan p) { fftwf_destroy_plan(p); }
  static int alignment_of(float* p) { return fftwf_alignment_of(p); }
};
template <>
struct Fftw<double> {
  using Complex = fftw_complex;
  using Plan = fftw_plan;
  static Plan plan(int rank, const int* n, Complex* data, int sign, unsigned flags) {
    return fftw_plan_dft(rank, n, data, data, sign, flags);
  }
  static void execute(Plan p, Complex* data) { fftw_execute_dft(p, data, data); }
  static void destroy(Plan p) { fftw_destroy_plan(p); }
  static int alignment_of(double* p) { return fftw_alignment_of(p); }
};

std::string shape_text(std::span<const std::size_t> shape) {
  std::string s;
  for (std::size_t e : shape) s += (s.empty() ? "" : "×") + std::to_string(e);
  return s;
}

}  // namespace

template <class Real>
FftPlan<Real>::FftPlan(std::vector<std::size_t> shape, FftRigor rigor) : shape_(std::move(shape)) {
  using F = Fftw<Real>;
  if (shape_.empty() || shape_.size() > 3)
    throw InputError("FFT rank must be 1, 2 or 3, got " + std::to_string(shape_.size()));
  std::vector<int> n;
  size_ = 1;
  for (std::size_t e : shape_) {
    if (e == 0) throw InputError("FFT shape has a zero extent: " + shape_text(shape_));
    n.push_back(static_cast<int>(e));
    size_ *= e;
  }
  // Plan on a scratch array of the same alignment as every AlignedVector; FFTW_MEASURE
  // overwrites it, which is why it is scratch.
  AlignedVector<std::complex<Real>> scratch(size_);
  auto* data = reinterpret_cast<typename F::Complex*>(scratch.data());
  const unsigned flags = rigor_flags(rigor);
  forward_ = F::plan(static_cast<int>(n.size()), n.data(), data, FFTW_FORWARD, flags);
  inverse_ = F::plan(static_cast<int>(n.size()), n.data(), data, FFTW_BACKWARD, flags);
  if (!forward_ || !inverse_)
    throw NumericsError("FFTW could not make a plan for shape " + shape_text(shape_));
}

template <class Real>
FftPlan<Real>::~FftPlan() {
  using F = Fftw<Real>;
  const std::lock_guard lock(planner_mutex());
  if (forward_) F::destroy(static_cast<typename F::Plan>(forward_));
  if (inverse_) F::destroy(static_cast<typename F::Plan>(inverse_));
}

template <class Real>
void FftPlan<Real>::execute(void* plan, std::span<std::complex<Real>> data) const {
  using F = Fftw<Real>;
  if (data.size() != size_)
    throw InputError("FFT array has " + std::to_string(data.size()) + " elements, plan is for " +
                     shape_text(shape_));
  if (F::alignment_of(reinterpret_cast<Real*>(data.data())) != 0)
    throw NumericsError("FFT array is not aligned like the plan's; allocate it as AlignedVector");
  F::execute(static_cast<typename F::Plan>(plan),
             reinterpret_cast<typename F::Complex*>(data.data()));
}

template <class Real>
void FftPlan<Real>::forward(std::span<std::complex<Real>> data) const {
  execute(forward_, data);
}

template <class Real>
void FftPlan<Real>::inverse(std::span<std::complex<Real>> data) const {
  execute(inverse_, data);
}

template class FftPlan<float>;
template class FftPlan<double>;

struct FftPlanCache::Impl {
  FftPlanCacheOptions options;
  mutable std::mutex mutex;
  std::map<std::vector<std::size_t>, std::shared_ptr<const FftPlan<float>>> float_plans;
  std::map<std::vector<std::size_t>, std::shared_ptr<const FftPlan<double>>> double_plans;

  template <class Real>
  std::shared_ptr<const FftPlan<Real>> get(
      std::map<std::vector<std::size_t>, std::shared_ptr<const FftPlan<Real>>>& plans,
      std::span<const std::size_t> shape) {
    std::vector<std::size_t> key(shape.begin(), shape.end());
    {
      const std::lock_guard lock(mutex);
      if (auto it = plans.find(key); it != plans.end()) return it->second;
    }
    std::shared_ptr<const FftPlan<Real>> plan;
    {
      const std::lock_guard planner(planner_mutex());
      plan.reset(new FftPlan<Real>(key, options.rigor));
    }
    const std::lock_guard lock(mutex);
    // Another thread may have made the same plan meanwhile; keep the first.
    return plans.emplace(std::move(key), std::move(plan)).first->second;
  }
};

FftPlanCache::FftPlanCache(FftPlanCacheOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  if (!impl_->options.wisdom_file.empty() && std::filesystem::exists(impl_->options.wisdom_file)) {
    const std::string path = impl_->options.wisdom_file.string();
    std::ifstream in(path);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // The file holds the float wisdom, then the double wisdom (see save_wisdom).
    const std::size_t second = text.find("(fftw-", 1);
    const std::string float_part = text.substr(0, second);
    const std::string double_part = second == std::string::npos ? "" : text.substr(second);
    const std::lock_guard planner(planner_mutex());
    if (!in || !fftwf_import_wisdom_from_string(float_part.c_str()) ||
        !fftw_import_wisdom_from_string(double_part.c_str()))
      throw InputError("not a valid vitrum FFTW wisdom file", path);
  }
}

FftPlanCache::~FftPlanCache() = default;

std::shared_ptr<const FftPlan<float>> FftPlanCache::plan_float(std::span<const std::size_t> shape) {
  return impl_->get(impl_->float_plans, shape);
}

std::shared_ptr<const FftPlan<double>> FftPlanCache::plan_double(
    std::span<const std::size_t> shape) {
  return impl_->get(impl_->double_plans, shape);
}

std::size_t FftPlanCache::plan_count() const {
  const std::lock_guard lock(impl_->mutex);
  return impl_->float_plans.size() + impl_->double_plans.size();
}

void FftPlanCache::save_wisdom() const {
  const auto& target = impl_->options.wisdom_file;
  if (target.empty()) throw InputError("no wisdom file was configured for this FFT plan cache");
  // Single- and double-precision wisdom are separate FFTW states; both go in one file,
  // float first, and import reads them back in that order.
  write_stream_atomically(target, [](std::ostream& out) {
    const std::lock_guard planner(planner_mutex());
    for (char* text : {fftwf_export_wisdom_to_string(), fftw_export_wisdom_to_string()}) {
      out << text;
      std::free(text);
    }
  });
}

}  // namespace vitrum::core
