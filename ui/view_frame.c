/*
 * view_frame.c - the frame around every view: header, tab bar, status line,
 * footer hotkeys; view_draw() dispatches the body to the current view.
 *
 * Layout from the top: header line (mode, workload, target, elapsed, REC,
 * LIVE/DONE/REPLAY), header figures (progress bar, tasks/s, utilisation,
 * failed), for race and deadlock runs the line of the lesson (the counter:
 * expected, now or final, lost; or the deadlock cycle, named), tab bar,
 * body, status line (message or selected span), footer.
 * Lines are dropped as the canvas gets small, in this order: tab bar, status
 * line, the lesson's line, figures, footer; the body copes with whatever is
 * left.
 */
#include <stdio.h>
#include <string.h>
#include "glyphs.h"
#include "locks.h"
#include "view_body.h"
#include "view_util.h"

static const char *const view_names[VIEW_COUNT] = {
	"gantt", "compare", "loop", "log", "findings", "help",
};
static const char *const view_titles[VIEW_COUNT] = {
	"Gantt", "Compare", "Event loop", "Log", "Findings", "Help",
};

/* Initialise a view state: follow on, nothing selected, top of the list. */
void view_state_init(struct view_state *vs)
{
	memset(vs, 0, sizeof *vs);
	vs->follow = true;
	vs->sel_lane = -1;
	for (int i = 0; i <= FINDINGS_MAX; i++)
		vs->find_y[i] = -1;
}

/* Return the name of a view. */
const char *view_name(enum view_id v)
{
	return (int)v >= 0 && v < VIEW_COUNT ? view_names[v] : "?";
}

/* Parse a view name; returns 0 or -1. */
int view_parse(const char *name, enum view_id *out)
{
	for (int i = 0; i < VIEW_COUNT; i++)
		if (name && !strcmp(name, view_names[i])) {
			*out = (enum view_id)i;
			return 0;
		}
	return -1;
}

/* Describe the mode and its parameters ("threads x5 +gil 5ms"). */
static void view_frame_mode(const struct view_ctx *ctx, bool utf8, char *buf, size_t n)
{
	const struct cv_params *p = &ctx->s->params;
	int workers = params_workers(p);
	const char *times = view_sym(utf8, "×", "x");
	switch (p->mode) {
	case MODE_SEQ:
		snprintf(buf, n, "seq");
		break;
	case MODE_ASYNC:
		if (workers > 0)
			snprintf(buf, n, "async %s%d in flight", view_sym(utf8, "≤", "<="), workers);
		else
			snprintf(buf, n, "async all in flight");
		break;
	default:
		snprintf(buf, n, "%s %s%d", params_mode_name(p->mode), times, workers);
		break;
	}
	if (p->gil) {
		size_t l = strlen(buf);
		snprintf(buf + l, n - l, " +gil %gms", p->switch_ms);
	}
}

/* Describe the target: origin address, URL host, the cpu size, or what
 * guards the shared state (race, deadlock). */
static void view_frame_target(const struct view_ctx *ctx, char *buf, size_t n)
{
	const struct cv_params *p = &ctx->s->params;
	if (p->workload == WL_CPU) {
		snprintf(buf, n, "n=%llu", (unsigned long long)p->cpu_base);
	} else if (p->workload == WL_RACE) {
		snprintf(buf, n, p->lock ? "shared counter, locked" : "shared counter, no lock");
	} else if (p->workload == WL_DEADLOCK) {
		snprintf(buf, n, p->lock_order ? "2 locks in one order" : "2 locks, opposite orders");
	} else if (ctx->target && ctx->target[0]) {
		snprintf(buf, n, "%s", ctx->target);
	} else if (p->nurls > 0 && p->urls && p->urls[0]) {
		const char *h = strstr(p->urls[0], "://");
		h = h ? h + 3 : p->urls[0];
		size_t len = strcspn(h, "/?#");
		if (p->nurls > 1)
			snprintf(buf, n, "%.*s +%d urls", (int)(len > 40 ? 40 : len), h, p->nurls - 1);
		else
			snprintf(buf, n, "%.*s", (int)(len > 40 ? 40 : len), h);
	} else {
		/* the embedded origin: its address is in the task URLs */
		const char *t = ctx->s->ntasks ? session_task_name(ctx->s, 0) : "";
		const char *h = strstr(t, "://");
		size_t len = h ? strcspn(h + 3, "/?#") : 0;
		if (h)
			snprintf(buf, n, "origin %.*s", (int)(len > 48 ? 48 : len), h + 3);
		else
			snprintf(buf, n, "origin 127.0.0.1");
	}
}

