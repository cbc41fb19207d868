/*
 * view_findings.c - the Findings view: what limits the run, which model
 * would be faster and by how much (findings.h), most important first.
 *
 * Each finding is a block: its severity and id (and the suggested model
 * with the predicted speed-up), its sentence word-wrapped, the lanes and
 * time range it is about. One finding is selected (arrows); Enter or a
 * click shows it in the Gantt view: the window fits its time range, the
 * lanes scroll to its first lane, and its lanes and range are highlighted
 * there (view_gantt.c) until Esc. The frame records where each finding was
 * drawn so that a click can be mapped back to it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "view_body.h"

#define FIND_INDENT 4

/* Return the rows finding f takes at width w (head, text, lanes, gap). */
static int find_height(const struct finding *f, int w)
{
	struct view_rect r = { 0, 0, w - FIND_INDENT > 1 ? w - FIND_INDENT : 1, 1000 };
	return 1 + view_wrap(NULL, r, ROLE_TEXT, f->text) + 1 + 1;
}

/* Describe f's lanes: up to three by name, else the first and last and how many. */
static void find_lanes_words(const struct view_ctx *ctx, const struct finding *f, char *buf, size_t n)
{
	size_t k;
	const uint32_t *v = findings_lanes(ctx->findings, f, &k);
	char a[64], b[64];
	if (k == 0 || !v) {
		snprintf(buf, n, "the whole run");
	} else if (k <= 3) {
		size_t len = 0;
		for (size_t i = 0; i < k && len < n; i++)
			len += (size_t)snprintf(buf + len, n - len, "%s%s", i ? ", " : "",
						view_lane_name(ctx, (int)v[i], a, sizeof a));
	} else {
		snprintf(buf, n, "%s ... %s (%zu lanes)", view_lane_name(ctx, (int)v[0], a, sizeof a),
			 view_lane_name(ctx, (int)v[k - 1], b, sizeof b), k);
	}
}

/* Draw finding i at row y of r (clipped at bottom); returns the rows used. */
static int find_draw_one(struct canvas *c, struct view_rect r, int y, int bottom,
			 const struct view_ctx *ctx, int i)
{
	bool u = c->utf8;
	const struct finding *f = &ctx->findings->f[i];
	bool sel = !ctx->no_chrome && ctx->vs->find_sel == i;
	bool warn = f->severity == FINDING_WARN;
	int y0 = y;
	if (sel)   /* the selected row: a bar in the selection's colours */
		canvas_fill(c, r.x, y, r.w, 1, ' ', ROLE_SELECT, 0);
	int x = r.x;
	x += canvas_printf(c, x, y, r.w, sel ? ROLE_SELECT : warn ? ROLE_WARN : ROLE_GOOD, 0, "%s %s  ",
			   warn ? view_sym(u, "▲", "!") : view_sym(u, "●", "*"),
			   findings_severity_name(f->severity));
	x += canvas_text(c, x, y, r.x + r.w - x, sel ? ROLE_SELECT : ROLE_TITLE, ATTR_BOLD, f->id);
	if (f->has_suggest) {
		char sug[96], wk[16] = "";
		if (f->suggest.workers > 0)
			snprintf(wk, sizeof wk, " %s%d", view_sym(u, "×", "x"), f->suggest.workers);
		snprintf(sug, sizeof sug, "  %s %s%s: predicted %.1f%s faster", view_sym(u, "→", "->"),
			 params_mode_name(f->suggest.mode), wk, f->suggest.speedup, view_sym(u, "×", "x"));
		canvas_text(c, x, y, r.x + r.w - x, sel ? ROLE_SELECT : ROLE_GOOD, 0, sug);
	}
	y++;
	struct view_rect tr = { r.x + FIND_INDENT, y, r.w - FIND_INDENT, bottom - y };
	if (tr.w > 0 && tr.h > 0)
		y += view_wrap(c, tr, ROLE_TEXT, f->text);
	if (y < bottom) {
		char lanes[160], a[32], b[32];
		find_lanes_words(ctx, f, lanes, sizeof lanes);
		view_fmt_time(f->t0, 0, u, a, sizeof a);
		view_fmt_time(f->t1, 0, u, b, sizeof b);
		canvas_printf(c, r.x + FIND_INDENT, y, r.w - FIND_INDENT, ROLE_DIM, 0, "%s %s %s %s %s",
			      lanes, view_sym(u, "·", "|"), a, view_sym(u, "–", "-"), b);
	}
	return y + 2 - y0;
}

/* Keep the selection within the list and on screen (h rows at width w). */
static void find_scroll(struct view_state *vs, const struct findings *fl, int w, int h)
{
	if (vs->find_sel >= fl->n)
		vs->find_sel = fl->n - 1;
	if (vs->find_sel < 0)
		vs->find_sel = 0;
	if (vs->find_top > vs->find_sel)
		vs->find_top = vs->find_sel;
	for (;;) {
		int rows = 0;
		for (int i = vs->find_top; i <= vs->find_sel; i++)
			rows += find_height(&fl->f[i], w);
		if (rows - 1 <= h || vs->find_top >= vs->find_sel)
			break;
		vs->find_top++;
	}
}

