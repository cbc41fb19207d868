/*
 * view_log.c - the Log view: the newest raw events, one per line, newest first.
 *
 * Reads the timeline's ring of recent events (timeline_recent, up to
 * TL_RECENT); vs->log_top scrolls back into older ones. Each line: time
 * since the start, lane name, event kind, task number and name, and what the
 * event carries (bytes and HTTP status, failure reason, pid, signal, the
 * lock and its holder, the race counter).
 *
 * A traced program's Log is its output (the timeline's transcript) and the
 * tasks it reported (the tasklog: queued, begun, ended, failed, its marks,
 * the SDK's counts), merged by time: the newest lines at the bottom, as a
 * terminal would show them, stderr marked; vs->log_top scrolls back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "locks.h"
#include "tasklog.h"
#include "view_body.h"

/* Describe a lock or race event into buf ("waits for L2 held by thread 2",
 * "read 517, as thread 1 did: an update is lost"). */
static void log_sync(const struct view_ctx *ctx, const struct cv_event *ev, char *buf, size_t n)
{
	char lock[24], who[64];
	locks_name(ev->aux, lock, sizeof lock);
	switch (ev->kind) {
	case EV_LOCK_WAIT:
		if (ev->arg && ev->arg <= UINT32_MAX)
			snprintf(buf, n, "waits for %s held by %s", lock,
				 view_lane_name(ctx, (int)ev->arg - 1, who, sizeof who));
		else
			snprintf(buf, n, "waits for %s (holder unknown)", lock);
		break;
	case EV_LOCK_TAKE:
		snprintf(buf, n, "takes %s", lock);
		break;
	case EV_LOCK_FREE:
		snprintf(buf, n, "releases %s", lock);
		break;
	default:                                      /* EV_RACE */
		if (ev->code == RACE_PLAN)
			snprintf(buf, n, "the counter should reach %llu", (unsigned long long)ev->arg);
		else if (ev->code == RACE_LOSS && ev->aux && ev->aux - 1 != ev->lane)
			snprintf(buf, n, "read %llu, as %s did: an update is lost", (unsigned long long)ev->arg,
				 view_lane_name(ctx, (int)ev->aux - 1, who, sizeof who));
		else if (ev->code == RACE_LOSS)
			snprintf(buf, n, "read %llu again: its update was lost", (unsigned long long)ev->arg);
		else if (ev->code == RACE_VALUE)
			snprintf(buf, n, "added %u; the counter is %llu", ev->aux, (unsigned long long)ev->arg);
		else if (ev->code == RACE_FINAL)
			snprintf(buf, n, "final %llu after %u increments: %llu lost", (unsigned long long)ev->arg,
				 ev->aux, (unsigned long long)(ev->aux > ev->arg ? ev->aux - ev->arg : 0));
		break;
	}
}

/* Describe what ev carries into buf ("10.0 KiB HTTP 200", "timeout"). */
static void log_extra(const struct view_ctx *ctx, const struct cv_event *ev, char *buf, size_t n)
{
	char by[32];
	buf[0] = 0;
	switch (ev->kind) {
	case EV_TASK_END:
		if (ev->code)
			snprintf(buf, n, "%s  HTTP %u", view_fmt_bytes(ev->arg, by, sizeof by), ev->code);
		else if (ev->arg)
			snprintf(buf, n, "%s", view_fmt_bytes(ev->arg, by, sizeof by));
		break;
	case EV_TASK_FAIL:
		if (ev->code)
			snprintf(buf, n, "FAILED %s  HTTP %u", event_fail_name(ev->aux), ev->code);
		else
			snprintf(buf, n, "FAILED %s", event_fail_name(ev->aux));
		break;
	case EV_LANE_START:
		if (ev->arg)
			snprintf(buf, n, "pid %llu", (unsigned long long)ev->arg);
		break;
	case EV_LANE_CRASH:
		snprintf(buf, n, "died: status/signal %llu", (unsigned long long)ev->arg);
		break;
	case EV_MARK:
		if (ev->aux == MARK_DEADLOCK)
			snprintf(buf, n, "deadlock found: %llu lanes wait for each other",
				 (unsigned long long)ev->arg);
		else
			snprintf(buf, n, "%s", ev->aux == MARK_RUN_BEGIN ? "run begins"
				      : ev->aux == MARK_RUN_END ? "run ends" : "mark");
		break;
	case EV_LOCK_WAIT: case EV_LOCK_TAKE: case EV_LOCK_FREE: case EV_RACE:
		log_sync(ctx, ev, buf, n);
		break;
	default:
		break;
	}
}