/* Describe the sampling rate: achieved, and lowered from what was asked. */
static void view_frame_rate(const struct view_ctx *ctx, char *buf, size_t n)
{
	const struct tl_trace *t = ctx->tl ? &ctx->tl->trace : NULL;
	int asked = ctx->s->trace_hz;
	if (!t || !t->hz_n) {
		snprintf(buf, n, "%d Hz", asked);
		return;
	}
	int len = snprintf(buf, n, "%.0f Hz", t->hz_mhz / 1e3);
	if (t->hz_target && (int)t->hz_target < asked && len > 0 && (size_t)len < n)
		snprintf(buf + len, n - (size_t)len, " (lowered from %d)", asked);
}

/* Draw header line 1 of a traced program: command, pid, elapsed, rate,
 * threads and processes; LIVE or how it ended. */
static void view_frame_trace_title(struct canvas *c, int y, const struct view_ctx *ctx, int x)
{
	bool u = c->utf8;
	const char *sep = view_sym(u, " │ ", " | ");
	struct cv_summary sum;
	char right[96] = "", end[64], el[32], rate[64], line[512];
	stats_summarize(ctx->s, ctx->tl, &sum);
	stats_describe_end(&sum.end, end, sizeof end);
	size_t l = 0;
	if (ctx->recording)
		l += (size_t)snprintf(right, sizeof right, "%sREC  ", view_sym(u, "● ", "* "));
	if (ctx->vs && ctx->vs->paused)
		l += (size_t)snprintf(right + l, sizeof right - l, "PAUSED  ");
	if (ctx->replay)
		snprintf(right + l, sizeof right - l, "REPLAY %s%g", view_sym(u, "×", "x"), ctx->speed);
	else if (end[0])
		snprintf(right + l, sizeof right - l, "%s", end);
	else
		snprintf(right + l, sizeof right - l, "%s", ctx->live ? "LIVE" : "DONE");
	int rx = c->w - view_text_width(right);
	view_fmt_time(view_edge(ctx), 10000000, u, el, sizeof el);
	view_frame_rate(ctx, rate, sizeof rate);
	char tail[256];
	snprintf(tail, sizeof tail, "%spid %u%s%s%s%s%s%u thread%s, %u process%s", sep, sum.pid, sep,
		 el, sep, rate, sep, sum.threads, sum.threads == 1 ? "" : "s", sum.procs,
		 sum.procs == 1 ? "" : "es");
	int room = rx - x - 1;
	if (view_text_width(sep) + view_text_width(sum.command) + view_text_width(tail) > room)
		snprintf(tail, sizeof tail, "%spid %u%s%s%s%s%s%u thr, %u proc", sep, sum.pid, sep, el,
			 sep, rate, sep, sum.threads, sum.procs);
	/* shorten the command, not the figures after it */
	int keep = room - view_text_width(sep) - view_text_width(tail);
	if (view_text_width(sum.command) > keep) {
		if (keep < 8)
			keep = 8;
		snprintf(sum.command + (keep - 3 < (int)strlen(sum.command) ? keep - 3 : 0), 4, "...");
	}
	snprintf(line, sizeof line, "%s%s%s", sep, sum.command, tail);
	canvas_text(c, x, y, room > 0 ? room : 0, ROLE_HEADER, 0, line);
	bool bad = end[0] && strcmp(end, "exited 0") && strcmp(end, "detached");
	if (rx > x)
		canvas_text(c, rx, y, -1, ctx->recording || bad ? ROLE_WARN : ROLE_HEADER, ATTR_BOLD, right);
}

