/*
 * export_chrome.c - a run as Chrome Trace Event JSON, for Perfetto
 * (ui.perfetto.dev) and chrome://tracing.
 *
 * Layout: {"traceEvents":[...],"displayTimeUnit":"ms","otherData":{...}}.
 * The run is process 1 (process_name "concviz <mode> <workload>"); lane l
 * is thread l + 1 (thread_name = the lane's name, sorted in lane order).
 * Each span that is not idle becomes a complete event: name and cat are the
 * state ("cpu", "io", "gil-wait" or "lock-wait", "queued", "poll", "callback"), ts and dur
 * are microseconds printed from integer nanoseconds with three decimals
 * (exact, so ts + dur of a span is the next span's ts: no overlap), args
 * name the task (index, URL or job, bytes, HTTP status, failure reason).
 * A lost update (race) and each lane's wait in a deadlock cycle add instant
 * events too ("lost update", "deadlock").
 * A failed task adds an instant event ("ph":"i","s":"t") at its end on its
 * lane, and a crashed lane one at its end; a traced program's own marks
 * (cvz_mark) are instant events named by the mark (cat "mark").
 *
 * A traced program (mode trace) keeps its own ids: each traced process is
 * a process (pid = its pid, named "comm pid" after its first lane) and each
 * thread a thread (tid = its tid), so Perfetto groups them as `top` would.
 */
#include "export.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "event.h"
#include "locks.h"
#include "params.h"
#include "racetally.h"
#include "stats.h"
#include "tasklog.h"

#ifndef CV_VERSION
#define CV_VERSION "dev"
#endif

/* Write ns as microseconds with exactly three decimals ("-12.345"). */
static void put_us(FILE *f, int64_t ns)
{
	uint64_t a = ns < 0 ? 0 - (uint64_t)ns : (uint64_t)ns;
	if (ns < 0)
		putc_unlocked('-', f);
	export_put_u64(f, a / 1000);
	char frac[4] = { '.', (char)('0' + a / 100 % 10), (char)('0' + a / 10 % 10),
			 (char)('0' + a % 10) };
	fwrite_unlocked(frac, 1, sizeof frac, f);
}

/* Write a double with up to 6 significant decimals (JSON-safe). */
static void put_num(FILE *f, double d)
{
	fprintf(f, "%.6g", d == d ? d : 0);
}

/* The Chrome pid of lane l: the traced process, else 1 (the run). */
static uint64_t lane_pid(const struct session *s, size_t l)
{
	if (s->params.mode == MODE_TRACE && l < s->nlanes && s->lanes[l].pid)
		return s->lanes[l].pid;
	return 1;
}

/* The Chrome tid of lane l: the traced thread, else l + 1. */
static uint64_t lane_tid(const struct session *s, size_t l)
{
	if (s->params.mode == MODE_TRACE && l < s->nlanes && s->lanes[l].tid)
		return s->lanes[l].tid;
	return l + 1;
}

/* Write ",\"pid\":P,\"tid\":T" for lane l. */
static void put_ids(FILE *f, const struct session *s, size_t l)
{
	fputs_unlocked(",\"pid\":", f);
	export_put_u64(f, lane_pid(s, l));
	fputs_unlocked(",\"tid\":", f);
	export_put_u64(f, lane_tid(s, l));
}

/* Write a process_name event for each traced process (named after its first
 * lane: "comm pid"); returns how many. */
