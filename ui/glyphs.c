/*
 * glyphs.c - the glyph tables behind glyphs.h (UTF-8 and ASCII).
 *
 * UTF-8: cpu █/▓, io ▒/░, lock wait ╳, queued ·, idle blank, poll ─,
 * callback ▌/▐, failed ✗, ready ▄; over them, a lost update !, a deadlocked
 * wait ⊗. ASCII: cpu #/%, io ~/=, lock wait L, queued ., poll -,
 * callback |/!, failed X, ready r; lost update *, deadlocked wait D.
 */
#include "glyphs.h"
#include "canvas.h"
#include "timeline.h"

/* [state][alt] for UTF-8 and ASCII. */
static const uint32_t glyph_utf8[ST_COUNT][2] = {
	[ST_NONE] = { ' ', ' ' },          [ST_IDLE] = { ' ', ' ' },
	[ST_QUEUED] = { 0x00B7, 0x00B7 },  [ST_CPU] = { 0x2588, 0x2593 },
	[ST_IO] = { 0x2592, 0x2591 },      [ST_LOCK] = { 0x2573, 0x2573 },
	[ST_POLL] = { 0x2500, 0x2500 },    [ST_CALLBACK] = { 0x258C, 0x2590 },
	[ST_FAILED] = { 0x2717, 0x2717 },  [ST_READY] = { 0x2584, 0x2584 },
};

static const uint32_t glyph_ascii[ST_COUNT][2] = {
	[ST_NONE] = { ' ', ' ' },   [ST_IDLE] = { ' ', ' ' },
	[ST_QUEUED] = { '.', '.' }, [ST_CPU] = { '#', '%' },
	[ST_IO] = { '~', '=' },     [ST_LOCK] = { 'L', 'L' },
	[ST_POLL] = { '-', '-' },   [ST_CALLBACK] = { '|', '!' },
	[ST_FAILED] = { 'X', 'X' },  [ST_READY] = { 'r', 'r' },
};

static const uint32_t glyph_other[GL_COUNT][2] = { /* [id][utf8] */
	[GL_BAR_FULL] = { '#', 0x2588 },  [GL_BAR_EMPTY] = { '.', 0x2591 },
	[GL_BAR_HALF] = { '#', 0x258C },  [GL_TICK] = { '|', 0x2575 },
	[GL_AXIS] = { '-', 0x2500 },      [GL_VLINE] = { '|', 0x2502 },
	[GL_SPARK0 + 0] = { '_', 0x2581 }, [GL_SPARK0 + 1] = { '_', 0x2582 },
	[GL_SPARK0 + 2] = { '.', 0x2583 }, [GL_SPARK0 + 3] = { '-', 0x2584 },
	[GL_SPARK0 + 4] = { '-', 0x2585 }, [GL_SPARK0 + 5] = { '=', 0x2586 },
	[GL_SPARK0 + 6] = { '#', 0x2587 }, [GL_SPARK0 + 7] = { '#', 0x2588 },
	[GL_LOSS] = { '*', '!' },          [GL_DEADLOCK] = { 'D', 0x2297 },
	[GL_MARK] = { '^', 0x25C6 },
};

static const char *const glyph_labels[ST_COUNT] = {
	[ST_NONE] = "none",     [ST_IDLE] = "idle",     [ST_QUEUED] = "queued",
	[ST_CPU] = "cpu",       [ST_IO] = "io",         [ST_LOCK] = "gil wait",
	[ST_POLL] = "poll",     [ST_CALLBACK] = "callback", [ST_FAILED] = "failed",
	[ST_READY] = "ready",
};

static const int glyph_order[] = { ST_CPU, ST_READY, ST_IO, ST_LOCK, ST_QUEUED, ST_POLL,
				   ST_CALLBACK, ST_FAILED, ST_IDLE };

/* Return the glyph of display state st; alt picks the alternate glyph. */
uint32_t glyph_state(int st, bool alt, bool utf8)
{
	if (st < 0 || st >= ST_COUNT)
		return '?';
	return utf8 ? glyph_utf8[st][alt] : glyph_ascii[st][alt];
}

/* Return a glyph of the views. */
uint32_t glyph_get(enum glyph_id g, bool utf8)
{
	if ((int)g < 0 || g >= GL_COUNT)
		return '?';
	return glyph_other[g][utf8];
}

/* Return the colour role of display state st. */
int glyph_role(int st)
{
	if (st < 0 || st >= ST_COUNT)
		return ROLE_TEXT;
	return ROLE_ST_NONE + st;
}

/* Return the legend's label of state st. */
const char *glyph_label(int st)
{
	return st >= 0 && st < ST_COUNT ? glyph_labels[st] : "?";
}

/* The states shown in legends, in legend order; returns their count. */
int glyph_legend_states(const int **states)
{
	*states = glyph_order;
	return (int)(sizeof glyph_order / sizeof glyph_order[0]);
}
