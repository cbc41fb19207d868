/*
 * view_util.c - what every view uses: lane names, the live edge, times and
 * byte counts formatted for a cell grid, word wrapping and the legend.
 *
 * The frame (view_frame.c) and the view bodies (view_gantt.c ...) both call
 * these; nothing here calls either, so the frame depends on the views and
 * both on this file, never a circle.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "glyphs.h"
#include "tasklog.h"
#include "view_util.h"

/* Number of lanes to draw. */
int view_nlanes(const struct view_ctx *ctx)
{
	size_t n = ctx->s ? ctx->s->nlanes : 0;
	if (ctx->tl && ctx->tl->nlanes > n)
		n = ctx->tl->nlanes;
	return n > 1000000 ? 1000000 : (int)n;
}

/* True when the session is a traced program. */
bool view_traced(const struct view_ctx *ctx)
{
	return ctx->s && ctx->s->params.mode == MODE_TRACE;
}

/* A lane and the key it is shown by: its process's first lane, then its
 * rank in the process (threads, then event loops, then the program's own
 * task lanes: the SDK's), then its own. */
struct view_okey {
	uint32_t group, lane, pid, rank;
};

/* Order keys by pid, then lane (to find each process's first lane). */
static int view_by_pid(const void *a, const void *b)
{
	const struct view_okey *x = a, *y = b;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return x->lane < y->lane ? -1 : x->lane > y->lane;
}

/* Order keys by group, rank, then lane (the display order). */
static int view_by_group(const void *a, const void *b)
{
	const struct view_okey *x = a, *y = b;
	if (x->group != y->group)
		return x->group < y->group ? -1 : 1;
	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	return x->lane < y->lane ? -1 : x->lane > y->lane;
}

/* Fill the display order of the lanes; see view_util.h. */
void view_lane_order(const struct view_ctx *ctx, int *order, bool *first, int n)
{
	struct view_okey *k = view_traced(ctx) && n > 0 ? malloc((size_t)n * sizeof *k) : NULL;
	if (!k) {                                  /* as they are */
		for (int i = 0; i < n; i++) {
			order[i] = i;
			if (first)
				first[i] = false;
		}
		return;
	}
	for (int i = 0; i < n; i++) {
		const struct session_lane *sl = (uint32_t)i < ctx->s->nlanes ? &ctx->s->lanes[i] : NULL;
		uint32_t rank = !sl ? 0 : sl->kind == LANE_LOOP ? 1 : sl->kind == LANE_TASK ? 2 : 0;
		k[i] = (struct view_okey){ (uint32_t)i, (uint32_t)i, sl ? sl->pid : 0, rank };
	}
	qsort(k, (size_t)n, sizeof *k, view_by_pid);
	for (int i = 1; i < n; i++)                /* each process's group is its first lane */
		if (k[i].pid && k[i].pid == k[i - 1].pid)
			k[i].group = k[i - 1].group;
	qsort(k, (size_t)n, sizeof *k, view_by_group);
	for (int i = 0; i < n; i++) {
		order[i] = (int)k[i].lane;
		if (first)
			first[i] = k[i].pid && k[i].group == k[i].lane;
	}
	free(k);
}

/* Name of lane l, or "lane N" when the session has none. */
const char *view_lane_name(const struct view_ctx *ctx, int l, char *buf, size_t n)
{
	const char *name = ctx->s ? session_lane_name(ctx->s, (uint32_t)l) : "";
	if (name[0])
		snprintf(buf, n, "%s", name);
	else
		snprintf(buf, n, "lane %d", l + 1);
	return buf;
}

/* The latest time there is to show. */
int64_t view_edge(const struct view_ctx *ctx)
{
	if (!ctx->tl)
		return ctx->now > 0 ? ctx->now : 0;
	int64_t e = ctx->tl->now;
	if (ctx->done && ctx->tl->run_end > e)
		e = ctx->tl->run_end;
	if (!ctx->done && ctx->now > e)
		e = ctx->now;
	return e > 0 ? e : 0;
}

/* Format ns with enough decimals for multiples of res ("1.5s", "250ms"). */
char *view_fmt_time(int64_t ns, int64_t res, bool utf8, char *buf, size_t n)
{
	static const struct { int64_t unit; const char *name, *ascii; } units[] = {
		{ 1000000000, "s", "s" }, { 1000000, "ms", "ms" }, { 1000, "µs", "us" }, { 1, "ns", "ns" },
	};
	int64_t a = ns < 0 ? -ns : ns;
	size_t u = 0;
	while (u < 3 && a < units[u].unit)
		u++;
	if (a == 0)
		u = res >= 1000000000 || res <= 0 ? 0 : res >= 1000000 ? 1 : res >= 1000 ? 2 : 3;
	int dec = 0;
	if (res <= 0) {
		double v = (double)a / (double)units[u].unit;
		dec = v < 10 ? 2 : v < 100 ? 1 : 0;
	} else { /* fewest decimals whose step divides res */
		int64_t step = units[u].unit;
		while (dec < 3 && step > 1 && res % step != 0) {
			step /= 10;
			dec++;
		}
	}
	char num[48];
	snprintf(num, sizeof num, "%.*f", dec, (double)ns / (double)units[u].unit);
	if (res > 0 && strchr(num, '.')) { /* trim trailing zeros: "2.0" -> "2" */
		char *e = num + strlen(num) - 1;
		while (*e == '0')
			*e-- = 0;
		if (*e == '.')
			*e = 0;
	}
	snprintf(buf, n, "%s%s", num, utf8 ? units[u].name : units[u].ascii);
	return buf;
}

