/*
 * export.h - a recorded run (session + timeline) written out for other tools.
 *
 * export_chrome writes Chrome Trace Event JSON (Perfetto, chrome://tracing):
 * one track per lane, one complete ("X") event per state span, an instant
 * event per failure. export_csv writes one RFC 4180 row per span. Both write
 * the same spans, in lane order then time order, with times taken from the
 * timeline's integer nanoseconds (Chrome's microseconds are printed with
 * three exact decimals, so consecutive spans never overlap).
 *
 * Both stream through stdio with no allocation per row: a 10-million-event
 * run exports in seconds. They return 0, or -EIO when writing failed (the
 * caller names the file).
 *
 * The small output helpers below are shared by export_chrome.c and
 * export_csv.c; they use the unlocked stdio calls (one thread per stream).
 */
#ifndef CV_EXPORT_H
#define CV_EXPORT_H

#include <stdint.h>
#include <stdio.h>
#include "session.h"
#include "timeline.h"

/* Write the run as Chrome Trace Event JSON to f; 0 or -EIO. */
int export_chrome(FILE *f, const struct session *s, const struct timeline *tl);

/* Write the run as CSV (header row + one row per span) to f; 0 or -EIO. */
int export_csv(FILE *f, const struct session *s, const struct timeline *tl);

/* Write an unsigned decimal integer. */
static inline void export_put_u64(FILE *f, uint64_t v)
{
	char b[24];
	int i = sizeof b;
	do {
		b[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	fwrite_unlocked(b + i, 1, sizeof b - (size_t)i, f);
}

/* Write a signed decimal integer. */
static inline void export_put_i64(FILE *f, int64_t v)
{
	if (v < 0) {
		putc_unlocked('-', f);
		export_put_u64(f, 0 - (uint64_t)v);
	} else {
		export_put_u64(f, (uint64_t)v);
	}
}

/* Write a NUL-terminated string as is. */
static inline void export_put_str(FILE *f, const char *s)
{
	fputs_unlocked(s, f);
}

#endif
