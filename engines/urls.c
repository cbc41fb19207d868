/*
 * urls.c - checking URLs given with --url and reading --urls files.
 *
 * The file reader streams byte by byte with a fixed line buffer, so a huge or
 * binary file costs no more memory than one line: a line longer than
 * URLS_MAX_LINE bytes is rejected as soon as it is seen. Errors name the file
 * and line ("urls.txt:12: space inside the URL") and leave the caller's list
 * as it was.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "params.h"
#include "urls.h"

/* Check one URL: printable ASCII (checked first, so messages never echo
 * control bytes), scheme, no blanks, a host. */
int urls_check(const char *url, char *why, size_t whylen)
{
	for (const unsigned char *p = (const unsigned char *)url; *p; p++) {
		size_t col = (size_t)(p - (const unsigned char *)url) + 1;
		if ((*p < 0x20 && *p != '\t') || *p == 0x7f) {
			snprintf(why, whylen, "control byte 0x%02x in the URL (column %zu)", *p, col);
			return -EINVAL;
		}
		if (*p >= 0x80) {
			snprintf(why, whylen, "non-ASCII byte 0x%02x in the URL (column %zu); "
				 "percent-encode it", *p, col);
			return -EINVAL;
		}
	}
	size_t skip;
	if (!strncasecmp(url, "http://", 7))
		skip = 7;
	else if (!strncasecmp(url, "https://", 8))
		skip = 8;
	else {
		snprintf(why, whylen, "'%.60s%s' is not an http:// or https:// URL", url,
			 strlen(url) > 60 ? "..." : "");
		return -EINVAL;
	}
	size_t blank = strcspn(url, " \t");
	if (url[blank]) {
		snprintf(why, whylen, "space inside the URL (column %zu)", blank + 1);
		return -EINVAL;
	}
	const char *host = url + skip;
	if (!*host || *host == '/' || *host == '?' || *host == '#' || *host == ':') {
		snprintf(why, whylen, "'%.60s' has no host name", url);
		return -EINVAL;
	}
	if (strlen(url) > URLS_MAX_LINE) {
		snprintf(why, whylen, "URL longer than %d bytes", URLS_MAX_LINE);
		return -EINVAL;
	}
	return 0;
}

/* Append a copy of url to the list (see urls.h). */
int urls_append(char ***urls, int *n, const char *url, char *why, size_t whylen)
{
	int rc = urls_check(url, why, whylen);
	if (rc < 0)
		return rc;
	if (*n >= CV_MAX_URLS) {
		snprintf(why, whylen, "more than %d URLs", CV_MAX_URLS);
		return -EINVAL;
	}
	char *copy = strdup(url);
	char **grown = copy ? realloc(*urls, (size_t)(*n + 1) * sizeof *grown) : NULL;
	if (!grown) {
		free(copy);
		snprintf(why, whylen, "out of memory");
		return -ENOMEM;
	}
	grown[(*n)++] = copy;
	*urls = grown;
	return 0;
}

/* Drop the URLs appended after the first `keep` (undo on failure). */
static void urls_truncate(char **urls, int *n, int keep)
{
	while (*n > keep)
		free(urls[--*n]);
}

/* Handle one raw line of len bytes (no newline): skip it, append its URL, or
 * fail with "NAME:LINE: problem". */
static int urls_line(char *line, size_t len, const char *name, long lineno, char ***urls,
		     int *n, char *err, size_t errlen)
{
	if (memchr(line, '\0', len)) {
		snprintf(err, errlen, "%s:%ld: NUL byte (binary data) in the line", name, lineno);
		return -EINVAL;
	}
	while (len && (line[len - 1] == ' ' || line[len - 1] == '\t' || line[len - 1] == '\r'))
		len--;
	line[len] = '\0';
	size_t lead = strspn(line, " \t");
	char *url = line + lead;
	if (!*url || *url == '#')
		return 0;
	char why[160];
	int rc = urls_append(urls, n, url, why, sizeof why);
	if (rc < 0)
		snprintf(err, errlen, "%s:%ld: %s", name, lineno, why);
	return rc;
}

/* Read URLs from f and append them to the list (see urls.h). */
int urls_read(FILE *f, const char *name, char ***urls, int *n, char *err, size_t errlen)
{
	char *buf = malloc(URLS_MAX_LINE + 1);
	if (!buf) {
		snprintf(err, errlen, "%s: out of memory", name);
		return -ENOMEM;
	}
	int keep = *n, rc = 0, c;
	long lineno = 1;
	size_t len = 0;
	while (rc == 0 && (c = getc(f)) != EOF) {
		if (c == '\n') {
			rc = urls_line(buf, len, name, lineno++, urls, n, err, errlen);
			len = 0;
		} else if (len >= URLS_MAX_LINE) {
			snprintf(err, errlen, "%s:%ld: line longer than %d bytes", name, lineno,
				 URLS_MAX_LINE);
			rc = -EINVAL;
		} else {
			buf[len++] = (char)c;
		}
	}
	if (rc == 0 && ferror(f)) {
		snprintf(err, errlen, "%s: read error: %s", name, strerror(errno ? errno : EIO));
		rc = -EIO;
	}
	if (rc == 0 && len)
		rc = urls_line(buf, len, name, lineno, urls, n, err, errlen);
	if (rc == 0 && *n == keep) {
		snprintf(err, errlen, "%s: no URLs in the file", name);
		rc = -EINVAL;
	}
	free(buf);
	if (rc < 0)
		urls_truncate(*urls, n, keep);
	return rc;
}

/* Read the URL file at path (see urls.h). */
int urls_load(const char *path, char ***urls, int *n, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		int e = errno;
		snprintf(err, errlen, "%s: %s", path, strerror(e));
		return -e;
	}
	int rc = urls_read(f, path, urls, n, err, errlen);
	fclose(f);
	return rc;
}

/* Free n URLs and the array (NULL is fine). */
void urls_free(char **urls, int n)
{
	for (int i = 0; i < n; i++)
		free(urls[i]);
	free(urls);
}
