/*
 * view_int.h - what the view_*.c files share (not part of the view API).
 *
 * view_frame.c draws the header and footer and gives each view its body
 * rectangle; the body drawers below fill it. Helpers format times and pick
 * UTF-8 or ASCII spellings of the few non-ASCII strings the views print.
 */
#ifndef CV_VIEW_INT_H
#define CV_VIEW_INT_H

#include "view.h"

/* A body rectangle of the canvas. */
struct view_rect {
	int x, y, w, h;
};

/* Body drawers: fill r of c from ctx. Each copes with any size, 0 included. */
void view_gantt_body(struct canvas *c, struct view_rect r, const struct view_ctx *ctx);
void view_compare_body(struct canvas *c, struct view_rect r, const struct view_ctx *ctx);
void view_loop_body(struct canvas *c, struct view_rect r, const struct view_ctx *ctx);
void view_log_body(struct canvas *c, struct view_rect r, const struct view_ctx *ctx);
void view_help_body(struct canvas *c, struct view_rect r, const struct view_ctx *ctx);

/* Rows each body needs to show everything without scrolling (for `show`). */
int view_gantt_rows(const struct view_ctx *ctx);
int view_compare_rows(const struct view_ctx *ctx);
int view_loop_rows(const struct view_ctx *ctx);

/* Number of lanes to draw: the session's, or the timeline's when it has more. */
int view_nlanes(const struct view_ctx *ctx);

/* Name of lane l ("thread 1"), or "lane N" when the session has none. */
const char *view_lane_name(const struct view_ctx *ctx, int l, char *buf, size_t n);

/* The latest time there is to show: the run's end when done, else the live edge. */
int64_t view_edge(const struct view_ctx *ctx);

/* Format a duration/time of ns compactly ("250ms", "1.5s", "12us"), with
 * enough decimals to tell multiples of `res` ns apart (res <= 0: 3 digits). */
char *view_fmt_time(int64_t ns, int64_t res, bool utf8, char *buf, size_t n);

/* Write text word-wrapped into r from its top row; returns the rows used. */
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

/* Draw the legend of the states present in ctx's timeline at (x, y), at most
 * w cells; returns the cells used. all = every state regardless. */
int view_legend(struct canvas *c, int x, int y, int w, const struct view_ctx *ctx, bool all);

#endif
