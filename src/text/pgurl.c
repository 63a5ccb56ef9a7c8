/* SPDX-License-Identifier: MIT */
/* PostgreSQL locations, shared by the TM store and the names store: which strings are
 * URLs, and the URL as messages may show it. */
#include <stdlib.h>
#include <string.h>

#include "cd_text.h"

bool cd_pg_is_url(const char *location) {
  return location &&
         (strncmp(location, "postgresql://", 13) == 0 || strncmp(location, "postgres://", 11) == 0);
}

char *cd_pg_url_redact(const char *url) {
  size_t n = strlen(url);
  char *out = malloc(n + 4);
  if (!out)
    return NULL;
  const char *auth = strstr(url, "://");
  auth = auth ? auth + 3 : url;
  size_t auth_end = strcspn(auth, "/?#");
  const char *at = NULL;
  for (size_t i = 0; i < auth_end; i++)
    if (auth[i] == '@')
      at = auth + i;
  const char *colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
  size_t o = 0;
  for (const char *p = url; *p;) {
    if (colon && p == colon) {
      p = at;
      continue;
    }
    if (strncmp(p, "password=", 9) == 0 && p > url && (p[-1] == '?' || p[-1] == '&')) {
      memcpy(out + o, "password=***", 12 <= n + 3 - o ? 12 : 0);
      o += 12 <= n + 3 - o ? 12 : 0;
      p += 9 + strcspn(p + 9, "&#");
      continue;
    }
    if (o < n + 3)
      out[o++] = *p;
    p++;
  }
  out[o] = '\0';
  return out;
}
