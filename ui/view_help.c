/*
 * view_help.c - the Help view: every hotkey, and the legend of the glyphs.
 *
 * Two groups (live runs and replays) listed in one or two columns depending
 * on the width, followed by the state legend with each glyph, its alternate
 * (every other task on a lane) and what it means.
 */
#include <stdio.h>
#include "glyphs.h"
#include "view_body.h"

struct help_key {
	const char *key, *ascii, *what;
};

static const struct help_key help_live[] = {
	{ "1 2 3 0", "1 2 3 0", "threads/async/procs/seq" },
	{ "w", "w", "workload io <-> cpu" },
	{ "g", "g", "emulated GIL on/off" },
	{ "+ -", "+ -", "zoom (mouse wheel too)" },
	{ "← → h l", "<- -> h l", "pan in time" },
	{ "↑ ↓ j k", "up/dn j k", "scroll lanes; PgUp PgDn" },
	{ "f", "f", "fit the run / follow" },
	{ "space", "space", "pause / resume" },
	{ "r", "r", "rerun the job" },
	{ "Tab", "Tab", "next view" },
	{ "i", "i", "findings: what limits the run" },
	{ "Enter", "Enter", "show a finding in the Gantt" },
	{ "s", "s", "run the top suggestion" },
	{ "R", "R", "record on / off" },
	{ "click", "click", "details of a span" },
	{ "?", "?", "this help" },
	{ "q", "q", "quit" },
};

static const struct help_key help_replay[] = {
	{ "space", "space", "play / pause" },
	{ "< >", "< >", "slower / faster" },
	{ ".", ".", "step one frame" },
	{ "Home End", "Home End", "seek start / end" },
	{ "← →", "<- ->", "scrub back / forward" },
	{ "+ - f", "+ - f", "zoom and fit as live" },
};

/* Draw a list of keys at (x, y) within w x h; returns the rows used. */
static int help_list(struct canvas *c, int x, int y, int w, int h, const char *title,
		     const struct help_key *k, int n)
{
	int row = 0;
	if (h <= 0)
		return 0;
	canvas_text(c, x, y + row++, w, ROLE_TITLE, ATTR_BOLD, title);
	for (int i = 0; i < n && row < h; i++, row++) {
		canvas_text(c, x + 1, y + row, w - 1 < 9 ? w - 1 : 9, ROLE_KEY, ATTR_BOLD,
			    c->utf8 ? k[i].key : k[i].ascii);
		canvas_text(c, x + 11, y + row, w - 11, ROLE_TEXT, 0, k[i].what);
	}
	return row;
}

/* Draw the legend one state per line; returns the rows used. */
static int help_legend(struct canvas *c, int x, int y, int w, int h)
{
	const int *order;
	int n = glyph_legend_states(&order), row = 0;
	if (h <= 0)
		return 0;
	canvas_text(c, x, y + row++, w, ROLE_TITLE, ATTR_BOLD, "legend (alternate glyph = next task)");
	for (int i = 0; i < n && row < h; i++, row++) {
		int st = order[i];
		canvas_put(c, x + 1, y + row, glyph_state(st, false, c->utf8), glyph_role(st), 0);
		if (glyph_state(st, true, c->utf8) != glyph_state(st, false, c->utf8))
			canvas_put(c, x + 2, y + row, glyph_state(st, true, c->utf8), glyph_role(st), ATTR_ALT);
		canvas_text(c, x + 5, y + row, w - 5, ROLE_TEXT, 0,
			    st == ST_IDLE ? "idle (blank)" : glyph_label(st));
	}
	return row;
}

/* Draw the Help body into r: two columns when there is room, else one. */
void view_help_body(struct canvas *c, struct view_rect r, const struct view_ctx *ctx)
{
	(void)ctx;
	int nl = (int)(sizeof help_live / sizeof *help_live);
	int nr = (int)(sizeof help_replay / sizeof *help_replay);
	canvas_fill(c, r.x, r.y, r.w, r.h, ' ', ROLE_TEXT, 0);
	if (r.w >= 72) {
		int cw = r.w / 2 < 48 ? r.w / 2 : 48;
		help_list(c, r.x, r.y, cw - 1, r.h, "live runs", help_live, nl);
		int used = help_list(c, r.x + cw, r.y, r.w - cw, r.h, "replays", help_replay, nr);
		help_legend(c, r.x + cw, r.y + used + 1, r.w - cw, r.h - used - 1);
		return;
	}
	int used = help_list(c, r.x, r.y, r.w, r.h, "live runs", help_live, nl);
	used += 1 + help_list(c, r.x, r.y + used + 1, r.w, r.h - used - 1, "replays", help_replay, nr);
	help_legend(c, r.x, r.y + used + 1, r.w, r.h - used - 1);
}
