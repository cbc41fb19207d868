/*
 * canvas.h - a plain grid of cells that views draw into.
 *
 * A cell is a Unicode code point, a colour role and attributes. Views draw a
 * timeline into a canvas; the ncurses backend (tui.c, the only file that
 * includes curses) maps roles to colours and draws only changed cells;
 * canvas_print() writes a canvas as text (optionally with ANSI colours) for
 * `concviz show`, golden tests and screenshots. No terminal code here.
 */
#ifndef CV_CANVAS_H
#define CV_CANVAS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* Colour roles: what a cell means, never a raw colour. */
enum role {
	ROLE_TEXT = 0, ROLE_DIM, ROLE_TITLE, ROLE_HEADER, ROLE_FOOTER, ROLE_KEY,
	ROLE_AXIS, ROLE_LABEL, ROLE_SELECT, ROLE_WARN, ROLE_GOOD, ROLE_BAR,
	ROLE_HILITE,   /* what a selected finding is about: its lanes' labels, its time range */
	/* one role per timeline display state, in enum tl_state order */
	ROLE_ST_NONE, ROLE_ST_IDLE, ROLE_ST_QUEUED, ROLE_ST_CPU, ROLE_ST_IO,
	ROLE_ST_LOCK, ROLE_ST_POLL, ROLE_ST_CALLBACK, ROLE_ST_FAILED, ROLE_ST_READY,
	ROLE_DEADLOCK,    /* a lane's wait in a deadlock cycle, the cycle named */
	ROLE_LOSS,        /* a lost update of the race workload */
	ROLE_MARK,        /* a traced program's own mark (the SDK) */
	ROLE_COUNT
};

enum { ATTR_BOLD = 1, ATTR_REVERSE = 2, ATTR_UNDERLINE = 4, ATTR_ALT = 8 /* alternate shade: tells neighbouring tasks apart */,
       ATTR_HILITE = 16 /* inside a selected finding's lanes and time range */ };

struct cell {
	uint32_t ch;      /* Unicode code point; ' ' when empty */
	uint8_t role;     /* enum role */
	uint8_t attr;     /* ATTR_* */
};

struct canvas {
	int w, h;
	struct cell *cells;   /* h rows of w cells */
	bool utf8;            /* block glyphs allowed; else ASCII fall-back */
};

/* Make a w x h canvas of blank cells; 0 or -ENOMEM. */
int canvas_init(struct canvas *c, int w, int h, bool utf8);

/* Free the cells. */
void canvas_free(struct canvas *c);

/* Resize, blanking every cell; 0 or -ENOMEM (canvas unchanged). */
int canvas_resize(struct canvas *c, int w, int h);

/* Blank every cell. */
void canvas_clear(struct canvas *c);

/* Set one cell; ignored outside the canvas. */
void canvas_put(struct canvas *c, int x, int y, uint32_t ch, int role, int attr);

/* Write UTF-8 text at (x, y), clipped at max_w cells (and the canvas edge;
 * a negative max_w means "up to the edge"); returns the cells written.
 * Malformed UTF-8 shows as U+FFFD, control and double-width characters as
 * '?'; on an ASCII canvas every non-ASCII character becomes '?' (but '·'
 * and dashes, which become '.' and '-'). */
int canvas_text(struct canvas *c, int x, int y, int max_w, int role, int attr, const char *utf8);

/* printf into the canvas at (x, y), clipped like canvas_text. */
int canvas_printf(struct canvas *c, int x, int y, int max_w, int role, int attr,
		  const char *fmt, ...) __attribute__((format(printf, 7, 8)));

/* Fill a rectangle with one glyph. */
void canvas_fill(struct canvas *c, int x, int y, int w, int h, uint32_t ch, int role, int attr);

/* Return the cell at (x, y), or NULL outside. */
const struct cell *canvas_at(const struct canvas *c, int x, int y);

/* Print the canvas as text lines (trailing blanks trimmed), with ANSI colours
 * when color is true. */
void canvas_print(FILE *f, const struct canvas *c, bool color);

#endif
