/*
 * view_help.c - the Help view: every hotkey, and the legend of the glyphs.
 *
 * Two groups (live runs and replays) listed in one or two columns depending
 * on the width, followed by the state legend with each glyph, its alternate
 * (every other task on a lane) and what it means, and the two marks drawn
 * over the states (a lost update, a deadlocked wait).
 */
#include <stdio.h>
#include "glyphs.h"
#include "view_body.h"

struct help_key {
	const char *key, *ascii, *what;
};

static const struct help_key help_live[] = {
	{ "1 2 3 0", "1 2 3 0", "threads/async/procs/seq" },
	{ "w", "w", "cycle the workloads" },
	{ "l", "l", "lock on/off (race, deadlock)" },
	{ "g", "g", "emulated GIL on/off" },
	{ "+ -", "+ -", "zoom (mouse wheel too)" },
	{ "← →", "<- ->", "pan in time" },
	{ "↑ ↓ j k", "up/dn j k", "scroll lanes; PgUp PgDn" },
	{ "f", "f", "fit the run / follow" },
	{ "space", "space", "pause / resume" },
	{ "r", "r", "rerun the job" },
	{ "Tab", "Tab", "next view" },
	{ "i", "i", "findings (what limits it)" },
	{ "Enter", "Enter", "show a finding in the Gantt" },
	{ "s", "s", "run the top suggestion" },
	{ "R", "R", "record on / off" },
	{ "click", "click", "details of a span" },
	{ "?", "?", "this help" },
	{ "q", "q", "quit" },
};

static const struct help_key help_trace[] = {
	{ "q", "q", "end the program, then quit" },
	{ "q q", "q q", "kill it now (SIGKILL)" },
	{ "+ -", "+ -", "zoom (mouse wheel too)" },
	{ "← → h l", "<- -> h l", "pan in time" },
	{ "↑ ↓ j k", "up/dn j k", "scroll lanes; PgUp PgDn" },
	{ "f", "f", "fit the run / follow" },
	{ "space", "space", "pause / resume" },
	{ "Tab", "Tab", "next view (Log: output)" },
	{ "R", "R", "record on / off" },
	{ "click", "click", "details of a span" },
	{ "?", "?", "this help" },
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

struct help_mark {
	uint32_t g, alt;   /* glyph, alternate glyph (= g when none) */
	int role, attr;
	const char *what, *brief;  /* label; a shorter one for two columns */
};

/* Draw the legend: each state (glyph, alternate glyph, meaning), then the
 * marks drawn over states; one item per line, or two per line with the
 * brief labels when h is too short; a traced program's lock and poll say what
 * they come from, and it has its own marks, no race or deadlock marks.
 * Returns the rows used. */
static int help_legend(struct canvas *c, int x, int y, int w, int h, bool traced)
{
	const int *order;
	int n = glyph_legend_states(&order), k = 0;
	struct help_mark m[ST_COUNT + 3];
	bool u = c->utf8;
	if (h <= 0)
		return 0;
	for (int i = 0; i < n && k < ST_COUNT; i++, k++) {
		int st = order[i];
		m[k] = (struct help_mark){ glyph_state(st, false, u), glyph_state(st, true, u),
					   glyph_role(st), 0, glyph_label(st), glyph_label(st) };
		if (st == ST_IDLE)
			m[k].what = m[k].brief = "idle (blank)";
		else if (st == ST_LOCK && traced)
			m[k].what = "lock wait (futex: a mutex, a condition, the GIL)", m[k].brief = "lock wait";
		else if (st == ST_LOCK)
			m[k].what = "lock wait (GIL, mutex)", m[k].brief = "lock/GIL wait";
		else if (st == ST_POLL && traced)
			m[k].what = "poll (an event loop in epoll_wait)", m[k].brief = "poll";
	}
	if (!traced) {
		m[k++] = (struct help_mark){ glyph_get(GL_DEADLOCK, u), glyph_get(GL_DEADLOCK, u),
					     ROLE_DEADLOCK, ATTR_BOLD, "deadlocked (waits in a cycle)", "deadlocked" };
		m[k++] = (struct help_mark){ glyph_get(GL_LOSS, u), glyph_get(GL_LOSS, u), ROLE_LOSS,
					     ATTR_BOLD, "lost update (race)", "lost update" };
	} else {
		m[k++] = (struct help_mark){ glyph_get(GL_MARK, u), glyph_get(GL_MARK, u), ROLE_MARK,
					     ATTR_BOLD, "the program's mark (cvz_mark)", "mark" };
	}
	int cols = 1 + k <= h || w < 36 ? 1 : 2, rows = (k + cols - 1) / cols, cw = w / cols;
	canvas_text(c, x, y, w, ROLE_TITLE, ATTR_BOLD, "legend (alternate glyph = next task)");
	for (int i = 0; i < k; i++) {
		int row = 1 + i % rows, cx = x + (i / rows) * cw;
		if (row >= h)
			continue;
		canvas_put(c, cx + 1, y + row, m[i].g, m[i].role, m[i].attr);
		if (m[i].alt != m[i].g)
			canvas_put(c, cx + 2, y + row, m[i].alt, m[i].role, ATTR_ALT);
		canvas_text(c, cx + 5, y + row, cw - 5, ROLE_TEXT, 0, cols == 1 ? m[i].what : m[i].brief);
	}
	return 1 + rows < h ? 1 + rows : h;
}

/* Draw the Help body into r: two columns when there is room, else one. */
void view_help_body(struct canvas *c, struct view_rect r, const struct view_ctx *ctx)
{
	bool traced = view_traced(ctx);
	const struct help_key *live = traced ? help_trace : help_live;
	const char *title = traced ? (ctx->s->argc ? "a traced program" : "an attached process (q detaches)")
				   : "live runs";
	int nl = traced ? (int)(sizeof help_trace / sizeof *help_trace)
			: (int)(sizeof help_live / sizeof *help_live);
	int nr = (int)(sizeof help_replay / sizeof *help_replay);
	canvas_fill(c, r.x, r.y, r.w, r.h, ' ', ROLE_TEXT, 0);
	if (r.w >= 72) {
		int cw = r.w / 2 < 48 ? r.w / 2 : 48;
		help_list(c, r.x, r.y, cw - 1, r.h, title, live, nl);
		int used = help_list(c, r.x + cw, r.y, r.w - cw, r.h, "replays", help_replay, nr);
		help_legend(c, r.x + cw, r.y + used + 1, r.w - cw, r.h - used - 1, traced);
		return;
	}
	int used = help_list(c, r.x, r.y, r.w, r.h, title, live, nl);
	used += 1 + help_list(c, r.x, r.y + used + 1, r.w, r.h - used - 1, "replays", help_replay, nr);
	help_legend(c, r.x, r.y + used + 1, r.w, r.h - used - 1, traced);
}
