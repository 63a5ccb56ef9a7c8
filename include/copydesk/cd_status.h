/* SPDX-License-Identifier: MIT */
/* copydesk/cd_status.h — status codes and errors, shared by the public API and the library
 * inside: a function that can fail returns a cd_status (0 = ok) and, when the caller passes
 * a cd_error, fills it with a message that names the input and the position. */
#ifndef COPYDESK_CD_STATUS_H
#define COPYDESK_CD_STATUS_H

#ifdef __cplusplus
extern "C" {
#endif

/* Marks the functions libcopydesk.so exports; everything else in it is hidden. */
#if defined(__GNUC__) || defined(__clang__)
#define CD_EXPORT __attribute__((visibility("default")))
#else
#define CD_EXPORT
#endif

typedef enum cd_status {
  CD_OK = 0,
  CD_ERR_IO,      /* reading or writing a file failed */
  CD_ERR_INPUT,   /* the input is malformed (strict mode, bad TSV, bad TMX, ...) */
  CD_ERR_NOMEM,   /* an allocation failed */
  CD_ERR_USAGE,   /* the caller passed inconsistent options */
  CD_ERR_DATA,    /* a dictionary or data file is missing or corrupt */
  CD_ERR_DB,      /* SQLite reported an error (locked, corrupt, full) */
  CD_ERR_INTERNAL /* a library (ICU, iconv, ...) failed unexpectedly */
} cd_status;

typedef struct cd_error {
  cd_status status;
  char message[1024];
} cd_error;

/* A short English name of st ("invalid input"); never NULL. */
CD_EXPORT const char *cd_status_name(cd_status st);

#ifdef __cplusplus
}
#endif

#endif
