/*
 * view_gantt.c - the Gantt view: one row per lane, one cell per time bucket.
 *
 * Each cell shows the dominant display state of its bucket (timeline_buckets,
 * O(log n) per cell, so a frame costs O(width x lanes x log n) whatever the
 * number of events) as a glyph and a colour role; every other task on a lane
 * uses the alternate glyph + ATTR_ALT so back-to-back tasks stay apart. Over
 * the states, two marks: a lost update of the race workload (a cell in
 * which a lane read a value another read too) and a deadlocked wait (the
 * wait of a lane in the deadlock cycle, from its start to the run's cut).
 * Above the lanes a time axis with 1-2-5 ticks, below them a legend and the
 * lane scroll position. A finding shown from the Findings view is
 * highlighted: its lanes' labels, its time range on the axis and its cells.
 * Also here: the window helpers (zoom, pan, fit, scroll), mouse hit-testing
 * and the detail line of a span (for a lock wait: which lock, held by whom).
 */
#include <stdlib.h>
#include <string.h>
#include "glyphs.h"
#include "locks.h"
#include "racetally.h"
#include "tasklog.h"
#include "view_body.h"

#define GANTT_MIN_SPAN 1            /* ns per cell, zoomed in fully */
#define GANTT_MAX_SPAN 100000000000 /* 100 s per cell, zoomed out fully */
#define GANTT_LIVE_MIN 1000000000   /* a live run is fitted into at least 1 s */
#define GANTT_EMPTY_MIN 1000000     /* a finished run into at least 1 ms */

/* Round v up to 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 x 10^k (fine for fitting). */
static int64_t gantt_nice_fit(int64_t v)
{
	static const int m[] = { 10, 12, 15, 20, 25, 30, 40, 50, 60, 80, 100 };
	int64_t p = 1;
	while (v > p * 100 && p < INT64_MAX / 1000)
		p *= 10;
	for (;;) {
		for (size_t i = 0; i < sizeof m / sizeof m[0]; i++)
			if (v * 10 <= m[i] * p)
				return m[i] * p / 10 > 0 ? m[i] * p / 10 : 1;
		p *= 10;
	}
}

/* Round v up to 1, 2, 5 x 10^k (axis steps). */
static int64_t gantt_nice_step(int64_t v)
{
	int64_t p = 1;
	for (;;) {
		if (v <= p)
			return p;
		if (v <= 2 * p)
			return 2 * p;
		if (v <= 5 * p)
			return 5 * p;
		if (p > INT64_MAX / 100)
			return p * 10;
		p *= 10;
	}
}

/* Set the window from follow mode: the run so far (or the whole run when it
 * is done) fits into gw cells. Without follow, keep the user's window. */
static void gantt_apply_window(struct view_state *vs, const struct view_ctx *ctx, int gw)
{
	int64_t edge = view_edge(ctx);
	if (vs->fit_range && vs->fit_t1 > vs->fit_t0) {   /* a finding asked for its range */
		vs->span_ns = (vs->fit_t1 - vs->fit_t0 + gw - 1) / gw;
		if (vs->span_ns < GANTT_MIN_SPAN)
			vs->span_ns = GANTT_MIN_SPAN;
		if (vs->span_ns > GANTT_MAX_SPAN)
			vs->span_ns = GANTT_MAX_SPAN;
		vs->t0 = vs->fit_t0;
		vs->follow = false;
		vs->fit_range = false;
	}
	if (vs->follow || vs->span_ns <= 0) {
		int64_t extent = edge;
		if (!ctx->done && extent < GANTT_LIVE_MIN)
			extent = GANTT_LIVE_MIN;
		if (extent < GANTT_EMPTY_MIN) /* nothing happened yet: a sane scale */
			extent = GANTT_EMPTY_MIN;
		int64_t span = (extent + gw - 1) / gw;
		if (span < 1)
			span = 1;
		/* live: round up so the scale changes in steps, not every frame */
		vs->span_ns = ctx->done ? span : gantt_nice_fit(span);
		vs->t0 = 0;
		if (vs->span_ns > GANTT_MAX_SPAN)
			vs->span_ns = GANTT_MAX_SPAN;
	}
	if (vs->t0 > edge)
		vs->t0 = edge;
	if (vs->t0 < -(int64_t)gw * vs->span_ns)
		vs->t0 = -(int64_t)gw * vs->span_ns;
}

