// Bad models get a clear InputError naming the file.

#include <gtest/gtest.h>

#include <limits>

#include "io_test_support.hpp"
#include "structures.hpp"
#include "vitrum/analysis/model_checks.hpp"

namespace vitrum::analysis {
namespace {

using core::testing::expect_error;

TEST(ModelChecks, RejectEmptyOverlappingAndNonFiniteModels) {
  const core::ExecutionContext ctx{2};
  expect_error<InputError>([&] { check_model(core::AtomicModel{}, "empty.xyz", ctx); },
                           {"no atoms", "empty.xyz"});
  auto m = testing::cubic_crystal(testing::fcc_basis(), 3.6, 3);
  check_model(m, "ok.xyz", ctx);
  m.add_atom(m.positions_A()[5] + core::Vec3(0.3, 0, 0), 73);
  expect_error<InputError>([&] { check_model(m, "overlap.xyz", ctx); },
                           {"0.3 Å apart", "overlap.xyz", "5"});
  auto bad = testing::cubic_crystal(testing::fcc_basis(), 3.6, 2);
  bad.positions_A()[3].x() = std::numeric_limits<double>::quiet_NaN();
  expect_error<InputError>([&] { check_model(bad, "nan.xyz", ctx); }, {"nan.xyz"});
}

}  // namespace
}  // namespace vitrum::analysis
