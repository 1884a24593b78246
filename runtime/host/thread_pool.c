/*===- thread_pool.c - The pthread executor of strata/threads.h --*- C -*-===//
 *
 * Each parallel loop is split into one contiguous range of indices per
 * thread, the same ranges on every run: which thread computes an index
 * never changes what it computes, so outputs do not depend on the thread
 * count. A loop is published by bumping a generation counter; the caller
 * runs the first range itself, then waits until every worker has finished
 * its own. A model's loops come tens of microseconds apart, so a worker
 * spins on the counter for a while (a few milliseconds) before it sleeps
 * on a condition variable: waking a sleeping thread costs as much as a
 * small loop (MobileNetV2 ran slower on two threads than on one).
 *
 *===----------------------------------------------------------------------===*/
#define _POSIX_C_SOURCE 200809L

#include "strata/threads.h"

#include <pthread.h>
#include <sched.h>
#include <stdlib.h>

typedef struct strata_worker {
  struct strata_thread_pool *pool;
  int index; /* 1 .. threads-1; the caller is range 0 */
  pthread_t thread;
} strata_worker_t;

/* Looks at the counter before a worker sleeps: the first ones a pause
 * apart, the rest after yielding the core, so that with more threads than
 * cores the spinning ones do not keep the busy ones off it. */
#define STRATA_POOL_PAUSED_SPINS 20000
#define STRATA_POOL_SPINS 100000
#if defined(__x86_64__) || defined(__i386__)
#define STRATA_POOL_PAUSE() __builtin_ia32_pause()
#elif defined(__aarch64__)
#define STRATA_POOL_PAUSE() __asm__ __volatile__("yield")
#else
#define STRATA_POOL_PAUSE() ((void)0)
#endif

/* Fields read and written by several threads go through these. */
#define STRATA_LOAD(field) __atomic_load_n(&(field), __ATOMIC_ACQUIRE)
#define STRATA_STORE(field, value) __atomic_store_n(&(field), value, __ATOMIC_RELEASE)

struct strata_thread_pool {
  int threads;
  strata_worker_t *workers;
  pthread_mutex_t lock;      /* guards sleeping on work_ready */
  pthread_cond_t work_ready; /* a new generation, or stop */
  unsigned long generation;  /* atomic: bumped once per loop */
  int pending;               /* atomic: workers still in the current loop */
  int stop;                  /* atomic */
  /* The current loop, written before its generation is published. */
  int64_t n;
  strata_task_fn body;
  void *closure;
};

/* Range `part` of the pool's `threads` over [0, n): sizes differ by at most
 * one. */
static void strata_run_range(const struct strata_thread_pool *pool, int part) {
  int64_t begin = pool->n * part / pool->threads;
  int64_t end = pool->n * (part + 1) / pool->threads;
  int64_t i;
  for (i = begin; i < end; ++i)
    pool->body(pool->closure, i);
}

static void strata_relax(long spins) {
  if (spins < STRATA_POOL_PAUSED_SPINS)
    STRATA_POOL_PAUSE();
  else
    sched_yield();
}

/* Waits for a generation after `seen` (spinning, then asleep); 0 on stop. */
static unsigned long strata_wait_for_work(struct strata_thread_pool *pool,
                                          unsigned long seen) {
  unsigned long generation;
  long spins;
  for (spins = 0; spins < STRATA_POOL_SPINS; ++spins) {
    if (STRATA_LOAD(pool->stop))
      return 0;
    generation = STRATA_LOAD(pool->generation);
    if (generation != seen)
      return generation;
    strata_relax(spins);
  }
  pthread_mutex_lock(&pool->lock);
  while (!STRATA_LOAD(pool->stop) &&
         (generation = STRATA_LOAD(pool->generation)) == seen)
    pthread_cond_wait(&pool->work_ready, &pool->lock);
  pthread_mutex_unlock(&pool->lock);
  return STRATA_LOAD(pool->stop) ? 0 : generation;
}

static void *strata_worker_main(void *argument) {
  strata_worker_t *worker = (strata_worker_t *)argument;
  struct strata_thread_pool *pool = worker->pool;
  unsigned long seen = 0;
  while ((seen = strata_wait_for_work(pool, seen)) != 0) {
    strata_run_range(pool, worker->index);
    __atomic_fetch_sub(&pool->pending, 1, __ATOMIC_RELEASE);
  }
  return NULL;
}

static void strata_pool_parallel_for(void *opaque, int64_t n,
                                     strata_task_fn body, void *closure) {
  struct strata_thread_pool *pool = (struct strata_thread_pool *)opaque;
  int64_t i;
  if (pool->threads == 1 || n <= 1) {
    for (i = 0; i < n; ++i)
      body(closure, i);
    return;
  }
  pool->n = n;
  pool->body = body;
  pool->closure = closure;
  STRATA_STORE(pool->pending, pool->threads - 1);
  /* The lock orders the bump before any worker's check-then-sleep. */
  pthread_mutex_lock(&pool->lock);
  __atomic_fetch_add(&pool->generation, 1, __ATOMIC_RELEASE);
  pthread_cond_broadcast(&pool->work_ready);
  pthread_mutex_unlock(&pool->lock);

  strata_run_range(pool, 0);

  for (i = 0; STRATA_LOAD(pool->pending) > 0; ++i)
    strata_relax((long)i);
}

strata_thread_pool_t *strata_thread_pool_create(int threads) {
  struct strata_thread_pool *pool;
  int started;
  if (threads < 1)
    return NULL;
  pool = (struct strata_thread_pool *)calloc(1, sizeof *pool);
  if (pool == NULL)
    return NULL;
  pool->threads = threads;
  pool->workers = (strata_worker_t *)calloc((size_t)threads, sizeof *pool->workers);
  if (pool->workers == NULL) {
    free(pool);
    return NULL;
  }
  pthread_mutex_init(&pool->lock, NULL);
  pthread_cond_init(&pool->work_ready, NULL);
  for (started = 1; started < threads; ++started) {
    strata_worker_t *worker = &pool->workers[started];
    worker->pool = pool;
    worker->index = started;
    if (pthread_create(&worker->thread, NULL, strata_worker_main, worker) != 0)
      break;
  }
  if (started < threads) {
    pool->threads = started; /* join the ones that did start */
    strata_thread_pool_destroy(pool);
    return NULL;
  }
  return pool;
}

void strata_thread_pool_destroy(strata_thread_pool_t *pool) {
  int i;
  if (pool == NULL)
    return;
  pthread_mutex_lock(&pool->lock);
  STRATA_STORE(pool->stop, 1);
  pthread_cond_broadcast(&pool->work_ready);
  pthread_mutex_unlock(&pool->lock);
  for (i = 1; i < pool->threads; ++i)
    pthread_join(pool->workers[i].thread, NULL);
  pthread_cond_destroy(&pool->work_ready);
  pthread_mutex_destroy(&pool->lock);
  free(pool->workers);
  free(pool);
}

int strata_thread_pool_threads(const strata_thread_pool_t *pool) {
  return pool->threads;
}

strata_executor_t strata_thread_pool_executor(strata_thread_pool_t *pool) {
  strata_executor_t executor;
  executor.parallel_for = strata_pool_parallel_for;
  executor.pool = pool;
  return executor;
}