/* Draw the time axis: tick labels on row y, tick marks on row y2 (-1: none). */
static void gantt_axis(struct canvas *c, int x, int y, int y2, int gw, const struct view_state *vs)
{
	int64_t span = vs->span_ns;
	int64_t step = gantt_nice_step(span * 9);
	int64_t first = vs->t0 <= 0 ? -((-vs->t0) / step) * step : ((vs->t0 + step - 1) / step) * step;
	if (y2 >= 0)
		canvas_fill(c, x, y2, gw, 1, glyph_get(GL_AXIS, c->utf8), ROLE_AXIS, 0);
	int free_x = 0; /* first cell a label may start at */
	for (int64_t t = first; ; t += step) {
		int64_t cx = (t - vs->t0) / span;
		if (cx >= gw)
			break;
		if (y2 >= 0)
			canvas_put(c, x + (int)cx, y2, c->utf8 ? 0x252C : '+', ROLE_AXIS, 0);
		char lab[32];
		view_fmt_time(t, step, c->utf8, lab, sizeof lab);
		int lw = view_text_width(lab);
		if (cx >= free_x && cx + lw <= gw) {
			canvas_text(c, x + (int)cx, y, lw, ROLE_AXIS, 0, lab);
			free_x = (int)cx + lw + 1;
		}
		if (step > INT64_MAX - t)
			break;
	}
}

/* The wait of lane l that is part of the deadlock, [*d0, *d1); false when
 * the lane is not in the cycle. */
static bool gantt_deadlocked_wait(const struct timeline *tl, int l, int64_t *d0, int64_t *d1)
{
	if (!tl->deadlock.detected || !tl->lanes[l].deadlocked)
		return false;
	const struct lanemark *w = locks_wait_at(tl, (uint32_t)l, tl->deadlock.t_formed);
	if (!w)
		return false;
	long k = timeline_span_at(tl, (size_t)l, w->t);
	*d0 = w->t;
	*d1 = k >= 0 ? timeline_span_end(tl, (size_t)l, (size_t)k) : w->t;
	return true;
}

/* Draw the marks over lane l's cells: its deadlocked wait, its lost
 * updates, the program's own marks. */
static void gantt_marks(struct canvas *c, int x, int y, int gw, int l, const struct view_ctx *ctx,
			const uint8_t *states)
{
	const struct view_state *vs = ctx->vs;
	const struct timeline *tl = ctx->tl;
	int64_t w = vs->span_ns, d0 = 0, d1 = 0;
	bool dl = gantt_deadlocked_wait(tl, l, &d0, &d1);
	const struct lanemark *m = NULL, *u = NULL;
	size_t nm = racetally_losses(tl, (uint32_t)l, vs->t0, vs->t0 + (int64_t)gw * w, &m);
	size_t nu = tasklog_marks(tl, (uint32_t)l, vs->t0, vs->t0 + (int64_t)gw * w, &u);
	if (!dl && !nm && !nu)
		return;
	for (int i = 0; i < gw; i++) {
		int64_t b0 = vs->t0 + (int64_t)i * w, b1 = b0 + w;
		int attr = vs->sel_lane == l && vs->sel_t >= b0 && vs->sel_t < b1 ? ATTR_REVERSE : 0;
		while (nm && m->t < b0) {
			m++;
			nm--;
		}
		while (nu && u->t < b0) {
			u++;
			nu--;
		}
		if (nm && m->t < b1) {
			canvas_put(c, x + i, y, glyph_get(GL_LOSS, c->utf8), ROLE_LOSS, attr | ATTR_BOLD);
			continue;
		}
		if (nu && u->t < b1) {
			canvas_put(c, x + i, y, glyph_get(GL_MARK, c->utf8), ROLE_MARK, attr | ATTR_BOLD);
			continue;
		}
		int64_t lo = b0 > d0 ? b0 : d0, hi = b1 < d1 ? b1 : d1;
		bool waitish = states[i] == ST_LOCK || states[i] == ST_FAILED;
		if (dl && ((hi - lo) * 2 >= w || (hi > lo && waitish) || (d0 == d1 && d0 >= b0 && d0 < b1)))
			canvas_put(c, x + i, y, glyph_get(GL_DEADLOCK, c->utf8), ROLE_DEADLOCK,
				   attr | ATTR_BOLD);
	}
}

/* Return the finding highlighted in the Gantt view, or NULL (none, or no
 * longer in the list: then only its time range is marked). */
static const struct finding *gantt_hl(const struct view_ctx *ctx)
{
	return ctx->vs->hl_id[0] ? findings_find(ctx->findings, ctx->vs->hl_id) : NULL;
}

