/*
 * view_loop.c - the Event loop view: what the async engine's loop thread did.
 *
 * The loop lane is a sequence of iterations: a POLL span (blocked waiting for
 * I/O) followed by CALLBACK spans (running the callbacks of ready tasks).
 * This view counts iterations, splits the time between poll and callbacks,
 * draws a sparkline of the loop's busy share over time and a histogram of
 * callback time per iteration, and lists the longest stalls: the callback
 * runs that kept the loop from polling, with the task that caused each.
 * A pass over the loop lane's spans is O(n); only this view pays it.
 */
#include <stdio.h>
#include <string.h>
#include "glyphs.h"
#include "view_body.h"

#define LOOP_STALLS 16  /* longest stalls kept */
#define LOOP_HIST 6     /* histogram buckets: <100us <1ms <10ms <100ms <1s >=1s */

struct loop_stall {
	int64_t t0, ns;
	uint32_t task;
};

struct loop_sum {
	uint64_t iters, poll_ns, cb_ns;
	uint64_t hist[LOOP_HIST];
	struct loop_stall stalls[LOOP_STALLS];
	int nstalls;
};

/* Return the loop lane's index, or -1 when the run has none. */
static int loop_lane(const struct view_ctx *ctx)
{
	if (ctx->s)
		for (uint32_t i = 0; i < ctx->s->nlanes; i++)
			if (ctx->s->lanes[i].kind == LANE_LOOP)
				return (int)i;
	if (ctx->tl)
		for (size_t i = 0; i < ctx->tl->nlanes; i++)
			if (ctx->tl->lanes[i].n && tl_span_at(&ctx->tl->lanes[i], 0)->state == ST_POLL)
				return (int)i;
	return -1;
}

/* Keep st among the longest stalls (sorted, longest first). */
static void loop_keep_stall(struct loop_sum *ls, struct loop_stall st)
{
	int i;
	if (ls->nstalls < LOOP_STALLS)
		i = ls->nstalls++;
	else if (ls->stalls[LOOP_STALLS - 1].ns >= st.ns)
		return;
	else
		i = LOOP_STALLS - 1;
	while (i > 0 && ls->stalls[i - 1].ns < st.ns) {
		ls->stalls[i] = ls->stalls[i - 1];
		i--;
	}
	ls->stalls[i] = st;
}

/* Add one iteration's callback time to the histogram. */
static void loop_hist_add(struct loop_sum *ls, int64_t ns)
{
	int b = 0;
	for (int64_t lim = 100000; b < LOOP_HIST - 1 && ns >= lim; lim *= 10)
		b++;
	ls->hist[b]++;
}

/* Walk lane l once and summarise its iterations and stalls. */
static void loop_summarize(const struct timeline *tl, int l, struct loop_sum *ls)
{
	memset(ls, 0, sizeof *ls);
	const struct tl_lane *ln = &tl->lanes[l];
	struct loop_stall run = { 0, 0, CV_NO_TASK };
	int64_t iter_cb = 0;
	bool in_poll = false;
	for (size_t i = 0; i < ln->n; i++) {
		const struct tl_span *sp = tl_span_at(ln, i);
		int64_t d = timeline_span_end(tl, (size_t)l, i) - sp->t0;
		if (d < 0)
			d = 0;
		bool cb = sp->state == ST_CALLBACK;
		if (!cb || sp->task != run.task) { /* a callback run ends */
			if (run.ns > 0)
				loop_keep_stall(ls, run);
			run = (struct loop_stall){ sp->t0, 0, cb ? sp->task : CV_NO_TASK };
		}
		if (sp->state == ST_POLL) {
			if (!in_poll) {
				if (ls->iters)
					loop_hist_add(ls, iter_cb);
				ls->iters++;
				iter_cb = 0;
			}
			ls->poll_ns += (uint64_t)d;
		} else if (cb) {
			ls->cb_ns += (uint64_t)d;
			iter_cb += d;
			run.ns += d;
		}
		in_poll = sp->state == ST_POLL;
	}
	if (run.ns > 0)
		loop_keep_stall(ls, run);
	if (ls->iters)
		loop_hist_add(ls, iter_cb);
}

/* Draw the loop's busy share over time as a sparkline of w cells. */
static void loop_sparkline(struct canvas *c, int x, int y, int w, const struct view_ctx *ctx, int l)
{
	int64_t edge = view_edge(ctx);
	if (w <= 0 || edge <= 0)
		return;
	int64_t bw = (edge + w - 1) / w;
	for (int i = 0; i < w; i++) {
		uint64_t acc[ST_COUNT] = { 0 };
		timeline_time_in(ctx->tl, (size_t)l, (int64_t)i * bw, (int64_t)(i + 1) * bw, acc);
		double busy = (double)(acc[ST_CALLBACK] + acc[ST_FAILED]) / (double)bw;
		int lvl = (int)(busy * 8);
		lvl = lvl > 7 ? 7 : lvl < 0 ? 0 : lvl;
		bool none = acc[ST_CALLBACK] + acc[ST_FAILED] + acc[ST_POLL] == 0;
		canvas_put(c, x + i, y, none ? ' ' : glyph_get(GL_SPARK0 + lvl, c->utf8),
			   busy > 0.5 ? ROLE_ST_CALLBACK : ROLE_ST_POLL, 0);
	}
}

