//===- ArenaPlannerTest.cpp - strata-plan-memory's placement ---------------===//
//
// Liveness patterns that break naive placements: a chain that must
// ping-pong, a pattern where largest-first loses a third of the arena to a
// better order, and random live ranges checked for overlap and against the
// lower bound.
//
//===----------------------------------------------------------------------===//
#include "passes/ArenaPlanner.h"

#include <gtest/gtest.h>

#include <random>

using namespace strata;

namespace {

TEST(ArenaPlanner, NoBuffersNoArena) {
  ArenaPlan plan = planArena({});
  EXPECT_EQ(plan.arenaBytes, 0);
  EXPECT_EQ(arenaLowerBound({}), 0);
}

TEST(ArenaPlanner, DisjointLifetimesShareBytes) {
  std::vector<LiveBuffer> buffers = {{64, 0, 1}, {64, 2, 3}, {64, 4, 5}};
  ArenaPlan plan = planArena(buffers);
  EXPECT_EQ(plan.arenaBytes, 64);
  EXPECT_TRUE(isValidPlan(buffers, plan));
}

TEST(ArenaPlanner, BuffersLiveTogetherNeverOverlap) {
  std::vector<LiveBuffer> buffers = {{64, 0, 9}, {128, 3, 5}, {32, 4, 4}};
  ArenaPlan plan = planArena(buffers);
  EXPECT_EQ(plan.arenaBytes, 224);
  EXPECT_EQ(arenaLowerBound(buffers), 224);
  EXPECT_TRUE(isValidPlan(buffers, plan));
}

// A layer chain: each activation lives from its producer to its consumer,
// so two buffers alternate (ping-pong) whatever the chain's length.
TEST(ArenaPlanner, ChainPingPongs) {
  std::vector<LiveBuffer> buffers;
  for (int64_t i = 0; i < 20; ++i)
    buffers.push_back({256, i, i + 1});
  ArenaPlan plan = planArena(buffers);
  EXPECT_EQ(plan.arenaBytes, 512);
  EXPECT_EQ(arenaLowerBound(buffers), 512);
  EXPECT_TRUE(isValidPlan(buffers, plan));
}

// Largest-first places both 100-byte buffers at 0 and pushes the second
// 50-byte one above the first: 200 bytes. In program order the second
// 50-byte buffer reuses the first 100-byte one's bytes: 150, the bound.
TEST(ArenaPlanner, BeatsLargestFirstWhenOrderMatters) {
  std::vector<LiveBuffer> buffers = {
      {100, 0, 1}, {50, 1, 2}, {50, 2, 3}, {100, 3, 4}};
  ArenaPlan plan = planArena(buffers);
  EXPECT_EQ(arenaLowerBound(buffers), 150);
  EXPECT_EQ(plan.arenaBytes, 150);
  EXPECT_TRUE(isValidPlan(buffers, plan));
}

TEST(ArenaPlanner, RandomLiveRangesAreValidAndBounded) {
  std::mt19937 random(1234);
  for (int trial = 0; trial < 300; ++trial) {
    std::vector<LiveBuffer> buffers;
    int count = 1 + static_cast<int>(random() % 40);
    for (int i = 0; i < count; ++i) {
      int64_t first = random() % 60;
      int64_t length = random() % 12;
      int64_t bytes = 64 * (1 + random() % 16);
      buffers.push_back({bytes, first, first + length});
    }
    ArenaPlan plan = planArena(buffers);
    ASSERT_TRUE(isValidPlan(buffers, plan)) << "trial " << trial;
    EXPECT_GE(plan.arenaBytes, arenaLowerBound(buffers)) << "trial " << trial;
  }
}

TEST(ArenaPlanner, ValidityCheckCatchesOverlap) {
  std::vector<LiveBuffer> buffers = {{64, 0, 2}, {64, 1, 3}};
  ArenaPlan overlapping;
  overlapping.offsets = {0, 32};
  overlapping.arenaBytes = 96;
  EXPECT_FALSE(isValidPlan(buffers, overlapping));
}

} // namespace
