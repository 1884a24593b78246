/*===- threads.h - A thread pool for models' parallel loops -----*- C -*-===//
 *
 * The executor hosted systems run models with: a fixed set of pthreads that
 * splits each parallel loop of a model into one contiguous range of indices
 * per thread (the calling thread takes the first). Link
 * strata_runtime_threads (and pthreads); terminals never do, and their
 * models run every loop on the calling thread.
 *
 *===----------------------------------------------------------------------===*/
#ifndef STRATA_THREADS_H
#define STRATA_THREADS_H

#include "strata/runtime.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct strata_thread_pool strata_thread_pool_t;

/* A pool of `threads` threads in all, the caller of each loop included (so
 * `threads` - 1 are started). 1 starts none. NULL when `threads` is below 1
 * or threads cannot be started. */
strata_thread_pool_t *strata_thread_pool_create(int threads);

/* Stops and joins the pool's threads; NULL is ignored. No loop may run. */
void strata_thread_pool_destroy(strata_thread_pool_t *pool);

/* The pool's thread count. */
int strata_thread_pool_threads(const strata_thread_pool_t *pool);

/* An executor that runs loops on `pool`, for strata_run_with. One loop runs
 * at a time per pool: give each concurrently running model its own pool. */
strata_executor_t strata_thread_pool_executor(strata_thread_pool_t *pool);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* STRATA_THREADS_H */
