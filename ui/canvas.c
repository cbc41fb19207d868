/*
 * canvas.c - the cell grid views draw into, and its text/ANSI printer.
 *
 * Every write is clipped to the canvas, so views may draw at any size
 * (0x0 included) without checking bounds themselves. Text is decoded from
 * UTF-8 one code point per cell: malformed bytes become U+FFFD, control
 * characters and double-width characters become '?' (a cell is one column),
 * zero-width combining marks are dropped. canvas_print() is the only output
 * path here: plain UTF-8 lines, optionally with ANSI SGR colours per role.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "canvas.h"

#define CANVAS_MAX_CELLS (1 << 26) /* 64 M cells: far beyond any terminal */

/* Blank n cells starting at p. */
static void canvas__blank(struct cell *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (struct cell){ ' ', ROLE_TEXT, 0 };
}

/* Make a w x h canvas of blank cells; 0 or -ENOMEM. Negative sizes count as 0. */
int canvas_init(struct canvas *c, int w, int h, bool utf8)
{
	memset(c, 0, sizeof *c);
	c->utf8 = utf8;
	return canvas_resize(c, w, h);
}

/* Free the cells. */
void canvas_free(struct canvas *c)
{
	free(c->cells);
	c->cells = NULL;
	c->w = c->h = 0;
}

/* Resize, blanking every cell; 0 or -ENOMEM (canvas unchanged). */
int canvas_resize(struct canvas *c, int w, int h)
{
	if (w < 0)
		w = 0;
	if (h < 0)
		h = 0;
	if (w > 0 && h > CANVAS_MAX_CELLS / w)
		return -ENOMEM;
	size_t n = (size_t)w * (size_t)h;
	struct cell *cells = NULL;
	if (n) {
		cells = malloc(n * sizeof *cells);
		if (!cells)
			return -ENOMEM;
		canvas__blank(cells, n);
	}
	free(c->cells);
	c->cells = cells;
	c->w = n ? w : 0;
	c->h = n ? h : 0;
	return 0;
}

/* Blank every cell. */
void canvas_clear(struct canvas *c)
{
	if (c->cells)
		canvas__blank(c->cells, (size_t)c->w * (size_t)c->h);
}

/* Set one cell; ignored outside the canvas. */
void canvas_put(struct canvas *c, int x, int y, uint32_t ch, int role, int attr)
{
	if (!c->cells || x < 0 || y < 0 || x >= c->w || y >= c->h)
		return;
	struct cell *p = &c->cells[(size_t)y * (size_t)c->w + (size_t)x];
	p->ch = ch;
	p->role = (uint8_t)(role >= 0 && role < ROLE_COUNT ? role : ROLE_TEXT);
	p->attr = (uint8_t)attr;
}

/* Decode one UTF-8 code point from s (at least one byte); stores it in *cp
 * and returns the bytes consumed. Malformed input yields U+FFFD, 1 byte. */
static size_t canvas__decode(const unsigned char *s, uint32_t *cp)
{
	unsigned char b = s[0];
	size_t len;
	uint32_t v, min;
	if (b < 0x80) {
		*cp = b;
		return 1;
	} else if ((b & 0xE0) == 0xC0) {
		len = 2; v = b & 0x1F; min = 0x80;
	} else if ((b & 0xF0) == 0xE0) {
		len = 3; v = b & 0x0F; min = 0x800;
	} else if ((b & 0xF8) == 0xF0) {
		len = 4; v = b & 0x07; min = 0x10000;
	} else {
		*cp = 0xFFFD;
		return 1;
	}
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80) { /* also stops at the terminating NUL */
			*cp = 0xFFFD;
			return 1;
		}
		v = (v << 6) | (s[i] & 0x3F);
	}
	if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
		*cp = 0xFFFD;
		return 1;
	}
	*cp = v;
	return len;
}

/* True for code points a terminal draws two columns wide (CJK, emoji). */
static bool canvas__wide(uint32_t cp)
{
	return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
	       (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
	       (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
	       (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1FAFF) ||
	       (cp >= 0x20000 && cp <= 0x3FFFD);
}

/* True for zero-width combining marks (dropped). */
static bool canvas__zero_width(uint32_t cp)
{
	return (cp >= 0x300 && cp <= 0x36F) || (cp >= 0x200B && cp <= 0x200F) ||
	       (cp >= 0xFE00 && cp <= 0xFE0F) || cp == 0xFEFF;
}

/* Write UTF-8 text at (x, y), clipped at max_w cells (and the canvas edge);
 * returns the cells written. A negative max_w means "to the canvas edge". */
int canvas_text(struct canvas *c, int x, int y, int max_w, int role, int attr, const char *utf8)
{
	if (!utf8 || !c->cells || y < 0 || y >= c->h)
		return 0;
	if (max_w < 0 || max_w > c->w)
		max_w = c->w;
	const unsigned char *s = (const unsigned char *)utf8;
	int n = 0;
	while (*s && n < max_w && x + n < c->w) {
		uint32_t cp;
		s += canvas__decode(s, &cp);
		if (canvas__zero_width(cp))
			continue;
		if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0) || canvas__wide(cp))
			cp = '?';
		else if (!c->utf8 && cp >= 0x80)
			cp = cp == 0xB7 ? '.' : cp == 0x2014 || cp == 0x2013 ? '-' : '?';
		canvas_put(c, x + n, y, cp, role, attr); /* ignores x + n < 0 */
		n++;
	}
	return n;
}

