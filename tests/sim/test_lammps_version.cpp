#include <gtest/gtest.h>

#include "vitrum/sim/lammps_version.hpp"

namespace vitrum::sim {
namespace {

// Debian 12's liblammps is stable 29Sep2021 (update 2); PHYSICS.md §1 relies on its packages.
TEST(LammpsLibrary, OpensInProcessAndReportsItsVersion) { EXPECT_GE(lammps_version(), 20210929); }

}  // namespace
}  // namespace vitrum::sim