/* Draw the Event loop body into r. */
void view_loop_body(struct canvas *c, struct view_rect r, const struct view_ctx *ctx)
{
	bool u = c->utf8;
	int l = ctx->tl ? loop_lane(ctx) : -1;
	if (l < 0 || (size_t)l >= ctx->tl->nlanes) {
		view_wrap(c, r, ROLE_DIM,
			  ctx->no_chrome ? "This is not an async run: it has no event loop to show."
					 : "The event-loop view shows async runs (one loop thread): "
					   "press 2 to run the job on an event loop.");
		return;
	}
	struct loop_sum ls;
	loop_summarize(ctx->tl, l, &ls);
	int y = r.y, bottom = r.y + r.h;
	double tot = (double)(ls.poll_ns + ls.cb_ns);
	char a[32], b[32], m1[32], m2[32], name[64];
	view_fmt_time((int64_t)ls.poll_ns, 0, u, a, sizeof a);
	view_fmt_time((int64_t)ls.cb_ns, 0, u, b, sizeof b);
	canvas_printf(c, r.x, y++, r.w, ROLE_TEXT, 0,
		      "%s: %llu iterations   poll %s (%.0f%%)   callbacks %s (%.0f%%)",
		      view_lane_name(ctx, l, name, sizeof name), (unsigned long long)ls.iters, a,
		      tot > 0 ? 100.0 * (double)ls.poll_ns / tot : 0.0, b,
		      tot > 0 ? 100.0 * (double)ls.cb_ns / tot : 0.0);
	if (y >= bottom)
		return;
	uint64_t n = ls.iters ? ls.iters : 1;
	view_fmt_time((int64_t)(ls.poll_ns / n), 0, u, m1, sizeof m1);
	view_fmt_time((int64_t)(ls.cb_ns / n), 0, u, m2, sizeof m2);
	canvas_printf(c, r.x, y++, r.w, ROLE_TEXT, 0, "mean per iteration: poll %s, callbacks %s", m1, m2);
	if (y >= bottom)
		return;
	int lw = canvas_text(c, r.x, y, r.w, ROLE_DIM, 0, "loop busy over time ");
	loop_sparkline(c, r.x + lw, y++, r.w - lw, ctx, l);
	if (y + 1 >= bottom)
		return;
	y++;
	static const char *const hl[LOOP_HIST][2] = {
		{ "< 100µs", "< 100us" }, { "< 1ms", "< 1ms" }, { "< 10ms", "< 10ms" },
		{ "< 100ms", "< 100ms" }, { "< 1s", "< 1s" }, { ">= 1s", ">= 1s" },
	};
	canvas_text(c, r.x, y++, r.w, ROLE_TITLE, ATTR_BOLD, "callback time per iteration");
	uint64_t hmax = 1;
	for (int i = 0; i < LOOP_HIST; i++)
		hmax = ls.hist[i] > hmax ? ls.hist[i] : hmax;
	int barw = r.w - 20;
	for (int i = 0; i < LOOP_HIST && y < bottom; i++, y++) {
		canvas_text(c, r.x + 2, y, r.w - 2, ROLE_TEXT, 0, hl[i][!u]);
		canvas_printf(c, r.x + 11, y, r.w - 11, ROLE_TEXT, 0, "%7llu", (unsigned long long)ls.hist[i]);
		if (barw > 0) {
			int len = (int)((double)ls.hist[i] / (double)hmax * barw);
			if (len == 0 && ls.hist[i])
				len = 1;
			canvas_fill(c, r.x + 19, y, len, 1, glyph_get(GL_BAR_FULL, u), ROLE_ST_CALLBACK, 0);
		}
	}
	if (y + 1 >= bottom)
		return;
	y++;
	canvas_text(c, r.x, y++, r.w, ROLE_TITLE, ATTR_BOLD,
		    ls.nstalls ? "longest stalls (callbacks that kept the loop from polling)"
			       : "no callbacks yet");
	for (int i = 0; i < ls.nstalls && y < bottom; i++, y++) {
		const struct loop_stall *st = &ls.stalls[i];
		char d[32], at[32];
		view_fmt_time(st->ns, 0, u, d, sizeof d);
		view_fmt_time(st->t0, 0, u, at, sizeof at);
		const char *tn = ctx->s && st->task != CV_NO_TASK ? session_task_name(ctx->s, st->task) : "";
		int role = i == 0 ? ROLE_WARN : ROLE_TEXT;
		canvas_printf(c, r.x, y, r.w, role, 0, "  %2d.", i + 1);
		int dw = view_text_width(d);
		canvas_text(c, r.x + 14 - dw, y, r.w - 14 + dw, role, 0, d);
		canvas_printf(c, r.x + 15, y, r.w - 15, role, 0, "at %s", at);
		if (st->task == CV_NO_TASK)
			canvas_text(c, r.x + 27, y, r.w - 27, role, 0, "(no task)");
		else
			canvas_printf(c, r.x + 27, y, r.w - 27, role, 0, "task %u %s", st->task + 1, tn);
	}
}

/* Rows the Event loop body needs: summary, sparkline, histogram, stalls. */
int view_loop_rows(const struct view_ctx *ctx)
{
	(void)ctx;
	return 3 + 1 + 1 + LOOP_HIST + 1 + 1 + LOOP_STALLS;
}
