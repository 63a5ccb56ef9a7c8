/* SPDX-License-Identifier: MIT */
/* Large zeroed tables (lookup caches of several MB) in their own anonymous mapping, with
 * transparent huge pages asked for: a cache touched all over costs a handful of 2 MB page
 * faults instead of thousands of 4 KB ones (measured: page faults are what a fresh cache
 * costs on a virtual machine). */
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "cd_text.h"

/* Under AddressSanitizer the tables come from calloc: LeakSanitizer finds the pointers a
 * table holds only in heap blocks, not in a mapping of our own. */
#if defined(__SANITIZE_ADDRESS__)
#define CD_BIG_CALLOC 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CD_BIG_CALLOC 1
#endif
#endif

static size_t big_len(size_t n, size_t size) {
  if (size && n > SIZE_MAX / size)
    return 0;
  return n * size;
}

void *cd_big_calloc(size_t n, size_t size) {
  size_t len = big_len(n, size);
  if (!len)
    return NULL;
#ifdef CD_BIG_CALLOC
  return calloc(n, size);
#else
  void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED)
    return NULL;
#ifdef MADV_HUGEPAGE
  (void)madvise(p, len, MADV_HUGEPAGE); /* advice only: refused or unsupported is fine */
#endif
  return p;
#endif
}

void cd_big_free(void *p, size_t n, size_t size) {
#ifdef CD_BIG_CALLOC
  (void)n;
  (void)size;
  free(p);
#else
  if (p)
    munmap(p, big_len(n, size));
#endif
}
