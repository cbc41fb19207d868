/*
 * urls.h - the --url / --urls lists: checking URLs and reading a URL file.
 *
 * A URL file holds one URL per line; blank lines and lines starting with '#'
 * are ignored, leading and trailing blanks (and a CR) are trimmed. Lines
 * longer than URLS_MAX_LINE bytes, lines with control or non-ASCII bytes,
 * spaces inside a URL and schemes other than http:// and https:// are
 * rejected with "FILE:LINE: problem". At most CV_MAX_URLS URLs in all.
 */
#ifndef CV_URLS_H
#define CV_URLS_H

#include <stddef.h>
#include <stdio.h>

#define URLS_MAX_LINE 8192

/* Check one URL (http:// or https://, a host, printable ASCII, no blanks).
 * Returns 0, or -EINVAL with the problem (no prefix) in why. */
int urls_check(const char *url, char *why, size_t whylen);

/* Append a strdup'd copy of url to the list (*urls, *n: owned by the caller,
 * free with urls_free). Returns 0, -EINVAL (bad URL, too many; why set) or
 * -ENOMEM. On failure the list is unchanged. */
int urls_append(char ***urls, int *n, const char *url, char *why, size_t whylen);

/* Read URLs from f (named `name` in messages) and append them to the list.
 * Returns 0, or a negative errno with "NAME:LINE: problem" in err; on failure
 * the list is unchanged. */
int urls_read(FILE *f, const char *name, char ***urls, int *n, char *err, size_t errlen);

/* Read the URL file at path (see urls_read); an unreadable file gives
 * "PATH: reason". */
int urls_load(const char *path, char ***urls, int *n, char *err, size_t errlen);

/* Free n URLs and the array (NULL is fine). */
void urls_free(char **urls, int n);

#endif