/* Draw header line 1: what runs, where, how long, and the run state. */
static void view_frame_title(struct canvas *c, int y, const struct view_ctx *ctx)
{
	bool u = c->utf8;
	const char *sep = view_sym(u, " │ ", " | ");
	canvas_fill(c, 0, y, c->w, 1, ' ', ROLE_HEADER, 0);
	int x = canvas_text(c, 0, y, -1, ROLE_TITLE, ATTR_BOLD, "concviz");
	if (ctx->s && view_traced(ctx)) {
		view_frame_trace_title(c, y, ctx, x);
		return;
	}
	/* the state indicators, right-aligned, drawn first so they survive */
	char right[96] = "";
	if (ctx->recording)
		snprintf(right, sizeof right, "%sREC  ", view_sym(u, "● ", "* "));
	size_t l = strlen(right);
	if (ctx->vs && ctx->vs->paused)
		snprintf(right + l, sizeof right - l, "PAUSED  ");
	l = strlen(right);
	if (ctx->replay)
		snprintf(right + l, sizeof right - l, "REPLAY %s%g", view_sym(u, "×", "x"), ctx->speed);
	else if (ctx->live && !ctx->done)
		snprintf(right + l, sizeof right - l, "LIVE");
	else if (ctx->done)
		snprintf(right + l, sizeof right - l, "DONE");
	else if (l >= 2)
		right[l - 2] = 0;
	int rx = c->w - view_text_width(right);
	if (!ctx->s) {
		canvas_text(c, x, y, -1, ROLE_DIM, 0, "  no run yet");
	} else {
		char mode[64], target[96], el[32], line[256];
		view_frame_mode(ctx, u, mode, sizeof mode);
		view_frame_target(ctx, target, sizeof target);
		view_fmt_time(view_edge(ctx), 10000000, u, el, sizeof el);
		snprintf(line, sizeof line, "%s%s%s%s %d tasks%s%s%s%s", sep, mode, sep,
			 params_workload_name(ctx->s->params.workload),
			 ctx->s->ntasks ? (int)ctx->s->ntasks : ctx->s->params.tasks, sep, el, sep, target);
		canvas_text(c, x, y, rx > x ? rx - x - 1 : 0, ROLE_HEADER, 0, line);
	}
	if (rx > x)
		canvas_text(c, rx, y, -1, ctx->recording ? ROLE_WARN : ROLE_HEADER, ATTR_BOLD, right);
}

/* Draw, from x on header line 2 of a traced program, the tasks it
 * reported (ended of all, failed) and the SDK's events it dropped or we
 * rejected, when there are any; returns where it stopped. */
static int view_frame_trace_tasks(struct canvas *c, int x, int y, const struct cv_summary *m)
{
	if (m->tasks)
		x += canvas_printf(c, x, y, -1, ROLE_TEXT, 0, "  tasks %u/%u", m->done + m->failed, m->tasks);
	if (m->failed)
		x += canvas_printf(c, x, y, -1, ROLE_WARN, ATTR_BOLD, " failed %u", m->failed);
	if (m->end.sdk_dropped)
		x += canvas_printf(c, x, y, -1, ROLE_WARN, ATTR_BOLD, "  SDK: %llu dropped",
				   (unsigned long long)m->end.sdk_dropped);
	if (m->end.sdk_rejected)
		x += canvas_printf(c, x, y, -1, ROLE_WARN, ATTR_BOLD, "%s%llu rejected",
				   m->end.sdk_dropped ? ", " : "  SDK: ",
				   (unsigned long long)m->end.sdk_rejected);
	return x;
}

