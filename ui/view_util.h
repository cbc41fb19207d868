/*
 * view_util.h - helpers every view shares (not part of the view API): lane
 * names, the live edge, formatting of times and byte counts, word wrapping,
 * the legend, and the body rectangle a view draws into.
 *
 * Both the frame (view_frame.c) and the view bodies use these; this file
 * includes neither, so there is no circle between the frame and the views.
 */
#ifndef CV_VIEW_UTIL_H
#define CV_VIEW_UTIL_H

#include "view.h"

/* A body rectangle of the canvas. */
struct view_rect {
	int x, y, w, h;
};

/* Number of lanes to draw: the session's, or the timeline's when it has more. */
int view_nlanes(const struct view_ctx *ctx);

/* True when the session is a traced program (lanes are real threads). */
bool view_traced(const struct view_ctx *ctx);

/* Fill order[0..n) (n = view_nlanes) with the lanes in the order they are
 * shown: a traced program's grouped by process (processes in the order they
 * were first seen, their threads in the order seen, then the event loops
 * and the task lanes its SDK made); other runs' as they are. first[i] (may be NULL) is set when order[i] is the first lane of its
 * process. O(n log n). */
void view_lane_order(const struct view_ctx *ctx, int *order, bool *first, int n);

/* Name of lane l ("thread 1"), or "lane N" when the session has none. */
const char *view_lane_name(const struct view_ctx *ctx, int l, char *buf, size_t n);

/* The latest time there is to show: the run's end when done, else the live edge. */
int64_t view_edge(const struct view_ctx *ctx);

/* Format a duration/time of ns compactly ("250ms", "1.5s", "12us"), with
 * enough decimals to tell multiples of `res` ns apart (res <= 0: 3 digits). */
char *view_fmt_time(int64_t ns, int64_t res, bool utf8, char *buf, size_t n);

/* Write text word-wrapped into r from its top row (c NULL: only count the
 * rows); returns the rows used. */
int view_wrap(struct canvas *c, struct view_rect r, int role, const char *text);

/* Return the cells a UTF-8 string takes (one per code point). */
int view_text_width(const char *s);

/* Format a byte count ("10 KiB"). */
char *view_fmt_bytes(uint64_t b, char *buf, size_t n);

/* Return u when utf8, else a (spelling of a symbol). */
static inline const char *view_sym(bool utf8, const char *u, const char *a)
{
	return utf8 ? u : a;
}

/* Return the legend label of state st in ctx's run (ST_LOCK: "gil wait"
 * with the emulated GIL, "lock wait" without). */
const char *view_state_label(const struct view_ctx *ctx, int st);

/* Draw the legend of the states present in ctx's timeline at (x, y), at most
 * w cells, then the marks drawn over them (a deadlocked wait, a lost
 * update) when the run has some; returns the cells used. all = everything. */
int view_legend(struct canvas *c, int x, int y, int w, const struct view_ctx *ctx, bool all);

#endif
