/* Large zeroed tables (lookup caches of several MB) in their own anonymous mapping, with
 * transparent huge pages asked for: a cache touched all over costs a handful of 2 MB page
 * faults instead of thousands of 4 KB ones (measured: page faults are what a fresh cache
 * costs on a virtual machine). */
#include <stdint.h>
#include <sys/mman.h>

#include "cd_text.h"

static size_t big_len(size_t n, size_t size) {
  if (size && n > SIZE_MAX / size)
    return 0;
  return n * size;
}

void *cd_big_calloc(size_t n, size_t size) {
  size_t len = big_len(n, size);
  if (!len)
    return NULL;
  void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED)
    return NULL;
#ifdef MADV_HUGEPAGE
  (void)madvise(p, len, MADV_HUGEPAGE); /* advice only: refused or unsupported is fine */
#endif
  return p;
}

void cd_big_free(void *p, size_t n, size_t size) {
  if (p)
    munmap(p, big_len(n, size));
}