/* True when cell i (of a window from t0, span ns a cell) lies in the
 * highlighted time range. */
static bool gantt_in_hl(const struct view_state *vs, int i)
{
	int64_t a = vs->t0 + (int64_t)i * vs->span_ns;
	return vs->hl_id[0] && a + vs->span_ns > vs->hl_t0 && a < vs->hl_t1;
}

/* Mark the highlighted time range on the axis row y ("━", "=" in ASCII). */
static void gantt_hl_axis(struct canvas *c, int x, int y, int gw, const struct view_state *vs)
{
	for (int i = 0; i < gw; i++)
		if (gantt_in_hl(vs, i))
			canvas_put(c, x + i, y, c->utf8 ? 0x2501 : '=', ROLE_HILITE, ATTR_BOLD);
}

/* Draw one lane's cells from the bucket states (hl_lane: the lane is one of
 * the highlighted finding's). */
static void gantt_lane(struct canvas *c, int x, int y, int gw, int l, const struct view_ctx *ctx,
		       bool hl_lane, uint8_t *states, uint32_t *tasks)
{
	const struct view_state *vs = ctx->vs;
	const struct timeline *tl = ctx->tl;
	/* Shades only tell tasks apart when a task is wider than a cell: with
	 * many spans per cell, alternating them would be noise, so no tasks. */
	size_t first;
	size_t nspans = timeline_range(tl, (size_t)l, vs->t0, vs->t0 + (int64_t)gw * vs->span_ns, &first);
	bool want_tasks = nspans <= 2 * (size_t)gw;
	timeline_buckets(tl, (size_t)l, vs->t0, vs->span_ns, (size_t)gw, states,
			 want_tasks ? tasks : NULL);
	if (!want_tasks)
		for (int i = 0; i < gw; i++)
			tasks[i] = CV_NO_TASK;
	/* Tasks alternate shades: the first task seen in the row takes its
	 * parity from its span's seq (one search), each later task the
	 * opposite of the one before, so neighbouring tasks always differ. */
	uint32_t last_task = CV_NO_TASK;
	bool last_alt = false, seeded = false;
	for (int i = 0; i < gw; i++) {
		int st = states[i];
		bool alt = false;
		if (tasks[i] != CV_NO_TASK && tasks[i] != last_task &&
		    (st == ST_CPU || st == ST_IO || st == ST_LOCK || st == ST_FAILED)) {
			if (!seeded) {
				int64_t mid = vs->t0 + (int64_t)i * vs->span_ns + vs->span_ns / 2;
				long k = timeline_span_at(tl, (size_t)l, mid);
				last_alt = k >= 0 && !(tl_span_at(&tl->lanes[l], k)->seq & 1); /* first task: plain */
				seeded = true;
			} else {
				last_alt = !last_alt;
			}
			last_task = tasks[i];
		}
		if (st == ST_CALLBACK) /* loop lanes run every task: by task number */
			alt = tasks[i] != CV_NO_TASK && (tasks[i] & 1);
		else if (tasks[i] != CV_NO_TASK && tasks[i] == last_task)
			alt = last_alt;
		int attr = alt ? ATTR_ALT : 0;
		if (vs->sel_lane == l && vs->sel_t >= vs->t0 + (int64_t)i * vs->span_ns &&
		    vs->sel_t < vs->t0 + (int64_t)(i + 1) * vs->span_ns)
			attr |= ATTR_REVERSE;
		if (hl_lane && gantt_in_hl(vs, i))
			attr |= ATTR_HILITE;
		canvas_put(c, x + i, y, glyph_state(st, alt, c->utf8), glyph_role(st), attr);
	}
	gantt_marks(c, x, y, gw, l, ctx, states);
}

