/*
 * view_util.c - what every view uses: lane names, the live edge, times and
 * byte counts formatted for a cell grid, word wrapping and the legend.
 *
 * The frame (view_frame.c) and the view bodies (view_gantt.c ...) both call
 * these; nothing here calls either, so the frame depends on the views and
 * both on this file, never a circle.
 */
#include <stdio.h>
#include <string.h>
#include "glyphs.h"
#include "view_util.h"

/* Number of lanes to draw. */
int view_nlanes(const struct view_ctx *ctx)
{
	size_t n = ctx->s ? ctx->s->nlanes : 0;
	if (ctx->tl && ctx->tl->nlanes > n)
		n = ctx->tl->nlanes;
	return n > 1000000 ? 1000000 : (int)n;
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
				present = st == ST_FAILED ? ctx->tl->stats.failed > 0
							  : ctx->tl->stats.ns[st] > 0;
			if (!present || (st == ST_IDLE && !all))
				continue;
			bool pair = glyph_state(st, false, c->utf8) != glyph_state(st, true, c->utf8);
			const char *label = glyph_label(st);
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
	return used > 2 ? used - 2 : used;
}