/* printf into the canvas at (x, y), clipped like canvas_text. */
int canvas_printf(struct canvas *c, int x, int y, int max_w, int role, int attr,
		  const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	return canvas_text(c, x, y, max_w, role, attr, buf);
}

/* Fill a rectangle with one glyph (clipped). */
void canvas_fill(struct canvas *c, int x, int y, int w, int h, uint32_t ch, int role, int attr)
{
	int x0 = x < 0 ? 0 : x, y0 = y < 0 ? 0 : y;
	long x1 = (long)x + w, y1 = (long)y + h;
	if (x1 > c->w)
		x1 = c->w;
	if (y1 > c->h)
		y1 = c->h;
	for (int j = y0; j < y1; j++)
		for (int i = x0; i < x1; i++)
			canvas_put(c, i, j, ch, role, attr);
}

/* Return the cell at (x, y), or NULL outside. */
const struct cell *canvas_at(const struct canvas *c, int x, int y)
{
	if (!c->cells || x < 0 || y < 0 || x >= c->w || y >= c->h)
		return NULL;
	return &c->cells[(size_t)y * (size_t)c->w + (size_t)x];
}

/* Encode cp as UTF-8 into out (4 bytes room); returns the length. */
static int canvas__encode(uint32_t cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	if (cp > 0x10FFFF)
		cp = 0xFFFD;
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* ANSI foreground colour of each role (0 = terminal default); 90 = grey. */
static const int canvas_fg[ROLE_COUNT] = {
	[ROLE_TEXT] = 0,      [ROLE_DIM] = 90,       [ROLE_TITLE] = 36,
	[ROLE_HEADER] = 0,    [ROLE_FOOTER] = 90,    [ROLE_KEY] = 33,
	[ROLE_AXIS] = 90,     [ROLE_LABEL] = 36,     [ROLE_SELECT] = 0,
	[ROLE_WARN] = 31,     [ROLE_GOOD] = 32,      [ROLE_BAR] = 36,
	[ROLE_HILITE] = 33,
	[ROLE_ST_NONE] = 0,   [ROLE_ST_IDLE] = 90,   [ROLE_ST_QUEUED] = 90,
	[ROLE_ST_CPU] = 32,   [ROLE_ST_IO] = 34,     [ROLE_ST_LOCK] = 35,
	[ROLE_ST_POLL] = 90,  [ROLE_ST_CALLBACK] = 33, [ROLE_ST_FAILED] = 31,
	[ROLE_DEADLOCK] = 91, [ROLE_LOSS] = 93, [ROLE_MARK] = 95,
};

/* Write the SGR sequence for a role + attributes. */
static void canvas__sgr(FILE *f, int role, int attr)
{
	int fg = role >= 0 && role < ROLE_COUNT ? canvas_fg[role] : 0;
	if ((attr & ATTR_ALT) && fg >= 30 && fg <= 37)
		fg += 60; /* the bright variant tells neighbouring tasks apart */
	fputs("\033[0", f);
	if ((attr & (ATTR_BOLD | ATTR_HILITE)) || role == ROLE_TITLE || role == ROLE_KEY ||
	    role == ROLE_ST_FAILED || role == ROLE_DEADLOCK || role == ROLE_LOSS)
		fputs(";1", f);
	if (attr & (ATTR_UNDERLINE | ATTR_HILITE))
		fputs(";4", f);
	if ((attr & ATTR_REVERSE) || role == ROLE_SELECT || role == ROLE_HILITE)
		fputs(";7", f);
	if (fg)
		fprintf(f, ";%d", fg);
	fputc('m', f);
}

/* Print the canvas as text lines (trailing blanks trimmed), with ANSI colours
 * when color is true. */
void canvas_print(FILE *f, const struct canvas *c, bool color)
{
	for (int y = 0; y < c->h; y++) {
		const struct cell *row = &c->cells[(size_t)y * (size_t)c->w];
		int end = c->w;
		while (end > 0 && row[end - 1].ch == ' ' &&
		       !(color && (row[end - 1].attr & (ATTR_REVERSE | ATTR_UNDERLINE | ATTR_HILITE))))
			end--;
		int cur_role = -1, cur_attr = -1;
		for (int x = 0; x < end; x++) {
			if (color && (row[x].role != cur_role || row[x].attr != cur_attr)) {
				cur_role = row[x].role;
				cur_attr = row[x].attr;
				canvas__sgr(f, cur_role, cur_attr);
			}
			char buf[4];
			uint32_t ch = row[x].ch ? row[x].ch : ' ';
			fwrite(buf, 1, (size_t)canvas__encode(ch, buf), f);
		}
		if (color && cur_role >= 0)
			fputs("\033[0m", f);
		fputc('\n', f);
	}
}
