//===- thread_pool_test.cpp - strata/threads.h's executor -----------------===//
//
// Generated code trusts parallel_for to call every index exactly once and to
// return only after the last call: these tests count the calls per index
// for loop sizes below, at and above the thread count, over many loops in a
// row (the spin-then-sleep handoff), and check the calling thread takes part.
//
//===----------------------------------------------------------------------===//
#include "strata/threads.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <set>
#include <thread>
#include <vector>

namespace {

struct Calls {
  std::vector<std::atomic<int>> perIndex;
  std::atomic<int> onCaller{0};
  std::thread::id caller = std::this_thread::get_id();
  explicit Calls(int64_t n) : perIndex(n) {}
};

void countCall(void *closure, int64_t index) {
  auto *calls = static_cast<Calls *>(closure);
  calls->perIndex[index].fetch_add(1);
  if (std::this_thread::get_id() == calls->caller)
    calls->onCaller.fetch_add(1);
}

class ThreadPoolTest : public ::testing::TestWithParam<int> {};

TEST_P(ThreadPoolTest, EveryIndexRunsOnce) {
  strata_thread_pool_t *pool = strata_thread_pool_create(GetParam());
  ASSERT_NE(pool, nullptr);
  EXPECT_EQ(strata_thread_pool_threads(pool), GetParam());
  strata_executor_t executor = strata_thread_pool_executor(pool);
  for (int64_t n : {0, 1, 2, 3, 5, 8, 64, 1001}) {
    Calls calls(n);
    executor.parallel_for(executor.pool, n, countCall, &calls);
    for (int64_t i = 0; i < n; ++i)
      EXPECT_EQ(calls.perIndex[i].load(), 1) << "n=" << n << " index " << i;
    if (n >= GetParam()) // The caller runs the first range itself.
      EXPECT_GT(calls.onCaller.load(), 0) << "n=" << n;
  }
  strata_thread_pool_destroy(pool);
}

// Loops back to back and after the workers went to sleep both complete.
TEST_P(ThreadPoolTest, ManyLoopsAndAfterSleeping) {
  strata_thread_pool_t *pool = strata_thread_pool_create(GetParam());
  ASSERT_NE(pool, nullptr);
  strata_executor_t executor = strata_thread_pool_executor(pool);
  for (int round = 0; round < 500; ++round) {
    Calls calls(7);
    executor.parallel_for(executor.pool, 7, countCall, &calls);
    for (auto &count : calls.perIndex)
      ASSERT_EQ(count.load(), 1) << "round " << round;
    if (round == 250) // Long enough for every worker to sleep.
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  strata_thread_pool_destroy(pool);
}

INSTANTIATE_TEST_SUITE_P(Threads, ThreadPoolTest, ::testing::Values(1, 2, 3, 8));

TEST(ThreadPool, RefusesNoThreads) {
  EXPECT_EQ(strata_thread_pool_create(0), nullptr);
  EXPECT_EQ(strata_thread_pool_create(-1), nullptr);
  strata_thread_pool_destroy(nullptr); // Ignored.
}

} // namespace