/* Draw header line 2 of a traced program: a bar of the share of thread
 * time in each state, the shares, the CPU time, the tasks it reported. */
static void view_frame_trace_figures(struct canvas *c, int y, const struct view_ctx *ctx)
{
	static const struct { int st; const char *name; } shown[] = {
		{ ST_CPU, "cpu" }, { ST_READY, "ready" }, { ST_LOCK, "lock" }, { ST_IO, "io" },
		{ ST_POLL, "poll" }, { ST_IDLE, "idle" },
	};
	struct cv_summary sum;
	stats_summarize(ctx->s, ctx->tl, &sum);
	double all = 0;
	for (size_t i = 0; i < sizeof shown / sizeof *shown; i++)
		all += sum.state_s[shown[i].st];
	int bar = c->w >= 100 ? 30 : c->w >= 60 ? 16 : 0, x = 0;
	if (bar && all > 0) {
		canvas_put(c, x++, y, '[', ROLE_DIM, 0);
		double acc = 0;
		int used = 0;
		for (size_t i = 0; i < sizeof shown / sizeof *shown; i++) {
			acc += sum.state_s[shown[i].st];
			int upto = (int)(acc / all * bar + 0.5);
			int st = shown[i].st;
			canvas_fill(c, x + used, y, upto - used, 1, st == ST_IDLE ? glyph_get(GL_BAR_EMPTY, c->utf8)
				    : glyph_state(st, false, c->utf8), glyph_role(st), 0);
			used = upto;
		}
		x += bar;
		canvas_put(c, x++, y, ']', ROLE_DIM, 0);
	}
	/* the shares; the tasks the program reported matter more than the
	 * states it spent no time in: those go first when the line is short */
	int tw = sum.tasks ? snprintf(NULL, 0, "  tasks %u/%u failed %u", sum.done + sum.failed,
				      sum.tasks, sum.failed) : 0;
	if (sum.end.sdk_dropped || sum.end.sdk_rejected)
		tw += snprintf(NULL, 0, "  SDK: %llu dropped, %llu rejected",
			       (unsigned long long)sum.end.sdk_dropped, (unsigned long long)sum.end.sdk_rejected);
	int need = x + tw;
	for (size_t i = 0; i < sizeof shown / sizeof *shown && all > 0; i++)
		need += (int)strlen(shown[i].name) + 5;
	bool skip_zero = need > c->w;
	for (size_t i = 0; i < sizeof shown / sizeof *shown && all > 0; i++)
		if (!skip_zero || 100 * sum.state_s[shown[i].st] / all >= 0.5)
			x += canvas_printf(c, x, y, -1, ROLE_TEXT, 0, " %s %.0f%%", shown[i].name,
					   100 * sum.state_s[shown[i].st] / all);
	x = view_frame_trace_tasks(c, x, y, &sum);
	canvas_printf(c, x, y, -1, ROLE_DIM, 0, "%scpu time %.2fs", all > 0 ? "  " : " ", sum.cpu_s);
}