/* Draw the Gantt body into r. */
void view_gantt_body(struct canvas *c, struct view_rect r, const struct view_ctx *ctx)
{
	struct view_state *vs = ctx->vs;
	if (!vs)
		return;
	vs->gw = vs->gh = vs->lanes_shown = 0;
	int want = view_traced(ctx) ? VIEW_LABEL_W_TRACE : VIEW_LABEL_W;
	int lw = r.w >= 3 * want ? want : r.w >= 40 ? VIEW_LABEL_W : r.w >= 16 ? r.w / 4 : 0;
	int gw = r.w - lw;
	if (gw <= 0 || r.h <= 0)
		return;
	bool axis = r.h >= 3, ticks = r.h >= 8, legend = r.h >= 5;
	int y = r.y, rows = r.h - axis - ticks - legend;
	int nl = view_nlanes(ctx);
	gantt_apply_window(vs, ctx, gw);
	if (axis) {
		canvas_text(c, r.x, y, lw - 1, ROLE_DIM, 0, "time");
		gantt_axis(c, r.x + lw, y, ticks ? y + 1 : -1, gw, vs);
		if (ticks)
			gantt_hl_axis(c, r.x + lw, y + 1, gw, vs);
		y += 1 + ticks;
	}
	const struct finding *hl = gantt_hl(ctx);
	if (vs->top_lane > nl - rows)
		vs->top_lane = nl - rows;
	if (vs->top_lane < 0)
		vs->top_lane = 0;
	vs->gx = r.x + lw;
	vs->gy = y;
	vs->gw = gw;
	vs->gh = rows > 0 ? rows : 0;
	uint8_t st_buf[512];
	uint32_t task_buf[512];
	uint8_t *states = st_buf;
	uint32_t *tasks = task_buf;
	if (gw > 512) {
		states = malloc((size_t)gw);
		tasks = malloc((size_t)gw * sizeof *tasks);
	}
	int shown = 0;
	int *order = nl > 0 ? malloc((size_t)nl * sizeof *order) : NULL;
	bool *first = nl > 0 ? malloc((size_t)nl * sizeof *first) : NULL;
	if (order && first)
		view_lane_order(ctx, order, first, nl);
	for (int row = 0; row < rows && vs->top_lane + row < nl && order && first; row++, shown++) {
		int i = vs->top_lane + row, l = order[i];
		char name[64];
		view_lane_name(ctx, l, name, sizeof name);
		bool crashed = ctx->tl && (size_t)l < ctx->tl->nlanes &&
			       (ctx->tl->lanes[l].crashed || ctx->tl->lanes[l].deadlocked);
		int attr = vs->sel_lane == l ? ATTR_REVERSE : 0;
		int indent = view_traced(ctx) && !first[i] && lw > 8; /* a process's other threads */
		bool lit = hl && findings_has_lane(ctx->findings, hl, (uint32_t)l);
		canvas_text(c, r.x + indent, y + row, lw - 1 - indent,
			    lit ? ROLE_HILITE : crashed ? ROLE_WARN : ROLE_LABEL,
			    attr | (first[i] ? ATTR_BOLD : 0), name);
		if (ctx->tl && states && tasks)
			gantt_lane(c, r.x + lw, y + row, gw, l, ctx, lit, states, tasks);
	}
	vs->lanes_shown = shown;
	free(order);
	free(first);
	if (states != st_buf)
		free(states);
	if (tasks != task_buf)
		free(tasks);
	if (legend) {
		int ly = r.y + r.h - 1;
		char ind[64];
		if (nl)
			snprintf(ind, sizeof ind, "lanes %d-%d of %d", vs->top_lane + (shown > 0),
				 vs->top_lane + shown, nl);
		else
			snprintf(ind, sizeof ind, "no lanes yet");
		int iw = view_text_width(ind);
		int room = r.w - iw - 2;
		if (room < 10) {
			room = r.w;
			iw = 0;
		}
		view_legend(c, r.x, ly, room, ctx, false);
		if (iw)
			canvas_text(c, r.x + r.w - iw, ly, iw, ROLE_DIM, 0, ind);
	}
}

/* Rows the Gantt body needs for every lane: axis, ticks, lanes, legend. */
int view_gantt_rows(const struct view_ctx *ctx)
{
	int n = view_nlanes(ctx);
	return 3 + (n > 5 ? n : 5);
}

/* Map a cell of the last drawn Gantt body to a lane and a time. */
bool view_hit(const struct view_state *vs, const struct view_ctx *ctx, int x, int y,
	      int *lane, int64_t *t)
{
	if (!vs || vs->gw <= 0 || vs->span_ns <= 0 || x < vs->gx || x >= vs->gx + vs->gw ||
	    y < vs->gy || y >= vs->gy + vs->lanes_shown)
		return false;
	int i = vs->top_lane + (y - vs->gy), n = ctx ? view_nlanes(ctx) : i + 1;
	if (i >= n)
		return false;
	int *order = ctx && view_traced(ctx) ? malloc((size_t)n * sizeof *order) : NULL;
	if (order)
		view_lane_order(ctx, order, NULL, n);
	*lane = order ? order[i] : i;               /* the lane shown on that row */
	free(order);
	*t = vs->t0 + (int64_t)(x - vs->gx) * vs->span_ns + vs->span_ns / 2;
	return true;
}