static size_t put_processes(FILE *f, const struct session *s, size_t nlanes)
{
	size_t n = 0;
	for (size_t l = 0; l < nlanes && l < s->nlanes; l++) {
		uint64_t pid = lane_pid(s, l);
		bool seen = false;
		for (size_t k = 0; k < l && !seen; k++)
			seen = lane_pid(s, k) == pid;
		if (seen)
			continue;
		char name[64];
		const char *ln = session_lane_name(s, (uint32_t)l), *sp = strrchr(ln, ' ');
		snprintf(name, sizeof name, "%.*s %llu", sp ? (int)(sp - ln) : (int)strlen(ln), ln,
			 (unsigned long long)pid);
		fputs_unlocked(n++ ? ",\n{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":"
			       : "{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":", f);
		export_put_u64(f, pid);
		fputs_unlocked(",\"tid\":0,\"args\":{\"name\":", f);
		stats_json_string(f, name);
		fputs_unlocked("}}", f);
	}
	return n;
}

/* Write "name" and the process / thread metadata events. */
static void put_metadata(FILE *f, const struct session *s, size_t nlanes)
{
	char pname[96];
	snprintf(pname, sizeof pname, "concviz %s %s%s", params_mode_name(s->params.mode),
		 params_workload_name(s->params.workload), s->params.gil ? " gil" : "");
	if (s->params.mode != MODE_TRACE || !put_processes(f, s, nlanes)) {
		fputs_unlocked("{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":1,\"tid\":0,\"args\":{\"name\":", f);
		stats_json_string(f, pname);
		fputs_unlocked("}}", f);
	}
	for (size_t l = 0; l < nlanes; l++) {
		const char *name = session_lane_name(s, (uint32_t)l);
		char fallback[32];
		if (!*name) {
			snprintf(fallback, sizeof fallback, "lane %zu", l);
			name = fallback;
		}
		fputs_unlocked(",\n{\"name\":\"thread_name\",\"ph\":\"M\"", f);
		put_ids(f, s, l);
		fputs_unlocked(",\"args\":{\"name\":", f);
		stats_json_string(f, name);
		fputs_unlocked("}},\n{\"name\":\"thread_sort_index\",\"ph\":\"M\"", f);
		put_ids(f, s, l);
		fputs_unlocked(",\"args\":{\"sort_index\":", f);
		export_put_u64(f, l);
		fputs_unlocked("}}", f);
	}
}

/* Write the args object of a span or failure of task t (may be none). */
static void put_task_args(FILE *f, const struct session *s, const struct timeline *tl, uint32_t t)
{
	fputs_unlocked(",\"args\":{\"task\":", f);
	export_put_u64(f, t);
	if (s->params.workload == WL_IO) {
		fputs_unlocked(",\"url\":", f);
		stats_json_string(f, session_task_name(s, t));
	} else {
		fputs_unlocked(",\"name\":", f);
		stats_json_string(f, session_task_name(s, t));
		if (s->params.workload == WL_CPU) {
			fputs_unlocked(",\"n\":", f);
			export_put_u64(f, s->params.cpu_base + t);
		}
	}
	if (t < tl->ntasks) {
		const struct tl_task *tk = &tl->tasks[t];
		if (tk->state == TASK_DONE || tk->state == TASK_FAILED) {
			fputs_unlocked(",\"bytes\":", f);
			export_put_u64(f, tk->bytes);
			if (tk->status) {
				fputs_unlocked(",\"status\":", f);
				export_put_u64(f, tk->status);
			}
		}
		if (tk->state == TASK_FAILED) {
			fputs_unlocked(",\"failed\":true,\"reason\":\"", f);
			fputs_unlocked(event_fail_name(tk->reason), f);
			putc_unlocked('"', f);
		}
	}
	putc_unlocked('}', f);
}

/* Write the complete events of lane l's non-idle spans. */
static void put_spans(FILE *f, const struct session *s, const struct timeline *tl, size_t l)
{
	const struct tl_lane *ln = &tl->lanes[l];
	for (size_t i = 0; i < ln->n; i++) {
		const struct tl_span *sp = tl_span_at(ln, i);
		if (sp->state == ST_NONE || sp->state == ST_IDLE)
			continue;
		int64_t end = timeline_span_end(tl, l, i);
		const char *name = timeline_state_name_in(sp->state, s->params.gil);
		fputs_unlocked(",\n{\"name\":\"", f);
		fputs_unlocked(name, f);
		fputs_unlocked("\",\"cat\":\"", f);
		fputs_unlocked(name, f);
		fputs_unlocked("\",\"ph\":\"X\"", f);
		put_ids(f, s, l);
		fputs_unlocked(",\"ts\":", f);
		put_us(f, sp->t0);
		fputs_unlocked(",\"dur\":", f);
		put_us(f, end - sp->t0);
		if (sp->failed)
			fputs_unlocked(",\"cname\":\"terrible\"", f);
		if (sp->task != CV_NO_TASK)
			put_task_args(f, s, tl, sp->task);
		putc_unlocked('}', f);
	}
	if (ln->crashed && ln->end >= 0) {
		fputs_unlocked(",\n{\"name\":\"lane crashed\",\"cat\":\"failure\",\"ph\":\"i\",\"s\":\"t\"", f);
		put_ids(f, s, l);
		fputs_unlocked(",\"ts\":", f);
		put_us(f, ln->end);
		putc_unlocked('}', f);
	}
}

/* Write an instant event for every failed task, on the lane it ran on. */
static void put_failures(FILE *f, const struct session *s, const struct timeline *tl)
{
	for (size_t t = 0; t < tl->ntasks; t++) {
		const struct tl_task *tk = &tl->tasks[t];
		if (tk->state != TASK_FAILED || tk->t_end < 0)
			continue;
		fputs_unlocked(",\n{\"name\":\"failed: ", f);
		fputs_unlocked(event_fail_name(tk->reason), f);
		fputs_unlocked("\",\"cat\":\"failure\",\"ph\":\"i\",\"s\":\"t\"", f);
		if (tk->lane == UINT32_MAX)
			fputs_unlocked(",\"pid\":1,\"tid\":0", f);
		else
			put_ids(f, s, tk->lane);
		fputs_unlocked(",\"ts\":", f);
		put_us(f, tk->t_end);
		put_task_args(f, s, tl, (uint32_t)t);
		putc_unlocked('}', f);
	}
}

/* Write the start of an instant event "name" (category cat) on lane l at
 * time t, up to its open args object; the caller writes the args and "}}". */
static void put_instant(FILE *f, const char *name, const char *cat, size_t l, int64_t t)
{
	fprintf(f, ",\n{\"name\":\"%s\",\"cat\":\"%s\",\"ph\":\"i\",\"s\":\"t\",\"pid\":1,\"tid\":",
		name, cat);
	export_put_u64(f, (uint64_t)l + 1);
	fputs_unlocked(",\"ts\":", f);
	put_us(f, t);
	fputs_unlocked(",\"args\":{", f);
}

/* Write the race's lost updates and the deadlock's waits as instant
 * events: "lost update" where a lane read a value another had read too, and
 * "deadlock" on each lane of the cycle when it formed, naming the lock it
 * waits for and the lane that holds it. */
static void put_sync(FILE *f, const struct session *s, const struct timeline *tl)
{
	char lock[24], lane[48];
	for (size_t l = 0; tl->race_marks && l < tl->nlanes; l++) {
		const struct lanemark *m;
		size_t n = racetally_losses(tl, (uint32_t)l, INT64_MIN, INT64_MAX, &m);
		for (size_t i = 0; i < n; i++) {
			put_instant(f, "lost update", "race", l, m[i].t);
			fprintf(f, "\"value\":%llu,\"also_read_by\":%u}}", (unsigned long long)m[i].a,
				m[i].b ? m[i].b : (uint32_t)l + 1);   /* a tid, like the lanes' */
		}
	}
	const struct tl_deadlock *d = &tl->deadlock;
	uint32_t kept = d->n < TL_CYCLE_MAX ? d->n : TL_CYCLE_MAX;
	for (uint32_t i = 0; d->detected && i < kept; i++) {
		uint32_t next = d->lanes[(i + 1) % kept];
		const char *name = session_lane_name(s, next);
		if (!name[0])
			snprintf(lane, sizeof lane, "lane %u", next + 1);
		put_instant(f, "deadlock", "deadlock", d->lanes[i], d->t_formed);
		fputs_unlocked("\"waits_for\":", f);
		stats_json_string(f, locks_name(d->locks[i], lock, sizeof lock));
		fputs_unlocked(",\"held_by\":", f);
		stats_json_string(f, name[0] ? name : lane);
		fputs_unlocked("}}", f);
	}
}

/* Write the program's own marks as instant events on their lanes. */
static void put_marks(FILE *f, const struct session *s, const struct timeline *tl)
{
	char name[CV_NAME_MAX + 1];
	for (size_t l = 0; tasklog_mark_count(tl) && l < tl->nlanes; l++) {
		const struct lanemark *m;
		size_t n = tasklog_marks(tl, (uint32_t)l, INT64_MIN, INT64_MAX, &m);
		for (size_t i = 0; i < n; i++) {
			fputs_unlocked(",\n{\"name\":", f);
			stats_json_string(f, tasklog_name(tl, m[i].a, m[i].b, name, sizeof name));
			fputs_unlocked(",\"cat\":\"mark\",\"ph\":\"i\",\"s\":\"t\"", f);
			put_ids(f, s, l);
			fputs_unlocked(",\"ts\":", f);
			put_us(f, m[i].t);
			if (m[i].c != CV_NO_TASK)
				put_task_args(f, s, tl, m[i].c);
			putc_unlocked('}', f);
		}
	}
}

/* Write the run's parameters as the otherData object. */
static void put_other(FILE *f, const struct session *s, const struct timeline *tl)
{
	const struct cv_params *p = &s->params;
	fputs_unlocked("\"otherData\":{\"exported_by\":\"concviz " CV_VERSION "\",\"mode\":", f);
	stats_json_string(f, params_mode_name(p->mode));
	fputs_unlocked(",\"workload\":", f);
	stats_json_string(f, params_workload_name(p->workload));
	fprintf(f, ",\"workers\":%d,\"tasks\":%d,\"gil\":%s,\"switch_ms\":", p->workers, p->tasks,
		p->gil ? "true" : "false");
	put_num(f, p->switch_ms);
	if (p->workload == WL_IO) {
		fprintf(f, ",\"urls\":%d,\"latency_ms\":", p->nurls);
		put_num(f, p->latency_ms);
		fputs_unlocked(",\"jitter_ms\":", f);
		put_num(f, p->jitter_ms);
		fprintf(f, ",\"size\":%ld,\"fail_rate\":", p->size);
		put_num(f, p->fail_rate);
		fputs_unlocked(",\"timeout_ms\":", f);
		put_num(f, p->timeout_ms);
		fputs_unlocked(",\"ideal_latency_ms\":", f);
		put_num(f, s->ideal_latency_ms);
	} else if (p->workload == WL_CPU) {
		fprintf(f, ",\"cpu_base\":%llu", (unsigned long long)p->cpu_base);
	} else {
		fprintf(f, ",\"lock\":%s,\"lock_order\":%s", p->lock ? "true" : "false",
			p->lock_order ? "true" : "false");
	}
	fputs_unlocked(",\"host\":", f);
	stats_json_string(f, s->host);
	fprintf(f, ",\"cores\":%d,\"start_unix_ns\":%lld,\"events\":%llu}", s->cores,
		(long long)s->start_unix_ns, (unsigned long long)tl->stats.events);
}

/* Write the run as Chrome Trace Event JSON; 0 or -EIO. */
int export_chrome(FILE *f, const struct session *s, const struct timeline *tl)
{
	size_t nlanes = tl->nlanes > s->nlanes ? tl->nlanes : s->nlanes;
	fputs_unlocked("{\"traceEvents\":[\n", f);
	put_metadata(f, s, nlanes);
	for (size_t l = 0; l < tl->nlanes; l++)
		put_spans(f, s, tl, l);
	put_failures(f, s, tl);
	put_sync(f, s, tl);
	put_marks(f, s, tl);
	fputs_unlocked("\n],\n\"displayTimeUnit\":\"ms\",\n", f);
	put_other(f, s, tl);
	fputs_unlocked("}\n", f);
	return fflush(f) == 0 && !ferror(f) ? 0 : -EIO;
}