/* Draw header line 2: progress bar, done/total, tasks/s, utilisation, failed. */
static void view_frame_figures(struct canvas *c, int y, const struct view_ctx *ctx)
{
	if (!ctx->tl)
		return;
	if (ctx->s && view_traced(ctx)) {
		view_frame_trace_figures(c, y, ctx);
		return;
	}
	const struct tl_stats *st = &ctx->tl->stats;
	uint32_t total = ctx->s && ctx->s->ntasks ? ctx->s->ntasks : (uint32_t)ctx->tl->ntasks;
	uint32_t ended = st->done + st->failed;
	double secs = (double)view_edge(ctx) / 1e9;
	uint64_t busy = st->ns[ST_CPU] + st->ns[ST_IO] + st->ns[ST_LOCK] + st->ns[ST_CALLBACK];
	uint64_t all = 0;
	for (int s = ST_IDLE; s < ST_COUNT; s++)
		all += st->ns[s];
	char figs[160];
	int len = snprintf(figs, sizeof figs, " %u/%u  %.1f tasks/s  util %.0f%%", ended, total,
			   secs > 0 ? st->done / secs : 0.0, all ? 100.0 * (double)busy / (double)all : 0.0);
	int bar = c->w - len - (st->failed ? 11 : 0);
	if (bar > 40)
		bar = 40;
	int x = 0;
	if (bar >= 6) {
		int inner = bar - 2, full = total ? (int)((uint64_t)inner * ended / total) : 0;
		if (full > inner)
			full = inner;
		canvas_put(c, 0, y, '[', ROLE_DIM, 0);
		canvas_fill(c, 1, y, full, 1, glyph_get(GL_BAR_FULL, c->utf8), ROLE_BAR, 0);
		canvas_fill(c, 1 + full, y, inner - full, 1, glyph_get(GL_BAR_EMPTY, c->utf8), ROLE_DIM, 0);
		canvas_put(c, bar - 1, y, ']', ROLE_DIM, 0);
		x = bar;
	}
	x += canvas_text(c, x, y, -1, ROLE_TEXT, 0, figs);
	if (st->failed)
		canvas_printf(c, x + 2, y, -1, ROLE_WARN, ATTR_BOLD, "failed %u", st->failed);
	else if (c->w - x > 10)
		canvas_text(c, x + 2, y, -1, ROLE_GOOD, 0, "failed 0");
}

/* True when the run has a line of its own under the figures: the race
 * counter, or a deadlock (found, or looked for). */
static bool view_frame_has_sync(const struct view_ctx *ctx)
{
	if (!ctx->tl)
		return false;
	return ctx->tl->race.known || ctx->tl->deadlock.detected ||
	       (ctx->s && (ctx->s->params.workload == WL_RACE || ctx->s->params.workload == WL_DEADLOCK));
}

/* Draw the race counter: expected, now (or final), lost, and what l does. */
static void view_frame_race(struct canvas *c, int y, const struct view_ctx *ctx)
{
	const struct tl_race *r = &ctx->tl->race;
	bool over = ctx->done || r->ended;
	if (!r->known) {                              /* the run has not reported yet */
		canvas_text(c, 0, y, -1, ROLE_DIM, 0, "counter: starting");
		return;
	}
	int x = canvas_printf(c, 0, y, -1, ROLE_TEXT, 0, "counter: expected %llu, %s ",
			      (unsigned long long)r->expected, over ? "final" : "now");
	x += canvas_printf(c, x, y, -1, ROLE_TEXT, ATTR_BOLD, "%llu", (unsigned long long)r->final);
	x += canvas_text(c, x, y, -1, ROLE_TEXT, 0, ", ");
	if (r->lost)
		x += canvas_printf(c, x, y, -1, ROLE_WARN, ATTR_BOLD, "lost %llu update%s",
				   (unsigned long long)r->lost, r->lost == 1 ? "" : "s");
	else
		x += canvas_text(c, x, y, -1, over ? ROLE_GOOD : ROLE_TEXT, ATTR_BOLD, "lost 0");
	if (r->lost && r->expected)
		x += canvas_printf(c, x, y, -1, ROLE_WARN, 0, " (%.0f%%)", 100.0 * (double)r->lost /
				   (double)r->expected);
	bool locked = ctx->s && ctx->s->params.lock;
	if (locked && ctx->tl->stats.ns[ST_LOCK]) {   /* what the lock cost */
		char t[32];
		view_fmt_time((int64_t)ctx->tl->stats.ns[ST_LOCK], 0, c->utf8, t, sizeof t);
		x += canvas_printf(c, x, y, -1, ROLE_ST_LOCK, 0, "; lanes waited %s for the lock", t);
	} else if (locked) {
		x += canvas_text(c, x, y, -1, ROLE_DIM, 0, "; nobody waited for the lock");
	}
	if (ctx->s && !ctx->replay && ctx->s->params.workload == WL_RACE && c->w - x > 24)
		canvas_text(c, x + 3, y, -1, ROLE_DIM, 0, locked ? "l: take the lock away"
			    : "l: guard it with a lock");
}

