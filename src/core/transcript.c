/*
 * transcript.c - a traced program's output cut into lines (see transcript.h).
 *
 * The ring of lines is allocated on the first byte (most sessions have no
 * output at all). A byte goes into its fd's open line; a newline closes the
 * line; a full line is closed and the rest starts a new one. Carriage
 * returns are dropped and other control bytes shown as '?', so a line is
 * plain text for the canvas.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "transcript.h"

/* Make an empty transcript; 0 (the ring is allocated on first use). */
int transcript_init(struct transcript *tr)
{
	memset(tr, 0, sizeof *tr);
	for (int i = 0; i < 3; i++)
		tr->open_line[i] = -1;
	return 0;
}

/* Free what tr owns. */
void transcript_free(struct transcript *tr)
{
	free(tr->lines);
	transcript_init(tr);
}

/* Unpack an EV_OUTPUT event's bytes; returns the length, the fd in *fd. */
size_t transcript_bytes(const struct cv_event *ev, char buf[CV_NAME_PIECE], int *fd)
{
	size_t len = ev->code >> 8;
	*fd = ev->code & 0xff;
	if (len == 0 || len > CV_NAME_PIECE)
		return 0;
	cv_unpack12(ev, (uint8_t *)buf);
	return len;
}

/* Pack up to 12 bytes written to fd into an EV_OUTPUT event. */
struct cv_event transcript_event(uint64_t t, uint32_t lane, int fd, const char *bytes, size_t len)
{
	uint8_t b[CV_NAME_PIECE] = { 0 };
	if (len > CV_NAME_PIECE)
		len = CV_NAME_PIECE;
	memcpy(b, bytes, len);
	uint64_t arg;
	uint32_t aux;
	cv_pack12(b, &arg, &aux);
	return (struct cv_event){ t, arg, lane, CV_NO_TASK, EV_OUTPUT,
				  (uint16_t)((fd & 0xff) | len << 8), aux };
}

/* Return the open line of fd, starting one at t on lane when there is none. */
static struct transcript_line *transcript_open(struct transcript *tr, int fd, int64_t t, uint32_t lane)
{
	int64_t k = tr->open_line[fd];
	if (k >= 0 && tr->nlines - (uint64_t)k <= TRANSCRIPT_LINES)
		return &tr->lines[(uint64_t)k % TRANSCRIPT_LINES];
	struct transcript_line *l = &tr->lines[tr->nlines % TRANSCRIPT_LINES];
	for (int f = 1; f < 3; f++)     /* the slot we reuse may be another fd's open line */
		if (tr->open_line[f] >= 0 && (uint64_t)tr->open_line[f] % TRANSCRIPT_LINES ==
					     tr->nlines % TRANSCRIPT_LINES)
			tr->open_line[f] = -1;
	memset(l, 0, sizeof *l);
	l->t = t;
	l->lane = lane;
	l->fd = (uint8_t)fd;
	l->open = true;
	tr->open_line[fd] = (int64_t)tr->nlines++;
	return l;
}

/* Take one EV_OUTPUT event; see transcript.h. */
void transcript_add(struct transcript *tr, const struct cv_event *ev, int64_t t)
{
	char buf[CV_NAME_PIECE];
	int fd;
	size_t len = transcript_bytes(ev, buf, &fd);
	if (!len || (fd != 1 && fd != 2))
		return;
	if (!tr->lines) {
		tr->lines = calloc(TRANSCRIPT_LINES, sizeof *tr->lines);
		if (!tr->lines)
			return;                 /* the view shows no output; the log keeps it */
	}
	tr->bytes[fd] += len;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)buf[i];
		if (c == '\r')
			continue;
		struct transcript_line *l = transcript_open(tr, fd, t, ev->lane);
		if (c == '\n') {
			l->open = false;
			tr->open_line[fd] = -1;
			continue;
		}
		l->text[l->len++] = (char)(c < 0x20 && c != '\t' ? '?' : c == '\t' ? ' ' : c);
		if (l->len == TRANSCRIPT_COLS) {  /* full: the rest goes on in a new line */
			l->open = false;
			tr->open_line[fd] = -1;
		}
	}
}

/* Return how many lines are kept. */
size_t transcript_count(const struct transcript *tr)
{
	if (!tr->lines)
		return 0;
	return tr->nlines < TRANSCRIPT_LINES ? (size_t)tr->nlines : TRANSCRIPT_LINES;
}

/* Return the i-th newest kept line. */
const struct transcript_line *transcript_line(const struct transcript *tr, size_t i)
{
	return &tr->lines[(tr->nlines - 1 - i) % TRANSCRIPT_LINES];
}
