//===- ShapeInferenceTest.cpp - Unit tests of ONNX shape rules --*- C++ -*-===//
//
// The shape rules are shared by verifiers, folders, the importer and passes;
// these tests pin ONNX's edge cases (broadcasting against 1-D and scalars,
// ceil_mode windows, negative and clamped slice bounds) in one place.
//
//===----------------------------------------------------------------------===//
#include "dialects/Graph/ShapeInference.h"

#include <gtest/gtest.h>

using namespace strata::graph;
using Shape = llvm::SmallVector<int64_t>;

TEST(BroadcastShapesTest, AlignsTrailingAxes) {
  EXPECT_EQ(*broadcastShapes({2, 3, 4}, {4}), (Shape{2, 3, 4}));
  EXPECT_EQ(*broadcastShapes({2, 1, 4}, {3, 1}), (Shape{2, 3, 4}));
  EXPECT_EQ(*broadcastShapes({}, {5}), (Shape{5}));
  EXPECT_EQ(*broadcastShapes({1}, {}), (Shape{1}));
  EXPECT_FALSE(broadcastShapes({2, 3}, {4}).has_value());
  EXPECT_FALSE(broadcastShapes({2, 3}, {3, 3}).has_value());
}

TEST(MatmulShapeTest, PromotesVectorsAndBroadcastsBatches) {
  EXPECT_EQ(*matmulShape({2, 3}, {3, 4}), (Shape{2, 4}));
  EXPECT_EQ(*matmulShape({3}, {3, 4}), (Shape{4}));
  EXPECT_EQ(*matmulShape({2, 3}, {3}), (Shape{2}));
  EXPECT_EQ(*matmulShape({3}, {3}), (Shape{}));
  EXPECT_EQ(*matmulShape({5, 1, 2, 3}, {4, 3, 6}), (Shape{5, 4, 2, 6}));
  EXPECT_FALSE(matmulShape({2, 3}, {4, 5}).has_value());
  EXPECT_FALSE(matmulShape({2, 2, 3}, {3, 3, 4}).has_value());
}

TEST(WindowOutputSizeTest, FloorAndCeilModes) {
  // 224 input, 7x7 kernel, stride 2, pad 3: ResNet's stem.
  EXPECT_EQ(windowOutputSize(224, 7, 2, 3, 3, 1, false), 112);
  EXPECT_EQ(windowOutputSize(5, 2, 2, 0, 0, 1, false), 2);
  EXPECT_EQ(windowOutputSize(5, 2, 2, 0, 0, 1, true), 3);
  // A ceil_mode window that would start in the end padding is dropped.
  EXPECT_EQ(windowOutputSize(4, 2, 2, 1, 1, 1, true), 3);
  // Dilation widens the kernel.
  EXPECT_EQ(windowOutputSize(7, 3, 1, 0, 0, 2, false), 3);
  EXPECT_EQ(windowOutputSize(2, 5, 1, 0, 0, 1, false), 0);
}

TEST(NormalizeAxisTest, NegativeAxesCountFromTheEnd) {
  EXPECT_EQ(normalizeAxis(-1, 3), 2);
  EXPECT_EQ(normalizeAxis(0, 3), 0);
  EXPECT_FALSE(normalizeAxis(3, 3).has_value());
  EXPECT_FALSE(normalizeAxis(-4, 3).has_value());
  // With allowEnd, `rank` is valid and -1 still means the last axis.
  EXPECT_EQ(normalizeAxis(3, 3, /*allowEnd=*/true), 3);
  EXPECT_EQ(normalizeAxis(-1, 3, /*allowEnd=*/true), 2);
  EXPECT_EQ(normalizeAxis(-3, 3, /*allowEnd=*/true), 0);
  EXPECT_FALSE(normalizeAxis(-4, 3, /*allowEnd=*/true).has_value());
}

TEST(ShapeOpRangeTest, ClampsLikeOnnx) {
  using Range = std::pair<int64_t, int64_t>;
  EXPECT_EQ(shapeOpRange(0, std::nullopt, 4), Range(0, 4));
  EXPECT_EQ(shapeOpRange(-1, std::nullopt, 4), Range(3, 4));
  EXPECT_EQ(shapeOpRange(1, -1, 4), Range(1, 3));
  EXPECT_EQ(shapeOpRange(-10, 10, 4), Range(0, 4));
}

TEST(ResolveSliceRangeTest, PositiveSteps) {
  SliceRange r = resolveSliceRange(1, 4, 1, 10);
  EXPECT_EQ(r.start, 1);
  EXPECT_EQ(r.size, 3);
  r = resolveSliceRange(0, INT64_MAX, 3, 10); // Ends past the extent clamp.
  EXPECT_EQ(r.size, 4);
  r = resolveSliceRange(-3, -1, 1, 10);
  EXPECT_EQ(r.start, 7);
  EXPECT_EQ(r.size, 2);
  EXPECT_EQ(resolveSliceRange(5, 2, 1, 10).size, 0);
}

TEST(ResolveSliceRangeTest, NegativeSteps) {
  // x[::-1] in ONNX: start -1, end INT64_MIN, step -1.
  SliceRange r = resolveSliceRange(-1, INT64_MIN, -1, 5);
  EXPECT_EQ(r.start, 4);
  EXPECT_EQ(r.step, -1);
  EXPECT_EQ(r.size, 5);
  r = resolveSliceRange(8, 1, -2, 10); // 8, 6, 4, 2
  EXPECT_EQ(r.start, 8);
  EXPECT_EQ(r.size, 4);
  EXPECT_EQ(resolveSliceRange(1, 5, -1, 10).size, 0);
}