/* Draw the deadlock: the cycle named (as long a form as fits), or that
 * there is none (yet). */
static void view_frame_deadlock(struct canvas *c, int y, const struct view_ctx *ctx)
{
	const struct tl_deadlock *d = &ctx->tl->deadlock;
	const struct cv_params *p = ctx->s ? &ctx->s->params : NULL;
	if (!d->detected) {
		if (!ctx->done)
			canvas_text(c, 0, y, -1, ROLE_DIM, 0, "deadlock: no waits-for cycle (yet)");
		else
			canvas_text(c, 0, y, -1, ROLE_GOOD, ATTR_BOLD,
				    p && p->mode == MODE_SEQ ? "no deadlock: one task at a time"
				    : p && p->lock_order ? "no deadlock: every task takes L1 before L2"
				    : "no deadlock");
		if (p && !ctx->replay && p->mode != MODE_SEQ && p->workload == WL_DEADLOCK)
			canvas_text(c, 46, y, -1, ROLE_DIM, 0, p->lock_order ? "l: opposite orders"
				    : "l: take the locks in one order");
		return;
	}
	char text[400], tail[64] = "";
	int x = canvas_text(c, 0, y, -1, ROLE_DEADLOCK, ATTR_BOLD, "DEADLOCK") + 1;
	snprintf(tail, sizeof tail, ctx->done ? " (seen in %.0f ms, run ended)" : " (seen in %.0f ms)",
		 (double)(d->t_detected - d->t_formed) / 1e6);
	int room = c->w - x, tw = view_text_width(tail);
	stats_cycle_text(ctx->s, ctx->tl, false, c->utf8, text, sizeof text);
	if (view_text_width(text) > room)
		stats_cycle_text(ctx->s, ctx->tl, true, c->utf8, text, sizeof text);
	if (view_text_width(text) > room)
		snprintf(text, sizeof text, "%u lanes wait for each other", d->n);
	x += canvas_text(c, x, y, -1, ROLE_WARN, ATTR_BOLD, text);
	if (tw <= c->w - x)
		canvas_text(c, x, y, -1, ROLE_DIM, 0, tail);
}

/* Draw the run's own line: a deadlock when there is one, else the race
 * counter (of a race run, even before its first report), else the search
 * for a deadlock. */
static void view_frame_sync(struct canvas *c, int y, const struct view_ctx *ctx)
{
	bool race = ctx->tl->race.known || (ctx->s && ctx->s->params.workload == WL_RACE);
	if (race && !ctx->tl->deadlock.detected)
		view_frame_race(c, y, ctx);
	else
		view_frame_deadlock(c, y, ctx);
}

/* Draw the tab bar naming the views; the current one reversed. */
static void view_frame_tabs(struct canvas *c, int y, enum view_id v)
{
	int x = 0;
	for (int i = 0; i < VIEW_HELP; i++) {
		bool cur = i == (int)v;
		x += canvas_printf(c, x, y, -1, cur ? ROLE_SELECT : ROLE_DIM, cur ? ATTR_REVERSE | ATTR_BOLD : 0,
				   " %s ", view_titles[i]);
		x += 1;
	}
	canvas_text(c, x + 1, y, -1, ROLE_DIM, 0, c->utf8 ? "(Tab ⇥ next view)" : "(Tab: next view)");
}

struct view_key {
	const char *key, *label, *shortl;
};

/* Draw the footer: the hotkeys, long labels if they fit, else short, then
 * dropping the last ones. */