/* Describe a tasklog entry into buf: what it says, and its role. */
static int log_task_text(const struct view_ctx *ctx, const struct tasklog_entry *e, char *buf,
			 size_t n)
{
	char lane[64], name[128], by[32];
	const char *tname = e->task != CV_NO_TASK && ctx->s ? session_task_name(ctx->s, e->task) : "";
	view_lane_name(ctx, (int)e->lane, lane, sizeof lane);
	switch (e->kind) {
	case EV_USER_MARK:
		tasklog_name(ctx->tl, e->arg, e->aux, name, sizeof name);
		snprintf(buf, n, "%s  (%s%s%s)", name, lane, tname[0] ? ", " : "", tname);
		return ROLE_TITLE;
	case EV_MARK:
		if (e->aux == MARK_SDK_DROPPED)
			snprintf(buf, n, "%llu events dropped so far (the program's buffer was full)",
				 (unsigned long long)e->arg);
		else if (e->aux == MARK_SDK_REJECTED)
			snprintf(buf, n, "%llu malformed records rejected so far", (unsigned long long)e->arg);
		else if (e->aux == MARK_SDK_LATE)
			snprintf(buf, n, "%llu records came late (moved up to %u ms)",
				 (unsigned long long)e->arg, e->code);
		else if (e->aux == MARK_SDK_OFF)
			snprintf(buf, n, "the transport could not be set up: no task events");
		else
			snprintf(buf, n, "the Python task tracer %s",
				 e->code == MARK_PY_ON ? "injected"
				 : e->code == MARK_PY_OFF ? "not injected (--no-python)"
				 : "not found: no Python tasks");
		return e->aux == MARK_SDK_PYTHON && e->code == MARK_PY_ON ? ROLE_DIM : ROLE_WARN;
	default:
		break;
	}
	int len = snprintf(buf, n, "%-11s %s", event_kind_name(e->kind), tname);
	if (len > 0 && (size_t)len < n && strcmp(lane, tname))
		len += snprintf(buf + len, n - (size_t)len, "  (%s)", lane);
	if (len > 0 && (size_t)len < n && e->kind == EV_TASK_FAIL)
		snprintf(buf + len, n - (size_t)len, "  FAILED %s", event_fail_name(e->aux));
	else if (len > 0 && (size_t)len < n && e->kind == EV_TASK_END && e->arg)
		snprintf(buf + len, n - (size_t)len, "  %s", view_fmt_bytes(e->arg, by, sizeof by));
	return e->kind == EV_TASK_FAIL ? ROLE_WARN : ROLE_TEXT;
}

/* One line of a traced program's Log: an output line or a tasklog entry. */
struct log_row {
	const struct transcript_line *out;
	const struct tasklog_entry *task;
};

/* Fill rows (at most max) with the Log's lines newest first, after skipping
 * the `skip` newest: output and task events merged by time. Returns how many. */
static int log_rows(const struct view_ctx *ctx, size_t skip, struct log_row *rows, int max)
{
	const struct transcript *tr = &ctx->tl->out;
	size_t no = transcript_count(tr), nt = tasklog_count(ctx->tl), i = 0, j = 0;
	int n = 0;
	while ((i < no || j < nt) && n < max) {
		const struct transcript_line *l = i < no ? transcript_line(tr, i) : NULL;
		const struct tasklog_entry *e = j < nt ? tasklog_get(ctx->tl, j) : NULL;
		struct log_row row = { NULL, NULL };
		if (l && (!e || l->t >= e->t)) {
			row.out = l;
			i++;
		} else {
			row.task = e;
			j++;
		}
		if (skip)
			skip--;
		else
			rows[n++] = row;
	}
	return n;
}

/* Draw a traced program's output and tasks into r: time, stream, text;
 * newest last. */