/* Append what a lock wait span of lane (selected at t) waited for to buf:
 * " | waits for L2 held by thread 2" (" | DEADLOCK: ..." in the cycle). */
static int gantt_lock_detail(const struct view_ctx *ctx, int lane, int64_t t,
			     const struct tl_span *sp, char *buf, size_t n)
{
	const struct timeline *tl = ctx->tl;
	const struct tl_deadlock *d = &tl->deadlock;
	const struct lanemark *w = locks_wait_at(tl, (uint32_t)lane, t);
	char lock[24], holder[64];
	if (sp->state != ST_LOCK || !w || w->t < sp->t0)
		return 0;
	uint32_t kept = d->n < TL_CYCLE_MAX ? d->n : TL_CYCLE_MAX;
	for (uint32_t i = 0; d->detected && tl->lanes[lane].deadlocked && i < kept; i++)
		if (d->lanes[i] == (uint32_t)lane && w->t <= d->t_formed && w->a == d->locks[i]) {
			view_lane_name(ctx, (int)d->lanes[(i + 1) % kept], holder, sizeof holder);
			return snprintf(buf, n, " | DEADLOCK: waits for %s held by %s",
					locks_name(d->locks[i], lock, sizeof lock), holder);
		}
	locks_name((uint32_t)w->a, lock, sizeof lock);
	if (!w->b)
		return snprintf(buf, n, " | waits for %s (holder unknown)", lock);
	view_lane_name(ctx, (int)w->b - 1, holder, sizeof holder);
	return snprintf(buf, n, " | waits for %s held by %s", lock, holder);
}

/* Append the lost updates of lane's cell around t to buf: " | lost update:
 * read 517, which thread 2 read too (+2 more)". */
static int gantt_loss_detail(const struct view_ctx *ctx, int lane, int64_t t, char *buf, size_t n)
{
	int64_t w = ctx->vs && ctx->vs->span_ns > 0 ? ctx->vs->span_ns : 1;
	const struct lanemark *m;
	size_t k = racetally_losses(ctx->tl, (uint32_t)lane, t - w / 2, t - w / 2 + w, &m);
	char other[64];
	int len;
	if (!k)
		return 0;
	if (m->b && (int)m->b - 1 != lane) {
		view_lane_name(ctx, (int)m->b - 1, other, sizeof other);
		len = snprintf(buf, n, " | lost update: read %llu, which %s read too",
			       (unsigned long long)m->a, other);
	} else {
		len = snprintf(buf, n, " | lost update: read %llu again (its write was overwritten)",
			       (unsigned long long)m->a);
	}
	if (k > 1 && len > 0 && (size_t)len < n)
		len += snprintf(buf + len, n - (size_t)len, " (+%zu more)", k - 1);
	return len;
}

/* Append the program's marks in lane's cell around t to buf: " | mark:
 * checkpoint (+2 more)". */
static int gantt_mark_detail(const struct view_ctx *ctx, int lane, int64_t t, char *buf, size_t n)
{
	int64_t w = ctx->vs && ctx->vs->span_ns > 0 ? ctx->vs->span_ns : 1;
	const struct lanemark *m;
	size_t k = tasklog_marks(ctx->tl, (uint32_t)lane, t - w / 2, t - w / 2 + w, &m);
	char name[128];
	if (!k)
		return 0;
	int len = snprintf(buf, n, " | mark: %s", tasklog_name(ctx->tl, m->a, m->b, name, sizeof name));
	if (k > 1 && len > 0 && (size_t)len < n)
		len += snprintf(buf + len, n - (size_t)len, " (+%zu more)", k - 1);
	return len;
}