/* Return the cells a UTF-8 string takes (one per code point). */
int view_text_width(const char *s)
{
	int n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* Write text word-wrapped into r from its top row (c NULL: only count);
 * returns the rows used. */
int view_wrap(struct canvas *c, struct view_rect r, int role, const char *text)
{
	int rows = 0;
	const char *p = text;
	while (*p && rows < r.h && r.w > 0) {
		while (*p == ' ')
			p++;
		/* take words while they fit (a word longer than the line is cut) */
		const char *end = p, *q = p;
		int cells = 0;
		while (*q) {
			const char *w = q;
			int wc = 0;
			while (*w == ' ')
				w++, wc++;
			while (*w && *w != ' ') {
				wc += ((unsigned char)*w & 0xC0) != 0x80;
				w++;
			}
			if (cells + wc > r.w && end != p)
				break;
			cells += wc;
			end = q = w;
			if (cells >= r.w)
				break;
		}
		char line[512];
		size_t len = (size_t)(end - p) < sizeof line - 1 ? (size_t)(end - p) : sizeof line - 1;
		memcpy(line, p, len);
		line[len] = 0;
		if (c)
			canvas_text(c, r.x, r.y + rows, r.w, role, 0, line);
		rows++;
		p = end;
	}
	return rows;
}

/* Format a byte count ("10 KiB"). */
char *view_fmt_bytes(uint64_t b, char *buf, size_t n)
{
	if (b < 1024)
		snprintf(buf, n, "%llu B", (unsigned long long)b);
	else if (b < 1024 * 1024)
		snprintf(buf, n, "%.1f KiB", (double)b / 1024);
	else if (b < 1024ull * 1024 * 1024)
		snprintf(buf, n, "%.1f MiB", (double)b / (1024.0 * 1024));
	else
		snprintf(buf, n, "%.2f GiB", (double)b / (1024.0 * 1024 * 1024));
	return buf;
}

/* Return the legend label of state st in ctx's run: ST_LOCK is "gil wait"
 * with the emulated GIL, "lock wait" without (a mutex, an async lock). */
const char *view_state_label(const struct view_ctx *ctx, int st)
{
	if (st == ST_LOCK && ctx && ctx->s && !ctx->s->params.gil)
		return "lock wait";
	return glyph_label(st);
}

/* Draw one legend item (a glyph, then its label) at x + *used unless it
 * would pass w; returns false when it did not fit. */
static bool view_legend_item(struct canvas *c, int x, int y, int w, int *used, uint32_t g,
			     int role, int attr, const char *label)
{
	if (*used + 1 + 1 + (int)strlen(label) > w)
		return false;
	canvas_put(c, x + *used, y, g, role, attr);
	*used += 1 + canvas_text(c, x + *used + 2, y, w - *used - 2, ROLE_DIM, 0, label) + 3;
	return true;
}

/* True when some span of tl is drawn as failed (tasks cut short to end a
 * deadlock fail without it). */
static bool view_failed_shown(const struct timeline *tl)
{
	if (!tl->stats.failed)
		return false;
	for (size_t l = 0; l < tl->nlanes; l++) {
		const struct tl_lane *ln = &tl->lanes[l];
		if (ln->cum[ST_FAILED] || (ln->n && tl_span_at(ln, ln->n - 1)->failed))
			return true;
	}
	return false;
}

/* Draw the legend of the states present (or all); returns the cells used. */
int view_legend(struct canvas *c, int x, int y, int w, const struct view_ctx *ctx, bool all)
{
	const int *order;
	int n = glyph_legend_states(&order), used = 0;
	bool any = false;
	for (int pass = 0; pass < 2 && !any; pass++) {
		for (int i = 0; i < n; i++) {
			int st = order[i];
			bool present = all || pass == 1;
			if (!present && ctx->tl)
				present = st == ST_FAILED ? view_failed_shown(ctx->tl)
							  : ctx->tl->stats.ns[st] > 0;
			if (!present || (st == ST_IDLE && !all))
				continue;
			bool pair = glyph_state(st, false, c->utf8) != glyph_state(st, true, c->utf8);
			const char *label = view_state_label(ctx, st);
			int need = (pair ? 2 : 1) + 1 + (int)strlen(label) + 2;
			if (used + need - 2 > w)
				return used;
			canvas_put(c, x + used, y, glyph_state(st, false, c->utf8), glyph_role(st), 0);
			if (pair)
				canvas_put(c, x + used + 1, y, glyph_state(st, true, c->utf8), glyph_role(st),
					   ATTR_ALT);
			if (st == ST_IDLE) /* a blank glyph: frame it */
				canvas_put(c, x + used, y, c->utf8 ? 0x2423 : '_', ROLE_DIM, 0);
			used += pair ? 2 : 1;
			used += canvas_text(c, x + used + 1, y, w - used - 1, ROLE_DIM, 0, label) + 3;
			any = true;
		}
	}
	/* the marks drawn over the states, when the run has them */
	const struct timeline *tl = ctx->tl;
	if (tl && (all || tl->deadlock.detected) &&
	    !view_legend_item(c, x, y, w, &used, glyph_get(GL_DEADLOCK, c->utf8), ROLE_DEADLOCK,
			      ATTR_BOLD, "deadlocked"))
		return used > 2 ? used - 2 : used;
	if (tl && (all || tl->race_marks) &&
	    !view_legend_item(c, x, y, w, &used, glyph_get(GL_LOSS, c->utf8), ROLE_LOSS, ATTR_BOLD,
			      "lost update"))
		return used > 2 ? used - 2 : used;
	if (tl && tasklog_mark_count(tl))
		view_legend_item(c, x, y, w, &used, glyph_get(GL_MARK, c->utf8), ROLE_MARK, ATTR_BOLD,
				 "mark");
	return used > 2 ? used - 2 : used;
}
