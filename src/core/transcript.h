/*
 * transcript.h - what a traced program wrote to its stdout and stderr, as
 * lines for the Log view.
 *
 * The tracer sends the program's bytes as EV_OUTPUT events (up to 12 bytes
 * each, see event.h); the timeline feeds every one of them here, on a live
 * run and on a replay alike. Bytes are cut into lines per file descriptor
 * (stdout and stderr keep separate partial lines, so interleaved writes do
 * not mix); each line keeps the time its first byte arrived, its fd and the
 * lane of the writing process. Memory is bounded: the newest
 * TRANSCRIPT_LINES lines are kept (a line longer than TRANSCRIPT_COLS bytes
 * goes on in the next one); the recording keeps every byte.
 *
 * Single-threaded: the consumer that owns the timeline.
 */
#ifndef CV_TRANSCRIPT_H
#define CV_TRANSCRIPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "event.h"

#define TRANSCRIPT_LINES 2048  /* lines kept */
#define TRANSCRIPT_COLS 240    /* bytes of one kept line */

struct transcript_line {
	int64_t t;                 /* when its first byte arrived, ns from the timeline's origin */
	uint32_t lane;             /* lane of the writing process */
	uint8_t fd;                /* 1 stdout, 2 stderr */
	bool open;                 /* no newline yet: more bytes may come */
	uint16_t len;
	char text[TRANSCRIPT_COLS];
};

struct transcript {
	struct transcript_line *lines; /* ring of TRANSCRIPT_LINES */
	uint64_t nlines;               /* lines ever started */
	int64_t open_line[3];          /* per fd (0..2): the line still open, or -1 */
	uint64_t bytes[3];             /* bytes received per fd */
};

/* Make an empty transcript; 0 or -ENOMEM. */
int transcript_init(struct transcript *tr);

/* Free what tr owns. */
void transcript_free(struct transcript *tr);

/* Take one EV_OUTPUT event whose time is t (ns from the origin); malformed
 * ones (length 0 or over 12, fd not 1 or 2) are ignored. */
void transcript_add(struct transcript *tr, const struct cv_event *ev, int64_t t);

/* Return how many lines are kept (<= TRANSCRIPT_LINES). */
size_t transcript_count(const struct transcript *tr);

/* Return the i-th newest kept line (0 = newest). */
const struct transcript_line *transcript_line(const struct transcript *tr, size_t i);

/* Unpack an EV_OUTPUT event's bytes into buf[12]; returns the length (0 when
 * malformed) and the fd in *fd. */
size_t transcript_bytes(const struct cv_event *ev, char buf[CV_NAME_PIECE], int *fd);

/* Pack up to 12 bytes written to fd into an EV_OUTPUT event at time t on lane. */
struct cv_event transcript_event(uint64_t t, uint32_t lane, int fd, const char *bytes, size_t len);

#endif