/* Draw the Findings body into r. */
void view_findings_body(struct canvas *c, struct view_rect r, const struct view_ctx *ctx)
{
	struct view_state *vs = ctx->vs;
	for (int i = 0; vs && i <= FINDINGS_MAX; i++)
		vs->find_y[i] = -1;
	const struct findings *fl = ctx->findings;
	if (!fl || fl->n == 0) {
		view_wrap(c, r, ROLE_DIM, !ctx->tl ? "No run yet."
				  : ctx->done ? "No findings: nothing in this run stands out."
					      : "No findings yet: they appear as the run shows what limits it.");
		return;
	}
	int y = r.y, bottom = r.y + r.h;
	bool u = c->utf8;
	int x = r.x + canvas_printf(c, r.x, y, r.w, ROLE_TITLE, ATTR_BOLD, "%d finding%s, most important first",
			      fl->n, fl->n > 1 ? "s" : "");
	if (!ctx->no_chrome) {   /* the keys, shorter when the line is narrow */
		char hint[120];
		bool s_key = !ctx->replay && (ctx->live || ctx->done);
		snprintf(hint, sizeof hint, "  (%s select, Enter shows it in the Gantt%s)",
			 view_sym(u, "↑↓", "j/k"), s_key ? ", s runs the top suggestion" : "");
		if (x + view_text_width(hint) > r.x + r.w)
			snprintf(hint, sizeof hint, "  (%s Enter: show%s)", view_sym(u, "↑↓", "j/k"),
				 s_key ? "; s: run it" : "");
		if (x + view_text_width(hint) <= r.x + r.w)
			canvas_text(c, x, y, r.x + r.w - x, ROLE_DIM, 0, hint);
	}
	y++;
	if (y < bottom)
		y++;
	if (!vs)
		return;
	if (ctx->no_chrome)
		vs->find_top = 0;
	else
		find_scroll(vs, fl, r.w, bottom - y);
	for (int i = vs->find_top; i < fl->n && y < bottom; i++) {
		vs->find_y[i] = y;
		y += find_draw_one(c, r, y, bottom, ctx, i);
		vs->find_y[FINDINGS_MAX] = y;
	}
}

/* Rows the Findings body needs at width w: the title, a gap, every finding. */
int view_findings_rows(const struct view_ctx *ctx, int w)
{
	int rows = 2;
	for (int i = 0; ctx->findings && i < ctx->findings->n; i++)
		rows += find_height(&ctx->findings->f[i], w);
	return rows < 3 ? 3 : rows;
}

/* Move the selection by delta (clamped). */
void view_findings_select(struct view_state *vs, const struct view_ctx *ctx, int delta)
{
	int n = ctx && ctx->findings ? ctx->findings->n : 0;
	long sel = (long)vs->find_sel + delta;
	vs->find_sel = n == 0 ? 0 : sel < 0 ? 0 : sel >= n ? n - 1 : (int)sel;
}

/* Return the finding drawn at row y of the last frame, or -1. */
int view_findings_hit(const struct view_state *vs, int y)
{
	int hit = -1;
	for (int i = 0; i < FINDINGS_MAX; i++)
		if (vs->find_y[i] >= 0 && y >= vs->find_y[i] && y < vs->find_y[FINDINGS_MAX])
			hit = i;   /* the last drawn that starts at or above y */
	return hit;
}

/* Show finding i in the Gantt view (see view.h). */
/* The Gantt row (display position) of the first of lanes v[0..n) shown:
 * traced sessions are drawn grouped by process, not in lane order. */
static int find_top_row(const struct view_ctx *ctx, const uint32_t *v, size_t n)
{
	int nl = view_nlanes(ctx), top = -1;
	int *order = nl > 0 ? malloc((size_t)nl * sizeof *order) : NULL;
	if (!order)
		return (int)v[0];
	view_lane_order(ctx, order, NULL, nl);
	for (int row = 0; row < nl && top < 0; row++)
		for (size_t k = 0; k < n && top < 0; k++)
			if ((uint32_t)order[row] == v[k])
				top = row;
	free(order);
	return top < 0 ? (int)v[0] : top;
}

bool view_findings_show(struct view_state *vs, const struct view_ctx *ctx, int i)
{
	if (!ctx || !ctx->findings || i < 0 || i >= ctx->findings->n)
		return false;
	const struct finding *f = &ctx->findings->f[i];
	snprintf(vs->hl_id, sizeof vs->hl_id, "%s", f->id);
	vs->hl_t0 = f->t0;
	vs->hl_t1 = f->t1 > f->t0 ? f->t1 : f->t0 + 1;
	int64_t span = vs->hl_t1 - vs->hl_t0, margin = span / 20 + 1;
	if (span < 1000000)       /* at least a millisecond of context */
		margin = (1000000 - span) / 2 + 1;
	vs->fit_range = true;
	vs->fit_t0 = vs->hl_t0 - margin;
	vs->fit_t1 = vs->hl_t1 + margin;
	vs->follow = false;
	vs->sel_lane = -1;
	vs->find_sel = i;
	size_t n;
	const uint32_t *v = findings_lanes(ctx->findings, f, &n);
	if (n && v)
		vs->top_lane = find_top_row(ctx, v, n);
	return true;
}

/* Forget the highlighted finding. */
void view_findings_clear(struct view_state *vs)
{
	vs->hl_id[0] = 0;
	vs->fit_range = false;
}