static void view_frame_footer(struct canvas *c, int y, const struct view_ctx *ctx)
{
	bool u = c->utf8;
	const struct view_key live_keys[] = { /* in order of importance */
		{ "q", "quit", "quit" },         { "?", "help", "help" },
		{ "Tab", "view", "view" },       { "i", "findings", "find" },
		{ "1/2/3/0", "threads/async/procs/seq", "mode" }, { "s", "suggestion", "sug" },
		{ "spc", "pause", "pause" },     { "f", "fit", "fit" },
		{ "+/-", "zoom", "zoom" },       { view_sym(u, "←→", "<-/->"), "pan", "pan" },
		{ view_sym(u, "↑↓", "j/k"), "lanes", "lanes" }, { "r", "rerun", "rerun" },
		{ "w", "workload", "wl" },       { "l", "lock", "lock" },
		{ "g", "gil", "gil" },           { "R", "record", "rec" },
	};
	const struct view_key replay_keys[] = {
		{ "q", "quit", "quit" },         { "?", "help", "help" },
		{ "Tab", "view", "view" },       { "i", "findings", "find" },
		{ "spc", "play/pause", "play" },
		{ "< >", "speed", "speed" },     { ".", "step", "step" },
		{ "Home/End", "seek", "seek" },  { view_sym(u, "←→", "<-/->"), "scrub", "scrub" },
		{ "+/-", "zoom", "zoom" },       { view_sym(u, "↑↓", "j/k"), "lanes", "lanes" },
		{ "f", "fit", "fit" },
	};
	const struct view_key trace_keys[] = {
		{ "q", ctx->s && !ctx->s->argc ? "detach" : ctx->done ? "quit" : "end+quit", "quit" },
		{ "?", "help", "help" },         { "Tab", "view", "view" },
		{ "spc", "pause", "pause" },     { "f", "fit", "fit" },
		{ "+/-", "zoom", "zoom" },       { view_sym(u, "←→", "h/l"), "pan", "pan" },
		{ view_sym(u, "↑↓", "j/k"), "lanes", "lanes" }, { "click", "details", "info" },
		{ "R", "record", "rec" },
	};
	const struct view_key *k = ctx->replay ? replay_keys : view_traced(ctx) ? trace_keys : live_keys;
	int nk = ctx->replay ? (int)(sizeof replay_keys / sizeof *k)
	       : view_traced(ctx) ? (int)(sizeof trace_keys / sizeof *k) : (int)(sizeof live_keys / sizeof *k);
	canvas_fill(c, 0, y, c->w, 1, ' ', ROLE_FOOTER, 0);
	int need = -2;
	for (int i = 0; i < nk; i++)
		need += view_text_width(k[i].key) + 1 + view_text_width(k[i].label) + 2;
	bool shortl = need > c->w;
	int x = 0;
	for (int i = 0; i < nk; i++) {
		const char *lab = shortl ? k[i].shortl : k[i].label;
		if (x + view_text_width(k[i].key) + 1 + view_text_width(lab) > c->w)
			break;
		x += canvas_text(c, x, y, -1, ROLE_KEY, ATTR_BOLD, k[i].key);
		x += canvas_text(c, x + 1, y, -1, ROLE_FOOTER, 0, lab) + (shortl ? 2 : 3);
	}
}

/* Draw the most important finding on the status line ("done: " first when
 * the run is over); false when there is none. */
static bool view_frame_top_finding(struct canvas *c, int y, const struct view_ctx *ctx)
{
	const struct finding *f = findings_top(ctx->findings);
	if (!f || (!ctx->live && !ctx->done))
		return false;
	int role = f->severity == FINDING_WARN ? ROLE_WARN : ROLE_GOOD;
	int x = ctx->done ? canvas_text(c, 0, y, -1, ROLE_GOOD, 0, "done: ") : 0;
	x += canvas_printf(c, x, y, -1, role, ATTR_BOLD, "%s", f->id);
	canvas_printf(c, x, y, -1, role, 0, ": %s", f->text);
	return true;
}

/* Draw the status line: the message, else the selected span's detail, else
 * the top finding, else the summary of a finished run. */