/* Write the detail line of the span of lane at t into buf. */
bool view_detail(const struct view_ctx *ctx, int lane, int64_t t, char *buf, size_t n)
{
	if (n)
		buf[0] = 0;
	const struct timeline *tl = ctx->tl;
	if (!tl || lane < 0 || (size_t)lane >= tl->nlanes || n == 0)
		return false;
	long k = timeline_span_at(tl, (size_t)lane, t);
	if (k < 0)
		return false;
	const struct tl_span *sp = tl_span_at(&tl->lanes[lane], k);
	int64_t end = timeline_span_end(tl, (size_t)lane, (size_t)k);
	bool u = false; /* plain ASCII units: the line is also used by the TUI's status */
	const char *sep = " | ";
	char lname[64], a[32], d[32];
	view_lane_name(ctx, lane, lname, sizeof lname);
	view_fmt_time(sp->t0, 0, u, a, sizeof a);
	view_fmt_time(end - sp->t0, 0, u, d, sizeof d);
	int len;
	bool gil = ctx->s && ctx->s->params.gil;
	if (sp->task == CV_NO_TASK) {
		len = snprintf(buf, n, "%s%s%s at %s for %s", lname, sep,
			       timeline_state_name_in(tl_span_display(sp), gil), a, d);
		if (len > 0 && (size_t)len < n)
			gantt_mark_detail(ctx, lane, t, buf + len, n - (size_t)len);
		return len > 0;
	}
	const char *tname = ctx->s ? session_task_name(ctx->s, sp->task) : "";
	len = snprintf(buf, n, "task %u%s%s%s%s at %s for %s", sp->task + 1, sep, lname, sep,
		       timeline_state_name_in(sp->state, gil), a, d);
	if (len > 0 && (size_t)len < n)
		len += gantt_lock_detail(ctx, lane, t, sp, buf + len, n - (size_t)len);
	if (len > 0 && (size_t)len < n)
		len += gantt_loss_detail(ctx, lane, t, buf + len, n - (size_t)len);
	if (len > 0 && (size_t)len < n)
		len += gantt_mark_detail(ctx, lane, t, buf + len, n - (size_t)len);
	if (sp->task < tl->ntasks) {
		const struct tl_task *tk = &tl->tasks[sp->task];
		char tb[32], te[32], by[32];
		if ((size_t)len < n && tk->state == TASK_FAILED)
			len += snprintf(buf + len, n - (size_t)len, "%sFAILED: %s", sep,
					event_fail_name(tk->reason));
		if ((size_t)len < n && tk->t_begin >= 0) {
			view_fmt_time(tk->t_begin, 0, u, tb, sizeof tb);
			if (tk->t_end >= 0)
				view_fmt_time(tk->t_end - tk->t_begin, 0, u, te, sizeof te);
			else
				snprintf(te, sizeof te, "running");
			len += snprintf(buf + len, n - (size_t)len, "%stask %s+%s", sep, tb, te);
		}
		if ((size_t)len < n && tk->bytes)
			len += snprintf(buf + len, n - (size_t)len, "%s%s", sep,
					view_fmt_bytes(tk->bytes, by, sizeof by));
		if ((size_t)len < n && tk->status)
			len += snprintf(buf + len, n - (size_t)len, "%sHTTP %u", sep, tk->status);
	}
	if ((size_t)len < n && tname[0])
		snprintf(buf + len, n - (size_t)len, "%s%s", sep, tname);
	return true;
}

/* Zoom by factor keeping time `around` at the same cell; follow off. */
void view_zoom(struct view_state *vs, double factor, int64_t around)
{
	if (vs->span_ns <= 0 || !(factor > 0))
		return;
	double ns = (double)vs->span_ns * factor;
	if (factor < 1 && (int64_t)ns == vs->span_ns)
		ns = (double)vs->span_ns - 1;
	if (factor > 1 && (int64_t)ns == vs->span_ns)
		ns = (double)vs->span_ns + 1;
	if (ns < GANTT_MIN_SPAN)
		ns = GANTT_MIN_SPAN;
	if (ns > GANTT_MAX_SPAN)
		ns = GANTT_MAX_SPAN;
	double cells = (double)(around - vs->t0) / (double)vs->span_ns;
	vs->span_ns = (int64_t)ns;
	vs->t0 = around - (int64_t)(cells * ns);
	vs->follow = false;
}

/* Pan by cells Gantt cells (negative = earlier); follow off. */
void view_pan(struct view_state *vs, int cells)
{
	if (vs->span_ns <= 0)
		return;
	vs->t0 += (int64_t)cells * vs->span_ns;
	vs->follow = false;
}

/* Scroll the lanes by rows; the upper bound is applied at the next draw. */
void view_scroll(struct view_state *vs, int rows)
{
	long top = (long)vs->top_lane + rows;
	vs->top_lane = top < 0 ? 0 : top > 1000000 ? 1000000 : (int)top;
}

/* Turn follow on: the next draw fits the run into the window. */
void view_fit(struct view_state *vs)
{
	vs->follow = true;
}

/* Return the middle of the visible time window. */
int64_t view_center(const struct view_state *vs)
{
	return vs->t0 + (vs->span_ns > 0 ? vs->span_ns * (vs->gw > 0 ? vs->gw : 1) / 2 : 0);
}
