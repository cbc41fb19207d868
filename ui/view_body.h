/*
 * view_body.h - the body drawers of the views, which the frame dispatches to
 * (not part of the view API).
 *
 * view_frame.c draws the header and footer and gives the current view its
 * body rectangle; each view_<name>.c fills it. The views take their helpers
 * from view_util.h, never from the frame.
 */
#ifndef CV_VIEW_BODY_H
#define CV_VIEW_BODY_H

#include "view_util.h"

/* Body drawers: fill r of c from ctx. Each copes with any size, 0 included. */
void view_gantt_body(struct canvas *c, struct view_rect r, const struct view_ctx *ctx);
void view_compare_body(struct canvas *c, struct view_rect r, const struct view_ctx *ctx);
void view_loop_body(struct canvas *c, struct view_rect r, const struct view_ctx *ctx);
void view_log_body(struct canvas *c, struct view_rect r, const struct view_ctx *ctx);
void view_help_body(struct canvas *c, struct view_rect r, const struct view_ctx *ctx);
void view_findings_body(struct canvas *c, struct view_rect r, const struct view_ctx *ctx);

/* Rows each body needs to show everything without scrolling (for `show`). */
int view_gantt_rows(const struct view_ctx *ctx);
int view_compare_rows(const struct view_ctx *ctx);
int view_loop_rows(const struct view_ctx *ctx);
int view_log_rows(const struct view_ctx *ctx);
int view_findings_rows(const struct view_ctx *ctx, int w);

#endif
