// Grids and tilt series.

#include <gtest/gtest.h>

#include "io_test_support.hpp"
#include "vitrum/core/grid.hpp"

namespace vitrum::core {
namespace {

TiltSeries three_tilts() {
  TiltSeries s{Grid<float, 3>({3, 2, 2}, {1.0, 0.5, 0.25}, {0.0, -1.0, 2.0}),
               {{0, -30, 0}, {0, 2, 1}, {0, 45, 0}}};
  for (std::size_t i = 0; i < s.images.size(); ++i) s.images.values()[i] = static_cast<float>(i);
  return s;
}

TEST(TiltSeries, ImageCopiesOneProjectionWithItsSampling) {
  const TiltSeries s = three_tilts();
  const Image second = s.image(1);
  EXPECT_EQ(second.values(), (std::vector<float>{4, 5, 6, 7}));
  EXPECT_DOUBLE_EQ(second.sampling()[0], 0.5);
  EXPECT_DOUBLE_EQ(second.sampling()[1], 0.25);
  EXPECT_DOUBLE_EQ(second.origin()[0], -1.0);
  EXPECT_DOUBLE_EQ(second.origin()[1], 2.0);
  testing::expect_error<InputError>([&] { (void)s.image(3); }, {"tilt 3", "has 3"});
}

TEST(TiltSeries, UntiltedIndexIsTheSmallestRotation) {
  EXPECT_EQ(three_tilts().untilted_index(), 1u);  // |0| + |2| + |1| = 3 < 30 < 45
}

}  // namespace
}  // namespace vitrum::core