static void view_frame_status(struct canvas *c, int y, const struct view_ctx *ctx)
{
	char buf[512];
	if (ctx->message && ctx->message[0])
		canvas_text(c, 0, y, -1, ROLE_WARN, 0, ctx->message);
	else if (ctx->vs && ctx->vs->sel_lane >= 0 &&
		 view_detail(ctx, ctx->vs->sel_lane, ctx->vs->sel_t, buf, sizeof buf))
		canvas_text(c, 0, y, -1, ROLE_SELECT, 0, buf);
	else if (view_frame_top_finding(c, y, ctx))
		return;
	else if (ctx->done && ctx->s && ctx->tl) {
		/* the run is over: its summary, as `run --no-ui` prints it */
		struct cv_summary sum;
		char line[256];
		stats_summarize(ctx->s, ctx->tl, &sum);
		stats_format_line(line, sizeof line, &sum);
		int x = canvas_printf(c, 0, y, -1, ROLE_GOOD, 0, "done: %s", line);
		if (ctx->tl->stall_ns)
			canvas_printf(c, x, y, -1, ROLE_DIM, 0, "; producers waited %.1f ms on a full ring",
				      (double)ctx->tl->stall_ns / 1e6);
	} else if (ctx->tl && ctx->tl->stall_ns)
		canvas_printf(c, 0, y, -1, ROLE_DIM, 0, "producers waited %.1f ms on a full event ring",
			      (double)ctx->tl->stall_ns / 1e6);
}

/* Draw the whole screen of view v into c. */
void view_draw(struct canvas *c, enum view_id v, const struct view_ctx *ctx)
{
	canvas_clear(c);
	if (c->w <= 0 || c->h <= 0 || !ctx)
		return;
	if ((int)v < 0 || v >= VIEW_COUNT)
		v = VIEW_GANTT;
	bool help = v == VIEW_HELP || (ctx->vs && ctx->vs->help);
	bool chrome = !ctx->no_chrome;
	int h = c->h, top = 0, bottom = h;
	bool figures = h >= 5, footer = chrome && h >= 3, status = chrome && h >= 8,
	     tabs = chrome && h >= 10, sync = h >= 7 && view_frame_has_sync(ctx);
	view_frame_title(c, top++, ctx);
	if (figures)
		view_frame_figures(c, top++, ctx);
	if (sync)
		view_frame_sync(c, top++, ctx);
	if (tabs)
		view_frame_tabs(c, top++, help ? VIEW_HELP : v);
	if (footer)
		view_frame_footer(c, --bottom, ctx);
	if (status)
		view_frame_status(c, --bottom, ctx);
	struct view_rect r = { 0, top, c->w, bottom - top };
	if (r.h <= 0)
		return;
	if (help) {
		view_help_body(c, r, ctx);
		return;
	}
	switch (v) {
	case VIEW_COMPARE: view_compare_body(c, r, ctx); break;
	case VIEW_LOOP: view_loop_body(c, r, ctx); break;
	case VIEW_LOG: view_log_body(c, r, ctx); break;
	case VIEW_FINDINGS: view_findings_body(c, r, ctx); break;
	default: view_gantt_body(c, r, ctx); break;
	}
}

/* Return the rows view v needs at width w to show everything without scrolling. */
int view_rows_needed(enum view_id v, const struct view_ctx *ctx, int w)
{
	int frame = 2 + (ctx->no_chrome ? 0 : 3) + view_frame_has_sync(ctx);
	switch (v) {
	case VIEW_COMPARE: return frame + view_compare_rows(ctx);
	case VIEW_LOOP: return frame + view_loop_rows(ctx);
	case VIEW_GANTT: return frame + view_gantt_rows(ctx);
	case VIEW_FINDINGS: return frame + view_findings_rows(ctx, w);
	case VIEW_LOG: return view_traced(ctx) ? frame + view_log_rows(ctx) : 24;
	default: return 24;
	}
}