static void log_output(struct canvas *c, struct view_rect r, const struct view_ctx *ctx)
{
	const struct transcript *tr = ctx->tl ? &ctx->tl->out : NULL;
	size_t count = tr ? transcript_count(tr) + tasklog_count(ctx->tl) : 0;
	int y = r.y, rows = r.h - 1;
	canvas_printf(c, r.x, y++, r.w, ROLE_TITLE, ATTR_BOLD, "%10s  %-4s %s", "time", "what",
		      "the program's output (stdout, stderr) and the tasks it reported");
	if (rows <= 0)
		return;
	if (count == 0) {
		view_wrap(c, (struct view_rect){ r.x, y, r.w, rows }, ROLE_DIM,
			  ctx->done || ctx->replay ? "The program wrote nothing here (headless traces pass "
			  "its output through unless they record it) and reported no task."
						   : "No output yet: what the program writes to stdout "
						     "and stderr, and the tasks it reports, show here.");
		return;
	}
	int top = ctx->vs ? ctx->vs->log_top : 0;
	if (top > (long)count - rows)
		top = (int)count - rows;
	if (top < 0)
		top = 0;
	if (ctx->vs)
		ctx->vs->log_top = top;
	struct log_row some[256], *win = rows > 256 ? malloc((size_t)rows * sizeof *win) : NULL;
	if (!win)
		win = some;
	int n = log_rows(ctx, (size_t)top, win, win == some && rows > 256 ? 256 : rows);
	for (int i = 0; i < n; i++) {                 /* oldest of the window first */
		const struct log_row *row = &win[n - 1 - i];
		char text[TRANSCRIPT_COLS + 1];
		int role, x;
		if (row->out) {
			const struct transcript_line *l = row->out;
			memcpy(text, l->text, l->len);
			text[l->len] = 0;
			x = r.x + canvas_printf(c, r.x, y + i, r.w, ROLE_DIM, 0, "%9.3fs  %-4s ",
						(double)l->t / 1e9, l->fd == 2 ? "err" : "out");
			role = l->fd == 2 ? ROLE_WARN : ROLE_TEXT;
		} else {
			role = log_task_text(ctx, row->task, text, sizeof text);
			x = r.x + canvas_printf(c, r.x, y + i, r.w, ROLE_DIM, 0, "%9.3fs  %-4s ",
						(double)row->task->t / 1e9,
						row->task->kind == EV_MARK ? "sdk"
						: row->task->kind == EV_USER_MARK ? "mark" : "task");
		}
		canvas_text(c, x, y + i, r.x + r.w - x, role, 0, text);
	}
	if (win != some)
		free(win);
}

/* Rows the Log of a traced program needs to show every line it keeps. */
int view_log_rows(const struct view_ctx *ctx)
{
	if (!ctx->tl)
		return 2;
	size_t n = transcript_count(&ctx->tl->out) + tasklog_count(ctx->tl);
	return 1 + (n ? (int)n : 1);
}

/* Draw the Log body into r. */
void view_log_body(struct canvas *c, struct view_rect r, const struct view_ctx *ctx)
{
	if (view_traced(ctx) && r.h > 0) {
		log_output(c, r, ctx);
		return;
	}
	const struct timeline *tl = ctx->tl;
	size_t count = tl ? timeline_recent_count(tl) : 0;
	int y = r.y, rows = r.h - 1;
	if (r.h <= 0)
		return;
	if (rows <= 0) { /* no room for the column titles */
		rows = r.h;
	} else {
		canvas_printf(c, r.x, y++, r.w, ROLE_TITLE, ATTR_BOLD, "%10s  %-12s %-11s %-6s %s", "time",
			      "lane", "event", "task", "detail");
	}
	int top = ctx->vs ? ctx->vs->log_top : 0;
	if (top > (long)count - rows)
		top = (int)count - rows;
	if (top < 0)
		top = 0;
	if (ctx->vs)
		ctx->vs->log_top = top;
	if (count == 0) {
		canvas_text(c, r.x, y, r.w, ROLE_DIM, 0, "no events yet");
		return;
	}
	for (int i = 0; i < rows && (size_t)(top + i) < count; i++, y++) {
		const struct cv_event *ev = timeline_recent(tl, (size_t)(top + i));
		char t[32], lane[64], task[16], extra[128], line[512];
		int64_t rel = (int64_t)(ev->t - tl->origin);
		snprintf(t, sizeof t, "%.6fs", (double)rel / 1e9);
		if (ev->kind == EV_MARK || (ev->kind == EV_RACE && (ev->code == RACE_PLAN ||
									 ev->code == RACE_FINAL)))
			snprintf(lane, sizeof lane, "run");
		else
			view_lane_name(ctx, (int)ev->lane, lane, sizeof lane);
		if (ev->task == CV_NO_TASK)
			snprintf(task, sizeof task, "-");
		else
			snprintf(task, sizeof task, "%u", ev->task + 1);
		log_extra(ctx, ev, extra, sizeof extra);
		const char *tname = ev->task != CV_NO_TASK && ctx->s ? session_task_name(ctx->s, ev->task) : "";
		snprintf(line, sizeof line, "%10s  %-12.12s %-11s %-6s %s%s%s", t, lane,
			 event_kind_name(ev->kind), task, extra, extra[0] && tname[0] ? "  " : "", tname);
		int role = ev->kind == EV_TASK_FAIL || ev->kind == EV_LANE_CRASH ||
			   (ev->kind == EV_RACE && ev->code == RACE_LOSS) ? ROLE_WARN
			 : ev->kind == EV_MARK && ev->aux == MARK_DEADLOCK ? ROLE_DEADLOCK
			 : ev->kind == EV_MARK ? ROLE_TITLE : ROLE_TEXT;
		canvas_text(c, r.x, y, r.w, role, 0, line);
	}
}
